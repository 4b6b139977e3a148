// RUN: compress-opt %s -split-input-file -verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(compress-quantize-weights{bits=4 group-size=2 range=minmax})' \
// RUN:   | FileCheck %s
// RUN: not compress-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(compress-quantize-weights{group-size=2 granularity=per-tensor})' \
// RUN:   2>&1 | FileCheck %s --check-prefix=PER-TENSOR

// PER-TENSOR: error: compress-quantize-weights: option 'group-size' needs granularity=per-channel

// Groups of 2 along K (dimension 0 of the KxN weight), one scale per column
// in each group, 4-bit narrow range [-7, 7]. Worked out by hand:
//   group 0 (rows 0-1): column absmax 3.5, 7 -> scales 0.5, 1
//     [[1/0.5, 7/1], [-3.5/0.5, 2/1]] = [[2, 7], [-7, 2]]
//   group 1 (rows 2-3): column absmax 2, 4 -> scales 2/7, 4/7
//     [[0.5*7/2, -1*7/4], [2*7/2, 4*7/4]] = [[1.75, -1.75], [7, 7]] -> [[2, -2], [7, 7]]
// CHECK-LABEL: func.func @matmul
// CHECK: %[[C:.*]] = arith.constant dense<{{\[}}[2, 7], [-7, 2], [2, -2], [7, 7]]> : tensor<4x2xi4>
// CHECK: %[[Q:.*]] = quant.scast %[[C]] : tensor<4x2xi4> to tensor<4x2x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{\{}}{5.000000e-01, 1.000000e+00}, {0.285714{{[0-9]*}}, 0.571428{{[0-9]*}}}}>>
// CHECK: %[[W:.*]] = compress.dequantize %[[Q]]
// CHECK: linalg.matmul ins(%{{.*}}, %[[W]] :
func.func @matmul(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<[[1.0, 7.0], [-3.5, 2.0], [0.5, -1.0], [2.0, 4.0]]> : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<3x2xf32>) -> tensor<3x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x2xf32>) outs(%f : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// The weight on the left (y = W x): K is dimension 1, the output channel 0.
// CHECK-LABEL: func.func @weight_on_the_left
// CHECK: quant.scast %{{.*}} : tensor<2x4xi4> to tensor<2x4x!quant.uniform<i4<-7:7>:f32:{0:1, 1:2}, {{\{}}{5.000000e-01, {{.*}}}, {1.000000e+00, {{.*}}}}>>
func.func @weight_on_the_left(%x: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[1.0, -3.5, 0.5, 2.0], [7.0, 2.0, -1.0, 4.0]]> : tensor<2x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul ins(%w, %x : tensor<2x4xf32>, tensor<4x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Convolution filters FxCxKHxKW: groups of 2 input channels, each with all
// its taps.
// CHECK-LABEL: func.func @conv
// CHECK: quant.scast %{{.*}} : tensor<2x4x3x3xi4> to tensor<2x4x3x3x!quant.uniform<i4<-7:7>:f32:{0:1, 1:2}, {{\{}}{{.*}}, {{.*}}}, {{\{}}{{.*}}, {{.*}}}}>>
func.func @conv(%x: tensor<1x4x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %c = arith.constant dense<0.5> : tensor<2x4x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %c : tensor<1x4x5x5xf32>, tensor<2x4x3x3xf32>) outs(%f : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// K = 3 is not a multiple of 2: one scale per channel, with a remark.
// CHECK-LABEL: func.func @not_a_multiple
// CHECK: quant.scast %{{.*}} : tensor<3x2xi4> to tensor<3x2x!quant.uniform<i4<-7:7>:f32:1, {{.*}}>>
func.func @not_a_multiple(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{weight quantized with one scale per channel, not in groups: its input-channel dimension (3) is not a multiple of group-size 2}}
  %y = linalg.matmul ins(%x, %w : tensor<1x3xf32>, tensor<3x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Depthwise filters have no input-channel dimension to group along.
// CHECK-LABEL: func.func @depthwise
// CHECK: quant.scast %{{.*}} : tensor<3x3x4xi4> to tensor<3x3x4x!quant.uniform<i4<-7:7>:f32:2, {{.*}}>>
func.func @depthwise(%x: tensor<1x5x5x4xf32>) -> tensor<1x3x3x4xf32> {
  %w = arith.constant dense<0.25> : tensor<3x3x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32>
  // expected-remark @+1 {{weight quantized with one scale per channel, not in groups: it has no input-channel dimension}}
  %y = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x5x5x4xf32>, tensor<3x3x4xf32>) outs(%f : tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32>
  return %y : tensor<1x3x3x4xf32>
}
