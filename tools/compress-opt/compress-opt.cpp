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
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

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
        // Text the MLIR 22 parser crashes on is an error here, at its
        // position, whether it comes from a file or from standard input.
        auto refuse = [](llvm::StringRef name, llvm::StringRef text) {
          auto crash = mlir::compress::findParserCrash(text);
          if (!crash)
            return false;
          auto [line, column] =
              mlir::compress::lineAndColumn(text, crash->offset);
          llvm::errs() << name << ":" << line << ":" << column
                       << ": error: " << crash->message << "\n";
          return true;
        };
        mlir::MlirOptMainConfig config =
            mlir::MlirOptMainConfig::createFromCLOptions();
        if (input != "-" || config.shouldShowDialects() ||
            config.shouldListPasses()) {
          if (input != "-")
            if (auto buffer = llvm::MemoryBuffer::getFile(input))
              if (refuse(input, (*buffer)->getBuffer()))
                return 1;
          return mlir::asMainReturnCode(
              mlir::MlirOptMain(argc, argv, input, output, registry));
        }
        // Standard input is read once: read it here, check it, and give
        // the parser the same buffer (named <stdin>, as upstream names it).
        llvm::InitLLVM initLLVM(argc, argv);
        llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
            llvm::MemoryBuffer::getSTDIN();
        if (!buffer) {
          llvm::errs() << "error: cannot read standard input: "
                       << buffer.getError().message() << "\n";
          return 1;
        }
        if (refuse("<stdin>", (*buffer)->getBuffer()))
          return 1;
        std::string error;
        std::unique_ptr<llvm::ToolOutputFile> out =
            mlir::openOutputFile(output, &error);
        if (!out) {
          llvm::errs() << error << "\n";
          return 1;
        }
        if (mlir::failed(mlir::MlirOptMain(out->os(), std::move(*buffer),
                                           registry, config)))
          return 1;
        out->keep();
        return 0;
      });
}
