//===- SGemmAvx2.cpp - AVX2 fp32 GEMM and depthwise kernels ---------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Compiled with -mavx2 -mfma; entered from SGemm.cpp only when the host runs
// AVX2 and FMA.
//
// The GEMM micro-kernel keeps up to 6 rows x 16 columns (one B16 panel, two
// ymm per row) in 12 accumulators, leaving 4 of the 16 ymm registers for the
// B row and the broadcast A value. The blocking around it is the one the
// AVX-512 file uses.
//
//===----------------------------------------------------------------------===//

#include "Avx2Transpose.h"
#include "Internal.h"
#include "SGemmBlocking.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

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

constexpr int kMaxMr = 6;
// Up to this many rows skip the A copy and the K blocking and run 48-column
// tiles, enough independent FMA chains to hide the FMA latency.
constexpr int kSmallM = 2;

/// Lanes [0, valid) of an 8-lane mask.
inline __m256i laneMask(int64_t valid) {
  valid = std::clamp<int64_t>(valid, 0, 8);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(valid)),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

inline void addToC(float *c, __m256 v, int64_t valid) {
  if (valid >= 8) {
    _mm256_storeu_ps(c, _mm256_add_ps(_mm256_loadu_ps(c), v));
  } else if (valid > 0) {
    __m256i m = laneMask(valid);
    _mm256_maskstore_ps(c, m, _mm256_add_ps(_mm256_maskload_ps(c, m), v));
  }
}

