//===- IGemm.cpp - int8 GEMM and convolution: dispatch, packing, portable -===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// This file is compiled for baseline x86-64. It holds what every path shares:
// the B16x4 packing, the split of a GEMM over threads, the convolution drivers
// (im2col into B16x4 panels, then a GEMM with the filters as the A operand)
// and the portable kernels (SSE2 pmaddwd where available, plain C++
// elsewhere). The AVX2 (IGemmAvx2.cpp, also the path of AVX-512 CPUs without
// VNNI), AVX-512 VNNI (IGemmVnni.cpp) and AMX (IGemmAmx.cpp) block kernels
// are entered only after effectiveIsa() says the host runs them. The caller's C
// is split into one rectangle per thread (M x N grid, in units of the kernel's
// blocks); each thread runs the block kernel on its own rectangle.
//
// Convolution formulation: per image and group,
//   out[Fg x P] += Wg[Fg x K] * col[K x P]      (P = OH * OW, K = Cg*KH*KW)
// The output is NCHW already (no transpose), the filter is the A operand
// (signed) and the im2col matrix, packed B16x4, the B operand (unsigned): the
// kernels run with the operand signedness swapped (vpdpbusd with the roles of
// its sources exchanged, AMX tdpbsud).
//
// Packed conv filter (private layout): per group g, a row-major
// [roundUp(Fg, 16)][roundUp(K, 64)] s8 matrix, row f = W[g*Fg + f] flattened
// in (c, kh, kw) order, zero padded. Rows padded to 16 and K to 64 let the AMX
// kernel load filter tiles in place and the VNNI kernel read whole 4-byte
// groups.
//
//===----------------------------------------------------------------------===//

#include "IGemmPaths.h"
#include "Internal.h"
#include "Requantize.h"
#include "SparseB.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <vector>

#include <omp.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace compress::cpu::int8 {

namespace {

/// A grow-only buffer, one per thread and purpose, so that repeated calls do
/// not pay for fresh pages.
thread_local ScratchBuffer packedBScratch, colScratch, rowScratch;

//===----------------------------------------------------------------------===//
// B16x4 packing
//===----------------------------------------------------------------------===//

#if defined(__SSE2__)
/// Stores 16 columns of 4 rows (x_i holds row i) as one 64-byte B16x4 row.
inline void storeInterleaved(__m128i x0, __m128i x1, __m128i x2, __m128i x3,
                             uint8_t *dst) {
  __m128i a0 = _mm_unpacklo_epi8(x0, x1), a1 = _mm_unpackhi_epi8(x0, x1);
  __m128i b0 = _mm_unpacklo_epi8(x2, x3), b1 = _mm_unpackhi_epi8(x2, x3);
  __m128i *d = reinterpret_cast<__m128i *>(dst);
  _mm_storeu_si128(d + 0, _mm_unpacklo_epi16(a0, b0));
  _mm_storeu_si128(d + 1, _mm_unpackhi_epi16(a0, b0));
  _mm_storeu_si128(d + 2, _mm_unpacklo_epi16(a1, b1));
  _mm_storeu_si128(d + 3, _mm_unpackhi_epi16(a1, b1));
}
#endif

/// Writes the k-group (4 consecutive k) of every panel for columns [0, N):
/// panel j's 64 bytes at dst + j * panelStride. r[i] is the source row of
/// k = 4 * group + i (N contiguous bytes) or null for a zero row.
/// Source bytes are XORed with `flip` (0x80 turns u8 into s8 storage of
/// the value minus 128, and s8 into u8 of the value plus 128); zero rows and
/// padding stay 0.
void interleave4Rows(const uint8_t *const r[4], int64_t N, uint8_t *dst,
                     int64_t panelStride, uint8_t flip = 0) {
  int64_t j = 0;
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  const __m128i flipBytes = _mm_set1_epi8(static_cast<char>(flip));
  auto load = [&](int i, int64_t col) {
    return r[i] ? _mm_xor_si128(
                      _mm_loadu_si128(
                          reinterpret_cast<const __m128i *>(r[i] + col)),
                      flipBytes)
                : zero;
  };
  for (; j + 16 <= N; j += 16) {
    __m128i x0 = load(0, j), x1 = load(1, j), x2 = load(2, j), x3 = load(3, j);
    storeInterleaved(x0, x1, x2, x3, dst + (j / 16) * panelStride);
  }
#endif
  for (; j < N; j += 16) { // what is left, a panel at a time
    uint8_t *d = dst + (j / 16) * panelStride;
    std::memset(d, 0, 64);
    for (int64_t c = j; c < std::min<int64_t>(N, j + 16); ++c)
      for (int i = 0; i < 4; ++i)
        d[(c - j) * 4 + i] = r[i] ? r[i][c] ^ flip : 0;
  }
}

/// Zero-fills the k-groups [from, Kp / 4) of every panel.
void zeroKGroups(int64_t fromGroup, int64_t Kp, int64_t Np, uint8_t *Bp) {
  if (fromGroup * 4 >= Kp)
    return;
  for (int64_t p = 0; p < Np / 16; ++p)
    std::memset(Bp + p * Kp * 16 + fromGroup * 64, 0,
                static_cast<size_t>((Kp / 4 - fromGroup) * 64));
}

void packB16x4(int64_t K, int64_t N, const uint8_t *B, int64_t strideK,
               int64_t strideN, uint8_t *Bp, uint8_t flip = 0) {
  const int64_t Kp = roundUp(K, 64), Np = roundUp(N, 16);
  const int64_t groups = (K + 3) / 4;
  if (strideN == 1) {
    for (int64_t g = 0; g < groups; ++g) {
      const uint8_t *r[4];
      for (int i = 0; i < 4; ++i)
        r[i] = 4 * g + i < K ? B + (4 * g + i) * strideK : nullptr;
      interleave4Rows(r, N, Bp + g * 64, Kp * 16, flip);
    }
  } else {
    for (int64_t p = 0; p < Np / 16; ++p) {
      uint8_t *panel = Bp + p * Kp * 16;
      for (int64_t g = 0; g < groups; ++g)
        for (int64_t l = 0; l < 16; ++l)
          for (int64_t i = 0; i < 4; ++i) {
            int64_t k = 4 * g + i, n = p * 16 + l;
            panel[g * 64 + l * 4 + i] =
                k < K && n < N ? B[k * strideK + n * strideN] ^ flip : 0;
          }
    }
  }
  zeroKGroups(groups, Kp, Np, Bp);
}

/// B16x4 panels (Kp * Np bytes) to B16x4/S4 (half as many): each 64-byte
/// row becomes 32 bytes, byte i holding row byte i in its low nibble and row
/// byte i + 32 in its high nibble.
void compressToS4(const uint8_t *Bp, int64_t bytes, uint8_t *out) {
  for (int64_t row = 0; row < bytes; row += 64)
    for (int i = 0; i < 32; ++i)
      out[row / 2 + i] =
          static_cast<uint8_t>((Bp[row + i] & 0x0f) | (Bp[row + i + 32] << 4));
}

/// The inverse: `bytes` bytes of B16x4 from B16x4/S4, each nibble
/// sign-extended.
void expandS4(const uint8_t *in, int64_t bytes, uint8_t *Bp) {
  auto value = [](unsigned nibble) {
    return static_cast<uint8_t>(static_cast<int8_t>(nibble << 4) >> 4);
  };
  for (int64_t row = 0; row < bytes; row += 64)
    for (int i = 0; i < 32; ++i) {
      const uint8_t b = in[row / 2 + i];
      Bp[row + i] = value(b & 0x0f);
      Bp[row + i + 32] = value(b >> 4);
    }
}

/// B16x4 panels (Kp x Np bytes) as B16x8/2:4 (Np * Kp * 5 / 8 bytes), or
/// false when a group of 4 k of a column has more than 2 non-zeros.
bool pairsFromB16x4(const uint8_t *Bp, int64_t Kp, int64_t Np, uint8_t *out) {
  for (int64_t p = 0; p < Np / 16; ++p)
    for (int64_t o = 0; o < Kp / 8; ++o) {
      const uint8_t *rows = Bp + p * Kp * 16 + o * 128; // two B16x4 rows
      uint8_t *dst = out + (p * Kp / 8 + o) * 80;
      for (int c = 0; c < 16; ++c) {
        uint8_t code = 0;
        for (int half = 0; half < 2; ++half) {
          const uint8_t *quad = rows + half * 64 + c * 4;
          int kept[2] = {-1, -1}, count = 0;
          for (int i = 0; i < 4; ++i)
            if (quad[i]) {
              if (count == 2)
                return false;
              kept[count++] = i;
            }
          // Fewer than two non-zeros: zeros fill the kept places.
          for (int i = 0; count < 2 && i < 4; ++i)
            if (!quad[i] && i != kept[0])
              kept[count++] = i;
          if (kept[0] > kept[1])
            std::swap(kept[0], kept[1]);
          dst[c * 4 + 2 * half] = quad[kept[0]];
          dst[c * 4 + 2 * half + 1] = quad[kept[1]];
          code |= static_cast<uint8_t>((kept[0] | kept[1] << 2) << (4 * half));
        }
        dst[64 + c] = code;
      }
    }
  return true;
}

/// Panels [p0, p1) of B16x8/2:4 (from `pairs`, the first panel's start) as
/// B16x4.
void expandPairs(const uint8_t *pairs, int64_t Kp, int64_t panels,
                 uint8_t *Bp) {
  std::memset(Bp, 0, static_cast<size_t>(panels * Kp * 16));
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t o = 0; o < Kp / 8; ++o) {
      const uint8_t *src = pairs + (p * Kp / 8 + o) * 80;
      uint8_t *rows = Bp + p * Kp * 16 + o * 128;
      for (int c = 0; c < 16; ++c) {
        const uint8_t code = src[64 + c];
        for (int half = 0; half < 2; ++half) {
          const int field = code >> (4 * half);
          rows[half * 64 + c * 4 + (field & 3)] = src[c * 4 + 2 * half];
          rows[half * 64 + c * 4 + ((field >> 2) & 3)] =
              src[c * 4 + 2 * half + 1];
        }
      }
    }
}

