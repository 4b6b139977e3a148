// RUN: compress-opt %s -split-input-file -verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(compress-quantize-weights)' \
// RUN:   | FileCheck %s --check-prefix=CHANNEL
// RUN: compress-opt %s -split-input-file -verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(compress-quantize-weights{granularity=per-tensor})' \
// RUN:   | FileCheck %s --check-prefix=TENSOR
// RUN: compress-opt %s -split-input-file -verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(compress-quantize-weights{symmetric=false})' \
// RUN:   | FileCheck %s --check-prefix=ASYM
// RUN: compress-opt %s -split-input-file -verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(compress-quantize-weights{bits=4 range=minmax})' \
// RUN:   | FileCheck %s --check-prefix=INT4

// Expected integers worked out by hand (see each case); columns are output
// channels. Column absmax 127, 63.5, 254 -> symmetric scales 1, 0.5, 2.
//   per-channel: [[10.4/1, 63.5/0.5, 254/2], [-127, -20.2/0.5, 5/2], [3.6, 1.3/0.5, -7/2]]
//              = [[10, 127, 127], [-127, -40, 2 (2.5 ties to even)], [4, 3, -4 (-3.5)]]
//   per-tensor (scale 254/127 = 2): [[5, 32, 127], [-64 (-63.5), -10, 2], [2, 1, -4]]
//   asymmetric, full [-128, 127], per column:
//     col0 [-127, 10.4]: scale 137.4/255, zp -128 - round(-235.70) = 108
//     col1 [-20.2, 63.5]: scale 83.7/255,  zp -128 - round(-61.54)  = -66
//     col2 [-7, 254]:     scale 261/255,   zp -128 - round(-6.84)   = -121
//     q = [[19+108, 193-66, 248-121], [-236+108, -62-66, 5-121], [7+108, 4-66, -7-121]]
//   int4 narrow [-7, 7]: scales 127/7, 63.5/7, 254/7
//     q = [[1, 7, 7], [-7, -2, 0], [0, 0, 0]]

