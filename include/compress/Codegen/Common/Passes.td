//===- Passes.td - code generation passes of every target --*- tablegen -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CODEGEN_COMMON_PASSES_TD
#define COMPRESS_CODEGEN_COMMON_PASSES_TD

include "mlir/Pass/PassBase.td"

def FuseElementwiseIntoParallelOps
    : Pass<"compress-fuse-elementwise-into-parallel-ops", "ModuleOp"> {
  let summary = "Elementwise linalg fusion, except into reductions.";
  let description = [{
    `linalg-fuse-elementwise-ops` (with constant folding of linalg ops and
    linalg.generic canonicalization) restricted to producers with one use and
    consumers without reduction loops. Fused into a reduction, a producer
    (the quantization of a matmul's input, say) would be recomputed at every
    reduction step, K times per output, and the consumer's body would no
    longer be the plain i8 x i8 product that dp4a, tensor cores and the CPU kernels compute.
    Both `compress-lower-to-cpu` and `compress-lower-to-nvptx` run it
    (`fuse-elementwise=true`). Ops that carry a `compress.*` attribute (the
    requantizing epilogues of `compress-cpu-fuse-requantize`) are not fused
    with anything: the attribute describes exactly what the op computes.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::linalg::LinalgDialect",
  ];
}

def OrderConstantGlobals
    : Pass<"compress-order-constant-globals", "ModuleOp"> {
  let summary = "Renames and orders the constant globals of bufferization "
                "by first use, so that output depends on input alone.";
  let description = [{
    One-shot module bufferization turns each tensor constant into a private
    constant `memref.global` named `__constant_<shape><type>[_N]`, in the
    order it visits functions; for functions that do not call each other
    that order follows pointer values, so the same input compiled twice gave
    differently ordered and numbered globals. This pass gives those globals
    (private, constant, initialized, with that prefix) the names
    `__constant_<shape><type>`, then `_1`, `_2`, ... in the order of their
    first `memref.get_global` in the module, and moves them to the top of
    the module in that order. Other symbols are left alone. Both
    `compress-lower-to-cpu` and `compress-lower-to-nvptx` run it right after
    bufferization.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def CollapseElementwiseDims
    : Pass<"compress-collapse-elementwise-dims", "func::FuncOp"> {
  let summary = "Merge the trailing loops of elementwise linalg.generic ops "
                "that every operand reads contiguously.";
  let description = [{
    An elementwise `linalg.generic` on tensors (all loops parallel) whose
    trailing loops every operand indexes as one contiguous block (or not at
    all: per-channel operands) is rewritten over one merged loop, with
    upstream's dimension collapsing (`tensor.collapse_shape` of the
    operands, `tensor.expand_shape` of the results, views after
    bufferization). The epilogue of an NCHW convolution (bias,
    requantization, dequantization) then runs over H*W elements per channel
    instead of W, long enough for vector code (MobileNet's 14x14 maps: 196
    instead of 14). Ops carrying a `compress.*` attribute are left alone.
    `compress-lower-to-cpu` runs it after the kernel selection.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def EarlyDealloc : Pass<"compress-early-dealloc", "func::FuncOp"> {
  let summary = "Free each buffer right after its last use instead of at the "
                "end of its block.";
  let description = [{
    Ownership-based buffer deallocation frees a buffer at the end of the
    block that allocates it: in a model, that is the end of the function, so
    every intermediate activation stays allocated until the function
    returns and the peak memory is their sum (4.4 GB for MobileNet-v2 at
    batch 64, with as many fresh pages to fault in on every call). This
    pass moves each `memref.dealloc` of a `memref.alloc` in the same block
    to just after the buffer's last use there: uses through views
    (`subview`, `collapse_shape`, `expand_shape`, `cast`, ...), through
    `extract_strided_metadata` and through the integer address
    `extract_aligned_pointer_as_index` gives the kernel calls (followed
    through the arithmetic on it), inside nested regions (counted at their
    enclosing op). The allocator then reuses the freed blocks for the next
    layers. A buffer with a use it cannot follow (returned, passed as a
    memref to a call, stored, or used in another block) keeps its
    deallocation where it is. Run after the deallocations are lowered to
    `memref.dealloc` and the kernel calls exist; `compress-lower-to-cpu`
    runs it.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def WidenSubByteConstants
    : Pass<"compress-widen-subbyte-constants", "func::FuncOp"> {
  let summary = "Store sub-byte integer constants (i2..i7) read by "
                "linalg.generic ops as i8.";
  let description = [{
    LLVM lays out a vector of sub-byte integers (`vector<16xi4>`) bit-packed,
    while a scalar i4 in memory takes a byte: vector code that loads a
    `memref<...xi4>` reads the wrong bits. Four-bit weights
    (`compress-quantize-weights{bits=4}`) are such constants. This pass
    gives every `linalg.generic` input that is an `arith.constant` of
    integers narrower than 8 bits (but wider than 1) an i8 constant with the
    values sign-extended instead. In the body the block argument becomes
    i8: an `arith.extsi` of it extends the i8 directly, and every other use
    reads an `arith.trunci` back to the narrow type, so the op computes
    exactly what it did. The int8 kernels and vectorizers then apply to
    4-bit layers as to 8-bit ones; memory holds a byte per weight either
    way. Other users of the constant keep the narrow one (and the
    vectorizers leave ops on sub-byte memory alone). `compress-lower-to-cpu`
    runs it first and again after `convert-compress-to-linalg`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def ApproximateErf : Pass<"compress-approximate-erf", "func::FuncOp"> {
  let summary = "Compute f32 math.erf with upstream's polynomial "
                "approximation instead of libm.";
  let description = [{
    `math.erf` has no LLVM intrinsic, so it becomes a call of libm's scalar
    `erff` per element, and a loop around such a call does not vectorize:
    in a BERT layer (ONNX Erf, from GELU) those calls took 4% of the time.
    This pass rewrites f32 `math.erf` (scalar or vector) with MLIR's
    polynomial approximation (`populatePolynomialApproximateErfPattern`),
    plain arithmetic that vectorizes. Its error against the exact erf is
    below 2.5e-7 on [-5, 5] (`test/Integration/CPU/erf-approximation.mlir`
    measures it against Python's `math.erf`), about one f32 ulp of values
    near 1. `compress-lower-to-cpu` runs it unless `approximate-erf=false`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def ApproximateExp : Pass<"compress-approximate-exp", "func::FuncOp"> {
  let summary = "Compute f32 math.exp with upstream's polynomial "
                "approximation instead of scalar libm calls.";
  let description = [{
    `math.exp` becomes `llvm.exp`, which LLVM's loop vectorizer can only
    scalarize into one call of libm's `expf` per element (there is no vector
    math library in the JIT or in a `compress-compile` library): the
    softmax of a BERT layer spent 7% of the layer's time in `expf`. This
    pass rewrites f32 `math.exp` (scalar or vector) with MLIR's polynomial
    approximation (range reduction by ln 2 and a polynomial on the rest,
    `populateMathPolynomialApproximationPatterns` restricted to `math.exp`),
    plain arithmetic that vectorizes. Its relative error against the exact
    exp is below 1e-7 (8.1e-8; `test/Integration/CPU/exp-approximation.mlir` measures
    it against NumPy in float64 on [-87, 88]); +inf, -inf and NaN give
    +inf, 0 and NaN. `compress-lower-to-cpu` runs it unless
    `approximate-exp=false`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def TableLookup : Pass<"compress-table-lookup", "ModuleOp"> {
  let summary = "Replace the parts of elementwise linalg.generic bodies that "
                "are a function of one 8-bit value by lookups in a constant "
                "table.";
  let description = [{
    A quantized model's elementwise chains mostly compute functions of one
    byte: a requantized i8 value is dequantized, scaled, passed through erf,
    quantized, dequantized and multiplied again (GELU between two int8
    matmuls), or dequantized, divided and quantized (attention scores before
    softmax). Such a value can take at most 256 values, so its computation
    can be done once per byte value at compile time and looked up at run
    time.

    In the body of every all-parallel `linalg.generic` (tensor or buffer
    semantics), the pass tracks which values depend on a single integer
    value of 2 to 8 bits (a block argument, or a narrow result of an op that
    depends on more than that) and on constants only, through pure scalar
    `arith` and `math` ops. A largest such subexpression (one with a user
    that depends on more) whose ops cost at least `min-cost` (1 per op, 8
    per division or square root, 16 per transcendental function left as
    such) becomes a table: its value is computed for every bit pattern of
    the root with the ops' own folders (`math.fma` as an IEEE fused
    multiply-add), and the body loads `table[root]` instead. The results are
    the bits the loops would have computed, since the folders and the
    compiled code both follow IEEE arithmetic; a subexpression with an op
    that does not fold (poison, such as an out-of-range `fptoui`, or a
    function without a folder) is left as it is. Tables are
    `arith.constant` tensors read by `tensor.extract` under tensor
    semantics, and private constant `memref.global`s (`__compress_table*`,
    64-byte aligned) read by `memref.load` under buffer semantics.

    `compress-lower-to-cpu` runs it after `compress-approximate-erf` and
    `compress-approximate-exp` (so that erf and exp are the polynomials the
    loops would compute) unless `table-lookup=false`. In the int8 BERT layer
    of `benchmarks/models` the GELU between the two feed-forward matmuls
    becomes the fixed-point requantization and one lookup.
  }];
  let options = [
    Option<"minCost", "min-cost", "int64_t", /*default=*/"12",
           "Tabulate a subexpression only when its ops cost at least this">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::tensor::TensorDialect"];
}

def SplitBatch : Pass<"compress-split-batch", "ModuleOp"> {
  let summary = "Run a function whose samples are computed independently a "
                "chunk of samples at a time.";
  let description = [{
    A function whose arguments and results are static tensors of one batch
    size N (dimension 0), and whose ops compute each sample from that
    sample alone, is rewritten into a loop over chunks of C samples: its
    body moves into a private function `@NAME__chunkC` of the chunk's
    shapes, and `@NAME` calls it on `tensor.extract_slice`s of its
    arguments and writes its results into `tensor.insert_slice`s of its own.
    At batch 64 a CNN's activations are hundreds of MB a layer and each
    layer streams them through main memory; a chunk's stay in the caches
    (and the compiled function's arena is a chunk's size).

    The pass follows the batch through the ops (see `SplitBatch.cpp`):
    linalg ops on tensors whose parallel loop over dimension 0 of their
    batched operands and results touches no other of their dimensions and
    whose body does not read its index (convolutions, pooling, matmuls and
    elementwise ops with weights, reductions over other dimensions);
    `tensor.pad` that does not pad dimension 0; `tensor.collapse_shape` and
    `tensor.expand_shape` that keep whole samples in dimension 0 (a
    transformer's `[N, S, D] -> [N*S, D]`); `tensor.empty` and
    `linalg.fill` inits, which take the chunk's shape where a batched op
    uses them. Ops that touch no batched value are cloned into the chunk
    function. Anything else on a batched value (a call, an op with memory
    effects, a reduction over the batch, padding of the batch dimension)
    leaves the function unchanged; `remarks=true` says why. A chunk that
    holds the whole batch leaves it unchanged too.

    `chunk=0` (the default) picks the largest divisor C of N such that C
    times the largest batched tensor's bytes per sample is at most
    `max-bytes`. `compress-lower-to-cpu` runs the pass on tensors, before
    it selects kernels (`split-batch=true`, `batch-bytes=`).
  }];
  let options = [
    Option<"chunk", "chunk", "int64_t", /*default=*/"0",
           "Samples per chunk (must divide the batch); 0 picks it from "
           "max-bytes">,
    Option<"maxBytes", "max-bytes", "int64_t", /*default=*/"4194304",
           "Largest bytes of one batched tensor in a chunk when chunk=0">,
    Option<"remarks", "remarks", "bool", /*default=*/"false",
           "Emit a remark for each function left unchanged, with the reason">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def LinalgToAnnotatedLoops
    : Pass<"compress-linalg-to-annotated-loops", "func::FuncOp"> {
  let summary = "Lower linalg ops on buffers to scf.for loops, marking the "
                "innermost loop of each all-parallel op as free of "
                "loop-carried dependences.";
  let description = [{
    What `convert-linalg-to-loops` does (`linalg::linalgOpToLoops` on every
    linalg op with buffer semantics), and in addition: the innermost
    `scf.for` of an op whose iterators are all parallel gets an
    `llvm.loop_annotation` attribute with a fresh access group in its
    `parallelAccesses`. By linalg's definition such an op's iterations are
    independent; LLVM's loop vectorizer, told so, needs no run-time checks
    that the loop's stores miss its loads, which it cannot build for
    accesses whose bounds it does not know (a lookup in a constant table at
    a computed index, from `compress-table-lookup`), and then leaves the loop
    scalar. `scf-to-cf` copies the attribute onto the loop's latch branch;
    `compress-attach-loop-access-groups` finishes the job on the LLVM
    dialect. `compress-lower-to-cpu` runs both.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def AttachLoopAccessGroups
    : Pass<"compress-attach-loop-access-groups", "ModuleOp"> {
  let summary = "Turn the llvm.loop_annotation attribute of latch branches "
                "into loop metadata, with every load and store of the loop "
                "in its access groups.";
  let description = [{
    On the LLVM dialect: an `llvm.br` carrying a discardable
    `llvm.loop_annotation` attribute (put on an `scf.for` by
    `compress-linalg-to-annotated-loops` and copied by `scf-to-cf`) gets it
    as its `loop_annotation`, which becomes `!llvm.loop` metadata, and every
    `llvm.load` and `llvm.store` (and other op with access groups) in the
    blocks of the loop it closes (the natural loop of that back edge) joins
    the annotation's `parallelAccesses` groups. LLVM reads that as
    `llvm.loop.parallel_accesses`: no dependences between the accesses of
    different iterations. A branch that does not close a loop loses the
    attribute and changes nothing.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // COMPRESS_CODEGEN_COMMON_PASSES_TD
