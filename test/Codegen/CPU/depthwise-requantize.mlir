// RUN: compress-opt %s --compress-fuse-qdq --compress-lower-to-cpu="cpu=avx2 threads=1" --mlir-print-ir-after=compress-cpu-lower-kernels -o /dev/null 2>&1 | FileCheck %s

// An int8 NCHW depthwise convolution with a bias and a requantization (what
// compress-fuse-qdq makes of dequantize -> pad -> depthwise -> bias, ReLU6 ->
// quantize) becomes one call: it pads each input plane with the zero point
// (114) itself and writes only the requantized bytes, so neither the padded
// copy, the i32 accumulators nor the requantization loop remain. The
// integers are checked by test/Integration/CPU/int8/conv.mlir.

!qx = !quant.uniform<u8:f32, 0.0123:114>
!qw = !quant.uniform<i8<-127:127>:f32:0, {0.0065:0, 0.0027:0, 0.018:0}>
!qy = !quant.uniform<u8:f32, 0.0173:0>

// CHECK-LABEL: func.func @depthwise_pad_bias_relu6
// CHECK-NOT: memref.copy
// CHECK-NOT: linalg.generic
// The window (3x3, 4x5 outputs, strides 1, dilations 1), then the padding
// (top, left, bottom, right 1, value 114):
// CHECK: call @compress_cpu_depthwise_conv2d_nchw_u8s8_requantize(%c1_i64{{.*}}, %c1_i64{{.*}}, %c3_i64{{.*}}, %c4_i64{{.*}}, %c5_i64{{.*}}, %c3_i64{{.*}}, %c3_i64{{.*}}, %c4_i64{{.*}}, %c5_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %c114_i64,
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @depthwise_pad_bias_relu6(%xq: tensor<1x3x4x5x!qx>) -> tensor<1x3x4x5x!qy> {
  %xd = compress.dequantize %xq : tensor<1x3x4x5x!qx> -> tensor<1x3x4x5xf32>
  %pad = arith.constant 0.0 : f32
  %xp = tensor.pad %xd low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %pad : f32
  } : tensor<1x3x4x5xf32> to tensor<1x3x6x7xf32>
  %wc = arith.constant dense<[[[-30, -34, -107], [39, 1, 123], [-89, -15, -97]], [[62, -124, 12], [-116, 71, -37], [-2, -71, 127]], [[-10, -65, -107], [15, -87, 50], [-21, -125, -50]]]> : tensor<3x3x3xi8>
  %wq = quant.scast %wc : tensor<3x3x3xi8> to tensor<3x3x3x!qw>
  %wd = compress.dequantize %wq : tensor<3x3x3x!qw> -> tensor<3x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x3x4x5xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x3x4x5xf32>) -> tensor<1x3x4x5xf32>
  %layer = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xp, %wd : tensor<1x3x6x7xf32>, tensor<3x3x3xf32>) outs(%init : tensor<1x3x4x5xf32>) -> tensor<1x3x4x5xf32>
  %bias = arith.constant dense<[0.27, -0.19, 0.30]> : tensor<3xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%layer, %bias : tensor<1x3x4x5xf32>, tensor<3xf32>) outs(%empty : tensor<1x3x4x5xf32>) {
  ^bb0(%acc: f32, %b: f32, %unused: f32):
    %sum = arith.addf %acc, %b : f32
    %lo = arith.constant 0.0 : f32
    %max = arith.maximumf %sum, %lo : f32
    %hi = arith.constant 6.0 : f32
    %min = arith.minimumf %max, %hi : f32
    linalg.yield %min : f32
  } -> tensor<1x3x4x5xf32>
  %yq = compress.quantize %y : tensor<1x3x4x5xf32> -> tensor<1x3x4x5x!qy>
  return %yq : tensor<1x3x4x5x!qy>
}
