// RUN: compress-opt %s -canonicalize -split-input-file | FileCheck %s

// quantize(dequantize(q)) of the same type is q.
// CHECK-LABEL: func.func @roundtrip_folds
// CHECK-SAME: (%[[Q:.*]]: tensor
// CHECK-NOT: compress.
// CHECK: return %[[Q]]
func.func @roundtrip_folds(%q: tensor<4x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:3>> {
  %x = compress.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4xf32>
  %r = compress.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.5:3>>
}

// -----

// A different type in between requantizes: no fold.
// CHECK-LABEL: func.func @requantize_does_not_fold
// CHECK: compress.dequantize
// CHECK: compress.quantize
func.func @requantize_does_not_fold(%q: tensor<4x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.25:3>> {
  %x = compress.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4xf32>
  %r = compress.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:3>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.25:3>>
}

// -----

// (q - zp) * 1e37 overflows f32 for |q| >= 35: dequantize gives +-inf, which
// quantizes to qmax/qmin, not q. No fold.
// CHECK-LABEL: func.func @overflowing_roundtrip_does_not_fold
// CHECK: compress.dequantize
// CHECK: compress.quantize
func.func @overflowing_roundtrip_does_not_fold(%q: tensor<4x!quant.uniform<i8:f32, 1.0e37>>) -> tensor<4x!quant.uniform<i8:f32, 1.0e37>> {
  %x = compress.dequantize %q : tensor<4x!quant.uniform<i8:f32, 1.0e37>> -> tensor<4xf32>
  %r = compress.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 1.0e37>>
  return %r : tensor<4x!quant.uniform<i8:f32, 1.0e37>>
}

// -----

// bf16 cannot hold (q - zp) * s exactly for every 8-bit q: no fold.
// CHECK-LABEL: func.func @bf16_roundtrip_does_not_fold
// CHECK: compress.dequantize
// CHECK: compress.quantize
func.func @bf16_roundtrip_does_not_fold(%q: tensor<4x!quant.uniform<i8:bf16, 0.3>>) -> tensor<4x!quant.uniform<i8:bf16, 0.3>> {
  %x = compress.dequantize %q : tensor<4x!quant.uniform<i8:bf16, 0.3>> -> tensor<4xbf16>
  %r = compress.quantize %x : tensor<4xbf16> -> tensor<4x!quant.uniform<i8:bf16, 0.3>>
  return %r : tensor<4x!quant.uniform<i8:bf16, 0.3>>
}

// -----

// Quantizing a constant folds into a storage constant. Expected values:
// x / 0.5 = [2.5, -2.5, 3.5, 1000, -1000, 0.5] -> round half to even
// [2, -2, 4, 1000, -1000, 0] + zp 1 -> clamp to [-128, 127].
// CHECK-LABEL: func.func @constant_folds
// CHECK: %[[C:.*]] = arith.constant dense<[3, -1, 5, 127, -128, 1]> : tensor<6xi8>
// CHECK: %[[Q:.*]] = quant.scast %[[C]] : tensor<6xi8> to tensor<6x!quant.uniform<i8:f32, 5.000000e-01:1>>
// CHECK: return %[[Q]]
func.func @constant_folds() -> tensor<6x!quant.uniform<i8:f32, 0.5:1>> {
  %x = arith.constant dense<[1.25, -1.25, 1.75, 500.0, -500.0, 0.25]> : tensor<6xf32>
  %q = compress.quantize %x : tensor<6xf32> -> tensor<6x!quant.uniform<i8:f32, 0.5:1>>
  return %q : tensor<6x!quant.uniform<i8:f32, 0.5:1>>
}

// -----

// Per-axis constants pick each channel's parameters: column 0 uses
// scale 0.5 / zp 0, column 1 scale 2 / zp 10 on u8.
// [[1, 4], [-3, -30]] -> [[2, 4 / 2 + 10 = 12], [-6, -15 + 10 = -5 -> 0]]
// As signless i8, u8 values print as their bit patterns (all < 128 here).
// CHECK-LABEL: func.func @per_axis_constant_folds
// CHECK: arith.constant dense<{{\[}}[2, 12], [0, 0]]> : tensor<2x2xi8>
func.func @per_axis_constant_folds() -> tensor<2x2x!quant.uniform<u8:f32:1, {0.5, 2.0:10}>> {
  %x = arith.constant dense<[[1.0, 4.0], [-3.0, -30.0]]> : tensor<2x2xf32>
  %q = compress.quantize %x : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<u8:f32:1, {0.5, 2.0:10}>>
  return %q : tensor<2x2x!quant.uniform<u8:f32:1, {0.5, 2.0:10}>>
}