/// maximumf in 8 lanes: a NaN in either operand gives NaN, and -0 < +0.
inline __m256 maximumf(__m256 a, __m256 b) {
  __m256 r = _mm256_max_ps(a, b);
  // Equal operands (both zeros, say): the AND of their bits keeps +0 when
  // one is +0.
  r = _mm256_blendv_ps(r, _mm256_and_ps(a, b), _mm256_cmp_ps(a, b, _CMP_EQ_OQ));
  return _mm256_blendv_ps(r, _mm256_add_ps(a, b),
                          _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
}

/// minimumf in 8 lanes: a NaN in either operand gives NaN, and -0 < +0.
inline __m256 minimumf(__m256 a, __m256 b) {
  __m256 r = _mm256_min_ps(a, b);
  // Equal operands: the OR of their bits keeps -0 when one is -0.
  r = _mm256_blendv_ps(r, _mm256_or_ps(a, b), _mm256_cmp_ps(a, b, _CMP_EQ_OQ));
  return _mm256_blendv_ps(r, _mm256_add_ps(a, b),
                          _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
}

/// sgemm::EpilogueLocals with this ISA's clamp.
struct VectorEpilogue : sgemm::EpilogueLocals {
  using EpilogueLocals::EpilogueLocals;
  __m256 applyClamp(__m256 x) const {
    if (clamp & kGeneral)
      return minimumf(maximumf(x, _mm256_set1_ps(lo)), _mm256_set1_ps(hi));
    if (clamp & kLo) {
      x = _mm256_max_ps(_mm256_set1_ps(lo), x);
      if (clamp & kLoZero)
        x = _mm256_add_ps(x, _mm256_setzero_ps());
    }
    if (clamp & kHi)
      x = _mm256_min_ps(_mm256_set1_ps(hi), x);
    return x;
  }
};

/// Finishes 8 outputs at `o` from their sums `acc` (all 8 when `whole`,
/// else the lanes of `mask`, the others neither read nor written): without
/// an epilogue they are added to what `o` holds; with one, to e.init when
/// e.first (else to what `o` holds), and when e.last (x + bias) + residual
/// (8 values at `residual`, when not null) is clamped to [lo, hi]. These are
/// the operations of sgemm::beginTile, addToC and endTileVector, in their
/// order, so every kernel that finishes its vectors here in registers gives
/// the bits the passes over memory gave.
__attribute__((always_inline)) inline void
finishVector(float *o, __m256 acc, bool whole, __m256i mask,
             const VectorEpilogue &e, float bias, const float *residual) {
  auto load = [&](const float *p) {
    return whole ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask);
  };
  __m256 x = _mm256_add_ps(
      e.active && e.first ? _mm256_set1_ps(e.init) : load(o), acc);
  if (e.active && e.last) {
    x = _mm256_add_ps(x, _mm256_set1_ps(bias));
    if (residual)
      x = _mm256_add_ps(x, load(residual));
    x = e.applyClamp(x);
  }
  if (whole)
    _mm256_storeu_ps(o, x);
  else
    _mm256_maskstore_ps(o, mask, x);
}

/// sgemm::endTile in 8 lanes: the same operations in the same order
/// ((c + bias) + residual, then maximumf with lo and minimumf with hi), so
/// bit-identical to the scalar epilogue.
void endTileVector(const sgemm::BlockEpilogue *ep, float *c, int64_t ldc,
                   int64_t rows, int64_t cols) {
  if (!ep || !ep->last)
    return;
  const VectorEpilogue e(ep);
  for (int64_t i = 0; i < rows; ++i) {
    const __m256 bias = _mm256_set1_ps(e.biasOf(i));
    float *row = c + i * ldc;
    const float *res = e.residual ? e.residual + i * e.ldr : nullptr;
    for (int64_t j = 0; j < cols; j += 8) {
      const int64_t n = std::min<int64_t>(8, cols - j);
      const __m256i m = laneMask(n);
      __m256 v =
          n == 8 ? _mm256_loadu_ps(row + j) : _mm256_maskload_ps(row + j, m);
      v = _mm256_add_ps(v, bias);
      if (res)
        v = _mm256_add_ps(v, n == 8 ? _mm256_loadu_ps(res + j)
                                    : _mm256_maskload_ps(res + j, m));
      v = e.applyClamp(v);
      if (n == 8)
        _mm256_storeu_ps(row + j, v);
      else
        _mm256_maskstore_ps(row + j, m, v);
    }
  }
}

/// finishVector on a tile of MR rows x H vectors (columns at and past nValid
/// neither read nor written; the tile's residual, when not null, has rows
/// `ldr` apart), one
/// step at a time over the whole tile, so that each of the epilogue's
/// choices is one branch per tile instead of one per vector: on a tile of a
/// 16-channel 1x1 convolution, whose 16 multiply-adds per output leave
/// little to hide them, the branches per vector cost a third of the time.
template <int MR, int H>
__attribute__((always_inline)) inline void
finishTile(__m256 (&acc)[MR][H], float *c, int64_t ldc, int64_t nValid,
           const VectorEpilogue &e, const float *residual, int64_t ldr) {
  // Masks are made where they are needed, not kept: the depthwise kernels
  // hold nine weights in registers besides the sums.
  auto whole = [&](int h) { return nValid - h * 8 >= 8; };
  auto load = [&](const float *p, int h) {
    return whole(h) ? _mm256_loadu_ps(p)
                    : _mm256_maskload_ps(p, laneMask(nValid - h * 8));
  };
  auto forEach = [&](auto &&f) {
#pragma GCC unroll 8
    for (int h = 0; h < H; ++h)
      if (nValid > h * 8)
#pragma GCC unroll 8
        for (int i = 0; i < MR; ++i)
          f(i, h);
  };
  if (e.active && e.first) {
    const __m256 init = _mm256_set1_ps(e.init);
    forEach([&](int i, int h) { acc[i][h] = _mm256_add_ps(init, acc[i][h]); });
  } else {
    forEach([&](int i, int h) {
      acc[i][h] = _mm256_add_ps(load(c + i * ldc + h * 8, h), acc[i][h]);
    });
  }
  if (e.active && e.last) {
    forEach([&](int i, int h) {
      acc[i][h] = _mm256_add_ps(acc[i][h], _mm256_set1_ps(e.biasOf(i)));
    });
    if (residual)
      forEach([&](int i, int h) {
        acc[i][h] =
            _mm256_add_ps(acc[i][h], load(residual + i * ldr + h * 8, h));
      });
    if (e.clamp)
      forEach([&](int i, int h) { acc[i][h] = e.applyClamp(acc[i][h]); });
  }
  forEach([&](int i, int h) {
    if (whole(h))
      _mm256_storeu_ps(c + i * ldc + h * 8, acc[i][h]);
    else
      _mm256_maskstore_ps(c + i * ldc + h * 8, laneMask(nValid - h * 8),
                          acc[i][h]);
  });
}

/// C[0:MR, 0:H*8] += A[0:MR, 0:kc] * (the first H halves of 8 columns of
/// the panels of B: H = 2 NP for NP whole panels, H = 1 for the left half of
/// one); columns at and past nValid are neither read nor written. With an
/// epilogue `ep` (rows relative to the tile; these columns start at column
/// `col` of it), C starts as ep->init when ep->first and gets the epilogue
/// when ep->last, in registers: the operations of sgemm::beginTile, the
/// accumulation and endTileVector, in their order, without the passes over
/// memory (which cost as much as the multiply-adds when K is 16 or 32).
template <int MR, int H>
__attribute__((always_inline)) inline void
microKernel(int64_t kc, const float *a, int64_t lda, const float *b,
            int64_t panelStride, float *c, int64_t ldc, int64_t nValid,
            const VectorEpilogue &e = VectorEpilogue(nullptr),
            int64_t col = 0) {
  __m256 acc[MR][H];
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
    for (int h = 0; h < H; ++h)
      acc[i][h] = _mm256_setzero_ps();
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; ++k) {
    __m256 bv[H];
#pragma GCC unroll 8
    for (int h = 0; h < H; ++h)
      bv[h] =
          _mm256_loadu_ps(b + (h / 2) * panelStride + k * kPanel + (h % 2) * 8);
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      __m256 av = _mm256_broadcast_ss(a + i * lda + k);
#pragma GCC unroll 8
      for (int h = 0; h < H; ++h)
        acc[i][h] = _mm256_fmadd_ps(av, bv[h], acc[i][h]);
    }
  }
  finishTile<MR, H>(acc, c, ldc, nValid, e,
                    e.residual ? e.residual + col : nullptr, e.ldr);
}

/// A panel of which at most its left 8 columns are valid (the last panel of
/// a 49-pixel convolution, say) runs as one half: half the multiply-adds.
/// Each sum is the same in either kernel, so the results are too.
template <int MR>
__attribute__((always_inline)) inline void
panelKernel(int64_t kc, const float *a, int64_t lda, const float *b,
            int64_t panelStride, float *c, int64_t ldc, int64_t nValid,
            const VectorEpilogue &e = VectorEpilogue(nullptr),
            int64_t col = 0) {
  if (nValid <= 8)
    microKernel<MR, 1>(kc, a, lda, b, panelStride, c, ldc, nValid, e, col);
  else
    microKernel<MR, 2>(kc, a, lda, b, panelStride, c, ldc, nValid, e, col);
}

