//===- QuantParams.h - quantization parameter math --------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The arithmetic of affine quantization, shared by every pass that derives or
// applies scales and zero points. Free of MLIR types so it can be unit tested
// directly.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_UTILS_QUANTPARAMS_H
#define COMPRESS_UTILS_QUANTPARAMS_H

#include <cstdint>
#include <optional>

namespace mlir::compress {

/// An integer storage range [qmin, qmax].
struct QuantRange {
  int64_t qmin;
  int64_t qmax;

  /// Full range of a signed or unsigned integer of `bits` bits.
  static QuantRange full(unsigned bits, bool isSigned);
  /// Signed range without its most negative value, [-(2^(b-1)-1), 2^(b-1)-1],
  /// so that symmetric quantization maps -max and +max alike.
  static QuantRange narrowSigned(unsigned bits);
};

/// A scale and zero point.
struct QuantParams {
  double scale;
  int64_t zeroPoint;
};

/// Asymmetric parameters for values in [min, max]. The range is first widened
/// to contain 0 so that 0.0 is exactly representable; then
/// `scale = (max - min) / (qmax - qmin)` and
/// `zero_point = clamp(qmin - round_half_to_even(min / scale), qmin, qmax)`.
/// A range of zero width (all values zero) gets scale 1. Returns nullopt when
/// min or max is not finite or min > max.
std::optional<QuantParams> computeAsymmetricParams(double min, double max,
                                                   QuantRange range);

/// Symmetric parameters for values in [-absMax, absMax]: zero point 0 and
/// `scale = absMax / qmax`; absMax == 0 gets scale 1. Returns nullopt when
/// absMax is negative or not finite.
std::optional<QuantParams> computeSymmetricParams(double absMax,
                                                  QuantRange range);

/// `clamp(round_half_to_even(x / scale) + zp, qmin, qmax)` evaluated in f32
/// exactly as the lowered code evaluates it; NaN maps to the zero point.
int64_t quantizeValue(float x, float scale, int64_t zeroPoint,
                      QuantRange range);

/// `(q - zp) * scale` in f32.
float dequantizeValue(int64_t q, float scale, int64_t zeroPoint);

/// A positive real multiplier `m` as gemmlowp/TFLite encode it for
/// `MultiplyByQuantizedMultiplier`: `m ~= multiplier * 2^(shift - 31)` with
/// the Q31 `multiplier` in [2^30, 2^31). A multiplier so small that the right
/// shift would exceed 31 is {0, 0}, as in TFLite's `QuantizeMultiplier`; both
/// encodings give 0 for every i32 input.
struct QuantizedMultiplier {
  int32_t multiplier;
  int32_t shift;
};

/// TFLite's `QuantizeMultiplier`: `m = q * 2^shift` with q in [0.5, 1) (frexp),
/// `multiplier = round_half_away_from_zero(q * 2^31)`, renormalized when that
/// rounds up to 2^31. Returns nullopt when `m` is negative, NaN or infinite;
/// `m == 0` gives {0, 0}.
std::optional<QuantizedMultiplier> computeQuantizedMultiplier(double m);

/// gemmlowp's `SaturatingRoundingDoublingHighMul`: the high 32 bits of
/// `2 * a * b`, rounded half away from zero (nudge, then division truncating
/// toward zero); INT32_MIN * INT32_MIN saturates to INT32_MAX.
int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b);

/// gemmlowp's `RoundingDivideByPOT`: `x / 2^exponent` rounded half away from
/// zero, for `exponent` in [0, 31].
int32_t roundingDivideByPOT(int32_t x, int exponent);

/// TFLite's `MultiplyByQuantizedMultiplier`: `RoundingDivideByPOT(
/// SaturatingRoundingDoublingHighMul(x * 2^max(shift, 0), multiplier),
/// max(-shift, 0))`, where `x * 2^max(shift, 0)` saturates to i32 instead of
/// overflowing (TFLite leaves that case undefined).
int32_t multiplyByQuantizedMultiplier(int32_t x, QuantizedMultiplier m);

/// `compress.requantize` with rounding = "fixed_point" for one element:
/// `min(max(MultiplyByQuantizedMultiplier(acc, m) + zeroPoint, lo), hi)`.
int64_t requantizeFixedPoint(int32_t acc, QuantizedMultiplier m,
                             int64_t zeroPoint, int64_t lo, int64_t hi);

/// `compress.requantize` with rounding = "float" for one element:
/// `min(max(round_half_to_even(f64(acc) * m) + zeroPoint, lo), hi)`.
int64_t requantizeFloat(int32_t acc, double m, int64_t zeroPoint, int64_t lo,
                        int64_t hi);

} // namespace mlir::compress

#endif // COMPRESS_UTILS_QUANTPARAMS_H
