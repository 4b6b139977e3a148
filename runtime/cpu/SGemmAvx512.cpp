//===- SGemmAvx512.cpp - AVX-512 fp32 GEMM and depthwise kernels ----------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Compiled with -mavx512f/bw/vl/dq -mfma (vrangeps is DQ); entered from
// SGemm.cpp only when the host runs AVX-512.
//
// The GEMM micro-kernel keeps up to 14 rows x 32 columns of C in 28 zmm
// accumulators: per k it loads two 16-float B panel rows and broadcasts 14
// A values, 28 FMAs for 16 loads, which leaves the load ports idle enough to
// run at the FMA rate. Rows of A come from a buffer with a fixed row stride
// that stays in L1 while the tile sweeps the B block (L2).
//
//===----------------------------------------------------------------------===//

#include "Internal.h"
#include "SGemmBlocking.h"

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

namespace compress::cpu {

/// Declared (identically) and explained in SGemm.cpp.
struct PixelRun {
  int32_t dst;
  int32_t len;
  int64_t srcOffset;
};

namespace {

using sgemm::kKc;
using sgemm::kPanel;
using sgemm::RowTileFn;
using sgemm::SmallRowTileFn;

constexpr int kMaxMr = 14;
// Up to this many rows skip the A copy and the K blocking: such a product is
// bound by streaming B once, and wide tiles (64 columns) keep enough
// independent FMA chains in flight.
constexpr int kSmallM = 4;

inline __mmask16 tailMask(int64_t valid) {
  return valid >= kPanel ? static_cast<__mmask16>(0xffff)
                         : static_cast<__mmask16>((1u << valid) - 1);
}

/// maximumf in 16 lanes: a NaN in either operand gives NaN, and -0 < +0.
/// vrangeps (imm 5: the larger, with the sign of the comparison's result)
/// orders -0 below +0 but returns the other operand for a NaN; a NaN lane
/// gets a + b, the first NaN quieted.
inline __m512 maximumf(__m512 a, __m512 b) {
  return _mm512_mask_add_ps(_mm512_range_ps(a, b, 0x05),
                            _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q), a, b);
}

/// minimumf in 16 lanes: a NaN in either operand gives NaN, and -0 < +0
/// (vrangeps imm 4: the smaller).
inline __m512 minimumf(__m512 a, __m512 b) {
  return _mm512_mask_add_ps(_mm512_range_ps(a, b, 0x04),
                            _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q), a, b);
}

/// sgemm::EpilogueLocals with this ISA's clamp.
struct VectorEpilogue : sgemm::EpilogueLocals {
  using EpilogueLocals::EpilogueLocals;
  __m512 applyClamp(__m512 x) const {
    if (clamp & kGeneral)
      return minimumf(maximumf(x, _mm512_set1_ps(lo)), _mm512_set1_ps(hi));
    if (clamp & kLo) {
      x = _mm512_max_ps(_mm512_set1_ps(lo), x);
      if (clamp & kLoZero)
        x = _mm512_add_ps(x, _mm512_setzero_ps());
    }
    if (clamp & kHi)
      x = _mm512_min_ps(_mm512_set1_ps(hi), x);
    return x;
  }
};

/// The epilogue's last step on 16 lanes (see sgemm::BlockEpilogue): bias,
/// the residual (its lanes' values at ep.residual + at), e's clamp (the
/// same bits as minimumf(maximumf(v, lo), hi): v is an arithmetic result,
/// so a NaN in it is already quiet).
inline __m512 applyEpilogue(const sgemm::BlockEpilogue &ep,
                            const VectorEpilogue &e, __m512 v, __m512 bias,
                            int64_t at, __mmask16 m) {
  v = _mm512_add_ps(v, bias);
  if (ep.residual)
    v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, ep.residual + at));
  return e.clamp ? e.applyClamp(v) : v;
}

/// Finishes a tile of MR rows x NP vectors of sums (columns at and past
/// nValid neither read nor written; the tile's residual, when not null, has
/// rows `ldr` apart) one step at a time over the whole tile, so that each
/// of the epilogue's choices is one branch per tile: without an epilogue
/// the sums are added to C; with one, to e.init when e.first (else to C),
/// and when e.last (x + bias) + residual is clamped to [lo, hi]. These are
/// the operations of sgemm::beginTile, the accumulation and sgemm::endTile
/// in their order, so the bits are theirs.
template <int MR, int NP>
__attribute__((always_inline)) inline void
finishTile(__m512 (&acc)[MR][NP], float *c, int64_t ldc, int64_t nValid,
           const VectorEpilogue &e, const float *residual, int64_t ldr) {
  auto mask = [&](int p) { return tailMask(nValid - p * kPanel); };
  auto forEach = [&](auto &&f) {
#pragma GCC unroll 4
    for (int p = 0; p < NP; ++p)
#pragma GCC unroll 16
      for (int i = 0; i < MR; ++i)
        f(i, p);
  };
  if (e.active && e.first) {
    const __m512 init = _mm512_set1_ps(e.init);
    forEach([&](int i, int p) { acc[i][p] = _mm512_add_ps(init, acc[i][p]); });
  } else {
    forEach([&](int i, int p) {
      acc[i][p] = _mm512_add_ps(
          _mm512_maskz_loadu_ps(mask(p), c + i * ldc + p * kPanel), acc[i][p]);
    });
  }
  if (e.active && e.last) {
    forEach([&](int i, int p) {
      acc[i][p] = _mm512_add_ps(acc[i][p], _mm512_set1_ps(e.biasOf(i)));
    });
    if (residual)
      forEach([&](int i, int p) {
        acc[i][p] = _mm512_add_ps(
            acc[i][p],
            _mm512_maskz_loadu_ps(mask(p), residual + i * ldr + p * kPanel));
      });
    if (e.clamp)
      forEach([&](int i, int p) { acc[i][p] = e.applyClamp(acc[i][p]); });
  }
  forEach([&](int i, int p) {
    _mm512_mask_storeu_ps(c + i * ldc + p * kPanel, mask(p), acc[i][p]);
  });
}

