//===- SGemm.cpp - fp32 GEMM and convolution kernels ----------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// This file is compiled for baseline x86-64, so it holds everything that must
// run on any CPU: packing, the dispatcher, the threading and convolution
// drivers and the portable kernels. The AVX2 and AVX-512 kernels live in
// files compiled for those ISAs and are entered only after effectiveIsa()
// has confirmed the host runs them.
//
// Every path shares one blocking scheme (see sgemmBlockPortable and its ISA
// twins): for each K block of at most 256, each tile of a few rows of A is
// copied into a small buffer with a fixed row stride (so the micro-kernel
// addresses the rows with constant displacements, and a power-of-two lda
// cannot make the rows fight over one L1 set), then the tile sweeps every
// 16-column panel of the B block the caller hands over. The caller keeps that
// block (256 x up to kNc columns) small enough to stay in L2.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"
#include "SGemmBlocking.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <tuple>
#include <vector>

namespace compress::cpu {

// C[0:M, 0:nCols] += A[0:M, 0:K] * B where B holds ceil(nCols / 16) B16
// panels of K rows, panel p starting at B + p * panelStride. Implemented in
// SGemmAvx2.cpp and SGemmAvx512.cpp.
// aLayout says how A is laid out (sgemm::runSgemmBlock): plain rows, or
// one K block (K <= 256) of a packed convolution filter.
void sgemmBlockAvx2(int64_t M, int64_t nCols, int64_t K, const float *A,
                    int64_t lda, const float *B, int64_t panelStride, float *C,
                    int64_t ldc, const sgemm::BlockEpilogue *ep,
                    sgemm::ALayout aLayout);
void sgemmBlockAvx512(int64_t M, int64_t nCols, int64_t K, const float *A,
                      int64_t lda, const float *B, int64_t panelStride,
                      float *C, int64_t ldc, const sgemm::BlockEpilogue *ep,
                      sgemm::ALayout aLayout);
// sgemmBlockAvx512 with B unpacked (and A blocked, K <= 256): row k of the
// nCols columns starts at B + k * ldb, as in a 1x1 stride-1 convolution's
// input planes, which then need no im2col copy.
void sgemmBlockDirectBAvx512(int64_t M, int64_t nCols, int64_t K,
                             const float *A, int64_t lda, const float *B,
                             int64_t ldb, float *C, int64_t ldc,
                             const sgemm::BlockEpilogue *ep);
// Rows [r0, r1) of the srcH x srcW plane `src` padded by `top` rows and
// `left`/`right` columns of `value`, at dst (rows of srcW + left + right
// floats); rows outside the plane are all padding.
void padRowsAvx512(const float *src, int64_t srcH, int64_t srcW, int64_t top,
                   int64_t left, int64_t right, float value, int64_t r0,
                   int64_t r1, float *dst);
// A max pooling on outputs that start at -inf, not read (KW >= 2).
void poolPlaneMaxFreshAvx512(const float *in, int64_t W, int64_t KH, int64_t KW,
                             float *out, int64_t OH, int64_t OW, int64_t sh,
                             int64_t sw, int64_t dh, int64_t dw);
// The pixel-row convolution tiles (sgemm::ConvRowTile), AVX-512 only:
// sums of a tile (mr <= 14 pixels of one row, or rowPixels <= 7 pixels of
// each of two rows; up to two panels; sw 1 or 2); the output tile read
// into the sums (a convolution without an epilogue accumulates onto its
// output); the sums finished into the output.
void convRowTileAvx512(const sgemm::ConvRowTile &t);
void convRowLoadAvx512(const sgemm::ConvRowTile &t, const sgemm::ConvRowOut &o);
void convRowFinishAvx512(const sgemm::ConvRowTile &t,
                         const sgemm::ConvRowOut &o);
// The sums of `rows` (even) output rows of OW (even) pixels at `partial`
// (pixel p's `panels` x 16 filters at partial + p * panels * 16) pooled
// 2x2 at stride 2 (maximumf, the pooling kernel's order) and then
// finished as convRowFinishAvx512 finishes (bias and clamp of `ep`, no
// residual): pooled filter f's (rows / 2) x (OW / 2) outputs at
// out + f * planeStride, f < filters. The same bits as finishing, then
// pooling: adding a constant, rounding and clamping never reorder values.
void convRowPoolFinishAvx512(const float *partial, int64_t panels, int64_t rows,
                             int64_t OW, int64_t filters,
                             const sgemm::BlockEpilogue *ep, float *out,
                             int64_t planeStride);
/// A piece of one packed panel row whose source pixels are equally spaced
/// (by the horizontal stride) in the input: panel lanes [dst, dst + len) take
/// in[kOffset + srcOffset + t * sw], t < len. Defined identically in the ISA
/// files.
struct PixelRun {
  int32_t dst;
  int32_t len;
  int64_t srcOffset;
};

// Packs kc rows of the im2col matrix, row k starting at in + kOffsets[k], for
// the nc pixels described by `runs` (panel q owns runs [runBegin[q],
// runBegin[q + 1])) into B16 panels of kc rows at buf, zero past nc.
void packIm2colAvx2(const float *in, const int64_t *kOffsets, int64_t kc,
                    int64_t nc, int64_t sw, const PixelRun *runs,
                    const int32_t *runBegin, float *buf);
void packIm2colAvx512(const float *in, const int64_t *kOffsets, int64_t kc,
                      int64_t nc, int64_t sw, const PixelRun *runs,
                      const int32_t *runBegin, float *buf);
// One channel plane of a max or sum pooling (accumulating).
void poolPlaneAvx2(bool max, const float *in, int64_t W, int64_t KH, int64_t KW,
                   float *out, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
                   int64_t dh, int64_t dw);
void poolPlaneAvx512(bool max, const float *in, int64_t W, int64_t KH,
                     int64_t KW, float *out, int64_t OH, int64_t OW, int64_t sh,
                     int64_t sw, int64_t dh, int64_t dw);
// One channel plane of a depthwise convolution (accumulating, or with the
// epilogue `ep` when it is not null: bias in ep->biasSplat, residual rows
// ep->ldr = OW apart). `slack`: how many floats past the end of the input
// plane may be read (their values unused).
void depthwisePlaneAvx2(const float *in, int64_t W, const float *w, int64_t KH,
                        int64_t KW, float *out, int64_t OH, int64_t OW,
                        int64_t sh, int64_t sw, int64_t dh, int64_t dw,
                        const sgemm::BlockEpilogue *ep, int64_t slack);
// Eight channels of a depthwise convolution at once, vectorized across them,
// for planes whose rows are too short for vectors of their own: the planes
// in + c * H * W (c < 8), padded by padTop/padLeft/padBottom/padRight rows
// and columns of padValue, filters w + c * KH * KW, outputs out + c * OH * OW
// (accumulating, or with `ep`: bias ep->biasOf(c), residual ep->residual +
// c * OH * OW). Each output is the sum of its taps in (kh, kw) order from
// zero, finished as depthwisePlaneAvx2 finishes it: the same bits. False
// (nothing done) for more than 25 taps.
bool depthwiseChannelsAvx2(const float *in, int64_t H, int64_t W,
                           int64_t padTop, int64_t padLeft, int64_t padBottom,
                           int64_t padRight, float padValue, const float *w,
                           int64_t KH, int64_t KW, float *out, int64_t OH,
                           int64_t OW, int64_t sh, int64_t sw, int64_t dh,
                           int64_t dw, const sgemm::BlockEpilogue *ep);
// A 3x3 depthwise plane (dilation 1, strides 1 or 2 alike) of the
// unpadded H x W plane `src` padded on the fly by `top` rows and `left`
// columns (and as many more as OH x OW needs) of `value`, finished as
// depthwisePlaneAvx512 finishes (ep's residual rows OW apart): the bits of
// depthwisePlaneAvx512 on the padded copy. False (nothing done) for other
// windows.
bool depthwisePaddedPlaneAvx512(const float *src, int64_t H, int64_t W,
                                int64_t top, int64_t left, float value,
                                const float *w, int64_t KH, int64_t KW,
                                float *out, int64_t OH, int64_t OW, int64_t sh,
                                int64_t sw, int64_t dh, int64_t dw,
                                const sgemm::BlockEpilogue *ep);
void depthwisePlaneAvx512(const float *in, int64_t W, const float *w,
                          int64_t KH, int64_t KW, float *out, int64_t OH,
                          int64_t OW, int64_t sh, int64_t sw, int64_t dh,
                          int64_t dw, const sgemm::BlockEpilogue *ep,
                          int64_t slack);

namespace {

using sgemm::BlockEpilogue;
using SgemmBlockFn = void (*)(int64_t, int64_t, int64_t, const float *, int64_t,
                              const float *, int64_t, float *, int64_t,
                              const BlockEpilogue *, sgemm::ALayout);
using DepthwisePlaneFn = void (*)(const float *, int64_t, const float *,
                                  int64_t, int64_t, float *, int64_t, int64_t,
                                  int64_t, int64_t, int64_t, int64_t,
                                  const BlockEpilogue *, int64_t);
using PackIm2colFn = void (*)(const float *, const int64_t *, int64_t, int64_t,
                              int64_t, const PixelRun *, const int32_t *,
                              float *);

constexpr int64_t kPanel = 16;
// Columns of B (a convolution's pixels) per block: 256 x 512 floats
// (512 KiB) stay in L2.
constexpr int64_t kNc = 512;
// Columns of B per block of a GEMM, whose K blocks are sgemm::kKc = 384
// deep: 384 x 384 floats (576 KiB) stay in L2 (1 MiB on Zen 4 and 5, 2 MiB
// on Sapphire/Emerald Rapids).
constexpr int64_t kDenseNc = 384;
// Rows of the im2col block a convolution packs at a time.
constexpr int64_t kConvKc = 256;
// Whether a convolution's filter is packed in 16-filter panels for
// conv2dF32Rows (see compress_cpu_pack_conv_filter_f32), which takes the
// output pixels as GEMM rows: no im2col matrix and no lanes left empty by
// images of few pixels, for the price of a 16 x 16 transpose per tile and
// filter panel (about 8 / K of the work, so only for K >= 64). Groups and
// filter counts that would leave panel lanes empty keep the row-major
// layout. (1x1 convolutions gain too: MobileNet-v2 at batch 1 ran 4.6%
// faster with them than without.)
bool convFilterPanels(int64_t F, int64_t Cg, int64_t KH, int64_t KW,
                      int64_t groups) {
  return groups == 1 && F % kPanel == 0 && Cg * KH * KW >= 64;
}

// The fewest taps per output (K) for which a pooled convolution whose
// filter is packed in rows copies it into panels for conv2dF32Rows.
constexpr int64_t kMinPooledRowsK = 8;

// Below this many flops a parallel region costs more than it saves.
constexpr double kMinParallelFlops = 1 << 18;

//===----------------------------------------------------------------------===//
// Portable kernel
//===----------------------------------------------------------------------===//

constexpr int64_t kPortableKc = 256;
constexpr int64_t kPortableApStride = kPortableKc + 16;
constexpr int kPortableMaxMr = 4;

/// MR rows x one 16-column panel; the j loops are what the compiler
/// vectorizes (four SSE registers per row).
template <int MR>
void portableMicroKernel(int64_t kc, const float *ap, const float *b, float *c,
                         int64_t ldc, int64_t nValid) {
  float acc[MR][kPanel] = {};
  for (int64_t k = 0; k < kc; ++k) {
    const float *bk = b + k * kPanel;
    for (int i = 0; i < MR; ++i) {
      float a = ap[i * kPortableApStride + k];
      for (int j = 0; j < kPanel; ++j)
        acc[i][j] += a * bk[j];
    }
  }
  int64_t n = std::min<int64_t>(nValid, kPanel);
  for (int i = 0; i < MR; ++i)
    for (int64_t j = 0; j < n; ++j)
      c[i * ldc + j] += acc[i][j];
}

template <int MR>
void portableRowTile(int64_t kc, const float *ap, const float *b,
                     int64_t panelStride, int64_t nCols, float *c,
                     int64_t ldc) {
  for (int64_t n = 0; n < nCols; n += kPanel)
    portableMicroKernel<MR>(kc, ap, b + (n / kPanel) * panelStride, c + n, ldc,
                            nCols - n);
}

/// The portable path copies A tiles whatever A's layout (kABlocked only
/// allows reading it in place).
void sgemmBlockPortable(int64_t M, int64_t nCols, int64_t K, const float *A,
                        int64_t lda, const float *B, int64_t panelStride,
                        float *C, int64_t ldc, const BlockEpilogue *ep,
                        sgemm::ALayout aLayout) {
  using RowTileFn = void (*)(int64_t, const float *, const float *, int64_t,
                             int64_t, float *, int64_t);
  static constexpr RowTileFn rowTiles[] = {
      nullptr, portableRowTile<1>, portableRowTile<2>, portableRowTile<3>,
      portableRowTile<4>};
  float ap[kPortableMaxMr * kPortableApStride];
  for (int64_t k0 = 0; k0 < K; k0 += kPortableKc) {
    int64_t kc = std::min(kPortableKc, K - k0);
    for (int64_t m0 = 0; m0 < M; m0 += kPortableMaxMr) {
      int64_t mr = std::min<int64_t>(kPortableMaxMr, M - m0);
      if (aLayout == sgemm::kAPanels) // then K <= kPortableKc
        sgemm::gatherPanelRows(A, K, m0, mr, ap, kPortableApStride);
      else
        for (int64_t i = 0; i < mr; ++i)
          std::memcpy(ap + i * kPortableApStride, A + (m0 + i) * lda + k0,
                      kc * sizeof(float));
      BlockEpilogue tileEp;
      if (ep) {
        tileEp = ep->at(m0, 0);
        tileEp.first = ep->first && k0 == 0;
        tileEp.last = ep->last && k0 + kc >= K;
      }
      float *c = C + m0 * ldc;
      sgemm::beginTile(ep ? &tileEp : nullptr, c, ldc, mr, nCols);
      rowTiles[mr](kc, ap, B + k0 * kPanel, panelStride, nCols, c, ldc);
      sgemm::endTile(ep ? &tileEp : nullptr, c, ldc, mr, nCols);
    }
  }
}

void depthwiseRowsPortable(const float *in, int64_t W, const float *w,
                           int64_t KH, int64_t KW, float *out, int64_t OH,
                           int64_t OW, int64_t sh, int64_t sw, int64_t dh,
                           int64_t dw) {
  for (int64_t oh = 0; oh < OH; ++oh) {
    float *o = out + oh * OW;
    for (int64_t kh = 0; kh < KH; ++kh) {
      const float *row = in + (oh * sh + kh * dh) * W;
      for (int64_t kw = 0; kw < KW; ++kw) {
        float wv = w[kh * KW + kw];
        const float *src = row + kw * dw;
        // Unit stride gets its own loop so that it vectorizes.
        if (sw == 1)
          for (int64_t ow = 0; ow < OW; ++ow)
            o[ow] += wv * src[ow];
        else
          for (int64_t ow = 0; ow < OW; ++ow)
            o[ow] += wv * src[ow * sw];
      }
    }
  }
}

void depthwisePlanePortable(const float *in, int64_t W, const float *w,
                            int64_t KH, int64_t KW, float *out, int64_t OH,
                            int64_t OW, int64_t sh, int64_t sw, int64_t dh,
                            int64_t dw, const BlockEpilogue *ep,
                            int64_t /*slack*/) {
  sgemm::beginTile(ep, out, OW, OH, OW);
  depthwiseRowsPortable(in, W, w, KH, KW, out, OH, OW, sh, sw, dh, dw);
  sgemm::endTile(ep, out, OW, OH, OW);
}

//===----------------------------------------------------------------------===//
// Dispatch and threading
//===----------------------------------------------------------------------===//

SgemmBlockFn selectSgemmBlock(int64_t isa) {
#if defined(COMPRESS_CPU_X86)
  switch (effectiveIsa(isa)) {
  case COMPRESS_CPU_ISA_PORTABLE:
    return sgemmBlockPortable;
  case COMPRESS_CPU_ISA_AVX2:
    return sgemmBlockAvx2;
  default:
    return sgemmBlockAvx512;
  }
#else
  (void)isa;
  return sgemmBlockPortable;
#endif
}

/// One channel plane of a max (maximumf: NaN-propagating, -0 < +0) or sum
/// pooling, accumulating into `out` in the loops' order (kh, then kw).
void poolPlanePortable(bool max, const float *in, int64_t W, int64_t KH,
                       int64_t KW, float *out, int64_t OH, int64_t OW,
                       int64_t sh, int64_t sw, int64_t dh, int64_t dw) {
  for (int64_t oh = 0; oh < OH; ++oh)
    for (int64_t ow = 0; ow < OW; ++ow) {
      float acc = out[oh * OW + ow];
      for (int64_t kh = 0; kh < KH; ++kh)
        for (int64_t kw = 0; kw < KW; ++kw) {
          float v = in[(oh * sh + kh * dh) * W + ow * sw + kw * dw];
          if (!max)
            acc += v;
          else if (std::isnan(acc) || std::isnan(v))
            acc = acc + v;
          else if (acc == v)
            acc = std::signbit(acc) ? v : acc; // -0 < +0
          else
            acc = acc > v ? acc : v;
        }
      out[oh * OW + ow] = acc;
    }
}

using PoolPlaneFn = void (*)(bool, const float *, int64_t, int64_t, int64_t,
                             float *, int64_t, int64_t, int64_t, int64_t,
                             int64_t, int64_t);

PoolPlaneFn selectPoolPlane(int64_t isa) {
#if defined(COMPRESS_CPU_X86)
  if (effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX512)
    return poolPlaneAvx512;
  if (effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX2)
    return poolPlaneAvx2;
#endif
  (void)isa;
  return poolPlanePortable;
}

/// Pools `rows` output rows of OW outputs from the plane `in` (W wide) for
/// compress_cpu_pool2d_nchw_f32's `kind`: COMPRESS_CPU_POOL_MAX_FRESH runs
/// the AVX-512 kernel that does not read the outputs when it can (rows of
/// at least two taps), otherwise fills them with -inf and accumulates.
void poolRows(int64_t isa, int64_t kind, PoolPlaneFn plane, const float *in,
              int64_t W, int64_t KH, int64_t KW, float *out, int64_t rows,
              int64_t OW, int64_t sh, int64_t sw, int64_t dh, int64_t dw) {
  if (kind == COMPRESS_CPU_POOL_MAX_FRESH) {
#if defined(COMPRESS_CPU_X86)
    if (KW >= 2 && effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX512) {
      poolPlaneMaxFreshAvx512(in, W, KH, KW, out, rows, OW, sh, sw, dh, dw);
      return;
    }
#endif
    std::fill_n(out, rows * OW, -std::numeric_limits<float>::infinity());
  }
  plane(kind != COMPRESS_CPU_POOL_SUM, in, W, KH, KW, out, rows, OW, sh, sw, dh,
        dw);
}

DepthwisePlaneFn selectDepthwisePlane(int64_t isa) {
#if defined(COMPRESS_CPU_X86)
  switch (effectiveIsa(isa)) {
  case COMPRESS_CPU_ISA_PORTABLE:
    return depthwisePlanePortable;
  case COMPRESS_CPU_ISA_AVX2:
    return depthwisePlaneAvx2;
  default:
    return depthwisePlaneAvx512;
  }
#else
  (void)isa;
  return depthwisePlanePortable;
#endif
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

float floatFromBits(int64_t bits) {
  uint32_t word = static_cast<uint32_t>(bits);
  float value;
  std::memcpy(&value, &word, sizeof(value));
  return value;
}

/// The epilogue of a fused call's arguments, for the whole output
/// (compress_cpu_conv2d_nchw_f32_fused): biases per output channel.
BlockEpilogue makeConvEpilogue(int64_t initBits, const float *bias,
                               int64_t biasSplatBits, const float *residual,
                               int64_t loBits, int64_t hiBits) {
  BlockEpilogue ep;
  ep.init = floatFromBits(initBits);
  ep.rowBias = bias;
  ep.biasSplat = floatFromBits(biasSplatBits);
  ep.residual = residual;
  ep.lo = floatFromBits(loBits);
  ep.hi = floatFromBits(hiBits);
  return ep;
}

/// How many threads a problem of `flops` may use, given `tasks` independent
/// pieces of work.
int threadsFor(int64_t threads, double flops, int64_t tasks) {
  int t = resolveThreads(threads);
  if (flops < kMinParallelFlops)
    return 1;
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(t, tasks)));
}

/// Splits [0, n) into `parts` nearly equal ranges in units of `unit`;
/// returns range `i`.
std::pair<int64_t, int64_t> splitRange(int64_t n, int64_t unit, int64_t parts,
                                       int64_t i) {
  int64_t units = ceilDiv(n, unit);
  int64_t b = units * i / parts * unit, e = units * (i + 1) / parts * unit;
  return {std::min(b, n), std::min(e, n)};
}

/// sgemmPacked's copy of A in the block kernels' layout (kAPacked), up to
/// kMaxPackedA bytes.
thread_local ScratchBuffer packedAScratch;
constexpr size_t kMaxPackedA = size_t(32) << 20;

void sgemmPacked(int64_t isa, int64_t M, int64_t N, int64_t K, const float *A,
                 int64_t lda, const float *Bp, float *C, int64_t ldc,
                 int64_t threads) {
  if (M <= 0 || N <= 0 || K <= 0)
    return;
  SgemmBlockFn block = selectSgemmBlock(isa);
  // Tasks split N first: each then streams only its share of B, the
  // operand that is large for every shape that matters. Column ranges are
  // whole 32-column panel pairs so that no kernel runs a lone panel. About
  // four tasks per thread, handed out dynamically, keep the threads level
  // when a core is shared with other work.
  int64_t pairs = ceilDiv(N, 2 * kPanel);
  int nThreads = threadsFor(threads, 2.0 * M * N * K, pairs * M);
  int64_t tn = 1, tm = 1;
  if (nThreads > 1) {
    // About 4 * nThreads tasks in a tm x tn grid (rows of at least 28)
    // whose tasks each read the fewest rows of A plus columns of B: a
    // 128 x 3072 output splits its columns 8 ways, a 1024 x 1024 one 2 x 4
    // (its 8 column strips read all of A each and scaled 1.78x on two
    // threads, the grid 1.9x). On ties the grid splitting N more wins
    // (threads then read disjoint parts of B).
    const int64_t target = 4 * nThreads;
    int64_t best = -1;
    for (int64_t m = 1; m <= std::min(target, std::max<int64_t>(1, M / 28));
         ++m) {
      const int64_t n = std::min(pairs, std::max<int64_t>(1, target / m));
      if (m * n < nThreads)
        continue;
      const int64_t cost = ceilDiv(M, m) + ceilDiv(N, n);
      if (best < 0 || cost < best) {
        best = cost;
        tm = m;
        tn = n;
      }
    }
  }
  // Where several tasks or column blocks run over the same rows, A is
  // copied into the block kernels' tile layout once for all of them (each
  // would copy its tiles again: a 1024^3 product on two threads in 8 tasks
  // copied A 8 times and scaled 1.7x instead of 1.9x), unless that copy
  // would be large (then each block copies its own tiles).
  const int64_t kBlocks = ceilDiv(K, sgemm::kKc);
  const size_t packedBytes =
      static_cast<size_t>(kBlocks * M * sgemm::kApStride) * sizeof(float);
  const bool prepack = block != sgemmBlockPortable && M > 8 &&
                       (tn > 1 || N > kDenseNc) && packedBytes <= kMaxPackedA;
  const float *a = A;
  int64_t aRow = lda, aLd = lda;
  sgemm::ALayout layout = sgemm::kARows;
  if (prepack) {
    float *packed = reinterpret_cast<float *>(packedAScratch.get(packedBytes));
    const int64_t chunk = 64;
    parallelFor(nThreads, ceilDiv(M, chunk), [&](int64_t part) {
      for (int64_t i = part * chunk; i < std::min(M, (part + 1) * chunk); ++i)
        for (int64_t b = 0; b < kBlocks; ++b) {
          int64_t k0 = b * sgemm::kKc, kc = std::min(sgemm::kKc, K - k0);
          std::memcpy(packed + (b * M + i) * sgemm::kApStride, A + i * lda + k0,
                      kc * sizeof(float));
        }
    });
    a = packed;
    aRow = sgemm::kApStride;
    aLd = M * sgemm::kApStride;
    layout = sgemm::kAPacked;
  }
  parallelFor(nThreads, tn * tm, [&](int64_t part) {
    auto [m0, m1] = splitRange(M, 1, tm, part / tn);
    auto [n0, n1] = splitRange(N, 2 * kPanel, tn, part % tn);
    for (int64_t nb = n0; nb < n1; nb += kDenseNc) {
      int64_t nc = std::min(kDenseNc, n1 - nb);
      block(m1 - m0, nc, K, a + m0 * aRow, aLd, Bp + (nb / kPanel) * K * kPanel,
            K * kPanel, C + m0 * ldc + nb, ldc, nullptr, layout);
    }
  });
}

//===----------------------------------------------------------------------===//
// Convolution: im2col straight into B16 panels
//===----------------------------------------------------------------------===//

/// The im2col view of one image and group: col(k, p) with k = (c, kh, kw)
/// and p = (oh, ow).
struct ConvGeometry {
  int64_t H, W, KH, KW, OW, sh, sw, dh, dw;
};

/// Describes the pixels [p0, p0 + nc) as runs per panel (panel q owns runs
/// [runBegin[q], runBegin[q + 1])). Output pixels along a row map to input
/// columns sw apart; a run breaks where the output row changes (unless the
/// input happens to continue, as in a 1x1 stride-1 convolution).
///
/// With `imagePixels` (OH * OW), the pixels are those of consecutive images
/// (pixel p of the sequence is pixel p % imagePixels of image p /
/// imagePixels, whose input starts imageStride floats after the previous
/// one's); a run also breaks between images.
void describePixels(const ConvGeometry &g, int64_t p0, int64_t nc,
                    PixelRun *runs, int32_t *runBegin, int64_t imagePixels = 0,
                    int64_t imageStride = 0) {
  int64_t image = imagePixels ? p0 / imagePixels : 0;
  int64_t local = imagePixels ? p0 % imagePixels : p0;
  int64_t oh = local / g.OW, ow = local % g.OW;
  int32_t nRuns = 0;
  int64_t prev = 0;
  for (int64_t p = 0; p < nc; ++p) {
    int64_t off = image * imageStride + oh * g.sh * g.W + ow * g.sw;
    int64_t j = p % kPanel;
    if (j == 0)
      runBegin[p / kPanel] = nRuns;
    if (j == 0 || off != prev + g.sw)
      runs[nRuns++] = {static_cast<int32_t>(j), 0, off};
    ++runs[nRuns - 1].len;
    prev = off;
    if (++ow == g.OW) {
      ow = 0;
      ++oh;
    }
    if (imagePixels && ++local == imagePixels) {
      local = oh = ow = 0;
      ++image;
    }
  }
  runBegin[ceilDiv(nc, kPanel)] = nRuns;
}

/// Where row k of the im2col matrix starts in the input, for k in
/// [k0, k0 + kc), with k = (c, kh, kw).
void im2colRowOffsets(const ConvGeometry &g, int64_t k0, int64_t kc,
                      int64_t *kOffsets) {
  int64_t c = k0 / (g.KH * g.KW), kh = k0 / g.KW % g.KH, kw = k0 % g.KW;
  for (int64_t k = 0; k < kc; ++k) {
    kOffsets[k] = c * g.H * g.W + kh * g.dh * g.W + kw * g.dw;
    if (++kw == g.KW) {
      kw = 0;
      if (++kh == g.KH) {
        kh = 0;
        ++c;
      }
    }
  }
}

void packIm2colPortable(const float *in, const int64_t *kOffsets, int64_t kc,
                        int64_t nc, int64_t sw, const PixelRun *runs,
                        const int32_t *runBegin, float *buf) {
  int64_t panels = ceilDiv(nc, kPanel);
  int64_t tail = nc - (panels - 1) * kPanel;
  for (int64_t k = 0; k < kc; ++k) {
    const float *src = in + kOffsets[k];
    for (int64_t q = 0; q < panels; ++q) {
      float *dst = buf + q * kc * kPanel + k * kPanel;
      for (int32_t r = runBegin[q]; r < runBegin[q + 1]; ++r) {
        const PixelRun &run = runs[r];
        const float *s = src + run.srcOffset;
        float *d = dst + run.dst;
        if (sw == 1)
          for (int32_t t = 0; t < run.len; ++t)
            d[t] = s[t];
        else
          for (int32_t t = 0; t < run.len; ++t)
            d[t] = s[t * sw];
      }
    }
    float *last = buf + (panels - 1) * kc * kPanel + k * kPanel;
    for (int64_t j = tail; j < kPanel; ++j)
      last[j] = 0.0f;
  }
}

PackIm2colFn selectPackIm2col(int64_t isa) {
#if defined(COMPRESS_CPU_X86)
  switch (effectiveIsa(isa)) {
  case COMPRESS_CPU_ISA_PORTABLE:
    return packIm2colPortable;
  case COMPRESS_CPU_ISA_AVX2:
    return packIm2colAvx2;
  default:
    return packIm2colAvx512;
  }
#else
  (void)isa;
  return packIm2colPortable;
#endif
}

/// Where compress_cpu_sgemm_batched packs each B, per thread.
thread_local ScratchBuffer batchedBScratch;

/// Where each thread's convolution tasks pack their im2col blocks, kept
/// between calls (and 64-byte aligned, which measured no faster than the
/// `new float[]` per call it replaced).
thread_local ScratchBuffer im2colScratch;

/// Scratch a convolution task needs: one im2col block, and the pixel runs
/// of every block of its pixel range. The runs depend on the geometry
/// only, so they are described once for all the images and groups that
/// share the range (a batch of 64 small images described them 64 times).
struct ConvScratch {
  float *block = reinterpret_cast<float *>(
      im2colScratch.get(kConvKc * kNc * sizeof(float)));
  std::unique_ptr<int64_t[]> kOffsets{new int64_t[kConvKc]};
  std::vector<PixelRun> runs;
  std::vector<int32_t> runBegin;
  int64_t from = -1, to = -1;

