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

def CompressVectorizeConvolutions
    : Pass<"compress-vectorize-convolutions"> {
  let summary = "Vector code for NCHW convolutions, float and int8.";
  let description = [{
    Tiles every float `linalg.conv_2d_nchw_fchw` on tensors with static
    shapes to one image, `F'` output channels (the largest divisor of the
    channel count up to `max-channels`), one output row and one filter row;
    upstream's convolution decomposition turns each tile into a
    `linalg.conv_1d_ncw_fcw` and upstream's vectorizer into vector
    contractions over whole output rows, which `compress-lower-to-cpu`
    lowers to vector FMAs (the float convolutions of
    examples/fashion-mnist run 3.7x faster). The vector code adds each
    output's terms in another order than the loops, so float results differ
    within rounding (5e-7 of the largest output on that model). The integer
    convolution kernels of `compress-fuse-qdq` (a `linalg.generic` with an
    NCHW convolution's indexing maps, any strides and dilations, summing
    `ext(i8) * ext(i8)` into i32) become `linalg.conv_2d_nchw_fchw` on
    operands extended to i32 and take the same path; integer sums are exact
    in any order. Convolutions with dynamic shapes or mixed float types are
    left alone. It runs inside `compress-lower-to-cpu` (`vectorize=true`).
  }];
  let options = [
    Option<"maxChannels", "max-channels", "int64_t", /*default=*/"8",
           "Largest number of output channels one vector tile computes">,
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def CompressVectorizeMatmuls : Pass<"compress-vectorize-matmuls"> {
  let summary = "Vector code for matmul-like linalg ops, float and integer.";
  let description = [{
    Tiles every linalg op on tensors with static shapes, exactly one
    reduction dimension and projected-permutation indexing maps (matmul,
    batch_matmul, matvec, their transposed forms, the integer matmul kernels
    of `compress-fuse-qdq`, reductions along one axis) whose body upstream's
    vectorizer takes: one point of every parallel dimension but the last,
    up to `max-columns` points of the last, and a chunk of up to
    `max-chunk` of the reduction (the largest sizes that divide the
    dimensions). Several consecutive reduction dimensions that every
    operand walks as one run of memory (a dense layer reading a flattened
    NCHW activation reduces over c, h and w) are first merged into one. Each
    tile becomes vector code: the chunk's products in one
    vector operation and one vector reduction per output, which
    `compress-lower-to-cpu` lowers to LLVM vector reductions (dot-product
    instructions for integers: the int8 dense layer of
    examples/fashion-mnist runs 24x faster). Integer results are exact;
    float sums are added chunk by chunk, each chunk as a tree, so they
    differ from the loops within rounding. Ops the vectorizer cannot take
    stay loops. It runs inside `compress-lower-to-cpu` (`vectorize=true`).
  }];
  let options = [
    Option<"maxColumns", "max-columns", "int64_t", /*default=*/"8",
           "Largest tile of the last parallel dimension">,
    Option<"maxChunk", "max-chunk", "int64_t", /*default=*/"32",
           "Largest chunk of the reduction dimension">,
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // COMPRESS_CONVERSION_PASSES_TD
