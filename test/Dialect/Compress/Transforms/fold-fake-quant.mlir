// RUN: compress-opt %s -split-input-file -verify-diagnostics --compress-fold-fake-quant | FileCheck %s

// Range [-1, 2], 8 bits unsigned, computed in f32: scale = 3/255 rounded to
// f32 = 0.0117647061 (double 0.011764706112444401), zp = round(85.0) = 85.
// CHECK-LABEL: func.func @activation
// CHECK: %[[Q:.*]] = compress.quantize %arg0 : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.011764706112444401:85>>
// CHECK: compress.dequantize %[[Q]]
// CHECK-NOT: compress.fake_quant
func.func @activation(%x: tensor<4xf32>) -> tensor<4xf32> {
  %min = arith.constant dense<-1.0> : tensor<f32>
  %max = arith.constant dense<2.0> : tensor<f32>
  %y = compress.fake_quant %x, %min, %max : tensor<4xf32>, tensor<f32>
  return %y : tensor<4xf32>
}

// -----

// A fake-quantized constant weight folds to a quantized constant. Per axis
// 1, signed narrow 4-bit [-7, 7]: column 0 range [-7, 7] -> scale 1, zp 0;
// column 1 range [0, 14] -> scale 1, zp -7.
// CHECK-LABEL: func.func @weight
// CHECK: %[[C:.*]] = arith.constant dense<{{\[}}[3, -7], [-7, 7]]> : tensor<2x2xi4>
// CHECK: quant.scast %[[C]] : tensor<2x2xi4> to tensor<2x2x!quant.uniform<i4<-7:7>:f32:1, {1.000000e+00,1.000000e+00:-7}>>
func.func @weight() -> tensor<2x2xf32> {
  %w = arith.constant dense<[[3.0, 0.0], [-9.0, 20.0]]> : tensor<2x2xf32>
  %min = arith.constant dense<[-7.0, 0.0]> : tensor<2xf32>
  %max = arith.constant dense<[7.0, 14.0]> : tensor<2xf32>
  %y = compress.fake_quant %w, %min, %max {bits = 4 : i64, axis = 1 : i64, is_signed, narrow_range} : tensor<2x2xf32>, tensor<2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func.func @learned_range
// CHECK: compress.fake_quant
func.func @learned_range(%x: tensor<4xf32>, %min: tensor<f32>, %max: tensor<f32>) -> tensor<4xf32> {
  // expected-remark @+1 {{fake quantization not folded: its 'min' and 'max' are not constants}}
  %y = compress.fake_quant %x, %min, %max : tensor<4xf32>, tensor<f32>
  return %y : tensor<4xf32>
}
