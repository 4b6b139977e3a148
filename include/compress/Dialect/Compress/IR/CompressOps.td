//===- CompressOps.td - compress operations ----------------*- tablegen -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_IR_COMPRESSOPS_TD
#define COMPRESS_DIALECT_COMPRESS_IR_COMPRESSOPS_TD

include "compress/Dialect/Compress/IR/CompressDialect.td"
include "compress/Dialect/Compress/IR/CompressAttrs.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Compress_UniformQuantizedType : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType>($_self)">,
    "!quant.uniform (per-tensor or per-axis)">;

def Compress_AnyUniformQuantizedType : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType, "
          "::mlir::quant::UniformQuantizedSubChannelType>($_self)">,
    "!quant.uniform (per-tensor, per-axis or sub-channel)">;

def Compress_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def Compress_QuantizedTensor : RankedTensorOf<[Compress_UniformQuantizedType]>;
def Compress_AnyQuantizedTensor
    : RankedTensorOf<[Compress_AnyUniformQuantizedType]>;

//===----------------------------------------------------------------------===//
// QuantizeOp
//===----------------------------------------------------------------------===//

def Compress_QuantizeOp : Compress_Op<"quantize",
    [Pure, SameOperandsAndResultShape]> {
  let summary = "Float tensor to quantized tensor, rounding half to even and "
                "saturating.";
  let description = [{
    Quantizes every element of `input` with the scale `s` and zero point `zp`
    of the result's `!quant.uniform` element type (for a per-axis type, the
    pair belonging to the element's index along the quantized dimension; for
    a sub-channel type, the pair of the element's block, the element at
    `[i0, ..., iR-1]` taking entry `[i0 / B0, ..., iR-1 / BR-1]` of the
    parameter tensor, `Bd` being dimension d's block size, or its whole size
    where the type gives none):

    ```
    q = clamp(round_half_to_even(x / s) + zp, qmin, qmax)
    ```

    `qmin`/`qmax` are the storage range of the quantized type (for `i8` it is
    [-128, 127], for `i8<-127:127>` it is [-127, 127], for `u8` [0, 255]).
    The division is computed in f32 (`f16`/`bf16` inputs are extended to f32
    exactly first) with the scale rounded to f32, as ONNX `QuantizeLinear`
    does. Ties are rounded to the even integer (2.5 -> 2, -2.5 -> -2, 3.5 -> 4).

    Special values: `+inf` saturates to `qmax`, `-inf` to `qmin`, and `NaN`
    quantizes to the zero point (the quantized encoding of 0.0). Nothing is
    undefined.

    The expressed type of the result's quantized type must equal the
    input's element type. When the quantized dimension of a per-axis type is
    dynamic, its run-time size must equal the number of scales; the verifier
    checks this for static sizes, and a mismatch at run time is undefined.
    The blocked dimensions of a sub-channel type must be static multiples of
    their block sizes, and the parameter tensor must have the tensor's rank
    with `size / block` entries along each blocked dimension and one along
    the others.

    ```mlir
    %q = compress.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
    %p = compress.quantize %w : tensor<2x3xf32>
           -> tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>>
    // Groups of 2 along dimension 0, one scale per column within a group.
    %g = compress.quantize %v : tensor<4x3xf32>
           -> tensor<4x3x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1},
                {{0.1, 0.2, 0.3}, {0.4, 0.5, 0.6}}>>
    ```
  }];
  let arguments = (ins Compress_FloatTensor:$input);
  let results = (outs Compress_AnyQuantizedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// DequantizeOp
//===----------------------------------------------------------------------===//

def Compress_DequantizeOp : Compress_Op<"dequantize",
    [Pure, SameOperandsAndResultShape]> {
  let summary = "Quantized tensor to float tensor.";
  let description = [{
    Maps every element `q` of `input` back to its float value with the
    scale `s` and zero point `zp` of the input's `!quant.uniform` element type
    (per-axis: the pair for the element's index along the quantized
    dimension; sub-channel: the pair of the element's block, as for
    `compress.quantize`):

    ```
    x = (q - zp) * s
    ```

    `q - zp` is exact (computed in 32-bit integers); the product is computed
    in f32 with the scale rounded to f32 and then rounded to the result
    element type when that is `f16` or `bf16` (as ONNX `DequantizeLinear`).
    The result element type must equal the quantized type's expressed type.

    ```mlir
    %x = compress.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.5:128>> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Compress_AnyQuantizedTensor:$input);
  let results = (outs Compress_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}


//===----------------------------------------------------------------------===//
// ObserveOp
//===----------------------------------------------------------------------===//

def Compress_ObserveOp : Compress_Op<"observe",
    [Pure, SameOperandsAndResultType]> {
  let summary = "Identity that marks an activation whose range calibration "
                "records.";
  let description = [{
    Returns its operand unchanged. `--compress-insert-observers` places one
    on every activation that feeds a quantizable op (and on the function's
    float inputs) and numbers them with `id`, unique in the module;
    `--compress-calibrate` runs the model on sample data and stores the
    range it derived for each observer in `min` and `max` (both or neither;
    `min <= max`); `--compress-fold-calibration` replaces calibrated observers
    by `compress.quantize` / `compress.dequantize` pairs.

    ```mlir
    %y = compress.observe %x {id = 3 : i64} : tensor<4x16xf32>
    %z = compress.observe %x {id = 3 : i64, min = -1.5 : f64, max = 2.0 : f64} : tensor<4x16xf32>
    ```
  }];
  let arguments = (ins Compress_FloatTensor:$input, I64Attr:$id,
                       OptionalAttr<F64Attr>:$min, OptionalAttr<F64Attr>:$max);
  let results = (outs Compress_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// FakeQuantOp
//===----------------------------------------------------------------------===//

def Compress_FakeQuantOp : Compress_Op<"fake_quant",
    [Pure, AllTypesMatch<["input", "output"]>, AllTypesMatch<["min", "max"]>]> {
  let summary = "Quantize then dequantize in the forward pass (QAT).";
  let description = [{
    Simulates `bits`-bit affine quantization of `input` over the range
    [`min`, `max`] (0-D tensors for per-tensor, 1-D tensors of the size of
    dimension `axis` for per-axis; they may be learned values, e.g. function
    arguments during training, or constants in an exported model). Per range,
    in f32:

    ```
    min' = min(min, 0), max' = max(max, 0)           (0.0 stays exact)
    scale = (max' - min') / (qmax - qmin)            (1 if max' == min')
    zp = clamp(qmin - round_half_to_even(min' / scale), qmin, qmax)
    y = (clamp(round_half_to_even(x / scale) + zp, qmin, qmax) - zp) * scale
    ```

    `[qmin, qmax]` is `[0, 2^bits - 1]` when `is_signed` is false, else
    `[-2^(bits-1), 2^(bits-1) - 1]`, or without its lowest value when
    `narrow_range` is set. `y` is exactly `compress.dequantize(
    compress.quantize(x))` with the `!quant.uniform` type of those
    parameters; NaN maps to 0.0 as in `compress.quantize`.

    Gradient (documented for training frameworks; MLIR carries no autodiff):
    the straight-through estimator, `dy/dx = 1` where
    `(qmin - zp) * scale <= x <= (qmax - zp) * scale` and 0 outside.

    `--compress-fold-fake-quant` turns fake quantization with constant
    ranges into real quantize/dequantize pairs with exactly these
    parameters.

    ```mlir
    %y = compress.fake_quant %x, %min, %max {bits = 8 : i64}
           : tensor<4x16xf32>, tensor<f32>
    %z = compress.fake_quant %w, %mins, %maxs {bits = 8 : i64, axis = 1 : i64,
           is_signed, narrow_range} : tensor<16x8xf32>, tensor<8xf32>
    ```
  }];
  let arguments = (ins Compress_FloatTensor:$input,
                       RankedTensorOf<[F32]>:$min, RankedTensorOf<[F32]>:$max,
                       DefaultValuedAttr<I64Attr, "8">:$bits,
                       OptionalAttr<I64Attr>:$axis,
                       UnitAttr:$is_signed, UnitAttr:$narrow_range);
  let results = (outs Compress_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $min `,` $max attr-dict `:` type($input) `,` type($min)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The storage range the attributes describe.
    ::mlir::compress::QuantRange getQuantRange();
  }];
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

def Compress_RequantizeOp : Compress_Op<"requantize",
    [Pure, SameOperandsAndResultShape]> {
  let summary = "i32 accumulators to a quantized tensor (per-channel "
                "rescale).";
  let description = [{
    Rescales integer accumulators whose real value is `acc * s_in[c]` to the
    result's `!quant.uniform` (per-tensor) type with scale `s_out` and zero
    point `zp`. `input_scales` holds one `s_in` (per-tensor) or one per index
    of dimension `axis` (per-channel, e.g. `s_x * s_w[c]` after an int8
    matmul with per-channel weights). With `m = s_in[c] / s_out`:

    - `rounding = "fixed_point"` (default, gemmlowp/TFLite): `m` is encoded
      as a Q31 multiplier `M0` in [2^30, 2^31) and a shift `e`
      (`m = M0 * 2^(e-31)`); `r = RoundingDivideByPOT(
      SaturatingRoundingDoublingHighMul(acc * 2^max(e, 0), M0), max(-e, 0))`
      (the high multiply adds a nudge of 2^30 for non-negative products and
      1 - 2^30 for negative ones before dividing by 2^31, so its ties round
      up: -0.5 -> 0, -1.5 -> -1; the division by a power of two rounds half
      away from zero), exactly TFLite's `MultiplyByQuantizedMultiplier`.
    - `rounding = "float"`: `r = round_half_to_even(f64(acc) * m)`.

    Then `y = clamp(r + zp, lo, hi)` with `lo = max(qmin, clamp_min)` and
    `hi = min(qmax, clamp_max)`; the optional `clamp_min`/`clamp_max` carry a
    fused ReLU (`clamp_min = zp`), ReLU6 or clamp. Results of `acc * 2^e`
    that overflow i32 saturate.

    ```mlir
    %y = compress.requantize %acc {input_scales = array<f64: 0.01, 0.02>, axis = 1 : i64,
           clamp_min = 0 : i64} : tensor<4x2xi32> -> tensor<4x2x!quant.uniform<u8:f32, 0.05>>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I32]>:$input,
                       DenseF64ArrayAttr:$input_scales,
                       OptionalAttr<I64Attr>:$axis,
                       DefaultValuedAttr<StrAttr, "\"fixed_point\"">:$rounding,
                       OptionalAttr<I64Attr>:$clamp_min,
                       OptionalAttr<I64Attr>:$clamp_max);
  let results = (outs Compress_QuantizedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

#endif // COMPRESS_DIALECT_COMPRESS_IR_COMPRESSOPS_TD
