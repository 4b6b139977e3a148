//===- IGemmAmx.cpp - int8 GEMM on AMX-INT8 tiles -------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Compiled with -mamx-tile -mamx-int8 (and AVX-512); entered only after
// effectiveIsa() found AMX, which includes the OS permission for tile data
// (requested once per process in CpuFeatures.cpp).
//
// Blocking: C in 32 x 32 blocks of 2 x 2 tiles (tmm0-3, 16 x 16 i32 each),
// two A tiles (tmm4-5: 16 rows x 64 k) and two B tiles (tmm6-7: 16 k-groups x
// 64 bytes, i.e. one 16-column B16x4 panel slice, contiguous) per 64 k:
// four tile loads feed four tdpbusd. The C tiles stay in registers over all
// of a K block (up to 1024). Edge blocks use one A or one B tile. A is
// loaded in place (stride lda) when its rows and K are whole tiles, else from
// a zero-padded copy.
//
// With a C (C += A * B, then the epilogue if any over all of it), blocks
// that overhang C go through a buffer. Without one (the requantizing entry
// points, as igemmVnni), the output is computed in panels of at most
// 256 x 256 accumulators in a buffer that stays in L2: the first K block's
// tiles load the initial values (a bias row broadcast by a tile load with
// stride 0, or per-row values), and each finished panel is requantized at
// once, so that the i32 accumulators never go to memory.
//
// Each call loads the tile configuration on its own thread and releases the
// tiles when done.
//
// COMPRESS_AMX_EMULATE (development only) replaces the tile instructions by
// C++ so that the blocking can be tested on a CPU without AMX.
//
//===----------------------------------------------------------------------===//

#include "IGemmPaths.h"
#include "Internal.h"
#include "Requantize.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <immintrin.h>

