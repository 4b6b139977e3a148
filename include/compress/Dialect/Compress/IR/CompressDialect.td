//===- CompressDialect.td - The compress dialect -----------*- tablegen -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Model-compression ops: quantization, calibration, sparsity annotations.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_IR_COMPRESSDIALECT_TD
#define COMPRESS_DIALECT_COMPRESS_IR_COMPRESSDIALECT_TD

include "mlir/IR/OpBase.td"

def Compress_Dialect : Dialect {
  let name = "compress";
  let cppNamespace = "::mlir::compress";
  let summary = "Model compression: quantization and sparsity.";
  let description = [{
    The `compress` dialect carries what a model-compression compiler needs and
    upstream MLIR lacks: quantize/dequantize with exact round-half-to-even and
    saturating semantics (the ONNX, PyTorch and TOSA rules), and an annotation
    that records the sparsity a pruning pass achieved on a weight.

    Quantized values are tensors whose element type is upstream's
    `!quant.uniform` (per-tensor or per-axis), so scales and zero points live
    in the type, exactly as the `quant` dialect defines them. Quantized
    constants are integer constants reinterpreted with `quant.scast`.
  }];
  let dependentDialects = [
    "::mlir::quant::QuantDialect",
  ];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Defined next to the attribute storage classes.
    void registerAttributes();

    /// Name of the discardable attribute that records a weight's sparsity.
    static constexpr ::llvm::StringLiteral getSparsityAttrName() {
      return ::llvm::StringLiteral("compress.sparsity");
    }
  }];
}

class Compress_Op<string mnemonic, list<Trait> traits = []> :
    Op<Compress_Dialect, mnemonic, traits>;

#endif // COMPRESS_DIALECT_COMPRESS_IR_COMPRESSDIALECT_TD