// The epilogue runs in the micro-kernels' registers.
template <int MR>
void packedRowTile(int64_t kc, const float *ap, int64_t lda, const float *b,
                   int64_t panelStride, int64_t nCols, float *c, int64_t ldc,
                   const sgemm::BlockEpilogue *ep) {
  const VectorEpilogue e(ep);
  for (int64_t n = 0; n < nCols; n += kPanel)
    panelKernel<MR>(kc, ap, lda, b + (n / kPanel) * panelStride, panelStride,
                    c + n, ldc, nCols - n, e, n);
}

template <int MR>
void smallRowTileColumns(int64_t K, const float *a, int64_t lda, const float *b,
                         int64_t panelStride, int64_t nCols, float *c,
                         int64_t ldc) {
  for (int64_t n = 0; n < nCols; n += 3 * kPanel) {
    const float *bn = b + (n / kPanel) * panelStride;
    int64_t rest = nCols - n;
    if (rest > 2 * kPanel)
      microKernel<MR, 6>(K, a, lda, bn, panelStride, c + n, ldc, rest);
    else if (rest > kPanel)
      microKernel<MR, 4>(K, a, lda, bn, panelStride, c + n, ldc, rest);
    else
      panelKernel<MR>(K, a, lda, bn, panelStride, c + n, ldc, rest);
  }
}

template <int MR>
void smallRowTile(int64_t K, const float *a, int64_t lda, const float *b,
                  int64_t panelStride, int64_t nCols, float *c, int64_t ldc,
                  const sgemm::BlockEpilogue *ep) {
  sgemm::beginTile(ep, c, ldc, MR, nCols);
  smallRowTileColumns<MR>(K, a, lda, b, panelStride, nCols, c, ldc);
  endTileVector(ep, c, ldc, MR, nCols);
}

constexpr RowTileFn kPackedRowTiles[kMaxMr + 1] = {
    nullptr,          packedRowTile<1>, packedRowTile<2>, packedRowTile<3>,
    packedRowTile<4>, packedRowTile<5>, packedRowTile<6>};

constexpr SmallRowTileFn kSmallRowTiles[kSmallM + 1] = {
    nullptr, smallRowTile<1>, smallRowTile<2>};

/// The even elements of base[0, 16) as 8 lanes, reading only elements
/// [e0, e1) (the others give 0 and never touch memory). A gather would do,
/// but costs several times as much on AMD's Zen cores.
inline __m256 loadEvenElements(const float *base, int64_t e0, int64_t e1) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  auto inRange = [&](__m256i e) {
    return _mm256_andnot_si256(
        _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(e0)), e),
        _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(e1)), e));
  };
  const __m256 lo = e0 == 0 && e1 >= 8 ? _mm256_loadu_ps(base)
                                       : _mm256_maskload_ps(base, inRange(idx));
  const __m256 hi = _mm256_maskload_ps(
      base + 8, inRange(_mm256_add_epi32(idx, _mm256_set1_epi32(8))));
  // {l0 l2 h0 h2 | l4 l6 h4 h6}, then the 64-bit pairs reordered.
  const __m256 even = _mm256_shuffle_ps(lo, hi, 0x88);
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), 0xd8));
}

/// Loads 8 input values spaced `stride` apart (the first `count` of them;
/// the rest read as 0 and never touch memory). `readable`: how many values
/// from src on may be read (the rest of its row).
inline __m256 loadStrided(const float *src, int64_t stride, int64_t count,
                          int64_t readable) {
  if (stride == 1) {
    if (count >= 8)
      return _mm256_loadu_ps(src);
    return _mm256_maskload_ps(src, laneMask(count));
  }
  if (stride == 2) {
    if (count >= 8 && readable >= 16) {
      const __m256 even = _mm256_shuffle_ps(_mm256_loadu_ps(src),
                                            _mm256_loadu_ps(src + 8), 0x88);
      return _mm256_castpd_ps(
          _mm256_permute4x64_pd(_mm256_castps_pd(even), 0xd8));
    }
    return loadEvenElements(src, 0, 2 * std::min<int64_t>(count, 8) - 1);
  }
  __m256i idx = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                   _mm256_set1_epi32(static_cast<int>(stride)));
  return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), src, idx,
                                  _mm256_castsi256_ps(laneMask(count)), 4);
}

