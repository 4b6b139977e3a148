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

TEST(CalibrationStats, EntropyStartsAt128Bins) {
  // Small non-negative values and one huge outlier: every candidate keeps at
  // least 256 of the 2048 bins (256 levels for a range without negative
  // values), and the smallest such threshold wins here:
  // t = 256 * 1000 / 2048 = 125.
  ObserverStats stats;
  std::vector<float> values;
  for (int i = 0; i < 1000; ++i)
    values.push_back(float(i % 100) / 100.0f);
  values.push_back(1000.0f);
  stats.recordRange(values, 0.01);
  stats.startHistograms(2048);
  stats.recordHistograms(values);
  auto [lo, hi] = stats.computeRange(CalibrationMethod::Entropy, 100.0);
  EXPECT_EQ(lo, 0.0);
  EXPECT_DOUBLE_EQ(hi, 125.0);
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