/// B(k, n) = B[k * strideK + n * strideN] as B16x128/windows: the blob's
/// size, and (with `out`) the blob.
int64_t windowsFromB(int64_t K, int64_t N, const int8_t *B, int64_t strideK,
                     int64_t strideN, uint8_t *out) {
  const int64_t panels = roundUp(N, 16) / 16;
  const int64_t windows = (K + kWindowK - 1) / kWindowK;
  const int64_t blocks = (windows + kWindowsPerBlock - 1) / kWindowsPerBlock;
  const int64_t head = 8 * (3 + panels * blocks) + panels * windows;
  int64_t size = 0;
  std::vector<int64_t> ks[16];
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t w = 0; w < windows; ++w) {
      size_t most = 0;
      const int64_t k0 = kWindowK * w, k1 = std::min(K, k0 + kWindowK);
      for (int c = 0; c < 16; ++c) {
        ks[c].clear();
        const int64_t n = 16 * p + c;
        for (int64_t k = k0; n < N && k < k1; ++k)
          if (B[k * strideK + n * strideN])
            ks[c].push_back(k);
        most = std::max(most, ks[c].size());
      }
      const int64_t rounds = static_cast<int64_t>((most + 3) / 4);
      if (out) {
        if (w % kWindowsPerBlock == 0)
          reinterpret_cast<int64_t *>(
              out)[3 + p * blocks + w / kWindowsPerBlock] = size;
        out[8 * (3 + panels * blocks) + p * windows + w] =
            static_cast<uint8_t>(rounds);
        for (int64_t r = 0; r < rounds; ++r) {
          uint8_t *round = out + head + size + r * kWindowRoundBytes;
          std::memset(round, 0, kWindowRoundBytes);
          for (int c = 0; c < 16; ++c) {
            uint64_t positions = 0;
            for (int j = 0; j < 4; ++j) {
              const size_t i = static_cast<size_t>(4 * r + j);
              if (i >= ks[c].size())
                continue;
              const int64_t k = ks[c][i], n = 16 * p + c;
              round[c * 4 + j] =
                  static_cast<uint8_t>(B[k * strideK + n * strideN]);
              positions |= static_cast<uint64_t>(k - k0)
                           << (7 * j + 28 * (c % 2));
            }
            uint8_t *group = round + 64 + 7 * (c / 2);
            for (int b = 0; b < 7; ++b)
              group[b] |= static_cast<uint8_t>(positions >> (8 * b));
          }
        }
      }
      size += rounds * kWindowRoundBytes;
    }
  if (out) {
    int64_t *words = reinterpret_cast<int64_t *>(out);
    words[0] = panels;
    words[1] = windows;
    words[2] = blocks;
    std::memset(out + head + size, 0, 64);
  }
  return head + size + 64;
}

/// Panels [p0, p1) of a B16x128/windows blob as B16x4 (Kp * 16 bytes
/// each).
void expandWindows(const WindowsB &b, int64_t p0, int64_t p1, int64_t Kp,
                   uint8_t *Bp) {
  std::memset(Bp, 0, static_cast<size_t>((p1 - p0) * Kp * 16));
  for (int64_t p = p0; p < p1; ++p) {
    const int8_t *round = b.data + b.offsets[p * b.blocks];
    uint8_t *panel = Bp + (p - p0) * Kp * 16;
    for (int64_t w = 0; w < b.windows; ++w)
      for (int r = 0; r < b.counts[p * b.windows + w];
           ++r, round += kWindowRoundBytes)
        for (int c = 0; c < 16; ++c) {
          const uint8_t *group =
              reinterpret_cast<const uint8_t *>(round) + 64 + 7 * (c / 2);
          uint64_t positions = 0;
          for (int i = 0; i < 7; ++i)
            positions |= uint64_t(group[i]) << (8 * i);
          for (int j = 0; j < 4; ++j) {
            const int8_t value = round[c * 4 + j];
            if (!value)
              continue;
            const int64_t k =
                kWindowK * w + ((positions >> (7 * j + 28 * (c % 2))) & 127);
            panel[(k / 4) * 64 + c * 4 + k % 4] = static_cast<uint8_t>(value);
          }
        }
  }
}

//===----------------------------------------------------------------------===//
// Portable kernels
//===----------------------------------------------------------------------===//

#if defined(__SSE2__)
/// SSE2 block: MR rows x 4 columns (16 bytes of each B16x4 row). Bytes are
/// widened to i16 and multiplied with pmaddwd: two u8 x s8 products summed
/// fit i32 exactly. Each column keeps two partial sums (k%4 in {0,1} and
/// {2,3}), added at the end.
template <bool ASigned, int MR>
void sse2Block(int64_t groups, int tail, const uint8_t *A, int64_t lda,
               const uint8_t *B, int32_t *C, int64_t ldc, int cols) {
  const __m128i zero = _mm_setzero_si128();
  __m128i acc[MR][2];
  for (int r = 0; r < MR; ++r)
    acc[r][0] = acc[r][1] = zero;
  auto widen = [&](__m128i x, bool isSigned, __m128i &lo, __m128i &hi) {
    __m128i ext = isSigned ? _mm_cmpgt_epi8(zero, x) : zero;
    lo = _mm_unpacklo_epi8(x, ext);
    hi = _mm_unpackhi_epi8(x, ext);
  };
  auto step = [&](const uint8_t *b, const int32_t *aWords) {
    __m128i blo, bhi;
    widen(_mm_loadu_si128(reinterpret_cast<const __m128i *>(b)),
          ASigned == false, blo, bhi);
    for (int r = 0; r < MR; ++r) {
      __m128i a, ahi;
      widen(_mm_cvtsi32_si128(aWords[r]), ASigned, a, ahi);
      a = _mm_unpacklo_epi64(a, a); // a0..a3 twice, as i16
      acc[r][0] = _mm_add_epi32(acc[r][0], _mm_madd_epi16(blo, a));
      acc[r][1] = _mm_add_epi32(acc[r][1], _mm_madd_epi16(bhi, a));
    }
  };
  for (int64_t g = 0; g < groups; ++g) {
    int32_t w[MR];
    for (int r = 0; r < MR; ++r)
      std::memcpy(&w[r], A + r * lda + 4 * g, 4);
    step(B + g * 64, w);
  }
  if (tail) {
    int32_t w[MR] = {};
    for (int r = 0; r < MR; ++r)
      std::memcpy(&w[r], A + r * lda + 4 * groups, static_cast<size_t>(tail));
    step(B + groups * 64, w);
  }
  for (int r = 0; r < MR; ++r) {
    // acc[r][h] = {c(2h) lo, c(2h) hi, c(2h+1) lo, c(2h+1) hi}
    __m128i s0 = acc[r][0], s1 = acc[r][1];
    __m128i t0 = _mm_unpacklo_epi64(s0, s1), t1 = _mm_unpackhi_epi64(s0, s1);
    // t0 = {c0lo, c0hi, c2lo, c2hi}, t1 = {c1lo, c1hi, c3lo, c3hi}
    __m128i e = _mm_add_epi32(_mm_shuffle_epi32(t0, 0x88),
                              _mm_shuffle_epi32(t0, 0xdd)); // c0 c2 c0 c2
    __m128i o = _mm_add_epi32(_mm_shuffle_epi32(t1, 0x88),
                              _mm_shuffle_epi32(t1, 0xdd)); // c1 c3 c1 c3
    __m128i sum = _mm_unpacklo_epi32(e, o);                 // c0 c1 c2 c3
    int32_t *c = C + r * ldc;
    if (cols == 4) {
      _mm_storeu_si128(
          reinterpret_cast<__m128i *>(c),
          _mm_add_epi32(sum, _mm_loadu_si128(reinterpret_cast<__m128i *>(c))));
    } else {
      alignas(16) int32_t v[4];
      _mm_store_si128(reinterpret_cast<__m128i *>(v), sum);
      for (int l = 0; l < cols; ++l)
        c[l] += v[l];
    }
  }
}

