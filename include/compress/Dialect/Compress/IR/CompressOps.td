//===- CompressOps.td - compress operations ----------------*- tablegen -*-===//

#ifndef COMPRESS_DIALECT_COMPRESS_IR_COMPRESSOPS_TD
#define COMPRESS_DIALECT_COMPRESS_IR_COMPRESSOPS_TD

include "compress/Dialect/Compress/IR/CompressDialect.td"
include "compress/Dialect/Compress/IR/CompressAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Compress_UniformQuantizedType : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType>($_self)">,
    "!quant.uniform (per-tensor or per-axis)">;

def Compress_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def Compress_QuantizedTensor : RankedTensorOf<[Compress_UniformQuantizedType]>;

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
    pair belonging to the element's index along the quantized dimension):

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

    ```mlir
    %q = compress.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
    %p = compress.quantize %w : tensor<2x3xf32>
           -> tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>>
    ```
  }];
  let arguments = (ins Compress_FloatTensor:$input);
  let results = (outs Compress_QuantizedTensor:$output);
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
    dimension):

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
  let arguments = (ins Compress_QuantizedTensor:$input);
  let results = (outs Compress_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

#endif // COMPRESS_DIALECT_COMPRESS_IR_COMPRESSOPS_TD
