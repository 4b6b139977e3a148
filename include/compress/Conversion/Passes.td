//===- Passes.td - compress conversion passes --------------*- tablegen -*-===//

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
    NaN to the zero point; `(q - zp) * scale`), per-tensor and per-axis.

    Quantized tensor types `tensor<...x!quant.uniform<iN...>>` become their
    storage types `tensor<...xiN>` everywhere: function signatures, calls and
    returns, `quant.scast` (which disappears), and the shape-only tensor ops
    (`tensor.empty`, `expand_shape`, `collapse_shape`, `extract_slice`,
    `insert_slice`, `cast`, `reshape`, `concat`). Any other op that still
    uses a quantized type makes the pass fail with an error at that op.
    Unsigned storage (`u8`) is carried in signless `i8`.

    The patterns are exported through
    `mlir::compress::populateCompressToLinalgPatterns` and
    `mlir::compress::QuantStorageTypeConverter`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def CompressOrderLoops : Pass<"compress-order-loops"> {
  let summary = "Order the loops of linalg reductions so that the innermost "
                "one walks memory contiguously.";
  let description = [{
    `convert-linalg-to-loops` nests loops in the order of a linalg op's
    iteration dimensions, which for matmuls and convolutions puts a
    reduction innermost (`k` of a matmul, the 3-wide `kw` of a 3x3
    convolution): a loop LLVM cannot vectorize (a float reduction without
    reassociation) or that is too short to gain from it. This pass permutes
    the iteration dimensions of every linalg op that has a reduction so that
    the innermost loop is the one along which the most operands are
    contiguous (the dimension indexes only their last, unit-stride
    dimension) or invariant (hoisted), preferring long loops, and never a
    float reduction. A plain matmul becomes `(i, k, j)` and an NCHW
    convolution iterates output columns innermost; both vectorize in
    LLVM (the float convolutions of examples/fashion-mnist run 1.7x faster).
    Integer reductions, which LLVM vectorizes where they are, move only
    when the new innermost loop has at least 64 iterations: moving the
    14-28 output columns of an int8 convolution inside measured 2x slower. The computation and its rounding are unchanged: a reduction still
    adds its terms in the same order. Named ops are generalized only when
    their order changes. It runs inside `compress-lower-to-cpu`
    (`order-loops=true`).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

#endif // COMPRESS_CONVERSION_PASSES_TD
