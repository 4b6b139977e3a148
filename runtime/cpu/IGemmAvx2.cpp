//===- IGemmAvx2.cpp - int8 kernels for AVX2 ------------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Compiled with -mavx2 -mfma; entered only after effectiveIsa() found AVX2
// (also on AVX-512 CPUs without VNNI). See IGemm.cpp for the B16x4 layout.
//
// Exactness. AVX2 has no u8 x s8 dot product that cannot overflow: vpmaddubsw
// saturates the sum of two products to i16 (255*127*2 does not fit), which is
// the error onnxruntime's U8S8 kernels accept on such CPUs. Here both operands
// are widened to i16 and multiplied with vpmaddwd, whose sums of two products
// fit i32 exactly; vpmaddwd runs at the rate of the vpmaddubsw/vpmaddwd pair.
//
// Blocking. The rectangle is computed in passes of at most kKc columns of K.
// Per pass and block of kMc rows, A is widened once into a buffer laid out
// [tile of MR rows][group of 4 k][row][4 x i16], so that the micro-kernel
// broadcasts each row's 4 values of a group with one 64-bit load. The
// micro-kernel keeps MR rows x 8 columns (half a B16x4 panel) in 2 * MR
// accumulators: each 16 bytes of a B16x4 row (4 columns x 4 k) widen to one
// ymm, whose vpmaddwd with the broadcast row gives every column two partial
// sums (k%4 in {0,1} and {2,3}), added when the tile is stored. The
// requantizing epilogue runs on a block's rows every 256 columns once their
// last pass is done, while they are in cache.
//
//===----------------------------------------------------------------------===//

#include "Avx2Transpose.h"
#include "IGemmPaths.h"
#include "Internal.h"
#include "Requantize.h"

#include <algorithm>
#include <cstring>

#include <immintrin.h>

