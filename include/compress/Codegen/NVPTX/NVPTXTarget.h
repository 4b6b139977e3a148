//===- NVPTXTarget.h - the NVIDIA target of compress ------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CODEGEN_NVPTX_NVPTXTARGET_H
#define COMPRESS_CODEGEN_NVPTX_NVPTXTARGET_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"

namespace mlir::compress {

/// The LLVM target triple of every GPU module compress-lower-to-nvptx builds.
inline constexpr llvm::StringLiteral kNVPTXTriple = "nvptx64-nvidia-cuda";

/// What `gpu.binary` holds (the `format` option of compress-lower-to-nvptx
/// and compress-serialize-gpu-modules).
enum class GPUBinaryFormat { Isa, Bin, Fatbin };

inline constexpr GPUBinaryFormat kDefaultGPUBinaryFormat = GPUBinaryFormat::Isa;

/// The spellings of GPUBinaryFormat, for the pass and pipeline options.
inline llvm::cl::ValuesClass gpuBinaryFormatValues() {
  return llvm::cl::values(clEnumValN(GPUBinaryFormat::Isa, "isa",
                                     "PTX, compiled by the driver when loaded"),
                          clEnumValN(GPUBinaryFormat::Bin, "bin",
                                     "cubin, via the CUDA Toolkit's ptxas"),
                          clEnumValN(GPUBinaryFormat::Fatbin, "fatbin",
                                     "Fat binary of the cubin and the PTX"));
}

} // namespace mlir::compress

#endif // COMPRESS_CODEGEN_NVPTX_NVPTXTARGET_H
