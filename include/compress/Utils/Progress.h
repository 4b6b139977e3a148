//===- Progress.h - a progress bar on stderr --------------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Calibration and compress-run show how far a long run over many samples or
// batches has got, on a terminal only (unless asked to), so that logs and
// lit tests stay clean.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_UTILS_PROGRESS_H
#define COMPRESS_UTILS_PROGRESS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <string>

namespace mlir::compress {

/// A textual progress bar on stderr, redrawn in place.
class Progress {
public:
  Progress(bool enabled, llvm::StringRef label, size_t total)
      : enabled(enabled), label(label.str()), total(total) {}

  /// Whether a bar should show for the option value `mode` (auto, on, off):
  /// auto shows it when stderr is a terminal.
  static bool shouldShow(llvm::StringRef mode) {
    return mode == "on" || (mode == "auto" && llvm::errs().is_displayed());
  }

  void update(size_t done) {
    if (!enabled)
      return;
    constexpr size_t kWidth = 30;
    size_t filled = total ? done * kWidth / total : kWidth;
    llvm::errs() << "\r" << label << " [" << std::string(filled, '#')
                 << std::string(kWidth - filled, ' ') << "] " << done << "/"
                 << total;
    if (done == total)
      llvm::errs() << "\n";
    llvm::errs().flush();
  }

private:
  bool enabled;
  std::string label;
  size_t total;
};

} // namespace mlir::compress

#endif // COMPRESS_UTILS_PROGRESS_H
