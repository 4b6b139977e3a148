//===- MagnitudeSelect.h - the k smallest magnitudes without a copy -*- C++
//-*-//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Which elements of a sequence of floats hold its `count` smallest
// magnitudes, found without copying the sequence: magnitude pruning ranks
// every weight of a model this way. The sequence may be visited in runs
// (layer by layer, chunk by chunk); the result is a rule applied run by run.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_UTILS_MAGNITUDESELECT_H
#define COMPRESS_UTILS_MAGNITUDESELECT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>

namespace mlir::compress {

/// The bits of |v|, which order magnitudes as the floats do (-0 and +0 are
/// equal); NaN is infinity, the largest magnitude.
uint32_t magnitudeKey(float v);

/// The `count` smallest magnitudes of a sequence, as a rule that can be
/// applied run by run: every element whose magnitude key is below
/// `threshold`, and the first `ties` elements whose key equals it (ties go
/// to the earlier element).
struct MagnitudeCut {
  uint32_t threshold = 0;
  int64_t ties = 0;
};

/// Calls its argument on consecutive runs of a sequence of floats, in order.
using FloatSequence =
    llvm::function_ref<void(llvm::function_ref<void(llvm::ArrayRef<float>)>)>;

/// The cut that selects the `count` smallest magnitudes of `sequence`
/// (clamped to [0, its length]; the sequence is walked twice). A radix
/// selection on the magnitudes' bit patterns: a histogram of the upper 16
/// bits, then one of the lower 16 bits within the bucket that holds the
/// count-th smallest. Memory: two 64K-entry histograms, whatever the length.
MagnitudeCut findMagnitudeCut(FloatSequence sequence, int64_t count);

/// Zeroes (+0.0) what `cut` selects in `values`, the next run of the
/// sequence the cut was found on; uses up `cut.ties` as it goes.
void applyMagnitudeCut(MagnitudeCut &cut, llvm::MutableArrayRef<float> values);

} // namespace mlir::compress

#endif // COMPRESS_UTILS_MAGNITUDESELECT_H
