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
  // expected-error @+1 {{result #0 must be ranked tensor of !quant.uniform (per-tensor, per-axis or sub-channel) values}}
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

// -----

func.func @observe_half_range(%x: tensor<4xf32>) {
  // expected-error @+1 {{needs both 'min' and 'max' or neither}}
  %y = compress.observe %x {id = 0 : i64, min = 1.0 : f64} : tensor<4xf32>
  return
}

// -----

func.func @observe_empty_range(%x: tensor<4xf32>) {
  // expected-error @+1 {{recorded range is empty or NaN: min = 2.000000e+00, max = 1.000000e+00}}
  %y = compress.observe %x {id = 0 : i64, min = 2.0 : f64, max = 1.0 : f64} : tensor<4xf32>
  return
}

// -----

func.func @fake_quant_bits(%x: tensor<4xf32>, %r: tensor<f32>) {
  // expected-error @+1 {{'bits' must be in [2, 16], got 17}}
  %y = compress.fake_quant %x, %r, %r {bits = 17 : i64} : tensor<4xf32>, tensor<f32>
  return
}

// -----

func.func @fake_quant_per_tensor_rank(%x: tensor<4xf32>, %r: tensor<4xf32>) {
  // expected-error @+1 {{per-tensor ranges must be 0-D tensors, got 'tensor<4xf32>'; set 'axis' for per-axis ranges}}
  %y = compress.fake_quant %x, %r, %r : tensor<4xf32>, tensor<4xf32>
  return
}

// -----

func.func @fake_quant_axis(%x: tensor<4xf32>, %r: tensor<4xf32>) {
  // expected-error @+1 {{axis 1 is out of range for a tensor of rank 1}}
  %y = compress.fake_quant %x, %r, %r {axis = 1 : i64} : tensor<4xf32>, tensor<4xf32>
  return
}

// -----

func.func @fake_quant_count(%x: tensor<2x4xf32>, %r: tensor<3xf32>) {
  // expected-error @+1 {{per-axis ranges have 3 entries but dimension 1 has size 4}}
  %y = compress.fake_quant %x, %r, %r {axis = 1 : i64} : tensor<2x4xf32>, tensor<3xf32>
  return
}

// -----

func.func @requantize_per_axis_result(%acc: tensor<2xi32>) {
  // expected-error @+1 {{result must have a per-tensor !quant.uniform element type}}
  %y = compress.requantize %acc {input_scales = array<f64: 0.5>} : tensor<2xi32> -> tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.5}>>
  return
}

// -----

