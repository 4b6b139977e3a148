//===- Passes.h - code generation passes of every target --------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CODEGEN_COMMON_PASSES_H
#define COMPRESS_CODEGEN_COMMON_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::compress {

#define GEN_PASS_DECL
#include "compress/Codegen/Common/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compress/Codegen/Common/Passes.h.inc"

} // namespace mlir::compress

#endif // COMPRESS_CODEGEN_COMMON_PASSES_H