namespace compress::cpu::int8 {

namespace {

constexpr int kMr = 4;        // rows of a micro-tile
constexpr int64_t kMc = 64;   // rows widened at once
constexpr int64_t kKc = 1024; // columns of K per pass (a multiple of 4)
constexpr int64_t kEpilogueCols = 256; // a multiple of 16

thread_local ScratchBuffer widenedA;

/// Lanes [0, valid) of an 8-lane mask.
inline __m256i laneMask(int64_t valid) {
  valid = std::clamp<int64_t>(valid, 0, 8);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(valid)),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// Rows [0, rows) and columns [k0, k0 + 4 * groups) of A, widened to i16
/// into dst in the tile layout described above; columns at and past K read
/// as zeros.
template <bool ASigned>
void widenA(const uint8_t *A, int64_t lda, int64_t rows, int64_t k0,
            int64_t groups, int64_t K, int16_t *dst) {
  for (int64_t t0 = 0; t0 < rows; t0 += kMr) {
    const int64_t mr = std::min<int64_t>(kMr, rows - t0);
    int16_t *tile = dst + t0 * groups * 4;
    for (int64_t r = 0; r < mr; ++r) {
      const uint8_t *row = A + (t0 + r) * lda + k0;
      const int64_t valid = std::min<int64_t>(4 * groups, K - k0);
      int64_t g = 0;
      // 16 bytes (4 groups) at a time.
      for (; 4 * g + 16 <= valid; g += 4) {
        __m128i x =
            _mm_loadu_si128(reinterpret_cast<const __m128i *>(row + 4 * g));
        __m256i w = ASigned ? _mm256_cvtepi8_epi16(x) : _mm256_cvtepu8_epi16(x);
        alignas(32) int16_t v[16];
        _mm256_store_si256(reinterpret_cast<__m256i *>(v), w);
        for (int i = 0; i < 4; ++i)
          std::memcpy(tile + ((g + i) * mr + r) * 4, v + 4 * i, 8);
      }
      for (; g < groups; ++g) {
        int16_t *d = tile + (g * mr + r) * 4;
        for (int i = 0; i < 4; ++i) {
          int64_t k = 4 * g + i;
          d[i] =
              k < valid
                  ? (ASigned ? static_cast<int16_t>(static_cast<int8_t>(row[k]))
                             : static_cast<int16_t>(row[k]))
                  : 0;
        }
      }
    }
  }
}

/// 16 bytes of a B16x4 row (4 columns x 4 k) widened to i16.
template <bool ASigned>
inline __m256i loadB(const uint8_t *b) {
  __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i *>(b));
  return ASigned ? _mm256_cvtepu8_epi16(x) : _mm256_cvtepi8_epi16(x);
}

/// Where a tile's accumulators start: from what C holds, or (the first K
/// pass of a call whose caller left C unwritten) from the initial value of
/// each row (`row`, the tile's first row's) or of each column (`column`,
/// the tile's first column's), or from zeros.
struct TileInit {
  bool fromC = true;
  const int32_t *row = nullptr, *column = nullptr;
};

/// C[0:MR, 0:cols] = start + (widened A tile) * (8 columns of B), `start`
/// as `init` says; b points at the columns' first group, rows of B 64 bytes
/// apart.
template <bool ASigned, int MR>
void microKernel(int64_t groups, const int16_t *a, const uint8_t *b, int32_t *C,
                 int64_t ldc, int64_t cols, const TileInit &init) {
  __m256i acc[MR][2];
  for (int r = 0; r < MR; ++r)
    acc[r][0] = acc[r][1] = _mm256_setzero_si256();
#pragma GCC unroll 2
  for (int64_t g = 0; g < groups; ++g) {
    const __m256i b0 = loadB<ASigned>(b + g * 64);
    const __m256i b1 = loadB<ASigned>(b + g * 64 + 16);
#pragma GCC unroll 4
    for (int r = 0; r < MR; ++r) {
      int64_t bits;
      std::memcpy(&bits, a + (g * MR + r) * 4, 8);
      const __m256i av = _mm256_set1_epi64x(bits);
      acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(b0, av));
      acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(b1, av));
    }
  }
  // acc[r][h] = {c lo, c hi, c+1 lo, c+1 hi | c+2 lo, c+2 hi, c+3 lo, c+3 hi}
  // with c = 4h: the pairwise sums give {c0 c1 c4 c5 | c2 c3 c6 c7}.
  const __m256i order = _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7);
  const __m256i mask = laneMask(cols);
  auto load = [&](const int32_t *p) {
    return cols >= 8 ? _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p))
                     : _mm256_maskload_epi32(p, mask);
  };
  const __m256i columnStart =
      !init.fromC && init.column ? load(init.column) : _mm256_setzero_si256();
  for (int r = 0; r < MR; ++r) {
    __m256i sum = _mm256_permutevar8x32_epi32(
        _mm256_hadd_epi32(acc[r][0], acc[r][1]), order);
    int32_t *c = C + r * ldc;
    const __m256i start = init.fromC ? load(c)
                          : init.row ? _mm256_set1_epi32(init.row[r])
                                     : columnStart;
    sum = _mm256_add_epi32(start, sum);
    if (cols >= 8)
      _mm256_storeu_si256(reinterpret_cast<__m256i *>(c), sum);
    else
      _mm256_maskstore_epi32(c, mask, sum);
  }
}

template <bool ASigned>
void tileRows(int64_t rows, int64_t groups, const int16_t *a, const uint8_t *b,
              int32_t *C, int64_t ldc, int64_t cols, const TileInit &init) {
  for (int64_t t0 = 0; t0 < rows; t0 += kMr) {
    const int16_t *tile = a + t0 * groups * 4;
    int32_t *c = C + t0 * ldc;
    TileInit tileInit = init;
    if (tileInit.row)
      tileInit.row += t0;
    switch (std::min<int64_t>(kMr, rows - t0)) {
    case 4:
      microKernel<ASigned, 4>(groups, tile, b, c, ldc, cols, tileInit);
      break;
    case 3:
      microKernel<ASigned, 3>(groups, tile, b, c, ldc, cols, tileInit);
      break;
    case 2:
      microKernel<ASigned, 2>(groups, tile, b, c, ldc, cols, tileInit);
      break;
    default:
      microKernel<ASigned, 1>(groups, tile, b, c, ldc, cols, tileInit);
      break;
    }
  }
}