/// One channel plane of a max or sum pooling, accumulating into `out`, 8
/// output columns at a time. A sum adds the taps in the loops' order (kh,
/// then kw); a max takes each window row's max as a chain of its own
/// (maximumf is associative and commutative). Each chunk's old outputs
/// are loaded before the previous chunk is stored: a row narrower than 8
/// ends in a masked store that overlaps the next row's load, and a load
/// after it waits for the store to retire.
template <bool Max>
void poolPlane(const float *in, int64_t W, int64_t KH, int64_t KW, float *out,
               int64_t OH, int64_t OW, int64_t sh, int64_t sw, int64_t dh,
               int64_t dw) {
  auto loadOld = [](const float *o, int64_t count) {
    return count >= 8 ? _mm256_loadu_ps(o)
                      : _mm256_maskload_ps(o, laneMask(count));
  };
  int64_t oh = 0, ow = 0;
  __m256 old = loadOld(out, std::min<int64_t>(8, OW));
  while (oh < OH) {
    const int64_t count = std::min<int64_t>(8, OW - ow);
    float *o = out + oh * OW + ow;
    const float *rows = in + oh * sh * W + ow * sw;
    auto tap = [&](int64_t kh, int64_t kw) {
      return loadStrided(rows + kh * dh * W + kw * dw, sw, count,
                         W - (ow * sw + kw * dw));
    };
    __m256 acc = old;
    for (int64_t kh = 0; kh < KH; ++kh) {
      if constexpr (Max) {
        __m256 row = tap(kh, 0);
        for (int64_t kw = 1; kw < KW; ++kw)
          row = maximumf(row, tap(kh, kw));
        acc = maximumf(acc, row);
      } else {
        for (int64_t kw = 0; kw < KW; ++kw)
          acc = _mm256_add_ps(acc, tap(kh, kw));
      }
    }
    ow += 8;
    if (ow >= OW) {
      ow = 0;
      ++oh;
    }
    if (oh < OH)
      old = loadOld(out + oh * OW + ow, std::min<int64_t>(8, OW - ow));
    if (count >= 8)
      _mm256_storeu_ps(o, acc);
    else
      _mm256_maskstore_ps(o, laneMask(count), acc);
  }
}

} // namespace

void sgemmBlockAvx2(int64_t M, int64_t nCols, int64_t K, const float *A,
                    int64_t lda, const float *B, int64_t panelStride, float *C,
                    int64_t ldc, const sgemm::BlockEpilogue *ep,
                    sgemm::ALayout aLayout) {
  sgemm::runSgemmBlock<kMaxMr, kSmallM>(kPackedRowTiles, kSmallRowTiles, M,
                                        nCols, K, A, lda, B, panelStride, C,
                                        ldc, ep, aLayout);
}

void packIm2colAvx2(const float *in, const int64_t *kOffsets, int64_t kc,
                    int64_t nc, int64_t sw, const PixelRun *runs,
                    const int32_t *runBegin, float *buf) {
  // Per half panel, the runs that meet it are resolved once (lane masks,
  // source offsets) and then read for every row k.
  struct Piece {
    __m256i lanes;  // lanes [first, first + len) of the half
    int64_t base;   // source offset of lane 0 (lane t reads t * sw)
    int64_t e0, e1; // stride 2: the elements [e0, e1) from base
  };
  const int64_t panels = (nc + kPanel - 1) / kPanel;
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i strided =
      _mm256_mullo_epi32(lane, _mm256_set1_epi32(static_cast<int>(sw)));
  for (int64_t q = 0; q < panels; ++q) {
    float *dst = buf + q * kc * kPanel;
    for (int h = 0; h < 2; ++h) {
      Piece pieces[8];
      int count = 0;
      bool whole = false;  // one run covering the half, stride 1
      bool whole2 = false; // the same, stride 2
      for (int32_t r = runBegin[q]; r < runBegin[q + 1]; ++r) {
        const PixelRun &run = runs[r];
        const int64_t first = run.dst - h * 8;
        if (first >= 8 || first + run.len <= 0)
          continue;
        const int64_t begin = std::max<int64_t>(first, 0),
                      end = std::min<int64_t>(first + run.len, 8);
        whole = sw == 1 && begin == 0 && end == 8;
        whole2 = sw == 2 && begin == 0 && end == 8;
        pieces[count++] = {
            _mm256_andnot_si256(
                _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(begin)),
                                   lane),
                _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(end)),
                                   lane)),
            run.srcOffset - first * sw, 2 * begin, 2 * end - 1};
      }
      float *d = dst + h * 8;
      if (count == 1 && whole) {
        const int64_t base = pieces[0].base;
        for (int64_t k = 0; k < kc; ++k)
          _mm256_storeu_ps(d + k * kPanel,
                           _mm256_loadu_ps(in + kOffsets[k] + base));
        continue;
      }
      if (count == 1 && whole2) {
        // Elements 0, 2, ..., 14 from base: 15 elements, the 16th (which
        // may lie past the input) masked off.
        const int64_t base = pieces[0].base;
        const __m256i upper = _mm256_cmpgt_epi32(_mm256_set1_epi32(7), lane);
        for (int64_t k = 0; k < kc; ++k) {
          const float *src = in + kOffsets[k] + base;
          const __m256 even = _mm256_shuffle_ps(
              _mm256_loadu_ps(src), _mm256_maskload_ps(src + 8, upper), 0x88);
          _mm256_storeu_ps(d + k * kPanel,
                           _mm256_castpd_ps(_mm256_permute4x64_pd(
                               _mm256_castps_pd(even), 0xd8)));
        }
        continue;
      }
      for (int64_t k = 0; k < kc; ++k) {
        const float *src = in + kOffsets[k];
        // Masked loads leave uncovered lanes zero, so pieces combine by OR;
        // masked-off lanes never touch memory.
        __m256 v = _mm256_setzero_ps();
        for (int i = 0; i < count; ++i) {
          const Piece &piece = pieces[i];
          if (sw == 1)
            v = _mm256_or_ps(v,
                             _mm256_maskload_ps(src + piece.base, piece.lanes));
          else if (sw == 2)
            v = _mm256_or_ps(
                v, loadEvenElements(src + piece.base, piece.e0, piece.e1));
          else
            v = _mm256_mask_i32gather_ps(v, src + piece.base, strided,
                                         _mm256_castsi256_ps(piece.lanes), 4);
        }
        _mm256_storeu_ps(d + k * kPanel, v);
      }
    }
  }
}

