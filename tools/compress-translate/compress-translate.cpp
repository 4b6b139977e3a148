//===- compress-translate.cpp - model formats to and from MLIR -----------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// mlir-translate for compress: `--import-onnx model.onnx -o model.mlir`
// imports an ONNX model as a function on tensors that compress-opt compiles.
//
//===----------------------------------------------------------------------===//

#include "../common/AtomicOutput.h"
#include "compress/Target/ONNX/ImportONNX.h"

#include "mlir/Support/LogicalResult.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::compress::registerImportONNXTranslation();
  // The output goes through a temporary file (tools/common/AtomicOutput.h):
  // a failed import keeps the previous output.
  return ::compress::tools::runWithAtomicOutput(
      argc, argv, [](int argc, char **argv) {
        return mlir::failed(mlir::mlirTranslateMain(
            argc, argv, "compress translation tool: ONNX models to MLIR\n"));
      });
}