template <bool ASigned>
void igemmPortable(bool aPadded, int64_t M, int64_t N, int64_t K,
                   const uint8_t *A, int64_t lda, const int8_t *Bp, int64_t Kp,
                   int32_t *C, int64_t ldc) {
  const int64_t groups = aPadded ? (K + 3) / 4 : K / 4;
  const int tail = aPadded ? 0 : static_cast<int>(K % 4);
  const uint8_t *b = reinterpret_cast<const uint8_t *>(Bp);
  for (int64_t n0 = 0; n0 < N; n0 += 4) {
    const int cols = static_cast<int>(std::min<int64_t>(4, N - n0));
    const uint8_t *panel = b + (n0 / 16) * Kp * 16 + (n0 % 16) * 4;
    int64_t m = 0;
    for (; m + 4 <= M; m += 4)
      sse2Block<ASigned, 4>(groups, tail, A + m * lda, lda, panel,
                            C + m * ldc + n0, ldc, cols);
    for (; m < M; ++m)
      sse2Block<ASigned, 1>(groups, tail, A + m * lda, lda, panel,
                            C + m * ldc + n0, ldc, cols);
  }
}
#else
template <bool ASigned>
void igemmPortable(bool aPadded, int64_t M, int64_t N, int64_t K,
                   const uint8_t *A, int64_t lda, const int8_t *Bp, int64_t Kp,
                   int32_t *C, int64_t ldc) {
  (void)aPadded;
  using AT = std::conditional_t<ASigned, int8_t, uint8_t>;
  using BT = std::conditional_t<ASigned, uint8_t, int8_t>;
  const AT *a = reinterpret_cast<const AT *>(A);
  const BT *b = reinterpret_cast<const BT *>(Bp);
  const int64_t groups = K / 4, tail = K % 4;
  for (int64_t p = 0; p * 16 < N; ++p) {
    const BT *panel = b + p * Kp * 16;
    const int64_t cols = std::min<int64_t>(16, N - p * 16);
    for (int64_t m = 0; m < M; ++m) {
      const AT *row = a + m * lda;
      int32_t acc[16] = {};
      for (int64_t g = 0; g < groups; ++g) {
        const BT *bg = panel + g * 64;
        int32_t a0 = row[4 * g], a1 = row[4 * g + 1], a2 = row[4 * g + 2],
                a3 = row[4 * g + 3];
        for (int l = 0; l < 16; ++l)
          acc[l] += a0 * bg[4 * l] + a1 * bg[4 * l + 1] + a2 * bg[4 * l + 2] +
                    a3 * bg[4 * l + 3];
      }
      for (int64_t i = 0; i < tail; ++i) {
        const BT *bg = panel + groups * 64 + i;
        int32_t av = row[4 * groups + i];
        for (int l = 0; l < 16; ++l)
          acc[l] += av * bg[4 * l];
      }
      int32_t *c = C + m * ldc + p * 16;
      for (int64_t l = 0; l < cols; ++l)
        c[l] += acc[l];
    }
  }
}
#endif

//===----------------------------------------------------------------------===//
// Thread split
//===----------------------------------------------------------------------===//

using BlockFn = void (*)(bool, bool, int64_t, int64_t, int64_t, const uint8_t *,
                         int64_t, const int8_t *, int64_t, int32_t *, int64_t,
                         const RequantizeEpilogue *, int64_t, int64_t);

void portableBlock(bool aSigned, bool aPadded, int64_t M, int64_t N, int64_t K,
                   const uint8_t *A, int64_t lda, const int8_t *Bp, int64_t Kp,
                   int32_t *C, int64_t ldc, const RequantizeEpilogue *ep,
                   int64_t row0, int64_t col0) {
  if (aSigned)
    igemmPortable<true>(aPadded, M, N, K, A, lda, Bp, Kp, C, ldc);
  else
    igemmPortable<false>(aPadded, M, N, K, A, lda, Bp, Kp, C, ldc);
  if (ep)
    applyRequantize(*ep, C, ldc, M, N, row0, col0);
}

/// The paths without the nibble kernel: the rectangle's B16x4/S4 panels
/// expanded to B16x4 in a per-thread buffer first.
thread_local ScratchBuffer expandedScratch;

template <BlockFn Inner>
void expandedS4Block(bool aSigned, bool aPadded, int64_t M, int64_t N,
                     int64_t K, const uint8_t *A, int64_t lda, const int8_t *Bp,
                     int64_t Kp, int32_t *C, int64_t ldc,
                     const RequantizeEpilogue *ep, int64_t row0, int64_t col0) {
  const int64_t bytes = roundUp(N, 16) * Kp;
  uint8_t *expanded = expandedScratch.get(static_cast<size_t>(bytes));
  expandS4(reinterpret_cast<const uint8_t *>(Bp), bytes, expanded);
  Inner(aSigned, aPadded, M, N, K, A, lda,
        reinterpret_cast<const int8_t *>(expanded), Kp, C, ldc, ep, row0, col0);
}

/// The paths without the 2:4 kernel: the rectangle's B16x8/2:4 panels
/// expanded to B16x4 first.
template <BlockFn Inner>
void expandedPairsBlock(bool aSigned, bool aPadded, int64_t M, int64_t N,
                        int64_t K, const uint8_t *A, int64_t lda,
                        const int8_t *Bp, int64_t Kp, int32_t *C, int64_t ldc,
                        const RequantizeEpilogue *ep, int64_t row0,
                        int64_t col0) {
  const int64_t panels = (N + 15) / 16;
  uint8_t *expanded =
      expandedScratch.get(static_cast<size_t>(panels * Kp * 16));
  expandPairs(reinterpret_cast<const uint8_t *>(Bp), Kp, panels, expanded);
  Inner(aSigned, aPadded, M, N, K, A, lda,
        reinterpret_cast<const int8_t *>(expanded), Kp, C, ldc, ep, row0, col0);
}

/// The paths without the window kernel: the rectangle's panels expanded to
/// B16x4 first.
template <BlockFn Inner>
void expandedWindowsBlock(bool aSigned, bool aPadded, int64_t M, int64_t N,
                          int64_t K, const uint8_t *A, int64_t lda,
                          const int8_t *Bp, int64_t Kp, int32_t *C, int64_t ldc,
                          const RequantizeEpilogue *ep, int64_t row0,
                          int64_t col0) {
  const WindowsB windows = WindowsB::view(Bp);
  const int64_t p0 = col0 / 16, p1 = (col0 + N + 15) / 16;
  uint8_t *expanded =
      expandedScratch.get(static_cast<size_t>((p1 - p0) * Kp * 16));
  expandWindows(windows, p0, p1, Kp, expanded);
  Inner(aSigned, aPadded, M, N, K, A, lda,
        reinterpret_cast<const int8_t *>(expanded), Kp, C, ldc, ep, row0, col0);
}

struct PathChoice {
  BlockFn fn;
  int64_t mUnit, nUnit; // granularity of the split over threads
};

/// How B is packed.
enum class BLayout { B16x4, S4, Pairs, Windows };

/// The block kernel for B16x4/S4 panels: VNNI unpacks the nibbles in
/// registers (also on AMX hosts, which all have VNNI: the tiles would need
/// the panels expanded in memory first); otherwise the panels expanded for
/// the AVX2 or the portable kernel.
PathChoice chooseS4Path(int64_t isa, int64_t M) {
#if defined(COMPRESS_CPU_X86)
  if (effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX512_VNNI)
    return {igemmVnniS4, 8, M <= 3 ? 128 : 48};
  if (effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX2)
    return {expandedS4Block<igemmAvx2>, 4, M <= 4 ? 64 : 16};
#endif
  (void)isa;
  (void)M;
  return {expandedS4Block<portableBlock>, 4, 16};
}

/// The block kernel for B16x8/2:4: VNNI's (also on AMX hosts), else the
/// AVX2 or portable code on expanded panels.
PathChoice choosePairsPath(int64_t isa, int64_t M) {
#if defined(COMPRESS_CPU_X86)
  if (effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX512_VNNI)
    return {igemmVnniPairs, 8, M <= 3 ? 64 : 48};
  if (effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX2)
    return {expandedPairsBlock<igemmAvx2>, 4, M <= 4 ? 64 : 16};
#endif
  (void)isa;
  (void)M;
  return {expandedPairsBlock<portableBlock>, 4, 16};
}

/// The block kernel for B16x128/windows: VNNI's where the host has
/// AVX512_VBMI, else the panels expanded for VNNI, AVX2 or the portable
/// code.
PathChoice chooseWindowsPath(int64_t isa, int64_t M) {
#if defined(COMPRESS_CPU_X86)
  if (effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX512_VNNI) {
    if (hostFeatures().avx512vbmi)
      return {igemmVnniWindows, 8, M <= 3 ? 64 : 16};
    return {expandedWindowsBlock<igemmVnni>, 8, M <= 3 ? 128 : 48};
  }
  if (effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX2)
    return {expandedWindowsBlock<igemmAvx2>, 4, M <= 4 ? 64 : 16};
#endif
  (void)isa;
  (void)M;
  return {expandedWindowsBlock<portableBlock>, 4, 16};
}

/// The smallest reduction length K for which the AMX kernel is chosen to
/// accumulate into a given C (plain i32 results): its C tiles are then
/// loaded and stored once per K block, and A is copied when K is not a
/// multiple of 64, which with a few 64-deep steps per block costs more than
/// the tile products save. Measured on a Xeon with AMX (one thread, int8
/// convolutions as GEMMs into C): K = 64, 96 and 147 ran 1.7-2.3x faster
/// with VNNI, K = 576 as fast, K = 768 and more 1.2-2x faster with AMX.
/// Without C (the requantizing entry points), the AMX kernel starts its
/// tiles from the initial values and requantizes each panel in cache; it
/// then ran as fast as VNNI or faster from K = 64 on (K = 64, 96, 147, 576:
/// 1.0-1.5x VNNI's speed), while below 64 most of each 64-deep tile product
/// is padding (the Fashion-MNIST CNN's first convolution, K = 9: VNNI
/// faster).
/// COMPRESS_CPU_AMX_MIN_K overrides the bound for both (the unit tests set
/// 0, so that the AMX kernel's edge handling is tested on small shapes).
int64_t amxMinK(bool hasC) {
  static const char *text = std::getenv("COMPRESS_CPU_AMX_MIN_K");
  static const int64_t value =
      text ? std::max<int64_t>(0, std::atoll(text)) : -1;
  if (value >= 0)
    return value;
  return hasC ? 512 : 64;
}

