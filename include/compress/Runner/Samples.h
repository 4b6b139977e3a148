//===- Samples.h - sample inputs from .npy files ----------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A directory of .npy files as the inputs of a function, one run each:
// compress-calibrate reads its calibration data this way. Diagnostics start
// with `tool` and point at `loc`.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNNER_SAMPLES_H
#define COMPRESS_RUNNER_SAMPLES_H

#include "compress/Utils/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"

#include <map>
#include <string>
#include <vector>

namespace mlir::compress {

/// One argument of one run: its shape and float32 data.
struct SampleArg {
  SmallVector<int64_t> shape;
  std::vector<float> data;
};
/// The arguments of one run.
using Sample = SmallVector<SampleArg>;

/// Sample name -> argument number -> .npy path.
using SampleFiles = std::map<std::string, std::map<unsigned, std::string>>;

/// The .npy files of `dir`, sorted, grouped by argument: plain files are
/// argument 0; `NAME.argK.npy` is argument K of sample NAME. Samples run in
/// file-name order (as `ls` lists them).
FailureOr<SampleFiles> listSampleFiles(StringRef dir, StringRef tool,
                                       Location loc);

/// Splits `array` into samples for `type`: the array itself, or its slices
/// along a leading stacking dimension, or a stack of batches.
FailureOr<std::vector<SampleArg>> splitSamples(const NpyArray &array,
                                               RankedTensorType type,
                                               StringRef file, StringRef tool,
                                               Location loc);

/// Splits one sample's arrays (one per argument of `entry`; `names[i]` names
/// array i in diagnostics) and appends the samples they hold to `samples`.
/// Each array is one argument, a stack of them, or a stack of batches, as in
/// `splitSamples`; all arrays must stack the same number of samples.
LogicalResult appendSamples(ArrayRef<NpyArray> arrays,
                            ArrayRef<std::string> names, func::FuncOp entry,
                            StringRef name, StringRef tool, Location loc,
                            std::vector<Sample> &samples);

/// Reads the files of `groups` as samples of `entry`'s arguments.
FailureOr<std::vector<Sample>> loadSamples(const SampleFiles &groups,
                                           func::FuncOp entry, StringRef tool,
                                           Location loc);

} // namespace mlir::compress

#endif // COMPRESS_RUNNER_SAMPLES_H
