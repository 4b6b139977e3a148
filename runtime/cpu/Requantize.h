//===- Requantize.h - the int8 GEMM's requantizing epilogue -----*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// compress.requantize (fixed-point rounding) of finished i32 accumulator
// tiles, optionally followed by compress.dequantize to f32, applied by the
// GEMM drivers while a tile is still in L1 so that writing the output
// overlaps the next tiles' arithmetic. The arithmetic is, value for value,
// what convert-compress-to-linalg emits for the op (and what
// Utils/QuantParams.cpp computes):
//
//   x = acc * 2^left, saturated to i32     (only when some left shift > 0)
//   h = (x * multiplier + 2^30) >> 31      (SaturatingRoundingDoublingHighMul)
//   r = (h + offset + (h < 0 ? adjust : 0)) >> right   (RoundingDivideByPOT)
//   q = clamp(r + zeroPoint, lo, hi)
//   out = q as a byte, or f32(q - dequantZeroPoint) * dequantScale
//
// Each ISA file includes this header and gets its own copy of the code,
// compiled (and vectorized) for its instruction set: the definitions have
// internal linkage.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNTIME_CPU_REQUANTIZE_H
#define COMPRESS_RUNTIME_CPU_REQUANTIZE_H

#include "CpuKernels.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace compress::cpu::int8 {

/// The epilogue's parameters (see compress_cpu_igemm_u8s8_packed_requantize
/// in CpuKernels.h for their layout).
struct RequantizeEpilogue {
  // multiplier, right shift, rounding offset, rounding adjustment and left
  // shift, each N values long (perColumn) or one value for all columns.
  const int64_t *multiplier, *rightShift, *roundOffset, *roundAdjust,
      *leftShift;
  bool perColumn, hasLeftShift, dequantize;
  int64_t zeroPoint, lo, hi;
  int64_t dequantZeroPoint;
  float dequantScale;
  void *out;   // bytes (u8 or i8 storage) or f32 values
  int64_t ldo; // in elements
  // The parameters have the form the vector code handles exactly in 32-bit
  // lanes (see hasVectorForm); set by the entry point.
  bool vectorForm = false;
  // When the block kernel gets no C: the accumulators' initial value of
  // each output column (N values), or null for zeros.
  const int32_t *columnInit = nullptr;
  // The parameters are per output row (a convolution's channels) instead of
  // per column: `perColumn` is then false and the arrays hold one entry per
  // row.
  bool perRow = false;
  // Without C (VNNI), or with a C the caller left unwritten (AVX2): the
  // initial value of each output row (a convolution's bias), used instead
  // of columnInit when set.
  const int32_t *rowInit = nullptr;
};