/// The block kernel and thread split for a GEMM of M rows and reduction K
/// whose B is packed as `layout`; `hasC`: the kernel accumulates into a
/// given C (else it gets none, only the requantizing epilogue).
PathChoice choosePath(int64_t isa, int64_t M, int64_t K, BLayout layout,
                      bool hasC) {
  if (layout == BLayout::Windows)
    return chooseWindowsPath(isa, M);
  if (layout == BLayout::S4)
    return chooseS4Path(isa, M);
  if (layout == BLayout::Pairs)
    return choosePairsPath(isa, M);
  int64_t eff = effectiveIsa(isa);
#if defined(COMPRESS_AMX_EMULATE) // development builds on CPUs without AMX
  if (isa >= COMPRESS_CPU_ISA_AMX && eff >= COMPRESS_CPU_ISA_AVX512_VNNI)
    eff = COMPRESS_CPU_ISA_AMX;
#endif
#if defined(COMPRESS_CPU_X86)
  // AMX tiles hold 16 rows: a few rows waste most of each tile, and VNNI
  // streams B just as fast; a short K does not pay for the tiles (amxMinK).
  if (eff >= COMPRESS_CPU_ISA_AMX && M >= 8 && K >= amxMinK(hasC))
    return {igemmAmx, 32, 32};
  if (eff >= COMPRESS_CPU_ISA_AVX512_VNNI)
    return {igemmVnni, 8, M <= 3 ? 128 : 48};
  if (eff >= COMPRESS_CPU_ISA_AVX2)
    return {igemmAvx2, 4, M <= 4 ? 64 : 16};
#endif
  (void)eff;
  (void)M;
  (void)K;
  (void)hasC;
  return {portableBlock, 4, 16};
}

/// The largest extent of `parts` ranges of `blocks` blocks of `unit`
/// elements (the last one clipped to `size`, then rounded up to `round`, the
/// width the kernel computes).
int64_t largestPart(int64_t blocks, int parts, int64_t unit, int64_t size,
                    int64_t round) {
  int64_t largest = 0;
  for (int i = 0; i < parts; ++i) {
    int64_t b0 = blocks * i / parts, b1 = blocks * (i + 1) / parts;
    int64_t extent = roundUp(std::min(size, b1 * unit) - b0 * unit, round);
    largest = std::max(largest, extent);
  }
  return largest;
}

/// Splits C into a tm x tn grid of rectangles (whole kernel blocks), at most
/// one per thread, minimizing the largest rectangle the kernel computes.
void splitGrid(int64_t M, int64_t N, const PathChoice &path, int threads,
               int &tm, int &tn) {
  const int64_t mBlocks = (M + path.mUnit - 1) / path.mUnit;
  const int64_t nBlocks = (N + path.nUnit - 1) / path.nUnit;
  int64_t best = -1;
  tm = 1;
  tn = 1;
  // a ascending: on ties the grid splitting N more wins (threads then read
  // disjoint parts of B).
  for (int a = 1; a <= std::min<int64_t>(threads, mBlocks); ++a) {
    int b = static_cast<int>(std::min<int64_t>(threads / a, nBlocks));
    int64_t cost = largestPart(mBlocks, a, path.mUnit, M, 1) *
                   largestPart(nBlocks, b, path.nUnit, N, 16);
    if (best < 0 || cost < best) {
      best = cost;
      tm = a;
      tn = b;
    }
  }
}

/// C += A * B over the threads, B packed as `layout` says.
/// The threads gemmDispatch gives a product of `work` multiply-adds: below
/// ~0.5M multiply-adds per thread (a few microseconds with VNNI) the fork
/// costs more than it saves.
int gemmThreads(int64_t work, int64_t threadsArg) {
  return static_cast<int>(std::min<int64_t>(resolveThreads(threadsArg),
                                            std::max<int64_t>(1, work >> 19)));
}

void gemmDispatch(int64_t isa, bool aSigned, bool aPadded, int64_t M, int64_t N,
                  int64_t K, const uint8_t *A, int64_t lda, const int8_t *Bp,
                  int64_t Kp, int32_t *C, int64_t ldc, int64_t threadsArg,
                  const RequantizeEpilogue *ep = nullptr,
                  BLayout layout = BLayout::B16x4) {
  if (M <= 0 || N <= 0 || K <= 0)
    return;
  PathChoice path = choosePath(isa, M, K, layout, C != nullptr);
  // Bytes of B per column of a panel (a sparse blob is passed whole: the
  // block kernels find their panels from their first column).
  const int64_t columnBytes = layout == BLayout::S4        ? Kp / 2
                              : layout == BLayout::Pairs   ? Kp * 5 / 8
                              : layout == BLayout::Windows ? 0
                                                           : Kp;
  int threads = gemmThreads(M * N * K, threadsArg);
  const int64_t mBlocks = (M + path.mUnit - 1) / path.mUnit;
  const int64_t nBlocks = (N + path.nUnit - 1) / path.nUnit;
  if (threads <= 1 || mBlocks * nBlocks <= 1) {
    path.fn(aSigned, aPadded, M, N, K, A, lda, Bp, Kp, C, ldc, ep, 0, 0);
    return;
  }
  int tm, tn;
  splitGrid(M, N, path, threads, tm, tn);
#pragma omp parallel num_threads(tm *tn)
  {
    // A team smaller than asked for (nested parallelism, thread limits)
    // takes several rectangles per thread.
    const int nt = omp_get_num_threads();
    for (int t = omp_get_thread_num(); t < tm * tn; t += nt) {
      int ti = t / tn, tj = t % tn;
      int64_t m0 = mBlocks * ti / tm * path.mUnit;
      int64_t m1 = std::min(M, mBlocks * (ti + 1) / tm * path.mUnit);
      int64_t n0 = nBlocks * tj / tn * path.nUnit;
      int64_t n1 = std::min(N, nBlocks * (tj + 1) / tn * path.nUnit);
      if (m0 < m1 && n0 < n1)
        path.fn(aSigned, aPadded, m1 - m0, n1 - n0, K, A + m0 * lda, lda,
                Bp + n0 * columnBytes, Kp, C ? C + m0 * ldc + n0 : nullptr, ldc,
                ep, m0, n0);
    }
  }
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

struct ConvShape {
  int64_t C, H, W, F, KH, KW, OH, OW, sh, sw, dh, dw, groups;
  int64_t Cg() const { return C / groups; }
  int64_t Fg() const { return F / groups; }
  int64_t K() const { return Cg() * KH * KW; }
  int64_t P() const { return OH * OW; }
};

int64_t packedFilterRows(int64_t Fg) { return roundUp(Fg, 16); }

/// Copies n bytes, sizeof(Word) <= n <= 2 * sizeof(Word), as a word from
/// each end (overlapping in the middle).
template <typename Word>
inline void copyOverlappingWords(const uint8_t *src, int64_t n, uint8_t *dst) {
  Word head, tail;
  std::memcpy(&head, src, sizeof(Word));
  std::memcpy(&tail, src + n - sizeof(Word), sizeof(Word));
  std::memcpy(dst, &head, sizeof(Word));
  std::memcpy(dst + n - sizeof(Word), &tail, sizeof(Word));
}

/// Copies a short row inline (a memcpy call per output row costs more than
/// the copy).
inline void copyRow(const uint8_t *src, int64_t n, uint8_t *dst) {
#if defined(__SSE2__)
  if (n >= 16) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
      _mm_storeu_si128(
          reinterpret_cast<__m128i *>(dst + i),
          _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + i)));
    if (i < n) // the last 16 bytes again, overlapping
      _mm_storeu_si128(
          reinterpret_cast<__m128i *>(dst + n - 16),
          _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + n - 16)));
    return;
  }
#endif
  // Shorter rows (a 14-wide plane): two overlapping words, not a loop of
  // bytes.
  if (n >= 8)
    return copyOverlappingWords<uint64_t>(src, n, dst);
  if (n >= 4)
    return copyOverlappingWords<uint32_t>(src, n, dst);
  for (int64_t i = 0; i < n; ++i)
    dst[i] = src[i];
}

/// Row k = (c, kh, kw) of the im2col matrix of one image and group, P bytes.
void im2colRow(const ConvShape &s, const uint8_t *in, int64_t k, uint8_t *row) {
  const int64_t c = k / (s.KH * s.KW), kh = k / s.KW % s.KH, kw = k % s.KW;
  const uint8_t *plane = in + c * s.H * s.W + kh * s.dh * s.W + kw * s.dw;
  for (int64_t oh = 0; oh < s.OH; ++oh) {
    const uint8_t *src = plane + oh * s.sh * s.W;
    uint8_t *dst = row + oh * s.OW;
    if (s.sw == 1) {
      copyRow(src, s.OW, dst);
      continue;
    }
    int64_t ow = 0;
#if defined(__SSE2__)
    if (s.sw == 2) {
      // Even bytes of 32: the 16-bit lanes' low halves, packed. The last
      // byte a block reads must be one the row uses.
      const __m128i lo = _mm_set1_epi16(0xff);
      for (; 2 * ow + 32 <= 2 * (s.OW - 1) + 1; ow += 16) {
        __m128i x0 =
            _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + 2 * ow));
        __m128i x1 = _mm_loadu_si128(
            reinterpret_cast<const __m128i *>(src + 2 * ow + 16));
        _mm_storeu_si128(
            reinterpret_cast<__m128i *>(dst + ow),
            _mm_packus_epi16(_mm_and_si128(x0, lo), _mm_and_si128(x1, lo)));
      }
    }
