//===- NVPTXTarget.h - the NVIDIA target of compress ------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CODEGEN_NVPTX_NVPTXTARGET_H
#define COMPRESS_CODEGEN_NVPTX_NVPTXTARGET_H

#include "llvm/ADT/StringRef.h"

namespace mlir::compress {

/// The LLVM target triple of every GPU module compress-lower-to-nvptx builds.
inline constexpr llvm::StringLiteral kNVPTXTriple = "nvptx64-nvidia-cuda";

} // namespace mlir::compress

#endif // COMPRESS_CODEGEN_NVPTX_NVPTXTARGET_H