namespace {

/// Multipliers in [0, 2^31), right shifts in [0, 31] with their canonical
/// rounding offset 2^(right-1) and adjustment -1 (both 0 without a shift):
/// what the vector code computes exactly in 32-bit lanes.
inline bool validColumnParams(int64_t multiplier, int64_t right, int64_t offset,
                              int64_t adjust) {
  return multiplier >= 0 && multiplier <= INT32_MAX && right >= 0 &&
         right <= 31 && offset == ((int64_t(1) << right) >> 1) &&
         adjust == (right > 0 ? -1 : 0);
}

/// Whether the AVX-512 epilogue may run: no left shift, and bounds and zero
/// points for which clamping before adding the zero point and subtracting
/// the dequantization zero point stay within i32. The per-column parameters
/// must also have the form of validColumnParams, which the vector code
/// checks 16 columns at a time (per-tensor ones are checked here).
[[maybe_unused]] bool hasVectorForm(const RequantizeEpilogue &e, int64_t P) {
  if (e.hasLeftShift)
    return false;
  constexpr int64_t kSmall = int64_t(1) << 30;
  for (int64_t v : {e.zeroPoint, e.lo, e.hi, e.dequantZeroPoint})
    if (v <= -kSmall || v >= kSmall)
      return false;
  return P > 1 || validColumnParams(e.multiplier[0], e.rightShift[0],
                                    e.roundOffset[0], e.roundAdjust[0]);
}

/// The epilogue for the output rows from `p` on: with parameters per row,
/// their arrays start there (a convolution's group or channel).
inline RequantizeEpilogue rowsFrom(const RequantizeEpilogue &e, int64_t p) {
  RequantizeEpilogue rows = e;
  if (e.perRow) {
    rows.multiplier += p;
    rows.rightShift += p;
    rows.roundOffset += p;
    rows.roundAdjust += p;
    rows.leftShift += p;
  }
  return rows;
}

/// Row p of an epilogue with parameters per row, as an epilogue with
/// per-tensor parameters.
inline RequantizeEpilogue rowEpilogue(const RequantizeEpilogue &e, int64_t p) {
  RequantizeEpilogue row = rowsFrom(e, p);
  row.perRow = false;
  row.perColumn = false;
  return row;
}

template <bool PerColumn, bool LeftShift, bool Dequantize>
void requantizeRow(const RequantizeEpilogue &e, const int32_t *__restrict acc,
                   int64_t cols, int64_t row, int64_t col0) {
  const int64_t *__restrict mul = e.multiplier + (PerColumn ? col0 : 0);
  const int64_t *__restrict right = e.rightShift + (PerColumn ? col0 : 0);
  const int64_t *__restrict offset = e.roundOffset + (PerColumn ? col0 : 0);
  const int64_t *__restrict adjust = e.roundAdjust + (PerColumn ? col0 : 0);
  const int64_t *__restrict left = e.leftShift + (PerColumn ? col0 : 0);
  const int64_t zp = e.zeroPoint, lo = e.lo, hi = e.hi;
  const int64_t dzp = e.dequantZeroPoint;
  const float scale = e.dequantScale;
  float *__restrict outF = static_cast<float *>(e.out) + row * e.ldo + col0;
  uint8_t *__restrict outB = static_cast<uint8_t *>(e.out) + row * e.ldo + col0;
  for (int64_t j = 0; j < cols; ++j) {
    const int64_t c = PerColumn ? j : 0;
    int64_t x = acc[j];
    if constexpr (LeftShift) {
      // |acc| < 2^31 and left <= 32: the product stays within i64.
      x = std::clamp<int64_t>(x * (int64_t(1) << left[c]), INT32_MIN,
                              INT32_MAX);
    }
    const int64_t h = (x * mul[c] + (int64_t(1) << 30)) >> 31;
    const int64_t r = (h + offset[c] + ((h >> 63) & adjust[c])) >> right[c];
    const int64_t q = std::clamp(r + zp, lo, hi);
    if constexpr (Dequantize)
      outF[j] = static_cast<float>(static_cast<int32_t>(q - dzp)) * scale;
    else
      outB[j] = static_cast<uint8_t>(q);
  }
}

template <bool PerColumn, bool LeftShift, bool Dequantize>
void requantizeRows(const RequantizeEpilogue &e, const int32_t *C, int64_t ldc,
                    int64_t rows, int64_t cols, int64_t row0, int64_t col0) {
  for (int64_t r = 0; r < rows; ++r)
    requantizeRow<PerColumn, LeftShift, Dequantize>(e, C + r * ldc, cols,
                                                    row0 + r, col0);
}

#if defined(__AVX512F__) && defined(__AVX512BW__)
/// Two halves of 8 i64 values as 16 i32 lanes (the values fit).
inline __m512i narrow(__m512i lo, __m512i hi) {
  return _mm512_inserti64x4(_mm512_zextsi256_si512(_mm512_cvtepi64_epi32(lo)),
                            _mm512_cvtepi64_epi32(hi), 1);
}

/// Which of 8 columns' i64 parameters have validColumnParams' form.
inline __mmask8 validColumns(__m512i mul, __m512i right, __m512i offset,
                             __m512i adjust) {
  const __m512i one = _mm512_set1_epi64(1);
  __mmask8 ok =
      _mm512_testn_epi64_mask(mul, _mm512_set1_epi64(~INT64_C(0x7fffffff)));
  ok &= _mm512_testn_epi64_mask(right, _mm512_set1_epi64(~INT64_C(31)));
  ok &= _mm512_cmpeq_epi64_mask(
      offset, _mm512_srli_epi64(_mm512_sllv_epi64(one, right), 1));
  const __mmask8 shifted = _mm512_test_epi64_mask(right, right);
  ok &= _mm512_cmpeq_epi64_mask(adjust, _mm512_maskz_set1_epi64(shifted, -1));
  return ok;
}

/// What the vector epilogue needs besides the parameters, set up once.
struct VectorConstants {
  __m512i one, half, qlo, qhi, zp, dzp;
  __m512 scale;
  explicit VectorConstants(const RequantizeEpilogue &e)
      : one(_mm512_set1_epi32(1)), half(_mm512_set1_epi64(int64_t(1) << 30)),
        qlo(_mm512_set1_epi32(static_cast<int32_t>(e.lo - e.zeroPoint))),
        qhi(_mm512_set1_epi32(static_cast<int32_t>(e.hi - e.zeroPoint))),
        zp(_mm512_set1_epi32(static_cast<int32_t>(e.zeroPoint))),
        dzp(_mm512_set1_epi32(static_cast<int32_t>(e.dequantZeroPoint))),
        scale(_mm512_set1_ps(e.dequantScale)) {}
};

/// 16 accumulators `x` requantized and written to out[o..] under mask `m`.
/// mul/mulOdd: the multipliers of the even/odd lanes in the low dword of
/// each 64-bit lane; mask = 2^right - 1, threshold = mask >> 1.
template <bool Dequantize>
inline void requantize16(const RequantizeEpilogue &e, const VectorConstants &k,
                         __m512i x, __m512i mul, __m512i mulOdd, __m512i right,
                         __m512i mask, __m512i threshold, int64_t o,
                         __mmask16 m) {
  __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, mul), k.half);
  __m512i odd = _mm512_add_epi64(
      _mm512_mul_epi32(_mm512_srli_epi64(x, 32), mulOdd), k.half);
  // Bits 31..62: the even lanes' in their low dword, the odd lanes' moved
  // into their high dword.
  const __m512i h = _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64(even, 31),
                                            _mm512_slli_epi64(odd, 1));
  const __m512i rem = _mm512_and_si512(h, mask);
  const __m512i thr = _mm512_add_epi32(threshold, _mm512_srli_epi32(h, 31));
  __m512i q = _mm512_srav_epi32(h, right);
  q = _mm512_mask_add_epi32(q, _mm512_cmpgt_epi32_mask(rem, thr), q, k.one);
  q = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(q, k.qlo), k.qhi),
                       k.zp);
  if constexpr (Dequantize)
    _mm512_mask_storeu_ps(
        static_cast<float *>(e.out) + o, m,
        _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(q, k.dzp)), k.scale));
  else
    _mm512_mask_cvtepi32_storeu_epi8(static_cast<uint8_t *>(e.out) + o, m, q);
}