#endif
    for (; ow < s.OW; ++ow)
      dst[ow] = src[ow * s.sw];
  }
}

/// Packs the im2col matrix [K x P] of one image and group (input channels
/// from `in`) as B16x4, k-groups [g0, g1).
void packColumns(const ConvShape &s, const uint8_t *in, int64_t g0, int64_t g1,
                 uint8_t *colp) {
  const int64_t K = s.K(), P = s.P(), Kp = roundUp(K, 64);
  // A 1x1 stride-1 convolution's im2col rows are the input planes.
  const bool direct = s.KH == 1 && s.KW == 1 && s.sh == 1 && s.sw == 1 &&
                      s.OW == s.W && s.OH == s.H;
  uint8_t *tmp = direct ? nullptr : rowScratch.get(4 * P);
  for (int64_t g = g0; g < g1; ++g) {
    const uint8_t *r[4];
    for (int i = 0; i < 4; ++i) {
      int64_t k = 4 * g + i;
      if (k >= K) {
        r[i] = nullptr;
      } else if (direct) {
        r[i] = in + k * P;
      } else {
        im2colRow(s, in, k, tmp + i * P);
        r[i] = tmp + i * P;
      }
    }
    interleave4Rows(r, P, colp + g * 64, Kp * 16);
  }
}

/// packColumns of one image and group's first kGroups groups of 4 k (all
/// of them, Kp / 4, by default), split between threads when the block is
/// big enough (64 KiB a thread).
void packAllColumns(const ConvShape &s, const uint8_t *in, uint8_t *colp,
                    int64_t threadsArg, int64_t kGroups = -1) {
  const int64_t Kp = roundUp(s.K(), 64), Pp = roundUp(s.P(), 16);
  if (kGroups < 0)
    kGroups = Kp / 4;
  const int threads = static_cast<int>(
      std::min<int64_t>(resolveThreads(threadsArg),
                        std::max<int64_t>(1, (4 * kGroups * Pp) >> 16)));
  if (threads <= 1) {
    packColumns(s, in, 0, kGroups, colp);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    int t = omp_get_thread_num(), nt = omp_get_num_threads();
    packColumns(s, in, kGroups * t / nt, kGroups * (t + 1) / nt, colp);
  }
}

void convU8S8(int64_t isa, int64_t N, const ConvShape &s, const uint8_t *in,
              const int8_t *Wp, int32_t *out, int64_t threadsArg) {
  const int64_t K = s.K(), Kp = roundUp(K, 64), P = s.P(), Pp = roundUp(P, 16),
                Fg = s.Fg();
  uint8_t *colp = colScratch.get(static_cast<size_t>(Kp * Pp));
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t g = 0; g < s.groups; ++g) {
      const uint8_t *inG = in + (n * s.C + g * s.Cg()) * s.H * s.W;
      packAllColumns(s, inG, colp, threadsArg);
      const int8_t *Wg = Wp + g * packedFilterRows(Fg) * Kp;
      int32_t *outG = out + (n * s.F + g * Fg) * P;
      gemmDispatch(isa, /*aSigned=*/true, /*aPadded=*/true, Fg, P, K,
                   reinterpret_cast<const uint8_t *>(Wg), Kp,
                   reinterpret_cast<const int8_t *>(colp), Kp, outG, P,
                   threadsArg);
    }
  }
}

void depthwisePlanePortable(int64_t H, int64_t W, int64_t KH, int64_t KW,
                            int64_t OH, int64_t OW, int64_t sh, int64_t sw,
                            int64_t dh, int64_t dw, const uint8_t *in,
                            const int8_t *w, int32_t *out) {
  (void)H;
  for (int64_t oh = 0; oh < OH; ++oh) {
    int32_t *o = out + oh * OW;
    for (int64_t kh = 0; kh < KH; ++kh) {
      const uint8_t *row = in + (oh * sh + kh * dh) * W;
      for (int64_t kw = 0; kw < KW; ++kw) {
        const int32_t wv = w[kh * KW + kw];
        const uint8_t *src = row + kw * dw;
        for (int64_t ow = 0; ow < OW; ++ow)
          o[ow] += wv * static_cast<int32_t>(src[ow * sw]);
      }
    }
  }
}

} // namespace
} // namespace compress::cpu::int8

using namespace compress::cpu;
using namespace compress::cpu::int8;

extern "C" {

COMPRESS_CPU_EXPORT void
compress_cpu_pack_b16x4_8(int64_t K, int64_t N, const int8_t *B,
                          int64_t strideK, int64_t strideN, int8_t *Bp) {
  packB16x4(K, N, reinterpret_cast<const uint8_t *>(B), strideK, strideN,
            reinterpret_cast<uint8_t *>(Bp));
}

COMPRESS_CPU_EXPORT void
compress_cpu_pack_b16x4_s4(int64_t K, int64_t N, const int8_t *B,
                           int64_t strideK, int64_t strideN, int8_t *Bp) {
  const int64_t bytes = roundUp(K, 64) * roundUp(N, 16);
  uint8_t *full = packedBScratch.get(static_cast<size_t>(bytes));
  packB16x4(K, N, reinterpret_cast<const uint8_t *>(B), strideK, strideN, full);
  compressToS4(full, bytes, reinterpret_cast<uint8_t *>(Bp));
}

COMPRESS_CPU_EXPORT int64_t compress_cpu_pack_b16x8_2of4(int64_t K, int64_t N,
                                                         const int8_t *B,
                                                         int64_t strideK,
                                                         int64_t strideN,
                                                         int8_t *Bp) {
  const int64_t Kp = roundUp(K, 64), Np = roundUp(N, 16);
  uint8_t *full = packedBScratch.get(static_cast<size_t>(Kp * Np));
  packB16x4(K, N, reinterpret_cast<const uint8_t *>(B), strideK, strideN, full);
  return pairsFromB16x4(full, Kp, Np, reinterpret_cast<uint8_t *>(Bp)) ? 0 : 1;
}

COMPRESS_CPU_EXPORT int64_t compress_cpu_packed_sparse_size_s8(
    int64_t K, int64_t N, const int8_t *B, int64_t strideK, int64_t strideN) {
  return windowsFromB(K, N, B, strideK, strideN, nullptr);
}

COMPRESS_CPU_EXPORT void
compress_cpu_pack_sparse_s8(int64_t K, int64_t N, const int8_t *B,
                            int64_t strideK, int64_t strideN, int8_t *Bw) {
  windowsFromB(K, N, B, strideK, strideN, reinterpret_cast<uint8_t *>(Bw));
}

} // extern "C"

namespace {

RequantizeEpilogue makeEpilogue(const int64_t *params, int64_t P,
                                int64_t hasLeftShift, int64_t zeroPoint,
                                int64_t lo, int64_t hi, int64_t dequantize,
                                int64_t dequantZeroPoint,
                                int64_t dequantScaleBits, void *out,
                                int64_t ldo) {
  uint32_t scaleBits = static_cast<uint32_t>(dequantScaleBits);
  float scale;
  std::memcpy(&scale, &scaleBits, sizeof(scale));
  RequantizeEpilogue ep{params,
                        params + P,
                        params + 2 * P,
                        params + 3 * P,
                        params + 4 * P,
                        /*perColumn=*/P > 1,
                        hasLeftShift != 0,
                        dequantize != 0,
                        zeroPoint,
                        lo,
                        hi,
                        dequantZeroPoint,
                        scale,
                        out,
                        ldo};
  ep.vectorForm = hasVectorForm(ep, P);
  return ep;
}

/// makeEpilogue for a convolution's NCHW output: parameters per output
/// channel (the rows of each image's F x P output) when there are several.
RequantizeEpilogue
makeChannelEpilogue(const int64_t *params, int64_t paramCount,
                    int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
                    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
                    int64_t dequantScaleBits, void *out, int64_t P) {
  RequantizeEpilogue ep =
      makeEpilogue(params, paramCount, hasLeftShift, zeroPoint, lo, hi,
                   dequantize, dequantZeroPoint, dequantScaleBits, out, P);
  ep.perColumn = false;
  ep.perRow = paramCount > 1;
  return ep;
}

/// A grow-only i32 matrix for the paths that need a C the caller did not
/// pass.
thread_local ScratchBuffer accumulatorScratch;

/// One depthwise plane (H x W u8 input, KH x KW s8 filter) accumulated into
/// the OH x OW i32 plane `out` by the fastest kernel `isa` allows.
void depthwisePlaneU8S8(int64_t isa, int64_t H, int64_t W, int64_t KH,
                        int64_t KW, int64_t OH, int64_t OW, int64_t sh,
                        int64_t sw, int64_t dh, int64_t dw, const uint8_t *in,
                        const int8_t *w, int32_t *out) {
#if defined(COMPRESS_CPU_X86)
  if (effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX512_VNNI &&
      depthwisePlaneVnni(H, W, KH, KW, OH, OW, sh, sw, dh, dw, in, w, out))
    return;
  if (effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX2 &&
      depthwisePlaneAvx2(H, W, KH, KW, OH, OW, sh, sw, dh, dw, in, w, out))
    return;
#endif
  (void)isa;
  depthwisePlanePortable(H, W, KH, KW, OH, OW, sh, sw, dh, dw, in, w, out);
}

/// How an int8 depthwise convolution's planes are split into units of
/// work: groups of eight channels that depthwiseChannelsAvx2 takes at once
/// (AVX2 hosts, and AVX-512 ones on rows of up to 32 outputs; 3x3 windows
/// of unit dilation, horizontal stride 1 or 2), then the planes left over
/// one by one.
struct DepthwiseUnits {
  int64_t N, C, blocks = 0, rest;
  DepthwiseUnits(int64_t isa, int64_t N, int64_t C, int64_t KH, int64_t KW,
                 int64_t OW, int64_t sw, int64_t dh, int64_t dw)
      : N(N), C(C), rest(C) {
#if defined(COMPRESS_CPU_X86)
    // AVX-512 CPUs take the eight-channel (AVX2) kernel too on rows of up to
    // 32 outputs, where the plane kernel fills few of its 16 lanes.
    const int64_t isaNow = effectiveIsa(isa);
    const bool channels = isaNow == COMPRESS_CPU_ISA_AVX2 ||
                          (isaNow >= COMPRESS_CPU_ISA_AVX512 && OW <= 32);
    if (channels && KH == 3 && KW == 3 && dh == 1 && dw == 1 &&
        (sw == 1 || sw == 2)) {
      blocks = C / 8;
      rest = C % 8;
    }
#endif
    (void)isa;
    (void)KH;
    (void)KW;
    (void)OW;
    (void)sw;
    (void)dh;
    (void)dw;
  }
  int64_t count() const { return N * (blocks + rest); }
  /// Unit u: its first plane (n * C + c) and how many planes it holds.
  std::pair<int64_t, int64_t> at(int64_t u) const {
    if (u < N * blocks)
      return {(u / blocks) * C + (u % blocks) * 8, 8};
    u -= N * blocks;
    return {(u / rest) * C + blocks * 8 + u % rest, 1};
  }
};

/// Runs unit(u) for every u < count on up to `threads` threads.
template <typename Fn>
void forEachUnit(int64_t count, int threads, const Fn &unit) {
  if (threads <= 1) {
    for (int64_t u = 0; u < count; ++u)
      unit(u);
    return;
  }
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t u = 0; u < count; ++u)
    unit(u);
}

