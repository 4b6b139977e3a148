//===- IGemmVnni.cpp - int8 kernels for AVX-512 VNNI ----------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Compiled with -mavx512{f,bw,vl,dq} -mavx512vnni; entered only after
// effectiveIsa() found AVX512_VNNI (see IGemm.cpp).
//
// GEMM micro-kernel: MR rows x NV vectors of 16 columns, MR * NV i32
// accumulators in zmm registers. Per group of 4 k, NV 64-byte rows of the B16x4
// panels are loaded and each row's 4 A bytes broadcast; vpdpbusd multiplies
// u8 (first source) by s8 (second source), exactly (no saturation).
// With aSigned (conv: s8 filters as A, u8 im2col as B) the sources swap, and
// the broadcast A operand folds into vpdpbusd as an {1to16} memory operand.
//
//===----------------------------------------------------------------------===//

#include "IGemmPaths.h"
#include "Internal.h"
#include "Requantize.h"
#include "SparseB.h"

#include <algorithm>
#include <cstring>

#include <immintrin.h>

namespace compress::cpu::int8 {

namespace {

inline int32_t load32(const uint8_t *p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

/// The 4-byte group of A at column 4*q holding only `n` (< 4) valid bytes,
/// read without touching the rest.
inline int32_t loadPartial32(const uint8_t *p, int n) {
  // No memcpy call: a call would clobber the accumulator registers.
  uint32_t v = p[0];
  if (n > 1)
    v |= uint32_t(p[1]) << 8;
  if (n > 2)
    v |= uint32_t(p[2]) << 16;
  return static_cast<int32_t>(v);
}

/// acc += a * b for A u8 x B s8 (or A s8 x B u8 with ASigned), in place.
/// Inline assembly ties the accumulator to its register: with the intrinsic,
/// GCC 12 shuffles the 24 accumulators through the stack.
template <bool ASigned>
inline void dot(__m512i &acc, __m512i a, __m512i b) {
#if defined(__GNUC__)
  if constexpr (ASigned)
    __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(b), "v"(a));
  else
    __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(a), "v"(b));
#else
  acc =
      ASigned ? _mm512_dpbusd_epi32(acc, b, a) : _mm512_dpbusd_epi32(acc, a, b);
#endif
}

using KernelFn = void (*)(int64_t, int, const uint8_t *, int64_t,
                          const int8_t *, int64_t, int32_t *, int64_t,
                          __mmask16);

/// One 64-byte row of a B16x4 panel: read as it is, or with S4 unpacked
/// from its 32 bytes of nibbles (byte i holds row byte i in its low and row
/// byte i + 32 in its high nibble, two's complement): the high nibbles
/// shifted down, both halves masked to 4 bits and mapped to their signed
/// values by one byte shuffle.
template <bool S4>
inline __m512i loadB(const int8_t *p) {
  if constexpr (!S4) {
    return _mm512_loadu_si512(p);
  } else {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p));
    const __m512i both = _mm512_inserti64x4(_mm512_castsi256_si512(x),
                                            _mm256_srli_epi16(x, 4), 1);
    const __m512i nibbles = _mm512_and_si512(both, _mm512_set1_epi8(0x0f));
    const __m512i signedValues = _mm512_broadcast_i32x4(
        _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1));
    return _mm512_shuffle_epi8(signedValues, nibbles);
  }
}

/// C[MR x NV*16] += A[MR x (4*kq + ktail)] * B. `B` points at the first of NV
/// panels, `ps` apart; `last` masks the columns of the last vector. With S4
/// the panels hold nibbles (32 bytes per group of 4 k).
template <bool ASigned, int MR, int NV, bool S4 = false>
void microKernel(int64_t kq, int ktail, const uint8_t *A, int64_t lda,
                 const int8_t *B, int64_t ps, int32_t *C, int64_t ldc,
                 __mmask16 last) {
  constexpr int64_t rowBytes = S4 ? 32 : 64;
  __m512i acc[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      acc[r][v] = v == NV - 1
                      ? _mm512_maskz_loadu_epi32(last, C + r * ldc + 16 * v)
                      : _mm512_loadu_si512(C + r * ldc + 16 * v);
  const uint8_t *a = A;
  const int8_t *b = B;
  for (int64_t q = 0; q < kq; ++q, a += 4, b += rowBytes) {
    __m512i bv[NV];
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      bv[v] = loadB<S4>(b + v * ps);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      __m512i av = _mm512_set1_epi32(load32(a + r * lda));
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v)
        dot<ASigned>(acc[r][v], av, bv[v]);
    }
  }
  if (ktail) {
    __m512i bv[NV];
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      bv[v] = loadB<S4>(b + v * ps);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      __m512i av = _mm512_set1_epi32(loadPartial32(a + r * lda, ktail));
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v)
        dot<ASigned>(acc[r][v], av, bv[v]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) {
      if (v == NV - 1)
        _mm512_mask_storeu_epi32(C + r * ldc + 16 * v, last, acc[r][v]);
      else
        _mm512_storeu_si512(C + r * ldc + 16 * v, acc[r][v]);
    }
}