namespace compress::cpu::int8 {

namespace {

struct alignas(64) TileConfig {
  uint8_t palette = 1;
  uint8_t startRow = 0;
  uint8_t reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};

#if defined(COMPRESS_AMX_EMULATE)
struct EmulatedTiles {
  alignas(64) uint8_t t[8][16][64];
};
thread_local EmulatedTiles emu;
inline void emuLoad(int t, const void *p, int64_t stride) {
  for (int r = 0; r < 16; ++r)
    std::memcpy(emu.t[t][r], static_cast<const uint8_t *>(p) + r * stride, 64);
}
inline void emuStore(int t, void *p, int64_t stride) {
  for (int r = 0; r < 16; ++r)
    std::memcpy(static_cast<uint8_t *>(p) + r * stride, emu.t[t][r], 64);
}
template <bool ASigned>
inline void emuDot(int c, int a, int b) {
  for (int m = 0; m < 16; ++m)
    for (int n = 0; n < 16; ++n) {
      int32_t acc;
      std::memcpy(&acc, &emu.t[c][m][4 * n], 4);
      for (int k = 0; k < 64; ++k) {
        int32_t x = ASigned ? static_cast<int8_t>(emu.t[a][m][k])
                            : static_cast<int32_t>(emu.t[a][m][k]);
        int32_t y = ASigned
                        ? static_cast<int32_t>(emu.t[b][k / 4][4 * n + k % 4])
                        : static_cast<int8_t>(emu.t[b][k / 4][4 * n + k % 4]);
        acc += x * y;
      }
      std::memcpy(&emu.t[c][m][4 * n], &acc, 4);
    }
}
#define TILE_LOAD(t, p, s) emuLoad(t, p, s)
#define TILE_STORE(t, p, s) emuStore(t, p, s)
#define TILE_ZERO(i) std::memset(emu.t[i], 0, 1024)
#define TILE_DP(S, c, a, b) emuDot<S>(c, a, b)
#define TILE_CONFIG(cfg) (void)(cfg)
#define TILE_RELEASE() (void)0
#else
#define TILE_LOAD(t, p, s) _tile_loadd(t, p, s)
#define TILE_STORE(t, p, s) _tile_stored(t, p, s)
#define TILE_ZERO(t) _tile_zero(t)
#define TILE_DP(S, c, a, b)                                                    \
  do {                                                                         \
    if constexpr (S)                                                           \
      _tile_dpbsud(c, a, b);                                                   \
    else                                                                       \
      _tile_dpbusd(c, a, b);                                                   \
  } while (0)
#define TILE_CONFIG(cfg) _tile_loadconfig(cfg)
#define TILE_RELEASE() _tile_release()
#endif

/// The zero-padded copy of A; the accumulator panel and its initial values
/// (RequantizeEpilogue::columnInit / rowInit) of the path without C.
thread_local ScratchBuffer aCopy, panelScratch, initScratch;

/// One C block of TA x TB tiles over kc k-chunks of 64, stored to `out`
/// (row stride ldo i32). Tile (i, j) starts from
/// init + 16 i initRow + 16 j initCol, rows initRow i32 apart (initRow 0
/// broadcasts one row of initial values; initCol 0 one value per row), or
/// from zeros without `init`.
template <bool S, int TA, int TB>
void block(int64_t kc, const uint8_t *A, int64_t lda, const int8_t *B,
           int64_t ps, const int32_t *init, int64_t initRow, int64_t initCol,
           int32_t *out, int64_t ldo) {
  if (init) {
    const int64_t is = initRow * 4;
    TILE_LOAD(0, init, is);
    if constexpr (TB == 2)
      TILE_LOAD(1, init + 16 * initCol, is);
    if constexpr (TA == 2)
      TILE_LOAD(2, init + 16 * initRow, is);
    if constexpr (TA == 2 && TB == 2)
      TILE_LOAD(3, init + 16 * initRow + 16 * initCol, is);
  } else {
    TILE_ZERO(0);
    TILE_ZERO(1);
    TILE_ZERO(2);
    TILE_ZERO(3);
  }
  const uint8_t *a = A;
  const int8_t *b = B;
  for (int64_t k = 0; k < kc; ++k, a += 64, b += 1024) {
    TILE_LOAD(4, a, lda);
    TILE_LOAD(6, b, 64);
    if constexpr (TB == 2)
      TILE_LOAD(7, b + ps, 64);
    TILE_DP(S, 0, 4, 6);
    if constexpr (TB == 2)
      TILE_DP(S, 1, 4, 7);
    if constexpr (TA == 2) {
      TILE_LOAD(5, a + 16 * lda, lda);
      TILE_DP(S, 2, 5, 6);
      if constexpr (TB == 2)
        TILE_DP(S, 3, 5, 7);
    }
  }
  const int64_t os = ldo * 4;
  TILE_STORE(0, out, os);
  if constexpr (TB == 2)
    TILE_STORE(1, out + 16, os);
  if constexpr (TA == 2)
    TILE_STORE(2, out + 16 * ldo, os);
  if constexpr (TA == 2 && TB == 2)
    TILE_STORE(3, out + 16 * ldo + 16, os);
}

using BlockFn = void (*)(int64_t, const uint8_t *, int64_t, const int8_t *,
                         int64_t, const int32_t *, int64_t, int64_t, int32_t *,
                         int64_t);

template <bool S>
BlockFn pick(int ta, int tb) {
  if (ta == 2)
    return tb == 2 ? block<S, 2, 2> : block<S, 2, 1>;
  return tb == 2 ? block<S, 1, 2> : block<S, 1, 1>;
}

/// Adds rows x cols of the 32-wide buffer into C.
void addBuffer(const int32_t *buf, int64_t rows, int64_t cols, int32_t *C,
               int64_t ldc) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < cols; j += 16) {
      int64_t n = std::min<int64_t>(16, cols - j);
      __mmask16 m = static_cast<__mmask16>(n >= 16 ? 0xffff : (1u << n) - 1);
      __m512i x = _mm512_maskz_loadu_epi32(m, C + r * ldc + j);
      __m512i y = _mm512_maskz_loadu_epi32(m, buf + r * 32 + j);
      _mm512_mask_storeu_epi32(C + r * ldc + j, m, _mm512_add_epi32(x, y));
    }
}

