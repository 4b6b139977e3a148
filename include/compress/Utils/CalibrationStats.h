//===- CalibrationStats.h - activation range statistics ---------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// What calibration records for one observer and how each method turns it
// into a range. Pure C++ so the arithmetic is unit tested and so a numpy
// script can reproduce it exactly (every step is specified below).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_UTILS_CALIBRATIONSTATS_H
#define COMPRESS_UTILS_CALIBRATIONSTATS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlir::compress {

enum class CalibrationMethod {
  MinMax,
  MovingAverage,
  Percentile,
  Entropy,
  MSE
};

/// Whether the method needs the second pass over the data (histograms).
bool needsHistograms(CalibrationMethod method);

/// The spelling of `method` in compress-calibrate's options and stats files.
llvm::StringRef getCalibrationMethodSpelling(CalibrationMethod method);

/// The method spelled `name` ("minmax", "entropy", ...), if any.
std::optional<CalibrationMethod> parseCalibrationMethod(llvm::StringRef name);

/// Observer id -> recorded [min, max].
using CalibrationRanges = std::map<int64_t, std::pair<double, double>>;

/// The stats file compress-calibrate writes and compress-fold-calibration
/// reads: `{"method": M, "observers": [{"id": N, "min": x, "max": y}, ...]}`
/// (pretty-printed, ending in a newline).
std::string formatCalibrationStats(CalibrationMethod method,
                                   const CalibrationRanges &ranges);

/// Parses a stats file's contents: an error says what is wrong (not JSON, no
/// "observers" array, an entry without numeric "id", "min" and "max", or
/// with a number too large for a double). A later entry for the same id
/// replaces an earlier one.
llvm::Expected<CalibrationRanges> parseCalibrationStats(llvm::StringRef text);

/// The quantized levels of the entropy method (TensorRT's and
/// onnxruntime's 128).
inline constexpr size_t kEntropyQuantizedBins = 128;

/// Statistics of one observed activation.
///
/// Pass 1 (`recordRange`, once per run of the model): global min/max, and
/// the moving average of per-run min/max: the first run sets it, later runs
/// move it by `c * (run_min - avg_min)` (PyTorch's
/// MovingAverageMinMaxObserver). NaN and infinities are counted and
/// otherwise ignored.
///
/// Pass 2 (`recordHistograms`): a signed histogram of `bins` equal bins over
/// [min, max], an absolute histogram over [0, max(|min|, |max|)] and a
/// symmetric one over [-max(|min|, |max|), max(|min|, |max|)]. A value
/// x goes to bin floor((x - lo) / width) (in double, width = (hi - lo) /
/// bins), clamped to [0, bins - 1]; a zero-width histogram puts everything in
/// bin 0.
class ObserverStats {
public:
  void recordRange(llvm::ArrayRef<float> values, double averagingConstant);
  void startHistograms(unsigned bins);
  void recordHistograms(llvm::ArrayRef<float> values);

  bool hasRange() const { return count > 0; }
  int64_t numValues() const { return count; }
  int64_t numNonFinite() const { return nonFinite; }
  double min() const { return minValue; }
  double max() const { return maxValue; }

  /// The range `method` derives:
  /// - MinMax: [min, max].
  /// - MovingAverage: the moving averages.
  /// - Percentile(p): lower = lo + i * width for the first bin i whose
  ///   cumulative count exceeds (100 - p) / 100 * N; upper = lo + (j + 1) *
  ///   width for the first bin j whose cumulative count reaches p/100 * N.
  /// - Entropy (TensorRT's KL-divergence calibration in onnxruntime's
  ///   form): over the symmetric histogram (`bins` bins over [-a, a], a =
  ///   max(|min|, |max|); a value x goes to bin floor((x + a) / (2a /
  ///   bins)), clamped), with c = floor(bins / 2) and L = 128 quantized
  ///   bins, each candidate i in [L / 2, c] is the slice [s, e) = [c - i,
  ///   min(c + i + 1, bins)). P is the slice with the counts below s added
  ///   to its first bin and those from e on to its last. Q splits the slice
  ///   into L levels of m = floor((e - s) / L) bins (the last level takes
  ///   the remaining bins too); each bin where P is not zero gets its
  ///   level's count in the histogram (without the added counts) divided by
  ///   the number of such bins in the level, the others 0. P and Q are
  ///   smoothed (zero entries get 1e-4, the others lose 1e-4 * zeros /
  ///   non-zeros; a candidate where that leaves an entry not positive, or
  ///   where all are zero, is skipped) and normalised; the i with the
  ///   smallest KL(P || Q) wins (ties: the smaller i), and the range is
  ///   [max(min, -a + s * w), min(max, -a + e * w)], w = 2a / bins. Signed
  ///   data keeps both sides; data that is never negative (after ReLU) has
  ///   an empty lower half, and its threshold comes from the upper half's
  ///   64 levels, a cautious choice for u8 storage, which then spends all
  ///   256 levels on [0, t]. With 128 bins the only candidate is the whole
  ///   range (onnxruntime's default).
  /// - MSE: threshold t = i * absWidth for the i in [1, bins] minimising
  ///   sum_j h[j] * e((j + 0.5) * absWidth), with e(c) = (c - t)^2 above t
  ///   and s^2 / 12 below, s = (hi - lo) / 255 for [lo, hi] = [max(min, -t),
  ///   min(max, t)] widened to include 0. Ties keep the smaller i.
  /// MSE returns [max(min, -t), min(max, t)].
  std::pair<double, double> computeRange(CalibrationMethod method,
                                         double percentile) const;

private:
  int64_t count = 0, nonFinite = 0, runs = 0;
  double minValue = 0, maxValue = 0;
  double movingMin = 0, movingMax = 0;
  std::vector<int64_t> signedHistogram, absHistogram, symmetricHistogram;
  double signedLo = 0, signedWidth = 0, absWidth = 0, symmetricWidth = 0;

  std::pair<double, double> percentileRange(double percentile) const;
  std::pair<double, double> entropyRange() const;
  double mseThreshold() const;
};

} // namespace mlir::compress

#endif // COMPRESS_UTILS_CALIBRATIONSTATS_H
