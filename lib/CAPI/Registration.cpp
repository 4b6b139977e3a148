//===- Registration.cpp - compress's C API --------------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress-c/Registration.h"

#include "compress/Dialect/Compress/IR/CompressDialect.h"
#include "compress/Registration.h"

#include "mlir/CAPI/Registration.h"

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(Compress, compress,
                                      mlir::compress::CompressDialect)

void mlirRegisterCompressPasses(void) {
  static bool registered = [] {
    mlir::compress::registerAllCompressPasses();
    return true;
  }();
  (void)registered;
}
