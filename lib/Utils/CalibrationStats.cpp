//===- CalibrationStats.cpp - activation range statistics -----------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Utils/CalibrationStats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlir::compress {

bool needsHistograms(CalibrationMethod method) {
  return method == CalibrationMethod::Percentile ||
         method == CalibrationMethod::Entropy ||
         method == CalibrationMethod::MSE;
}

void ObserverStats::recordRange(llvm::ArrayRef<float> values,
                                double averagingConstant) {
  double runMin = std::numeric_limits<double>::infinity();
  double runMax = -std::numeric_limits<double>::infinity();
  int64_t finite = 0;
  for (float v : values) {
    if (!std::isfinite(v)) {
      ++nonFinite;
      continue;
    }
    runMin = std::min(runMin, double(v));
    runMax = std::max(runMax, double(v));
    ++finite;
  }
  if (finite == 0)
    return;
  if (count == 0) {
    minValue = runMin;
    maxValue = runMax;
  } else {
    minValue = std::min(minValue, runMin);
    maxValue = std::max(maxValue, runMax);
  }
  if (runs == 0) {
    movingMin = runMin;
    movingMax = runMax;
  } else {
    movingMin += averagingConstant * (runMin - movingMin);
    movingMax += averagingConstant * (runMax - movingMax);
  }
  ++runs;
  count += finite;
}

void ObserverStats::startHistograms(unsigned bins) {
  signedHistogram.assign(bins, 0);
  absHistogram.assign(bins, 0);
  signedLo = minValue;
  signedWidth = (maxValue - minValue) / bins;
  absWidth = std::max(std::abs(minValue), std::abs(maxValue)) / bins;
}

static size_t binIndex(double x, double lo, double width, size_t bins) {
  if (!(width > 0.0))
    return 0;
  double index = std::floor((x - lo) / width);
  return size_t(std::clamp(index, 0.0, double(bins - 1)));
}

void ObserverStats::recordHistograms(llvm::ArrayRef<float> values) {
  size_t bins = signedHistogram.size();
  for (float v : values) {
    if (!std::isfinite(v))
      continue;
    ++signedHistogram[binIndex(v, signedLo, signedWidth, bins)];
    ++absHistogram[binIndex(std::abs(double(v)), 0.0, absWidth, bins)];
  }
}

std::pair<double, double>
ObserverStats::percentileRange(double percentile) const {
  int64_t total = 0;
  for (int64_t c : signedHistogram)
    total += c;
  double upperCount = percentile / 100.0 * double(total);
  double lowerCount = (100.0 - percentile) / 100.0 * double(total);
  double lower = minValue, upper = maxValue;
  int64_t cumulative = 0;
  bool lowerFound = false;
  for (size_t i = 0; i < signedHistogram.size(); ++i) {
    cumulative += signedHistogram[i];
    if (!lowerFound && double(cumulative) > lowerCount) {
      lower = signedLo + double(i) * signedWidth;
      lowerFound = true;
    }
    if (double(cumulative) >= upperCount) {
      upper = signedLo + double(i + 1) * signedWidth;
      break;
    }
  }
  return {std::max(lower, minValue), std::min(upper, maxValue)};
}

double ObserverStats::entropyThreshold() const {
  // A range that is never negative (after ReLU, say) is covered by all 256
  // levels of 8-bit storage, a signed one by 128 on each side.
  const size_t kQuantizedBins = minValue >= 0.0 ? 256 : 128;
  const std::vector<int64_t> &h = absHistogram;
  size_t bins = h.size();
  if (bins < kQuantizedBins)
    return double(bins) * absWidth;
  double bestKl = std::numeric_limits<double>::infinity();
  size_t best = bins;
  std::vector<double> p, q;
  for (size_t i = kQuantizedBins; i <= bins; ++i) {
    p.assign(h.begin(), h.begin() + i);
    for (size_t j = i; j < bins; ++j)
      p[i - 1] += double(h[j]);
    q.assign(i, 0.0);
    for (size_t g = 0; g < kQuantizedBins; ++g) {
      size_t start = g * i / kQuantizedBins;
      size_t end = (g + 1) * i / kQuantizedBins;
      double total = 0;
      int64_t nonEmpty = 0;
      for (size_t j = start; j < end; ++j) {
        total += double(h[j]);
        nonEmpty += h[j] != 0;
      }
      for (size_t j = start; j < end; ++j)
        if (h[j] != 0)
          q[j] = total / double(nonEmpty);
    }
    double pSum = 0, qSum = 0;
    for (size_t j = 0; j < i; ++j) {
      pSum += p[j];
      qSum += q[j];
    }
    if (pSum == 0 || qSum == 0)
      continue;
    double kl = 0;
    for (size_t j = 0; j < i; ++j) {
      if (p[j] == 0)
        continue;
      double pj = p[j] / pSum;
      double qj = q[j] == 0 ? 1e-12 : q[j] / qSum;
      kl += pj * std::log(pj / qj);
    }
    if (kl < bestKl) {
      bestKl = kl;
      best = i;
    }
  }
  return double(best) * absWidth;
}

double ObserverStats::mseThreshold() const {
  const std::vector<int64_t> &h = absHistogram;
  size_t bins = h.size();
  double bestError = std::numeric_limits<double>::infinity();
  size_t best = bins;
  for (size_t i = 1; i <= bins; ++i) {
    double t = double(i) * absWidth;
    double lo = std::min(std::max(minValue, -t), 0.0);
    double hi = std::max(std::min(maxValue, t), 0.0);
    double step = (hi - lo) / 255.0;
    double roundingError = step * step / 12.0;
    double error = 0;
    for (size_t j = 0; j < bins; ++j) {
      if (h[j] == 0)
        continue;
      double center = (double(j) + 0.5) * absWidth;
      double e = center > t ? (center - t) * (center - t) : roundingError;
      error += double(h[j]) * e;
    }
    if (error < bestError) {
      bestError = error;
      best = i;
    }
  }
  return double(best) * absWidth;
}

std::pair<double, double> ObserverStats::computeRange(CalibrationMethod method,
                                                      double percentile) const {
  switch (method) {
  case CalibrationMethod::MinMax:
    return {minValue, maxValue};
  case CalibrationMethod::MovingAverage:
    return {movingMin, movingMax};
  case CalibrationMethod::Percentile:
    return percentileRange(percentile);
  case CalibrationMethod::Entropy:
  case CalibrationMethod::MSE: {
    double t = method == CalibrationMethod::Entropy ? entropyThreshold()
                                                    : mseThreshold();
    return {std::max(minValue, -t), std::min(maxValue, t)};
  }
  }
  return {minValue, maxValue};
}

} // namespace mlir::compress