/// The epilogue in 16 i32 lanes. SaturatingRoundingDoublingHighMul takes
/// the 64-bit products of the even and odd lanes (vpmuldq) and keeps bits
/// 31..62 of product + 2^30. RoundingDivideByPOT is gemmlowp's
/// (x >> e) + ((x & mask) > (mask >> 1) + (x < 0)), which equals the scalar
/// (x + 2^(e-1) - (x < 0)) >> e without its i64 intermediate.
template <bool PerColumn, bool Dequantize>
void requantizeRowsAvx512(const RequantizeEpilogue &e, const int32_t *C,
                          int64_t ldc, int64_t rows, int64_t cols, int64_t row0,
                          int64_t col0) {
  const VectorConstants k(e);
  for (int64_t j = 0; j < cols; j += 16) {
    const int64_t n = std::min<int64_t>(16, cols - j);
    const __mmask16 m =
        static_cast<__mmask16>(n == 16 ? 0xffff : (1u << n) - 1);
    __m512i mul = _mm512_setzero_si512(), right = mul;
    if constexpr (PerColumn) {
      const int64_t c = col0 + j;
      const __mmask8 m0 = static_cast<__mmask8>(m),
                     m1 = static_cast<__mmask8>(m >> 8);
      auto load = [&](const int64_t *p, __mmask8 k) {
        return _mm512_maskz_loadu_epi64(k, p);
      };
      const __m512i mul0 = load(e.multiplier + c, m0),
                    mul1 = load(e.multiplier + c + 8, m1);
      const __m512i right0 = load(e.rightShift + c, m0),
                    right1 = load(e.rightShift + c + 8, m1);
      const __mmask8 ok0 =
          validColumns(mul0, right0, load(e.roundOffset + c, m0),
                       load(e.roundAdjust + c, m0));
      const __mmask8 ok1 =
          validColumns(mul1, right1, load(e.roundOffset + c + 8, m1),
                       load(e.roundAdjust + c + 8, m1));
      if (static_cast<__mmask16>(ok0 | (ok1 << 8)) != 0xffff) {
        // Parameters the lanes cannot compute exactly: these columns in
        // scalar code.
        for (int64_t r = 0; r < rows; ++r)
          requantizeRow<true, false, Dequantize>(e, C + r * ldc + j, n,
                                                 row0 + r, c);
        continue;
      }
      mul = narrow(mul0, mul1);
      right = narrow(right0, right1);
    } else {
      mul = _mm512_set1_epi32(static_cast<int32_t>(e.multiplier[0]));
      right = _mm512_set1_epi32(static_cast<int32_t>(e.rightShift[0]));
    }
    const __m512i mulOdd = _mm512_srli_epi64(mul, 32);
    const __m512i mask =
        _mm512_sub_epi32(_mm512_sllv_epi32(k.one, right), k.one);
    const __m512i threshold = _mm512_srli_epi32(mask, 1);
    for (int64_t r = 0; r < rows; ++r)
      requantize16<Dequantize>(
          e, k, _mm512_maskz_loadu_epi32(m, C + r * ldc + j), mul, mulOdd,
          right, mask, threshold, (row0 + r) * e.ldo + col0 + j, m);
  }
}
#endif

