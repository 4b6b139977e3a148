//===- stats_fuzzer.cpp - libFuzzer target for calibration stats files ----===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Any bytes given to parseCalibrationStats must give ranges or an error,
// never a crash or a sanitizer report; ranges that parse must survive a round
// trip through formatCalibrationStats unchanged. Built and run by
// scripts/fuzz.sh (clang's libFuzzer with ASan and UBSan).
//
//===----------------------------------------------------------------------===//

#include "compress/Utils/CalibrationStats.h"

#include <cstdint>
#include <cstdlib>

using namespace mlir::compress;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::Expected<CalibrationRanges> ranges = parseCalibrationStats(
      llvm::StringRef(reinterpret_cast<const char *>(data), size));
  if (!ranges) {
    llvm::consumeError(ranges.takeError());
    return 0;
  }
  // Ranges that parse are finite, so what was read is written back exactly
  // (the fuzzer found that 2e308 used to parse as an infinity, which no JSON
  // can hold).
  std::string text = formatCalibrationStats(CalibrationMethod::MinMax, *ranges);
  llvm::Expected<CalibrationRanges> again = parseCalibrationStats(text);
  if (!again)
    std::abort();
  if (*again != *ranges)
    std::abort();
  return 0;
}
