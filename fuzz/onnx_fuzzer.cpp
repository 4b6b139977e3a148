//===- onnx_fuzzer.cpp - libFuzzer target for the ONNX importer -----------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Any bytes given to importONNXModel must give a module that verifies or an
// error diagnostic, never a crash, a sanitizer report, or a null module
// without an error. Built and run by scripts/fuzz.sh (clang's libFuzzer with
// ASan and UBSan; the importer's sources are instrumented, MLIR and the
// protobuf library are not).
//
//===----------------------------------------------------------------------===//

#include "compress/Target/ONNX/ImportONNX.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstdint>
#include <cstdlib>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A fresh context per input: uniqued attributes would otherwise pile up
  // over hours of fuzzing.
  DialectRegistry registry;
  compress::registerImportONNXDialects(registry);
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();
  bool error = false;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
    if (diagnostic.getSeverity() == DiagnosticSeverity::Error)
      error = true;
    return success();
  });
  compress::ImportONNXOptions options;
  options.batchSize = 2;
  // External data must never be read from the fuzzer's directory.
  options.externalDataDir = "/nonexistent/compress-fuzz";
  OwningOpRef<ModuleOp> module = compress::importONNXModel(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.onnx",
      &context, options);
  if (!module) {
    if (!error)
      std::abort(); // failed without saying why
    return 0;
  }
  if (failed(verify(*module)))
    std::abort(); // an invalid module is a silent miscompile waiting
  return 0;
}
