//===- Internal.h - shared helpers of the CPU kernel library --------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNTIME_CPU_INTERNAL_H
#define COMPRESS_RUNTIME_CPU_INTERNAL_H

#include "CpuKernels.h"

#include <cstdint>

namespace compress::cpu {

/// What the running CPU (and OS) supports, detected once.
struct HostFeatures {
  bool avx2fma = false;
  bool avx512 = false; // F + BW + VL + DQ
  bool avx512vnni = false;
  bool amx = false; // AMX-TILE + AMX-INT8, and the OS granted tile data
};
const HostFeatures &hostFeatures();

/// Clamps a requested path to what the host runs: the request if supported,
/// else the best supported path below it.
int64_t effectiveIsa(int64_t requested);

/// The number of threads a kernel uses for `threads` (<= 0: all cores).
int resolveThreads(int64_t threads);

inline int64_t roundUp(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

} // namespace compress::cpu

#endif // COMPRESS_RUNTIME_CPU_INTERNAL_H
