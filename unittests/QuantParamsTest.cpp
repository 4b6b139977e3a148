//===- QuantParamsTest.cpp - quantization parameter math ------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Expected values are worked out by hand from the formulas in the PTQ
// definition (scale = (max - min) / (qmax - qmin),
// zero_point = qmin - round(min / scale)), not taken from the code's output.
//
//===----------------------------------------------------------------------===//

#include "compress/Utils/QuantParams.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>

using namespace mlir::compress;

TEST(QuantRange, FullAndNarrow) {
  QuantRange s8 = QuantRange::full(8, true);
  EXPECT_EQ(s8.qmin, -128);
  EXPECT_EQ(s8.qmax, 127);
  QuantRange u8 = QuantRange::full(8, false);
  EXPECT_EQ(u8.qmin, 0);
  EXPECT_EQ(u8.qmax, 255);
  QuantRange s4 = QuantRange::narrowSigned(4);
  EXPECT_EQ(s4.qmin, -7);
  EXPECT_EQ(s4.qmax, 7);
  QuantRange s16 = QuantRange::full(16, true);
  EXPECT_EQ(s16.qmin, -32768);
  EXPECT_EQ(s16.qmax, 32767);
}

TEST(AsymmetricParams, U8RangeAroundZero) {
  // [-1, 2] on u8: scale = 3 / 255, zp = 0 - round(-1 / (3/255)) = 85.
  auto p = computeAsymmetricParams(-1.0, 2.0, QuantRange::full(8, false));
  ASSERT_TRUE(p.has_value());
  EXPECT_DOUBLE_EQ(p->scale, 3.0 / 255.0);
  EXPECT_EQ(p->zeroPoint, 85);
}

TEST(AsymmetricParams, RangeIsWidenedToIncludeZero) {
  // [2, 4] widens to [0, 4]: zp = qmin, so 0.0 maps exactly to qmin.
  auto p = computeAsymmetricParams(2.0, 4.0, QuantRange::full(8, true));
  ASSERT_TRUE(p.has_value());
  EXPECT_DOUBLE_EQ(p->scale, 4.0 / 255.0);
  EXPECT_EQ(p->zeroPoint, -128);
  // [-4, -2] widens to [-4, 0]: zp = qmax.
  p = computeAsymmetricParams(-4.0, -2.0, QuantRange::full(8, true));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->zeroPoint, 127);
}

TEST(AsymmetricParams, ZeroPointRoundsHalfToEven) {
  // [-0.5, 0.5] on s8 [-128, 127]: scale = 1/255, min/scale = -127.5, which
  // rounds to -128 (even), so zp = -128 - (-128) = 0.
  auto p = computeAsymmetricParams(-0.5, 0.5, QuantRange::full(8, true));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->zeroPoint, 0);
}

TEST(AsymmetricParams, DegenerateAndInvalidRanges) {
  auto p = computeAsymmetricParams(0.0, 0.0, QuantRange::full(8, false));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->scale, 1.0);
  EXPECT_EQ(p->zeroPoint, 0);
  double inf = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(computeAsymmetricParams(0.0, inf, QuantRange::full(8, true)));
  EXPECT_FALSE(
      computeAsymmetricParams(std::nan(""), 1.0, QuantRange::full(8, true)));
  EXPECT_FALSE(computeAsymmetricParams(2.0, 1.0, QuantRange::full(8, true)));
}

TEST(SymmetricParams, ScaleFromAbsMax) {
  auto p = computeSymmetricParams(2.54, QuantRange::narrowSigned(8));
  ASSERT_TRUE(p.has_value());
  EXPECT_DOUBLE_EQ(p->scale, 0.02);
  EXPECT_EQ(p->zeroPoint, 0);
  p = computeSymmetricParams(0.0, QuantRange::narrowSigned(8));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->scale, 1.0);
  EXPECT_FALSE(computeSymmetricParams(-1.0, QuantRange::narrowSigned(8)));
}

TEST(SymmetricParams, TinyScaleIsRaisedToSmallestNormalFloat) {
  auto p = computeSymmetricParams(1e-42, QuantRange::narrowSigned(8));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->scale, double(std::numeric_limits<float>::min()));
}

TEST(QuantizeValue, RoundsTiesToEven) {
  QuantRange s8 = QuantRange::full(8, true);
  // x / 0.5 = k + 0.5 exactly for these x.
  EXPECT_EQ(quantizeValue(1.25f, 0.5f, 0, s8), 2);   // 2.5 -> 2
  EXPECT_EQ(quantizeValue(1.75f, 0.5f, 0, s8), 4);   // 3.5 -> 4
  EXPECT_EQ(quantizeValue(-1.25f, 0.5f, 0, s8), -2); // -2.5 -> -2
  EXPECT_EQ(quantizeValue(-1.75f, 0.5f, 0, s8), -4); // -3.5 -> -4
  EXPECT_EQ(quantizeValue(0.25f, 0.5f, 0, s8), 0);   // 0.5 -> 0
  EXPECT_EQ(quantizeValue(-0.25f, 0.5f, 0, s8), 0);  // -0.5 -> -0
  // The zero point is added after rounding: round(2.5) + 3 = 5, not 6.
  EXPECT_EQ(quantizeValue(1.25f, 0.5f, 3, s8), 5);
}

TEST(QuantizeValue, SaturatesAndHandlesSpecialValues) {
  QuantRange u8 = QuantRange::full(8, false);
  float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(quantizeValue(1000.0f, 1.0f, 128, u8), 255);
  EXPECT_EQ(quantizeValue(-1000.0f, 1.0f, 128, u8), 0);
  EXPECT_EQ(quantizeValue(inf, 1.0f, 128, u8), 255);
  EXPECT_EQ(quantizeValue(-inf, 1.0f, 128, u8), 0);
  EXPECT_EQ(quantizeValue(std::nanf(""), 1.0f, 128, u8), 128);
  QuantRange narrow = QuantRange::narrowSigned(8);
  EXPECT_EQ(quantizeValue(-1000.0f, 1.0f, 0, narrow), -127);
}

TEST(DequantizeValue, SubtractsZeroPointThenScales) {
  EXPECT_FLOAT_EQ(dequantizeValue(200, 0.5f, 128), 36.0f);
  EXPECT_FLOAT_EQ(dequantizeValue(-128, 0.25f, 0), -32.0f);
}