template <bool ASigned>
void igemmAvx2Impl(int64_t M, int64_t N, int64_t K, const uint8_t *A,
                   int64_t lda, const int8_t *Bp, int64_t Kp, int32_t *C,
                   int64_t ldc, const RequantizeEpilogue *ep, int64_t row0,
                   int64_t col0) {
  const uint8_t *B = reinterpret_cast<const uint8_t *>(Bp);
  const int64_t maxGroups = std::min<int64_t>(kKc, roundUp(K, 4)) / 4;
  int16_t *a = reinterpret_cast<int16_t *>(widenedA.get(
      static_cast<size_t>(roundUp(std::min(M, kMc), kMr) * maxGroups * 8)));
  for (int64_t k0 = 0; k0 < K; k0 += kKc) {
    const int64_t groups = (std::min(kKc, K - k0) + 3) / 4;
    const bool last = k0 + kKc >= K;
    for (int64_t m0 = 0; m0 < M; m0 += kMc) {
      const int64_t mc = std::min(kMc, M - m0);
      widenA<ASigned>(A + m0 * lda, lda, mc, k0, groups, K, a);
      for (int64_t n0 = 0; n0 < N; n0 += 16) {
        const uint8_t *panel = B + (n0 / 16) * Kp * 16 + (k0 / 4) * 64;
        int32_t *c = C + m0 * ldc + n0;
        const int64_t cols = std::min<int64_t>(16, N - n0);
        // The first pass starts from the epilogue's row or column values
        // when the caller left C to the kernel (see RequantizeEpilogue).
        TileInit init;
        if (k0 == 0 && ep && (ep->rowInit || ep->columnInit)) {
          init.fromC = false;
          init.row = ep->rowInit ? ep->rowInit + row0 + m0 : nullptr;
          init.column = !ep->rowInit ? ep->columnInit + col0 + n0 : nullptr;
        }
        tileRows<ASigned>(mc, groups, a, panel, c, ldc, cols, init);
        if (init.column)
          init.column += 8;
        if (cols > 8)
          tileRows<ASigned>(mc, groups, a, panel + 32, c + 8, ldc, cols - 8,
                            init);
        // The epilogue every kEpilogueCols columns: long enough rows to
        // amortize its per-row setup, still in cache.
        const int64_t end = n0 + cols;
        if (ep && last && (end % kEpilogueCols == 0 || end == N)) {
          const int64_t e0 = (n0 / kEpilogueCols) * kEpilogueCols;
          applyRequantize(*ep, C + m0 * ldc + e0, ldc, mc, end - e0, row0 + m0,
                          col0 + e0);
        }
      }
    }
  }
}

} // namespace

void igemmAvx2(bool aSigned, bool aPadded, int64_t M, int64_t N, int64_t K,
               const uint8_t *A, int64_t lda, const int8_t *Bp, int64_t Kp,
               int32_t *C, int64_t ldc, const RequantizeEpilogue *ep,
               int64_t row0, int64_t col0) {
  (void)aPadded; // A is widened into a buffer: only its M x K part is read
  if (aSigned)
    igemmAvx2Impl<true>(M, N, K, A, lda, Bp, Kp, C, ldc, ep, row0, col0);
  else
    igemmAvx2Impl<false>(M, N, K, A, lda, Bp, Kp, C, ldc, ep, row0, col0);
}

void requantizeAvx2(const RequantizeEpilogue &ep, const int32_t *C, int64_t ldc,
                    int64_t rows, int64_t cols, int64_t row0, int64_t col0) {
  applyRequantize(ep, C, ldc, rows, cols, row0, col0);
}

bool depthwisePlaneAvx2(int64_t H, int64_t W, int64_t KH, int64_t KW,
                        int64_t OH, int64_t OW, int64_t sh, int64_t sw,
                        int64_t dh, int64_t dw, const uint8_t *in,
                        const int8_t *w, int32_t *out) {
  constexpr int kMaxTaps = 64;
  const int64_t taps = KH * KW;
  if ((sw != 1 && sw != 2) || taps > kMaxTaps)
    return false;
  int64_t off[kMaxTaps];
  __m256i wv[kMaxTaps];
  for (int64_t t = 0; t < taps; ++t) {
    off[t] = (t / KW) * dh * W + (t % KW) * dw;
    wv[t] = _mm256_set1_epi32(w[t]);
  }
  // Stride 2 loads 16 bytes and keeps the even ones.
  const __m128i even =
      _mm_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, -1, -1, -1, -1, -1, -1, -1, -1);
  const int64_t loadBytes = sw == 1 ? 8 : 16;
  const uint8_t *end = in + H * W;
  for (int64_t oh = 0; oh < OH; ++oh) {
    const uint8_t *row = in + oh * sh * W;
    int32_t *o = out + oh * OW;
    int64_t ow = 0;
    // Whole vectors whose every tap load stays in the plane.
    for (; ow + 8 <= OW && row + ow * sw + off[taps - 1] + loadBytes <= end;
         ow += 8) {
      __m256i acc =
          _mm256_loadu_si256(reinterpret_cast<const __m256i *>(o + ow));
      for (int64_t t = 0; t < taps; ++t) {
        const uint8_t *src = row + ow * sw + off[t];
        __m128i bytes =
            sw == 1
                ? _mm_loadl_epi64(reinterpret_cast<const __m128i *>(src))
                : _mm_shuffle_epi8(
                      _mm_loadu_si128(reinterpret_cast<const __m128i *>(src)),
                      even);
        acc = _mm256_add_epi32(
            acc, _mm256_mullo_epi32(_mm256_cvtepu8_epi32(bytes), wv[t]));
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i *>(o + ow), acc);
    }
    for (; ow < OW; ++ow) {
      int32_t acc = o[ow];
      for (int64_t t = 0; t < taps; ++t)
        acc += static_cast<int32_t>(w[t]) *
               static_cast<int32_t>(row[ow * sw + off[t]]);
      o[ow] = acc;
    }
  }
  return true;
}