#if defined(__AVX512F__) && defined(__AVX512BW__)
/// The epilogue with parameters per row (a convolution's channels): each
/// row's multiplier and shift broadcast once, then its columns 16 at a time.
/// Rows whose parameters are not of validColumnParams' form go through the
/// scalar code.
template <bool Dequantize>
void requantizePerRowAvx512(const RequantizeEpilogue &e, const int32_t *C,
                            int64_t ldc, int64_t rows, int64_t cols,
                            int64_t row0, int64_t col0) {
  const VectorConstants k(e);
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t p = row0 + r;
    const int32_t *x = C + r * ldc;
    if (!validColumnParams(e.multiplier[p], e.rightShift[p], e.roundOffset[p],
                           e.roundAdjust[p])) {
      requantizeRow<false, false, Dequantize>(rowEpilogue(e, p), x, cols, p,
                                              col0);
      continue;
    }
    const __m512i mul =
        _mm512_set1_epi32(static_cast<int32_t>(e.multiplier[p]));
    const __m512i right =
        _mm512_set1_epi32(static_cast<int32_t>(e.rightShift[p]));
    const __m512i mask =
        _mm512_sub_epi32(_mm512_sllv_epi32(k.one, right), k.one);
    const __m512i threshold = _mm512_srli_epi32(mask, 1);
    for (int64_t j = 0; j < cols; j += 16) {
      const int64_t n = std::min<int64_t>(16, cols - j);
      const __mmask16 m =
          static_cast<__mmask16>(n == 16 ? 0xffff : (1u << n) - 1);
      // One multiplier for the row: the odd lanes' is the same.
      requantize16<Dequantize>(e, k, _mm512_maskz_loadu_epi32(m, x + j), mul,
                               mul, right, mask, threshold,
                               p * e.ldo + col0 + j, m);
    }
  }
}
#endif