/// The vpshufb control of one octet of a B16x8/2:4 panel from its 16 code
/// bytes: lane c (column c) gets bytes [i1, i2, 4 + j1, 4 + j2] from code
/// i1 | i2 << 2 | j1 << 4 | j2 << 6, i.e. the positions of the column's
/// kept values among the 8 bytes of A the octet covers.
inline __m512i pairControl(const int8_t *codes) {
  const __m512i x = _mm512_cvtepu8_epi32(
      _mm_loadu_si128(reinterpret_cast<const __m128i *>(codes)));
  // Bits 2i, 2i + 1 of the code to bits 8i, 8i + 1 of the lane.
  __m512i y = _mm512_ternarylogic_epi32(x, _mm512_slli_epi32(x, 6),
                                        _mm512_slli_epi32(x, 12), 0xfe);
  y = _mm512_or_si512(y, _mm512_slli_epi32(x, 18));
  y = _mm512_and_si512(y, _mm512_set1_epi32(0x03030303));
  return _mm512_add_epi32(y, _mm512_set1_epi32(0x04040000));
}

/// microKernel on B16x8/2:4 panels (CpuKernels.h): per octet of k, 64 bytes
/// of kept values (two per column and quad) and 16 code bytes. Each row's 8
/// bytes of A are broadcast, and one vpshufb per panel picks, for every
/// column, the 4 bytes its kept values multiply: one vpdpbusd per 8 k
/// instead of two. `kq` counts quads (an odd one ends with half an octet).
template <int MR, int NV>
void pairsMicroKernel(int64_t kq, int ktail, const uint8_t *A, int64_t lda,
                      const int8_t *B, int64_t ps, int32_t *C, int64_t ldc,
                      __mmask16 last) {
  (void)ktail; // K is a multiple of 4
  __m512i acc[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      acc[r][v] = v == NV - 1
                      ? _mm512_maskz_loadu_epi32(last, C + r * ldc + 16 * v)
                      : _mm512_loadu_si512(C + r * ldc + 16 * v);
  const uint8_t *a = A;
  const int8_t *b = B;
  const int64_t octets = (kq + 1) / 2;
  for (int64_t o = 0; o < octets; ++o, a += 8, b += 80) {
    const bool half = 2 * o + 1 == kq;
    __m512i w[NV], control[NV];
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) {
      w[v] = _mm512_loadu_si512(b + v * ps);
      control[v] = pairControl(b + v * ps + 64);
    }
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      int64_t bytes;
      if (half) {
        bytes = static_cast<uint32_t>(load32(a + r * lda));
      } else {
        std::memcpy(&bytes, a + r * lda, 8);
      }
      const __m512i a8 = _mm512_set1_epi64(bytes);
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v)
        dot<false>(acc[r][v], _mm512_shuffle_epi8(a8, control[v]), w[v]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) {
      if (v == NV - 1)
        _mm512_mask_storeu_epi32(C + r * ldc + 16 * v, last, acc[r][v]);
      else
        _mm512_storeu_si512(C + r * ldc + 16 * v, acc[r][v]);
    }
}

