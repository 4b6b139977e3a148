//===- Passes.h - compress conversion passes --------------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CONVERSION_PASSES_H
#define COMPRESS_CONVERSION_PASSES_H

#include "compress/Conversion/CompressToLinalg/CompressToLinalg.h"
#include "mlir/Pass/Pass.h"

namespace mlir::compress {

#define GEN_PASS_DECL
#include "compress/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compress/Conversion/Passes.h.inc"

} // namespace mlir::compress

#endif // COMPRESS_CONVERSION_PASSES_H