// compress_cpu_depthwise_conv2d_nchw_u8s8_requantize's padded input plane
// and i32 accumulators, per thread.
thread_local ScratchBuffer paddedPlaneBytes, planeAccumulators;

/// The requantizing entry points on each layout of B.
void igemmPackedRequantize(BLayout layout, int64_t isa, int64_t M, int64_t N,
                           int64_t K, const uint8_t *A, int64_t lda,
                           const int8_t *Bp, int32_t *C, int64_t ldc,
                           const RequantizeEpilogue &ep, int64_t threads) {
  if (M <= 0 || N <= 0)
    return;
  if (K <= 0) { // C holds the initial values, the final accumulators
    applyRequantize(ep, C, ldc, M, N, 0, 0);
    return;
  }
  gemmDispatch(isa, false, false, M, N, K, A, lda, Bp, roundUp(K, 64), C, ldc,
               threads, &ep, layout);
}

void igemmPackedBiasRequantize(BLayout layout, int64_t isa, int64_t M,
                               int64_t N, int64_t K, const uint8_t *A,
                               int64_t lda, const int8_t *Bp,
                               const int32_t *bias, RequantizeEpilogue ep,
                               int64_t threads) {
  if (M <= 0 || N <= 0)
    return;
  BlockFn fn = choosePath(isa, M, K, layout, /*hasC=*/false).fn;
  if (K > 0 && (fn == igemmVnni || fn == igemmVnniS4 || fn == igemmVnniPairs ||
                fn == igemmVnniWindows || fn == igemmAmx)) {
    ep.columnInit = bias;
    gemmDispatch(isa, false, false, M, N, K, A, lda, Bp, roundUp(K, 64),
                 /*C=*/nullptr, 0, threads, &ep, layout);
    return;
  }
  // The other paths accumulate into a C: a scratch one, rows of `bias`,
  // which the AVX2 kernel starts its first K pass from itself.
  int32_t *C = reinterpret_cast<int32_t *>(
      accumulatorScratch.get(static_cast<size_t>(M * N) * sizeof(int32_t)));
  if (K > 0 && fn == igemmAvx2 && bias) {
    ep.columnInit = bias;
    gemmDispatch(isa, false, false, M, N, K, A, lda, Bp, roundUp(K, 64), C, N,
                 threads, &ep, layout);
    return;
  }
  for (int64_t r = 0; r < M; ++r) {
    if (bias)
      std::memcpy(C + r * N, bias, static_cast<size_t>(N) * sizeof(int32_t));
    else
      std::memset(C + r * N, 0, static_cast<size_t>(N) * sizeof(int32_t));
  }
  if (K <= 0) {
    applyRequantize(ep, C, N, M, N, 0, 0);
    return;
  }
  gemmDispatch(isa, false, false, M, N, K, A, lda, Bp, roundUp(K, 64), C, N,
               threads, &ep, layout);
}

} // namespace

extern "C" {

COMPRESS_CPU_EXPORT void
compress_cpu_igemm_u8s8_packed(int64_t isa, int64_t M, int64_t N, int64_t K,
                               const uint8_t *A, int64_t lda, const int8_t *Bp,
                               int32_t *C, int64_t ldc, int64_t threads) {
  gemmDispatch(isa, false, false, M, N, K, A, lda, Bp, roundUp(K, 64), C, ldc,
               threads);
}

COMPRESS_CPU_EXPORT void
compress_cpu_igemm_u8s4_packed(int64_t isa, int64_t M, int64_t N, int64_t K,
                               const uint8_t *A, int64_t lda, const int8_t *Bp,
                               int32_t *C, int64_t ldc, int64_t threads) {
  gemmDispatch(isa, false, false, M, N, K, A, lda, Bp, roundUp(K, 64), C, ldc,
               threads, nullptr, BLayout::S4);
}

COMPRESS_CPU_EXPORT void
compress_cpu_igemm_u8s8_2of4(int64_t isa, int64_t M, int64_t N, int64_t K,
                             const uint8_t *A, int64_t lda, const int8_t *Bp,
                             int32_t *C, int64_t ldc, int64_t threads) {
  gemmDispatch(isa, false, false, M, N, K, A, lda, Bp, roundUp(K, 64), C, ldc,
               threads, nullptr, BLayout::Pairs);
}

COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s8_2of4_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bp, int32_t *C, int64_t ldc, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads) {
  igemmPackedRequantize(
      BLayout::Pairs, isa, M, N, K, A, lda, Bp, C, ldc,
      makeEpilogue(params, paramCount, hasLeftShift, zeroPoint, lo, hi,
                   dequantize, dequantZeroPoint, dequantScaleBits, out, ldo),
      threads);
}

COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s8_2of4_bias_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bp, const int32_t *bias, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads) {
  igemmPackedBiasRequantize(
      BLayout::Pairs, isa, M, N, K, A, lda, Bp, bias,
      makeEpilogue(params, paramCount, hasLeftShift, zeroPoint, lo, hi,
                   dequantize, dequantZeroPoint, dequantScaleBits, out, ldo),
      threads);
}

COMPRESS_CPU_EXPORT void
compress_cpu_igemm_u8s8_sparse(int64_t isa, int64_t M, int64_t N, int64_t K,
                               const uint8_t *A, int64_t lda, const int8_t *Bw,
                               int32_t *C, int64_t ldc, int64_t threads) {
  gemmDispatch(isa, false, false, M, N, K, A, lda, Bw, roundUp(K, 64), C, ldc,
               threads, nullptr, BLayout::Windows);
}

COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s8_sparse_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bw, int32_t *C, int64_t ldc, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads) {
  igemmPackedRequantize(
      BLayout::Windows, isa, M, N, K, A, lda, Bw, C, ldc,
      makeEpilogue(params, paramCount, hasLeftShift, zeroPoint, lo, hi,
                   dequantize, dequantZeroPoint, dequantScaleBits, out, ldo),
      threads);
}

COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s8_sparse_bias_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bw, const int32_t *bias, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads) {
  igemmPackedBiasRequantize(
      BLayout::Windows, isa, M, N, K, A, lda, Bw, bias,
      makeEpilogue(params, paramCount, hasLeftShift, zeroPoint, lo, hi,
                   dequantize, dequantZeroPoint, dequantScaleBits, out, ldo),
      threads);
}

COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s8_packed_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bp, int32_t *C, int64_t ldc, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads) {
  igemmPackedRequantize(
      BLayout::B16x4, isa, M, N, K, A, lda, Bp, C, ldc,
      makeEpilogue(params, paramCount, hasLeftShift, zeroPoint, lo, hi,
                   dequantize, dequantZeroPoint, dequantScaleBits, out, ldo),
      threads);
}

COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s4_packed_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bp, int32_t *C, int64_t ldc, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads) {
  igemmPackedRequantize(
      BLayout::S4, isa, M, N, K, A, lda, Bp, C, ldc,
      makeEpilogue(params, paramCount, hasLeftShift, zeroPoint, lo, hi,
                   dequantize, dequantZeroPoint, dequantScaleBits, out, ldo),
      threads);
}

COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s8_packed_bias_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bp, const int32_t *bias, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads) {
  igemmPackedBiasRequantize(
      BLayout::B16x4, isa, M, N, K, A, lda, Bp, bias,
      makeEpilogue(params, paramCount, hasLeftShift, zeroPoint, lo, hi,
                   dequantize, dequantZeroPoint, dequantScaleBits, out, ldo),
      threads);
}

COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s4_packed_bias_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bp, const int32_t *bias, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads) {
  igemmPackedBiasRequantize(
      BLayout::S4, isa, M, N, K, A, lda, Bp, bias,
      makeEpilogue(params, paramCount, hasLeftShift, zeroPoint, lo, hi,
                   dequantize, dequantZeroPoint, dequantScaleBits, out, ldo),
      threads);
}

COMPRESS_CPU_EXPORT void
compress_cpu_igemm_u8s8(int64_t isa, int64_t M, int64_t N, int64_t K,
                        const uint8_t *A, int64_t lda, const int8_t *B,
                        int64_t strideK, int64_t strideN, int32_t *C,
                        int64_t ldc, int64_t threads) {
  if (M <= 0 || N <= 0 || K <= 0)
    return;
  const int64_t Kp = roundUp(K, 64), Np = roundUp(N, 16);
  uint8_t *Bp = packedBScratch.get(static_cast<size_t>(Kp * Np));
  packB16x4(K, N, reinterpret_cast<const uint8_t *>(B), strideK, strideN, Bp);
  gemmDispatch(isa, false, false, M, N, K, A, lda,
               reinterpret_cast<const int8_t *>(Bp), Kp, C, ldc, threads);
}

COMPRESS_CPU_EXPORT void compress_cpu_igemm_batched(
    int64_t isa, int64_t batch, int64_t M, int64_t N, int64_t K,
    const uint8_t *A, int64_t strideA, int64_t lda, int64_t aSigned,
    int64_t aZero, const uint8_t *B, int64_t strideB, int64_t strideK,
    int64_t strideN, int64_t bSigned, int64_t bZero, int32_t *C,
    int64_t strideC, int64_t ldc, int64_t threads) {
  if (batch <= 0 || M <= 0 || N <= 0 || K <= 0)
    return;
  // The kernels multiply one unsigned by one signed operand. A stays as it
  // is; B is packed with its top bit flipped when it has A's signedness,
  // which stores b - 128 (u8) or b + 128 (s8) and moves its zero point by
  // the same amount. Then, in wrapping i32 arithmetic (exact whenever the
  // true sums fit, which compress-fuse-qdq proves),
  //   sum_k (a - za)(b - zb) = sum_k a b' - zb' sum_k a - za sum_k b'
  //                            + K za zb'.
  const bool flip = aSigned == bSigned;
  const uint8_t flipBits = flip ? 0x80 : 0;
  const bool packedSigned = flip ? !bSigned : bSigned;
  const int64_t zb = flip ? (bSigned ? bZero + 128 : bZero - 128) : bZero;
  const int64_t Kp = roundUp(K, 64), Np = roundUp(N, 16);
  int nThreads = resolveThreads(threads);
  if (2.0 * batch * M * N * K < 8.0e6)
    nThreads = 1;
  nThreads = static_cast<int>(std::min<int64_t>(nThreads, batch));
  const int64_t inner = nThreads > 1 ? 1 : threads;
  auto one = [&](int64_t i) {
    const uint8_t *a = A + i * strideA, *b = B + i * strideB;
    int32_t *c = C + i * strideC;
    uint8_t *Bp = packedBScratch.get(static_cast<size_t>(Kp * Np));
    packB16x4(K, N, b, strideK, strideN, Bp, flipBits);
    int32_t *sums = reinterpret_cast<int32_t *>(
        rowScratch.get(static_cast<size_t>(M + N) * sizeof(int32_t)));
    int32_t *rowSums = sums, *colSums = sums + M;
    for (int64_t m = 0; m < M; ++m) {
      const uint8_t *row = a + m * lda;
      int32_t sum = 0;
      if (aSigned)
        for (int64_t k = 0; k < K; ++k)
          sum += static_cast<int8_t>(row[k]);
      else
        for (int64_t k = 0; k < K; ++k)
          sum += row[k];
      rowSums[m] = sum;
    }
    for (int64_t n = 0; n < N; ++n)
      colSums[n] = 0;
    for (int64_t k = 0; k < K; ++k) {
      const uint8_t *row = b + k * strideK;
      for (int64_t n = 0; n < N; ++n) {
        uint8_t v = row[n * strideN] ^ flipBits;
        colSums[n] += packedSigned
                          ? static_cast<int32_t>(static_cast<int8_t>(v))
                          : static_cast<int32_t>(v);
      }
    }
    gemmDispatch(isa, aSigned != 0, false, M, N, K, a, lda,
                 reinterpret_cast<const int8_t *>(Bp), Kp, c, ldc, inner);
    // i32 wraps like the IR's arith.addi / arith.muli: compute in uint32.
    const uint32_t za = static_cast<uint32_t>(aZero),
                   zbw = static_cast<uint32_t>(zb);
    const uint32_t constant = static_cast<uint32_t>(K) * za * zbw;
    for (int64_t m = 0; m < M; ++m) {
      const uint32_t rowTerm =
          constant - zbw * static_cast<uint32_t>(rowSums[m]);
      int32_t *out = c + m * ldc;
      for (int64_t n = 0; n < N; ++n)
        out[n] = static_cast<int32_t>(static_cast<uint32_t>(out[n]) + rowTerm -
                                      za * static_cast<uint32_t>(colSums[n]));
    }
  };
  parallelFor(nThreads, batch, one);
}

COMPRESS_CPU_EXPORT int64_t compress_cpu_packed_conv_filter_size_s8(
    int64_t F, int64_t Cg, int64_t KH, int64_t KW, int64_t groups) {
  return groups * packedFilterRows(F / groups) * roundUp(Cg * KH * KW, 64);
}

COMPRESS_CPU_EXPORT void
compress_cpu_pack_conv_filter_s8(int64_t F, int64_t Cg, int64_t KH, int64_t KW,
                                 int64_t groups, const int8_t *W, int8_t *Wp) {
  const int64_t Fg = F / groups, K = Cg * KH * KW, Kp = roundUp(K, 64),
                rows = packedFilterRows(Fg);
  std::memset(Wp, 0, static_cast<size_t>(groups * rows * Kp));
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t f = 0; f < Fg; ++f)
      std::memcpy(Wp + (g * rows + f) * Kp, W + (g * Fg + f) * K,
                  static_cast<size_t>(K));
}

COMPRESS_CPU_EXPORT void compress_cpu_conv2d_nchw_u8s8(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t F,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, int64_t groups, const uint8_t *in, const int8_t *Wp,
    int32_t *out, int64_t threads) {
  if (N <= 0 || F <= 0 || OH <= 0 || OW <= 0 || groups <= 0)
    return;
  ConvShape s{C, H, W, F, KH, KW, OH, OW, sh, sw, dh, dw, groups};
  convU8S8(isa, N, s, in, Wp, out, threads);
}

COMPRESS_CPU_EXPORT void compress_cpu_conv2d_nchw_u8s8_requantize(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t F,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, int64_t groups, const uint8_t *in, const int8_t *Wp,
    const int32_t *bias, const int64_t *params, int64_t paramCount,
    int64_t hasLeftShift, int64_t zeroPoint, int64_t lo, int64_t hi,
    int64_t dequantize, int64_t dequantZeroPoint, int64_t dequantScaleBits,
    void *out, int64_t threads) {
  if (N <= 0 || F <= 0 || OH <= 0 || OW <= 0 || groups <= 0)
    return;
  ConvShape s{C, H, W, F, KH, KW, OH, OW, sh, sw, dh, dw, groups};
  const int64_t P = s.P(), Fg = s.Fg(), K = s.K();
  const size_t outBytes = dequantize ? sizeof(float) : 1;
  RequantizeEpilogue ep = makeChannelEpilogue(
      params, paramCount, hasLeftShift, zeroPoint, lo, hi, dequantize,
      dequantZeroPoint, dequantScaleBits, out, P);
  const BlockFn fn =
      K > 0 ? choosePath(isa, Fg, K, BLayout::B16x4, /*hasC=*/false).fn
            : nullptr;
  if (fn == igemmVnni || fn == igemmAmx || fn == igemmAvx2) {
    // These kernels requantize each finished strip or panel of a group: the
    // VNNI and AMX ones keep their accumulators, started from the bias, in
    // their own buffer and write only the requantized output; the AVX2 one
    // accumulates into a scratch C, its first K pass starting from the bias.
    const int64_t Kp = roundUp(K, 64), Pp = roundUp(P, 16);
    // One image and group; its scratch is the calling thread's.
    auto runItem = [&](int64_t item, int64_t itemThreads) {
      const int64_t n = item / groups, g = item % groups;
      uint8_t *colp = colScratch.get(static_cast<size_t>(Kp * Pp));
      int32_t *acc = fn == igemmAvx2
                         ? reinterpret_cast<int32_t *>(accumulatorScratch.get(
                               static_cast<size_t>(Fg * P) * sizeof(int32_t)))
                         : nullptr;
      // The VNNI and AVX2 kernels read the ceil(K / 4) groups of 4 k that
      // hold data, not the panels' padding to 64 (a 3x3 filter on one
      // channel, K = 9, would pack 16 groups for 3); AMX tiles read 64 k.
      packAllColumns(s, in + (n * C + g * s.Cg()) * H * W, colp, itemThreads,
                     fn == igemmAmx ? Kp / 4 : (K + 3) / 4);
      const int64_t channel = g * Fg;
      RequantizeEpilogue group = rowsFrom(ep, channel);
      group.out = static_cast<char *>(out) +
                  static_cast<size_t>((n * F + channel) * P) * outBytes;
      // Both kernels start the accumulators from the bias themselves; the
      // AVX2 one, without a bias, from the zeros of its C.
      group.rowInit = bias ? bias + channel : nullptr; // null: zeros
      if (acc && !bias)
        std::fill_n(acc, Fg * P, 0);
      gemmDispatch(
          isa, /*aSigned=*/true, /*aPadded=*/true, Fg, P, K,
          reinterpret_cast<const uint8_t *>(Wp + g * packedFilterRows(Fg) * Kp),
          Kp, reinterpret_cast<const int8_t *>(colp), Kp, acc, acc ? P : 0,
          itemThreads, &group);
    };
    // Images (and groups) too small for gemmDispatch to split (a batch of
    // small images) go to the threads whole, one at a time each; larger
    // ones run in turn, each on all the threads.
    const int64_t items = N * groups;
    const int maxThreads = resolveThreads(threads);
    if (items > 1 && maxThreads > 1 && gemmThreads(Fg * P * K, threads) <= 1) {
      parallelFor(static_cast<int>(std::min<int64_t>(maxThreads, items)), items,
                  [&](int64_t item) { runItem(item, 1); });
      return;
    }
    for (int64_t item = 0; item < items; ++item)
      runItem(item, threads);
    return;
  }
  // The other paths: the i32 convolution into a scratch buffer started from
  // the bias, then the epilogue over each image's channels.
  int32_t *acc = reinterpret_cast<int32_t *>(
      accumulatorScratch.get(static_cast<size_t>(N * F * P) * sizeof(int32_t)));
  for (int64_t i = 0; i < N * F; ++i)
    std::fill_n(acc + i * P, P, bias ? bias[i % F] : 0);
  if (K > 0)
    convU8S8(isa, N, s, in, Wp, acc, threads);
  for (int64_t n = 0; n < N; ++n) {
    RequantizeEpilogue image = ep;
    image.out =
        static_cast<char *>(out) + static_cast<size_t>(n * F * P) * outBytes;
    applyRequantize(image, acc + n * F * P, P, F, P, 0, 0);
  }
}