/// microKernel on B16x128/windows panels (SparseB.h): `B` points at NV
/// WindowCursors (ps unused). Per window of 128 k each row's 128 bytes of
/// A are loaded once; per round of a panel the packed positions are spread
/// to one byte each (vpermb, vpmultishiftqb), each row's A is permuted so
/// that column c's lane holds the 4 bytes its round's values multiply
/// (vpermi2b), and one vpdpbusd adds them: the zeros cost nothing.
template <int MR, int NV>
__attribute__((target("avx512vbmi"))) void
windowsMicroKernel(int64_t kq, int ktail, const uint8_t *A, int64_t lda,
                   const int8_t *B, int64_t ps, int32_t *C, int64_t ldc,
                   __mmask16 last) {
  (void)ps;
  const auto *cursors = reinterpret_cast<const WindowCursor *>(B);
  const uint8_t *counts[NV];
  const int8_t *data[NV];
#pragma GCC unroll 16
  for (int v = 0; v < NV; ++v) {
    counts[v] = cursors[v].counts;
    data[v] = cursors[v].data;
  }
  __m512i acc[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v)
      acc[r][v] = v == NV - 1
                      ? _mm512_maskz_loadu_epi32(last, C + r * ldc + 16 * v)
                      : _mm512_loadu_si512(C + r * ldc + 16 * v);
  // Lanes 2q, 2q + 1 of the positions are the 7 bytes at 7q: spread to
  // qword q, then the 7-bit fields at bits 0, 7, ..., 49 become its bytes
  // (vpermi2b reads the low 7 bits of each index byte).
  alignas(64) static const uint8_t spreadBytes[64] = {
      0,  1,  2,  3,  4,  5,  6,  6,  7,  8,  9,  10, 11, 12, 13, 13,
      14, 15, 16, 17, 18, 19, 20, 20, 21, 22, 23, 24, 25, 26, 27, 27,
      28, 29, 30, 31, 32, 33, 34, 34, 35, 36, 37, 38, 39, 40, 41, 41,
      42, 43, 44, 45, 46, 47, 48, 48, 49, 50, 51, 52, 53, 54, 55, 55};
  const __m512i spread = _mm512_load_si512(spreadBytes);
  const __m512i fields =
      _mm512_set1_epi64(static_cast<int64_t>(0x312a231c150e0700ull));
  const int64_t valid = 4 * kq + ktail;
  const int64_t windows = (valid + kWindowK - 1) / kWindowK;
  auto bytesMask = [](int64_t bytes) {
    return bytes >= 64  ? ~__mmask64(0)
           : bytes <= 0 ? __mmask64(0)
                        : (__mmask64(1) << bytes) - 1;
  };
  for (int64_t w = 0; w < windows; ++w) {
    const int64_t bytes = valid - kWindowK * w;
    const __mmask64 low = bytesMask(bytes), high = bytesMask(bytes - 64);
    __m512i a[MR][2];
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      const uint8_t *row = A + r * lda + kWindowK * w;
      a[r][0] = _mm512_maskz_loadu_epi8(low, row);
      a[r][1] = _mm512_maskz_loadu_epi8(high, row + 64);
    }
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) {
      const int rounds = counts[v][w];
      for (int i = 0; i < rounds; ++i, data[v] += kWindowRoundBytes) {
        const __m512i values = _mm512_loadu_si512(data[v]);
        const __m512i control = _mm512_multishift_epi64_epi8(
            fields,
            _mm512_permutexvar_epi8(spread, _mm512_loadu_si512(data[v] + 64)));
#pragma GCC unroll 16
        for (int r = 0; r < MR; ++r)
          dot<false>(acc[r][v],
                     _mm512_permutex2var_epi8(a[r][0], control, a[r][1]),
                     values);
      }
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) {
      if (v == NV - 1)
        _mm512_mask_storeu_epi32(C + r * ldc + 16 * v, last, acc[r][v]);
      else
        _mm512_storeu_si512(C + r * ldc + 16 * v, acc[r][v]);
    }
}

/// The layouts of B the GEMM kernels read.
enum class BFormat { Dense, S4, Pairs, Windows };

template <bool S, int MR, int NV, BFormat F>
KernelFn kernelFor() {
  if constexpr (F == BFormat::Pairs)
    return pairsMicroKernel<MR, NV>;
  else if constexpr (F == BFormat::Windows)
    return windowsMicroKernel<MR, NV>;
  else
    return microKernel<S, MR, NV, F == BFormat::S4>;
}