#if defined(__AVX2__) && !(defined(__AVX512F__) && defined(__AVX512BW__))
/// The epilogue in 8 i32 lanes, for files compiled for AVX2 (the AVX-512
/// code above explains the arithmetic; this is the same, lane for lane).
struct VectorConstants8 {
  __m256i one, half, qlo, qhi, zp, dzp;
  __m256 scale;
  explicit VectorConstants8(const RequantizeEpilogue &e)
      : one(_mm256_set1_epi32(1)), half(_mm256_set1_epi64x(int64_t(1) << 30)),
        qlo(_mm256_set1_epi32(static_cast<int32_t>(e.lo - e.zeroPoint))),
        qhi(_mm256_set1_epi32(static_cast<int32_t>(e.hi - e.zeroPoint))),
        zp(_mm256_set1_epi32(static_cast<int32_t>(e.zeroPoint))),
        dzp(_mm256_set1_epi32(static_cast<int32_t>(e.dequantZeroPoint))),
        scale(_mm256_set1_ps(e.dequantScale)) {}
};

/// Lanes [0, n) of an 8-lane mask.
inline __m256i requantizeLanes(int64_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// 8 accumulators `x` requantized: the stored integers, in [lo, hi].
inline __m256i requantizedValues8(const VectorConstants8 &k, __m256i x,
                                  __m256i mul, __m256i mulOdd, __m256i right,
                                  __m256i mask, __m256i threshold) {
  const __m256i even = _mm256_add_epi64(_mm256_mul_epi32(x, mul), k.half);
  const __m256i odd = _mm256_add_epi64(
      _mm256_mul_epi32(_mm256_srli_epi64(x, 32), mulOdd), k.half);
  const __m256i h = _mm256_blend_epi32(_mm256_srli_epi64(even, 31),
                                       _mm256_slli_epi64(odd, 1), 0xaa);
  const __m256i rem = _mm256_and_si256(h, mask);
  const __m256i thr = _mm256_add_epi32(threshold, _mm256_srli_epi32(h, 31));
  __m256i q = _mm256_srav_epi32(h, right);
  q = _mm256_sub_epi32(q, _mm256_cmpgt_epi32(rem, thr)); // +1 where rounding up
  return _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(q, k.qlo), k.qhi),
                          k.zp);
}

/// 8 accumulators `x` requantized and written to out[o, o + n).
template <bool Dequantize>
inline void requantize8(const RequantizeEpilogue &e, const VectorConstants8 &k,
                        __m256i x, __m256i mul, __m256i mulOdd, __m256i right,
                        __m256i mask, __m256i threshold, int64_t o, int64_t n) {
  const __m256i q =
      requantizedValues8(k, x, mul, mulOdd, right, mask, threshold);
  if constexpr (Dequantize) {
    float *out = static_cast<float *>(e.out) + o;
    const __m256 v =
        _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(q, k.dzp)), k.scale);
    if (n >= 8)
      _mm256_storeu_ps(out, v);
    else
      _mm256_maskstore_ps(out, requantizeLanes(n), v);
  } else {
    // The low byte of each lane (the values lie in [lo, hi], one byte).
    const __m256i bytes = _mm256_shuffle_epi8(
        q, _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                            -1, -1, 0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1,
                            -1, -1, -1, -1));
    const uint64_t packed =
        static_cast<uint32_t>(_mm256_extract_epi32(bytes, 0)) |
        static_cast<uint64_t>(
            static_cast<uint32_t>(_mm256_extract_epi32(bytes, 4)))
            << 32;
    uint8_t *out = static_cast<uint8_t *>(e.out) + o;
    if (n >= 8)
      std::memcpy(out, &packed, 8); // one 8-byte store, not a call
    else
      for (int64_t l = 0; l < n; ++l)
        out[l] = static_cast<uint8_t>(packed >> (8 * l));
  }
}

