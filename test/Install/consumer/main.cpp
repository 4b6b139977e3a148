//===- main.cpp - a downstream compiler that links compress ---------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Built by scripts/check-install.sh against an installed compress, to prove
// that find_package(CompressMLIR) gives a usable dialect and pass library.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <cstdio>

int main() {
  mlir::DialectRegistry registry;
  mlir::compress::registerAllCompressDialects(registry);
  mlir::compress::registerAllCompressPasses();
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  if (!context.getLoadedDialect<mlir::compress::CompressDialect>()) {
    std::fprintf(stderr, "compress dialect not loaded\n");
    return 1;
  }
  std::printf("consumer: compress dialect loaded\n");
  return 0;
}
