//===- RequantizeTest.cpp - fixed-point requantization math ---------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Expected values are worked out by hand from TFLite's definitions
// (QuantizeMultiplier, gemmlowp's SaturatingRoundingDoublingHighMul and
// RoundingDivideByPOT), not taken from the code's output. Each case notes
// the real value and how it rounds.
//
//===----------------------------------------------------------------------===//

#include "compress/Utils/QuantParams.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>

using namespace mlir::compress;

namespace {
constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int32_t kTwoTo30 = 1 << 30;

void expectMultiplier(double m, int32_t multiplier, int32_t shift) {
  std::optional<QuantizedMultiplier> q = computeQuantizedMultiplier(m);
  ASSERT_TRUE(q.has_value()) << m;
  EXPECT_EQ(q->multiplier, multiplier) << m;
  EXPECT_EQ(q->shift, shift) << m;
}
} // namespace

TEST(QuantizedMultiplier, PowersOfTwo) {
  // m = 0.5 * 2^shift.
  expectMultiplier(0.5, kTwoTo30, 0);
  expectMultiplier(1.0, kTwoTo30, 1);
  expectMultiplier(0.25, kTwoTo30, -1);
  expectMultiplier(1024.0, kTwoTo30, 11);
}

TEST(QuantizedMultiplier, Fractions) {
  // 0.75 * 2^31 = 1610612736.
  expectMultiplier(0.75, 1610612736, 0);
  expectMultiplier(3.0, 1610612736, 2);
  // 0.1 = 0.8 * 2^-3; 0.8 * 2^31 = 1717986918.4 -> 1717986918.
  expectMultiplier(0.1, 1717986918, -3);
}

TEST(QuantizedMultiplier, RoundsHalfAwayFromZeroAndRenormalizes) {
  // q * 2^31 = 2^30 + 0.5 exactly: TfLiteRound gives 2^30 + 1 (ties to even
  // would give 2^30).
  expectMultiplier(0.5 + std::ldexp(1.0, -32), kTwoTo30 + 1, 0);
  // q * 2^31 = 2^30 + 1.5 -> 2^30 + 2.
  expectMultiplier(0.5 + 3 * std::ldexp(1.0, -32), kTwoTo30 + 2, 0);
  // q just below 1 rounds up to 2^31, which is renormalized to 2^30 with the
  // shift raised by one.
  expectMultiplier(1.0 - std::ldexp(1.0, -40), kTwoTo30, 1);
}

TEST(QuantizedMultiplier, TinyZeroAndInvalid) {
  // 2^-32 = 0.5 * 2^-31: the smallest shift that is kept.
  expectMultiplier(std::ldexp(1.0, -32), kTwoTo30, -31);
  // 2^-33 = 0.5 * 2^-32: below TFLite's limit, encoded as 0.
  expectMultiplier(std::ldexp(1.0, -33), 0, 0);
  expectMultiplier(1e-300, 0, 0);
  expectMultiplier(0.0, 0, 0);
  EXPECT_FALSE(computeQuantizedMultiplier(-0.5));
  EXPECT_FALSE(
      computeQuantizedMultiplier(std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(computeQuantizedMultiplier(std::nan("")));
}

TEST(SaturatingRoundingDoublingHighMul, RoundsHalfUp) {
  // 2 * a * b / 2^32 = a * b / 2^31.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kTwoTo30, kTwoTo30), 1 << 29);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(1, kTwoTo30), 1); // 0.5 -> 1
  EXPECT_EQ(saturatingRoundingDoublingHighMul(3, kTwoTo30), 2); // 1.5 -> 2
  EXPECT_EQ(saturatingRoundingDoublingHighMul(5, kTwoTo30), 3); // 2.5 -> 3
  // Negative ties: the nudge is 1 - 2^30 and the division truncates toward
  // zero, so -0.5 -> 0 and -1.5 -> -1 (gemmlowp rounds ties up here).
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-1, kTwoTo30), 0);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-3, kTwoTo30), -1);
  // Not ties: -0.75 -> -1, -0.25 -> 0.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-1, 1610612736), -1);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-1, 1 << 29), 0);
  // The one overflowing product saturates.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kInt32Min, kInt32Min), kInt32Max);
  // -2^31 * 0.75 = -1610612736 exactly.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kInt32Min, 1610612736),
            -1610612736);
}

TEST(RoundingDivideByPOT, RoundsHalfAwayFromZero) {
  EXPECT_EQ(roundingDivideByPOT(3, 1), 2);   // 1.5 -> 2
  EXPECT_EQ(roundingDivideByPOT(-3, 1), -2); // -1.5 -> -2
  EXPECT_EQ(roundingDivideByPOT(1, 1), 1);   // 0.5 -> 1
  EXPECT_EQ(roundingDivideByPOT(-1, 1), -1); // -0.5 -> -1
  EXPECT_EQ(roundingDivideByPOT(-5, 2), -1); // -1.25 -> -1
  EXPECT_EQ(roundingDivideByPOT(-7, 2), -2); // -1.75 -> -2
  EXPECT_EQ(roundingDivideByPOT(7, 0), 7);
  // exponent 31: only |x| > 2^30 rounds to +-1.
  EXPECT_EQ(roundingDivideByPOT(kTwoTo30, 31), 1); // 0.5 -> 1
  EXPECT_EQ(roundingDivideByPOT(kTwoTo30 - 1, 31), 0);
  EXPECT_EQ(roundingDivideByPOT(-kTwoTo30, 31), -1);
  EXPECT_EQ(roundingDivideByPOT(kInt32Min, 31), -1);
}

