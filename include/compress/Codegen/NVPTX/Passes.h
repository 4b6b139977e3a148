//===- Passes.h - passes of the NVIDIA GPU path -----------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The passes compress-lower-to-nvptx runs besides upstream ones (see
// Passes.td for what each does).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CODEGEN_NVPTX_PASSES_H
#define COMPRESS_CODEGEN_NVPTX_PASSES_H

#include "compress/Codegen/NVPTX/NVPTXTarget.h"
#include "mlir/Pass/Pass.h"

namespace mlir::compress {

#define GEN_PASS_DECL
#include "compress/Codegen/NVPTX/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compress/Codegen/NVPTX/Passes.h.inc"

} // namespace mlir::compress

#endif // COMPRESS_CODEGEN_NVPTX_PASSES_H