/// C[0:MR, 0:NP*16] += A[0:MR, 0:kc] * (NP panels of B); columns at and past
/// nValid are neither read nor written.
///
/// With DirectB, B is not packed: row k of panel p is the 16 floats at
/// b + p * 16 + k * bStride (a 1x1 convolution's input planes), read with
/// the columns past nValid masked off.
///
/// FixedLda, when not 0, is lda known at compile time (the A buffer's
/// stride): each row's broadcast then addresses one base register plus a
/// constant, instead of a pointer per row kept in registers and spilled.
template <int MR, int NP, bool DirectB = false, int64_t FixedLda = 0>
__attribute__((always_inline)) inline void
microKernel(int64_t kc, const float *a, int64_t ldaArg, const float *b,
            int64_t panelStride, float *c, int64_t ldc, int64_t nValid,
            const VectorEpilogue &e, int64_t col,
            const float *prefetch = nullptr, int64_t bStride = kPanel) {
  const int64_t lda = FixedLda ? FixedLda : ldaArg;
  __m512 acc[MR][NP];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int p = 0; p < NP; ++p)
      acc[i][p] = _mm512_setzero_ps();
  }
  // C is touched only after the K loop; start fetching it now.
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    _mm_prefetch(reinterpret_cast<const char *>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char *>(c + i * ldc + NP * kPanel - 1),
                 _MM_HINT_T0);
  }
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; ++k) {
    // One line per k of what the caller will need next (the next tile of a
    // filter that streams from memory), so that it arrives in time.
    if (prefetch)
      _mm_prefetch(reinterpret_cast<const char *>(prefetch + k * kPanel),
                   _MM_HINT_T0);
    __m512 bv[NP];
#pragma GCC unroll 4
    for (int p = 0; p < NP; ++p)
      bv[p] = DirectB ? _mm512_maskz_loadu_ps(tailMask(nValid - p * kPanel),
                                              b + p * kPanel + k * bStride)
                      : _mm512_loadu_ps(b + p * panelStride + k * kPanel);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      __m512 av = _mm512_set1_ps(a[i * lda + k]);
#pragma GCC unroll 4
      for (int p = 0; p < NP; ++p)
        acc[i][p] = _mm512_fmadd_ps(av, bv[p], acc[i][p]);
    }
  }
  finishTile<MR, NP>(acc, c, ldc, nValid, e,
                     e.residual ? e.residual + col : nullptr, e.ldr);
}

/// One tile of MR rows (from the A buffer) across nCols columns of B.
template <int MR>
void packedRowTile(int64_t kc, const float *ap, int64_t lda, const float *b,
                   int64_t panelStride, int64_t nCols, float *c, int64_t ldc,
                   const sgemm::BlockEpilogue *ep) {
  // While the first columns run, the rows after the tile (the next tile of
  // a blocked filter, or of the next K block: both follow it in memory) are
  // fetched: a filter read once per image, as in a convolution of few
  // pixels, otherwise streams from memory one row miss after another.
  const float *next = ap + MR * lda;
  const VectorEpilogue e(ep);
  for (int64_t n = 0; n < nCols; n += 2 * kPanel) {
    const float *bn = b + (n / kPanel) * panelStride;
    const float *prefetch = n == 0 ? next : nullptr;
    if (lda == sgemm::kApStride && nCols - n > kPanel)
      microKernel<MR, 2, false, sgemm::kApStride>(
          kc, ap, lda, bn, panelStride, c + n, ldc, nCols - n, e, n, prefetch);
    else if (nCols - n > kPanel)
      microKernel<MR, 2>(kc, ap, lda, bn, panelStride, c + n, ldc, nCols - n, e,
                         n, prefetch);
    else
      microKernel<MR, 1>(kc, ap, lda, bn, panelStride, c + n, ldc, nCols - n, e,
                         n);
  }
}

/// packedRowTile for an unpacked B (microKernel's DirectB): row k of the
/// columns starts at b + k * bStride.
template <int MR>
void directRowTile(int64_t kc, const float *ap, int64_t lda, const float *b,
                   int64_t bStride, int64_t nCols, float *c, int64_t ldc,
                   const sgemm::BlockEpilogue *ep) {
  const VectorEpilogue e(ep);
  for (int64_t n = 0; n < nCols; n += 2 * kPanel) {
    if (nCols - n > kPanel)
      microKernel<MR, 2, true>(kc, ap, lda, b + n, 0, c + n, ldc, nCols - n, e,
                               n, nullptr, bStride);
    else
      microKernel<MR, 1, true>(kc, ap, lda, b + n, 0, c + n, ldc, nCols - n, e,
                               n, nullptr, bStride);
  }
}

/// MR <= kSmallM rows read straight from A, 64 columns at a time.
template <int MR>
void smallRowTile(int64_t K, const float *a, int64_t lda, const float *b,
                  int64_t panelStride, int64_t nCols, float *c, int64_t ldc,
                  const sgemm::BlockEpilogue *ep) {
  const VectorEpilogue e(ep);
  for (int64_t n = 0; n < nCols; n += 4 * kPanel) {
    const float *bn = b + (n / kPanel) * panelStride;
    int64_t rest = nCols - n;
    if (rest > 3 * kPanel)
      microKernel<MR, 4>(K, a, lda, bn, panelStride, c + n, ldc, rest, e, n);
    else if (rest > 2 * kPanel)
      microKernel<MR, 3>(K, a, lda, bn, panelStride, c + n, ldc, rest, e, n);
    else if (rest > kPanel)
      microKernel<MR, 2>(K, a, lda, bn, panelStride, c + n, ldc, rest, e, n);
    else
      microKernel<MR, 1>(K, a, lda, bn, panelStride, c + n, ldc, rest, e, n);
  }
}

constexpr RowTileFn kPackedRowTiles[kMaxMr + 1] = {
    nullptr,           packedRowTile<1>,  packedRowTile<2>,  packedRowTile<3>,
    packedRowTile<4>,  packedRowTile<5>,  packedRowTile<6>,  packedRowTile<7>,
    packedRowTile<8>,  packedRowTile<9>,  packedRowTile<10>, packedRowTile<11>,
    packedRowTile<12>, packedRowTile<13>, packedRowTile<14>};

