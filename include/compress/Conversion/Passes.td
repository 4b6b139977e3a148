//===- Passes.td - compress conversion passes --------------*- tablegen -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CONVERSION_PASSES_TD
#define COMPRESS_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertCompressToLinalg : Pass<"convert-compress-to-linalg", "ModuleOp"> {
  let summary = "Lower compress ops to linalg.generic and arith on storage "
                "integer tensors.";
  let description = [{
    Rewrites `compress.quantize` and `compress.dequantize` into
    `linalg.generic` ops with exactly the semantics their descriptions state
    (x / scale in f32, `math.roundeven`, saturation to the storage range,
    NaN to the zero point; `(q - zp) * scale`), per-tensor, per-axis and
    sub-channel.

    Quantized tensor types `tensor<...x!quant.uniform<iN...>>` become their
    storage types `tensor<...xiN>` everywhere: function signatures, calls and
    returns, `quant.scast` (which disappears), and the shape-only tensor ops
    (`tensor.empty`, `expand_shape`, `collapse_shape`, `extract_slice`,
    `insert_slice`, `cast`, `reshape`, `concat`). Any other op that still
    uses a quantized type makes the pass fail with an error at that op.
    Unsigned storage (`u8`) is carried in signless `i8`.

    Sub-channel (blockwise) types split each blocked dimension in two with
    `tensor.expand_shape`, so that the parameter tensors are read through
    a projected permutation, and collapse the result back.

    `pack-int4`: the dequantization of a constant of storage integers of 4
    bits or fewer (`quant.scast` of an `arith.constant`; 2- and 3-bit values
    are extended to a nibble) keeps them two per byte, the
    element of even row-major index in the low nibble: an `i8` constant of
    half the size, read once per pair by a generic whose innermost
    dimension (2) selects the nibble. The compiled weights then take half a
    byte each. Tensors whose innermost dimension (or innermost block) is
    odd are lowered as without the option.

    The patterns are exported through
    `mlir::compress::populateCompressToLinalgPatterns` and
    `mlir::compress::QuantStorageTypeConverter`.
  }];
  let options = [
    Option<"packInt4", "pack-int4", "bool", /*default=*/"false",
           "Store the constants of 4-bit (and narrower) dequantizations two "
           "per byte">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // COMPRESS_CONVERSION_PASSES_TD
