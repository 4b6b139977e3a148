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

#endif // COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PASSES_TD