constexpr RowTileFn kDirectRowTiles[kMaxMr + 1] = {
    nullptr,           directRowTile<1>,  directRowTile<2>,  directRowTile<3>,
    directRowTile<4>,  directRowTile<5>,  directRowTile<6>,  directRowTile<7>,
    directRowTile<8>,  directRowTile<9>,  directRowTile<10>, directRowTile<11>,
    directRowTile<12>, directRowTile<13>, directRowTile<14>};

constexpr SmallRowTileFn kSmallRowTiles[kSmallM + 1] = {
    nullptr, smallRowTile<1>, smallRowTile<2>, smallRowTile<3>,
    smallRowTile<4>};

/// Loads 16 input values spaced `stride` apart (the first `count` of them;
/// the rest read as 0 and never touch memory).
inline __m512 loadStrided(const float *src, int64_t stride, int64_t count) {
  if (stride == 1)
    return _mm512_maskz_loadu_ps(tailMask(count), src);
  if (stride == 2) {
    // Two contiguous loads and a permute beat a gather by far.
    int64_t span = 2 * count - 1;
    __m512 lo = _mm512_maskz_loadu_ps(tailMask(span), src);
    __m512 hi = _mm512_maskz_loadu_ps(
        span > kPanel ? tailMask(span - kPanel) : 0, src + kPanel);
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18,
                                           20, 22, 24, 26, 28, 30);
    return _mm512_permutex2var_ps(lo, even, hi);
  }
  __m512i idx = _mm512_mullo_epi32(
      _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
      _mm512_set1_epi32(static_cast<int>(stride)));
  return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), tailMask(count), idx,
                                  src, 4);
}

/// A 3x3 depthwise plane's weights (broadcast) and epilogue: the output
/// starts as init (with an epilogue) and ends with bias and clamp.
struct Depthwise3x3 {
  Depthwise3x3(const float *w, const sgemm::BlockEpilogue *ep)
      : ep(ep), e(ep), init(_mm512_set1_ps(ep ? ep->init : 0.0f)),
        bias(_mm512_set1_ps(ep ? ep->biasOf(0) : 0.0f)) {
    for (int i = 0; i < 9; ++i)
      wv[i] = _mm512_set1_ps(w[i]);
  }
  const sgemm::BlockEpilogue *ep;
  VectorEpilogue e;
  __m512 init, bias;
  __m512 wv[9];
};

/// One strip of depthwise3x3Strips: output columns [ow, ow + 16) (lanes
/// `m`) of every output row, at `out` (the strip's first column), from the
/// input rows that loadRow(r, x) loads as their three shifted vectors.
template <int SW, typename LoadRow>
inline void depthwise3x3Strip(LoadRow &&loadRow, const Depthwise3x3 &k,
                              float *out, int64_t OH, int64_t OW, __mmask16 m,
                              int64_t ow) {
  const sgemm::BlockEpilogue *ep = k.ep;
  const __m512(&wv)[9] = k.wv;
  __m512 x0[3], x1[3], x2[3];
  loadRow(0, x0);
  if (SW == 1)
    loadRow(1, x1);
  for (int64_t oh = 0; oh < OH; ++oh) {
    if (SW == 2)
      loadRow(2 * oh + 1, x1);
    loadRow(oh * SW + 2, x2);
    float *o = out + oh * OW;
    __m512 a0 = ep ? k.init : _mm512_maskz_loadu_ps(m, o);
    __m512 a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps();
#pragma GCC unroll 3
    for (int kw = 0; kw < 3; ++kw) {
      a0 = _mm512_fmadd_ps(wv[kw], x0[kw], a0);
      a1 = _mm512_fmadd_ps(wv[3 + kw], x1[kw], a1);
      a2 = _mm512_fmadd_ps(wv[6 + kw], x2[kw], a2);
    }
    __m512 v = _mm512_add_ps(_mm512_add_ps(a0, a1), a2);
    if (ep)
      v = applyEpilogue(*ep, k.e, v, k.bias, oh * ep->ldr + ow, m);
    _mm512_mask_storeu_ps(o, m, v);
#pragma GCC unroll 3
    for (int kw = 0; kw < 3; ++kw) {
      x0[kw] = SW == 1 ? x1[kw] : x2[kw];
      if (SW == 1)
        x1[kw] = x2[kw];
    }
  }
}

/// depthwise3x3 at dilation 1 and strides SW x SW (1 or 2), a strip of 16
/// output columns at a time, top to bottom: each input row is loaded once
/// per strip (its three shifted vectors, at stride 2 each two loads and a
/// permute) and kept for the next output row (two of three rows at stride
/// 1, one at stride 2), where row by row every output row loaded its three
/// input rows again; the masks and addresses are the strip's. Each output
/// is the same three chains summed as depthwise3x3 sums them: its bits.
/// (MobileNet-v2's 144 x 56 x 56 layer 1.5x faster, AMD Zen 5.)
template <int SW>
void depthwise3x3Strips(const float *in, int64_t W, const Depthwise3x3 &k,
                        float *out, int64_t OH, int64_t OW) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20,
                                         22, 24, 26, 28, 30);
  for (int64_t ow = 0; ow < OW; ow += kPanel) {
    const int64_t count = std::min(kPanel, OW - ow);
    const __mmask16 m = tailMask(count);
    // Stride 2: the 2 * count - 1 inputs of a vector, in two loads.
    const int64_t span = 2 * count - 1;
    const __mmask16 lo = tailMask(span),
                    hi = span > kPanel ? tailMask(span - kPanel) : 0;
    const float *col = in + ow * SW;
    auto loadRow = [&](int64_t r, __m512(&x)[3]) {
#pragma GCC unroll 3
      for (int kw = 0; kw < 3; ++kw) {
        const float *src = col + r * W + kw;
        x[kw] = SW == 1 ? _mm512_maskz_loadu_ps(m, src)
                        : _mm512_permutex2var_ps(
                              _mm512_maskz_loadu_ps(lo, src), even,
                              _mm512_maskz_loadu_ps(hi, src + kPanel));
      }
    };
    depthwise3x3Strip<SW>(loadRow, k, out + ow, OH, OW, m, ow);
  }
}

/// Lanes [first, end) of 16, clipped to [0, 16).
inline __mmask16 laneRange(int64_t first, int64_t end) {
  first = std::clamp<int64_t>(first, 0, kPanel);
  end = std::clamp<int64_t>(end, first, kPanel);
  return static_cast<__mmask16>(tailMask(end) & ~tailMask(first));
}