namespace {

/// 8 output columns of a depthwise plane: row `rows` of the input (the
/// first input row of the window), first column `col`, `count` valid
/// columns, written to o[col ..] (the residual, if any, at residual[col ..]).
struct DepthwiseVector {
  const float *rows;
  float *o;
  const float *residual;
  int64_t col, count;
};

/// V output vectors at once (any rows and columns of one plane): each
/// accumulator sums the taps in the loops' order (kh, then kw) from zero, so
/// V independent chains hide the FMA latency without changing any sum. Then,
/// without an epilogue, the sums are added to the output; with one, to
/// ep->init, and the epilogue follows, as sgemm::beginTile and
/// endTileVector do in memory (bit-identical).
template <int V>
void depthwiseVectors(const DepthwiseVector (&job)[4], int64_t W,
                      const float *w, int64_t KH, int64_t KW, int64_t sw,
                      int64_t dh, int64_t dw, const sgemm::BlockEpilogue *ep) {
  __m256 acc[V];
#pragma GCC unroll 4
  for (int v = 0; v < V; ++v)
    acc[v] = _mm256_setzero_ps();
  for (int64_t kh = 0; kh < KH; ++kh)
    for (int64_t kw = 0; kw < KW; ++kw) {
      const __m256 wv = _mm256_set1_ps(w[kh * KW + kw]);
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) {
        const int64_t at = job[v].col * sw + kw * dw;
        acc[v] = _mm256_fmadd_ps(wv,
                                 loadStrided(job[v].rows + kh * dh * W + at, sw,
                                             job[v].count, W - at),
                                 acc[v]);
      }
    }
  const VectorEpilogue e(ep);
#pragma GCC unroll 4
  for (int v = 0; v < V; ++v)
    finishVector(job[v].o + job[v].col, acc[v], job[v].count >= 8,
                 laneMask(job[v].count), e, e.biasSplat,
                 job[v].residual ? job[v].residual + job[v].col : nullptr);
}

/// Eight values from src spaced SW (1 or 2) apart; SW = 2 reads 16 values
/// (the caller makes sure the 16th is inside the row).
template <int SW>
__attribute__((always_inline)) inline __m256 loadFull(const float *src) {
  if constexpr (SW == 1) {
    return _mm256_loadu_ps(src);
  } else {
    const __m256 even =
        _mm256_shuffle_ps(_mm256_loadu_ps(src), _mm256_loadu_ps(src + 8), 0x88);
    return _mm256_castpd_ps(
        _mm256_permute4x64_pd(_mm256_castps_pd(even), 0xd8));
  }
}

/// One depthwise plane, four output vectors at a time (taken in row-major
/// order, across rows when a row is narrow); `ep` (one channel: rowBias
/// null, its bias in biasSplat, ldr the residual's row stride) is applied
/// in registers when not null.
void depthwiseRows(const float *in, int64_t W, const float *w, int64_t KH,
                   int64_t KW, float *out, int64_t OH, int64_t OW, int64_t sh,
                   int64_t sw, int64_t dh, int64_t dw,
                   const sgemm::BlockEpilogue *ep) {
  DepthwiseVector job[4];
  int pending = 0;
  for (int64_t oh = 0; oh < OH; ++oh) {
    const float *residual =
        ep && ep->residual ? ep->residual + oh * ep->ldr : nullptr;
    for (int64_t ow = 0; ow < OW; ow += 8) {
      job[pending++] = {in + oh * sh * W, out + oh * OW, residual, ow,
                        std::min<int64_t>(8, OW - ow)};
      if (pending == 4) {
        depthwiseVectors<4>(job, W, w, KH, KW, sw, dh, dw, ep);
        pending = 0;
      }
    }
  }
  switch (pending) {
  case 3:
    return depthwiseVectors<3>(job, W, w, KH, KW, sw, dh, dw, ep);
  case 2:
    return depthwiseVectors<2>(job, W, w, KH, KW, sw, dh, dw, ep);
  case 1:
    return depthwiseVectors<1>(job, W, w, KH, KW, sw, dh, dw, ep);
  default:
    return;
  }
}

/// The 3x3 kernel for an input plane that may be over-read (see `slack` in
/// depthwisePlaneAvx2) with unit dilation: R output rows x V vectors of 8
/// columns per step, every load a plain one (lanes past a row's end read
/// the next row or the slack and are never stored). Output row r, vector v
/// starts at out + r * OW + 8 v; columns at and past nValid are not
/// stored. Each accumulator sums the taps in the loops' order
/// from zero, as every other depthwise path here does.
template <int SW, int R, int V>
__attribute__((always_inline)) inline void
depthwise3x3Block(const float *in, int64_t inRow, int64_t W, float *out,
                  int64_t OW, const __m256 (&wv)[9], int64_t nValid,
                  const VectorEpilogue &e, const float *residual) {
  __m256 acc[R][V];
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v)
      acc[r][v] = _mm256_setzero_ps();
#pragma GCC unroll 3
  for (int kh = 0; kh < 3; ++kh)
