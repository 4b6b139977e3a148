// RUN: compress-opt %s | compress-opt | FileCheck %s
// RUN: compress-opt %s --mlir-print-op-generic | compress-opt | FileCheck %s

// CHECK-LABEL: func.func @quantize_per_tensor
// CHECK: compress.quantize %{{.*}} : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
func.func @quantize_per_tensor(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>> {
  %q = compress.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
}

// CHECK-LABEL: func.func @dequantize_u8
// CHECK: compress.dequantize %{{.*}} : tensor<2x?x!quant.uniform<u8:f32, 2.500000e-01:128>> -> tensor<2x?xf32>
func.func @dequantize_u8(%q: tensor<2x?x!quant.uniform<u8:f32, 0.25:128>>) -> tensor<2x?xf32> {
  %x = compress.dequantize %q : tensor<2x?x!quant.uniform<u8:f32, 0.25:128>> -> tensor<2x?xf32>
  return %x : tensor<2x?xf32>
}

// CHECK-LABEL: func.func @per_axis_narrow
// CHECK: compress.quantize %{{.*}} : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {1.000000e-01,2.000000e-01:3,3.000000e-01:-2}>>
func.func @per_axis_narrow(%x: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2:3, 0.3:-2}>> {
  %q = compress.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2:3, 0.3:-2}>>
  return %q : tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2:3, 0.3:-2}>>
}

// Sub-channel (blockwise): groups of 2 along dimension 0, one scale per
// column in each group.
// CHECK-LABEL: func.func @sub_channel
// CHECK: compress.quantize %{{.*}} : tensor<4x3xf32> -> tensor<4x3x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{\{}}{1.000000e-01, 2.000000e-01, 3.000000e-01}, {4.000000e-01, 5.000000e-01:1, 6.000000e-01}}>>
// CHECK: compress.dequantize %{{.*}} : tensor<4x3x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{.*}}>> -> tensor<4x3xf32>
func.func @sub_channel(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %q = compress.quantize %x : tensor<4x3xf32> -> tensor<4x3x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{0.1, 0.2, 0.3}, {0.4, 0.5:1, 0.6}}>>
  %d = compress.dequantize %q : tensor<4x3x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{0.1, 0.2, 0.3}, {0.4, 0.5:1, 0.6}}>> -> tensor<4x3xf32>
  return %d : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @half_precision_and_storage_widths
// CHECK: compress.quantize %{{.*}} : tensor<8xf16> -> tensor<8x!quant.uniform<i4:f16, 1.250000e-01>>
// CHECK: compress.quantize %{{.*}} : tensor<8xbf16> -> tensor<8x!quant.uniform<i16:bf16, 1.250000e-01:-7>>
// CHECK: compress.dequantize %{{.*}} : tensor<8x!quant.uniform<i4:f16, 1.250000e-01>> -> tensor<8xf16>
func.func @half_precision_and_storage_widths(%h: tensor<8xf16>, %b: tensor<8xbf16>) -> tensor<8xf16> {
  %q4 = compress.quantize %h : tensor<8xf16> -> tensor<8x!quant.uniform<i4:f16, 0.125>>
  %q16 = compress.quantize %b : tensor<8xbf16> -> tensor<8x!quant.uniform<i16:bf16, 0.125:-7>>
  %d = compress.dequantize %q4 : tensor<8x!quant.uniform<i4:f16, 0.125>> -> tensor<8xf16>
  return %d : tensor<8xf16>
}

// CHECK-LABEL: func.func @sparsity_annotations
// CHECK: compress.sparsity = #compress.sparsity<unstructured, fraction = 5.000000e-01>
// CHECK: compress.sparsity = #compress.sparsity<structured[2, 4], axis = 0, fraction = 5.000000e-01>
// CHECK: compress.sparsity = #compress.sparsity<channel, axis = 1, fraction = 2.500000e-01>
func.func @sparsity_annotations() -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %a = arith.constant {compress.sparsity = #compress.sparsity<unstructured, fraction = 0.5>} dense<[0.0, 1.0, 0.0, 2.0]> : tensor<4xf32>
  %b = arith.constant {compress.sparsity = #compress.sparsity<structured[2, 4], axis = 0, fraction = 0.5>} dense<[0.0, 1.0, 0.0, 2.0]> : tensor<4xf32>
  %c = arith.constant {compress.sparsity = #compress.sparsity<channel, axis = 1, fraction = 0.25>} dense<[0.0, 1.0, 3.0, 2.0]> : tensor<4xf32>
  return %a, %b, %c : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @observe
// CHECK: compress.observe %{{.*}} {id = 0 : i64} : tensor<2x3xf32>
// CHECK: compress.observe %{{.*}} {id = 1 : i64, max = 2.000000e+00 : f64, min = -1.500000e+00 : f64} : tensor<2x3xf32>
func.func @observe(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %a = compress.observe %x {id = 0 : i64} : tensor<2x3xf32>
  %b = compress.observe %a {id = 1 : i64, min = -1.5 : f64, max = 2.0 : f64} : tensor<2x3xf32>
  return %b : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @fake_quant
// CHECK: compress.fake_quant %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<f32>
// CHECK: compress.fake_quant %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64, bits = 4 : i64, is_signed, narrow_range} : tensor<2x3xf32>, tensor<3xf32>
func.func @fake_quant(%x: tensor<2x3xf32>, %min: tensor<f32>, %max: tensor<f32>, %mins: tensor<3xf32>, %maxs: tensor<3xf32>) -> tensor<2x3xf32> {
  %a = compress.fake_quant %x, %min, %max : tensor<2x3xf32>, tensor<f32>
  %b = compress.fake_quant %a, %mins, %maxs {bits = 4 : i64, axis = 1 : i64, is_signed, narrow_range} : tensor<2x3xf32>, tensor<3xf32>
  return %b : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @requantize
// CHECK: compress.requantize %{{.*}} {axis = 1 : i64, clamp_min = 0 : i64, input_scales = array<f64: 1.000000e-02, 2.000000e-02>} : tensor<4x2xi32> -> tensor<4x2x!quant.uniform<u8:f32, 5.000000e-02>>
// CHECK: compress.requantize %{{.*}} {input_scales = array<f64: 2.500000e-01>, rounding = "float"} : tensor<4x2xi32> -> tensor<4x2x!quant.uniform<i8:f32, 1.000000e+00:-3>>
func.func @requantize(%acc: tensor<4x2xi32>) -> (tensor<4x2x!quant.uniform<u8:f32, 0.05>>, tensor<4x2x!quant.uniform<i8:f32, 1.0:-3>>) {
  %a = compress.requantize %acc {input_scales = array<f64: 0.01, 0.02>, axis = 1 : i64, clamp_min = 0 : i64} : tensor<4x2xi32> -> tensor<4x2x!quant.uniform<u8:f32, 0.05>>
  %b = compress.requantize %acc {input_scales = array<f64: 0.25>, rounding = "float"} : tensor<4x2xi32> -> tensor<4x2x!quant.uniform<i8:f32, 1.0:-3>>
  return %a, %b : tensor<4x2x!quant.uniform<u8:f32, 0.05>>, tensor<4x2x!quant.uniform<i8:f32, 1.0:-3>>
}
