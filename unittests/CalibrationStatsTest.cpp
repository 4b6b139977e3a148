//===- CalibrationStatsTest.cpp - calibration statistics ------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Expected ranges worked out by hand from the rules in CalibrationStats.h.
//
//===----------------------------------------------------------------------===//

#include "compress/Utils/CalibrationStats.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir::compress;

TEST(CalibrationStats, MinMaxIgnoresNonFinite) {
  ObserverStats stats;
  stats.recordRange({1.0f, -2.0f, NAN, INFINITY}, 0.01);
  stats.recordRange({3.0f, 0.5f}, 0.01);
  auto [lo, hi] = stats.computeRange(CalibrationMethod::MinMax, 100.0);
  EXPECT_EQ(lo, -2.0);
  EXPECT_EQ(hi, 3.0);
  EXPECT_EQ(stats.numNonFinite(), 2);
}

TEST(CalibrationStats, MovingAverage) {
  ObserverStats stats;
  // First run sets [-2, 1]; the second moves by 0.5 * (run - average):
  // min -2 + 0.5 * (0.5 - -2) = -0.75, max 1 + 0.5 * (3 - 1) = 2.
  stats.recordRange({1.0f, -2.0f}, 0.5);
  stats.recordRange({3.0f, 0.5f}, 0.5);
  auto [lo, hi] = stats.computeRange(CalibrationMethod::MovingAverage, 100.0);
  EXPECT_DOUBLE_EQ(lo, -0.75);
  EXPECT_DOUBLE_EQ(hi, 2.0);
}

TEST(CalibrationStats, PercentileOnAHistogram) {
  // 100 values 0..99 in 128 bins over [0, 99]: the 90th percentile's upper
  // edge is the first bin whose cumulative count reaches 90 (value 89,
  // bin floor(89 / (99/128)) = 115), i.e. 116 * 99 / 128.
  ObserverStats stats;
  std::vector<float> values;
  for (int i = 0; i < 100; ++i)
    values.push_back(float(i));
  stats.recordRange(values, 0.01);
  stats.startHistograms(128);
  stats.recordHistograms(values);
  auto [lo, hi] = stats.computeRange(CalibrationMethod::Percentile, 90.0);
  EXPECT_DOUBLE_EQ(hi, 116 * 99.0 / 128);
  // Lower: first bin whose cumulative count exceeds 10 (value 10, bin 12).
  EXPECT_DOUBLE_EQ(lo, 12 * 99.0 / 128);
}

/// The entropy range of `values` over `bins` histogram bins.
static std::pair<double, double> entropyRange(const std::vector<float> &values,
                                              unsigned bins) {
  ObserverStats stats;
  stats.recordRange(values, 0.01);
  stats.startHistograms(bins);
  stats.recordHistograms(values);
  return stats.computeRange(CalibrationMethod::Entropy, 100.0);
}

TEST(CalibrationStats, EntropyClipsARareOutlier) {
  // 100,000 values spread over [-1, 1] and one at 100: the slice that wins
  // keeps the bulk and clips the outlier (numpy's reimplementation in
  // gen_calibration_tests.py finds 11.43 with 2048 bins). With 128 bins the
  // only candidate is the whole range, as in onnxruntime's default.
  std::vector<float> values;
  for (int i = 0; i < 100000; ++i)
    values.push_back(float((i % 2001) - 1000) / 1000.0f);
  values.push_back(100.0f);
  auto [lo, hi] = entropyRange(values, 2048);
  EXPECT_EQ(lo, -1.0);
  EXPECT_GT(hi, 1.0);
  EXPECT_LT(hi, 20.0);
  auto [lo128, hi128] = entropyRange(values, 128);
  EXPECT_EQ(lo128, -1.0);
  EXPECT_EQ(hi128, 100.0);
}

TEST(CalibrationStats, EntropyKeepsTheLongSideOfSignedData) {
  // A normalized image: 60% background at -0.8, the rest spread up to 2.
  // The search over |x| used to clip at the background's magnitude (0.8),
  // cutting every bright pixel; the symmetric histogram keeps the bright
  // side (numpy: 1.972).
  std::vector<float> values(6000, -0.8f);
  for (int i = 0; i < 4000; ++i)
    values.push_back(-0.8f + 2.8f * (float(i) + 0.5f) / 4000.0f);
  auto [lo, hi] = entropyRange(values, 2048);
  EXPECT_EQ(lo, double(-0.8f));
  EXPECT_GT(hi, 1.9);
}

TEST(CalibrationStats, EntropyOfConstantData) {
  // Zero width: every value in one bin; the range is the value itself.
  auto [lo, hi] = entropyRange(std::vector<float>(100, 0.0f), 2048);
  EXPECT_EQ(lo, 0.0);
  EXPECT_EQ(hi, 0.0);
}

TEST(CalibrationStats, MseClipsARareOutlier) {
  // 10^6 values in [0, 1) and one at 2: clipping at t = 1 costs (2 - 1)^2 = 1
  // plus rounding 10^6 * (1/255)^2 / 12 = 1.28, keeping it costs
  // 10^6 * (2/255)^2 / 12 = 5.13, so the threshold lands near 1.
  ObserverStats stats;
  std::vector<float> values;
  for (int i = 0; i < 1000000; ++i)
    values.push_back(float(i % 1000) / 1000.0f);
  values.push_back(2.0f);
  stats.recordRange(values, 0.01);
  stats.startHistograms(2048);
  stats.recordHistograms(values);
  auto [lo, hi] = stats.computeRange(CalibrationMethod::MSE, 100.0);
  EXPECT_EQ(lo, 0.0);
  EXPECT_GT(hi, 0.9);
  EXPECT_LT(hi, 1.2);
  // The plain range would keep the outlier.
  EXPECT_EQ(stats.computeRange(CalibrationMethod::MinMax, 100.0).second, 2.0);
}

TEST(CalibrationStats, StatsFileRoundTrip) {
  CalibrationRanges ranges = {{0, {-1.5, 2.25}}, {7, {0.0, 1e-30}}};
  std::string text = formatCalibrationStats(CalibrationMethod::Entropy, ranges);
  EXPECT_NE(text.find("\"method\": \"entropy\""), std::string::npos) << text;
  llvm::Expected<CalibrationRanges> back = parseCalibrationStats(text);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(*back, ranges);
}

TEST(CalibrationStats, StatsFileErrors) {
  for (const char *text :
       {"{", "[]", "{\"observers\": 3}", "{\"observers\": [{\"id\": 0}]}",
        "{\"observers\": [{\"id\": 0, \"min\": -1e309, \"max\": 0}]}"}) {
    llvm::Expected<CalibrationRanges> ranges = parseCalibrationStats(text);
    EXPECT_FALSE(bool(ranges)) << text;
    if (!ranges)
      llvm::consumeError(ranges.takeError());
  }
}
