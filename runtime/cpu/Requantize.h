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
};

namespace {

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

/// Applies the epilogue to C[rows x cols] (i32, row stride ldc), which holds
/// the final accumulators of output rows row0.. and columns col0...
[[maybe_unused]] void applyRequantize(const RequantizeEpilogue &e,
                                      const int32_t *C, int64_t ldc,
                                      int64_t rows, int64_t cols, int64_t row0,
                                      int64_t col0) {
  using Fn = void (*)(const RequantizeEpilogue &, const int32_t *, int64_t,
                      int64_t, int64_t, int64_t, int64_t);
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
