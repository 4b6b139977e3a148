//===- CalibrationStats.cpp - activation range statistics -----------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Utils/CalibrationStats.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlir::compress {

bool needsHistograms(CalibrationMethod method) {
  return method == CalibrationMethod::Percentile ||
         method == CalibrationMethod::Entropy ||
         method == CalibrationMethod::MSE;
}

llvm::StringRef getCalibrationMethodSpelling(CalibrationMethod method) {
  switch (method) {
  case CalibrationMethod::MinMax:
    return "minmax";
  case CalibrationMethod::MovingAverage:
    return "moving-average";
  case CalibrationMethod::Percentile:
    return "percentile";
  case CalibrationMethod::Entropy:
    return "entropy";
  case CalibrationMethod::MSE:
    return "mse";
  }
  return "";
}

std::optional<CalibrationMethod> parseCalibrationMethod(llvm::StringRef name) {
  for (CalibrationMethod method :
       {CalibrationMethod::MinMax, CalibrationMethod::MovingAverage,
        CalibrationMethod::Percentile, CalibrationMethod::Entropy,
        CalibrationMethod::MSE})
    if (getCalibrationMethodSpelling(method) == name)
      return method;
  return std::nullopt;
}

std::string formatCalibrationStats(CalibrationMethod method,
                                   const CalibrationRanges &ranges) {
  llvm::json::Array observers;
  for (const auto &[id, range] : ranges)
    observers.push_back(llvm::json::Object{
        {"id", id}, {"min", range.first}, {"max", range.second}});
  llvm::json::Object root{{"method", getCalibrationMethodSpelling(method)},
                          {"observers", std::move(observers)}};
  return llvm::formatv("{0:2}\n", llvm::json::Value(std::move(root))).str();
}

llvm::Expected<CalibrationRanges> parseCalibrationStats(llvm::StringRef text) {
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(text);
  if (!json)
    return llvm::createStringError("not valid JSON: " +
                                   llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  const llvm::json::Array *entries =
      root ? root->getArray("observers") : nullptr;
  if (!entries)
    return llvm::createStringError("no \"observers\" array");
  CalibrationRanges ranges;
  for (const llvm::json::Value &entry : *entries) {
    const llvm::json::Object *object = entry.getAsObject();
    std::optional<int64_t> id =
        object ? object->getInteger("id") : std::nullopt;
    std::optional<double> min =
        object ? object->getNumber("min") : std::nullopt;
    std::optional<double> max =
        object ? object->getNumber("max") : std::nullopt;
    if (!id || !min || !max)
      return llvm::createStringError(
          "every observer entry needs numeric \"id\", \"min\" and \"max\"");
    // Numbers beyond the double range (2e308) parse as infinities.
    if (!std::isfinite(*min) || !std::isfinite(*max))
      return llvm::createStringError(
          "observer " + std::to_string(*id) +
          ": \"min\" and \"max\" must be finite numbers");
    ranges[*id] = {*min, *max};
  }
  return ranges;
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
  symmetricHistogram.assign(bins, 0);
  signedLo = minValue;
  signedWidth = (maxValue - minValue) / bins;
  absWidth = std::max(std::abs(minValue), std::abs(maxValue)) / bins;
  symmetricWidth = 2.0 * absWidth;
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
    ++symmetricHistogram[binIndex(v, -absWidth * double(bins), symmetricWidth,
                                  bins)];
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

/// Adds eps to the zero entries of `d` and takes eps * zeros / nonzeros from
/// each non-zero entry, so that KL(P || Q) is finite; false when every entry
/// is zero or an entry would not stay positive.
static bool smoothDistribution(std::vector<double> &d) {
  constexpr double kEpsilon = 1e-4;
  size_t zeros = std::count(d.begin(), d.end(), 0.0);
  size_t nonZeros = d.size() - zeros;
  if (nonZeros == 0)
    return false;
  double taken = kEpsilon * double(zeros) / double(nonZeros);
  for (double &x : d) {
    x = x == 0.0 ? kEpsilon : x - taken;
    if (!(x > 0.0))
      return false;
  }
  return true;
}

/// KL(P || Q) of `p` and `q` after normalising each to sum 1.
static double klDivergence(const std::vector<double> &p,
                           const std::vector<double> &q) {
  double pSum = 0, qSum = 0;
  for (size_t j = 0; j < p.size(); ++j) {
    pSum += p[j];
    qSum += q[j];
  }
  double kl = 0;
  for (size_t j = 0; j < p.size(); ++j) {
    double pj = p[j] / pSum, qj = q[j] / qSum;
    kl += pj * std::log(pj / qj);
  }
  return kl;
}

std::pair<double, double> ObserverStats::entropyRange() const {
  const std::vector<int64_t> &h = symmetricHistogram;
  const size_t bins = h.size();
  const size_t center = bins / 2;
  const size_t half = kEntropyQuantizedBins / 2;
  const double lo = -absWidth * double(bins);
  double bestKl = std::numeric_limits<double>::infinity();
  size_t bestStart = 0, bestEnd = bins;
  std::vector<double> p, q;
  for (size_t i = half; i <= center; ++i) {
    size_t start = center - i, end = std::min(center + i + 1, bins);
    size_t n = end - start;
    // P: the slice, with what lies outside added to its first and last bin.
    p.assign(h.begin() + start, h.begin() + end);
    for (size_t j = 0; j < start; ++j)
      p.front() += double(h[j]);
    for (size_t j = end; j < bins; ++j)
      p.back() += double(h[j]);
    // Q: the slice as kQuantizedBins levels of `merged` bins (the last level
    // takes the rest), each level's count spread over its bins where P is
    // not empty.
    size_t merged = n / kEntropyQuantizedBins;
    q.assign(n, 0.0);
    for (size_t g = 0; g < kEntropyQuantizedBins; ++g) {
      size_t a = g * merged;
      size_t b = g + 1 == kEntropyQuantizedBins ? n : a + merged;
      double total = 0;
      size_t occupied = 0;
      for (size_t j = a; j < b; ++j) {
        total += double(h[start + j]);
        occupied += p[j] != 0.0;
      }
      for (size_t j = a; j < b; ++j)
        if (p[j] != 0.0)
          q[j] = total / double(occupied);
    }
    if (!smoothDistribution(p) || !smoothDistribution(q))
      continue;
    double kl = klDivergence(p, q);
    if (kl < bestKl) {
      bestKl = kl;
      bestStart = start;
      bestEnd = end;
    }
  }
  return {std::max(minValue, lo + double(bestStart) * symmetricWidth),
          std::min(maxValue, lo + double(bestEnd) * symmetricWidth)};
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
    return entropyRange();
  case CalibrationMethod::MSE: {
    double t = mseThreshold();
    return {std::max(minValue, -t), std::min(maxValue, t)};
  }
  }
  return {minValue, maxValue};
}

} // namespace mlir::compress
