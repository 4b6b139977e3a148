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
