//===- compress-opt.cpp - the compress optimizer driver -------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// mlir-opt with the compress dialect, passes and pipelines registered next to
// every upstream dialect and pass that users chain with them.
//
//===----------------------------------------------------------------------===//

#include "compress/Registration.h"
#include "compress/Utils/ParserGuards.h"

#include "../common/AtomicOutput.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/MemoryBuffer.h"

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
        auto [input, output] = mlir::registerAndParseCLIOptions(
            argc, argv, "compress optimizer: model compression on MLIR\n",
            registry);
        // Text the MLIR 22 parser crashes on is an error here (a file;
        // standard input is read once, by the parser).
        if (input != "-") {
          if (auto buffer = llvm::MemoryBuffer::getFile(input)) {
            llvm::StringRef text = (*buffer)->getBuffer();
            if (auto crash = mlir::compress::findParserCrash(text)) {
              auto [line, column] =
                  mlir::compress::lineAndColumn(text, crash->offset);
              llvm::errs() << input << ":" << line << ":" << column
                           << ": error: " << crash->message << "\n";
              return 1;
            }
          }
        }
        return mlir::asMainReturnCode(
            mlir::MlirOptMain(argc, argv, input, output, registry));
      });
}
