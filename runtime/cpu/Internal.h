//===- Internal.h - shared helpers of the CPU kernel library --------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNTIME_CPU_INTERNAL_H
#define COMPRESS_RUNTIME_CPU_INTERNAL_H

#include "CpuKernels.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace compress::cpu {

/// What the running CPU (and OS) supports, detected once.
struct HostFeatures {
  bool avx2fma = false;
  bool avx512 = false; // F + BW + VL + DQ
  bool avx512vnni = false;
  bool avx512vbmi = false; // byte permutes (the sparse kernels)
  bool amx = false;        // AMX-TILE + AMX-INT8, and the OS granted tile data
};
const HostFeatures &hostFeatures();

/// Clamps a requested path to what the host runs: the request if supported,
/// else the best supported path below it.
int64_t effectiveIsa(int64_t requested);

/// The number of threads a kernel uses for `threads` (<= 0: all cores).
int resolveThreads(int64_t threads);

inline int64_t roundUp(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

/// Runs body(part) for part in [0, parts) on `nThreads` threads, handing
/// parts out as threads come free, in runs of consecutive parts (about
/// eight runs per thread: every hand-out is an atomic on a line the threads
/// share, which cost more than a small part itself, e.g. one 14x14
/// depthwise plane); one thread runs them inline.
template <typename Body>
void parallelFor(int nThreads, int64_t parts, Body body) {
  if (nThreads <= 1) {
    for (int64_t p = 0; p < parts; ++p)
      body(p);
    return;
  }
  const int64_t grain = std::max<int64_t>(1, parts / (8 * int64_t(nThreads)));
#pragma omp parallel for num_threads(nThreads) schedule(dynamic, grain)
  for (int64_t p = 0; p < parts; ++p)
    body(p);
}

/// A grow-only, 64-byte aligned buffer (one per thread and purpose, as a
/// thread_local), so that repeated kernel calls do not pay for fresh pages.
class ScratchBuffer {
public:
  ScratchBuffer() = default;
  ScratchBuffer(const ScratchBuffer &) = delete;
  ScratchBuffer &operator=(const ScratchBuffer &) = delete;
  ~ScratchBuffer() { std::free(data); }
  uint8_t *get(size_t bytes) {
    if (bytes > size) {
      std::free(data);
      size = static_cast<size_t>(roundUp(static_cast<int64_t>(bytes), 4096));
      data = static_cast<uint8_t *>(std::aligned_alloc(64, size));
    }
    return data;
  }

private:
  uint8_t *data = nullptr;
  size_t size = 0;
};

} // namespace compress::cpu

#endif // COMPRESS_RUNTIME_CPU_INTERNAL_H
