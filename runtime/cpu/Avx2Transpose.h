//===- Avx2Transpose.h - 8x8 transposes in AVX2 registers -------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Included only by files compiled with -mavx2 (the channel-vectorized
// depthwise kernels of SGemmAvx2.cpp and IGemmAvx2.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNTIME_CPU_AVX2TRANSPOSE_H
#define COMPRESS_RUNTIME_CPU_AVX2TRANSPOSE_H

#include <immintrin.h>

namespace compress::cpu {

/// Transposes the 8 x 8 floats of r in place: lane j of r[i] goes to lane i
/// of r[j].
inline void transpose8x8(__m256 (&r)[8]) {
  __m256 t[8], u[8];
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  // {r0 r1 r2 r3} of columns 4 h + {0, 1, 2, 3} in each 128-bit half.
  for (int i = 0; i < 2; ++i) {
    u[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
    u[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0xee);
    u[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
    u[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xee);
  }
  for (int j = 0; j < 4; ++j) {
    r[j] = _mm256_permute2f128_ps(u[j], u[4 + j], 0x20);
    r[4 + j] = _mm256_permute2f128_ps(u[j], u[4 + j], 0x31);
  }
}

/// The same for 32-bit integers (the shuffles only move bits).
inline void transpose8x8(__m256i (&r)[8]) {
  __m256 v[8];
  for (int i = 0; i < 8; ++i)
    v[i] = _mm256_castsi256_ps(r[i]);
  transpose8x8(v);
  for (int i = 0; i < 8; ++i)
    r[i] = _mm256_castps_si256(v[i]);
}

} // namespace compress::cpu

#endif // COMPRESS_RUNTIME_CPU_AVX2TRANSPOSE_H
