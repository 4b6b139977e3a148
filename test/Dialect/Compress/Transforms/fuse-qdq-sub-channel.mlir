// RUN: compress-opt %s --compress-fuse-qdq -split-input-file -verify-diagnostics | FileCheck %s

// A weight with group-wise (sub-channel) scales cannot feed the integer
// kernels, whose requantization takes one scale per output channel: the
// matmul stays a float matmul of the dequantized operands, and the
// quantize/dequantize pairs around it stay as they are.
// CHECK-LABEL: func.func @grouped_weight
// CHECK: %[[W:.*]] = compress.dequantize %{{.*}} : tensor<4x2x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{.*}}>> -> tensor<4x2xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %[[W]] : tensor<2x4xf32>, tensor<4x2xf32>)
// CHECK-NOT: arith.muli
func.func @grouped_weight(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %q = compress.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<u8:f32, 0.1:128>>
  %xd = compress.dequantize %q : tensor<2x4x!quant.uniform<u8:f32, 0.1:128>> -> tensor<2x4xf32>
  %c = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, -7]]> : tensor<4x2xi4>
  %wq = quant.scast %c : tensor<4x2xi4> to tensor<4x2x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{0.5, 1.0}, {0.25, 0.5}}>>
  %w = compress.dequantize %wq : tensor<4x2x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{0.5, 1.0}, {0.25, 0.5}}>> -> tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: operand #1 has group-wise (sub-channel) scales; the integer kernels take one scale per channel}}
  %y = linalg.matmul ins(%xd, %w : tensor<2x4xf32>, tensor<4x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  %yq = compress.quantize %y : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<u8:f32, 0.2:100>>
  %yd = compress.dequantize %yq : tensor<2x2x!quant.uniform<u8:f32, 0.2:100>> -> tensor<2x2xf32>
  return %yd : tensor<2x2xf32>
}

// -----

// Nor can a layer whose output is quantized in groups.
// CHECK-LABEL: func.func @grouped_output
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<4x2xf32>)
// CHECK: compress.quantize %{{.*}} : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<u8:f32:{0:1, 1:1}, {{.*}}>>
func.func @grouped_output(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %q = compress.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<u8:f32, 0.1:128>>
  %xd = compress.dequantize %q : tensor<2x4x!quant.uniform<u8:f32, 0.1:128>> -> tensor<2x4xf32>
  %c = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, -7]]> : tensor<4x2xi8>
  %wq = quant.scast %c : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8<-127:127>:f32:1, {0.5, 0.25}>>
  %w = compress.dequantize %wq : tensor<4x2x!quant.uniform<i8<-127:127>:f32:1, {0.5, 0.25}>> -> tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %y = linalg.matmul ins(%xd, %w : tensor<2x4xf32>, tensor<4x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: group-wise (sub-channel) output quantization (the requantization is per-tensor)}}
  %yq = compress.quantize %y : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<u8:f32:{0:1, 1:1}, {{0.2:100, 0.1:100}, {0.2:100, 0.1:100}}>>
  %yd = compress.dequantize %yq : tensor<2x2x!quant.uniform<u8:f32:{0:1, 1:1}, {{0.2:100, 0.1:100}, {0.2:100, 0.1:100}}>> -> tensor<2x2xf32>
  return %yd : tensor<2x2xf32>
}