template <bool S, int MR, BFormat F>
KernelFn pickNv(int nv) {
  switch (nv) {
  case 1:
    return kernelFor<S, MR, 1, F>();
  case 2:
    return kernelFor<S, MR, 2, F>();
  case 3:
    return kernelFor<S, MR, 3, F>();
  default:
    break;
  }
  if constexpr (MR <= 3) {
    switch (nv) {
    case 4:
      return kernelFor<S, MR, 4, F>();
    case 5:
      return kernelFor<S, MR, 5, F>();
    case 6:
      return kernelFor<S, MR, 6, F>();
    case 7:
      return kernelFor<S, MR, 7, F>();
    default:
      return kernelFor<S, MR, 8, F>();
    }
  }
  return nullptr;
}

template <bool S, BFormat F>
KernelFn pick(int mr, int nv) {
  switch (mr) {
  case 1:
    return pickNv<S, 1, F>(nv);
  case 2:
    return pickNv<S, 2, F>(nv);
  case 3:
    return pickNv<S, 3, F>(nv);
  case 4:
    return pickNv<S, 4, F>(nv);
  case 5:
    return pickNv<S, 5, F>(nv);
  case 6:
    return pickNv<S, 6, F>(nv);
  case 7:
    return pickNv<S, 7, F>(nv);
  default:
    return pickNv<S, 8, F>(nv);
  }
}

/// Accumulators of one strip when the caller passes no C (see
/// RequantizeEpilogue::columnInit): at most kMaxBlockRows x 128 i32.
thread_local ScratchBuffer stripScratch;

/// Rows of A per block: the block's A (rows x K bytes) stays in L2 while
/// every strip of B streams past it.
int64_t blockRows(int64_t M, int64_t K, int MR) {
  constexpr int64_t kABytes = 256 * 1024;
  constexpr int64_t kMaxBlockRows = 512;
  int64_t rows =
      std::clamp<int64_t>(kABytes / std::max<int64_t>(K, 1), MR, kMaxBlockRows);
  rows = rows / MR * MR;
  return std::min(rows, M);
}

