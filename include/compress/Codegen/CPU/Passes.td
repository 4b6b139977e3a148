//===- Passes.td - compress CPU code generation passes -----*- tablegen -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CODEGEN_CPU_PASSES_TD
#define COMPRESS_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

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
    stay loops. When the op's first dimension is parallel and indexes every
    output, the outer tile loop gets `compress.parallel_nest = <elements of
    one tile>`, so that `compress-cpu-parallelize-loops` may split its
    iterations between threads. It runs inside `compress-lower-to-cpu`
    (`vectorize=true`).
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


def CompressCPUSelectKernels : Pass<"compress-cpu-select-kernels", "ModuleOp"> {
  let summary = "Choose the CPU micro-kernel (and its ISA) for every matmul "
                "and convolution it can run.";
  let description = [{
    Marks each linalg op on tensors with static shapes that one of the
    micro-kernels of the CPU kernel library (`runtime/cpu`, ABI in
    `runtime/cpu/CpuKernels.h`) computes exactly, with the attribute
    `compress.cpu_kernel = {kernel = "...", isa = "...", threads = N}`:

    - `sgemm`: f32 contractions with one M, one N and one K dimension (after
      merging consecutive dimensions), the activation `A(m, k)` contiguous
      along K and the result `C(m, n)` along N: `linalg.matmul` (also with
      transposed maps), ONNX Gemm/MatMul, dense layers on flattened NCHW
      activations. The weight `B` may have any layout.
    - `sgemm_batched`: f32 contractions with one batch dimension
      (`linalg.batch_matmul`, attention's `q @ k^T` with B indexed
      `(b, n, k)`), every operand with static strides and contiguous rows;
      each batch's B is packed at run time.
    - `igemm_u8s8`: the integer kernels of `compress-fuse-qdq` that sum
      `extui(A) * extsi(B)` from i8 operands into i32 (u8 activations,
      s8 weights).
    - `conv2d_nchw_f32`, `conv2d_nchw_u8s8`: NCHW convolutions
      (`linalg.conv_2d_nchw_fchw`, grouped `linalg.conv_2d_ngchw_gfchw`, and
      the integer NCHW convolution kernels of `compress-fuse-qdq`), any
      strides and dilations.
    - `depthwise_conv2d_nchw_f32`: `linalg.depthwise_conv_2d_nchw_chw`.
    - `max_pool2d_nchw_f32`, `sum_pool2d_nchw_f32`: f32
      `linalg.pooling_nchw_max` / `linalg.pooling_nchw_sum`, any window,
      strides and dilations (`compress_cpu_pool2d_nchw_f32`).
    - `max_pool2d_nchw_u8`, `max_pool2d_nchw_s8`: the i8 max pooling of
      `compress-fuse-qdq` (a `linalg.generic` over (n, c, oh, ow, kh, kw)
      whose body is `arith.maxui` / `arith.maxsi` of the output and the
      input), any window, strides and dilations
      (`compress_cpu_max_pool2d_nchw_i8`).

    The ISA is `cpu`'s: `host` (the CPU compress runs on, detected), or a
    named path (`portable`, `avx2`, `avx512`, `avx512-vnni`, `amx`), or an
    LLVM CPU name (`sapphirerapids`, `skylake-avx512`, `haswell`, ...). The
    int8 kernels use AMX where available, else AVX-512 VNNI; the fp32 ones
    AVX-512, else AVX2. The library clamps the path again at run time to
    what the executing CPU supports, so a binary compiled for a newer CPU
    runs (slower) on an older one and never computes a wrong result.

    The ops keep their semantics and operands (the attribute only steers
    code generation): `compress-vectorize-*` and `compress-order-loops`
    leave marked ops alone, and `compress-cpu-lower-kernels` turns them into
    calls after bufferization. Ops no kernel computes (dynamic shapes, other
    element types, A not contiguous along K, weights with zero points
    widened to i16) stay unmarked and take the generic path.
  }];
  let options = [
    Option<"cpu", "cpu", "std::string", /*default=*/"\"host\"",
           "Target CPU: host, portable, avx2, avx512, avx512-vnni, amx, or an "
           "LLVM CPU name">,
    Option<"threads", "threads", "int64_t", /*default=*/"1",
           "Threads each kernel call uses (0: all cores)">,
  ];
}