#pragma GCC unroll 3
    for (int kw = 0; kw < 3; ++kw)
#pragma GCC unroll 4
      for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
        for (int v = 0; v < V; ++v)
          acc[r][v] = _mm256_fmadd_ps(
              wv[kh * 3 + kw],
              loadFull<SW>(in + r * inRow + kh * W + kw + 8 * SW * v),
              acc[r][v]);
  finishTile<R, V>(acc, out, OW, nValid, e, residual, e.ldr);
}

/// One plane through depthwise3x3Block: rows four at a time when a row is
/// one vector, two at a time when it is two, else each row in steps of four
/// vectors (the last step holding the row's last, partial vector).
template <int SW>
void depthwise3x3Plane(const float *in, int64_t W, const float *w, float *out,
                       int64_t OH, int64_t OW, int64_t sh,
                       const sgemm::BlockEpilogue *ep) {
  __m256 wv[9];
  for (int i = 0; i < 9; ++i)
    wv[i] = _mm256_set1_ps(w[i]);
  const int64_t vectors = (OW + 7) / 8;
  const VectorEpilogue e(ep);
  const int64_t inRow = sh * W;
  auto residualAt = [&](int64_t oh, int64_t col) -> const float * {
    return ep && ep->residual ? ep->residual + oh * ep->ldr + col : nullptr;
  };
  auto at = [&](int64_t oh, int64_t col) {
    return std::make_pair(in + oh * inRow + col * SW, out + oh * OW + col);
  };
  int64_t oh = 0;
  if (vectors == 1) {
    for (; oh + 4 <= OH; oh += 4) {
      auto [i, o] = at(oh, 0);
      depthwise3x3Block<SW, 4, 1>(i, inRow, W, o, OW, wv, OW, e,
                                  residualAt(oh, 0));
    }
  } else if (vectors == 2) {
    for (; oh + 2 <= OH; oh += 2) {
      auto [i, o] = at(oh, 0);
      depthwise3x3Block<SW, 2, 2>(i, inRow, W, o, OW, wv, OW, e,
                                  residualAt(oh, 0));
    }
  }
  for (; oh < OH; ++oh) {
    int64_t v = 0;
    // Steps of four whole vectors, while more than four remain.
    for (; vectors - v > 4; v += 4) {
      auto [i, o] = at(oh, 8 * v);
      depthwise3x3Block<SW, 1, 4>(i, inRow, W, o, OW, wv, OW - 8 * v, e,
                                  residualAt(oh, 8 * v));
    }
    auto [i, o] = at(oh, 8 * v);
    const float *res = residualAt(oh, 8 * v);
    switch (vectors - v) {
    case 4:
      depthwise3x3Block<SW, 1, 4>(i, inRow, W, o, OW, wv, OW - 8 * v, e, res);
      break;
    case 3:
      depthwise3x3Block<SW, 1, 3>(i, inRow, W, o, OW, wv, OW - 8 * v, e, res);
      break;
    case 2:
      depthwise3x3Block<SW, 1, 2>(i, inRow, W, o, OW, wv, OW - 8 * v, e, res);
      break;
    default:
      depthwise3x3Block<SW, 1, 1>(i, inRow, W, o, OW, wv, OW - 8 * v, e, res);
      break;
    }
  }
}

// Where a plane without enough slack after it is copied for the 3x3 kernel.
thread_local ScratchBuffer slackPlaneScratch;

// depthwiseChannelsAvx2's interleaved input and output.
thread_local ScratchBuffer interleavedInScratch, interleavedOutScratch;

/// Rows [r0, r1) of the 8 planes in + c * H * W padded by `top` rows and
/// `left` columns (and the rest up to Wp columns) of padValue, as positions
/// of 8 channels each, Wp per row, at T.
void interleaveRows(const float *in, int64_t H, int64_t W, int64_t top,
                    int64_t left, int64_t Wp, float padValue, int64_t r0,
                    int64_t r1, float *T) {
  const __m256 pv = _mm256_set1_ps(padValue);
  auto fill = [&](float *at, int64_t positions) {
    for (int64_t q = 0; q < positions; ++q)
      _mm256_store_ps(at + 8 * q, pv);
  };
  for (int64_t r = r0; r < r1; ++r) {
    float *row = T + (r - r0) * Wp * 8;
    const int64_t h = r - top;
    if (h < 0 || h >= H) {
      fill(row, Wp);
      continue;
    }
    fill(row, left);
    fill(row + (left + W) * 8, Wp - left - W);
    float *dst = row + left * 8;
    const float *src = in + h * W;
    int64_t x = 0;
    for (; x + 8 <= W; x += 8) {
      __m256 v[8];
      for (int c = 0; c < 8; ++c)
        v[c] = _mm256_loadu_ps(src + c * H * W + x);
      transpose8x8(v);
      for (int j = 0; j < 8; ++j)
        _mm256_store_ps(dst + (x + j) * 8, v[j]);
    }
    if (x < W) {
      // Whole loads, but for the last channel's last rows, whose lanes past
      // the row could lie past the eight planes (masked loads cost several
      // times as much on AMD's Zen 1).
      const __m256i m = laneMask(W - x);
      const int64_t plane = H * W, end = h * W + x + 8;
      __m256 v[8];
      for (int c = 0; c < 8; ++c)
        v[c] = c * plane + end <= 8 * plane
                   ? _mm256_loadu_ps(src + c * plane + x)
                   : _mm256_maskload_ps(src + c * plane + x, m);
      transpose8x8(v);
      // Unrolled with a test each: as a loop of W - x stores, GCC calls
      // memcpy on a copy of v.
#pragma GCC unroll 8
      for (int j = 0; j < 8; ++j)
        if (j < W - x)
          _mm256_store_ps(dst + (x + j) * 8, v[j]);
    }
  }
}

