//===- SGemmBlocking.h - the fp32 block driver every ISA file shares -*- C++
//-*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Included by each ISA file (compiled for its ISA); only the micro-kernel
// tables differ between them.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNTIME_CPU_SGEMMBLOCKING_H
#define COMPRESS_RUNTIME_CPU_SGEMMBLOCKING_H

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace compress::cpu::sgemm {

constexpr int64_t kPanel = 16;
constexpr int64_t kKc = 256;
// The extra 16 floats keep consecutive rows out of the same L1 sets.
constexpr int64_t kApStride = kKc + 16;

/// A packed-A micro-kernel for MR rows: C[MR x nCols] += Ap[MR x kc] * B.
using RowTileFn = void (*)(int64_t kc, const float *ap, const float *b,
                           int64_t panelStride, int64_t nCols, float *c,
                           int64_t ldc);
/// A kernel for a few rows read in place, without K blocking.
using SmallRowTileFn = void (*)(int64_t k, const float *a, int64_t lda,
                                const float *b, int64_t panelStride,
                                int64_t nCols, float *c, int64_t ldc);

/// C[M x nCols] += A[M x K] * B for one block of B16 panels: few rows go to
/// `smallTiles` directly; otherwise A is copied, K block by K block, into
/// equal tiles of at most MaxMr rows (128 rows run as 13+...+12, not 9 x 14
/// and a slow 2) for `rowTiles`.
template <int MaxMr, int SmallM>
inline void runSgemmBlock(const RowTileFn (&rowTiles)[MaxMr + 1],
                          const SmallRowTileFn (&smallTiles)[SmallM + 1],
                          int64_t M, int64_t nCols, int64_t K, const float *A,
                          int64_t lda, const float *B, int64_t panelStride,
                          float *C, int64_t ldc) {
  if (M <= SmallM) {
    smallTiles[M](K, A, lda, B, panelStride, nCols, C, ldc);
    return;
  }
  alignas(64) float ap[MaxMr * kApStride];
  int64_t tiles = (M + MaxMr - 1) / MaxMr;
  int64_t base = M / tiles, extra = M % tiles;
  for (int64_t k0 = 0; k0 < K; k0 += kKc) {
    int64_t kc = std::min(kKc, K - k0);
    int64_t m0 = 0;
    for (int64_t t = 0; t < tiles; ++t) {
      int64_t mr = base + (t < extra);
      for (int64_t i = 0; i < mr; ++i)
        std::memcpy(ap + i * kApStride, A + (m0 + i) * lda + k0,
                    kc * sizeof(float));
      rowTiles[mr](kc, ap, B + k0 * kPanel, panelStride, nCols, C + m0 * ldc,
                   ldc);
      m0 += mr;
    }
  }
}

} // namespace compress::cpu::sgemm

#endif // COMPRESS_RUNTIME_CPU_SGEMMBLOCKING_H
