// RUN: compress-opt %s -split-input-file -verify-diagnostics

func.func @expressed_type_mismatch(%x: tensor<4xf16>) {
  // expected-error @+1 {{expressed type 'f32' of the quantized type must equal the float element type 'f16'}}
  %q = compress.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @dequantize_result_type_mismatch(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{expressed type 'f32' of the quantized type must equal the float element type 'bf16'}}
  %x = compress.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xbf16>
  return
}

// -----

func.func @shape_mismatch(%x: tensor<4xf32>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %q = compress.quantize %x : tensor<4xf32> -> tensor<5x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @quantize_to_integer(%x: tensor<4xf32>) {
  // expected-error @+1 {{result #0 must be ranked tensor of !quant.uniform (per-tensor or per-axis) values}}
  %q = compress.quantize %x : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @quantize_from_integer(%x: tensor<4xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %q = compress.quantize %x : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @zero_point_out_of_range(%x: tensor<4xf32>) {
  // expected-error @+1 {{zero point 200 is outside the storage range [-128, 127]}}
  %q = compress.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:200>>
  return
}

// -----

func.func @zero_point_out_of_narrow_range(%x: tensor<4xf32>) {
  // expected-error @+1 {{zero point -128 is outside the storage range [-127, 127]}}
  %q = compress.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5:-128>>
  return
}

// -----

func.func @per_axis_zero_point_out_of_range(%q: tensor<2x!quant.uniform<u8:f32:0, {0.5:3, 0.5:-1}>>) {
  // expected-error @+1 {{zero point -1 is outside the storage range [0, 255]}}
  %x = compress.dequantize %q : tensor<2x!quant.uniform<u8:f32:0, {0.5:3, 0.5:-1}>> -> tensor<2xf32>
  return
}

// -----

func.func @scale_not_positive(%x: tensor<4xf32>) {
  // The quant dialect's type parser rejects non-positive and non-finite
  // scales before the op verifier runs.
  // expected-error @+1 {{scale -5.000000e-01 out of expressed type range}}
  %q = compress.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, -0.5>>
  return
}

// -----

func.func @scale_infinite(%x: tensor<4xf32>) {
  // expected-error @+1 {{scale INF out of expressed type range}}
  %q = compress.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0x7FF0000000000000>>
  return
}

// -----

func.func @axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{quantized dimension 2 is out of range for a tensor of rank 2}}
  %q = compress.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32:2, {0.5, 0.25}>>
  return
}

// -----

func.func @per_axis_count_mismatch(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{per-axis quantized type has 2 scales but dimension 1 has size 3}}
  %q = compress.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  return
}

// -----

func.func @storage_too_wide(%x: tensor<4xf32>) {
  // expected-error @+1 {{storage type of 32 bits is not supported; use at most 16 (i4, i8, u8, i16)}}
  %q = compress.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i32:f32, 0.5>>
  return
}

// -----

// expected-error @+1 {{sparsity fraction must be in [0, 1], got 1.5}}
func.func @fraction_out_of_range() attributes {s = #compress.sparsity<unstructured, fraction = 1.5>} {
  return
}

// -----

// expected-error @+1 {{structured sparsity needs 0 < N <= M, got N = 4, M = 2}}
func.func @n_greater_than_m() attributes {s = #compress.sparsity<structured[4, 2], axis = 0, fraction = 0.5>} {
  return
}

// -----

// expected-error @+1 {{expected 'unstructured', 'structured' or 'channel', got 'blocky'}}
func.func @unknown_kind() attributes {s = #compress.sparsity<blocky, fraction = 0.5>} {
  return
}

// -----

func.func @sparsity_attr_wrong_kind() {
  // expected-error @+1 {{attribute 'compress.sparsity' must be a #compress.sparsity attribute, got 5 : i64}}
  %c = arith.constant {compress.sparsity = 5} dense<1.0> : tensor<4xf32>
  return
}