/// The sums of PX output pixels (at pixelAt[j] in the interleaved rows at
/// T) into O, 8 channels each: each sums its taps in (kh, kw) order from
/// zero; PX independent sums hide the FMA latency.
template <int PX>
__attribute__((always_inline)) inline void
interleavedPixels(const float *T, const int64_t *pixelAt, const __m256 *wv,
                  const int64_t *off, int64_t taps, float *O) {
  __m256 acc[PX];
  for (int j = 0; j < PX; ++j)
    acc[j] = _mm256_setzero_ps();
  for (int64_t t = 0; t < taps; ++t)
#pragma GCC unroll 6
    for (int j = 0; j < PX; ++j)
      acc[j] = _mm256_fmadd_ps(wv[t], _mm256_load_ps(T + pixelAt[j] + off[t]),
                               acc[j]);
  for (int j = 0; j < PX; ++j)
    _mm256_store_ps(O + 8 * j, acc[j]);
}

/// interleavedPlane for 3x3 taps of unit dilation at horizontal stride SW:
/// PX pixels of a row at a time, every load at a constant offset from one of
/// the three input rows (no offsets kept in registers or memory).
template <int SW, int PX>
__attribute__((always_inline)) inline void
interleaved3x3Pixels(const float *r0, const float *r1, const float *r2,
                     const __m256 (&wv)[9], float *O) {
  __m256 acc[PX];
#pragma GCC unroll 6
  for (int j = 0; j < PX; ++j)
    acc[j] = _mm256_setzero_ps();
  const float *rows[3] = {r0, r1, r2};
#pragma GCC unroll 3
  for (int kh = 0; kh < 3; ++kh)
#pragma GCC unroll 3
    for (int kw = 0; kw < 3; ++kw)
#pragma GCC unroll 6
      for (int j = 0; j < PX; ++j)
        acc[j] = _mm256_fmadd_ps(wv[kh * 3 + kw],
                                 _mm256_load_ps(rows[kh] + (j * SW + kw) * 8),
                                 acc[j]);
#pragma GCC unroll 6
  for (int j = 0; j < PX; ++j)
    _mm256_store_ps(O + 8 * j, acc[j]);
}

template <int SW>
void interleaved3x3Plane(const float *T, int64_t Wp, const __m256 (&wv)[9],
                         int64_t OH, int64_t OW, int64_t sh, float *O) {
  constexpr int kPx = 6;
  for (int64_t oh = 0; oh < OH; ++oh) {
    const float *r0 = T + oh * sh * Wp * 8, *r1 = r0 + Wp * 8,
                *r2 = r1 + Wp * 8;
    float *o = O + oh * OW * 8;
    int64_t ow = 0;
    for (; ow + kPx <= OW; ow += kPx) {
      const int64_t at = ow * SW * 8;
      interleaved3x3Pixels<SW, kPx>(r0 + at, r1 + at, r2 + at, wv, o + ow * 8);
    }
    for (; ow < OW; ++ow) {
      const int64_t at = ow * SW * 8;
      interleaved3x3Pixels<SW, 1>(r0 + at, r1 + at, r2 + at, wv, o + ow * 8);
    }
  }
}

/// The sums of OH x OW output pixels of the interleaved rows at T (Wp
/// positions each) into O, pixel after pixel.
void interleavedPlane(const float *T, int64_t Wp, const __m256 *wv,
                      const int64_t *off, int64_t taps, int64_t OH, int64_t OW,
                      int64_t sh, int64_t sw, float *O) {
  constexpr int kPx = 6;
  const int64_t P = OH * OW;
  int64_t oh = 0, ow = 0;
  auto next = [&] {
    const int64_t at = (oh * sh * Wp + ow * sw) * 8;
    if (++ow == OW) {
      ow = 0;
      ++oh;
    }
    return at;
  };
  int64_t p = 0;
  for (; p + kPx <= P; p += kPx) {
    int64_t pixelAt[kPx];
    for (int j = 0; j < kPx; ++j)
      pixelAt[j] = next();
    interleavedPixels<kPx>(T, pixelAt, wv, off, taps, O + p * 8);
  }
  for (; p < P; ++p) {
    const int64_t pixelAt[1] = {next()};
    interleavedPixels<1>(T, pixelAt, wv, off, taps, O + p * 8);
  }
}

} // namespace