namespace {

// The widest padded row depthwiseChannelsAvx2 takes.
constexpr int64_t kMaxPairRow = 1024;

// depthwiseChannelsAvx2's rows of tap pairs and sums, per thread.
thread_local ScratchBuffer tapPairScratch, channelSumScratch;

/// Row r of the 8 padded planes as tap pairs: at position q (of Wp), the
/// 16 i16 (x[c][q], x[c][q + 1]) for c = 0..3, then for c = 4..7, where x
/// is the plane padded with padValue and x[c][Wp] reads as 0.
void tapPairRow(const uint8_t *in, int64_t H, int64_t W, int64_t top,
                int64_t left, int64_t Wp, uint8_t padValue, int64_t r,
                int16_t *pairs) {
  // The row's values, 8 channels per position, one extra position of zeros
  // (Wp <= kMaxPairRow).
  alignas(32) int16_t values[(kMaxPairRow + 1) * 8];
  const int64_t h = r - top;
  for (int64_t q = 0; q < Wp; ++q) {
    const int64_t col = q - left;
    const bool inside = h >= 0 && h < H && col >= 0 && col < W;
    for (int c = 0; c < 8; ++c)
      values[q * 8 + c] = inside ? in[c * H * W + h * W + col] : padValue;
  }
  std::memset(values + Wp * 8, 0, 16);
  for (int64_t q = 0; q < Wp; ++q) {
    const __m128i a =
        _mm_load_si128(reinterpret_cast<const __m128i *>(values + q * 8));
    const __m128i b = _mm_loadu_si128(
        reinterpret_cast<const __m128i *>(values + (q + 1) * 8));
    _mm256_store_si256(
        reinterpret_cast<__m256i *>(pairs + q * 16),
        _mm256_set_m128i(_mm_unpackhi_epi16(a, b), _mm_unpacklo_epi16(a, b)));
  }
}

/// The sums of PX output pixels of one row: pixel j reads the tap pairs of
/// the three rows at rows[kh] + 16 * (SW * j) (taps 0 and 1) and + 16 * (SW
/// * j + 2) (tap 2, its pair's weight 0).
template <int SW, int PX>
__attribute__((always_inline)) inline void
tapPairPixels(const int16_t *const (&rows)[3], const __m256i (&wA)[3],
              const __m256i (&wB)[3], int32_t *sums) {
  __m256i acc[PX];
  for (int j = 0; j < PX; ++j)
    acc[j] = _mm256_setzero_si256();
#pragma GCC unroll 3
  for (int kh = 0; kh < 3; ++kh)
#pragma GCC unroll 6
    for (int j = 0; j < PX; ++j) {
      const int16_t *p = rows[kh] + 16 * (SW * j);
      acc[j] = _mm256_add_epi32(
          acc[j],
          _mm256_madd_epi16(
              _mm256_load_si256(reinterpret_cast<const __m256i *>(p)), wA[kh]));
      acc[j] = _mm256_add_epi32(
          acc[j],
          _mm256_madd_epi16(
              _mm256_load_si256(reinterpret_cast<const __m256i *>(p + 32)),
              wB[kh]));
    }
  for (int j = 0; j < PX; ++j)
    _mm256_store_si256(reinterpret_cast<__m256i *>(sums + 8 * j), acc[j]);
}

template <int SW>
void tapPairRows(const int16_t *pairs, int64_t Wp, int64_t rows, int64_t OW,
                 int64_t sh, const __m256i (&wA)[3], const __m256i (&wB)[3],
                 int32_t *sums) {
  constexpr int kPx = 6;
  for (int64_t oh = 0; oh < rows; ++oh) {
    const int16_t *r0 = pairs + oh * sh * Wp * 16;
    int32_t *o = sums + oh * OW * 8;
    int64_t ow = 0;
    for (; ow + kPx <= OW; ow += kPx) {
      const int16_t *const at[3] = {r0 + ow * SW * 16,
                                    r0 + Wp * 16 + ow * SW * 16,
                                    r0 + 2 * Wp * 16 + ow * SW * 16};
      tapPairPixels<SW, kPx>(at, wA, wB, o + ow * 8);
    }
    for (; ow < OW; ++ow) {
      const int16_t *const at[3] = {r0 + ow * SW * 16,
                                    r0 + Wp * 16 + ow * SW * 16,
                                    r0 + 2 * Wp * 16 + ow * SW * 16};
      tapPairPixels<SW, 1>(at, wA, wB, o + ow * 8);
    }
  }
}

} // namespace

