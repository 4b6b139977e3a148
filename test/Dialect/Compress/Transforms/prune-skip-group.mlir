// RUN: compress-opt %s -verify-diagnostics --compress-prune-neurons='ratio=0.5 skip=2' | FileCheck %s

// A residual stream (prune-residual.mlir's): A (layer 0) and B2 (layer 2)
// write it, one dependency group. skip=2 names B2, which leaves
// the whole group: its 4 channels stay, while the block's own chain
// (B1 -> B2) still loses one of its 2 neurons.
// CHECK-LABEL: func.func @residual_stream
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3x4xf32>) {{.*}} -> tensor<2x4xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<4x1xf32>) {{.*}} -> tensor<2x1xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x1xf32>, tensor<1x4xf32>) {{.*}} -> tensor<2x4xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<4x2xf32>) {{.*}} -> tensor<2x2xf32>
// CHECK-NOT: compress_prune_skip
#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>
func.func @residual_stream(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %wa = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]]> : tensor<3x4xf32>
  %ba = arith.constant dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
  %w1 = arith.constant dense<[[1.0, 0.5], [0.0, 0.1], [2.0, 0.5], [0.1, 0.0]]> : tensor<4x2xf32>
  %w2 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [0.1, 0.1, 0.1, 0.1]]> : tensor<2x4xf32>
  %wc = arith.constant dense<[[1.0, 1.0], [0.0, 0.1], [1.0, 1.0], [0.1, 0.0]]> : tensor<4x2xf32>
  %e4 = tensor.empty() : tensor<2x4xf32>
  %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<2x2xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-remark @+1 {{neurons not pruned: option 'skip' names another layer of its dependency group}}
  %a = linalg.matmul ins(%x, %wa : tensor<2x3xf32>, tensor<3x4xf32>) outs(%f4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %ra = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
       ins(%a, %ba : tensor<2x4xf32>, tensor<4xf32>) outs(%e4 : tensor<2x4xf32>) {
  ^bb0(%in: f32, %b: f32, %o: f32):
    %s = arith.addf %in, %b : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x4xf32>
  %h = linalg.matmul ins(%ra, %w1 : tensor<2x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  %hr = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
       ins(%h : tensor<2x2xf32>) outs(%e2 : tensor<2x2xf32>) {
  ^bb0(%in: f32, %o: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x2xf32>
  // expected-remark @+2 {{neurons not pruned: option 'skip' names this layer}}
  // expected-note @+1 {{the skipped layer}}
  %b = linalg.matmul ins(%hr, %w2 : tensor<2x2xf32>, tensor<2x4xf32>) outs(%f4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
       ins(%b, %ra : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e4 : tensor<2x4xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  // expected-remark @+1 {{neurons not pruned: the channels are returned from the function}}
  %y = linalg.matmul ins(%sum, %wc : tensor<2x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}