/// A, or its copy zero-padded to whole tiles (rows to 16, K to Kp) when the
/// tiles would read past it.
const uint8_t *paddedA(bool aPadded, int64_t M, int64_t K, const uint8_t *A,
                       int64_t &lda, int64_t Kp) {
  if (aPadded || (K % 64 == 0 && M % 16 == 0))
    return A;
  const int64_t rows = roundUp(M, 16);
  uint8_t *copy = aCopy.get(static_cast<size_t>(rows * Kp));
  for (int64_t m = 0; m < rows; ++m) {
    uint8_t *dst = copy + m * Kp;
    int64_t n = m < M ? K : 0;
    if (n)
      std::memcpy(dst, A + m * lda, static_cast<size_t>(n));
    std::memset(dst + n, 0, static_cast<size_t>(Kp - n));
  }
  lda = Kp;
  return copy;
}

void configureTiles() {
  TileConfig cfg;
  for (int t = 0; t < 8; ++t) {
    cfg.rows[t] = 16;
    cfg.colsb[t] = 64;
  }
  TILE_CONFIG(&cfg);
}

/// K blocks of up to 1024 keep a 32-column strip of B (32 KiB) in L1 while
/// the blocks of A stream from L2; C tiles are reloaded once per K block.
constexpr int64_t kKBlock = 16;

/// C += A * B, C given.
template <bool S>
void gemm(bool aPadded, int64_t M, int64_t N, int64_t K, const uint8_t *A,
          int64_t lda, const int8_t *Bp, int64_t Kp, int32_t *C, int64_t ldc) {
  const int64_t kc = Kp / 64, ps = Kp * 16;
  A = paddedA(aPadded, M, K, A, lda, Kp);
  configureTiles();
  alignas(64) int32_t buf[32 * 32];
  for (int64_t k0 = 0; k0 < kc; k0 += kKBlock) {
    const int64_t kn = std::min(kKBlock, kc - k0);
    for (int64_t n0 = 0; n0 < N; n0 += 32) {
      const int64_t cols = std::min<int64_t>(32, N - n0);
      const int tb = cols > 16 ? 2 : 1;
      const int8_t *B = Bp + (n0 / 16) * ps + k0 * 1024;
      for (int64_t m0 = 0; m0 < M; m0 += 32) {
        const int64_t rows = std::min<int64_t>(32, M - m0);
        const int ta = rows > 16 ? 2 : 1;
        int32_t *c = C + m0 * ldc + n0;
        const uint8_t *a = A + m0 * lda + k0 * 64;
        // A block inside C accumulates in place; one that overhangs C is
        // computed from zero into the buffer and added.
        if (rows == 16 * ta && cols == 16 * tb) {
          pick<S>(ta, tb)(kn, a, lda, B, ps, c, ldc, 1, c, ldc);
        } else {
          pick<S>(ta, tb)(kn, a, lda, B, ps, nullptr, 0, 0, buf, 32);
          addBuffer(buf, rows, cols, c, ldc);
        }
      }
    }
  }
  TILE_RELEASE();
}

/// The path without C: the output in panels of up to kPanelRows x
/// kPanelCols accumulators (256 KiB), each computed over all of K in a
/// buffer that stays in L2, its tiles started from the epilogue's initial
/// values, then requantized while still in cache. Nothing of the M x N
/// accumulator matrix goes to memory.
constexpr int64_t kPanelRows = 256, kPanelCols = 256;

