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
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace compress::cpu::sgemm {

constexpr int64_t kPanel = 16;
// K per block of a GEMM: a tile's rows of A (14 rows of kApStride = 400
// floats, 22 KiB) stay in L1 while B streams from L2. Measured on a Xeon
// with AMX (one thread): 384 ran 2-4% faster than 256, 512 no faster.
constexpr int64_t kKc = 384;
// The extra 16 floats keep consecutive rows out of the same L1 sets.
constexpr int64_t kApStride = kKc + 16;

/// maximumf and minimumf of MLIR's arith dialect: NaN in either operand
/// gives NaN, and -0 < +0.
inline float maximumfScalar(float a, float b) {
  if (std::isnan(a) || std::isnan(b))
    return a + b;
  if (a == b)
    return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
inline float minimumfScalar(float a, float b) {
  if (std::isnan(a) || std::isnan(b))
    return a + b;
  if (a == b)
    return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

/// The elementwise epilogue of a fused convolution (see
/// compress_cpu_conv2d_nchw_f32_fused) for one piece of C: when `first`, C
/// is not read and starts as `init`; when `last`, each element becomes
/// minimumf(maximumf((c + b_i) + residual(i, j), lo), hi) after the
/// accumulation, b_i = rowBias[i] (or biasSplat when null), the residual at
/// residual[i * ldr + j] (skipped when null). Row and column indices are
/// relative to the piece.
struct BlockEpilogue {
  bool first = true, last = true;
  float init = 0.0f;
  const float *rowBias = nullptr;
  float biasSplat = -0.0f;
  const float *residual = nullptr;
  int64_t ldr = 0;
  float lo = -std::numeric_limits<float>::infinity();
  float hi = std::numeric_limits<float>::infinity();

  float biasOf(int64_t row) const { return rowBias ? rowBias[row] : biasSplat; }
  float apply(float v, int64_t row, int64_t col) const {
    v = v + biasOf(row);
    if (residual)
      v = v + residual[row * ldr + col];
    return minimumfScalar(maximumfScalar(v, lo), hi);
  }
  /// The same epilogue for the piece starting at row `m0`, column `n0`.
  BlockEpilogue at(int64_t m0, int64_t n0) const {
    BlockEpilogue e = *this;
    if (e.rowBias)
      e.rowBias += m0;
    if (e.residual)
      e.residual += m0 * ldr + n0;
    return e;
  }
};

/// An epilogue copied into locals for a vector kernel (a store to C may
/// alias the fields of BlockEpilogue, which would then be reloaded after
/// each store), with what its clamp needs worked out once: with lo and hi
/// not NaN and hi not -0, maximumf(x, lo) is max(lo, x) as x86 computes it
/// (the second operand, x, when either is NaN or both are zeros) plus +0
/// when lo is +0 (the one zero max gets wrong: maximumf(-0, +0) = +0), and
/// minimumf(x, hi) is min(hi, x); an infinite bound that cannot clamp is
/// skipped. Bounds the shortcut cannot take (NaN, or hi = -0, where
/// minimumf(+0, -0) = -0) keep the general form (kGeneral). Each ISA file
/// adds its applyClamp.
struct EpilogueLocals {
  enum : unsigned { kLo = 1, kLoZero = 2, kHi = 4, kGeneral = 8 };
  bool active = false, first = false, last = false;
  unsigned clamp = 0;
  float init = 0.0f, lo = 0.0f, hi = 0.0f, biasSplat = 0.0f;
  const float *rowBias = nullptr, *residual = nullptr;
  int64_t ldr = 0;

  explicit EpilogueLocals(const BlockEpilogue *ep) {
    if (!ep)
      return;
    active = true;
    first = ep->first;
    last = ep->last;
    init = ep->init;
    lo = ep->lo;
    hi = ep->hi;
    biasSplat = ep->biasSplat;
    rowBias = ep->rowBias;
    residual = ep->residual;
    ldr = ep->ldr;
    const float inf = std::numeric_limits<float>::infinity();
    if (std::isnan(lo) || std::isnan(hi) || (hi == 0.0f && std::signbit(hi))) {
      clamp = kGeneral;
      return;
    }
    if (lo != -inf)
      clamp |= kLo | (lo == 0.0f && !std::signbit(lo) ? unsigned(kLoZero) : 0u);
    if (hi != inf)
      clamp |= kHi;
  }
  float biasOf(int64_t row) const { return rowBias ? rowBias[row] : biasSplat; }
};

/// For kernels that leave the epilogue to their caller: C starts as
/// ep->init (first) before a tile of rows x cols accumulates...
inline void beginTile(const BlockEpilogue *ep, float *c, int64_t ldc,
                      int64_t rows, int64_t cols) {
  if (ep && ep->first)
    for (int64_t i = 0; i < rows; ++i)
      std::fill_n(c + i * ldc, cols, ep->init);
}
/// ... and gets the epilogue (last) after it.
inline void endTile(const BlockEpilogue *ep, float *c, int64_t ldc,
                    int64_t rows, int64_t cols) {
  if (ep && ep->last)
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        c[i * ldc + j] = ep->apply(c[i * ldc + j], i, j);
}

/// A packed-A micro-kernel for MR rows: C[MR x nCols] += Ap[MR x kc] * B
/// (row i of Ap at ap + i * lda, lda a padded stride), with the epilogue
/// `ep` when it is not null.
using RowTileFn = void (*)(int64_t kc, const float *ap, int64_t lda,
                           const float *b, int64_t panelStride, int64_t nCols,
                           float *c, int64_t ldc, const BlockEpilogue *ep);
/// A kernel for a few rows read in place, without K blocking.
using SmallRowTileFn = void (*)(int64_t k, const float *a, int64_t lda,
                                const float *b, int64_t panelStride,
                                int64_t nCols, float *c, int64_t ldc,
                                const BlockEpilogue *ep);

/// One tile of a convolution whose GEMM rows are output pixels and whose B
/// is the filter in 16-filter panels (SGemm.cpp's conv2dF32Rows): `mr`
/// pixels of one output row (or, when rowPixels is not 0, rowPixels pixels
/// of each of two rows, the second's input rowStride floats after the
/// first's) against `panels` filter panels over one K block of kc rows.
/// Pixel i of a row reads row k of its window at in[kOffsets[k] + i * sw];
/// panel p's row k is the 16 floats at
/// w + p * kc * 16 + k * 16. The sums go to `partial`, mr rows of
/// panels * 16 floats, pixel-major: partial = init + sums when `first`,
/// else partial + sums (the order of the row-tile kernels' C + sums).
struct ConvRowTile {
  int64_t mr = 0, panels = 0, kc = 0, sw = 1, rowPixels = 0, rowStride = 0;
  const float *in = nullptr;
  const int64_t *kOffsets = nullptr;
  const float *w = nullptr;
  float *partial = nullptr;
  bool first = false;
  float init = 0.0f;
};

/// Where a ConvRowTile's sums end: filter f's outputs (the tile's mr
/// pixels) at out + f * planeStride, f < filters, and its residual (when
/// not null) likewise; ep's row f is filter f (its bias, residual stride
/// and clamp apply when ep is not null).
struct ConvRowOut {
  float *out = nullptr;
  int64_t planeStride = 0, filters = 0;
  const float *residual = nullptr;
  const BlockEpilogue *ep = nullptr;
};

/// How runSgemmBlock finds the rows of A (see there).
enum ALayout { kARows, kABlocked, kAPanels, kAPacked };

/// Copies rows [m0, m0 + mr) of a K x 16-panel A (kAPanels) into `dst`,
/// row i at dst + i * dstStride.
inline void gatherPanelRows(const float *A, int64_t K, int64_t m0, int64_t mr,
                            float *dst, int64_t dstStride) {
  for (int64_t i = 0; i < mr; ++i) {
    const float *src = A + (m0 + i) / 16 * K * 16 + (m0 + i) % 16;
    for (int64_t k = 0; k < K; ++k)
      dst[i * dstStride + k] = src[k * 16];
  }
}

/// The row stride of a K block of kc columns of A laid out for the row
/// tiles (also the layout of packed convolution filters): kc rounded up to
/// 16 floats, plus 16 when that is a multiple of 1 KiB, so that the rows of
/// a tile do not pile up in a few L1 sets.
inline int64_t blockedRowStride(int64_t kc) {
  int64_t stride = (kc + 15) / 16 * 16;
  return stride % 256 == 0 ? stride + 16 : stride;
}

/// C[M x nCols] += A[M x K] * B for one block of B16 panels (with the
/// epilogue `ep` when it is not null): few rows go to `smallTiles` directly;
/// otherwise A runs K block by K block in equal tiles of at most MaxMr rows
/// (128 rows run as 13+...+12, not 9 x 14 and a slow 2) through `rowTiles`.
/// The tiles are copied into a buffer with a padded row stride (kARows),
/// except for the packed convolution filters' layouts, where K <= kKc:
/// kABlocked, A already is such a block (lda = blockedRowStride(K)), read in
/// place; kAPanels, A is ceil(M / 16) panels of K rows of 16 (row m at
/// A + (m / 16) * K * 16 + m % 16, lda unused), gathered into the buffer.
/// kAPacked: A was copied once for the whole GEMM into the buffer's layout,
/// K block by K block (row m of K block b at A + b * lda + m * kApStride),
/// and is read in place.
template <int MaxMr, int SmallM>
inline void runSgemmBlock(const RowTileFn (&rowTiles)[MaxMr + 1],
                          const SmallRowTileFn (&smallTiles)[SmallM + 1],
                          int64_t M, int64_t nCols, int64_t K, const float *A,
                          int64_t lda, const float *B, int64_t panelStride,
                          float *C, int64_t ldc, const BlockEpilogue *ep,
                          ALayout aLayout = kARows) {
  if (M <= SmallM && aLayout != kAPanels && aLayout != kAPacked) {
    smallTiles[M](K, A, lda, B, panelStride, nCols, C, ldc, ep);
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
      const float *tile = A + m0 * lda;
      int64_t tileStride = lda;
      if (aLayout == kAPacked) {
        tile = A + (k0 / kKc) * lda + m0 * kApStride;
        tileStride = kApStride;
      } else if (aLayout == kAPanels) {
        gatherPanelRows(A, K, m0, mr, ap, kApStride);
        tile = ap;
        tileStride = kApStride;
      } else if (aLayout == kARows) {
        for (int64_t i = 0; i < mr; ++i)
          std::memcpy(ap + i * kApStride, A + (m0 + i) * lda + k0,
                      kc * sizeof(float));
        tile = ap;
        tileStride = kApStride;
      }
      BlockEpilogue tileEp;
      if (ep) {
        tileEp = ep->at(m0, 0);
        tileEp.first = ep->first && k0 == 0;
        tileEp.last = ep->last && k0 + kc >= K;
      }
      rowTiles[mr](kc, tile, tileStride, B + k0 * kPanel, panelStride, nCols,
                   C + m0 * ldc, ldc, ep ? &tileEp : nullptr);
      m0 += mr;
    }
  }
}

} // namespace compress::cpu::sgemm

#endif // COMPRESS_RUNTIME_CPU_SGEMMBLOCKING_H
