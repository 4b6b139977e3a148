//===- Parallel.cpp - parallel loops of compiled code ---------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// compress-cpu-parallelize-loops outlines the outer loop of a large
// elementwise loop nest into a function of an iteration range; this runs it
// on the kernels' threads (the same OpenMP pool, so that the two never
// compete for cores).
//
//===----------------------------------------------------------------------===//

#include "CpuKernels.h"
#include "Internal.h"

#include <algorithm>

extern "C" void
compress_cpu_parallel_for(void (*body)(void *, int64_t, int64_t), void *context,
                          int64_t iterations, int64_t threads) {
  if (iterations <= 0)
    return;
  int64_t parts =
      std::min<int64_t>(compress::cpu::resolveThreads(threads), iterations);
  // One contiguous range per thread: the iterations cost the same.
  compress::cpu::parallelFor(static_cast<int>(parts), parts, [&](int64_t p) {
    body(context, p * iterations / parts, (p + 1) * iterations / parts);
  });
}