/// 16 floats from `row` + `at` (`at` may be negative: the lanes outside
/// `lanes` are not read, and a masked-off lane never faults), the others
/// `fill`. The address is formed as an integer, not by pointer arithmetic
/// out of the row.
inline __m512 loadLanes(__m512 fill, __mmask16 lanes, const float *row,
                        int64_t at) {
  const auto address =
      reinterpret_cast<uintptr_t>(row) + static_cast<uintptr_t>(at) * 4;
  return _mm512_mask_loadu_ps(fill, lanes,
                              reinterpret_cast<const float *>(address));
}

/// depthwise3x3Strips on the unpadded H x W plane `src`, padded on the fly
/// by `top` rows and `left` columns (and as many more as the output needs)
/// of `value`: each strip's loads take the padding value in the lanes
/// outside the plane, and rows outside it are the value throughout. The
/// values loaded are the padded copy's, so the bits are the same, without
/// the copy (which cost a 144 x 56 x 56 layer 40% on top of the kernel).
template <int SW>
void depthwise3x3StripsPadded(const float *src, int64_t H, int64_t W,
                              int64_t top, int64_t left, float value,
                              const Depthwise3x3 &k, float *out, int64_t OH,
                              int64_t OW) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20,
                                         22, 24, 26, 28, 30);
  const __m512 pv = _mm512_set1_ps(value);
  for (int64_t ow = 0; ow < OW; ow += kPanel) {
    const int64_t count = std::min(kPanel, OW - ow);
    const __mmask16 m = tailMask(count);
    // Per tap column kw: the first source column, and the lanes of the
    // one load (stride 1) or two loads (stride 2) that lie in the plane.
    int64_t at[3];
    __mmask16 lo[3], hi[3];
    const int64_t span = SW * (count - 1) + 1;
    for (int kw = 0; kw < 3; ++kw) {
      at[kw] = ow * SW - left + kw;
      lo[kw] = laneRange(-at[kw], std::min(W - at[kw], span));
      hi[kw] = SW == 1 ? 0
                       : laneRange(-at[kw] - kPanel,
                                   std::min(W - at[kw], span) - kPanel);
    }
    auto loadRow = [&](int64_t r, __m512(&x)[3]) {
      const int64_t h = r - top;
      if (h < 0 || h >= H) {
        x[0] = x[1] = x[2] = pv;
        return;
      }
      const float *row = src + h * W;
#pragma GCC unroll 3
      for (int kw = 0; kw < 3; ++kw)
        x[kw] = SW == 1 ? loadLanes(pv, lo[kw], row, at[kw])
                        : _mm512_permutex2var_ps(
                              loadLanes(pv, lo[kw], row, at[kw]), even,
                              loadLanes(pv, hi[kw], row, at[kw] + kPanel));
    };
    depthwise3x3Strip<SW>(loadRow, k, out + ow, OH, OW, m, ow);
  }
}

/// The 3x3 depthwise case (MobileNet's): the nine weights live in
/// registers, and each filter row feeds its own accumulator so that a
/// 16-pixel chunk is three short FMA chains instead of one of nine.
template <int SW>
void depthwise3x3(const float *in, int64_t W, const float *w, float *out,
                  int64_t OH, int64_t OW, int64_t sh, int64_t dh, int64_t dw,
                  const sgemm::BlockEpilogue *ep) {
  const Depthwise3x3 k(w, ep);
  if (sh == SW && dh == 1 && dw == 1)
    return depthwise3x3Strips<SW>(in, W, k, out, OH, OW);
  const __m512 init = k.init, bias = k.bias;
  const VectorEpilogue &e = k.e;
  const __m512(&wv)[9] = k.wv;
  for (int64_t oh = 0; oh < OH; ++oh) {
    float *o = out + oh * OW;
    const float *rows = in + oh * sh * W;
    for (int64_t ow = 0; ow < OW; ow += kPanel) {
      int64_t count = std::min(kPanel, OW - ow);
      __mmask16 m = tailMask(count);
      __m512 acc[3];
#pragma GCC unroll 3
      for (int kh = 0; kh < 3; ++kh) {
        const float *src = rows + kh * dh * W + ow * SW;
        // With an epilogue the output starts as init, not as memory.
        acc[kh] = kh != 0 ? _mm512_setzero_ps()
                  : ep    ? init
                          : _mm512_maskz_loadu_ps(m, o + ow);
#pragma GCC unroll 3
        for (int kw = 0; kw < 3; ++kw)
          acc[kh] = _mm512_fmadd_ps(
              wv[kh * 3 + kw], loadStrided(src + kw * dw, SW, count), acc[kh]);
      }
      __m512 v = _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), acc[2]);
      if (ep)
        v = applyEpilogue(*ep, e, v, bias, oh * ep->ldr + ow, m);
      _mm512_mask_storeu_ps(o + ow, m, v);
    }
  }
}

/// Runs `window(acc, oh, ow, count)` over a plane's outputs 16 at a time,
/// row by row, with acc the old outputs, and stores what it returns. Each
/// chunk's old outputs are loaded before the previous chunk is stored: a
/// row narrower than 16 ends in a masked store whose 64 bytes overlap the
/// next row's load, and a load after it waits for the store to retire (in
/// a 14-wide plane, 80 cycles a row instead of a few).
/// With Fresh, the old outputs are not read (acc is zero).
template <bool Fresh = false, typename Window>
inline void forEachOutputChunk(float *out, int64_t OH, int64_t OW,
                               Window window) {
  int64_t oh = 0, ow = 0;
  float *o = out;
  __mmask16 m = tailMask(std::min(kPanel, OW));
  __m512 old = Fresh ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(m, o);
  while (oh < OH) {
    __m512 acc = window(old, oh, ow, std::min(kPanel, OW - ow));
    float *stored = o;
    __mmask16 storedMask = m;
    ow += kPanel;
    if (ow >= OW) {
      ow = 0;
      ++oh;
    }
    if (oh < OH) {
      o = out + oh * OW + ow;
      m = tailMask(std::min(kPanel, OW - ow));
      if constexpr (!Fresh)
        old = _mm512_maskz_loadu_ps(m, o);
    }
    _mm512_mask_storeu_ps(stored, storedMask, acc);
  }
}