template <bool PerColumn, bool Dequantize>
void requantizeRowsAvx2(const RequantizeEpilogue &e, const int32_t *C,
                        int64_t ldc, int64_t rows, int64_t cols, int64_t row0,
                        int64_t col0) {
  const VectorConstants8 k(e);
  for (int64_t j = 0; j < cols; j += 8) {
    const int64_t n = std::min<int64_t>(8, cols - j);
    __m256i mul, right;
    if constexpr (PerColumn) {
      const int64_t c = col0 + j;
      alignas(32) int32_t mul8[8] = {}, right8[8] = {};
      bool valid = true;
      for (int64_t l = 0; l < n; ++l) {
        valid &= validColumnParams(e.multiplier[c + l], e.rightShift[c + l],
                                   e.roundOffset[c + l], e.roundAdjust[c + l]);
        mul8[l] = static_cast<int32_t>(e.multiplier[c + l]);
        right8[l] = static_cast<int32_t>(e.rightShift[c + l] & 31);
      }
      if (!valid) {
        // Parameters the lanes cannot compute exactly: these columns in
        // scalar code.
        for (int64_t r = 0; r < rows; ++r)
          requantizeRow<true, false, Dequantize>(e, C + r * ldc + j, n,
                                                 row0 + r, c);
        continue;
      }
      mul = _mm256_load_si256(reinterpret_cast<const __m256i *>(mul8));
      right = _mm256_load_si256(reinterpret_cast<const __m256i *>(right8));
    } else {
      mul = _mm256_set1_epi32(static_cast<int32_t>(e.multiplier[0]));
      right = _mm256_set1_epi32(static_cast<int32_t>(e.rightShift[0]));
    }
    const __m256i mulOdd = _mm256_srli_epi64(mul, 32);
    const __m256i mask =
        _mm256_sub_epi32(_mm256_sllv_epi32(k.one, right), k.one);
    const __m256i threshold = _mm256_srli_epi32(mask, 1);
    const __m256i lanes = requantizeLanes(n);
    for (int64_t r = 0; r < rows; ++r) {
      const int32_t *x = C + r * ldc + j;
      const __m256i v =
          n >= 8 ? _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x))
                 : _mm256_maskload_epi32(x, lanes);
      requantize8<Dequantize>(e, k, v, mul, mulOdd, right, mask, threshold,
                              (row0 + r) * e.ldo + col0 + j, n);
    }
  }
}

/// Parameters per row (a convolution's channels), 8 columns at a time; rows
/// whose parameters are not of validColumnParams' form go through the
/// scalar code.
template <bool Dequantize>
void requantizePerRowAvx2(const RequantizeEpilogue &e, const int32_t *C,
                          int64_t ldc, int64_t rows, int64_t cols, int64_t row0,
                          int64_t col0) {
  const VectorConstants8 k(e);
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t p = row0 + r;
    const int32_t *x = C + r * ldc;
    if (!validColumnParams(e.multiplier[p], e.rightShift[p], e.roundOffset[p],
                           e.roundAdjust[p])) {
      requantizeRow<false, false, Dequantize>(rowEpilogue(e, p), x, cols, p,
                                              col0);
      continue;
    }
    const __m256i mul =
        _mm256_set1_epi32(static_cast<int32_t>(e.multiplier[p]));
    const __m256i right =
        _mm256_set1_epi32(static_cast<int32_t>(e.rightShift[p]));
    const __m256i mask =
        _mm256_sub_epi32(_mm256_sllv_epi32(k.one, right), k.one);
    const __m256i threshold = _mm256_srli_epi32(mask, 1);
    int64_t j = 0;
    if constexpr (!Dequantize) {
      // 32 at a time, packed to bytes with saturating packs (exact: the
      // values lie in [lo, hi], one byte of the storage's signedness) and
      // stored at once.
      const bool unsignedBytes = e.lo >= 0 && e.hi <= 255;
      const bool signedBytes = e.lo >= -128 && e.hi <= 127;
      const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
      uint8_t *out = static_cast<uint8_t *>(e.out) + p * e.ldo + col0;
      if (unsignedBytes || signedBytes)
        for (; j + 32 <= cols; j += 32) {
          __m256i q[4];
          for (int v = 0; v < 4; ++v)
            q[v] = requantizedValues8(
                k,
                _mm256_loadu_si256(
                    reinterpret_cast<const __m256i *>(x + j + 8 * v)),
                mul, mul, right, mask, threshold);
          const __m256i bytes =
              unsignedBytes
                  ? _mm256_packus_epi16(_mm256_packus_epi32(q[0], q[1]),
                                        _mm256_packus_epi32(q[2], q[3]))
                  : _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]),
                                       _mm256_packs_epi32(q[2], q[3]));
          _mm256_storeu_si256(reinterpret_cast<__m256i *>(out + j),
                              _mm256_permutevar8x32_epi32(bytes, order));
        }
    }
    for (; j < cols; j += 8) {
      const int64_t n = std::min<int64_t>(8, cols - j);
      const __m256i v =
          n >= 8 ? _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x + j))
                 : _mm256_maskload_epi32(x + j, requantizeLanes(n));
      requantize8<Dequantize>(e, k, v, mul, mul, right, mask, threshold,
                              p * e.ldo + col0 + j, n);
    }
  }
}
#endif

