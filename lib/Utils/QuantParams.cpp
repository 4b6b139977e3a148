//===- QuantParams.cpp - quantization parameter math ----------------------===//

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

} // namespace mlir::compress
