//===- CPUTarget.h - which kernel path a CPU target runs --------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The `cpu=` option of the CPU pipeline resolved to a kernel path of the CPU
// kernel library. The numbers match CompressCpuIsa in runtime/cpu/CpuKernels.h.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_CODEGEN_CPU_CPUTARGET_H
#define COMPRESS_LIB_CODEGEN_CPU_CPUTARGET_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace mlir::compress {

enum class KernelIsa : int64_t {
  Portable = 0,
  Avx2 = 1,
  Avx512 = 2,
  Avx512Vnni = 3,
  Amx = 4,
};

/// `host`, a path name (`portable`, `avx2`, `avx512`, `avx512-vnni`, `amx`),
/// an LLVM CPU name (`sapphirerapids`, `haswell`, ...) or a feature list
/// (`+avx2,+fma`); nullopt for anything else.
std::optional<KernelIsa> parseCPUTarget(StringRef cpu);

StringRef stringifyKernelIsa(KernelIsa isa);
std::optional<KernelIsa> symbolizeKernelIsa(StringRef name);

} // namespace mlir::compress

#endif // COMPRESS_LIB_CODEGEN_CPU_CPUTARGET_H
