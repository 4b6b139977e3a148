//===- QuantParams.h - quantization parameter math --------------*- C++ -*-===//
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

} // namespace mlir::compress

#endif // COMPRESS_UTILS_QUANTPARAMS_H