// CHANNEL-LABEL: func.func @matmul
// CHANNEL: %[[C:.*]] = arith.constant dense<{{\[}}[10, 127, 127], [-127, -40, 2], [4, 3, -4]]> : tensor<3x3xi8>
// CHANNEL: %[[Q:.*]] = quant.scast %[[C]] : tensor<3x3xi8> to tensor<3x3x!quant.uniform<i8<-127:127>:f32:1, {1.000000e+00,5.000000e-01,2.000000e+00}>>
// CHANNEL: %[[W:.*]] = compress.dequantize %[[Q]]
// CHANNEL: linalg.matmul ins(%{{.*}}, %[[W]] :
// TENSOR-LABEL: func.func @matmul
// TENSOR: arith.constant dense<{{\[}}[5, 32, 127], [-64, -10, 2], [2, 1, -4]]> : tensor<3x3xi8>
// TENSOR: quant.scast {{.*}} to tensor<3x3x!quant.uniform<i8<-127:127>:f32, 2.000000e+00>>
// ASYM-LABEL: func.func @matmul
// ASYM: arith.constant dense<{{\[}}[127, 127, 127], [-128, -128, -116], [115, -62, -128]]> : tensor<3x3xi8>
// ASYM: quant.scast {{.*}} to tensor<3x3x!quant.uniform<i8:f32:1, {0.5388{{[0-9]*}}:108,0.3282{{[0-9]*}}:-66,1.0235{{[0-9]*}}:-121}>>
// INT4-LABEL: func.func @matmul
// INT4: arith.constant dense<{{\[}}[1, 7, 7], [-7, -2, 0], [0, 0, 0]]> : tensor<3x3xi4>
// INT4: quant.scast {{.*}} to tensor<3x3x!quant.uniform<i4<-7:7>:f32:1, {18.14{{[0-9]*}},9.07{{[0-9]*}},36.28{{[0-9]*}}}>>
func.func @matmul(%x: tensor<2x3xf32>, %init: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[10.4, 63.5, 254.0], [-127.0, -20.2, 5.0], [3.6, 1.3, -7.0]]> : tensor<3x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x3xf32>, tensor<3x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// The weight can be the left operand: its output channel is then M (axis 0).
// Rows: absmax 127 -> scale 1, absmax 254 -> scale 2.
// CHANNEL-LABEL: func.func @matmul_constant_lhs
// CHANNEL: arith.constant dense<{{\[}}[127, -50], [1, 127]]> : tensor<2x2xi8>
// CHANNEL: !quant.uniform<i8<-127:127>:f32:0, {1.000000e+00,2.000000e+00}>
func.func @matmul_constant_lhs(%x: tensor<2x5xf32>, %init: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %w = arith.constant dense<[[127.0, -50.0], [2.0, 254.0]]> : tensor<2x2xf32>
  %y = linalg.matmul ins(%w, %x : tensor<2x2xf32>, tensor<2x5xf32>) outs(%init : tensor<2x5xf32>) -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// -----

// Transposed matmul through indexing_maps: B is N x K, so the channel is
// axis 0 of the weight.
// CHANNEL-LABEL: func.func @matmul_transpose_b
// CHANNEL: !quant.uniform<i8<-127:127>:f32:0, {1.000000e+00,2.000000e+00}>
func.func @matmul_transpose_b(%x: tensor<3x2xf32>, %init: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<[[127.0, -50.0], [2.0, 254.0]]> : tensor<2x2xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
         ins(%x, %w : tensor<3x2xf32>, tensor<2x2xf32>) outs(%init : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// batch_matmul: the batch dimension also indexes the output but it indexes
// the activations too, so the channel is N (axis 2).
// CHANNEL-LABEL: func.func @batch_matmul
// CHANNEL: arith.constant dense<{{\[}}{{\[}}[127, 1], [-50, 127]], {{\[}}[127, 1], [-50, 127]]]> : tensor<2x2x2xi8>
// CHANNEL: !quant.uniform<i8<-127:127>:f32:2, {1.000000e+00,2.000000e+00}>
func.func @batch_matmul(%x: tensor<2x4x2xf32>, %init: tensor<2x4x2xf32>) -> tensor<2x4x2xf32> {
  %w = arith.constant dense<[[[127.0, 2.0], [-50.0, 254.0]], [[127.0, 2.0], [-50.0, 254.0]]]> : tensor<2x2x2xf32>
  %y = linalg.batch_matmul ins(%x, %w : tensor<2x4x2xf32>, tensor<2x2x2xf32>) outs(%init : tensor<2x4x2xf32>) -> tensor<2x4x2xf32>
  return %y : tensor<2x4x2xf32>
}

// -----

// CHANNEL-LABEL: func.func @matvec
// CHANNEL: arith.constant dense<{{\[}}[127, -50], [1, 127]]> : tensor<2x2xi8>
// CHANNEL: !quant.uniform<i8<-127:127>:f32:0, {1.000000e+00,2.000000e+00}>
func.func @matvec(%x: tensor<2xf32>, %init: tensor<2xf32>) -> tensor<2xf32> {
  %w = arith.constant dense<[[127.0, -50.0], [2.0, 254.0]]> : tensor<2x2xf32>
  %y = linalg.matvec ins(%w, %x : tensor<2x2xf32>, tensor<2xf32>) outs(%init : tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// Filter HWCF: the channel is F (axis 3). f0 = {127, -50}, f1 = {2, 254}.
// CHANNEL-LABEL: func.func @conv_nhwc_hwcf
// CHANNEL: arith.constant dense<{{\[\[\[}}[127, 1], [-50, 127]]]]> : tensor<1x1x2x2xi8>
// CHANNEL: !quant.uniform<i8<-127:127>:f32:3, {1.000000e+00,2.000000e+00}>
// CHANNEL: linalg.conv_2d_nhwc_hwcf
func.func @conv_nhwc_hwcf(%x: tensor<1x4x4x2xf32>, %init: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = arith.constant dense<[[[[127.0, 2.0], [-50.0, 254.0]]]]> : tensor<1x1x2x2xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>) outs(%init : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// Filter FCHW: the channel is F (axis 0).
// CHANNEL-LABEL: func.func @conv_nchw_fchw
// CHANNEL: arith.constant dense<{{\[\[\[}}[127, -50]]], {{\[\[}}[1, 127]]]]> : tensor<2x1x1x2xi8>
// CHANNEL: !quant.uniform<i8<-127:127>:f32:0, {1.000000e+00,2.000000e+00}>
func.func @conv_nchw_fchw(%x: tensor<1x1x4x4xf32>, %init: tensor<1x2x4x3xf32>) -> tensor<1x2x4x3xf32> {
  %w = arith.constant dense<[[[[127.0, -50.0]]], [[[2.0, 254.0]]]]> : tensor<2x1x1x2xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x1x4x4xf32>, tensor<2x1x1x2xf32>) outs(%init : tensor<1x2x4x3xf32>) -> tensor<1x2x4x3xf32>
  return %y : tensor<1x2x4x3xf32>
}

// -----

// Depthwise filter HWC: C indexes input and output alike; it is the only
// output-indexing filter dimension, so it is the channel (axis 2).
// CHANNEL-LABEL: func.func @depthwise
// CHANNEL: arith.constant dense<{{\[\[}}[127, 1], [-50, 127]]]> : tensor<1x2x2xi8>
// CHANNEL: !quant.uniform<i8<-127:127>:f32:2, {1.000000e+00,2.000000e+00}>
func.func @depthwise(%x: tensor<1x4x4x2xf32>, %init: tensor<1x4x3x2xf32>) -> tensor<1x4x3x2xf32> {
  %w = arith.constant dense<[[[127.0, 2.0], [-50.0, 254.0]]]> : tensor<1x2x2xf32>
  %y = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x4x4x2xf32>, tensor<1x2x2xf32>) outs(%init : tensor<1x4x3x2xf32>) -> tensor<1x4x3x2xf32>
  return %y : tensor<1x4x3x2xf32>
}

// -----

// linalg.conv_2d has no channel dimension: per-tensor even when per-channel
// is asked for. Scale 254/127 = 2; 127/2 = 63.5 ties to 64.
// CHANNEL-LABEL: func.func @conv_2d_falls_back_to_per_tensor
// CHANNEL: arith.constant dense<{{\[}}[64, -25], [1, 127]]> : tensor<2x2xi8>
// CHANNEL: !quant.uniform<i8<-127:127>:f32, 2.000000e+00>
func.func @conv_2d_falls_back_to_per_tensor(%x: tensor<4x4xf32>, %init: tensor<3x3xf32>) -> tensor<3x3xf32> {
  %w = arith.constant dense<[[127.0, -50.0], [2.0, 254.0]]> : tensor<2x2xf32>
  %y = linalg.conv_2d ins(%x, %w : tensor<4x4xf32>, tensor<2x2xf32>) outs(%init : tensor<3x3xf32>) -> tensor<3x3xf32>
  return %y : tensor<3x3xf32>
}

// -----

// One weight used by two matmuls is quantized once; the float constant goes.
// CHANNEL-LABEL: func.func @shared_weight
// CHANNEL-NOT: tensor<2x2xf32> = arith.constant
// CHANNEL: %[[W:.*]] = compress.dequantize
// CHANNEL-NOT: compress.dequantize
// CHANNEL: linalg.matmul ins(%{{.*}}, %[[W]] :
// CHANNEL: linalg.matmul ins(%{{.*}}, %[[W]] :
func.func @shared_weight(%x: tensor<2x2xf32>, %init: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[127.0, -50.0], [2.0, 254.0]]> : tensor<2x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  %z = linalg.matmul ins(%y, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %z : tensor<2x2xf32>
}

// -----

// A weight also used by a non-quantizable op keeps its float constant there.
// CHANNEL-LABEL: func.func @weight_with_other_use
// CHANNEL: %[[F:.*]] = arith.constant dense<{{.*}}> : tensor<2x2xf32>
// CHANNEL: %[[W:.*]] = compress.dequantize
// CHANNEL: linalg.matmul ins(%{{.*}}, %[[W]] :
// CHANNEL: return %{{.*}}, %[[F]]
func.func @weight_with_other_use(%x: tensor<2x2xf32>, %init: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %w = arith.constant dense<[[127.0, -50.0], [2.0, 254.0]]> : tensor<2x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y, %w : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// f16 weights keep f16 as the expressed type.
// CHANNEL-LABEL: func.func @f16_weight
// CHANNEL: quant.scast {{.*}} : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8<-127:127>:f16:1, {1.000000e+00,2.000000e+00}>>
// CHANNEL: compress.dequantize {{.*}} -> tensor<2x2xf16>
func.func @f16_weight(%x: tensor<2x2xf16>, %init: tensor<2x2xf16>) -> tensor<2x2xf16> {
  %w = arith.constant dense<[[127.0, 2.0], [-50.0, 254.0]]> : tensor<2x2xf16>
  %y = linalg.matmul ins(%x, %w : tensor<2x2xf16>, tensor<2x2xf16>) outs(%init : tensor<2x2xf16>) -> tensor<2x2xf16>
  return %y : tensor<2x2xf16>
}

// -----

// An all-zero channel gets scale 1 and stays zero.
// CHANNEL-LABEL: func.func @zero_channel
// CHANNEL: arith.constant dense<{{\[}}[0, 127], [0, -127]]> : tensor<2x2xi8>
// CHANNEL: {1.000000e+00,2.000000e+00}
func.func @zero_channel(%x: tensor<2x2xf32>, %init: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[0.0, 254.0], [0.0, -254.0]]> : tensor<2x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Activations times activations: nothing to quantize, nothing said.
// CHANNEL-LABEL: func.func @no_constant
// CHANNEL-NOT: compress.dequantize
func.func @no_constant(%x: tensor<2x2xf32>, %w: tensor<2x2xf32>, %init: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %y = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// CHANNEL-LABEL: func.func @both_constant
// CHANNEL-NOT: compress.dequantize
func.func @both_constant(%init: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %a = arith.constant dense<1.0> : tensor<2x2xf32>
  %b = arith.constant dense<2.0> : tensor<2x2xf32>
  // expected-remark @+1 {{weight not quantized: both inputs are constants (fold the op instead)}}
  %y = linalg.matmul ins(%a, %b : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// CHANNEL-LABEL: func.func @non_finite_weight
// CHANNEL-NOT: compress.dequantize
func.func @non_finite_weight(%x: tensor<2x2xf32>, %init: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-warning @+1 {{weight constant contains NaN or infinity; left unquantized}}
  %w = arith.constant dense<[[1.0, 0x7F800000], [2.0, 3.0]]> : tensor<2x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Large weights imported as dense resources are read from their blob.
// Blob: alignment 4, then little-endian f32 [[127, -50], [2, 254]].
// Columns {127, 2} -> scale 1, {-50, 254} -> scale 2.
// CHANNEL-LABEL: func.func @dense_resource_weight
// CHANNEL: arith.constant dense<{{\[}}[127, -25], [2, 127]]> : tensor<2x2xi8>
// CHANNEL: {1.000000e+00,2.000000e+00}
func.func @dense_resource_weight(%x: tensor<2x2xf32>, %init: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense_resource<weight> : tensor<2x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      weight: "0x040000000000FE42000048C20000004000007E43"
    }
  }
#-}
