//===- QuantParams.cpp - quantization parameter math ----------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Utils/QuantParams.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlir::compress {

QuantRange QuantRange::full(unsigned bits, bool isSigned) {
  if (isSigned)
    return {-(int64_t(1) << (bits - 1)), (int64_t(1) << (bits - 1)) - 1};
  return {0, (int64_t(1) << bits) - 1};
}

QuantRange QuantRange::narrowSigned(unsigned bits) {
  int64_t qmax = (int64_t(1) << (bits - 1)) - 1;
  return {-qmax, qmax};
}

/// Scales are applied in f32; a scale that underflows f32's normal range would
/// turn x / scale into infinity for ordinary values, so it is raised to the
/// smallest normal f32.
static double clampScaleToF32(double scale) {
  return std::max(scale, double(std::numeric_limits<float>::min()));
}

std::optional<QuantParams> computeAsymmetricParams(double min, double max,
                                                   QuantRange range) {
  if (!std::isfinite(min) || !std::isfinite(max) || min > max)
    return std::nullopt;
  min = std::min(min, 0.0);
  max = std::max(max, 0.0);
  if (max == min)
    return QuantParams{1.0, std::clamp<int64_t>(0, range.qmin, range.qmax)};
  double scale = clampScaleToF32((max - min) / double(range.qmax - range.qmin));
  int64_t zeroPoint = range.qmin - int64_t(std::nearbyint(min / scale));
  return QuantParams{scale, std::clamp(zeroPoint, range.qmin, range.qmax)};
}

std::optional<QuantParams> computeSymmetricParams(double absMax,
                                                  QuantRange range) {
  if (!std::isfinite(absMax) || absMax < 0.0)
    return std::nullopt;
  if (absMax == 0.0)
    return QuantParams{1.0, 0};
  return QuantParams{clampScaleToF32(absMax / double(range.qmax)), 0};
}

int64_t quantizeValue(float x, float scale, int64_t zeroPoint,
                      QuantRange range) {
  if (std::isnan(x))
    return zeroPoint;
  // std::nearbyint rounds with the current mode, round-to-nearest-even by
  // default, which is what math.roundeven computes in the lowered code.
  float shifted = std::nearbyint(x / scale) + float(zeroPoint);
  shifted = std::clamp(shifted, float(range.qmin), float(range.qmax));
  return int64_t(shifted);
}

float dequantizeValue(int64_t q, float scale, int64_t zeroPoint) {
  return float(int32_t(q - zeroPoint)) * scale;
}

std::optional<QuantizedMultiplier> computeQuantizedMultiplier(double m) {
  if (!(m >= 0.0) || !std::isfinite(m))
    return std::nullopt;
  if (m == 0.0)
    return QuantizedMultiplier{0, 0};
  int shift = 0;
  double fraction = std::frexp(m, &shift);
  // q * 2^31 is exact in f64; std::round rounds half away from zero, like
  // TfLiteRound.
  int64_t multiplier = int64_t(std::round(fraction * double(int64_t(1) << 31)));
  if (multiplier == (int64_t(1) << 31)) {
    multiplier /= 2;
    ++shift;
  }
  if (shift < -31)
    return QuantizedMultiplier{0, 0};
  return QuantizedMultiplier{int32_t(multiplier), int32_t(shift)};
}

int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  constexpr int32_t int32Min = std::numeric_limits<int32_t>::min();
  if (a == int32Min && b == int32Min)
    return std::numeric_limits<int32_t>::max();
  int64_t product = int64_t(a) * int64_t(b);
  int64_t nudge = product >= 0 ? (int64_t(1) << 30) : 1 - (int64_t(1) << 30);
  // C++ integer division truncates toward zero, as gemmlowp relies on.
  return int32_t((product + nudge) / (int64_t(1) << 31));
}

int32_t roundingDivideByPOT(int32_t x, int exponent) {
  int32_t mask = int32_t((int64_t(1) << exponent) - 1);
  int32_t remainder = x & mask;
  int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t multiplyByQuantizedMultiplier(int32_t x, QuantizedMultiplier m) {
  int leftShift = std::max<int>(m.shift, 0);
  int rightShift = std::max<int>(-m.shift, 0);
  // Any shift of 32 or more saturates every nonzero x, as 32 does; capping it
  // keeps the product within i64.
  int64_t shifted = int64_t(x) * (int64_t(1) << std::min(leftShift, 32));
  shifted = std::clamp<int64_t>(shifted, std::numeric_limits<int32_t>::min(),
                                std::numeric_limits<int32_t>::max());
  return roundingDivideByPOT(
      saturatingRoundingDoublingHighMul(int32_t(shifted), m.multiplier),
      rightShift);
}

int64_t requantizeFixedPoint(int32_t acc, QuantizedMultiplier m,
                             int64_t zeroPoint, int64_t lo, int64_t hi) {
  int64_t shifted = int64_t(multiplyByQuantizedMultiplier(acc, m)) + zeroPoint;
  return std::min(std::max(shifted, lo), hi);
}

int64_t requantizeFloat(int32_t acc, double m, int64_t zeroPoint, int64_t lo,
                        int64_t hi) {
  // Clamping in f64 before converting keeps huge products in range; it gives
  // the integer clamp's result because both bounds are integers.
  double shifted = std::nearbyint(double(acc) * m) + double(zeroPoint);
  return int64_t(std::min(std::max(shifted, double(lo)), double(hi)));
}

} // namespace mlir::compress
