// RUN: compress-opt %s --split-input-file --compress-collapse-elementwise-dims | FileCheck %s

// A convolution epilogue on NCHW with a per-channel operand: H and W merge
// (every operand reads them contiguously, or not at all).
// CHECK-LABEL: func.func @nchw_epilogue
// CHECK: %[[IN:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3]] : tensor<1x8x14x14xi32> into tensor<1x8x196xi32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[IN]], %{{.*}} : tensor<1x8x196xi32>, tensor<8xf32>)
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0], [1], [2, 3]] output_shape [1, 8, 14, 14] : tensor<1x8x196xf32> into tensor<1x8x14x14xf32>
func.func @nchw_epilogue(%acc: tensor<1x8x14x14xi32>, %scale: tensor<8xf32>) -> tensor<1x8x14x14xf32> {
  %e = tensor.empty() : tensor<1x8x14x14xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc, %scale : tensor<1x8x14x14xi32>, tensor<8xf32>) outs(%e : tensor<1x8x14x14xf32>) {
  ^bb0(%a: i32, %s: f32, %o: f32):
    %f = arith.sitofp %a : i32 to f32
    %m = arith.mulf %f, %s : f32
    linalg.yield %m : f32
  } -> tensor<1x8x14x14xf32>
  return %r : tensor<1x8x14x14xf32>
}

// -----

// Left alone: a transposed operand (the trailing loops are not read in the
// same order), a reduction, and an op marked by an earlier pass.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: tensor.collapse_shape
// CHECK-NOT: tensor.expand_shape
func.func @left_alone(%x: tensor<4x6xf32>, %y: tensor<6x4xf32>, %r0: tensor<4xf32>) -> (tensor<4x6xf32>, tensor<4xf32>, tensor<4x6xf32>) {
  %e = tensor.empty() : tensor<4x6xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<4x6xf32>, tensor<6x4xf32>) outs(%e : tensor<4x6xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x6xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                         iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x6xf32>) outs(%r0 : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %m = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x6xf32>) outs(%e : tensor<4x6xf32>)
      attrs = {compress.cpu_requantize = {has_left_shift = false, hi = 127 : i64, lo = -128 : i64, params = array<i64: 1, 0, 0, 0, 0>, zero_point = 0 : i64}} {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<4x6xf32>
  return %t, %sum, %m : tensor<4x6xf32>, tensor<4xf32>, tensor<4x6xf32>
}