  /// Describes the blocks of kNc pixels of [p0, p1), unless done already:
  /// block b's runs start at runs[b * kNc], and its panels' first runs
  /// (relative to those) at runBegin[b * (kNc / kPanel + 1)].
  void describe(const ConvGeometry &g, int64_t p0, int64_t p1) {
    if (p0 == from && p1 == to)
      return;
    from = p0;
    to = p1;
    int64_t blocks = ceilDiv(p1 - p0, kNc);
    runs.resize(blocks * kNc);
    runBegin.resize(blocks * (kNc / kPanel + 1));
    for (int64_t b = 0; b < blocks; ++b) {
      int64_t pb = p0 + b * kNc;
      describePixels(g, pb, std::min(kNc, p1 - pb), blockRuns(b),
                     blockRunBegin(b));
    }
  }
  PixelRun *blockRuns(int64_t b) { return runs.data() + b * kNc; }
  int32_t *blockRunBegin(int64_t b) {
    return runBegin.data() + b * (kNc / kPanel + 1);
  }
};

} // namespace
} // namespace compress::cpu

using namespace compress::cpu;

extern "C" {

COMPRESS_CPU_EXPORT void compress_cpu_pack_b16_f32(int64_t K, int64_t N,
                                                   const float *B,
                                                   int64_t strideK,
                                                   int64_t strideN, float *Bp) {
  int64_t panels = ceilDiv(N, kPanel);
  for (int64_t q = 0; q < panels; ++q) {
    int64_t n0 = q * kPanel, valid = std::min(kPanel, N - n0);
    for (int64_t k = 0; k < K; ++k) {
      float *dst = Bp + q * K * kPanel + k * kPanel;
      const float *src = B + k * strideK + n0 * strideN;
      if (strideN == 1)
        for (int64_t j = 0; j < valid; ++j)
          dst[j] = src[j];
      else
        for (int64_t j = 0; j < valid; ++j)
          dst[j] = src[j * strideN];
      for (int64_t j = valid; j < kPanel; ++j)
        dst[j] = 0.0f;
    }
  }
}

COMPRESS_CPU_EXPORT void
compress_cpu_sgemm_packed(int64_t isa, int64_t M, int64_t N, int64_t K,
                          const float *A, int64_t lda, const float *Bp,
                          float *C, int64_t ldc, int64_t threads) {
  sgemmPacked(isa, M, N, K, A, lda, Bp, C, ldc, threads);
}

COMPRESS_CPU_EXPORT void
compress_cpu_sgemm(int64_t isa, int64_t M, int64_t N, int64_t K, const float *A,
                   int64_t lda, const float *B, int64_t strideK,
                   int64_t strideN, float *C, int64_t ldc, int64_t threads) {
  if (M <= 0 || N <= 0 || K <= 0)
    return;
  // Packing all of B costs K x N copies against M x K x N multiply-adds.
  std::unique_ptr<float[]> Bp(new float[roundUp(N, kPanel) * K]);
  compress_cpu_pack_b16_f32(K, N, B, strideK, strideN, Bp.get());
  sgemmPacked(isa, M, N, K, A, lda, Bp.get(), C, ldc, threads);
}

COMPRESS_CPU_EXPORT void
compress_cpu_sgemm_batched(int64_t isa, int64_t batch, int64_t M, int64_t N,
                           int64_t K, const float *A, int64_t strideA,
                           int64_t lda, const float *B, int64_t strideB,
                           int64_t strideK, int64_t strideN, float *C,
                           int64_t strideC, int64_t ldc, int64_t threads) {
  if (batch <= 0 || M <= 0 || N <= 0 || K <= 0)
    return;
  // Threads take whole batches when there are enough of them; otherwise
  // each product uses them.
  int nThreads = threadsFor(threads, 2.0 * batch * M * N * K, batch);
  int64_t inner = nThreads > 1 ? 1 : threads;
  parallelFor(nThreads, batch, [&](int64_t i) {
    float *Bp = reinterpret_cast<float *>(
        batchedBScratch.get(roundUp(N, kPanel) * K * sizeof(float)));
    compress_cpu_pack_b16_f32(K, N, B + i * strideB, strideK, strideN, Bp);
    sgemmPacked(isa, M, N, K, A + i * strideA, lda, Bp, C + i * strideC, ldc,
                inner);
  });
}

// The packed filter: per group, the row-major Fg x (Cg * KH * KW) matrix the
// GEMM takes as A, cut into K blocks of kConvKc columns, each block stored
// as Fg rows with the padded stride sgemm::blockedRowStride(kc). The row
// tiles of every ISA read such a block in place (any tile height), so the
// layout ties a compiled model to no ISA, and no A tile is copied at run
// time.
//
// Filters that convFilterPanels selects are stored for the pixel-row
// convolution instead: per K block, F / 16 panels of kc rows of 16 filters
// (the B of a GEMM whose rows are output pixels). The other ISAs' row tiles
// gather their A tiles from these panels (sgemm::kAPanels).
COMPRESS_CPU_EXPORT int64_t compress_cpu_packed_conv_filter_size_f32(
    int64_t F, int64_t Cg, int64_t KH, int64_t KW, int64_t groups) {
  int64_t Kc = Cg * KH * KW, rowFloats = 0;
  if (convFilterPanels(F, Cg, KH, KW, groups))
    return Kc * F;
  for (int64_t k0 = 0; k0 < Kc; k0 += kConvKc)
    rowFloats += sgemm::blockedRowStride(std::min(kConvKc, Kc - k0));
  return F * rowFloats; // every group has the same blocks
}

COMPRESS_CPU_EXPORT void
compress_cpu_pack_conv_filter_f32(int64_t F, int64_t Cg, int64_t KH, int64_t KW,
                                  int64_t groups, const float *W, float *Wp) {
  int64_t Kc = Cg * KH * KW, Fg = F / groups;
  if (convFilterPanels(F, Cg, KH, KW, groups)) {
    for (int64_t k0 = 0; k0 < Kc; k0 += kConvKc) {
      int64_t kc = std::min(kConvKc, Kc - k0);
      for (int64_t q = 0; q < F / kPanel; ++q)
        for (int64_t k = 0; k < kc; ++k)
          for (int64_t j = 0; j < kPanel; ++j)
            *Wp++ = W[(q * kPanel + j) * Kc + k0 + k];
    }
    return;
  }
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t k0 = 0; k0 < Kc; k0 += kConvKc) {
      int64_t kc = std::min(kConvKc, Kc - k0);
      int64_t stride = sgemm::blockedRowStride(kc);
      for (int64_t f = 0; f < Fg; ++f) {
        std::memcpy(Wp + f * stride, W + (g * Fg + f) * Kc + k0,
                    kc * sizeof(float));
        std::fill(Wp + f * stride + kc, Wp + (f + 1) * stride, 0.0f);
      }
      Wp += Fg * stride;
    }
}

} // extern "C"

