//===- compress-opt.cpp - the compress optimizer driver -------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// mlir-opt with the compress dialect, passes and pipelines registered next to
// every upstream dialect and pass that users chain with them.
//
//===----------------------------------------------------------------------===//

#include "compress/Registration.h"

#include "../common/AtomicOutput.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::compress::registerAllCompressPasses();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::compress::registerAllCompressDialects(registry);
  // As mlir-opt does: lets gpu-module-to-binary (and so upstream's
  // gpu-lower-to-nvvm-pipeline) translate GPU modules to LLVM IR.
  mlir::registerAllGPUToLLVMIRTranslations(registry);

  // The output goes through a temporary file (tools/common/AtomicOutput.h),
  // so that `-o` may name the input and a failure keeps the previous output.
  return ::compress::tools::runWithAtomicOutput(
      argc, argv, [&](int argc, char **argv) {
        return mlir::asMainReturnCode(mlir::MlirOptMain(
            argc, argv, "compress optimizer: model compression on MLIR\n",
            registry));
      });
}