def CompressCPUFuseRequantize
    : Pass<"compress-cpu-fuse-requantize", "func::FuncOp"> {
  let summary = "Requantization (and dequantization) of an int8 GEMM's result "
                "as one elementwise op the GEMM kernel can run as its "
                "epilogue.";
  let description = [{
    Runs before `convert-compress-to-linalg`. A `compress.requantize`
    (fixed-point rounding, per-tensor or per-axis-1 input scales, per-tensor
    8-bit output) whose input is the only use of a u8 x s8 -> i32 GEMM
    (rank 2, per-column scales) or NCHW convolution, depthwise ones
    included (rank 4, per-channel scales), of `compress-fuse-qdq` becomes
    one elementwise
    `linalg.generic`
    with exactly the arithmetic `convert-compress-to-linalg` emits for the
    op; when the requantized tensor's only user is a per-tensor
    `compress.dequantize` to f32, that is folded into the same generic. The
    generic carries `compress.cpu_requantize = {params = array<i64: ...>,
    has_left_shift, zero_point, lo, hi[, dequantize_zero_point,
    dequantize_scale]}`: the Q31 multipliers, right shifts, rounding offsets,
    rounding adjustments and left shifts (one per column, or one) and the
    output's zero point and clamp bounds. `compress-fuse-elementwise-into-
    parallel-ops` does not fuse marked ops, so the generic keeps computing
    just that; `compress-cpu-lower-kernels` hands it to the GEMM kernel
    (`compress_cpu_igemm_u8s8_packed_requantize`, or `..._bias_requantize`
    when the accumulators start as a row broadcast or a constant;
    `compress_cpu_conv2d_nchw_u8s8_requantize` for a convolution started
    from its per-channel bias or a constant,
    `compress_cpu_depthwise_conv2d_nchw_u8s8_requantize` for a depthwise
    one, which also pads each input plane itself), which applies it to each
    finished tile or plane while it is in cache. Where the kernel does not take it,
    the generic runs as an ordinary loop with the same results.
    `compress-lower-to-cpu` runs this pass with `microkernels=true`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def CompressCPUFuseKernelEpilogues
    : Pass<"compress-cpu-fuse-kernel-epilogues", "func::FuncOp"> {
  let summary = "Run GEMM kernels and their elementwise epilogues row block "
                "by row block, while the block is in cache.";
  let description = [{
    A GEMM marked by `compress-cpu-select-kernels` whose only user is an
    elementwise `linalg.generic` (bias, activation, requantization,
    dequantization) is tiled together with that consumer along M, with
    upstream's tile-and-fuse (`scf::tileConsumerAndFuseProducersUsingSCF`):
    each iteration initializes a block of rows of the accumulator, calls the
    kernel on it, and applies the epilogue while the block is still in
    cache, instead of three passes over the whole result in memory. The
    elementwise producers of the activation (the quantization of an int8
    layer's input) are fused into the same loop. The block height is the
    largest divisor of M that is a multiple of 8 and keeps the block within
    `block-bytes`; GEMMs with too few rows are left alone. Each block reads
    the whole weight (the GEMM's second operand) again, so a GEMM whose
    weight is larger than `max-weight-bytes` (one that would not stay in
    cache between blocks) is left alone too: for a 768x3072 f32 weight and
    128 rows, eight blocks would stream 9 MiB eight times to save two passes
    over a 1.5 MiB result. A requantization
    that `compress-cpu-fuse-requantize` marked (`compress.cpu_requantize`)
    is left whole: the int8 kernel applies it per tile itself, and blocks of
    rows would only stream the weight once per block. Results are unchanged
    (each output is computed exactly as before).
  }];
  let options = [
    Option<"blockBytes", "block-bytes", "int64_t", /*default=*/"262144",
           "Largest accumulator block (bytes) one iteration computes">,
    Option<"maxWeightBytes", "max-weight-bytes", "int64_t",
           /*default=*/"262144",
           "Largest weight (bytes) that the blocks may each read again; "
           "GEMMs with larger weights keep their epilogue whole">,
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def CompressCPULowerKernels : Pass<"compress-cpu-lower-kernels", "ModuleOp"> {
  let summary = "Replace the ops marked by compress-cpu-select-kernels, on "
                "buffers, with calls to the CPU kernel library.";
  let description = [{
    Runs after bufferization. Each op carrying `compress.cpu_kernel` becomes
    a `func.call` to the library function the attribute names
    (`compress_cpu_sgemm_packed`, `compress_cpu_igemm_u8s8_packed`,
    `compress_cpu_conv2d_nchw_f32`, ...; see `runtime/cpu/CpuKernels.h`),
    with sizes, strides and the buffers' aligned addresses as 64-bit
    integers. The kernels accumulate into the output buffer, which keeps
    the op's initialization (zero, a bias, or int8 zero-point offsets).

    Weights that are constant globals are packed at compile time into the
    kernel's layout (a new `memref.global`, 64-byte aligned, next to the
    original, which is erased when nothing else uses it): 16-column panels
    for fp32, 16-column x 4-deep panels padded to 64 bytes of K for int8
    (one AMX tile row or one `vpdpbusd` operand). Other weights are packed by
    the library at run time. An op whose buffers are not laid out as the
    kernel needs (a non-unit innermost stride) gets a remark and stays an op.
    Programs that contain such calls need the library at run time:
    `compress-run` links it in; for `mlir-runner`, pass
    `-shared-libs=<build>/lib/libcompress_cpu_runtime.so`.

    With `pack-int4` (the default), a constant int8 GEMM weight whose
    values all lie in [-8, 7] (a 4-bit weight after compress-fuse-qdq) is
    packed "B16x4/S4", two values per byte, and the call goes to the
    `compress_cpu_igemm_u8s4_*` entry points, which unpack the nibbles in
    registers and compute the same results bit for bit: the weight takes
    half the bytes of the int8 layout. Convolution filters stay one byte per
    value.

    With `pack-2of4` (the default), a constant int8 GEMM weight with at
    most two non-zeros in every group of 4 consecutive k of a column (what
    compress-prune-nm n=2 m=4 leaves; K a multiple of 4) is stored as its
    kept pairs and their 2-bit positions ("B16x8/2:4", 5/8 of the bytes)
    and the call goes to the `compress_cpu_igemm_u8s8_2of4*` entry points:
    the VNNI kernel broadcasts 8 bytes of A per row, shuffles each column's
    4 bytes into place with one vpshufb, and does one vpdpbusd per 8 k.
    4-bit weights keep the 4-bit layout, which is smaller.

    A constant int8 GEMM weight with at least the fraction
    `sparse-threshold` of zero values (0.65 by default: below it the dense
    kernels are faster, see benchmarks/cpu) is stored as its non-zeros
    ("B16x128/windows": per 16 columns and 128 k, rounds of 4 non-zeros
    per column with their 7-bit positions) and the call goes to the
    `compress_cpu_igemm_u8s8_sparse*` entry points: the VNNI kernel
    permutes each row's 128 bytes of A into place (vpermi2b) and does one
    vpdpbusd per round, so the zeros cost neither bytes nor arithmetic
    (90% zeros: 0.30x the bytes, 2.0x the dense speed at 8 rows). The
    results are the dense kernels' bit for bit. Above 1 the option turns
    sparse storage off.

    With `fuse-epilogues` (the default), an f32 convolution or depthwise
    convolution whose output buffer is only filled with a constant, computed
    and read by one elementwise `linalg.generic` of the form
    `clamp((x + bias) + residual, lo, hi)` (each step optional: `bias` a
    constant or a per-channel vector, `residual` another buffer of the
    output's shape, the clamp `arith.maximumf`/`arith.minimumf` with
    constants) becomes one `compress_cpu_*_f32_fused` call that writes the
    epilogue's output directly; the fill, the epilogue and the intermediate
    buffer go away. The kernel applies the steps in the same order with the
    same semantics, so the results are bit-identical. Any other epilogue is
    left as a separate op. When such a convolution's input is a
    constant-filled buffer with the source copied into its interior (a
    `tensor.pad`) that nothing else reads, the call takes the source and the
    padding instead (`compress_cpu_conv2d_nchw_f32_padded`, or the depthwise
    `_fused` call): each task pads its image (each plane, for depthwise) in
    a buffer of its thread, in cache, and the padded copy of the whole
    tensor goes away. An epilogue that adds the outputs of two convolutions
    (ResNet's downsampling blocks: `relu((a + biasA) + (b + biasB))`, `a`
    computed first) is split: `a + biasA` becomes the epilogue of `a`'s
    call, writing a new buffer that the rest, the epilogue of `b`'s call,
    reads as its residual (the same additions, the same bits).
    An f32 pooling whose input is such a padded copy (a max pooling's -inf
    border) calls `compress_cpu_pool2d_nchw_f32_padded` with the source
    and the padding likewise, and an f32 max pooling into a fresh buffer
    filled with -inf that nothing reads before it starts from -inf in the
    call (`COMPRESS_CPU_POOL_MAX_FRESH`: the outputs are not read, the
    fill goes; the same bits). When such a max pooling (or its padded copy)
    is the only reader of an f32 convolution's fused output (a buffer of
    its own, in the same block), the two calls become one
    (`compress_cpu_conv2d_pool_nchw_f32`, at the convolution's place): a
    few images at a time are convolved into a buffer of the thread and
    pooled from there, and the convolution's output buffer goes away (the
    same bits).

    An int8 NCHW depthwise convolution started from its per-channel bias
    (or a constant) and followed by a requantization that
    `compress-cpu-fuse-requantize` marked becomes one
    `compress_cpu_depthwise_conv2d_nchw_u8s8_requantize` call that writes
    only the requantized bytes; when its input is a constant-filled buffer
    with the source copied into its interior (a `tensor.pad`, with the zero
    point, say) that nothing else reads, the call pads each plane itself.
  }];
  let options = [
    Option<"fuseEpilogues", "fuse-epilogues", "bool", /*default=*/"true",
           "Compute the bias, residual and clamp epilogues of f32 "
           "convolutions in the kernel call">,
    Option<"sparseThreshold", "sparse-threshold", "double",
           /*default=*/"0.65",
           "Store constant int8 GEMM weights with at least this fraction of "
           "zeros as their non-zeros for the sparse kernels (0.65: where "
           "they are faster than dense; above 1: never)">,
    Option<"pack2of4", "pack-2of4", "bool", /*default=*/"true",
           "Store constant int8 GEMM weights with at most two non-zeros in "
           "every group of 4 along K (2:4) as their kept pairs and positions "
           "and call the 2:4 kernels">,
    Option<"packInt4", "pack-int4", "bool", /*default=*/"true",
           "Store constant int8 GEMM weights whose values all lie in [-8, 7] "
           "(4-bit weights) two per byte and call the 4-bit kernels">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def CompressCPUExpandStridedCopies
    : Pass<"compress-cpu-expand-strided-copies", "func::FuncOp"> {
  let summary = "Copies between strided buffers become loops.";
  let description = [{
    A `memref.copy` whose source or target is not contiguous (the interior
    of a padded activation, as bufferized `tensor.pad` produces) otherwise
    lowers to a call of the generic `memrefCopy` runtime function, which
    walks element by element through the strides. This pass rewrites such
    copies as `linalg.copy`, whose loops have a unit-stride innermost loop
    that LLVM vectorizes. Contiguous copies stay `memref.copy` (a `memcpy`).
    It runs inside `compress-lower-to-cpu` after bufferization.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def CompressCPUPlanArena : Pass<"compress-cpu-plan-arena", "ModuleOp"> {
  let summary = "Place intermediate buffers at fixed offsets of one "
                "per-thread arena.";
  let description = [{
    After bufferization and `compress-early-dealloc`, every call of a
    compiled model mallocs and frees each intermediate buffer; large blocks
    come from mmap, so each call faults in and zeroes fresh pages unless the
    process tunes malloc (`compress-run` does; a program linking a
    `compress-compile` library should not have to). This pass plans the
    buffers of each function's block statically: a buffer lives from its
    `memref.alloc` to its `memref.dealloc` (block order); buffers alive at
    the same time get disjoint byte ranges, others may share, placed
    greedily (largest first, each at the lowest 64-byte aligned offset free
    during its lifetime). The function calls `compress_cpu_arena_push(total
    bytes)` at entry - the runtime's per-thread, per-call-depth block, grown
    once and kept - and `compress_cpu_arena_pop()` before returning; each
    alloc becomes a `memref.view` of the arena and its dealloc is removed.
    Buffers a function returns, dynamic shapes, non-identity layouts,
    memory spaces, sub-byte elements, allocs inside regions, buffers not
    freed exactly once in the block, and buffers passed to calls that return
    memrefs stay malloc'd. Each planned function gets the attribute
    `compress.arena_bytes = N` (its arena's size), which the LLVM dialect
    conversion keeps and compress-compile reports. Statistics:
    `num-buffers`, `arena-bytes` (the sum over functions). `compress-lower-to-cpu` runs it unless
    `arena=false`; the runtime library (`compress_cpu_arena_*` in
    `runtime/cpu/CpuKernels.h`) must then be linked.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect"];
  let statistics = [
    Statistic<"numBuffers", "num-buffers", "Buffers placed in arenas">,
    Statistic<"arenaBytes", "arena-bytes", "Bytes of the arenas, summed">,
  ];
}

def CompressCPUParallelizeLoops
    : Pass<"compress-cpu-parallelize-loops", "ModuleOp"> {
  let summary = "Run the outer loop of each large all-parallel loop nest on "
                "the kernel library's threads.";
  let description = [{
    The kernels use every thread, but the loops compiled for what no kernel
    takes (softmax, LayerNorm, GELU, quantization chains) ran on the calling
    thread alone: in a BERT layer on two threads the second thread idled
    45% of the time. For each `scf.for` marked `compress.parallel_nest` (by
    `compress-linalg-to-annotated-loops`: the outer loop of a linalg op
    whose first dimension is parallel and indexes every output, so that its
    iterations write disjoint outputs; by `compress-vectorize-matmuls`: the
    outer tile loop of such an op, the mark an integer, the elements of one
    tile), with constant bounds and at least `min-iterations` elements in
    the whole nest (the first loop of each body counted), the pass outlines the loop into a private
    function `<function>_parallel(!llvm.ptr context, i64 begin, i64 end)`
    that runs its iterations [begin, end). Values the loop reads from outside
    are recomputed inside when they are operand-free pure ops (constants,
    `memref.get_global`) and otherwise stored in a struct on the stack
    (memrefs as their LLVM descriptors, index as i64, integers and floats as
    they are); a value of another type keeps the loop serial. The loop
    becomes a call of the runtime's `compress_cpu_parallel_for(body,
    context, iterations, threads)`, which hands one contiguous range of
    iterations to each of `threads` threads (0: all cores) of the kernels'
    OpenMP pool. Iterations of an all-parallel op are independent, so the
    results are the same bits as the serial loop's. The mark is removed from
    every loop; with `threads=1` nothing else changes.

    `compress-lower-to-cpu` runs it after
    `compress-linalg-to-annotated-loops` when `microkernels` is on (the
    program then calls the runtime library anyway) and `threads` is not 1.
  }];
  let options = [
    Option<"threads", "threads", "int64_t", /*default=*/"0",
           "Threads of the parallel loops (0: all cores; 1: none)">,
    Option<"minIterations", "min-iterations", "int64_t",
           /*default=*/"65536",
           "Elements a loop nest needs before it runs on several threads">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // COMPRESS_CODEGEN_CPU_PASSES_TD
