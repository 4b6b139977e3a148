// compress-report also finds the integer kernels compress-fuse-qdq makes (a
// reducing linalg.generic that multiplies integers, with an integer
// constant weight), before and after convert-compress-to-linalg, so a report
// after --compress-ptq still lists the layers.
// RUN: compress-opt %s --compress-report=table=%t.txt -o /dev/null
// RUN: FileCheck %s < %t.txt
// RUN: compress-opt %s --convert-compress-to-linalg --compress-report=table=%t2.txt -o /dev/null
// RUN: FileCheck %s < %t2.txt

// By hand: the weight is 3x4 i8 with three zeros (25%); 12 bytes dense,
// 9 non-zeros x (1 + 4) = 45 bytes sparse. The bias add (no reduction) and
// the elementwise generic are not layers.
// CHECK: compress-report: 1 layer(s)
// CHECK: 0 {{.*}} linalg.generic (int) 3x4 12 i8 25.00% 48 12 45
// CHECK: total: 12 params, 25.00% zero, 48 bytes as fp32, 12 bytes dense now, 12 bytes with the smaller of dense and sparse storage per layer

#x = affine_map<(i, j, k) -> (i, k)>
#w = affine_map<(i, j, k) -> (j, k)>
#o = affine_map<(i, j, k) -> (i, j)>
#id = affine_map<(i, j) -> (i, j)>
func.func @kernel(%a: tensor<2x4xi8>) -> tensor<2x3xi32> {
  %w = arith.constant dense<[[1, 0, -3, 4], [0, 2, 5, -1], [7, 0, 1, 1]]> : tensor<3x4xi8>
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2x3xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<2x3xi32>) -> tensor<2x3xi32>
  %y = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<2x4xi8>, tensor<3x4xi8>) outs(%f : tensor<2x3xi32>) {
  ^bb0(%p: i8, %q: i8, %acc: i32):
    %pe = arith.extui %p : i8 to i32
    %qe = arith.extsi %q : i8 to i32
    %m = arith.muli %pe, %qe : i32
    %s = arith.addi %acc, %m : i32
    linalg.yield %s : i32
  } -> tensor<2x3xi32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<2x3xi32>) outs(%e : tensor<2x3xi32>) {
  ^bb0(%p: i32, %o: i32):
    %two = arith.constant 2 : i32
    %m = arith.muli %p, %two : i32
    linalg.yield %m : i32
  } -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}
