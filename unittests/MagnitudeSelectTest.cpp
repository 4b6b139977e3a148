//===- MagnitudeSelectTest.cpp - radix selection of small magnitudes ------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// findMagnitudeCut + applyMagnitudeCut against the definition, computed
// independently: sort the indices by (|v| with NaN as infinity, index) and
// zero the first `count`. Sequences are split into runs of random lengths,
// as the passes visit them layer by layer.
//
//===----------------------------------------------------------------------===//

#include "compress/Utils/MagnitudeSelect.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

using namespace mlir::compress;

namespace {

/// The definition: the `count` smallest magnitudes zeroed, ties to the
/// earlier element.
std::vector<float> reference(std::vector<float> values, int64_t count) {
  auto magnitude = [](float v) {
    return std::isnan(v) ? std::numeric_limits<float>::infinity()
                         : std::fabs(v);
  };
  std::vector<int64_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return magnitude(values[a]) < magnitude(values[b]);
  });
  count = std::clamp<int64_t>(count, 0, values.size());
  for (int64_t i = 0; i < count; ++i)
    values[order[i]] = 0.0f;
  return values;
}

/// The sequence cut into runs of random lengths, selected and applied run
/// by run.
std::vector<float> selected(std::vector<float> values, int64_t count,
                            std::mt19937 &rng) {
  std::vector<size_t> bounds = {0};
  while (bounds.back() < values.size())
    bounds.push_back(std::min(values.size(), bounds.back() + 1 + rng() % 5000));
  auto runs = [&](llvm::function_ref<void(llvm::ArrayRef<float>)> fn) {
    for (size_t r = 0; r + 1 < bounds.size(); ++r)
      fn(llvm::ArrayRef<float>(values).slice(bounds[r],
                                             bounds[r + 1] - bounds[r]));
  };
  MagnitudeCut cut = findMagnitudeCut(runs, count);
  for (size_t r = 0; r + 1 < bounds.size(); ++r)
    applyMagnitudeCut(cut, llvm::MutableArrayRef<float>(values).slice(
                               bounds[r], bounds[r + 1] - bounds[r]));
  return values;
}

bool bitwiseEqual(const std::vector<float> &a, const std::vector<float> &b) {
  // memcmp must not see the null data() of an empty vector.
  return a.size() == b.size() &&
         (a.empty() ||
          std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

/// Values with many ties, both signs of zero, NaN, infinities, subnormals
/// and neighbours that share their upper 16 bits.
std::vector<float> makeValues(size_t n, std::mt19937 &rng) {
  std::vector<float> values(n);
  std::uniform_int_distribution<int> kind(0, 9);
  std::normal_distribution<float> normal;
  for (float &v : values) {
    switch (kind(rng)) {
    case 0:
      v = float(int(rng() % 7) - 3); // ties, +-0
      break;
    case 1:
      v = -0.0f;
      break;
    case 2:
      v = rng() % 2 ? std::numeric_limits<float>::quiet_NaN()
                    : -std::numeric_limits<float>::infinity();
      break;
    case 3:
      v = std::numeric_limits<float>::denorm_min() * float(rng() % 100);
      break;
    case 4:
      v = std::nextafter(1.0f, 2.0f) + float(rng() % 50) * 1e-7f;
      break;
    default:
      v = normal(rng);
    }
  }
  return values;
}

TEST(MagnitudeSelect, MatchesTheDefinition) {
  std::mt19937 rng(12345);
  for (size_t n : {size_t(0), size_t(1), size_t(7), size_t(1000), size_t(65537),
                   size_t(200000)}) {
    std::vector<float> values = makeValues(n, rng);
    for (int64_t count :
         {int64_t(-3), int64_t(0), int64_t(1), int64_t(n / 3), int64_t(n / 2),
          int64_t(n) - 1, int64_t(n), int64_t(n) + 5}) {
      EXPECT_TRUE(
          bitwiseEqual(selected(values, count, rng), reference(values, count)))
          << "n = " << n << ", count = " << count;
    }
  }
}

TEST(MagnitudeSelect, TiesGoToTheEarlierElement) {
  // Magnitudes 2, 1, 1, 1, 3: two zeros take the 1 at index 1 and index 2.
  std::vector<float> values = {2.0f, -1.0f, 1.0f, -1.0f, 3.0f};
  std::mt19937 rng(1);
  std::vector<float> expected = {2.0f, 0.0f, 0.0f, -1.0f, 3.0f};
  EXPECT_TRUE(bitwiseEqual(selected(values, 2, rng), expected));
}

TEST(MagnitudeSelect, KeyOrdersMagnitudes) {
  EXPECT_EQ(magnitudeKey(-0.0f), magnitudeKey(0.0f));
  EXPECT_EQ(magnitudeKey(-2.5f), magnitudeKey(2.5f));
  EXPECT_LT(magnitudeKey(std::numeric_limits<float>::denorm_min()),
            magnitudeKey(std::numeric_limits<float>::min()));
  EXPECT_LT(magnitudeKey(1.0f), magnitudeKey(std::nextafter(1.0f, 2.0f)));
  EXPECT_EQ(magnitudeKey(std::numeric_limits<float>::quiet_NaN()),
            magnitudeKey(std::numeric_limits<float>::infinity()));
}

} // namespace