/// With Fresh (a max pooling of rows of at least two taps), the outputs
/// start at -inf and are not read: maximumf(-inf, x) is x for the window's
/// first row max, a maximumf result (a NaN there is already quiet), so the
/// bits are those of the accumulating pooling after a fill with -inf.
template <bool Max, bool Fresh = false>
void poolPlane(const float *in, int64_t W, int64_t KH, int64_t KW, float *out,
               int64_t OH, int64_t OW, int64_t sh, int64_t sw, int64_t dh,
               int64_t dw) {
  forEachOutputChunk<Fresh>(
      out, OH, OW, [&](__m512 acc, int64_t oh, int64_t ow, int64_t count) {
        const float *rows = in + oh * sh * W + ow * sw;
        for (int64_t kh = 0; kh < KH; ++kh) {
          const float *src = rows + kh * dh * W;
          if constexpr (Max) {
            // Each window row's max is a chain of its own
            // (maximumf is associative and commutative).
            __m512 row = loadStrided(src, sw, count);
            for (int64_t kw = 1; kw < KW; ++kw)
              row = maximumf(row, loadStrided(src + kw * dw, sw, count));
            acc = Fresh && kh == 0 ? row : maximumf(acc, row);
          } else {
            for (int64_t kw = 0; kw < KW; ++kw)
              acc = _mm512_add_ps(acc, loadStrided(src + kw * dw, sw, count));
          }
        }
        return acc;
      });
}

/// The commonest pooling, 2x2 windows at stride 2: a row of up to 16
/// outputs reads 32 contiguous inputs from each of its two input rows (two
/// loads each) and splits them into even and odd columns (two permutes),
/// where the general loop reads every tap separately. A sum adds the taps
/// in the general loop's order, so the bits are its bits.
template <bool Max, bool Fresh = false>
void pool2x2Stride2(const float *in, int64_t W, float *out, int64_t OH,
                    int64_t OW) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20,
                                         22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21,
                                        23, 25, 27, 29, 31);
  forEachOutputChunk<Fresh>(
      out, OH, OW, [&](__m512 acc, int64_t oh, int64_t ow, int64_t count) {
        int64_t span = 2 * count;
        __mmask16 lo = tailMask(span),
                  hi = span > kPanel ? tailMask(span - kPanel) : 0;
        const float *src = in + 2 * oh * W + 2 * ow;
        const __m512 a0 = _mm512_maskz_loadu_ps(lo, src),
                     b0 = _mm512_maskz_loadu_ps(hi, src + kPanel),
                     a1 = _mm512_maskz_loadu_ps(lo, src + W),
                     b1 = _mm512_maskz_loadu_ps(hi, src + W + kPanel);
        // maximumf is associative and commutative (any NaN gives NaN, and
        // -0 < +0): the two rows' maxima first, then the even and odd
        // columns', two permutes where taking each tap apart takes four.
        if constexpr (Max) {
          const __m512 a = maximumf(a0, a1), b = maximumf(b0, b1);
          __m512 window = maximumf(_mm512_permutex2var_ps(a, even, b),
                                   _mm512_permutex2var_ps(a, odd, b));
          return Fresh ? window : maximumf(acc, window);
        }
        const __m512 taps[4] = {_mm512_permutex2var_ps(a0, even, b0),
                                _mm512_permutex2var_ps(a0, odd, b0),
                                _mm512_permutex2var_ps(a1, even, b1),
                                _mm512_permutex2var_ps(a1, odd, b1)};
        for (int t = 0; t < 4; ++t)
          acc = _mm512_add_ps(acc, taps[t]);
        return acc;
      });
}

/// The sums of one sgemm::ConvRowTile, MR pixels x NP panels in MR * NP
/// accumulators: per k, NP filter rows are loaded and MR input values
/// broadcast (from the input itself: a row's pixels are SW floats apart;
/// with ROW, the first ROW pixels from one row and the rest from the next,
/// rowStride floats on), the orientation of the row tiles with the
/// operands' roles swapped. Each sum is the same chain of FMAs (a * b is
/// b * a), so the bits are theirs.
template <int MR, int NP, int SW, int ROW>
void convRowKernel(const sgemm::ConvRowTile &t) {
  __m512 acc[MR][NP];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int p = 0; p < NP; ++p)
      acc[i][p] = _mm512_setzero_ps();
  const int64_t panelStride = t.kc * kPanel, rowStride = t.rowStride;
  const float *w = t.w;
#pragma GCC unroll 2
  for (int64_t k = 0; k < t.kc; ++k) {
    const float *src = t.in + t.kOffsets[k];
    __m512 bv[NP];
#pragma GCC unroll 4
    for (int p = 0; p < NP; ++p)
      bv[p] = _mm512_loadu_ps(w + p * panelStride + k * kPanel);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const float *a =
          ROW == 0 || i < ROW ? src + i * SW : src + rowStride + (i - ROW) * SW;
      __m512 av = _mm512_set1_ps(*a);
#pragma GCC unroll 4
      for (int p = 0; p < NP; ++p)
        acc[i][p] = _mm512_fmadd_ps(av, bv[p], acc[i][p]);
    }
  }
  const int64_t stride = t.panels * kPanel;
  const __m512 init = _mm512_set1_ps(t.init);
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int p = 0; p < NP; ++p) {
      float *dst = t.partial + i * stride + p * kPanel;
      __m512 base = t.first ? init : _mm512_loadu_ps(dst);
      _mm512_storeu_ps(dst, _mm512_add_ps(base, acc[i][p]));
    }
}

using ConvRowKernelFn = void (*)(const sgemm::ConvRowTile &);
constexpr int kRowMaxMr = 14, kRowMaxNp = 2, kRowMaxTwoRows = 7;

/// Entry I of the one-row table: MR = I / 2 + 1 pixels, NP = I % 2 + 1;
/// of the two-row table: ROW = I / 2 + 1 pixels a row.
template <int SW, int I>
constexpr ConvRowKernelFn oneRowKernel() {
  return convRowKernel<I / kRowMaxNp + 1, I % kRowMaxNp + 1, SW, 0>;
}
template <int SW, int I>
constexpr ConvRowKernelFn twoRowKernel() {
  constexpr int ROW = I / kRowMaxNp + 1;
  return convRowKernel<2 * ROW, I % kRowMaxNp + 1, SW, ROW>;
}