/// Applies the epilogue to C[rows x cols] (i32, row stride ldc), which holds
/// the final accumulators of output rows row0.. and columns col0...
[[maybe_unused]] void applyRequantize(const RequantizeEpilogue &e,
                                      const int32_t *C, int64_t ldc,
                                      int64_t rows, int64_t cols, int64_t row0,
                                      int64_t col0) {
#if defined(__AVX512F__) && defined(__AVX512BW__)
  if (e.perRow && e.vectorForm)
    return e.dequantize
               ? requantizePerRowAvx512<true>(e, C, ldc, rows, cols, row0, col0)
               : requantizePerRowAvx512<false>(e, C, ldc, rows, cols, row0,
                                               col0);
#elif defined(__AVX2__)
  if (e.perRow && e.vectorForm)
    return e.dequantize
               ? requantizePerRowAvx2<true>(e, C, ldc, rows, cols, row0, col0)
               : requantizePerRowAvx2<false>(e, C, ldc, rows, cols, row0, col0);
#endif
  if (e.perRow) {
    // Row by row, each with its own parameters as per-tensor ones.
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t p = row0 + r;
      RequantizeEpilogue row = rowEpilogue(e, p);
      row.vectorForm =
          e.vectorForm &&
          validColumnParams(row.multiplier[0], row.rightShift[0],
                            row.roundOffset[0], row.roundAdjust[0]);
      applyRequantize(row, C + r * ldc, ldc, 1, cols, p, col0);
    }
    return;
  }
  using Fn = void (*)(const RequantizeEpilogue &, const int32_t *, int64_t,
                      int64_t, int64_t, int64_t, int64_t);
#if defined(__AVX512F__) && defined(__AVX512BW__)
  if (e.vectorForm) {
    static constexpr Fn vectorTable[4] = {
        requantizeRowsAvx512<false, false>, requantizeRowsAvx512<false, true>,
        requantizeRowsAvx512<true, false>, requantizeRowsAvx512<true, true>};
    return vectorTable[(e.perColumn ? 2 : 0) + (e.dequantize ? 1 : 0)](
        e, C, ldc, rows, cols, row0, col0);
  }
#elif defined(__AVX2__)
  if (e.vectorForm) {
    static constexpr Fn vectorTable[4] = {
        requantizeRowsAvx2<false, false>, requantizeRowsAvx2<false, true>,
        requantizeRowsAvx2<true, false>, requantizeRowsAvx2<true, true>};
    return vectorTable[(e.perColumn ? 2 : 0) + (e.dequantize ? 1 : 0)](
        e, C, ldc, rows, cols, row0, col0);
  }
#endif
  static constexpr Fn table[8] = {
      requantizeRows<false, false, false>, requantizeRows<false, false, true>,
      requantizeRows<false, true, false>,  requantizeRows<false, true, true>,
      requantizeRows<true, false, false>,  requantizeRows<true, false, true>,
      requantizeRows<true, true, false>,   requantizeRows<true, true, true>};
  table[(e.perColumn ? 4 : 0) + (e.hasLeftShift ? 2 : 0) +
        (e.dequantize ? 1 : 0)](e, C, ldc, rows, cols, row0, col0);
}

} // namespace
} // namespace compress::cpu::int8

#endif // COMPRESS_RUNTIME_CPU_REQUANTIZE_H