void depthwisePlaneAvx2(const float *in, int64_t W, const float *w, int64_t KH,
                        int64_t KW, float *out, int64_t OH, int64_t OW,
                        int64_t sh, int64_t sw, int64_t dh, int64_t dw,
                        const sgemm::BlockEpilogue *ep, int64_t slack) {
  const bool wholeEpilogue = !ep || (ep->first && ep->last && !ep->rowBias);
  if (KH == 3 && KW == 3 && dh == 1 && dw == 1 && wholeEpilogue &&
      (sw == 1 || sw == 2)) {
    // Loads of whole vectors read at most 8 * sw + 8 values past the last
    // output's window; a plane that does not offer that many (one the
    // caller did not pad) is copied first, its rows the window reads and
    // the slack.
    const int64_t needed = 8 * sw + 8;
    if (slack < needed) {
      const int64_t floats = ((OH - 1) * sh + 3) * W;
      float *copy = reinterpret_cast<float *>(
          slackPlaneScratch.get((floats + needed) * sizeof(float)));
      std::memcpy(copy, in, floats * sizeof(float));
      std::fill_n(copy + floats, needed, 0.0f);
      in = copy;
    }
    if (sw == 1)
      depthwise3x3Plane<1>(in, W, w, out, OH, OW, sh, ep);
    else
      depthwise3x3Plane<2>(in, W, w, out, OH, OW, sh, ep);
    return;
  }
  // A plane's epilogue comes whole (first and last): the output starts as
  // init and is finished in registers.
  if (!wholeEpilogue) {
    sgemm::beginTile(ep, out, OW, OH, OW);
    depthwiseRows(in, W, w, KH, KW, out, OH, OW, sh, sw, dh, dw, nullptr);
    endTileVector(ep, out, OW, OH, OW);
    return;
  }
  depthwiseRows(in, W, w, KH, KW, out, OH, OW, sh, sw, dh, dw, ep);
}

void poolPlaneAvx2(bool max, const float *in, int64_t W, int64_t KH, int64_t KW,
                   float *out, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
                   int64_t dh, int64_t dw) {
  if (max)
    poolPlane<true>(in, W, KH, KW, out, OH, OW, sh, sw, dh, dw);
  else
    poolPlane<false>(in, W, KH, KW, out, OH, OW, sh, sw, dh, dw);
}

bool depthwiseChannelsAvx2(const float *in, int64_t H, int64_t W,
                           int64_t padTop, int64_t padLeft, int64_t padBottom,
                           int64_t padRight, float padValue, const float *w,
                           int64_t KH, int64_t KW, float *out, int64_t OH,
                           int64_t OW, int64_t sh, int64_t sw, int64_t dh,
                           int64_t dw, const sgemm::BlockEpilogue *ep) {
  constexpr int kMaxTaps = 25;
  // Output rows per band: the band's interleaved input and sums stay in
  // cache, and its pixels are a multiple of 8.
  constexpr int64_t kBand = 8;
  const int64_t taps = KH * KW;
  if (taps > kMaxTaps)
    return false;
  const int64_t Hp = H + padTop + padBottom, Wp = W + padLeft + padRight;
  const int64_t P = OH * OW, bandRows = std::min(kBand, OH);
  const int64_t inRows = (bandRows - 1) * sh + (KH - 1) * dh + 1;
  float *T = reinterpret_cast<float *>(
      interleavedInScratch.get(static_cast<size_t>(inRows * Wp * 8) * 4));
  float *O = reinterpret_cast<float *>(interleavedOutScratch.get(
      static_cast<size_t>((bandRows * OW + 7) / 8 * 8 * 8) * 4));
  __m256 wv[kMaxTaps];
  int64_t off[kMaxTaps];
  for (int64_t t = 0; t < taps; ++t) {
    alignas(32) float v[8];
    for (int c = 0; c < 8; ++c)
      v[c] = w[c * taps + t];
    wv[t] = _mm256_load_ps(v);
    off[t] = ((t / KW) * dh * Wp + (t % KW) * dw) * 8;
  }
  const VectorEpilogue e(ep);
  for (int64_t oh0 = 0; oh0 < OH; oh0 += kBand) {
    const int64_t rows = std::min(kBand, OH - oh0), r0 = oh0 * sh;
    const int64_t r1 = std::min(Hp, (oh0 + rows - 1) * sh + (KH - 1) * dh + 1);
    interleaveRows(in, H, W, padTop, padLeft, Wp, padValue, r0, r1, T);
    if (KH == 3 && KW == 3 && dh == 1 && dw == 1 && (sw == 1 || sw == 2)) {
      const __m256(&w9)[9] = *reinterpret_cast<const __m256(*)[9]>(wv);
      if (sw == 1)
        interleaved3x3Plane<1>(T, Wp, w9, rows, OW, sh, O);
      else
        interleaved3x3Plane<2>(T, Wp, w9, rows, OW, sh, O);
    } else {
      interleavedPlane(T, Wp, wv, off, taps, rows, OW, sh, sw, O);
    }
    const int64_t n = rows * OW, n8 = (n + 7) / 8 * 8;
    std::fill(O + n * 8, O + n8 * 8, 0.0f);
    // Back to planes, 8 pixels x 8 channels at a time, finished as the
    // plane kernels finish theirs.
    for (int64_t q = 0; q < n; q += 8) {
      __m256 v[8];
      for (int j = 0; j < 8; ++j)
        v[j] = _mm256_load_ps(O + (q + j) * 8);
      transpose8x8(v);
      __m256 acc[8][1];
      for (int c = 0; c < 8; ++c)
        acc[c][0] = v[c];
      const int64_t p = oh0 * OW + q;
      finishTile<8, 1>(acc, out + p, P, n - q, e,
                       e.residual ? e.residual + p : nullptr, P);
    }
  }
  return true;
}

} // namespace compress::cpu