template <bool S>
void gemmPanels(bool aPadded, int64_t M, int64_t N, int64_t K, const uint8_t *A,
                int64_t lda, const int8_t *Bp, int64_t Kp,
                const RequantizeEpilogue &ep, int64_t row0, int64_t col0) {
  const int64_t kc = Kp / 64, ps = Kp * 16;
  A = paddedA(aPadded, M, K, A, lda, Kp);
  // Blocks overhang a panel by less than a block: the buffer holds whole
  // blocks, and every block is stored in place.
  const int64_t pr = std::min(roundUp(M, 32), kPanelRows);
  const int64_t pc = std::min(roundUp(N, 32), kPanelCols);
  int32_t *panel = reinterpret_cast<int32_t *>(
      panelScratch.get(static_cast<size_t>(pr * pc) * sizeof(int32_t)));
  // The initial values padded to whole tiles: one row of pc columns
  // (tile rows 0 apart), or pr rows of 16 equal values (a row's value per
  // tile row, the same for both column tiles).
  const bool byRow = ep.rowInit != nullptr, byColumn = !byRow && ep.columnInit;
  int32_t *init = reinterpret_cast<int32_t *>(initScratch.get(
      static_cast<size_t>(byRow ? pr * 16 : pc) * sizeof(int32_t)));
  configureTiles();
  for (int64_t pn = 0; pn < N; pn += kPanelCols) {
    const int64_t cols = std::min(kPanelCols, N - pn);
    if (byColumn) {
      std::memcpy(init, ep.columnInit + col0 + pn,
                  static_cast<size_t>(cols) * sizeof(int32_t));
      std::fill(init + cols, init + pc, 0);
    }
    for (int64_t pm = 0; pm < M; pm += kPanelRows) {
      const int64_t rows = std::min(kPanelRows, M - pm);
      if (byRow)
        for (int64_t r = 0; r < pr; ++r)
          std::fill_n(init + r * 16, 16,
                      r < rows ? ep.rowInit[row0 + pm + r] : 0);
      for (int64_t k0 = 0; k0 < kc; k0 += kKBlock) {
        const int64_t kn = std::min(kKBlock, kc - k0);
        for (int64_t n0 = 0; n0 < cols; n0 += 32) {
          const int tb = cols - n0 > 16 ? 2 : 1;
          const int8_t *B = Bp + ((pn + n0) / 16) * ps + k0 * 1024;
          for (int64_t m0 = 0; m0 < rows; m0 += 32) {
            const int ta = rows - m0 > 16 ? 2 : 1;
            int32_t *c = panel + m0 * pc + n0;
            const uint8_t *a = A + (pm + m0) * lda + k0 * 64;
            if (k0 > 0)
              pick<S>(ta, tb)(kn, a, lda, B, ps, c, pc, 1, c, pc);
            else if (byRow)
              pick<S>(ta, tb)(kn, a, lda, B, ps, init + m0 * 16, 16, 0, c, pc);
            else if (byColumn)
              pick<S>(ta, tb)(kn, a, lda, B, ps, init + n0, 0, 1, c, pc);
            else
              pick<S>(ta, tb)(kn, a, lda, B, ps, nullptr, 0, 0, c, pc);
          }
        }
      }
      applyRequantize(ep, panel, pc, rows, cols, row0 + pm, col0 + pn);
    }
  }
  TILE_RELEASE();
}

} // namespace

void igemmAmx(bool aSigned, bool aPadded, int64_t M, int64_t N, int64_t K,
              const uint8_t *A, int64_t lda, const int8_t *Bp, int64_t Kp,
              int32_t *C, int64_t ldc, const RequantizeEpilogue *ep,
              int64_t row0, int64_t col0) {
  if (!C) {
    if (aSigned)
      gemmPanels<true>(aPadded, M, N, K, A, lda, Bp, Kp, *ep, row0, col0);
    else
      gemmPanels<false>(aPadded, M, N, K, A, lda, Bp, Kp, *ep, row0, col0);
    return;
  }
  if (aSigned)
    gemm<true>(aPadded, M, N, K, A, lda, Bp, Kp, C, ldc);
  else
    gemm<false>(aPadded, M, N, K, A, lda, Bp, Kp, C, ldc);
  // After the whole block: correct, without the VNNI path's overlap.
  if (ep)
    applyRequantize(*ep, C, ldc, M, N, row0, col0);
}

} // namespace compress::cpu::int8