bool depthwiseChannelsAvx2(int64_t H, int64_t W, int64_t padTop,
                           int64_t padLeft, int64_t padBottom, int64_t padRight,
                           uint8_t padValue, int64_t KH, int64_t KW, int64_t OH,
                           int64_t OW, int64_t sh, int64_t sw, int64_t dh,
                           int64_t dw, const uint8_t *in, const int8_t *w,
                           int32_t *out) {
  const int64_t Wp = W + padLeft + padRight;
  if (KH != 3 || KW != 3 || dh != 1 || dw != 1 || (sw != 1 && sw != 2) ||
      Wp > kMaxPairRow)
    return false;
  // Output rows per band: its tap pairs and sums stay in cache.
  constexpr int64_t kBand = 8;
  const int64_t Hp = H + padTop + padBottom;
  const int64_t P = OH * OW, bandRows = std::min(kBand, OH);
  const int64_t inRows = (bandRows - 1) * sh + 3;
  // Each row: Wp positions of 16 i16.
  int16_t *pairs = reinterpret_cast<int16_t *>(
      tapPairScratch.get(static_cast<size_t>(inRows * Wp * 16) * 2));
  int32_t *sums = reinterpret_cast<int32_t *>(channelSumScratch.get(
      static_cast<size_t>((bandRows * OW + 7) / 8 * 8 * 8) * 4));
  __m256i wA[3], wB[3];
  for (int kh = 0; kh < 3; ++kh) {
    alignas(32) int16_t a[16], b[16];
    for (int c = 0; c < 8; ++c) {
      const int i = (c % 4) * 2 + (c / 4) * 8;
      a[i] = w[c * 9 + kh * 3];
      a[i + 1] = w[c * 9 + kh * 3 + 1];
      b[i] = w[c * 9 + kh * 3 + 2];
      b[i + 1] = 0;
    }
    wA[kh] = _mm256_load_si256(reinterpret_cast<const __m256i *>(a));
    wB[kh] = _mm256_load_si256(reinterpret_cast<const __m256i *>(b));
  }
  for (int64_t oh0 = 0; oh0 < OH; oh0 += kBand) {
    const int64_t rows = std::min(kBand, OH - oh0), r0 = oh0 * sh;
    const int64_t r1 = std::min(Hp, (oh0 + rows - 1) * sh + 3);
    for (int64_t r = r0; r < r1; ++r)
      tapPairRow(in, H, W, padTop, padLeft, Wp, padValue, r,
                 pairs + (r - r0) * Wp * 16);
    if (sw == 1)
      tapPairRows<1>(pairs, Wp, rows, OW, sh, wA, wB, sums);
    else
      tapPairRows<2>(pairs, Wp, rows, OW, sh, wA, wB, sums);
    const int64_t n = rows * OW;
    std::memset(sums + n * 8, 0,
                static_cast<size_t>(((n + 7) / 8 * 8 - n) * 32));
    // Back to planes, 8 pixels x 8 channels at a time, added to `out`.
    for (int64_t q = 0; q < n; q += 8) {
      __m256i v[8];
      for (int j = 0; j < 8; ++j)
        v[j] = _mm256_load_si256(
            reinterpret_cast<const __m256i *>(sums + (q + j) * 8));
      transpose8x8(v);
      const int64_t p = oh0 * OW + q, count = std::min<int64_t>(8, n - q);
      const __m256i m = laneMask(count);
      for (int c = 0; c < 8; ++c) {
        int32_t *o = out + c * P + p;
        if (count == 8) {
          __m256i *d = reinterpret_cast<__m256i *>(o);
          _mm256_storeu_si256(d, _mm256_add_epi32(_mm256_loadu_si256(d), v[c]));
        } else {
          _mm256_maskstore_epi32(
              o, m, _mm256_add_epi32(_mm256_maskload_epi32(o, m), v[c]));
        }
      }
    }
  }
  return true;
}