namespace compress::cpu {
namespace {

/// Padding applied to each input plane on the fly.
struct PlanePadding {
  int64_t top = 0, left = 0, bottom = 0, right = 0;
  float value = 0.0f;
  bool any() const { return top || left || bottom || right; }
};

thread_local ScratchBuffer paddedPlaneScratch;
// Floats after each padded plane in paddedPlaneScratch that a plane kernel
// may read (whole-vector loads at the ends of rows).
constexpr int64_t kPlaneSlack = 32;

/// Copies rows [r0, r1) of the plane `src` (srcH x srcW) padded by `pad`
/// into dst (rows of srcW + pad.left + pad.right floats). Rows of up to two
/// vectors take one or two masked stores each where `isa` allows AVX-512
/// (a 14x14 plane padded to 16x16: 2.5x faster than fill, memcpy and fill
/// per row); wider rows copy faster with memcpy (MobileNet-v2's 112- and
/// 56-wide planes: 3% of the model with memcpy, 6% with 16-float masked
/// loads and stores; AMD Zen 5). The copies are exact either way.
void padRows(int64_t isa, const float *src, int64_t srcH, int64_t srcW,
             const PlanePadding &pad, int64_t r0, int64_t r1, float *dst) {
#if defined(COMPRESS_CPU_X86)
  if (srcW + pad.left + pad.right <= 32 &&
      effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX512) {
    padRowsAvx512(src, srcH, srcW, pad.top, pad.left, pad.right, pad.value, r0,
                  r1, dst);
    return;
  }
#endif
  (void)isa;
  const int64_t Wp = srcW + pad.left + pad.right;
  for (int64_t r = r0; r < r1; ++r, dst += Wp) {
    int64_t h = r - pad.top;
    if (h < 0 || h >= srcH) {
      std::fill_n(dst, Wp, pad.value);
      continue;
    }
    std::fill_n(dst, pad.left, pad.value);
    std::memcpy(dst + pad.left, src + h * srcW, srcW * sizeof(float));
    std::fill_n(dst + pad.left + srcW, pad.right, pad.value);
  }
}

/// Copies an H x W plane into `dst` ((H + top + bottom) x (W + left +
/// right)) surrounded by the padding value.
void padPlane(int64_t isa, const float *src, int64_t H, int64_t W,
              const PlanePadding &pad, float *dst) {
  padRows(isa, src, H, W, pad, 0, H + pad.top + pad.bottom, dst);
}

/// Where compress_cpu_conv2d_pool_nchw_f32 keeps a group of images'
/// convolution outputs for the pooling, and how large a group's are at
/// most (unless one image's are larger): they stay in L2.
thread_local ScratchBuffer fusedConvOutScratch;
/// A pooled convolution's small filter, copied into panels.
thread_local ScratchBuffer pooledFilterScratch;
constexpr int64_t kFusedChunkBytes = 256 << 10;

/// Where each thread's convolution tasks pad their images.
thread_local ScratchBuffer paddedImageScratch;

/// Runs runTasks(first, last) on `nThreads` threads, each taking one
/// contiguous range of [0, tasks) (the calling thread alone when 1).
template <typename RunTasks>
void runTaskRanges(int nThreads, int64_t tasks, RunTasks &&runTasks) {
  if (nThreads <= 1) {
    runTasks(0, tasks);
    return;
  }
#pragma omp parallel num_threads(nThreads)
  {
    int64_t id = omp_get_thread_num(), nt = omp_get_num_threads();
    runTasks(tasks * id / nt, tasks * (id + 1) / nt);
  }
}

/// Where each thread's batched convolution tasks keep their output block
/// and its residual, laid out as F rows of the block's pixels.
thread_local ScratchBuffer batchedOutScratch;
thread_local ScratchBuffer batchedResidualScratch;

/// Whether conv2dF32 runs several images' pixels as one block of GEMM
/// columns: images of few pixels, not a whole number of 16-pixel panels
/// (ResNet's 7x7 and 14x14 stages: 49 pixels take four panels, 64 lanes),
/// and no groups. The filter is then also read once per block of images
/// rather than once per image.
bool batchesImages(int64_t N, int64_t groups, int64_t P) {
  return groups == 1 && N >= 2 && P < kNc / 2 && P % kPanel != 0;
}

/// conv2dF32 for batchesImages: tasks are blocks of up to kNc / P whole
/// images (cut into ranges of output channels when there are fewer blocks
/// than threads). A block's output is computed into a buffer of F rows of
/// its pixels (image after image; the residual, when the epilogue has one,
/// copied into the same layout first, and without an epilogue the output's
/// current values, which the kernels accumulate onto), by the same kernels
/// and K blocks as conv2dF32's, then copied to the images' planes: every
/// output gets the bits it gets there.
void conv2dF32Batched(int64_t isa, SgemmBlockFn block, PackIm2colFn pack,
                      const ConvGeometry &geo, int64_t N, int64_t C,
                      int64_t srcH, int64_t srcW, int64_t F, int64_t Kc,
                      int64_t P, const float *in, const float *Wp,
                      const BlockEpilogue *ep, float *out, int64_t threads,
                      const PlanePadding &pad, bool panels) {
  // Up to kNc / P images a block, in as many blocks as a multiple of the
  // threads needs (64 images of 49 pixels on two threads: 8 blocks of 8,
  // not 7 of up to 10).
  int maxThreads = resolveThreads(threads);
  int64_t blocks = ceilDiv(N, kNc / P);
  if (maxThreads > 1)
    blocks = std::min(N, roundUp(blocks, maxThreads));
  const int64_t perBlock = ceilDiv(N, blocks);
  blocks = ceilDiv(N, perBlock);
  const int64_t imageStride = C * geo.H * geo.W;
  int64_t chunks = blocks >= maxThreads
                       ? 1
                       : std::min(ceilDiv(F, 16), ceilDiv(maxThreads, blocks));
  int64_t tasks = blocks * chunks;
  int nThreads = threadsFor(threads, 2.0 * N * F * Kc * P, tasks);

  auto runTasks = [&](int64_t first, int64_t last) {
    float *kb = reinterpret_cast<float *>(
        im2colScratch.get(kConvKc * kNc * sizeof(float)));
    std::unique_ptr<int64_t[]> kOffsets(new int64_t[kConvKc]);
    std::vector<PixelRun> runs(kNc);
    std::vector<int32_t> runBegin(kNc / kPanel + 1);
    for (int64_t t = first; t < last; ++t) {
      int64_t b = t / chunks;
      auto [f0, f1] = splitRange(F, panels ? kPanel : 1, chunks, t % chunks);
      int64_t n0 = b * perBlock, images = std::min(perBlock, N - n0);
      int64_t nc = images * P, rows = f1 - f0;
      const float *base = in + n0 * imageStride;
      if (pad.any()) {
        float *padded = reinterpret_cast<float *>(
            paddedImageScratch.get(images * imageStride * sizeof(float)));
        for (int64_t i = 0; i < images; ++i)
          for (int64_t c = 0; c < C; ++c)
            padPlane(isa, in + ((n0 + i) * C + c) * srcH * srcW, srcH, srcW,
                     pad, padded + i * imageStride + c * geo.H * geo.W);
        base = padded;
      }
      describePixels(geo, 0, nc, runs.data(), runBegin.data(), P, imageStride);
      // The block's output rows [f0, f1), and where plane (image i, row f)
      // of the output lies.
      float *cBlock = reinterpret_cast<float *>(
          batchedOutScratch.get(rows * nc * sizeof(float)));
      auto plane = [&](float *base, int64_t i, int64_t f) {
        return base + ((n0 + i) * F + f) * P;
      };
      auto gather = [&](const float *from, float *to) {
        for (int64_t f = f0; f < f1; ++f)
          for (int64_t i = 0; i < images; ++i)
            std::memcpy(to + (f - f0) * nc + i * P,
                        plane(const_cast<float *>(from), i, f),
                        P * sizeof(float));
      };
      BlockEpilogue blockEp;
      if (ep) {
        blockEp = *ep;
        if (blockEp.rowBias)
          blockEp.rowBias += f0;
        if (blockEp.residual) {
          float *r = reinterpret_cast<float *>(
              batchedResidualScratch.get(rows * nc * sizeof(float)));
          gather(ep->residual, r);
          blockEp.residual = r;
        }
        blockEp.ldr = nc;
      } else {
        gather(out, cBlock); // the kernels accumulate onto the output
      }
      const float *wBlock = Wp;
      for (int64_t k0 = 0; k0 < Kc; k0 += kConvKc) {
        int64_t kc = std::min(kConvKc, Kc - k0);
        // Floats per filter of this K block.
        int64_t stride = panels ? kc : sgemm::blockedRowStride(kc);
        im2colRowOffsets(geo, k0, kc, kOffsets.get());
        pack(base, kOffsets.get(), kc, nc, geo.sw, runs.data(), runBegin.data(),
             kb);
        blockEp.first = k0 == 0;
        blockEp.last = k0 + kc >= Kc;
        block(rows, nc, kc, wBlock + f0 * stride, stride, kb, kc * kPanel,
              cBlock, nc, ep ? &blockEp : nullptr,
              panels ? sgemm::kAPanels : sgemm::kABlocked);
        wBlock += F * stride;
      }
      for (int64_t f = f0; f < f1; ++f)
        for (int64_t i = 0; i < images; ++i)
          std::memcpy(plane(out, i, f), cBlock + (f - f0) * nc + i * P,
                      P * sizeof(float));
    }
  };
  runTaskRanges(nThreads, tasks, runTasks);
}

#if defined(COMPRESS_CPU_X86)
/// Where each thread's pixel-row convolution tasks copy their padded input
/// rows and keep the sums of their tiles.
thread_local ScratchBuffer rowsInputScratch;
thread_local ScratchBuffer rowsPartialScratch;

/// The cache lines of some input rows, fetched into L2 a few at a time
/// (while a band of a convolution runs, the rows the next band reads).
class RowPrefetcher {
public:
  void clear() {
    ranges.clear();
    range = 0;
    line = 0;
    lines = 0;
  }
  void add(const float *first, int64_t floats) {
    if (floats <= 0)
      return;
    const uintptr_t begin = reinterpret_cast<uintptr_t>(first) & ~uintptr_t(63);
    const uintptr_t end = reinterpret_cast<uintptr_t>(first + floats);
    const int64_t n = static_cast<int64_t>((end - begin + 63) / 64);
    ranges.push_back({reinterpret_cast<const char *>(begin), n});
    lines += n;
  }
  int64_t total() const { return lines; }
  /// Fetches the next `n` lines.
  void step(int64_t n) {
    for (; n > 0 && range < ranges.size(); --n) {
      __builtin_prefetch(ranges[range].first + line * 64, 0, 2);
      if (++line == ranges[range].lines) {
        ++range;
        line = 0;
      }
    }
  }

private:
  struct Range {
    const char *first;
    int64_t lines;
  };
  std::vector<Range> ranges;
  size_t range = 0;
  int64_t line = 0, lines = 0;
};

/// conv2dF32 for a filter packed in panels (convFilterPanels) on AVX-512,
/// strides 1 and 2: the GEMM's rows are the output pixels, read from the
/// input where they lie (no im2col matrix), in tiles of up to 14 pixels of
/// one output row, or of two rows of up to 7 (a 7x7 image takes 14-pixel
/// tiles, no lane empty), against two 16-filter panels: a K block of two
/// panels (256 x 32 floats) stays in L1, four would not (a 7x7 layer of 512
/// filters ran at 231 GFLOP/s with 7 x 4 tiles, 260 with 7 x 2). Tasks are
/// bands of about kNc output pixels (whole rows, of one image or of
/// several), cut into ranges of panel pairs when there are fewer bands than
/// threads. A band's input rows are copied (padded) once; then per pair of
/// panels and K block its tiles run in turn, their sums kept per pixel
/// (sgemm::ConvRowTile) and transposed into the output planes, with the
/// epilogue, after the last K block. Each output is the sum conv2dF32's
/// row tiles compute, in the same order, so the bits are theirs.
void conv2dF32Rows(const ConvGeometry &geo, int64_t N, int64_t C, int64_t srcH,
                   int64_t srcW, int64_t F, int64_t Kc, int64_t OH,
                   const float *in, const float *Wp, const BlockEpilogue *ep,
                   float *out, int64_t threads, const PlanePadding &pad,
                   float *pooled) {
  const int64_t OW = geo.OW, P = OH * OW;
  const int64_t rowTiles = ceilDiv(OW, 14);
  // Rows a tile takes: two when they fit in 14 pixels.
  const int64_t tileRows = OW <= 7 ? 2 : 1;
  const int64_t np = 2;
  const int64_t filterPanels = F / kPanel;
  const int maxThreads = resolveThreads(threads);
  // Bands are runs of whole output rows of all images, in steps of one row,
  // or of two when pooling (OH is even: no 2x2 window crosses from one band,
  // or image, into the next).
  const int64_t step = pooled ? 2 : 1;
  const int64_t steps = N * OH / step;
  int64_t bands = ceilDiv(steps, std::max<int64_t>(1, kNc / OW / step));
  int64_t chunks = 1;
  if (maxThreads > 1 && bands < maxThreads && filterPanels >= maxThreads) {
    // Fewer bands than threads (one image of 7x7 or 14x14 pixels): each
    // thread takes a share of the filter, which outweighs the band's input
    // there, rather than a share of the rows and all of the filter. The
    // shares are whole panels, not pairs: MobileNet-v2's 96 and 160 filters
    // (6 and 10 panels) split 3:3 and 5:5 panels where pairs split 4:2 and
    // 6:4 (a thread's odd panel runs as a one-panel tile).
    chunks = std::min(filterPanels, ceilDiv(maxThreads, bands));
  } else if (maxThreads > 1) {
    // As many bands as a multiple of the threads.
    bands = std::min(steps, roundUp(bands, maxThreads));
  }
  // Band b is output rows [bandBegin(b), bandBegin(b + 1)); the bands'
  // sizes differ by at most one step, so that each thread's share of them
  // is the same (the Fashion-MNIST CNN's second layer at batch 64: 896
  // rows in 28 bands of 32, where bands of 36 rows left 25 of them, 13 on
  // one thread and 12 on the other).
  auto bandBegin = [&](int64_t b) { return steps * b / bands * step; };
  const int64_t perBand = ceilDiv(steps, bands) * step; // the largest band
  const int64_t tasks = bands * chunks;
  const int nThreads = threadsFor(threads, 2.0 * N * F * Kc * P, tasks);
  // A band meets at most this many images, and copies at most inRows
  // (padded) input rows of each of their channels; unpadded inputs are
  // read in place.
  const int64_t maxSegments = perBand / OH + 2;
  const int64_t inRows = pad.any() ? (std::min(OH, perBand) - 1) * geo.sh +
                                         (geo.KH - 1) * geo.dh + 1
                                   : geo.H;
  ConvGeometry rowGeo = geo;
  rowGeo.H = inRows;
  std::vector<int64_t> kOffsets(Kc);
  im2colRowOffsets(rowGeo, 0, Kc, kOffsets.data());
  // Outputs larger than the caches (a batch's) are prefetched before the
  // finish; smaller ones are still there (prefetching them cost ResNet-18
  // 1.4% at batch 1).
  const bool prefetchOut = !pooled && N * F * P * sizeof(float) > (8u << 20);
  // Inputs that large come from memory: while a band runs, the input rows
  // of the thread's next band are fetched into L2, so that its copy (or
  // its in-place reads) do not wait for memory.
  const bool prefetchIn = N * C * srcH * srcW * sizeof(float) > (8u << 20);
  const int64_t kBlocks = ceilDiv(Kc, kConvKc);
  // A filter larger than L2 comes from L3 or memory in a model (every
  // layer's filter was evicted since the last call): while the tiles of one
  // (panel group, K block) run, the next block's weights are fetched, spread
  // over the tiles.
  const bool prefetchWeights = F * Kc * int64_t(sizeof(float)) > (256 << 10);

  auto runTasks = [&](int64_t first, int64_t last) {
    struct Segment {
      int64_t n, oh0, oh1; // image n's output rows [oh0, oh1)
      const float *rows;   // its input, from input row `origin` on
      int64_t origin;
    };
    std::vector<Segment> segments;
    segments.reserve(maxSegments);
    float *partial = reinterpret_cast<float *>(
        rowsPartialScratch.get(perBand * OW * np * kPanel * sizeof(float)));
    float *padded = pad.any()
                        ? reinterpret_cast<float *>(rowsInputScratch.get(
                              maxSegments * C * inRows * geo.W * sizeof(float)))
                        : nullptr;
    RowPrefetcher nextInput, nextWeights;
    for (int64_t t = first; t < last; ++t) {
      const int64_t b = t / chunks;
      // This task's filter panels [q0s, q1s), run in pairs.
      auto [q0s, q1s] = splitRange(filterPanels, 1, chunks, t % chunks);
      const int64_t u0 = bandBegin(b), u1 = bandBegin(b + 1);
      // The source rows of the next band, if this thread takes it next.
      nextInput.clear();
      int64_t prefetchPerTile = 0;
      if (prefetchIn && t + 1 < last && (t + 1) / chunks != b) {
        const int64_t v1 = bandBegin(b + 2);
        for (int64_t u = u1; u < v1;) {
          const int64_t n = u / OH, oh0 = u % OH;
          const int64_t oh1 = std::min(OH, oh0 + (v1 - u));
          const int64_t r0 = std::max<int64_t>(0, oh0 * geo.sh - pad.top);
          const int64_t r1 = std::min(
              srcH, (oh1 - 1) * geo.sh + (geo.KH - 1) * geo.dh + 1 - pad.top);
          for (int64_t c = 0; r1 > r0 && c < C; ++c)
            nextInput.add(in + ((n * C + c) * srcH + r0) * srcW,
                          (r1 - r0) * srcW);
          u += oh1 - oh0;
        }
        // Spread over the band's tiles (about 14 pixels each), done by
        // the middle of the band.
        const int64_t tiles =
            ceilDiv(q1s - q0s, np) * kBlocks * ceilDiv((u1 - u0) * OW, 14);
        prefetchPerTile =
            ceilDiv(2 * nextInput.total(), std::max<int64_t>(1, tiles));
      }
      segments.clear();
      int64_t bandTiles = 0; // tiles per (panel group, K block)
      for (int64_t u = u0; u < u1;) {
        Segment seg{u / OH, u % OH, std::min(OH, u % OH + (u1 - u)), nullptr,
                    0};
        if (padded) {
          float *rows = padded + segments.size() * C * inRows * geo.W;
          seg.origin = seg.oh0 * geo.sh;
          int64_t end = (seg.oh1 - 1) * geo.sh + (geo.KH - 1) * geo.dh + 1;
          for (int64_t c = 0; c < C; ++c)
            padRows(COMPRESS_CPU_ISA_AVX512, in + (seg.n * C + c) * srcH * srcW,
                    srcH, srcW, pad, seg.origin, end,
                    rows + c * inRows * geo.W);
          seg.rows = rows;
        } else {
          seg.rows = in + seg.n * C * geo.H * geo.W;
        }
        segments.push_back(seg);
        for (int64_t oh = seg.oh0; oh < seg.oh1;) {
          const bool twoRows = tileRows == 2 && oh + 1 < seg.oh1;
          bandTiles += twoRows ? 1 : rowTiles;
          oh += twoRows ? 2 : 1;
        }
        u += seg.oh1 - seg.oh0;
      }
      for (int64_t q0 = q0s; q0 < q1s; q0 += np) {
        const int64_t f0 = q0 * kPanel;
        sgemm::ConvRowTile tile;
        tile.panels = std::min(np, q1s - q0);
        tile.sw = geo.sw;
        BlockEpilogue groupEp;
        if (ep) {
          groupEp = *ep;
          if (groupEp.rowBias)
            groupEp.rowBias += f0;
          tile.init = ep->init;
        }
        for (int64_t k0 = 0; k0 < Kc; k0 += kConvKc) {
          tile.kc = std::min(kConvKc, Kc - k0);
          tile.kOffsets = kOffsets.data() + k0;
          tile.w = Wp + k0 * F + f0 * tile.kc;
          const bool lastBlock = k0 + tile.kc >= Kc;
          nextWeights.clear();
          int64_t weightsPerTile = 0;
          if (prefetchWeights) {
            // The next block this thread runs: the group's next K block,
            // or the next group's first.
            const int64_t nk0 = lastBlock ? 0 : k0 + kConvKc;
            const int64_t nq0 = lastBlock ? q0 + np : q0;
            if (nq0 < q1s) {
              const int64_t nkc = std::min(kConvKc, Kc - nk0);
              nextWeights.add(Wp + nk0 * F + nq0 * kPanel * nkc,
                              std::min(np, q1s - nq0) * kPanel * nkc);
              weightsPerTile =
                  ceilDiv(nextWeights.total(), std::max<int64_t>(1, bandTiles));
            }
          }
          int64_t pixel = 0; // of the band
          for (const Segment &seg : segments)
            for (int64_t oh = seg.oh0; oh < seg.oh1;) {
              const float *rowIn =
                  seg.rows + (oh * geo.sh - seg.origin) * geo.W;
              // Two rows in one tile (their outputs are contiguous), or
              // the row in rowTiles tiles.
              const bool twoRows = tileRows == 2 && oh + 1 < seg.oh1;
              tile.rowPixels = twoRows ? OW : 0;
              tile.rowStride = geo.sh * geo.W;
              for (int64_t j = 0, ow = 0; j < (twoRows ? 1 : rowTiles); ++j) {
                tile.mr =
                    twoRows ? 2 * OW : OW / rowTiles + (j < OW % rowTiles);
                tile.in = rowIn + ow * geo.sw;
                tile.partial = partial + pixel * tile.panels * kPanel;
                const int64_t at = (seg.n * F + f0) * P + oh * OW + ow;
                sgemm::ConvRowOut o;
                o.out = out + at;
                o.planeStride = P;
                o.filters = tile.panels * kPanel;
                tile.first = ep && k0 == 0;
                if (!ep && k0 == 0) // the sums accumulate onto the output
                  convRowLoadAvx512(tile, o);
                if (lastBlock && prefetchOut) {
                  // The finish writes (and reads the residual of) one piece
                  // of a row in each of the tile's filter planes: lines
                  // that a batch's output has long evicted. Fetching them
                  // while the kernel runs hid those misses (ResNet-18 at
                  // batch 64: 6% of the time was the finish).
                  for (int64_t f = 0; f < o.filters; ++f) {
                    __builtin_prefetch(o.out + f * P, 1);
                    __builtin_prefetch(o.out + f * P + tile.mr - 1, 1);
                    if (ep && ep->residual) {
                      __builtin_prefetch(ep->residual + at + f * P);
                      __builtin_prefetch(ep->residual + at + f * P + tile.mr -
                                         1);
                    }
                  }
                }
                nextInput.step(prefetchPerTile);
                nextWeights.step(weightsPerTile);
                convRowTileAvx512(tile);
                if (lastBlock && !pooled) {
                  if (ep) {
                    o.ep = &groupEp;
                    if (ep->residual)
                      o.residual = ep->residual + at;
                  }
                  convRowFinishAvx512(tile, o);
                }
                pixel += tile.mr;
                ow += tile.mr;
              }
              oh += twoRows ? 2 : 1;
            }
          if (lastBlock && pooled) {
            // The band's sums, pooled and finished image by image.
            const int64_t POW = OW / 2, pooledPlane = (OH / 2) * POW;
            int64_t base = 0;
            for (const Segment &seg : segments) {
              convRowPoolFinishAvx512(
                  partial + base * tile.panels * kPanel, tile.panels,
                  seg.oh1 - seg.oh0, OW, tile.panels * kPanel,
                  ep ? &groupEp : nullptr,
                  pooled + (seg.n * F + f0) * pooledPlane + seg.oh0 / 2 * POW,
                  pooledPlane);
              base += (seg.oh1 - seg.oh0) * OW;
            }
          }
        }
      }
    }
  };
  runTaskRanges(nThreads, tasks, runTasks);
}

#endif // COMPRESS_CPU_X86

/// The convolution of compress_cpu_conv2d_nchw_f32, with the epilogue `ep`
/// applied to each block of output pixels while it is in cache when `ep` is
/// not null, of the input padded by `pad` (none by default).
void conv2dF32(int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W,
               int64_t F, int64_t KH, int64_t KW, int64_t OH, int64_t OW,
               int64_t sh, int64_t sw, int64_t dh, int64_t dw, int64_t groups,
               const float *in, const float *Wp, const BlockEpilogue *ep,
               float *out, int64_t threads,
               const PlanePadding &pad = PlanePadding()) {
  if (N <= 0 || F <= 0 || OH <= 0 || OW <= 0 || groups <= 0)
    return;
  // With padding, H x W is the source's plane; the windows index the padded
  // one, which each task copies its image's channels into (in cache) before
  // packing from it, in place of a padded copy of the whole batch.
  const int64_t srcH = H, srcW = W;
  H += pad.top + pad.bottom;
  W += pad.left + pad.right;
  int64_t Cg = C / groups, Fg = F / groups;
  int64_t Kc = Cg * KH * KW, P = OH * OW;
  if (Kc <= 0 || Fg <= 0)
    return;
  // Floats of one group's packed filter.
  int64_t groupFloats =
      compress_cpu_packed_conv_filter_size_f32(F, Cg, KH, KW, groups) / groups;
  SgemmBlockFn block = selectSgemmBlock(isa);
  PackIm2colFn pack = selectPackIm2col(isa);
  ConvGeometry geo{H, W, KH, KW, OW, sh, sw, dh, dw};
  const bool filterPanels = convFilterPanels(F, Cg, KH, KW, groups);
#if defined(COMPRESS_CPU_X86)
  if (filterPanels && effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX512 &&
      (sw == 1 || sw == 2)) {
    conv2dF32Rows(geo, N, C, srcH, srcW, F, Kc, OH, in, Wp, ep, out, threads,
                  pad, nullptr);
    return;
  }
#endif
  if (batchesImages(N, groups, P)) {
    conv2dF32Batched(isa, block, pack, geo, N, C, srcH, srcW, F, Kc, P, in, Wp,
                     ep, out, threads, pad, filterPanels);
    return;
  }

  // Tasks are (image, group, piece). Items (image, group) are cut into
  // pieces only when there are fewer of them than threads: into ranges of
  // output channels when the filter outweighs the im2col matrix (few
  // pixels, many channels, as in ResNet's last stage: each thread then
  // streams only its share of the filter, where a split of the pixels would
  // have every thread stream all of it), otherwise into pixel ranges.
  // A 1x1 stride-1 convolution's im2col matrix is its input: on AVX-512 the
  // kernels read it in place, when it is small enough to still be in cache
  // from the layer that wrote it (MobileNet-v2 at batch 1: 4.5% faster).
  // A batch's input comes from memory, where the kernels' loads from K
  // planes at once defeat the prefetchers and the im2col copy's one stream
  // does not (MobileNet-v2 at batch 64: 12% slower reading in place).
  [[maybe_unused]] const bool directB =
      !filterPanels && KH == 1 && KW == 1 && sh == 1 && sw == 1 && !pad.any() &&
      N * C * H * W * sizeof(float) <= (8u << 20) &&
      effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX512;
  int64_t items = N * groups, panels = ceilDiv(P, kPanel);
  bool splitRows = Fg > P;
  int maxThreads = resolveThreads(threads);
  int64_t chunks = items >= maxThreads
                       ? 1
                       : std::min(splitRows ? ceilDiv(Fg, 16) : panels,
                                  ceilDiv(maxThreads, items));
  int64_t tasks = items * chunks;
  int nThreads = threadsFor(threads, 2.0 * N * F * Kc * P, tasks);

  auto runTasks = [&](int64_t first, int64_t last) {
    ConvScratch scratch;
    int64_t paddedItem = -1;
    for (int64_t t = first; t < last; ++t) {
      int64_t item = t / chunks, n = item / groups, g = item % groups;
      int64_t f0 = 0, f1 = Fg, p0 = 0, p1 = P;
      if (splitRows)
        std::tie(f0, f1) =
            splitRange(Fg, filterPanels ? kPanel : 1, chunks, t % chunks);
      else
        std::tie(p0, p1) = splitRange(P, kPanel, chunks, t % chunks);
      const float *inG;
      if (pad.any()) {
        float *padded = reinterpret_cast<float *>(
            paddedImageScratch.get(Cg * H * W * sizeof(float)));
        if (item != paddedItem) {
          const float *src = in + (n * C + g * Cg) * srcH * srcW;
          for (int64_t c = 0; c < Cg; ++c)
            padPlane(isa, src + c * srcH * srcW, srcH, srcW, pad,
                     padded + c * H * W);
          paddedItem = item;
        }
        inG = padded;
      } else {
        inG = in + (n * C + g * Cg) * H * W;
      }
      const float *wG = Wp + g * groupFloats;
      int64_t outOffset = (n * F + g * Fg + f0) * P;
      float *outG = out + outOffset;
      scratch.describe(geo, p0, p1);
      for (int64_t pb = p0; pb < p1; pb += kNc) {
        int64_t nc = std::min(kNc, p1 - pb);
        PixelRun *runs = scratch.blockRuns((pb - p0) / kNc);
        int32_t *runBegin = scratch.blockRunBegin((pb - p0) / kNc);
        // The block's epilogue: its rows are this task's output channels,
        // its residual is laid out like the output.
        BlockEpilogue blockEp;
        if (ep) {
          blockEp = *ep;
          if (blockEp.rowBias)
            blockEp.rowBias += g * Fg + f0;
          if (blockEp.residual)
            blockEp.residual += outOffset + pb;
          blockEp.ldr = P;
        }
        const float *wBlock = wG; // this K block's filter rows
        for (int64_t k0 = 0; k0 < Kc; k0 += kConvKc) {
          int64_t kc = std::min(kConvKc, Kc - k0);
          // Floats per filter of this K block.
          int64_t stride = filterPanels ? kc : sgemm::blockedRowStride(kc);
          blockEp.first = k0 == 0;
          blockEp.last = k0 + kc >= Kc;
#if defined(COMPRESS_CPU_X86)
          if (directB) {
            sgemmBlockDirectBAvx512(f1 - f0, nc, kc, wBlock + f0 * stride,
                                    stride, inG + k0 * P + pb, P, outG + pb, P,
                                    ep ? &blockEp : nullptr);
            wBlock += Fg * stride;
            continue;
          }
#endif
          im2colRowOffsets(geo, k0, kc, scratch.kOffsets.get());
          pack(inG, scratch.kOffsets.get(), kc, nc, sw, runs, runBegin,
               scratch.block);
          block(f1 - f0, nc, kc, wBlock + f0 * stride, stride, scratch.block,
                kc * kPanel, outG + pb, P, ep ? &blockEp : nullptr,
                filterPanels ? sgemm::kAPanels : sgemm::kABlocked);
          wBlock += Fg * stride;
        }
      }
    }
  };
  runTaskRanges(nThreads, tasks, runTasks);
}

void depthwiseConv2dF32(int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W,
                        int64_t KH, int64_t KW, int64_t OH, int64_t OW,
                        int64_t sh, int64_t sw, int64_t dh, int64_t dw,
                        const float *in, const float *Wt,
                        const BlockEpilogue *ep, float *out, int64_t threads,
                        const PlanePadding &pad = PlanePadding()) {
  if (N <= 0 || C <= 0 || OH <= 0 || OW <= 0)
    return;
  DepthwisePlaneFn plane = selectDepthwisePlane(isa);
  int64_t planes = N * C, planeSize = OH * OW;
  const int64_t Wp = W + pad.left + pad.right;
  const double flops = 2.0 * planes * OH * OW * KH * KW;
  const bool inCache = N * C * H * W * sizeof(float) <= (8u << 20);
  auto runPlane = [&](int64_t nc) {
    int64_t c = nc % C;
    // The plane's epilogue: one channel, the residual laid out like out.
    BlockEpilogue planeEp;
    if (ep) {
      planeEp = *ep;
      planeEp.rowBias = nullptr;
      planeEp.biasSplat = ep->biasOf(c);
      if (planeEp.residual)
        planeEp.residual += nc * planeSize;
      planeEp.ldr = OW;
      planeEp.first = planeEp.last = true;
    }
    const float *src = in + nc * H * W;
    const float *w = Wt + c * KH * KW;
    float *o = out + nc * planeSize;
    if (!pad.any()) {
      plane(src, Wp, w, KH, KW, o, OH, OW, sh, sw, dh, dw,
            ep ? &planeEp : nullptr, 0);
      return;
    }
#if defined(COMPRESS_CPU_X86)
    // Padded on the fly where the input is still in cache; a batch's comes
    // from memory, which the strips' column-by-column reads would fetch
    // row by row at a time (2x slower than the band copy's streams).
    if (plane == depthwisePlaneAvx512 && inCache &&
        depthwisePaddedPlaneAvx512(src, H, W, pad.top, pad.left, pad.value, w,
                                   KH, KW, o, OH, OW, sh, sw, dh, dw,
                                   ep ? &planeEp : nullptr))
      return;
#endif
    // Bands of output rows whose padded input rows (about 16 KiB) are
    // copied and read while in L1, rather than the whole padded plane
    // (a 114 x 114 one is 52 KiB) written to L2 and read back.
    const int64_t rowsIn = std::max<int64_t>(
        (KH - 1) * dh + 1, (16 << 10) / (Wp * int64_t(sizeof(float))));
    const int64_t band =
        std::clamp<int64_t>((rowsIn - (KH - 1) * dh - 1) / sh + 1, 1, OH);
    const int64_t bandIn = (band - 1) * sh + (KH - 1) * dh + 1;
    float *padded = reinterpret_cast<float *>(
        paddedPlaneScratch.get((bandIn * Wp + kPlaneSlack) * sizeof(float)));
    for (int64_t oh0 = 0; oh0 < OH; oh0 += band) {
      const int64_t rows = std::min(band, OH - oh0);
      const int64_t r0 = oh0 * sh,
                    r1 = r0 + (rows - 1) * sh + (KH - 1) * dh + 1;
      padRows(isa, src, H, W, pad, r0, r1, padded);
      std::fill_n(padded + (r1 - r0) * Wp, kPlaneSlack, 0.0f);
      BlockEpilogue bandEp = planeEp;
      if (ep && bandEp.residual)
        bandEp.residual += oh0 * OW;
      plane(padded, Wp, w, KH, KW, o + oh0 * OW, rows, OW, sh, sw, dh, dw,
            ep ? &bandEp : nullptr, kPlaneSlack);
    }
  };
#if defined(COMPRESS_CPU_X86)
  // Eight channels at a time, vectorized across the channels, with no lane
  // empty and no per-row work: faster than the AVX2 plane kernel on every
  // MobileNet-v2 layer (7x7 to 112x112 outputs; 2.4x at 7x7, 1.2x at
  // 112x112, AMD Zen 1); rows up to this many outputs were measured. On an
  // AVX-512 CPU the (AVX2) channel kernel beat the row-by-row 16-lane
  // plane kernel up to 28 outputs a row (2.5x at 7, 1.9x at 14, 1.2x at
  // 28) and lost from 56 on (AMD Zen 5).
  // The AVX-512 plane kernel's column strips, which pad on the fly (3x3,
  // dilation 1, strides 1 or 2), beat the channel kernel from 14 outputs a
  // row on (stride 1: 2x at 28, 1.65x at 14; stride 2: 1.25x at 28, 1.3x
  // at 14; 0.8x at 7). A batch's input, from memory, is the channel
  // kernel's up to 28 as before (MobileNet-v2 at batch 64: 5% slower with
  // strips over band copies there).
  const int64_t isaNow = effectiveIsa(isa);
  const bool strips = isaNow >= COMPRESS_CPU_ISA_AVX512 && inCache && KH == 3 &&
                      KW == 3 && sh == sw && (sw == 1 || sw == 2) && dh == 1 &&
                      dw == 1;
  const int64_t channelsMaxOW = isaNow == COMPRESS_CPU_ISA_AVX2     ? 128
                                : strips                            ? 8
                                : isaNow >= COMPRESS_CPU_ISA_AVX512 ? 32
                                                                    : 0;
  const int64_t blocks = C / 8, rest = C % 8;
  if (OW <= channelsMaxOW && blocks > 0) {
    int nThreads = threadsFor(threads, flops, N * blocks);
    parallelFor(nThreads, N * blocks, [&](int64_t t) {
      int64_t n = t / blocks, c0 = (t % blocks) * 8, nc = n * C + c0;
      BlockEpilogue groupEp;
      if (ep) {
        groupEp = *ep;
        if (groupEp.rowBias)
          groupEp.rowBias += c0;
        if (groupEp.residual)
          groupEp.residual += nc * planeSize;
        groupEp.ldr = planeSize;
        groupEp.first = groupEp.last = true;
      }
      if (!depthwiseChannelsAvx2(
              in + nc * H * W, H, W, pad.top, pad.left, pad.bottom, pad.right,
              pad.value, Wt + c0 * KH * KW, KH, KW, out + nc * planeSize, OH,
              OW, sh, sw, dh, dw, ep ? &groupEp : nullptr))
        for (int64_t c = 0; c < 8; ++c) // a window it does not take
          runPlane(nc + c);
    });
    if (rest > 0)
      parallelFor(
          threadsFor(threads, flops * rest / C, N * rest), N * rest,
          [&](int64_t t) { runPlane((t / rest) * C + blocks * 8 + t % rest); });
    return;
  }
#endif
  parallelFor(threadsFor(threads, flops, planes), planes, runPlane);
}

} // namespace
} // namespace compress::cpu

