// RUN: compress-opt %s -split-input-file -verify-diagnostics --compress-prune-nm | FileCheck %s
// RUN: compress-opt %s -split-input-file --compress-prune-nm='n=1 m=2' 2>/dev/null | FileCheck %s --check-prefix=N1M2

// Groups of 4 along K (axis 0 of the matmul weight), per column. By hand:
//   column 0: (1, -4, 3, 2) keeps -4, 3;  column 1: (-8, 2, 1, -7) keeps -8, -7.
// 1:2: column 0: (1, -4) -> -4, (3, 2) -> 3; column 1: (-8, 2) -> -8, (1, -7) -> -7.
// CHECK-LABEL: func.func @matmul_2_4
// CHECK: arith.constant {compress.sparsity = #compress.sparsity<structured[2, 4], axis = 0, fraction = 5.000000e-01>}
// CHECK-SAME: dense<{{\[}}[0.000000e+00, -8.000000e+00], [-4.000000e+00, 0.000000e+00], [3.000000e+00, 0.000000e+00], [0.000000e+00, -7.000000e+00]]>
// N1M2-LABEL: func.func @matmul_2_4
// N1M2: #compress.sparsity<structured[1, 2], axis = 0, fraction = 5.000000e-01>
// N1M2-SAME: dense<{{\[}}[0.000000e+00, -8.000000e+00], [-4.000000e+00, 0.000000e+00], [3.000000e+00, 0.000000e+00], [0.000000e+00, -7.000000e+00]]>
func.func @matmul_2_4(%x: tensor<3x4xf32>, %init: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<[[1.0, -8.0], [-4.0, 2.0], [3.0, 1.0], [2.0, -7.0]]> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x2xf32>) outs(%init : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Ties keep the lower index.
// CHECK-LABEL: func.func @ties
// CHECK: dense<{{\[}}[1.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<1x4xf32>
func.func @ties(%x: tensor<3x4xf32>, %init: tensor<3x1xf32>) -> tensor<3x1xf32> {
  // Transposed weight (N x K): the reduction dimension is axis 1.
  %w = arith.constant dense<[[1.0, 1.0, 1.0, 1.0]]> : tensor<1x4xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
         ins(%x, %w : tensor<3x4xf32>, tensor<1x4xf32>) outs(%init : tensor<3x1xf32>) -> tensor<3x1xf32>
  return %y : tensor<3x1xf32>
}

// -----

// Convolution filters are pruned along their input channels (C of HWCF).
// CHECK-LABEL: func.func @conv
// CHECK: #compress.sparsity<structured[2, 4], axis = 2, fraction = 5.000000e-01>
// CHECK-SAME: dense<{{\[\[\[}}[0.000000e+00], [5.000000e+00], [-6.000000e+00], [0.000000e+00]]]]> : tensor<1x1x4x1xf32>
func.func @conv(%x: tensor<1x3x3x4xf32>, %init: tensor<1x3x3x1xf32>) -> tensor<1x3x3x1xf32> {
  %w = arith.constant dense<[[[[1.0], [5.0], [-6.0], [0.5]]]]> : tensor<1x1x4x1xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x3x3x4xf32>, tensor<1x1x4x1xf32>) outs(%init : tensor<1x3x3x1xf32>) -> tensor<1x3x3x1xf32>
  return %y : tensor<1x3x3x1xf32>
}

// -----

// CHECK-LABEL: func.func @not_a_multiple
// CHECK-NOT: compress.sparsity
func.func @not_a_multiple(%x: tensor<3x6xf32>, %init: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<1.0> : tensor<6x2xf32>
  // expected-remark @+1 {{not pruned to 2:4: reduction dimension 0 has size 6, not a multiple of 4}}
  %y = linalg.matmul ins(%x, %w : tensor<3x6xf32>, tensor<6x2xf32>) outs(%init : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @depthwise
// CHECK-NOT: compress.sparsity
func.func @depthwise(%x: tensor<1x4x4x4xf32>, %init: tensor<1x4x3x4xf32>) -> tensor<1x4x3x4xf32> {
  %w = arith.constant dense<1.0> : tensor<1x2x4xf32>
  // expected-remark @+1 {{not pruned to 2:4: the weight has no reduction dimension shared with the input}}
  %y = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x4x4x4xf32>, tensor<1x2x4xf32>) outs(%init : tensor<1x4x3x4xf32>) -> tensor<1x4x3x4xf32>
  return %y : tensor<1x4x3x4xf32>
}
