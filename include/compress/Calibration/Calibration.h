//===- Calibration.h - run a model on samples, record its ranges -*- C++
//-*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The engine behind compress-calibrate, for callers that hold their samples
// in memory (the Python bindings) rather than in a directory of .npy files:
// JIT-compile an instrumented clone of the module, run the entry function on
// every sample and store each compress.observe op's range in its min/max.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CALIBRATION_CALIBRATION_H
#define COMPRESS_CALIBRATION_CALIBRATION_H

#include "compress/Dialect/Compress/Transforms/PassOptions.h"
#include "compress/Runner/Samples.h"
#include "compress/Utils/CalibrationStats.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <string>

namespace mlir::compress {

/// How observed values become ranges.
struct CalibrationConfig {
  CalibrationMethod method = kDefaultCalibrationMethod;
  /// For method=percentile, in (0, 100].
  double percentile = kDefaultPercentile;
  /// For method=moving-average, in (0, 1].
  double averagingConstant = 0.01;
  /// Histogram bins of the histogram methods (at least 128).
  unsigned bins = 2048;
  /// When not empty, the ranges are also written to this JSON file.
  std::string stats;
  /// Called after each sample with (done, total, histogram phase); a failure
  /// stops the calibration (an interrupt, say), which then fails without
  /// changing the module. Null: no progress is shown.
  std::function<LogicalResult(size_t, size_t, bool)> onSample;
};

/// Checks `config`'s values; errors at `loc` name compress-calibrate's
/// options.
LogicalResult verifyCalibrationConfig(const CalibrationConfig &config,
                                      Location loc);

/// The function samples with argument shapes `firstShapes` are for:
/// `entryName`, or else the one public function (with a body and only
/// f32/f16/bf16 tensor arguments) they fit as arguments, stacks of arguments
/// or stacks of batches. `firstName` names the first sample in diagnostics.
FailureOr<func::FuncOp>
selectCalibrationEntry(ModuleOp module, StringRef entryName,
                       ArrayRef<SmallVector<int64_t>> firstShapes,
                       StringRef firstName, Location loc,
                       StringRef tool = "compress-calibrate");

/// The samples of the .npy files in `dir` and the function they are for
/// (`entryName`, or the one they fit, as selectCalibrationEntry chooses).
/// Diagnostics start with `tool`.
struct CalibrationSamples {
  func::FuncOp entry;
  std::vector<Sample> samples;
};
FailureOr<CalibrationSamples>
loadCalibrationSamples(ModuleOp module, StringRef dir, StringRef entryName,
                       StringRef tool, Location loc);

/// Installs the JIT-driven collector of layer input statistics that the
/// data-aware passes call (compress/Dialect/Compress/Transforms/
/// LayerStatistics.h). registerAllCompressPasses calls it.
void registerLayerStatisticsCollector();

/// Runs `entry` on every sample and stores each observer's range in its
/// `min`/`max` attributes (observers that saw no finite value get a warning
/// and keep theirs). The module is changed only on success.
LogicalResult calibrateObservers(ModuleOp module, func::FuncOp entry,
                                 const std::vector<Sample> &samples,
                                 const CalibrationConfig &config);

} // namespace mlir::compress

#endif // COMPRESS_CALIBRATION_CALIBRATION_H