COMPRESS_CPU_EXPORT void compress_cpu_max_pool2d_nchw_i8(
    int64_t isa, int64_t isSigned, int64_t N, int64_t C, int64_t H, int64_t W,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, const int8_t *in, int8_t *out, int64_t threadsArg) {
  if (N <= 0 || C <= 0 || OH <= 0 || OW <= 0 || KH <= 0 || KW <= 0)
    return;
  const int64_t planes = N * C;
  int threads = static_cast<int>(std::min<int64_t>(
      resolveThreads(threadsArg),
      std::max<int64_t>(1, planes * OH * OW * KH * KW >> 16)));
  forEachUnit(planes, threads, [&](int64_t p) {
    const uint8_t *src = reinterpret_cast<const uint8_t *>(in) + p * H * W;
    uint8_t *dst = reinterpret_cast<uint8_t *>(out) + p * OH * OW;
#if defined(COMPRESS_CPU_X86)
    if (effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX2 &&
        maxPoolPlaneBytesAvx2(isSigned != 0, src,
                              reinterpret_cast<const uint8_t *>(in) +
                                  planes * H * W,
                              W, KH, KW, dst, OH, OW, sh, sw, dh, dw))
      return;
#endif
    (void)isa;
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        uint8_t &o = dst[oh * OW + ow];
        for (int64_t kh = 0; kh < KH; ++kh)
          for (int64_t kw = 0; kw < KW; ++kw) {
            uint8_t v = src[(oh * sh + kh * dh) * W + ow * sw + kw * dw];
            bool greater = isSigned
                               ? static_cast<int8_t>(v) > static_cast<int8_t>(o)
                               : v > o;
            if (greater)
              o = v;
          }
      }
  });
}

COMPRESS_CPU_EXPORT void compress_cpu_depthwise_conv2d_nchw_u8s8(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t KH,
    int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw, int64_t dh,
    int64_t dw, const uint8_t *in, const int8_t *Wt, int32_t *out,
    int64_t threadsArg) {
  if (N <= 0 || C <= 0 || OH <= 0 || OW <= 0)
    return;
  const int64_t planes = N * C;
  int threads = static_cast<int>(std::min<int64_t>(
      resolveThreads(threadsArg),
      std::max<int64_t>(1, planes * OH * OW * KH * KW >> 16)));
  const DepthwiseUnits units(isa, N, C, KH, KW, OW, sw, dh, dw);
  forEachUnit(units.count(), threads, [&](int64_t u) {
    auto [i, n] = units.at(u);
    const int64_t c = i % C;
#if defined(COMPRESS_CPU_X86)
    if (n == 8 && depthwiseChannelsAvx2(H, W, 0, 0, 0, 0, 0, KH, KW, OH, OW, sh,
                                        sw, dh, dw, in + i * H * W,
                                        Wt + c * KH * KW, out + i * OH * OW))
      return;
#endif
    for (int64_t j = 0; j < n; ++j)
      depthwisePlaneU8S8(isa, H, W, KH, KW, OH, OW, sh, sw, dh, dw,
                         in + (i + j) * H * W, Wt + (c + j) * KH * KW,
                         out + (i + j) * OH * OW);
  });
}

COMPRESS_CPU_EXPORT void compress_cpu_depthwise_conv2d_nchw_u8s8_requantize(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t KH,
    int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw, int64_t dh,
    int64_t dw, int64_t padTop, int64_t padLeft, int64_t padBottom,
    int64_t padRight, int64_t padValue, const uint8_t *in, const int8_t *Wt,
    const int32_t *bias, const int64_t *params, int64_t paramCount,
    int64_t hasLeftShift, int64_t zeroPoint, int64_t lo, int64_t hi,
    int64_t dequantize, int64_t dequantZeroPoint, int64_t dequantScaleBits,
    void *out, int64_t threadsArg) {
  if (N <= 0 || C <= 0 || OH <= 0 || OW <= 0)
    return;
  const int64_t P = OH * OW, planes = N * C;
  const int64_t Hp = H + padTop + padBottom, Wp = W + padLeft + padRight;
  const bool padded = padTop || padLeft || padBottom || padRight;
  const size_t outBytes = dequantize ? sizeof(float) : 1;
  RequantizeEpilogue ep = makeChannelEpilogue(
      params, paramCount, hasLeftShift, zeroPoint, lo, hi, dequantize,
      dequantZeroPoint, dequantScaleBits, out, P);
  int threads = static_cast<int>(
      std::min<int64_t>(resolveThreads(threadsArg),
                        std::max<int64_t>(1, planes * P * KH * KW >> 16)));
  // The planes of one unit, requantized from their accumulators.
  auto requantize = [&](int64_t i, const int32_t *acc) {
    RequantizeEpilogue channel = rowsFrom(ep, i % C);
    channel.out =
        static_cast<char *>(out) + static_cast<size_t>(i * P) * outBytes;
#if defined(COMPRESS_CPU_X86)
    if (effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX512_VNNI)
      return requantizeVnni(channel, acc, P, 1, P, 0, 0);
    if (effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX2)
      return requantizeAvx2(channel, acc, P, 1, P, 0, 0);
#endif
    applyRequantize(channel, acc, P, 1, P, 0, 0);
  };
  const DepthwiseUnits units(isa, N, C, KH, KW, OW, sw, dh, dw);
  forEachUnit(units.count(), threads, [&](int64_t u) {
    auto [i, n] = units.at(u);
    const int64_t c = i % C;
    int32_t *acc = reinterpret_cast<int32_t *>(
        planeAccumulators.get(static_cast<size_t>(n * P) * sizeof(int32_t)));
    for (int64_t j = 0; j < n; ++j)
      std::fill_n(acc + j * P, P, bias ? bias[c + j] : 0);
#if defined(COMPRESS_CPU_X86)
    if (n == 8 && depthwiseChannelsAvx2(
                      H, W, padTop, padLeft, padBottom, padRight,
                      static_cast<uint8_t>(padValue), KH, KW, OH, OW, sh, sw,
                      dh, dw, in + i * H * W, Wt + c * KH * KW, acc)) {
      for (int64_t j = 0; j < n; ++j)
        requantize(i + j, acc + j * P);
      return;
    }
#endif
    for (int64_t j = 0; j < n; ++j) {
      const uint8_t *src = in + (i + j) * H * W;
      if (padded) {
        // The plane padded in a buffer of this thread, in cache.
        uint8_t *dst = paddedPlaneBytes.get(static_cast<size_t>(Hp * Wp));
        const uint8_t value = static_cast<uint8_t>(padValue);
        std::memset(dst, value, static_cast<size_t>(padTop * Wp));
        for (int64_t h = 0; h < H; ++h) {
          uint8_t *row = dst + (padTop + h) * Wp;
          std::memset(row, value, static_cast<size_t>(padLeft));
          std::memcpy(row + padLeft, src + h * W, static_cast<size_t>(W));
          std::memset(row + padLeft + W, value, static_cast<size_t>(padRight));
        }
        std::memset(dst + (padTop + H) * Wp, value,
                    static_cast<size_t>(padBottom * Wp));
        src = dst;
      }
      depthwisePlaneU8S8(isa, Hp, Wp, KH, KW, OH, OW, sh, sw, dh, dw, src,
                         Wt + (c + j) * KH * KW, acc + j * P);
      requantize(i + j, acc + j * P);
    }
  });
}

} // extern "C"