extern "C" {

COMPRESS_CPU_EXPORT void compress_cpu_conv2d_nchw_f32(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t F,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, int64_t groups, const float *in, const float *Wp,
    float *out, int64_t threads) {
  conv2dF32(isa, N, C, H, W, F, KH, KW, OH, OW, sh, sw, dh, dw, groups, in, Wp,
            nullptr, out, threads);
}

COMPRESS_CPU_EXPORT void compress_cpu_conv2d_nchw_f32_fused(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t F,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, int64_t groups, const float *in, const float *Wp,
    int64_t initBits, const float *bias, int64_t biasSplatBits,
    const float *residual, int64_t loBits, int64_t hiBits, float *out,
    int64_t threads) {
  BlockEpilogue ep =
      makeConvEpilogue(initBits, bias, biasSplatBits, residual, loBits, hiBits);
  conv2dF32(isa, N, C, H, W, F, KH, KW, OH, OW, sh, sw, dh, dw, groups, in, Wp,
            &ep, out, threads);
}
COMPRESS_CPU_EXPORT void compress_cpu_conv2d_nchw_f32_padded(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t F,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, int64_t groups, int64_t padTop, int64_t padLeft,
    int64_t padBottom, int64_t padRight, int64_t padValueBits, const float *in,
    const float *Wp, int64_t initBits, const float *bias, int64_t biasSplatBits,
    const float *residual, int64_t loBits, int64_t hiBits, float *out,
    int64_t threads) {
  BlockEpilogue ep =
      makeConvEpilogue(initBits, bias, biasSplatBits, residual, loBits, hiBits);
  PlanePadding pad{padTop, padLeft, padBottom, padRight,
                   floatFromBits(padValueBits)};
  conv2dF32(isa, N, C, H, W, F, KH, KW, OH, OW, sh, sw, dh, dw, groups, in, Wp,
            &ep, out, threads, pad);
}

COMPRESS_CPU_EXPORT void compress_cpu_pool2d_nchw_f32(
    int64_t isa, int64_t kind, int64_t N, int64_t C, int64_t H, int64_t W,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, const float *in, float *out, int64_t threads) {
  if (N <= 0 || C <= 0 || OH <= 0 || OW <= 0 || KH <= 0 || KW <= 0)
    return;
  PoolPlaneFn plane = selectPoolPlane(isa);
  int64_t planes = N * C;
  int nThreads = threadsFor(threads, 1.0 * planes * OH * OW * KH * KW, planes);
  // Windows that tile the plane's rows exactly (OH * sh == H, no window
  // reaching the next one's rows, as 2x2 at stride 2 on an even height):
  // consecutive planes are one tall plane, whose window rows never cross
  // from one plane into the next, so each thread pools its planes in one
  // call (a 28x28 plane is only 14 rows; per-plane calls cost as much).
  if (OH * sh == H && (KH - 1) * dh < sh) {
    int64_t parts = std::min<int64_t>(nThreads, planes);
    parallelFor(parts > 1 ? nThreads : 1, parts, [&](int64_t part) {
      auto [p0, p1] = splitRange(planes, 1, parts, part);
      if (p1 > p0)
        poolRows(isa, kind, plane, in + p0 * H * W, W, KH, KW,
                 out + p0 * OH * OW, (p1 - p0) * OH, OW, sh, sw, dh, dw);
    });
    return;
  }
  parallelFor(nThreads, planes, [&](int64_t nc) {
    poolRows(isa, kind, plane, in + nc * H * W, W, KH, KW, out + nc * OH * OW,
             OH, OW, sh, sw, dh, dw);
  });
}

COMPRESS_CPU_EXPORT void compress_cpu_pool2d_nchw_f32_padded(
    int64_t isa, int64_t kind, int64_t N, int64_t C, int64_t H, int64_t W,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, int64_t top, int64_t left, int64_t bottom,
    int64_t right, int64_t padBits, const float *in, float *out,
    int64_t threads) {
  if (N <= 0 || C <= 0 || OH <= 0 || OW <= 0 || KH <= 0 || KW <= 0)
    return;
  PoolPlaneFn plane = selectPoolPlane(isa);
  const PlanePadding pad{top, left, bottom, right, floatFromBits(padBits)};
  const int64_t Hp = H + top + bottom, Wp = W + left + right;
  const int64_t planes = N * C;
  int nThreads = threadsFor(threads, 1.0 * planes * OH * OW * KH * KW, planes);
  parallelFor(nThreads, planes, [&](int64_t nc) {
    float *padded = reinterpret_cast<float *>(
        paddedPlaneScratch.get((Hp * Wp + kPlaneSlack) * sizeof(float)));
    padPlane(isa, in + nc * H * W, H, W, pad, padded);
    std::fill_n(padded + Hp * Wp, kPlaneSlack, pad.value);
    poolRows(isa, kind, plane, padded, Wp, KH, KW, out + nc * OH * OW, OH, OW,
             sh, sw, dh, dw);
  });
}

COMPRESS_CPU_EXPORT void compress_cpu_conv2d_pool_nchw_f32(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t F,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, int64_t groups, int64_t padTop, int64_t padLeft,
    int64_t padBottom, int64_t padRight, int64_t padValueBits, const float *in,
    const float *Wp, int64_t initBits, const float *bias, int64_t biasSplatBits,
    const float *residual, int64_t loBits, int64_t hiBits, int64_t kind,
    int64_t PKH, int64_t PKW, int64_t POH, int64_t POW, int64_t psh,
    int64_t psw, int64_t pdh, int64_t pdw, int64_t poolTop, int64_t poolLeft,
    int64_t poolBottom, int64_t poolRight, int64_t poolPadBits, float *out,
    int64_t threads) {
  if (N <= 0 || F <= 0 || OH <= 0 || OW <= 0 || POH <= 0 || POW <= 0)
    return;
  const BlockEpilogue ep =
      makeConvEpilogue(initBits, bias, biasSplatBits, residual, loBits, hiBits);
  const PlanePadding pad{padTop, padLeft, padBottom, padRight,
                         floatFromBits(padValueBits)};
  const bool poolPadded = poolTop || poolLeft || poolBottom || poolRight;
#if defined(COMPRESS_CPU_X86)
  // The pixel-row convolution keeps a band's sums per pixel, 16 filters a
  // vector: a 2x2 max pooling at stride 2 of whole windows (no residual to
  // add per pixel) pools them there, before the epilogue, and finishes a
  // quarter of the outputs (no other pass, no conv output at all).
  // A filter of fewer than 64 taps per output (K) is packed in rows for
  // the im2col path (convFilterPanels), but pooled here the transpose of
  // the sums costs a quarter as much: such a filter (a few KB) is copied
  // into panels for the call. The Fashion-MNIST CNN (first layer: K = 9,
  // 16 filters, 28x28) at batch 64 ran 3.5-4% faster in all than with
  // im2col and a separate pooling there.
  const int64_t Kc = C / groups * KH * KW;
  const bool panels = convFilterPanels(F, C / groups, KH, KW, groups);
  const bool repack = !panels && groups == 1 && F % kPanel == 0 &&
                      Kc >= kMinPooledRowsK && Kc <= kConvKc;
  if (kind == COMPRESS_CPU_POOL_MAX_FRESH && !poolPadded && !residual &&
      PKH == 2 && PKW == 2 && psh == 2 && psw == 2 && pdh == 1 && pdw == 1 &&
      OH % 2 == 0 && OW % 2 == 0 && POH == OH / 2 && POW == OW / 2 &&
      (panels || repack) && (sw == 1 || sw == 2) &&
      effectiveIsa(isa) >= COMPRESS_CPU_ISA_AVX512) {
    if (repack) {
      // Rows of blockedRowStride(Kc) floats -> for each panel of 16
      // filters, Kc rows of their 16 weights (one K block: Kc <= kConvKc).
      const int64_t stride = sgemm::blockedRowStride(Kc);
      float *p = reinterpret_cast<float *>(
          pooledFilterScratch.get(F * Kc * sizeof(float)));
      for (int64_t q = 0; q < F / kPanel; ++q)
        for (int64_t k = 0; k < Kc; ++k)
          for (int64_t j = 0; j < kPanel; ++j)
            p[(q * Kc + k) * kPanel + j] = Wp[(q * kPanel + j) * stride + k];
      Wp = p;
    }
    ConvGeometry geo{H + padTop + padBottom,
                     W + padLeft + padRight,
                     KH,
                     KW,
                     OW,
                     sh,
                     sw,
                     dh,
                     dw};
    conv2dF32Rows(geo, N, C, H, W, F, Kc, OH, in, Wp, &ep, nullptr, threads,
                  pad, out);
    return;
  }
#endif
  const int64_t inImage = C * H * W, convImage = F * OH * OW,
                outImage = F * POH * POW;
  // Images [n0, n0 + n) convolved into convOut, then pooled into out.
  auto run = [&](int64_t n0, int64_t n, float *convOut, int64_t t) {
    BlockEpilogue chunkEp = ep;
    if (chunkEp.residual)
      chunkEp.residual += n0 * convImage;
    conv2dF32(isa, n, C, H, W, F, KH, KW, OH, OW, sh, sw, dh, dw, groups,
              in + n0 * inImage, Wp, &chunkEp, convOut, t, pad);
    if (poolPadded)
      compress_cpu_pool2d_nchw_f32_padded(
          isa, kind, n, F, OH, OW, PKH, PKW, POH, POW, psh, psw, pdh, pdw,
          poolTop, poolLeft, poolBottom, poolRight, poolPadBits, convOut,
          out + n0 * outImage, t);
    else
      compress_cpu_pool2d_nchw_f32(isa, kind, n, F, OH, OW, PKH, PKW, POH, POW,
                                   psh, psw, pdh, pdw, convOut,
                                   out + n0 * outImage, t);
  };
  const int64_t perChunk = std::clamp<int64_t>(
      kFusedChunkBytes / (convImage * static_cast<int64_t>(sizeof(float))), 1,
      N);
  int64_t chunks = ceilDiv(N, perChunk);
  const int maxThreads = resolveThreads(threads);
  if (maxThreads > 1 && chunks < maxThreads) {
    float *convOut = reinterpret_cast<float *>(
        fusedConvOutScratch.get(N * convImage * sizeof(float)));
    run(0, N, convOut, threads);
    return;
  }
  // As many chunks as a multiple of the threads, of sizes differing by at
  // most one image (the Fashion-MNIST CNN's first layer at batch 64: 14
  // chunks of 4 or 5 images, where chunks of 5 left 13, 7 on one thread).
  chunks = std::min(N, roundUp(chunks, maxThreads));
  const double flops = 2.0 * N * convImage * (C / groups) * KH * KW;
  parallelFor(threadsFor(threads, flops, chunks), chunks, [&](int64_t chunk) {
    const int64_t n0 = N * chunk / chunks, n = N * (chunk + 1) / chunks - n0;
    run(n0, n,
        reinterpret_cast<float *>(
            fusedConvOutScratch.get(n * convImage * sizeof(float))),
        1);
  });
}

COMPRESS_CPU_EXPORT void compress_cpu_depthwise_conv2d_nchw_f32(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t KH,
    int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw, int64_t dh,
    int64_t dw, const float *in, const float *Wt, float *out, int64_t threads) {
  depthwiseConv2dF32(isa, N, C, H, W, KH, KW, OH, OW, sh, sw, dh, dw, in, Wt,
                     nullptr, out, threads);
}

COMPRESS_CPU_EXPORT void compress_cpu_depthwise_conv2d_nchw_f32_fused(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t KH,
    int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw, int64_t dh,
    int64_t dw, int64_t padTop, int64_t padLeft, int64_t padBottom,
    int64_t padRight, int64_t padValueBits, const float *in, const float *Wt,
    int64_t initBits, const float *bias, int64_t biasSplatBits,
    const float *residual, int64_t loBits, int64_t hiBits, float *out,
    int64_t threads) {
  BlockEpilogue ep =
      makeConvEpilogue(initBits, bias, biasSplatBits, residual, loBits, hiBits);
  PlanePadding pad{padTop, padLeft, padBottom, padRight,
                   floatFromBits(padValueBits)};
  depthwiseConv2dF32(isa, N, C, H, W, KH, KW, OH, OW, sh, sw, dh, dw, in, Wt,
                     &ep, out, threads, pad);
}

} // extern "C"
