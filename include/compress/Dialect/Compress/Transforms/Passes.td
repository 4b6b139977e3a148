//===- Passes.td - compress transformation passes ----------*- tablegen -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PASSES_TD
#define COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

// The dialects the data-aware options need: they JIT-run an instrumented
// copy of the module.
defvar dataAwareDialects = [
  "::mlir::arith::ArithDialect",
  "::mlir::bufferization::BufferizationDialect",
  "::mlir::compress::CompressDialect",
  "::mlir::func::FuncDialect",
  "::mlir::linalg::LinalgDialect",
  "::mlir::memref::MemRefDialect",
  "::mlir::tensor::TensorDialect",
];

def CompressQuantizeWeights : Pass<"compress-quantize-weights"> {
  let summary = "Quantize the constant float weights of matmuls and "
                "convolutions.";
  let description = [{
    Finds `linalg.matmul`, `linalg.batch_matmul`, `linalg.matvec`,
    `linalg.vecmat` and the 2-D convolutions (`linalg.conv_2d`,
    `conv_2d_nhwc_hwcf`, `conv_2d_nhwc_fhwc`, `conv_2d_nchw_fchw`,
    `depthwise_conv_2d_nhwc_hwc`, `depthwise_conv_2d_nchw_chw`) whose weight
    operand is an `arith.constant` of f32, f16 or bf16 values, and replaces
    that operand by an integer constant reinterpreted as a quantized tensor
    (`quant.scast`) followed by `compress.dequantize`. The model keeps its
    meaning up to the quantization error and the weights take `bits/32` of
    their float bytes.

    The weight operand is the input that is a float constant (if both inputs
    of an op are constants, the op is left alone: it should be folded). The
    output channel is the weight dimension that indexes the op's output and
    not its other input (the `N` of `matmul` and `batch_matmul`, `M` of
    `matvec`, `F` of the convolution filters, `C` of depthwise filters);
    `per-channel` quantizes along it with a `!quant.uniform` per-axis type
    and falls back to per-tensor where the op has no such dimension
    (`linalg.conv_2d`).

    `group-size=G` (with `per-channel`) gives each output channel one scale
    per group of G consecutive weights along the weight's input-channel
    dimension (the reduction dimension it shares with the other input: the
    `K` of a matmul, the `C` of convolution filters), as int4 LLM weights are
    usually stored. The type is upstream's sub-channel
    `!quant.uniform<i4<-7:7>:f32:{0:G, 1:1}, {{...}}>` (here for a `KxN`
    matmul weight). A layer whose input-channel dimension is not a multiple of
    G, or that has none (depthwise convolutions), keeps one scale per
    channel, with a remark. Group-wise weights are dequantized to float for
    the float kernels; `compress-fuse-qdq` leaves them so.

    Parameters: `symmetric` uses the narrow range `[-(2^(b-1)-1), 2^(b-1)-1]`,
    zero point 0 and `scale = max|w| / qmax`; asymmetric uses the full signed
    range, widens `[min, max]` to include 0 and sets
    `scale = (max - min) / (qmax - qmin)`,
    `zero_point = qmin - round_half_to_even(min / scale)`. An all-zero
    channel gets scale 1. Constants containing NaN or infinity are left
    unchanged with a warning.

    `range` sets the range each scale covers. `minmax` takes the minimum and
    maximum of the weights the scale serves (a channel, or a group). `mse`
    scales that range by the factor among 1, 0.99, ..., 0.21 whose rounding
    error, the sum of (w - q(w))^2 over those weights, is least (the first
    of equals): it clips the few largest weights where finer steps for the
    others pay for it, which they can at 4 bits and below (on the
    Fashion-MNIST example's dense layer at 4 bits, per channel, it lowers
    the layer's output error by 28% rounded to nearest and 21% with GPTQ;
    on its first convolution, 9 weights per filter, it raises it by 7% and
    1%). GPTQ keeps the scales so chosen. `auto` (the default) is `mse` for
    GPTQ below 8 bits and `minmax` otherwise: GPTQ's error feedback spreads
    what the clipping costs over the other weights, and with it the
    clipped scales lowered the model's output error on four of the five
    models measured (1% higher on the fifth), while rounding to nearest on
    clipped scales raised it on three of five (docs/Rationale.md).

    `algorithm=gptq data=DIR` chooses the integers with GPTQ instead of
    rounding each weight to its nearest grid point: the model runs on the
    samples of `DIR` to measure each layer's input Gram matrix H; the scales
    and zero points stay those of the float weights, and the columns of each
    weight row are quantized in order (by decreasing H_ii with `act-order`),
    each rounding error being compensated in the row's columns not yet
    quantized, so that the layer's output on the data changes as little as
    possible. Layers are measured one by one with the earlier ones already
    quantized (`sequential=false`: one run of the float model). With
    `teacher` (the default), the module as it was (float weights) runs next
    to the quantized one from the second layer on, and each layer's weights
    W are first refit to the teacher's output of the layer on the quantized
    model's inputs, W (C + d I)(H + d I)^-1 (C = X_t^T X, X_t the teacher's
    inputs of the layer, d = `damp` times H's mean diagonal); GPTQ then
    quantizes that fit, so the errors of the earlier layers are compensated
    rather than copied. A weight
    constant shared by several layers, and layers GPTQ cannot describe, are
    rounded to nearest with a remark. GPTQ needs the whole module: the pass
    must run on `builtin.module`.

    `max-error=E` (with `data` or `stats`) makes the precision per layer:
    each layer gets the fewest of 2, 3, 4, 8 and `bits` bits for which the
    relative change of its output on the data, ||X (W' - W)|| / ||X W||
    (what compress-sensitivity reports), is at most E, quantized by the
    chosen `algorithm`; a remark on each layer gives its width and error.

    `size=S` (with `data` or `stats`; excludes `max-error`) makes the
    precision per layer under a size budget instead: the weights take at
    most the fraction S of the bits they take at `bits`, counted as the
    CPU kernels store them (matmul weights of 4 bits and fewer in 4 bits,
    other weights of 8 and fewer, convolution filters included, in 8; a
    width that saves no storage is then never chosen over a wider one, and
    when even the narrowest storage exceeds the budget every layer gets it,
    with a warning). One run of
    the float model measures each layer's output error at each of 2, 3, 4,
    8 and `bits` bits; then the widths that fit the budget with the least
    summed squared error are found exactly (a multiple-choice knapsack,
    solved by dynamic programming over the budget); the layers are then
    quantized at those widths as without `size` (sequentially, GPTQ with
    its teacher). A
    remark on each layer gives its width and error. The errors summed are
    relative to each layer's output; with `gains=true` (the default, with
    `data`) each layer's are first multiplied by its gain, the relative
    change of the model's output that the layer's 4-bit weights alone cause
    divided by their layer error: the model runs once per layer with that
    layer's 4-bit weights next to the unchanged model, and the change is
    measured at the model's outputs (the entry function's float results), in
    the float network (activation quantize/dequantize pairs left out: their
    rounding flips would swamp a 4-bit layer's small change). A layer
    whose errors the rest of the network amplifies then gets more bits, one
    whose errors it damps fewer. The gain is measured at one width and
    applied to all (the network is close to linear in small weight
    changes); the remark gives it. With `stats` the gains cannot be
    measured (the statistics describe the unchanged model), nor when the
    model's outputs are zero on the data; every gain is then 1, and
    a remark says why.

    `prune=true` (with `size`) adds sparsity to that search. Each matmul
    layer (whose int8 weights the CPU kernels store compressed; not
    convolutions) also gets 8-bit options with its weights pruned first by
    SparseGPT on the data (its defaults; ADMM only on the layers the search
    prunes, the planning runs the sweep and refit): N:M along the reduction
    dimension where it is a multiple of M, 2:4 (stored as the kept pairs
    and their 2-bit positions, 5 bits per weight), 4:16 and 2:16 (75% and
    87.5% zeros), and 75% or 90% zeros anywhere in the layer. All but 2:4
    are stored by the sparse kernels as the non-zeros with their 7-bit
    positions, in rounds of 4 per output channel, 16 channels and 128
    inputs at a time; their bits are counted from the pruned weights, and
    since the fullest channel of each 16 sets the rounds, the N:M forms,
    which keep the channels even, cost less than unstructured zeros that
    SparseGPT spreads unevenly. The pruned weights are then quantized with
    the zeros fixed (GPTQ moves the remaining weights to compensate), on
    scales that cover them. Budgets below what 4-bit weights reach (0.5 of
    int8's on matmuls) then have
    answers. The pruned layers get the same remark, naming their sparsity.

    `bias-correction=true` (with `data` or `stats`) subtracts from each
    layer's bias the mean change its quantized weights cause on the data,
    sum_c (W' - W)[r, c] * mean(x_c) for output channel r, where the layer's
    result goes straight into a per-channel bias add (the form ONNX
    Conv/Gemm biases import to); other layers get a remark.

    Example (`bits=8`, per-channel, symmetric):

    ```mlir
    %w = arith.constant dense<...> : tensor<4x3xf32>
    %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) ...
    // becomes
    %c = arith.constant dense<...> : tensor<4x3xi8>
    %q = quant.scast %c : tensor<4x3xi8>
           to tensor<4x3x!quant.uniform<i8<-127:127>:f32:1, {...}>>
    %w = compress.dequantize %q : ... -> tensor<4x3xf32>
    ```
  }];
  // algorithm=gptq JIT-runs an instrumented copy of the module.
  let dependentDialects = !listconcat(dataAwareDialects,
                                      ["::mlir::quant::QuantDialect"]);
  let options = [
    Option<"bits", "bits", "unsigned",
           /*default=*/"::mlir::compress::kDefaultWeightBits",
           "Bit width of the quantized weights (2 to 16; storage is the "
           "signed integer of that width)">,
    Option<"granularity", "granularity",
           "::mlir::compress::WeightGranularity",
           /*default=*/"::mlir::compress::kDefaultWeightGranularity",
           "`per-channel` (one scale per output channel) or `per-tensor`",
           [{::mlir::compress::weightGranularityValues()}]>,
    Option<"symmetric", "symmetric", "bool", /*default=*/"true",
           "Symmetric narrow-range quantization with zero point 0; false "
           "for asymmetric full-range quantization">,
    Option<"groupSize", "group-size", "unsigned", /*default=*/"0",
           "Group-wise scales: one per output channel and group of this "
           "many consecutive weights along the input-channel dimension (0: "
           "one per channel; needs granularity=per-channel)">,
    Option<"range", "range", "::mlir::compress::WeightRangeChoice",
           /*default=*/"::mlir::compress::WeightRangeChoice::Auto",
           "The range each scale covers: `minmax`, `mse` (clipped where that "
           "lowers the rounding error) or `auto` (mse for GPTQ below 8 "
           "bits)",
           [{::mlir::compress::weightRangeChoiceValues()}]>,
    Option<"algorithm", "algorithm",
           "::mlir::compress::WeightQuantAlgorithm",
           /*default=*/"::mlir::compress::WeightQuantAlgorithm::RoundToNearest",
           "`rtn` (round to nearest) or `gptq` (needs `data`; the pass must "
           "run on the module)",
           [{::mlir::compress::weightQuantAlgorithmValues()}]>,
    Option<"data", "data", "std::string", /*default=*/"",
           "algorithm=gptq: a directory of .npy calibration samples">,
    Option<"stats", "stats", "std::string", /*default=*/"",
           "algorithm=gptq, instead of `data`: a directory written by "
           "compress-collect-layer-stats (one run's statistics: sequential "
           "is off)">,
    Option<"entry", "entry", "std::string", /*default=*/"",
           "algorithm=gptq: the function the samples are for (default: the "
           "one public function they fit)">,
    Option<"damp", "damp", "double", /*default=*/"0.1",
           "algorithm=gptq: added to the diagonal of each layer's input Gram "
           "matrix, as a fraction of its mean (> 0)">,
    Option<"blockSize", "block-size", "unsigned", /*default=*/"128",
           "algorithm=gptq: columns whose updates are applied together">,
    Option<"actOrder", "act-order", "bool", /*default=*/"true",
           "algorithm=gptq: quantize the columns with the largest input "
           "energy first">,
    Option<"refine", "refine", "unsigned", /*default=*/"0",
           "algorithm=gptq: at most this many passes of coordinate descent "
           "after the sweep, each weight moved to the grid point that "
           "minimizes the layer's output error with the others fixed (0: "
           "off)">,
    Option<"sequential", "sequential", "bool", /*default=*/"true",
           "algorithm=gptq: measure each layer with the layers before it "
           "already quantized (one run of the model per layer)">,
    Option<"teacher", "teacher", "bool", /*default=*/"true",
           "algorithm=gptq with `sequential`: keep each layer's output close "
           "to the float-weight model's (which runs next to the quantized "
           "one) rather than to its own output on the quantized model's "
           "inputs">,
    Option<"biasCorrection", "bias-correction", "bool", /*default=*/"false",
           "Subtract from each layer's bias the mean change of its output "
           "the weight quantization causes on the data (needs `data` or "
           "`stats`; layers whose result goes into a per-channel bias add)">,
    Option<"maxError", "max-error", "double", /*default=*/"0.0",
           "Mixed precision (needs `data` or `stats`): each layer gets the "
           "fewest of 2, 3, 4, 8 and `bits` bits whose relative change of "
           "the layer's output on the data is at most this (0: off, every "
           "layer gets `bits`)">,
    Option<"size", "size", "double", /*default=*/"0.0",
           "Mixed precision under a size budget (needs `data` or `stats`): "
           "the weights' bits at most this fraction of their bits at `bits` "
           "(e.g. 0.5), each layer at one of 2, 3, 4, 8 and `bits` bits, "
           "chosen to keep the sum of the layers' squared output errors on "
           "the data small (0: off; excludes max-error)">,
    Option<"prune", "prune", "bool", /*default=*/"false",
           "With `size` (and `bits` of at least 8): also weigh, for each "
           "matmul layer, 8-bit weights that SparseGPT first prunes on the "
           "data to 2:4, 4:16 or 2:16 along the reduction dimension or to "
           "75% or 90% zeros, at the bits the CPU kernels store them in "
           "(2:4: 5 per weight; the others: the non-zeros with their "
           "positions)">,
    Option<"gains", "gains", "bool", /*default=*/"true",
           "With `size` and `data`: weigh each layer's errors by its gain, "
           "the relative change of the model's output that its 4-bit "
           "weights alone cause divided by their layer error (one run of "
           "the model per layer), so that layers whose errors the rest of "
           "the network amplifies get more bits">,
  ];
  let statistics = [
    Statistic<"numQuantized", "num-quantized",
              "Number of weight operands quantized">,
    Statistic<"numSkipped", "num-skipped",
              "Number of candidate ops left unchanged">,
    Statistic<"bytesBefore", "bytes-before",
              "Bytes of the float weight constants quantized">,
    Statistic<"bytesAfter", "bytes-after",
              "Bytes of their quantized replacements (at the storage width)">,
  ];
}


//===----------------------------------------------------------------------===//
// Pruning
//===----------------------------------------------------------------------===//

// The options of the SparseGPT algorithm, shared by compress-prune-magnitude
// and compress-prune-nm.
defvar sparseGptOptions = [
  Option<"algorithm", "algorithm", "::mlir::compress::PruneAlgorithm",
         /*default=*/"::mlir::compress::PruneAlgorithm::Magnitude",
         "`magnitude` (the smallest |w| go) or `sparsegpt` (needs `data`)",
         [{::mlir::compress::pruneAlgorithmValues()}]>,
  Option<"data", "data", "std::string", /*default=*/"",
         "algorithm=sparsegpt: a directory of .npy calibration samples, read "
         "as compress-calibrate reads them">,
  Option<"stats", "stats", "std::string", /*default=*/"",
         "algorithm=sparsegpt, instead of `data`: a directory written by "
         "compress-collect-layer-stats (one run's statistics: sequential is "
         "off)">,
  Option<"entry", "entry", "std::string", /*default=*/"",
         "algorithm=sparsegpt: the function the samples are for (default: "
         "the one public function they fit)">,
  Option<"damp", "damp", "double", /*default=*/"0.01",
         "algorithm=sparsegpt: added to the diagonal of each layer's input "
         "Gram matrix, as a fraction of its mean (> 0)">,
  Option<"blockSize", "block-size", "unsigned", /*default=*/"128",
         "algorithm=sparsegpt: columns whose mask is chosen together (>= 1)">,
  Option<"sequential", "sequential", "bool", /*default=*/"true",
         "algorithm=sparsegpt: measure each layer with the layers before it "
         "already pruned (one run of the model per layer); false: one run "
         "of the unpruned model for all">,
  Option<"teacher", "teacher", "bool", /*default=*/"true",
         "algorithm=sparsegpt with `sequential`: keep each layer's output "
         "close to the unpruned model's (which runs next to the pruned one) "
         "rather than to its own output on the pruned model's inputs">,
  Option<"refit", "refit", "unsigned", /*default=*/"20",
         "algorithm=sparsegpt: after the sweep, this many steps of "
         "conjugate gradients refit each row's kept weights to the layer's "
         "output with the zeros fixed (0: off)">,
  Option<"admm", "admm", "unsigned", /*default=*/"300",
         "algorithm=sparsegpt: after the sweep, at most this many iterations "
         "of ADMM choose the mask again (a least-squares step toward the "
         "layer's output alternating with a projection onto the sparsity "
         "pattern, under a growing penalty; they stop once the mask has "
         "settled); 0: the sweep's mask">,
  Option<"admmBudget", "admm-budget", "double", /*default=*/"1000",
         "algorithm=sparsegpt: ADMM runs on a layer (per group) only when "
         "its `admm` iterations cost at most this many GFLOP (about "
         "2 rows cols^2 each; 1000 is one to two minutes on one core); "
         "a remark names the layers left with the sweep's mask">,
];

// reconstruct=true of compress-prune-neurons and compress-prune-filters.
defvar reconstructOptions = [
  Option<"reconstruct", "reconstruct", "bool", /*default=*/"false",
         "Refit each pruned chain's consumer layer by least squares so that "
         "its output on `data` stays close to the unpruned one">,
  Option<"data", "data", "std::string", /*default=*/"",
         "reconstruct=true: a directory of .npy calibration samples">,
  Option<"stats", "stats", "std::string", /*default=*/"",
         "reconstruct=true, instead of `data`: a directory written by "
         "compress-collect-layer-stats">,
  Option<"entry", "entry", "std::string", /*default=*/"",
         "reconstruct=true: the function the samples are for (default: the "
         "one public function they fit)">,
  Option<"damp", "damp", "double", /*default=*/"0.01",
         "reconstruct=true: added to the kept inputs' Gram matrix diagonal, "
         "as a fraction of its mean (> 0); it pulls the refit toward the "
         "kept weights (v = w_S + (H_SS + damp)^-1 H_SR w_R), not toward "
         "zero">,
  Option<"sequential", "sequential", "bool", /*default=*/"false",
         "reconstruct=true with `data` and scope=layer: rewrite the chains "
         "in program order, each consumer measured on the model with the "
         "earlier chains rewritten and fit to the unpruned model's output "
         "of it (which runs next to it); false: the last chain first, every "
         "consumer measured in one run of the unpruned model, then the "
         "consumers whose inputs a later refit changed fit to the unpruned "
         "model's output">,
];

def CompressCollectLayerStats
    : Pass<"compress-collect-layer-stats", "ModuleOp"> {
  let summary = "Measure every layer's input statistics on calibration data "
                "and write them to a directory.";
  let description = [{
    JIT-runs the module on the samples of `data` (as compress-calibrate
    does) and writes, for every layer the data-aware passes handle, the Gram
    matrix X^T X of its input vectors and their column sums, in float64, to
    the directory `out`: `index.json` (format `compress-layer-stats`, each
    layer's name, groups, inputs and the number of input vectors summed)
    and `NNN.gram.npy` / `NNN.sums.npy`. The module is not changed.

    The statistics are sums, so shards of a large calibration set can be
    measured in separate processes or machines and merged by adding the
    arrays and counts (`scripts/merge-layer-stats.py`); the data-aware
    passes read the result with `stats=DIR` instead of `data=DIR`. They
    describe one run of the unmodified model, so passes reading them measure
    every layer on it (no sequential measurement).
  }];
  let dependentDialects = dataAwareDialects;
  let options = [
    Option<"data", "data", "std::string", /*default=*/"",
           "A directory of .npy calibration samples (required)">,
    Option<"entry", "entry", "std::string", /*default=*/"",
           "The function the samples are for (default: the one public "
           "function they fit)">,
    Option<"out", "out", "std::string", /*default=*/"",
           "The directory to write (required; created if missing)">,
  ];
  let statistics = [
    Statistic<"numLayers", "num-layers", "Number of layers measured">,
  ];
}

def CompressSensitivity : Pass<"compress-sensitivity", "ModuleOp"> {
  let summary = "Per-layer output error of each quantization and pruning "
                "setting, from calibration data.";
  let description = [{
    Measures every layer's input Gram matrix H on the samples of `data` (or
    reads it from `stats`, as written by compress-collect-layer-stats), then
    for each layer and each setting - weights of 8, 4, 3 and 2 bits
    (per-channel, symmetric, on the grids compress-quantize-weights' default
    `range=auto` gives: the full range rounded to nearest, clipped for GPTQ
    below 8 bits) rounded to nearest and by GPTQ; 50% and 80%
    unstructured sparsity by magnitude and by SparseGPT; 2:4 by magnitude
    and by SparseGPT where the reduction dimension allows (SparseGPT with
    the pruning passes' defaults: the refit, and the ADMM mask refinement
    where it fits `admm-budget`) - computes the
    relative change of the layer's output on the data when that layer alone
    is compressed: ||X (W' - W)|| / ||X W|| = sqrt(tr(D H D^T) /
    tr(W H W^T)), D = W' - W. Prints a table on stderr (`print`) and writes
    JSON (`json`): `{"layers": [{"name", "op", "weights", "errors":
    {setting: error}}]}`. The module is not changed. Use it to choose
    per-layer settings: the layers with the largest errors are the ones to
    keep at higher precision or density.

    `gains=true` (with `data`) also gives each layer's gain to the model's
    output, as compress-quantize-weights `gains` weighs its errors: the
    relative change of the model's outputs (the entry function's float
    results, activation quantize/dequantize pairs left out) when the layer
    alone holds its 4-bit weights rounded to nearest, divided by that
    setting's layer error; one more run of the model per layer. Its error
    at a setting times its gain estimates what that setting does to the
    model's output. The table and the JSON get `gain` per layer.
  }];
  let dependentDialects = dataAwareDialects;
  let options = [
    Option<"data", "data", "std::string", /*default=*/"",
           "A directory of .npy calibration samples">,
    Option<"stats", "stats", "std::string", /*default=*/"",
           "Instead of `data`: a directory written by "
           "compress-collect-layer-stats">,
    Option<"entry", "entry", "std::string", /*default=*/"",
           "The function the samples are for (default: the one public "
           "function they fit)">,
    Option<"json", "json", "std::string", /*default=*/"",
           "Write the errors to this JSON file">,
    Option<"print", "print", "bool", /*default=*/"true",
           "Print the table on stderr">,
    Option<"damp", "damp", "double", /*default=*/"0.0",
           "GPTQ and SparseGPT: added to H's diagonal, as a fraction of its "
           "mean (> 0; 0: each pass's default, 0.1 for GPTQ and 0.01 for "
           "SparseGPT)">,
    Option<"gains", "gains", "bool", /*default=*/"false",
           "Also each layer's gain to the model's output (needs `data`; one "
           "run of the model per layer)">,
  ];
  let statistics = [
    Statistic<"numLayers", "num-layers", "Number of layers measured">,
  ];
}

def CompressLowRank : Pass<"compress-low-rank", "ModuleOp"> {
  let summary = "Replace dense and convolution weights by two low-rank "
                "factors.";
  let description = [{
    Factors the constant float weight W (rows = output channels, columns =
    the reduction elements: K of a matmul, C x KH x KW of a convolution
    filter) of every matmul (`linalg.matmul`, `matvec`, `vecmat`) and
    convolution with output channels (`conv_2d_nchw_fchw`,
    `conv_2d_nhwc_hwcf`, `conv_2d_nhwc_fhwc`) as W ~ B A, B of rows x r and
    A of r x columns, and rewrites the layer as two: the same op with weight
    A (r output channels, started from zero), then the same op kind with
    weight B and unit kernel, stride and dilation, started from the layer's
    own accumulator (bias, fill). A layer keeps r (rows + columns) of its
    rows x columns parameters.

    - Without data, A and B come from the truncated SVD of W:
      B = U_r S_r^1/2, A = S_r^1/2 V_r^T.
    - With `data=DIR` (or `stats=DIR`, as written by
      compress-collect-layer-stats) the model runs on the samples to
      measure each layer's input Gram matrix H = X^T X, and the factors
      minimize the layer's output error on the data instead of the weight
      error: with H + damp = L L^T, W L = U S V^T, B = U_r S_r^1/2 and
      A = S_r^1/2 V_r^T L^-1 (activation-aware SVD). `sequential` (true)
      measures each layer on the model with the layers before it already
      factored.

    The rank: with `energy=E` (0 < E <= 1), the smallest r whose singular
    values keep the fraction E of the sum of squares of all of them (of W,
    or of W L with data); otherwise `r = floor(ratio * rows * columns /
    (rows + columns))`, so that the layer keeps at most the fraction `ratio`
    of its parameters. Layers where r < 1 or the factors would not hold
    fewer parameters than W, depthwise and grouped convolutions, batch
    matmuls with a constant weight, weights shared by several layers and the
    layers named in `skip` are left unchanged, each with a remark that says
    why. Each factored layer gets a remark with its rank, parameters and
    the relative error of its weight (or of its output on the data).
  }];
  let dependentDialects = dataAwareDialects;
  let options = [
    Option<"ratio", "ratio", "double", /*default=*/"0.5",
           "Fraction of each layer's parameters the two factors keep, in "
           "(0, 1)">,
    Option<"energy", "energy", "double", /*default=*/"0.0",
           "When in (0, 1]: choose each layer's rank to keep this fraction "
           "of its squared singular values (replaces `ratio`)">,
    ListOption<"skip", "skip", "std::string",
               "Layers left alone: indices or layer names, as for "
               "compress-prune-magnitude">,
    Option<"data", "data", "std::string", /*default=*/"",
           "A directory of .npy calibration samples: activation-aware "
           "factors (without it: plain SVD of the weights)">,
    Option<"stats", "stats", "std::string", /*default=*/"",
           "Instead of `data`: a directory written by "
           "compress-collect-layer-stats (one run's statistics: sequential is "
           "off)">,
    Option<"entry", "entry", "std::string", /*default=*/"",
           "The function the samples are for (default: the one public "
           "function they fit)">,
    Option<"damp", "damp", "double", /*default=*/"0.01",
           "With data: added to H's diagonal, as a fraction of its mean "
           "(> 0)">,
    Option<"sequential", "sequential", "bool", /*default=*/"true",
           "With `data`: measure each layer after the ones before it were "
           "factored (one run per layer); false: one run of the unchanged "
           "model">,
  ];
  let statistics = [
    Statistic<"numLayers", "num-layers", "Number of layers factored">,
    Statistic<"numRemoved", "num-removed",
              "Number of weight parameters removed">,
  ];
}

def CompressPruneMagnitude : Pass<"compress-prune-magnitude", "ModuleOp"> {
  let summary = "Zero the weights of smallest magnitude (unstructured).";
  let description = [{
    Prunes the constant float weights of the layers
    `--compress-quantize-weights` handles (matmuls and 2-D convolutions):
    the `round_half_to_even(sparsity * n)` elements of smallest magnitude
    become +0.0, ties broken by the lower flat index (the earlier element is
    pruned first), so the achieved sparsity is exactly the requested one.

    - `scope=layer`: each weight separately, `n` = its element count.
    - `scope=global`: all weights ranked together (as
      `torch.nn.utils.prune.global_unstructured`), `n` = total count; ties
      across layers go to the earlier layer.
    - `threshold=T` (T >= 0) replaces the ratio: every element with
      `|w| < T` is pruned.

    Weights that are already zero count toward the sparsity. Each pruned
    weight becomes a new constant annotated with
    `compress.sparsity = #compress.sparsity<unstructured, fraction = F>`, F
    being the measured zero fraction; other users of the old constant keep
    the unpruned values.

    `algorithm=sparsegpt data=DIR` prunes with SparseGPT instead: the model
    runs on the samples of `DIR` (JIT-compiled, as compress-calibrate runs
    it) to measure each layer's input Gram matrix H = X^T X; the weights to
    prune are chosen block by block of `block-size` columns by
    w^2 / [U]_cc^2 (U the upper Cholesky factor of (H + damp)^-1), and each
    pruned weight's error is compensated in the row's weights not visited
    yet, so that the layer's output on the data changes as little as
    possible. Each layer gets `round_half_to_even(sparsity * n)` zeros;
    `scope=global` first ranks all weights by magnitude to decide how many
    zeros each layer gets, then prunes each with SparseGPT. Layers are
    pruned in program order, each measured on the model with the layers
    before it already pruned (`sequential=false`: all measured in one run
    of the unpruned model, faster for large models); with `teacher` (the
    default) the unpruned model runs next to the pruned one and each layer
    is first refit to its output, as `compress-quantize-weights` describes
    for GPTQ. The sweep compensates each pruned weight only in the columns
    after it; `refit` (20) steps of conjugate gradients then refit each
    row's kept weights to the layer's output with the zeros fixed (the
    exact masked least-squares fit, damped toward the unpruned weights,
    when run to convergence). Layers SparseGPT cannot
    describe (see docs/Rationale.md) are pruned by magnitude with a remark.
    `threshold` does not combine with `sparsegpt`.
  }];
  // algorithm=sparsegpt JIT-runs an instrumented copy of the module.
  let dependentDialects = dataAwareDialects;
  let options = !listconcat([
    Option<"sparsity", "sparsity", "double", /*default=*/"0.5",
           "Fraction of weights to prune, in [0, 1]">,
    Option<"scope", "scope", "::mlir::compress::PruneScope",
           /*default=*/"::mlir::compress::PruneScope::Layer",
           "`layer` (each weight on its own) or `global` (all together)",
           [{::mlir::compress::pruneScopeValues()}]>,
    Option<"threshold", "threshold", "double", /*default=*/"-1.0",
           "Prune every |w| < threshold instead of a fraction (off when "
           "negative)">,
    ListOption<"skip", "skip", "std::string",
               "Layers left alone: indices in program order (negative from "
               "the end: 0,-1 = first and last) or layer names (NameLoc)">,
  ], sparseGptOptions);
  let statistics = [
    Statistic<"numPruned", "num-pruned", "Number of weights set to zero">,
    Statistic<"numLayers", "num-layers", "Number of layers pruned">,
  ];
}

def CompressPruneNM : Pass<"compress-prune-nm", "ModuleOp"> {
  let summary = "N:M structured sparsity along the reduction dimension.";
  let description = [{
    In every group of `m` consecutive elements along a weight's reduction
    dimension (K of a matmul weight, C of a convolution filter: the one
    NVIDIA sparse tensor cores compress), keeps the `n` of largest magnitude
    and zeroes the rest; ties keep the lower index. Weights whose reduction
    dimension is not a multiple of `m`, or that have none (depthwise filters),
    are left unchanged with a remark. Pruned weights are annotated with
    `#compress.sparsity<structured[n, m], axis = A, fraction = F>`.

    `algorithm=sparsegpt data=DIR` chooses and compensates with SparseGPT,
    as for compress-prune-magnitude: at the first column of each group of
    `m`, the `m - n` members with the smallest w^2 / [U]_cc^2 go, and the
    error of every pruned weight is spread over the row's weights not
    visited yet.
  }];
  // algorithm=sparsegpt JIT-runs an instrumented copy of the module.
  let dependentDialects = dataAwareDialects;
  let options = !listconcat([
    Option<"n", "n", "unsigned", /*default=*/"2",
           "Non-zeros kept per group (1 <= n <= m)">,
    Option<"m", "m", "unsigned", /*default=*/"4", "Group size">,
    ListOption<"skip", "skip", "std::string",
               "Layers left alone: indices or layer names, as for "
               "compress-prune-magnitude">,
  ], sparseGptOptions);
  let statistics = [
    Statistic<"numPruned", "num-pruned", "Number of weights set to zero">,
    Statistic<"numLayers", "num-layers", "Number of layers pruned">,
  ];
}

def CompressPruneNeurons : Pass<"compress-prune-neurons", "ModuleOp"> {
  let summary = "Remove hidden neurons, shrinking the dense layers around "
                "them.";
  let description = [{
    For every chain `Linear -> (elementwise ops: bias, ReLU, GELU, ...) ->
    Linear` (matmul-like producer with a constant weight, per-neuron
    elementwise `linalg` ops whose other operands are constants, then a
    matmul-like consumer with a constant weight that sums over the neurons;
    reshapes that keep the neuron dimension whole - the collapse/expand
    around a 3-D ONNX MatMul - and branches that join again, as GELU's
    `x * 0.5 * (1 + erf(x / sqrt(2)))`, belong to the chain),
    scores each hidden neuron by the norm of its outgoing weights (the
    consumer's row; `score=incoming` uses the producer's column), removes the
    `round_half_to_even(ratio * H)` lowest-scoring neurons (ties: the lower
    index goes first; at least one neuron is kept), and rebuilds the chain
    with the hidden dimension shrunk: the producer's weight columns, the
    per-neuron constants (biases), every intermediate tensor, and the
    consumer's weight rows. The function's signature is unchanged and the
    result is a smaller dense model.

    A chain is a dependency group: where an elementwise op adds (or
    multiplies) it with the output of other layers - a residual connection -
    those layers join as producers of the same neurons, and every layer
    reading any value of the chain is a consumer. The group's score of a
    neuron sums its members' norms; all of them lose the same neurons.
    A chain is left unchanged, with a remark at the producer saying why, when
    a value of it escapes the function, reaches an op that is not elementwise
    along the neurons (a reshape that splits them into attention heads, a
    LayerNorm's reduction), mixes in a tensor that is neither constant nor
    the output of layers that can join the group (a function argument), has
    a layer that both reads and writes the group's neurons (`y = x + W x`),
    has a dynamic neuron dimension, or ends in nothing but layers
    summing over the neurons. Kept weights carry
    `#compress.sparsity<channel, axis = A, fraction = removed / H>`.
  }];
  // reconstruct=true JIT-runs an instrumented copy of the module.
  let dependentDialects = dataAwareDialects;
  let options = !listconcat([
    Option<"ratio", "ratio", "double", /*default=*/"0.5",
           "Fraction of the neurons of each hidden layer to remove, in [0, 1)">,
    Option<"norm", "norm", "::mlir::compress::ChannelNorm",
           /*default=*/"::mlir::compress::ChannelNorm::L2",
           "`l2` or `l1` norm of the scored weights",
           [{::mlir::compress::channelNormValues()}]>,
    Option<"score", "score", "::mlir::compress::ChannelScore",
           /*default=*/"::mlir::compress::ChannelScore::Outgoing",
           "`outgoing` (consumer weights), `incoming` (producer weights) or "
           "`output-error` (the refit's error on the data, optimal brain "
           "surgeon; the default with reconstruct=true; with scope=layer the "
           "units go one at a time, the consumers' weights compensating "
           "each before the next is chosen; in one step when a consumer is "
           "a grouped convolution)",
           [{::mlir::compress::channelScoreValues()}]>,
    Option<"roundTo", "round-to", "int64_t", /*default=*/"1",
           "Keep a multiple of this many neurons per layer (e.g. 8 or 16 for "
           "the SIMD and tensor-core kernels): the kept count is rounded up, "
           "so fewer are removed than `ratio` asks">,
    Option<"scope", "scope", "::mlir::compress::PruneScope",
           /*default=*/"::mlir::compress::PruneScope::Layer",
           "`layer`: each layer loses `ratio` of its neurons; `global`: `ratio` "
           "of all layers' neurons, ranked together by their scores divided by "
           "their layer's mean score",
           [{::mlir::compress::pruneScopeValues()}]>,
    Option<"minKeep", "min-keep", "double", /*default=*/"0.0",
           "With scope=global, the fraction of each layer's neurons always kept "
           "(at least one)">,
    ListOption<"skip", "skip", "std::string",
               "Layers whose neurons stay: indices in program order among "
               "the weighted layers (negative from the end) or layer names, "
               "as for compress-prune-magnitude; a chain with a skipped "
               "layer among its producers is left whole">,
  ], reconstructOptions);
  let statistics = [
    Statistic<"numRemoved", "num-removed", "Number of neurons removed">,
    Statistic<"numChains", "num-chains", "Number of layer pairs shrunk">,
    Statistic<"numSkipped", "num-skipped", "Number of chains left alone">,
  ];
}

def CompressPruneHeads : Pass<"compress-prune-heads", "ModuleOp"> {
  let summary = "Remove attention heads, shrinking the Q, K, V and output "
                "projections.";
  let description = [{
    A projection whose output an `expand_shape` downstream splits into
    heads x head size (an ONNX attention block's Reshape) is the start of a
    group: its heads are followed, as the channels of
    `compress-prune-neurons` are, through the bias, the head split, the
    transposes, the batch/head merges and splits around the batched
    matmuls, the scaling and the softmax (reductions along other
    dimensions carry every head on its own), to the output projection that
    sums over the heads. Where a batched matmul combines the heads with a
    tensor that is not yet part of the group (Q K^T, then the
    probabilities times V), the layers with constant weights upstream of
    that tensor (the K and V projections) join the group, and their heads
    must reach that op in the same order. Each head is scored by the norm
    of its rows of the output projection (`score=incoming`: its columns of
    all the group's projections); the `round_half_to_even(ratio * H)`
    lowest-scoring heads go (ties: the lower index; at least one stays),
    from every projection's columns and biases, every intermediate tensor,
    and the output projection's rows. Groups that cannot be shrunk
    consistently (a head dimension that is dynamic, a projection whose
    output escapes) are left unchanged with a remark at the projection the
    search started from. Layers with no head split downstream are not
    candidates and get no remark.
  }];
  let dependentDialects = [
    "::mlir::compress::CompressDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
  let options = [
    Option<"ratio", "ratio", "double", /*default=*/"0.25",
           "Fraction of the heads of each attention block to remove, in "
           "[0, 1)">,
    Option<"norm", "norm", "::mlir::compress::ChannelNorm",
           /*default=*/"::mlir::compress::ChannelNorm::L2",
           "`l2` or `l1` norm of the scored weights",
           [{::mlir::compress::channelNormValues()}]>,
    Option<"score", "score", "::mlir::compress::ChannelScore",
           /*default=*/"::mlir::compress::ChannelScore::Outgoing",
           "`outgoing` (output projection rows) or `incoming` (Q, K and V "
           "projection columns)",
           [{::mlir::compress::channelScoreValues()}]>,
    Option<"roundTo", "round-to", "int64_t", /*default=*/"1",
           "Keep a multiple of this many heads per layer (e.g. 8 or 16 for "
           "the SIMD and tensor-core kernels): the kept count is rounded up, "
           "so fewer are removed than `ratio` asks">,
    Option<"scope", "scope", "::mlir::compress::PruneScope",
           /*default=*/"::mlir::compress::PruneScope::Layer",
           "`layer`: each layer loses `ratio` of its heads; `global`: `ratio` "
           "of all layers' heads, ranked together by their scores divided by "
           "their layer's mean score",
           [{::mlir::compress::pruneScopeValues()}]>,
    Option<"minKeep", "min-keep", "double", /*default=*/"0.0",
           "With scope=global, the fraction of each layer's heads always kept "
           "(at least one)">,
  ];
  let statistics = [
    Statistic<"numRemoved", "num-removed", "Number of heads removed">,
    Statistic<"numChains", "num-chains", "Number of attention blocks shrunk">,
    Statistic<"numSkipped", "num-skipped", "Number of blocks left alone">,
  ];
}

def CompressPruneFilters : Pass<"compress-prune-filters", "ModuleOp"> {
  let summary = "Remove convolution filters, shrinking the next layer's "
                "input channels.";
  let description = [{
    The convolution counterpart of `compress-prune-neurons`: for every
    convolution with a constant filter whose output channels flow through
    per-channel ops (bias, batch-norm scale and shift, ReLU, max/avg pooling,
    as `linalg` ops with constant per-channel operands), `tensor.pad`s of the
    other dimensions with a constant value (a convolution's border) and
    depthwise convolutions (whose channels are tied: their filters and
    biases shrink along) into another convolution, or through a
    `tensor.collapse_shape` (flatten) into a matmul-like layer, scores each filter by its own L1 (default) or L2 norm
    (`score=outgoing` scores by the next layer's weights instead), removes the
    `round_half_to_even(ratio * F)` lowest-scoring filters, and rebuilds the
    chain with fewer channels: the filters, every per-channel constant, the
    intermediate feature maps, and the next layer's input channels (for a
    flatten, every row of the matmul weight that a removed channel fed).
    Unsafe chains are left as they are with a remark, as for
    `compress-prune-neurons`. Channels that a residual addition combines with
    another branch are pruned as one group: ResNet's stage stream (the stem
    or the downsampling projection and every block's last convolution, read
    by the next blocks' first convolutions and the classifier), MobileNet's
    chained projections. The group's score of a filter is the sum of its
    members' norms.

    Every layer is scored on its original weights (independent pruning in
    the terms of Li et al.): a convolution that is both the consumer of one
    chain and the producer of the next keeps or drops its filters by their
    full norms, before its input channels shrink. Its weight is annotated
    with the last pruning applied to it (the input-channel one).
  }];
  // reconstruct=true JIT-runs an instrumented copy of the module.
  let dependentDialects = dataAwareDialects;
  let options = !listconcat([
    Option<"ratio", "ratio", "double", /*default=*/"0.5",
           "Fraction of the filters of each convolution to remove, in [0, 1)">,
    Option<"norm", "norm", "::mlir::compress::ChannelNorm",
           /*default=*/"::mlir::compress::ChannelNorm::L1",
           "`l1` or `l2` norm of the scored weights",
           [{::mlir::compress::channelNormValues()}]>,
    Option<"score", "score", "::mlir::compress::ChannelScore",
           /*default=*/"::mlir::compress::ChannelScore::Incoming",
           "`incoming` (the filter itself), `outgoing` (next layer) or "
           "`output-error` (the refit's error on the data, optimal brain "
           "surgeon; the default with reconstruct=true; with scope=layer the "
           "units go one at a time, the consumers' weights compensating "
           "each before the next is chosen; in one step when a consumer is "
           "a grouped convolution)",
           [{::mlir::compress::channelScoreValues()}]>,
    Option<"roundTo", "round-to", "int64_t", /*default=*/"1",
           "Keep a multiple of this many filters per layer (e.g. 8 or 16 for "
           "the SIMD and tensor-core kernels): the kept count is rounded up, "
           "so fewer are removed than `ratio` asks">,
    Option<"scope", "scope", "::mlir::compress::PruneScope",
           /*default=*/"::mlir::compress::PruneScope::Layer",
           "`layer`: each layer loses `ratio` of its filters; `global`: `ratio` "
           "of all layers' filters, ranked together by their scores divided by "
           "their layer's mean score",
           [{::mlir::compress::pruneScopeValues()}]>,
    Option<"minKeep", "min-keep", "double", /*default=*/"0.0",
           "With scope=global, the fraction of each layer's filters always kept "
           "(at least one)">,
    ListOption<"skip", "skip", "std::string",
               "Layers whose filters stay: indices in program order among "
               "the weighted layers (negative from the end) or layer names, "
               "as for compress-prune-magnitude; a dependency group (a "
               "residual stream) with a skipped member is left whole">,
  ], reconstructOptions);
  let statistics = [
    Statistic<"numRemoved", "num-removed", "Number of filters removed">,
    Statistic<"numChains", "num-chains", "Number of layer pairs shrunk">,
    Statistic<"numSkipped", "num-skipped", "Number of chains left alone">,
  ];
}

//===----------------------------------------------------------------------===//
// Reporting
//===----------------------------------------------------------------------===//

def CompressReport : Pass<"compress-report", "ModuleOp"> {
  let summary = "Per-layer parameters, sparsity and bytes, as a table and "
                "JSON.";
  let description = [{
    Reads every layer (the ops `compress-quantize-weights` handles) whose
    weight is a float constant or a quantized constant
    (`compress.dequantize(quant.scast(arith.constant))`) and reports its
    parameter count, measured sparsity (exact zeros; for quantized weights,
    elements equal to the zero point) and bytes: as fp32, as stored now
    (the constant's element type: 4 for f32, 2 for f16/bf16, 1 for i8,
    0.5 for i4) and with sparse storage (CSR-like: non-zero values plus a
    32-bit index each; for `structured[n, m]` weights, n/m of the values plus
    2 bits of metadata per kept value). The integer kernels of
    `compress-fuse-qdq` (a reducing `linalg.generic` that multiplies
    integers and reads an integer constant of rank 2 or more) are layers
    too, before and after `convert-compress-to-linalg`; their zeros are the
    elements equal to 0 (the zero point of the default symmetric weights).
    The table goes to stderr (or `table=FILE`), the JSON to `json=FILE`. The
    IR is not changed.
  }];
  let options = [
    Option<"jsonFile", "json", "std::string", /*default=*/"\"\"",
           "Write the report as JSON to this file (`-` for stdout)">,
    Option<"tableFile", "table", "std::string", /*default=*/"\"-\"",
           "Write the table to this file (`-` for stderr, empty for none)">,
  ];
}


//===----------------------------------------------------------------------===//
// Post-training quantization
//===----------------------------------------------------------------------===//

def CompressInsertObservers : Pass<"compress-insert-observers", "ModuleOp"> {
  let summary = "Observe every activation that feeds a quantizable op.";
  let description = [{
    Inserts a `compress.observe` (numbered with a module-unique `id`) on
    every non-constant float operand of the quantizable ops - `linalg.matmul`,
    `batch_matmul`, `matvec`, `vecmat`, the 2-D convolutions (including
    depthwise), elementwise `add`/`mul` (`linalg.add`, `linalg.mul` and
    elementwise `linalg.generic` whose body is one `arith.addf`/`arith.mulf`),
    and pooling - on the float values public functions return, and on the
    float arguments of public functions. A value observed once is not
    observed again; constants (weights, biases) are left to
    `compress-quantize-weights`, and pooling windows (`tensor.empty`) hold
    no values. An operand produced by a `tensor.collapse_shape` or a
    `tensor.pad` is observed before it, right after the layer that computed
    it: quantization commutes with both (the pad value 0 is exact in every
    range the fold derives), and `compress-fuse-qdq` then pads and reshapes
    storage integers.

    With `layer-outputs` (the default), an observed value that is a matmul
    or convolution layer's output (the layer's result through its
    elementwise epilogue with constant operands - bias, scale, clamp - and
    reshapes and transposes, each read once) is observed for every op that
    reads it, not only for the quantizable one: the one quantize/dequantize
    pair that onnxruntime's QDQ format puts on a tensor. The layer's float
    result then has no other reader, so `compress-fuse-qdq` can make the
    layer integer (a transformer's feed-forward matmul, whose output a GELU
    reads in two places, only one of them the quantizable `mul`). The other
    readers see the quantized value, as in onnxruntime.
  }];
  let dependentDialects = ["::mlir::compress::CompressDialect"];
  let options = [
    ListOption<"ops", "ops", "std::string",
               "Op kinds to observe: matmul, conv, add, mul, pool (default: "
               "all)">,
    ListOption<"skip", "skip", "std::string",
               "Ops left unobserved, by layer name (NameLoc or "
               "file:line:col)">,
    Option<"observeInputs", "inputs", "bool", /*default=*/"true",
           "Observe the float arguments of public functions">,
    Option<"layerOutputs", "layer-outputs", "bool", /*default=*/"true",
           "Route every reader of an observed matmul or convolution layer "
           "output through its observer">,
  ];
  let statistics = [
    Statistic<"numObservers", "num-observers", "Number of observers inserted">,
  ];
}

def CompressFoldCalibration : Pass<"compress-fold-calibration", "ModuleOp"> {
  let summary = "Replace calibrated observers by quantize/dequantize pairs.";
  let description = [{
    Every `compress.observe` with a recorded range (from its attributes or,
    with `stats=FILE`, from the JSON `compress-calibrate` wrote) becomes
    `compress.dequantize(compress.quantize(x))` with a per-tensor
    `!quant.uniform` type derived from the range: asymmetric by default
    (range widened to include 0, `scale = (max - min) / (qmax - qmin)`,
    `zero_point = qmin - round_half_to_even(min / scale)`), or symmetric
    (`scale = max(|min|, |max|) / 127`, zero point 0 for i8, 128 for u8).
    Storage is `u8` (x86 VNNI multiplies u8 activations by s8 weights) or
    `i8` (what NVIDIA tensor cores multiply). The output of a max pooling
    (`linalg.pooling_nchw_max`, `pooling_nhwc_max`) takes the range of its
    input's observer, whatever its own: its values are a subset of its
    inputs, and sharing one type lets the pooling run on storage integers
    (as TFLite and onnxruntime share them). Degenerate ranges: an all-zero
    range gets scale 1 (warning); an observer without a range is left in
    place with a warning.
  }];
  let dependentDialects = [
    "::mlir::compress::CompressDialect",
    "::mlir::quant::QuantDialect",
  ];
  let options = [
    Option<"stats", "stats", "std::string", /*default=*/"\"\"",
           "Read ranges from this JSON file instead of observer attributes">,
    Option<"activationType", "activation-type",
           "::mlir::compress::ActivationStorage",
           /*default=*/"::mlir::compress::kDefaultActivationStorage",
           "Activation storage: u8 or i8",
           [{::mlir::compress::activationStorageValues()}]>,
    Option<"symmetric", "symmetric", "bool",
           /*default=*/"::mlir::compress::kDefaultSymmetricActivations",
           "Symmetric activation ranges">,
  ];
  let statistics = [
    Statistic<"numFolded", "num-folded", "Number of observers folded">,
  ];
}

def CompressFuseQDQ : Pass<"compress-fuse-qdq"> {
  let summary = "Turn dequantize -> matmul/conv -> quantize chains into "
                "integer arithmetic.";
  let description = [{
    Rewrites `compress.dequantize -> (linalg.matmul | batch_matmul | matvec |
    conv_2d_nhwc_hwcf | conv_2d_nchw_fchw | depthwise_conv_2d_nhwc_hwc) ->
    [bias add] -> [ReLU | ReLU6 | clamp] -> compress.quantize` into an
    integer kernel on the storage integers (i8 x i8 or u8 x i8 products
    accumulated in i32, zero-point correction terms, the bias quantized to
    i32 with scale `s_x * s_w[c]`) followed by `compress.requantize` to the
    output's type, with the activation fused into the requantization clamp.
    Quantized elementwise add (one input may be broadcast, as the u8 bias of
    an ONNX MatMul -> Add) and max/avg pooling are rewritten likewise.
    Reshapes (`tensor.collapse_shape`, `tensor.expand_shape`) and
    `linalg.transpose` only move elements: a dequantize moves below them
    onto the storage integers, and a per-tensor quantize moves above a
    reshape or transpose only it reads, so that the collapse -> matmul ->
    expand of a 3-D ONNX MatMul and the head split of attention do not hide
    quantized operands. The expand after a matmul-like layer folds into the
    elementwise op that reads it (upstream's reshape-by-collapsing rewrite,
    limited to that case), so a 3-D bias add joins the layer's epilogue in
    the layer's shape: compress-ptq's quantize after a projection's bias,
    expand and head transpose then fuses (the BERT layer of
    benchmarks/models: 82 -> 43 ms on one thread, five of six matmuls in
    int8). Chains it cannot express exactly are left unchanged with a
    remark.
    Weights that are quantized at run time (`compress.quantize` of a float
    constant, as PyTorch exports QAT models: QuantizeLinear of a float
    initializer) are first folded into quantized constants.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::compress::CompressDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::tensor::TensorDialect",
  ];
  let options = [
    Option<"rounding", "rounding", "::mlir::compress::RequantizeRounding",
           /*default=*/"::mlir::compress::kDefaultRequantizeRounding",
           "Requantization: fixed_point (gemmlowp/TFLite) or float",
           [{::mlir::compress::requantizeRoundingValues()}]>,
  ];
  let statistics = [
    Statistic<"numFused", "num-fused", "Number of chains made integer">,
  ];
}

def CompressFoldFakeQuant : Pass<"compress-fold-fake-quant"> {
  let summary = "Turn QAT fake quantization into quantize/dequantize pairs.";
  let description = [{
    Every `compress.fake_quant` whose `min` and `max` are constants becomes
    `compress.dequantize(compress.quantize(x))` with the `!quant.uniform`
    type whose scale and zero point are exactly the ones `fake_quant`
    computes from that range (in f32), so the model computes the same values
    and the integer kernels of `compress-fuse-qdq` apply. Fake quantization
    of a constant weight folds further into a quantized constant. A
    `fake_quant` with non-constant ranges is left unchanged with a remark.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::compress::CompressDialect",
    "::mlir::quant::QuantDialect",
  ];
}

def CompressConvertPrecision : Pass<"compress-convert-precision", "ModuleOp"> {
  let summary = "Convert an f32 model to f16 or bf16.";
  let description = [{
    Rewrites every function of the module to compute in `to` (f16 or bf16):
    f32 constants are rounded to the target type, f32 tensor types of
    arguments, results and ops become the target type, and the bodies of
    `linalg` ops compute in it. Function signatures change accordingly;
    callers outside the module must pass half-precision values.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
  ];
  let options = [
    Option<"to", "to", "::mlir::compress::FloatPrecision",
           /*default=*/"::mlir::compress::FloatPrecision::F16",
           "Target precision: f16 or bf16",
           [{::mlir::compress::floatPrecisionValues()}]>,
  ];
}

#endif // COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PASSES_TD