namespace {

/// Bytewise maxima of 32 lanes, as signed or unsigned integers.
template <bool Signed>
inline __m256i maxBytes(__m256i a, __m256i b) {
  return Signed ? _mm256_max_epi8(a, b) : _mm256_max_epu8(a, b);
}

template <bool Signed>
inline uint8_t maxByte(uint8_t a, uint8_t b) {
  if constexpr (Signed)
    return static_cast<int8_t>(a) < static_cast<int8_t>(b) ? b : a;
  return a < b ? b : a;
}

/// The even bytes of 32 as 16 lanes of 16 bits, sign- or zero-extended.
template <bool Signed>
inline __m256i evenBytes(__m256i v) {
  return Signed ? _mm256_srai_epi16(_mm256_slli_epi16(v, 8), 8)
                : _mm256_and_si256(v, _mm256_set1_epi16(0xff));
}

inline __m256i load32(const uint8_t *p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p));
}

thread_local ScratchBuffer poolRowScratch, poolPlaneScratch;

/// The 32 bytes at byte offset Shift of the 64 in a (first) and b.
template <int Shift>
inline __m256i shiftBytes(__m256i a, __m256i b) {
  // vpalignr shifts within 128-bit lanes: pair each lane with the next.
  return _mm256_alignr_epi8(_mm256_permute2x128_si256(a, b, 0x21), a, Shift);
}

/// The 16-bit lanes of lo, then hi, as 32 bytes in order. The values fit a
/// byte, so the saturating pack is exact; it interleaves the 128-bit halves,
/// which the permute puts back.
template <bool Signed>
inline __m256i packWords(__m256i lo, __m256i hi) {
  __m256i packed =
      Signed ? _mm256_packs_epi16(lo, hi) : _mm256_packus_epi16(lo, hi);
  return _mm256_permute4x64_epi64(packed, 0xd8);
}

/// The odd bytes of 32 as 16 lanes of 16 bits, sign- or zero-extended.
template <bool Signed>
inline __m256i oddBytes(__m256i v) {
  return Signed ? _mm256_srai_epi16(v, 8) : _mm256_srli_epi16(v, 8);
}

/// 32 outputs of a row at stride 1 or 2 with KW <= 3, from the window rows'
/// maxima of the columns they read (v[0], v[1], v[2]: 32 columns each, in
/// registers).
template <bool Signed>
inline __m256i poolColumns(const __m256i (&v)[3], int64_t KW, int64_t sw) {
  if (sw == 1) {
    __m256i m = v[0];
    if (KW > 1)
      m = maxBytes<Signed>(m, shiftBytes<1>(v[0], v[1]));
    if (KW > 2)
      m = maxBytes<Signed>(m, shiftBytes<2>(v[0], v[1]));
    return m;
  }
  // Stride 2: outputs 0-15 from v[0], 16-31 from v[1]; tap kw of an
  // output is byte 2 * ow + kw: the even byte of a 16-bit lane, the odd
  // one, then the next lane's even one.
  __m256i lo = evenBytes<Signed>(v[0]), hi = evenBytes<Signed>(v[1]);
  if (KW > 1) {
    lo = _mm256_max_epi16(lo, oddBytes<Signed>(v[0]));
    hi = _mm256_max_epi16(hi, oddBytes<Signed>(v[1]));
  }
  if (KW > 2) {
    lo = _mm256_max_epi16(lo, evenBytes<Signed>(shiftBytes<2>(v[0], v[1])));
    hi = _mm256_max_epi16(hi, evenBytes<Signed>(shiftBytes<2>(v[1], v[2])));
  }
  return packWords<Signed>(lo, hi);
}