TEST(MultiplyByQuantizedMultiplier, MatchesTFLite) {
  QuantizedMultiplier half{kTwoTo30, 0};
  EXPECT_EQ(multiplyByQuantizedMultiplier(3, half), 2);   // 1.5 -> 2
  EXPECT_EQ(multiplyByQuantizedMultiplier(-3, half), -1); // -1.5 -> -1
  EXPECT_EQ(multiplyByQuantizedMultiplier(100, half), 50);
  // m = 0.25: SRDHM then RoundingDivideByPOT round twice. 5 * 0.25 = 1.25,
  // but SRDHM(5, 2^30) = 2.5 -> 3 and 3 / 2 = 1.5 -> 2.
  QuantizedMultiplier quarter{kTwoTo30, -1};
  EXPECT_EQ(multiplyByQuantizedMultiplier(5, quarter), 2);
  EXPECT_EQ(multiplyByQuantizedMultiplier(2, quarter), 1);   // 0.5 -> 1
  EXPECT_EQ(multiplyByQuantizedMultiplier(-2, quarter), -1); // -0.5 -> -1
  EXPECT_EQ(multiplyByQuantizedMultiplier(-6, quarter), -2); // -1.5 -> -2
}

TEST(MultiplyByQuantizedMultiplier, LargeMultipliersSaturate) {
  QuantizedMultiplier three{1610612736, 2};
  EXPECT_EQ(multiplyByQuantizedMultiplier(1000, three), 3000);
  EXPECT_EQ(multiplyByQuantizedMultiplier(-1000, three), -3000);
  // 2^30 * 4 saturates to 2^31 - 1 before the multiply:
  // (2^31 - 1) * 0.75 = 1610612735.25 -> 1610612735.
  EXPECT_EQ(multiplyByQuantizedMultiplier(kTwoTo30, three), 1610612735);
  EXPECT_EQ(multiplyByQuantizedMultiplier(-kTwoTo30, three), -1610612736);
  // Shifts of 32 and more saturate every nonzero input alike.
  QuantizedMultiplier huge{kTwoTo30, 40};
  EXPECT_EQ(multiplyByQuantizedMultiplier(1, huge), kTwoTo30);
  EXPECT_EQ(multiplyByQuantizedMultiplier(-1, huge), -kTwoTo30);
  EXPECT_EQ(multiplyByQuantizedMultiplier(0, huge), 0);
}

TEST(MultiplyByQuantizedMultiplier, TinyMultipliers) {
  // 2^-31 = 0.5 * 2^-30: (2^31 - 1) * 2^-31 = 0.9999... -> 1.
  QuantizedMultiplier tiny{kTwoTo30, -30};
  EXPECT_EQ(multiplyByQuantizedMultiplier(kInt32Max, tiny), 1);
  EXPECT_EQ(multiplyByQuantizedMultiplier(kInt32Min, tiny), -1);
  EXPECT_EQ(multiplyByQuantizedMultiplier(1 << 29, tiny), 0); // 0.25 -> 0
  EXPECT_EQ(multiplyByQuantizedMultiplier(kInt32Max, {0, 0}), 0);
}

TEST(Requantize, FixedPointAddsZeroPointAndClamps) {
  QuantizedMultiplier half{kTwoTo30, 0};
  EXPECT_EQ(requantizeFixedPoint(5, half, 10, 0, 255), 13); // 2.5 -> 3
  EXPECT_EQ(requantizeFixedPoint(1000, half, 10, 0, 255), 255);
  EXPECT_EQ(requantizeFixedPoint(-1000, half, 10, 0, 255), 0);
  // A fused ReLU is a lower bound at the zero point.
  EXPECT_EQ(requantizeFixedPoint(-10, half, 10, 10, 255), 10);
  EXPECT_EQ(requantizeFixedPoint(-10, half, 10, 0, 255), 5);
}

TEST(Requantize, FloatRoundsHalfToEven) {
  EXPECT_EQ(requantizeFloat(5, 0.5, 0, -128, 127), 2);   // 2.5 -> 2
  EXPECT_EQ(requantizeFloat(7, 0.5, 0, -128, 127), 4);   // 3.5 -> 4
  EXPECT_EQ(requantizeFloat(-3, 0.5, 0, -128, 127), -2); // -1.5 -> -2
  EXPECT_EQ(requantizeFloat(-5, 0.5, 3, -128, 127), 1);  // -2.5 -> -2, +3
  EXPECT_EQ(requantizeFloat(kInt32Max, 1e10, 0, -128, 127), 127);
  EXPECT_EQ(requantizeFloat(kInt32Min, 1e10, 0, -128, 127), -128);
  EXPECT_EQ(requantizeFloat(100, 0.1, -128, -128, -100), -118);
}
