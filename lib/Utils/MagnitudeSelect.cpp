//===- MagnitudeSelect.cpp - the k smallest magnitudes without a copy -----===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Utils/MagnitudeSelect.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace mlir::compress {

uint32_t magnitudeKey(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  return std::min(bits & 0x7fffffffu, 0x7f800000u);
}

MagnitudeCut findMagnitudeCut(FloatSequence sequence, int64_t count) {
  // The (count-1)-th smallest key, one 16-bit digit at a time.
  std::vector<int64_t> histogram(1 << 16, 0);
  int64_t total = 0;
  sequence([&](llvm::ArrayRef<float> run) {
    for (float v : run)
      ++histogram[magnitudeKey(v) >> 16];
    total += run.size();
  });
  count = std::clamp<int64_t>(count, 0, total);
  if (count == 0)
    return {};
  int64_t below = 0; // elements with a key below the digits chosen so far
  auto choose = [&]() {
    uint32_t digit = 0;
    while (below + histogram[digit] < count)
      below += histogram[digit++];
    return digit;
  };
  uint32_t high = choose();
  std::fill(histogram.begin(), histogram.end(), 0);
  sequence([&](llvm::ArrayRef<float> run) {
    for (float v : run)
      if (uint32_t key = magnitudeKey(v); key >> 16 == high)
        ++histogram[key & 0xffff];
  });
  uint32_t low = choose();
  return {high << 16 | low, count - below};
}

void applyMagnitudeCut(MagnitudeCut &cut, llvm::MutableArrayRef<float> values) {
  for (float &v : values) {
    uint32_t key = magnitudeKey(v);
    if (key < cut.threshold) {
      v = 0.0f;
    } else if (key == cut.threshold && cut.ties > 0) {
      v = 0.0f;
      --cut.ties;
    }
  }
}

} // namespace mlir::compress