template <bool Signed>
void maxPoolPlaneBytes(const uint8_t *in, const uint8_t *inEnd, int64_t W,
                       int64_t KH, int64_t KW, uint8_t *out, int64_t OH,
                       int64_t OW, int64_t sh, int64_t sw, int64_t dh) {
  // The columns an output row reads; the vector reads of the row of maxima
  // go up to 64 bytes past them (never into a stored output).
  const int64_t span = (OW - 1) * sw + KW;
  uint8_t *row = poolRowScratch.get(static_cast<size_t>(span + 96));
  std::memset(row + span, 0, 96);
  // The plane's maxima, row after row; a row's whole-vector store spills
  // into the next row's place, which that row then overwrites.
  uint8_t *maxima = poolPlaneScratch.get(static_cast<size_t>(OH * OW + 32));
  // Vectors of columns one chunk of 32 outputs needs (stride 2 with a third
  // tap reads one column past 64).
  const int vectors = sw == 2 ? (KW > 2 ? 3 : 2) : (KW > 1 ? 2 : 1);
  for (int64_t oh = 0; oh < OH; ++oh) {
    const uint8_t *src = in + oh * sh * W;
    const uint8_t *lastRow = src + (KH - 1) * dh * W;
    // The window rows' maxima of the 32 columns from x.
    auto columnMaxima = [&](int64_t x) {
      __m256i v = load32(src + x);
      for (int64_t kh = 1; kh < KH; ++kh)
        v = maxBytes<Signed>(v, load32(src + kh * dh * W + x));
      return v;
    };
    uint8_t *o = maxima + oh * OW;
    int64_t ow = 0;
    // In registers while the reads stay inside the input (past the row
    // they read the next one's bytes, which only reach discarded lanes).
    if (KW <= 3)
      for (; ow < OW && lastRow + ow * sw + 32 * vectors <= inEnd; ow += 32) {
        __m256i v[3] = {columnMaxima(ow * sw), _mm256_setzero_si256(),
                        _mm256_setzero_si256()};
        for (int i = 1; i < vectors; ++i)
          v[i] = columnMaxima(ow * sw + 32 * i);
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(o + ow),
                            poolColumns<Signed>(v, KW, sw));
      }
    if (ow >= OW)
      continue;
    // The rest of the row (the plane's last rows, wider windows): the
    // window rows' maxima in a buffer first.
    for (int64_t x = ow * sw; x < span; ++x) {
      uint8_t m = src[x];
      for (int64_t kh = 1; kh < KH; ++kh)
        m = maxByte<Signed>(m, src[kh * dh * W + x]);
      row[x] = m;
    }
    for (; ow < OW; ow += 32) {
      __m256i v;
      if (sw == 1) {
        v = load32(row + ow);
        for (int64_t kw = 1; kw < KW; ++kw)
          v = maxBytes<Signed>(v, load32(row + ow + kw));
      } else {
        const uint8_t *r = row + 2 * ow;
        __m256i lo = evenBytes<Signed>(load32(r));
        __m256i hi = evenBytes<Signed>(load32(r + 32));
        for (int64_t kw = 1; kw < KW; ++kw) {
          lo = _mm256_max_epi16(lo, evenBytes<Signed>(load32(r + kw)));
          hi = _mm256_max_epi16(hi, evenBytes<Signed>(load32(r + 32 + kw)));
        }
        v = packWords<Signed>(lo, hi);
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i *>(o + ow), v);
    }
  }
  // The old outputs take part, over the plane at once.
  const int64_t P = OH * OW;
  int64_t i = 0;
  for (; i + 32 <= P; i += 32)
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(out + i),
                        maxBytes<Signed>(load32(out + i), load32(maxima + i)));
  for (; i < P; ++i)
    out[i] = maxByte<Signed>(out[i], maxima[i]);
}

} // namespace

bool maxPoolPlaneBytesAvx2(bool isSigned, const uint8_t *in,
                           const uint8_t *inEnd, int64_t W, int64_t KH,
                           int64_t KW, uint8_t *out, int64_t OH, int64_t OW,
                           int64_t sh, int64_t sw, int64_t dh, int64_t dw) {
  if ((sw != 1 && sw != 2) || dw != 1)
    return false;
  if (isSigned)
    maxPoolPlaneBytes<true>(in, inEnd, W, KH, KW, out, OH, OW, sh, sw, dh);
  else
    maxPoolPlaneBytes<false>(in, inEnd, W, KH, KW, out, OH, OW, sh, sw, dh);
  return true;
}

} // namespace compress::cpu::int8
