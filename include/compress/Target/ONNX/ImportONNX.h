//===- ImportONNX.h - ONNX models to MLIR -----------------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Imports a serialized ONNX model (a ModelProto) as one func.func on tensors
// in linalg, tensor, arith and math, with quantization in the compress
// dialect, so that every compress pass applies to imported models.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_TARGET_ONNX_IMPORTONNX_H
#define COMPRESS_TARGET_ONNX_IMPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir {
class DialectRegistry;
class MLIRContext;
namespace compress {

/// How a model is imported.
struct ImportONNXOptions {
  /// The name of the function the graph becomes.
  std::string functionName = "main_graph";
  /// Replaces a dynamic or symbolic leading (batch) dimension of the graph
  /// inputs. Without it, such an input is an error: the imported function has
  /// static shapes only.
  std::optional<int64_t> batchSize;
  /// Float initializers of at least this many bytes are stored as
  /// `dense_resource` blobs (printed once, at the end of the module) instead
  /// of inline `dense<...>` literals.
  int64_t resourceThresholdBytes = 1024;
  /// Where initializers with external data (ONNX's layout for models over
  /// 2 GB: `location`, `offset`, `length` entries) are read from; empty:
  /// the model file's directory.
  std::string externalDataDir;
};

/// Imports the serialized ONNX model `bytes`. `fileName` names the model in
/// locations. Every problem (malformed protobuf, unsupported op or attribute,
/// dynamic shape, inconsistent graph) is reported as an error through the
/// context's diagnostic engine, naming the node or value; the result is then
/// null.
OwningOpRef<ModuleOp> importONNXModel(llvm::StringRef bytes,
                                      llvm::StringRef fileName,
                                      MLIRContext *context,
                                      const ImportONNXOptions &options = {});

/// Adds the dialects imported models use.
void registerImportONNXDialects(DialectRegistry &registry);

/// Registers the `--import-onnx` translation and its command-line options
/// (`--batch-size`, `--func-name`, `--resource-threshold`) for drivers built
/// on mlirTranslateMain.
void registerImportONNXTranslation();

} // namespace compress
} // namespace mlir

#endif // COMPRESS_TARGET_ONNX_IMPORTONNX_H
