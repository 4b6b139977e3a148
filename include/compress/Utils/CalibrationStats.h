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

#include <cstdint>
#include <optional>
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

/// Statistics of one observed activation.
///
/// Pass 1 (`recordRange`, once per run of the model): global min/max, and
/// the moving average of per-run min/max: the first run sets it, later runs
/// move it by `c * (run_min - avg_min)` (PyTorch's
/// MovingAverageMinMaxObserver). NaN and infinities are counted and
/// otherwise ignored.
///
/// Pass 2 (`recordHistograms`): a signed histogram of `bins` equal bins over
/// [min, max] and an absolute histogram over [0, max(|min|, |max|)]. A value
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
  /// - Entropy: threshold t = i * absWidth for the i in [L, bins] (of the
  ///   absolute histogram) minimising KL(P || Q), where L, the number of
  ///   quantized levels, is 256 when min >= 0 and 128 otherwise: P is bins
  ///   [0, i) with the counts of bins >= i added to bin i-1; Q splits the
  ///   histogram's bins [0, i) (without those added counts) into L groups
  ///   [floor(g*i/L), floor((g+1)*i/L)) and gives each bin that is
  ///   non-empty in the histogram the group's histogram total divided by the
  ///   group's number of non-empty bins; P and Q are normalised to sum 1, and a
  ///   term with Q = 0 uses 1e-12 for Q. Ties keep the smaller i.
  /// - MSE: threshold t = i * absWidth for the i in [1, bins] minimising
  ///   sum_j h[j] * e((j + 0.5) * absWidth), with e(c) = (c - t)^2 above t
  ///   and s^2 / 12 below, s = (hi - lo) / 255 for [lo, hi] = [max(min, -t),
  ///   min(max, t)] widened to include 0. Ties keep the smaller i.
  /// Entropy and MSE return [max(min, -t), min(max, t)].
  std::pair<double, double> computeRange(CalibrationMethod method,
                                         double percentile) const;

private:
  int64_t count = 0, nonFinite = 0, runs = 0;
  double minValue = 0, maxValue = 0;
  double movingMin = 0, movingMax = 0;
  std::vector<int64_t> signedHistogram, absHistogram;
  double signedLo = 0, signedWidth = 0, absWidth = 0;

  std::pair<double, double> percentileRange(double percentile) const;
  double entropyThreshold() const;
  double mseThreshold() const;
};

} // namespace mlir::compress

#endif // COMPRESS_UTILS_CALIBRATIONSTATS_H