/// With F == Windows, Bp is the whole B16x128/windows blob and col0 / 16 the
/// rectangle's first panel.
template <bool S, BFormat F = BFormat::Dense>
void gemm(bool aPadded, int64_t M, int64_t N, int64_t K, const uint8_t *A,
          int64_t lda, const int8_t *Bp, int64_t Kp, int32_t *C, int64_t ldc,
          const RequantizeEpilogue *ep, int64_t row0, int64_t col0) {
  const int64_t kq = aPadded ? (K + 3) / 4 : K / 4;
  const int ktail = aPadded ? 0 : static_cast<int>(K % 4);
  // Bytes per group of 4 k in a panel, and between panels (2:4: 80 bytes
  // per 8 k).
  constexpr int64_t rowBytes = F == BFormat::S4      ? 32
                               : F == BFormat::Pairs ? 40
                                                     : 64;
  const int64_t ps = Kp * rowBytes / 4;
  const WindowsB windowed =
      F == BFormat::Windows ? WindowsB::view(Bp) : WindowsB();
  WindowCursor windowCursors[8];
  // A few rows: wide tiles, so that enough independent accumulators hide
  // vpdpbusd's latency.
  const int MR = M <= 3 ? static_cast<int>(M) : 8;
  // 2:4 keeps two registers per panel (values, shuffle control).
  // Windows keeps a row of A per row of the tile.
  const int NVmax = M <= 3
                        ? (F == BFormat::Pairs || F == BFormat::Windows ? 4 : 8)
                        : (F == BFormat::Windows ? 1 : 3);
  // Without C the accumulators of a strip live in a small buffer that
  // stays in L1/L2, initialized from the per-column values; nothing of the
  // M x N accumulator matrix goes to memory.
  const bool noC = C == nullptr;
  // Convolutions (S: the filters are A, few rows) keep every row per strip.
  const int64_t mc = S ? M : blockRows(M, K, MR);
  const int64_t stripLd = 16 * NVmax;
  int32_t *strip =
      noC ? reinterpret_cast<int32_t *>(stripScratch.get(
                static_cast<size_t>(mc * stripLd) * sizeof(int32_t)))
          : nullptr;
  // Loop order: blocks of rows of A, then 48-column strips of B, then the
  // rows of the block, so that a strip's K block (at most 2048 k: 96 KiB)
  // stays in L2 across the block's rows. Measured: K blocks of 512 or 1024
  // k are no faster.
  constexpr int64_t kcq = 512; // 2048 k per block
  for (int64_t mb = 0; mb < M; mb += mc) {
    const int64_t rowsB = std::min(mc, M - mb);
    for (int64_t n0 = 0; n0 < N; n0 += 16 * NVmax) {
      const int nv =
          static_cast<int>(std::min<int64_t>(NVmax, (N - n0 + 15) / 16));
      const int64_t cols = std::min<int64_t>(16 * nv, N - n0);
      const int64_t lastCols = N - n0 - 16 * (nv - 1);
      const __mmask16 last = static_cast<__mmask16>(
          lastCols >= 16 ? 0xffff : (1u << lastCols) - 1);
      const int8_t *Bn = Bp + (n0 / 16) * ps;
      int32_t *Cs = noC ? strip : C + mb * ldc + n0;
      const int64_t ldcs = noC ? stripLd : ldc;
      if (noC) {
        // The strip's initial rows, one 16-lane register stored down each
        // column of vectors (a memcpy per row, or a loop that GCC turns
        // into one, took a tenth of a 128 x 768 x 768 product).
        if (ep->rowInit) {
          for (int64_t r = 0; r < rowsB; ++r) {
            const __m512i x = _mm512_set1_epi32(ep->rowInit[row0 + mb + r]);
            for (int v = 0; v < nv; ++v)
              _mm512_storeu_si512(Cs + r * ldcs + 16 * v, x);
          }
        } else {
          for (int v = 0; v < nv; ++v) {
            const __mmask16 m = v == nv - 1 ? last : 0xffff;
            const __m512i x = ep->columnInit
                                  ? _mm512_maskz_loadu_epi32(
                                        m, ep->columnInit + col0 + n0 + 16 * v)
                                  : _mm512_setzero_si512();
            for (int64_t r = 0; r < rowsB; ++r)
              _mm512_storeu_si512(Cs + r * ldcs + 16 * v, x);
          }
        }
      }
      for (int64_t q0 = 0;; q0 += kcq) {
        const int64_t qn = std::min(kcq, kq - q0);
        if constexpr (F == BFormat::Windows) {
          const int64_t p0 = (col0 + n0) / 16;
          for (int v = 0; v < nv; ++v)
            windowCursors[v] = {
                windowed.counts + (p0 + v) * windowed.windows +
                    q0 * 4 / kWindowK,
                windowed.data + windowed.offsets[(p0 + v) * windowed.blocks +
                                                 q0 / kSparseBlockQuads]};
        }
        const int kt = q0 + qn == kq ? ktail : 0;
        const bool lastBlock = q0 + qn >= kq;
        for (int64_t m0 = 0; m0 < rowsB; m0 += MR) {
          const int mr = static_cast<int>(std::min<int64_t>(MR, rowsB - m0));
          pick<S, F>(mr,
                     nv)(qn, kt, A + (mb + m0) * lda + 4 * q0, lda,
                         F == BFormat::Windows
                             ? reinterpret_cast<const int8_t *>(windowCursors)
                             : Bn + rowBytes * q0,
                         ps, Cs + m0 * ldcs, ldcs, last);
          // The tile is final and in L1: its output is written now, between
          // the arithmetic of the tiles around it.
          if (ep && lastBlock)
            applyRequantize(*ep, Cs + m0 * ldcs, ldcs, mr, cols, row0 + mb + m0,
                            col0 + n0);
        }
        if (lastBlock)
          break;
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// Depthwise
//===----------------------------------------------------------------------===//

/// The input bytes of 16 output pixels (stride SW) for one tap,
/// zero-extended into i32 lanes. Partial blocks read only their pixels'
/// bytes (masked loads do not fault on the rest).
template <int SW, bool Full>
inline __m512i loadPixels(const uint8_t *p, __mmask16 m16, __mmask32 m32) {
  if constexpr (SW == 1) {
    if constexpr (Full)
      return _mm512_cvtepu8_epi32(
          _mm_loadu_si128(reinterpret_cast<const __m128i *>(p)));
    return _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m16, p));
  } else {
    // Stride 2: the 16-bit lanes' low bytes. A full block reads 31 bytes.
    const __m256i x = _mm256_maskz_loadu_epi8(Full ? 0x7fffffffu : m32, p);
    return _mm512_and_si512(_mm512_cvtepu16_epi32(x), _mm512_set1_epi32(0xff));
  }
}

/// Four taps' bytes of each pixel packed into its i32 lane (tap t in byte t).
template <int SW, bool Full>
inline __m512i loadQuad(const uint8_t *base, const int64_t *off, int n,
                        __mmask16 m16, __mmask32 m32) {
  __m512i x = loadPixels<SW, Full>(base + off[0], m16, m32);
  if (n > 1) {
    __m512i x1 =
        _mm512_slli_epi32(loadPixels<SW, Full>(base + off[1], m16, m32), 8);
    __m512i x2 = n > 2 ? _mm512_slli_epi32(
                             loadPixels<SW, Full>(base + off[2], m16, m32), 16)
                       : _mm512_setzero_si512();
    x = _mm512_ternarylogic_epi32(x, x1, x2, 0xfe); // x | x1 | x2
  }
  if (n > 3)
    x = _mm512_or_si512(
        x,
        _mm512_slli_epi32(loadPixels<SW, Full>(base + off[3], m16, m32), 24));
  return x;
}

/// One block of 16 output pixels; Taps > 0 is the tap count known at compile
/// time (the quads unroll), 0 means `taps` at run time.
template <int Taps, int SW, bool Full>
inline void depthwiseBlock(const uint8_t *base, const int64_t *off,
                           const __m512i *wv, int64_t taps, int32_t *o,
                           __mmask16 m16, __mmask32 m32) {
  const int64_t t = Taps > 0 ? Taps : taps;
  __m512i acc = Full ? _mm512_loadu_si512(o) : _mm512_maskz_loadu_epi32(m16, o);
  // Two accumulators halve the vpdpbusd dependency chain.
  __m512i acc2 = _mm512_setzero_si512();
#pragma GCC unroll 16
  for (int64_t q = 0; 4 * q < t; ++q) {
    const int n = static_cast<int>(std::min<int64_t>(4, t - 4 * q));
    __m512i x = loadQuad<SW, Full>(base, off + 4 * q, n, m16, m32);
    if (q % 2)
      acc2 = _mm512_dpbusd_epi32(acc2, x, wv[q]);
    else
      acc = _mm512_dpbusd_epi32(acc, x, wv[q]);
  }
  acc = _mm512_add_epi32(acc, acc2);
  if constexpr (Full)
    _mm512_storeu_si512(o, acc);
  else
    _mm512_mask_storeu_epi32(o, m16, acc);
}

template <int Taps, int SW>
void depthwisePlane(int64_t OH, int64_t OW, int64_t sh, int64_t W,
                    const uint8_t *in, const int64_t *off, const __m512i *wv,
                    int64_t taps, int32_t *out) {
  const int64_t full = OW / 16 * 16;
  const int rest = static_cast<int>(OW - full);
  const __mmask16 m16 = static_cast<__mmask16>((1u << rest) - 1);
  const __mmask32 m32 = (rest ? (1u << (2 * rest)) - 1 : 0u) >> 1;
  for (int64_t oh = 0; oh < OH; ++oh) {
    const uint8_t *row = in + oh * sh * W;
    int32_t *o = out + oh * OW;
    for (int64_t ow = 0; ow < full; ow += 16)
      depthwiseBlock<Taps, SW, true>(row + ow * SW, off, wv, taps, o + ow, 0,
                                     0);
    if (rest)
      depthwiseBlock<Taps, SW, false>(row + full * SW, off, wv, taps, o + full,
                                      m16, m32);
  }
}

template <int SW>
void depthwisePlaneTaps(int64_t taps, int64_t OH, int64_t OW, int64_t sh,
                        int64_t W, const uint8_t *in, const int64_t *off,
                        const __m512i *wv, int32_t *out) {
  switch (taps) {
  case 9:
    return depthwisePlane<9, SW>(OH, OW, sh, W, in, off, wv, taps, out);
  case 25:
    return depthwisePlane<25, SW>(OH, OW, sh, W, in, off, wv, taps, out);
  default:
    return depthwisePlane<0, SW>(OH, OW, sh, W, in, off, wv, taps, out);
  }
}

} // namespace

void igemmVnni(bool aSigned, bool aPadded, int64_t M, int64_t N, int64_t K,
               const uint8_t *A, int64_t lda, const int8_t *Bp, int64_t Kp,
               int32_t *C, int64_t ldc, const RequantizeEpilogue *ep,
               int64_t row0, int64_t col0) {
  if (aSigned)
    gemm<true>(aPadded, M, N, K, A, lda, Bp, Kp, C, ldc, ep, row0, col0);
  else
    gemm<false>(aPadded, M, N, K, A, lda, Bp, Kp, C, ldc, ep, row0, col0);
}

void igemmVnniS4(bool aSigned, bool aPadded, int64_t M, int64_t N, int64_t K,
                 const uint8_t *A, int64_t lda, const int8_t *Bp, int64_t Kp,
                 int32_t *C, int64_t ldc, const RequantizeEpilogue *ep,
                 int64_t row0, int64_t col0) {
  (void)aSigned; // the 4-bit weights are always B
  gemm<false, BFormat::S4>(aPadded, M, N, K, A, lda, Bp, Kp, C, ldc, ep, row0,
                           col0);
}

void igemmVnniPairs(bool aSigned, bool aPadded, int64_t M, int64_t N, int64_t K,
                    const uint8_t *A, int64_t lda, const int8_t *Bp, int64_t Kp,
                    int32_t *C, int64_t ldc, const RequantizeEpilogue *ep,
                    int64_t row0, int64_t col0) {
  (void)aSigned;
  gemm<false, BFormat::Pairs>(aPadded, M, N, K, A, lda, Bp, Kp, C, ldc, ep,
                              row0, col0);
}

void igemmVnniWindows(bool aSigned, bool aPadded, int64_t M, int64_t N,
                      int64_t K, const uint8_t *A, int64_t lda,
                      const int8_t *Bp, int64_t Kp, int32_t *C, int64_t ldc,
                      const RequantizeEpilogue *ep, int64_t row0,
                      int64_t col0) {
  (void)aSigned;
  gemm<false, BFormat::Windows>(aPadded, M, N, K, A, lda, Bp, Kp, C, ldc, ep,
                                row0, col0);
}

// Taps are taken four at a time: the four input bytes of each output pixel
// are packed into one i32 lane and the four weights into one broadcast dword,
// so one vpdpbusd does four taps for 16 pixels.
void requantizeVnni(const RequantizeEpilogue &ep, const int32_t *C, int64_t ldc,
                    int64_t rows, int64_t cols, int64_t row0, int64_t col0) {
  applyRequantize(ep, C, ldc, rows, cols, row0, col0);
}

bool depthwisePlaneVnni(int64_t H, int64_t W, int64_t KH, int64_t KW,
                        int64_t OH, int64_t OW, int64_t sh, int64_t sw,
                        int64_t dh, int64_t dw, const uint8_t *in,
                        const int8_t *w, int32_t *out) {
  (void)H;
  constexpr int kMaxTaps = 64;
  const int64_t taps = KH * KW;
  if ((sw != 1 && sw != 2) || taps > kMaxTaps)
    return false;
  const int64_t quads = (taps + 3) / 4;
  int64_t off[kMaxTaps];
  uint8_t wq[kMaxTaps] = {};
  for (int64_t t = 0; t < taps; ++t) {
    off[t] = (t / KW) * dh * W + (t % KW) * dw;
    wq[t] = static_cast<uint8_t>(w[t]);
  }
  __m512i wv[kMaxTaps / 4];
  for (int64_t q = 0; q < quads; ++q) {
    int32_t d;
    std::memcpy(&d, wq + 4 * q, 4);
    wv[q] = _mm512_set1_epi32(d);
  }
  if (sw == 1)
    depthwisePlaneTaps<1>(taps, OH, OW, sh, W, in, off, wv, out);
  else
    depthwisePlaneTaps<2>(taps, OH, OW, sh, W, in, off, wv, out);
  return true;
}

} // namespace compress::cpu::int8