template <int SW, size_t... I>
constexpr std::array<ConvRowKernelFn, sizeof...(I)>
oneRowTable(std::index_sequence<I...>) {
  return {oneRowKernel<SW, static_cast<int>(I)>()...};
}
template <int SW, size_t... I>
constexpr std::array<ConvRowKernelFn, sizeof...(I)>
twoRowTable(std::index_sequence<I...>) {
  return {twoRowKernel<SW, static_cast<int>(I)>()...};
}

constexpr auto kOneRow1 =
    oneRowTable<1>(std::make_index_sequence<kRowMaxMr * kRowMaxNp>());
constexpr auto kOneRow2 =
    oneRowTable<2>(std::make_index_sequence<kRowMaxMr * kRowMaxNp>());
constexpr auto kTwoRows1 =
    twoRowTable<1>(std::make_index_sequence<kRowMaxTwoRows * kRowMaxNp>());
constexpr auto kTwoRows2 =
    twoRowTable<2>(std::make_index_sequence<kRowMaxTwoRows * kRowMaxNp>());

/// Transposes the 16 x 16 floats of r in place (r[i] lane j <-> r[j] lane
/// i): pairs of rows interleaved, then pairs of pairs, then 128-bit lanes
/// twice.
inline void transpose16(__m512 (&r)[16]) {
  __m512 a[16], b[16];
  for (int i = 0; i < 16; i += 2) {
    a[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    a[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  // b[4q + c]'s 128-bit lane L holds column 4L + c of rows 4q .. 4q + 3.
  for (int q = 0; q < 16; q += 4) {
    auto pd = [](__m512 x) { return _mm512_castps_pd(x); };
    b[q] = _mm512_castpd_ps(_mm512_unpacklo_pd(pd(a[q]), pd(a[q + 2])));
    b[q + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(pd(a[q]), pd(a[q + 2])));
    b[q + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(pd(a[q + 1]), pd(a[q + 3])));
    b[q + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(pd(a[q + 1]), pd(a[q + 3])));
  }
  for (int c = 0; c < 4; ++c) {
    __m512 s0 = _mm512_shuffle_f32x4(b[c], b[4 + c], 0x44);
    __m512 s1 = _mm512_shuffle_f32x4(b[c], b[4 + c], 0xee);
    __m512 s2 = _mm512_shuffle_f32x4(b[8 + c], b[12 + c], 0x44);
    __m512 s3 = _mm512_shuffle_f32x4(b[8 + c], b[12 + c], 0xee);
    r[c] = _mm512_shuffle_f32x4(s0, s2, 0x88);
    r[4 + c] = _mm512_shuffle_f32x4(s0, s2, 0xdd);
    r[8 + c] = _mm512_shuffle_f32x4(s1, s3, 0x88);
    r[12 + c] = _mm512_shuffle_f32x4(s1, s3, 0xdd);
  }
}

} // namespace

void poolPlaneAvx512(bool max, const float *in, int64_t W, int64_t KH,
                     int64_t KW, float *out, int64_t OH, int64_t OW, int64_t sh,
                     int64_t sw, int64_t dh, int64_t dw) {
  if (KH == 2 && KW == 2 && sh == 2 && sw == 2 && dh == 1 && dw == 1) {
    if (max)
      pool2x2Stride2<true>(in, W, out, OH, OW);
    else
      pool2x2Stride2<false>(in, W, out, OH, OW);
    return;
  }
  if (max)
    poolPlane<true>(in, W, KH, KW, out, OH, OW, sh, sw, dh, dw);
  else
    poolPlane<false>(in, W, KH, KW, out, OH, OW, sh, sw, dh, dw);
}

void poolPlaneMaxFreshAvx512(const float *in, int64_t W, int64_t KH, int64_t KW,
                             float *out, int64_t OH, int64_t OW, int64_t sh,
                             int64_t sw, int64_t dh, int64_t dw) {
  if (KH == 2 && KW == 2 && sh == 2 && sw == 2 && dh == 1 && dw == 1)
    pool2x2Stride2<true, true>(in, W, out, OH, OW);
  else
    poolPlane<true, true>(in, W, KH, KW, out, OH, OW, sh, sw, dh, dw);
}

void sgemmBlockAvx512(int64_t M, int64_t nCols, int64_t K, const float *A,
                      int64_t lda, const float *B, int64_t panelStride,
                      float *C, int64_t ldc, const sgemm::BlockEpilogue *ep,
                      sgemm::ALayout aLayout) {
  sgemm::runSgemmBlock<kMaxMr, kSmallM>(kPackedRowTiles, kSmallRowTiles, M,
                                        nCols, K, A, lda, B, panelStride, C,
                                        ldc, ep, aLayout);
}

void sgemmBlockDirectBAvx512(int64_t M, int64_t nCols, int64_t K,
                             const float *A, int64_t lda, const float *B,
                             int64_t ldb, float *C, int64_t ldc,
                             const sgemm::BlockEpilogue *ep) {
  // runSgemmBlock's tiling of a blocked A (K <= kKc), rows in equal tiles.
  const int64_t tiles = (M + kMaxMr - 1) / kMaxMr;
  const int64_t base = M / tiles, extra = M % tiles;
  for (int64_t t = 0, m0 = 0; t < tiles; ++t) {
    const int64_t mr = base + (t < extra);
    sgemm::BlockEpilogue tileEp;
    if (ep)
      tileEp = ep->at(m0, 0);
    kDirectRowTiles[mr](K, A + m0 * lda, lda, B, ldb, nCols, C + m0 * ldc, ldc,
                        ep ? &tileEp : nullptr);
    m0 += mr;
  }
}

void packIm2colAvx512(const float *in, const int64_t *kOffsets, int64_t kc,
                      int64_t nc, int64_t sw, const PixelRun *runs,
                      const int32_t *runBegin, float *buf) {
  // Per panel, the runs that meet it are resolved once (lane masks, source
  // offsets) and then read for every row k, whose stores are consecutive.
  struct Piece {
    __mmask16 lanes;  // lanes [dst, dst + len)
    __mmask16 lo, hi; // stride 2: the elements read from base, base + 16
    int64_t base;     // source offset of lane 0 (lane t reads t * sw)
  };
  const int64_t panels = (nc + kPanel - 1) / kPanel;
  const __m512i lane =
      _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i even = _mm512_slli_epi32(lane, 1);
  const __m512i strided =
      _mm512_mullo_epi32(lane, _mm512_set1_epi32(static_cast<int>(sw)));
  for (int64_t q = 0; q < panels; ++q) {
    float *dst = buf + q * kc * kPanel;
    const int32_t first = runBegin[q], count = runBegin[q + 1] - first;
    Piece pieces[kPanel];
    for (int32_t i = 0; i < count; ++i) {
      const PixelRun &run = runs[first + i];
      uint32_t span = ((1u << (2 * run.len - 1)) - 1) << (2 * run.dst);
      pieces[i] = {static_cast<__mmask16>(((1u << run.len) - 1) << run.dst),
                   static_cast<__mmask16>(span),
                   static_cast<__mmask16>(span >> 16),
                   run.srcOffset - run.dst * sw};
    }
    // One run covering the panel (stride 1 or 2): plain loads. Lanes no run
    // covers (past nc) stay zero; masked-off lanes never touch memory.
    if (count == 1 && pieces[0].lanes == 0xffff && sw == 1) {
      const int64_t base = pieces[0].base;
      for (int64_t k = 0; k < kc; ++k)
        _mm512_storeu_ps(dst + k * kPanel,
                         _mm512_loadu_ps(in + kOffsets[k] + base));
      continue;
    }
    if (count == 1 && pieces[0].lanes == 0xffff && sw == 2) {
      const int64_t base = pieces[0].base;
      const __mmask16 hi = pieces[0].hi; // the 32nd element may lie past in
      for (int64_t k = 0; k < kc; ++k) {
        const float *src = in + kOffsets[k] + base;
        _mm512_storeu_ps(
            dst + k * kPanel,
            _mm512_permutex2var_ps(_mm512_loadu_ps(src), even,
                                   _mm512_maskz_loadu_ps(hi, src + kPanel)));
      }
      continue;
    }
    for (int64_t k = 0; k < kc; ++k) {
      const float *src = in + kOffsets[k];
      __m512 v = _mm512_setzero_ps();
      for (int32_t i = 0; i < count; ++i) {
        const Piece &piece = pieces[i];
        const float *base = src + piece.base;
        if (sw == 1) {
          v = _mm512_mask_loadu_ps(v, piece.lanes, base);
        } else if (sw == 2) {
          __m512 lo = _mm512_maskz_loadu_ps(piece.lo, base);
          __m512 hi = _mm512_maskz_loadu_ps(piece.hi, base + kPanel);
          v = _mm512_mask_mov_ps(v, piece.lanes,
                                 _mm512_permutex2var_ps(lo, even, hi));
        } else {
          v = _mm512_mask_i32gather_ps(v, piece.lanes, strided, base, 4);
        }
      }
      _mm512_storeu_ps(dst + k * kPanel, v);
    }
  }
}

bool depthwisePaddedPlaneAvx512(const float *src, int64_t H, int64_t W,
                                int64_t top, int64_t left, float value,
                                const float *w, int64_t KH, int64_t KW,
                                float *out, int64_t OH, int64_t OW, int64_t sh,
                                int64_t sw, int64_t dh, int64_t dw,
                                const sgemm::BlockEpilogue *ep) {
  if (KH != 3 || KW != 3 || dh != 1 || dw != 1 || sh != sw ||
      (sw != 1 && sw != 2))
    return false;
  const Depthwise3x3 k(w, ep);
  if (sw == 1)
    depthwise3x3StripsPadded<1>(src, H, W, top, left, value, k, out, OH, OW);
  else
    depthwise3x3StripsPadded<2>(src, H, W, top, left, value, k, out, OH, OW);
  return true;
}

void depthwisePlaneAvx512(const float *in, int64_t W, const float *w,
                          int64_t KH, int64_t KW, float *out, int64_t OH,
                          int64_t OW, int64_t sh, int64_t sw, int64_t dh,
                          int64_t dw, const sgemm::BlockEpilogue *ep,
                          int64_t /*slack*/) {
  if (KH == 3 && KW == 3 && sw == 1)
    return depthwise3x3<1>(in, W, w, out, OH, OW, sh, dh, dw, ep);
  if (KH == 3 && KW == 3 && sw == 2)
    return depthwise3x3<2>(in, W, w, out, OH, OW, sh, dh, dw, ep);
  const __m512 bias = _mm512_set1_ps(ep ? ep->biasOf(0) : 0.0f);
  const VectorEpilogue e(ep);
  for (int64_t oh = 0; oh < OH; ++oh) {
    float *o = out + oh * OW;
    const float *rows = in + oh * sh * W;
    for (int64_t ow = 0; ow < OW; ow += kPanel) {
      int64_t count = std::min(kPanel, OW - ow);
      __mmask16 m = tailMask(count);
      __m512 acc =
          ep ? _mm512_set1_ps(ep->init) : _mm512_maskz_loadu_ps(m, o + ow);
      for (int64_t kh = 0; kh < KH; ++kh) {
        const float *src = rows + kh * dh * W + ow * sw;
        for (int64_t kw = 0; kw < KW; ++kw)
          acc = _mm512_fmadd_ps(_mm512_set1_ps(w[kh * KW + kw]),
                                loadStrided(src + kw * dw, sw, count), acc);
      }
      if (ep)
        acc = applyEpilogue(*ep, e, acc, bias, oh * ep->ldr + ow, m);
      _mm512_mask_storeu_ps(o + ow, m, acc);
    }
  }
}

void convRowTileAvx512(const sgemm::ConvRowTile &t) {
  const int64_t np = t.panels - 1;
  if (t.rowPixels)
    (t.sw == 1 ? kTwoRows1 : kTwoRows2)[(t.rowPixels - 1) * kRowMaxNp + np](t);
  else
    (t.sw == 1 ? kOneRow1 : kOneRow2)[(t.mr - 1) * kRowMaxNp + np](t);
}

void convRowLoadAvx512(const sgemm::ConvRowTile &t,
                       const sgemm::ConvRowOut &o) {
  const __mmask16 pixels = tailMask(t.mr);
  for (int64_t p = 0; p < t.panels; ++p) {
    __m512 r[16];
    for (int64_t j = 0; j < kPanel; ++j) {
      int64_t f = p * kPanel + j;
      r[j] = f < o.filters
                 ? _mm512_maskz_loadu_ps(pixels, o.out + f * o.planeStride)
                 : _mm512_setzero_ps();
    }
    transpose16(r);
    for (int64_t i = 0; i < t.mr; ++i)
      _mm512_storeu_ps(t.partial + i * t.panels * kPanel + p * kPanel, r[i]);
  }
}

namespace {

/// Panel p of a transposed tile (r[j]: filter 16p + j's pixels in the
/// lanes `pixels`) finished with e's bias, residual (when not null, laid
/// out as out) and clamp, and stored: filter f's pixels at
/// out + f * planeStride, f < filters.
inline void finishPanel(__m512 (&r)[16], int64_t p, int64_t filters,
                        const VectorEpilogue &e, __mmask16 pixels, float *out,
                        int64_t planeStride, const float *residual) {
  const int64_t n = std::min(kPanel, filters - p * kPanel);
  for (int64_t j = 0; j < n; ++j) {
    const int64_t f = p * kPanel + j;
    __m512 v = r[j];
    if (e.active) {
      v = _mm512_add_ps(v, _mm512_set1_ps(e.biasOf(f)));
      if (residual)
        v = _mm512_add_ps(
            v, _mm512_maskz_loadu_ps(pixels, residual + f * planeStride));
      if (e.clamp)
        v = e.applyClamp(v);
    }
    _mm512_mask_storeu_ps(out + f * planeStride, pixels, v);
  }
}

} // namespace

void convRowPoolFinishAvx512(const float *partial, int64_t panels, int64_t rows,
                             int64_t OW, int64_t filters,
                             const sgemm::BlockEpilogue *ep, float *out,
                             int64_t planeStride) {
  const VectorEpilogue e(ep);
  const int64_t POW = OW / 2, pooledCount = (rows / 2) * POW;
  const int64_t pixel = panels * kPanel;
  for (int64_t q0 = 0; q0 < pooledCount; q0 += kPanel) {
    const int64_t count = std::min(kPanel, pooledCount - q0);
    const __mmask16 lanes = tailMask(count);
    for (int64_t p = 0; p < panels; ++p) {
      __m512 r[16];
      for (int64_t i = 0; i < kPanel; ++i) {
        if (i >= count) {
          r[i] = _mm512_setzero_ps();
          continue;
        }
        const int64_t q = q0 + i, pr = q / POW, pw = q % POW;
        const float *w00 =
            partial + (2 * pr * OW + 2 * pw) * pixel + p * kPanel;
        const float *w10 = w00 + OW * pixel;
        // pool2x2Stride2's tree: (even column's rows), (odd column's).
        r[i] = maximumf(maximumf(_mm512_loadu_ps(w00), _mm512_loadu_ps(w10)),
                        maximumf(_mm512_loadu_ps(w00 + pixel),
                                 _mm512_loadu_ps(w10 + pixel)));
      }
      transpose16(r);
      finishPanel(r, p, filters, e, lanes, out + q0, planeStride, nullptr);
    }
  }
}

void padRowsAvx512(const float *src, int64_t srcH, int64_t srcW, int64_t top,
                   int64_t left, int64_t right, float value, int64_t r0,
                   int64_t r1, float *dst) {
  const int64_t Wp = srcW + left + right;
  const __m512 pv = _mm512_set1_ps(value);
  // The row's first 16 columns: `left` of padding, then the row's first
  // headCount floats expanded up into their lanes (one load, one expand,
  // one store: most padded rows, 7 to 30 floats wide, are one or two
  // vectors). Wider left padding goes chunk by chunk.
  const int64_t headCount = std::max<int64_t>(0, std::min(kPanel - left, srcW));
  const __mmask16 headLoad = tailMask(headCount);
  const __mmask16 headLanes =
      left < kPanel ? static_cast<__mmask16>(headLoad << left) : 0;
  const __mmask16 headStore = tailMask(Wp);
  for (int64_t r = r0; r < r1; ++r, dst += Wp) {
    const int64_t h = r - top;
    if (h < 0 || h >= srcH) {
      for (int64_t j = 0; j < Wp; j += kPanel)
        _mm512_mask_storeu_ps(dst + j, tailMask(Wp - j), pv);
      continue;
    }
    const float *row = src + h * srcW;
    _mm512_mask_storeu_ps(
        dst, headStore,
        _mm512_mask_expand_ps(pv, headLanes,
                              _mm512_maskz_loadu_ps(headLoad, row)));
    for (int64_t j = kPanel; j < Wp; j += kPanel) {
      // Lane l holds column j + l - left where that is in [0, srcW).
      const int64_t first = j - left;
      __m512 v = pv;
      if (first >= 0 && first < srcW)
        v = _mm512_mask_loadu_ps(pv, tailMask(srcW - first), row + first);
      else if (first < 0 && first + kPanel > 0) {
        const __mmask16 load = tailMask(std::min(kPanel + first, srcW));
        v = _mm512_mask_expand_ps(pv, static_cast<__mmask16>(load << -first),
                                  _mm512_maskz_loadu_ps(load, row));
      }
      _mm512_mask_storeu_ps(dst + j, tailMask(Wp - j), v);
    }
  }
}

void convRowFinishAvx512(const sgemm::ConvRowTile &t,
                         const sgemm::ConvRowOut &o) {
  const __mmask16 pixels = tailMask(t.mr);
  const VectorEpilogue e(o.ep);
  for (int64_t p = 0; p < t.panels; ++p) {
    __m512 r[16];
    for (int64_t i = 0; i < kPanel; ++i)
      r[i] =
          i < t.mr
              ? _mm512_loadu_ps(t.partial + i * t.panels * kPanel + p * kPanel)
              : _mm512_setzero_ps();
    transpose16(r);
    finishPanel(r, p, o.filters, e, pixels, o.out, o.planeStride, o.residual);
  }
}

} // namespace compress::cpu
