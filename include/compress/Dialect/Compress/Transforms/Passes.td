//===- Passes.td - compress transformation passes ----------*- tablegen -*-===//

#ifndef COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PASSES_TD
#define COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

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

    Parameters: `symmetric` uses the narrow range `[-(2^(b-1)-1), 2^(b-1)-1]`,
    zero point 0 and `scale = max|w| / qmax`; asymmetric uses the full signed
    range, widens `[min, max]` to include 0 and sets
    `scale = (max - min) / (qmax - qmin)`,
    `zero_point = qmin - round_half_to_even(min / scale)`. An all-zero
    channel gets scale 1. Constants containing NaN or infinity are left
    unchanged with a warning.

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
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::compress::CompressDialect",
    "::mlir::quant::QuantDialect",
  ];
  let options = [
    Option<"bits", "bits", "unsigned", /*default=*/"8",
           "Bit width of the quantized weights (2 to 16; storage is the "
           "signed integer of that width)">,
    Option<"granularity", "granularity", "std::string",
           /*default=*/"\"per-channel\"",
           "`per-channel` (one scale per output channel) or `per-tensor`">,
    Option<"symmetric", "symmetric", "bool", /*default=*/"true",
           "Symmetric narrow-range quantization with zero point 0; false "
           "for asymmetric full-range quantization">,
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
  }];
  let dependentDialects = ["::mlir::compress::CompressDialect"];
  let options = [
    Option<"sparsity", "sparsity", "double", /*default=*/"0.5",
           "Fraction of weights to prune, in [0, 1]">,
    Option<"scope", "scope", "std::string", /*default=*/"\"layer\"",
           "`layer` (each weight on its own) or `global` (all together)">,
    Option<"threshold", "threshold", "double", /*default=*/"-1.0",
           "Prune every |w| < threshold instead of a fraction (off when "
           "negative)">,
    ListOption<"skip", "skip", "std::string",
               "Layers left alone: indices in program order (negative from "
               "the end: 0,-1 = first and last) or layer names (NameLoc)">,
  ];
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
  }];
  let dependentDialects = ["::mlir::compress::CompressDialect"];
  let options = [
    Option<"n", "n", "unsigned", /*default=*/"2",
           "Non-zeros kept per group (1 <= n <= m)">,
    Option<"m", "m", "unsigned", /*default=*/"4", "Group size">,
    ListOption<"skip", "skip", "std::string",
               "Layers left alone: indices or layer names, as for "
               "compress-prune-magnitude">,
  ];
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
    matmul-like consumer with a constant weight that sums over the neurons),
    scores each hidden neuron by the norm of its outgoing weights (the
    consumer's row; `score=incoming` uses the producer's column), removes the
    `round_half_to_even(ratio * H)` lowest-scoring neurons (ties: the lower
    index goes first; at least one neuron is kept), and rebuilds the chain
    with the hidden dimension shrunk: the producer's weight columns, the
    per-neuron constants (biases), every intermediate tensor, and the
    consumer's weight rows. The function's signature is unchanged and the
    result is a smaller dense model.

    A chain is left unchanged, with a remark at the producer saying why, when
    an intermediate value has other uses (it escapes the function or feeds a
    second branch, e.g. a residual add), reaches an op that is not
    elementwise along the neurons, mixes in a non-constant tensor, has a
    dynamic neuron dimension, or ends in something other than a layer
    summing over the neurons. Kept weights carry
    `#compress.sparsity<channel, axis = A, fraction = removed / H>`.
  }];
  let dependentDialects = [
    "::mlir::compress::CompressDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
  let options = [
    Option<"ratio", "ratio", "double", /*default=*/"0.5",
           "Fraction of the neurons of each hidden layer to remove, in [0, 1)">,
    Option<"norm", "norm", "std::string", /*default=*/"\"l2\"",
           "`l2` or `l1` norm of the scored weights">,
    Option<"score", "score", "std::string", /*default=*/"\"outgoing\"",
           "`outgoing` (consumer weights) or `incoming` (producer weights)">,
  ];
  let statistics = [
    Statistic<"numRemoved", "num-removed", "Number of neurons removed">,
    Statistic<"numChains", "num-chains", "Number of layer pairs shrunk">,
    Statistic<"numSkipped", "num-skipped", "Number of chains left alone">,
  ];
}

def CompressPruneFilters : Pass<"compress-prune-filters", "ModuleOp"> {
  let summary = "Remove convolution filters, shrinking the next layer's "
                "input channels.";
  let description = [{
    The convolution counterpart of `compress-prune-neurons`: for every
    convolution with a constant filter whose output channels flow through
    per-channel ops (bias, batch-norm scale and shift, ReLU, max/avg pooling,
    as `linalg` ops with constant per-channel operands) into another
    convolution, or through a `tensor.collapse_shape` (flatten) into a
    matmul-like layer, scores each filter by its own L1 (default) or L2 norm
    (`score=outgoing` scores by the next layer's weights instead), removes the
    `round_half_to_even(ratio * F)` lowest-scoring filters, and rebuilds the
    chain with fewer channels: the filters, every per-channel constant, the
    intermediate feature maps, and the next layer's input channels (for a
    flatten, every row of the matmul weight that a removed channel fed).
    Unsafe chains are left as they are with a remark, as for
    `compress-prune-neurons`.
  }];
  let dependentDialects = [
    "::mlir::compress::CompressDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
  let options = [
    Option<"ratio", "ratio", "double", /*default=*/"0.5",
           "Fraction of the filters of each convolution to remove, in [0, 1)">,
    Option<"norm", "norm", "std::string", /*default=*/"\"l1\"",
           "`l1` or `l2` norm of the scored weights">,
    Option<"score", "score", "std::string", /*default=*/"\"incoming\"",
           "`incoming` (the filter itself) or `outgoing` (next layer)">,
  ];
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
    2 bits of metadata per kept value). The table goes to stderr (or
    `table=FILE`), the JSON to `json=FILE`. The IR is not changed.
  }];
  let options = [
    Option<"jsonFile", "json", "std::string", /*default=*/"\"\"",
           "Write the report as JSON to this file (`-` for stdout)">,
    Option<"tableFile", "table", "std::string", /*default=*/"\"-\"",
           "Write the table to this file (`-` for stderr, empty for none)">,
  ];
}

#endif // COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PASSES_TD