func.func @requantize_scale(%acc: tensor<2xi32>) {
  // expected-error @+1 {{input scales must be positive and finite, got 0.000000e+00}}
  %y = compress.requantize %acc {input_scales = array<f64: 0.0>} : tensor<2xi32> -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @requantize_scale_count(%acc: tensor<2x3xi32>) {
  // expected-error @+1 {{has 2 input scales but dimension 1 has size 3}}
  %y = compress.requantize %acc {input_scales = array<f64: 0.5, 0.25>, axis = 1 : i64} : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @requantize_axis_too_large(%acc: tensor<2x3xi32>) {
  // expected-error @+1 {{axis 2 is out of range for a tensor of rank 2}}
  %y = compress.requantize %acc {input_scales = array<f64: 0.5>, axis = 2 : i64} : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @requantize_negative_axis(%acc: tensor<2x3xi32>) {
  // expected-error @+1 {{axis -1 is out of range for a tensor of rank 2}}
  %y = compress.requantize %acc {input_scales = array<f64: 0.5>, axis = -1 : i64} : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @requantize_per_tensor_count(%acc: tensor<2xi32>) {
  // expected-error @+1 {{per-tensor requantization takes 1 input scale, got 2; set 'axis' for per-channel scales}}
  %y = compress.requantize %acc {input_scales = array<f64: 0.5, 0.25>} : tensor<2xi32> -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @requantize_rounding(%acc: tensor<2xi32>) {
  // expected-error @+1 {{'rounding' must be "fixed_point" or "float", got "truncate"}}
  %y = compress.requantize %acc {input_scales = array<f64: 0.5>, rounding = "truncate"} : tensor<2xi32> -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @requantize_clamp(%acc: tensor<2xi32>) {
  // expected-error @+1 {{clamp_min 5 is greater than clamp_max 3}}
  %y = compress.requantize %acc {input_scales = array<f64: 0.5>, clamp_min = 5 : i64, clamp_max = 3 : i64} : tensor<2xi32> -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @sub_channel_rank_mismatch(%q: tensor<4x!quant.uniform<i8:f32:{0:2}, {{1.0}, {2.0}}>>) {
  // expected-error @+1 {{sub-channel parameters have rank 2 but the tensor has rank 1}}
  %x = compress.dequantize %q : tensor<4x!quant.uniform<i8:f32:{0:2}, {{1.0}, {2.0}}>> -> tensor<4xf32>
  return
}

// -----

func.func @sub_channel_not_a_multiple(%q: tensor<6x2x!quant.uniform<i4:f32:{0:4, 1:1}, {{1.0, 2.0}}>>) {
  // expected-error @+1 {{dimension 0 of size 6 is not a multiple of its block size 4}}
  %x = compress.dequantize %q : tensor<6x2x!quant.uniform<i4:f32:{0:4, 1:1}, {{1.0, 2.0}}>> -> tensor<6x2xf32>
  return
}

// -----

func.func @sub_channel_parameter_count(%q: tensor<8x2x!quant.uniform<i4:f32:{0:4, 1:1}, {{1.0, 2.0}}>>) {
  // expected-error @+1 {{dimension 0 of size 8 in blocks of 4 needs 2 parameters along it, got 1}}
  %x = compress.dequantize %q : tensor<8x2x!quant.uniform<i4:f32:{0:4, 1:1}, {{1.0, 2.0}}>> -> tensor<8x2xf32>
  return
}

// -----

func.func @sub_channel_unblocked_dimension(%q: tensor<2x4x!quant.uniform<i8:f32:{0:1}, {{1.0, 2.0}, {3.0, 4.0}}>>) {
  // expected-error @+1 {{dimension 1 has no block size, so the parameters need size 1 along it, got 2}}
  %x = compress.dequantize %q : tensor<2x4x!quant.uniform<i8:f32:{0:1}, {{1.0, 2.0}, {3.0, 4.0}}>> -> tensor<2x4xf32>
  return
}

// -----

func.func @sub_channel_dynamic_block(%x: tensor<?x2xf32>) {
  // expected-error @+1 {{blocked dimension 0 must be static in a sub-channel quantized tensor}}
  %q = compress.quantize %x : tensor<?x2xf32> -> tensor<?x2x!quant.uniform<i8:f32:{0:2, 1:1}, {{1.0, 2.0}}>>
  return
}

// -----

func.func @sub_channel_zero_point(%q: tensor<4x2x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{1.0:-8, 2.0}, {3.0, 4.0}}>>) {
  // expected-error @+1 {{zero point -8 is outside the storage range [-7, 7]}}
  %x = compress.dequantize %q : tensor<4x2x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{1.0:-8, 2.0}, {3.0, 4.0}}>> -> tensor<4x2xf32>
  return
}

// -----

func.func @requantize_to_sub_channel(%x: tensor<4x2xi32>) {
  // expected-error @+1 {{result #0 must be ranked tensor of !quant.uniform (per-tensor or per-axis) values}}
  %q = compress.requantize %x {input_scales = array<f64: 0.5>} : tensor<4x2xi32> -> tensor<4x2x!quant.uniform<i8:f32:{0:2, 1:1}, {{1.0, 2.0}, {3.0, 4.0}}>>
  return
}
