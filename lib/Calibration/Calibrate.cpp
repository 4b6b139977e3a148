//===- Calibrate.cpp - calibration inside the compiler --------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// compress-calibrate: reads the samples of a directory of .npy files and
// hands them to the calibration engine (Calibration.h).
//
//===----------------------------------------------------------------------===//

#include "compress/Calibration/Calibration.h"
#include "compress/Calibration/Passes.h"
#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Runner/Samples.h"
#include "compress/Utils/Npy.h"
#include "compress/Utils/Progress.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include <optional>

#define DEBUG_TYPE "compress-calibrate"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSCALIBRATE
#include "compress/Calibration/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

struct CalibratePass
    : public compress::impl::CompressCalibrateBase<CalibratePass> {
  using CompressCalibrateBase::CompressCalibrateBase;

  void runOnOperation() override;
};

void CalibratePass::runOnOperation() {
  ModuleOp module = getOperation();
  Location loc = module.getLoc();
  if (data.empty()) {
    emitError(loc) << "compress-calibrate: option 'data' (a directory of "
                      ".npy samples) is required";
    return signalPassFailure();
  }
  CalibrationConfig config;
  config.method = method;
  config.percentile = percentile;
  config.averagingConstant = averagingConstant;
  config.bins = bins;
  config.stats = stats;
  if (failed(verifyCalibrationConfig(config, loc)))
    return signalPassFailure();
  if (!module.walk([](ObserveOp) { return WalkResult::interrupt(); })
           .wasInterrupted()) {
    emitWarning(loc) << "compress-calibrate: the module has no "
                        "compress.observe ops (run compress-insert-observers "
                        "first); nothing to calibrate";
    return;
  }

  FailureOr<CalibrationSamples> loaded =
      loadCalibrationSamples(module, data, entry, "compress-calibrate", loc);
  if (failed(loaded))
    return signalPassFailure();

  bool show = Progress::shouldShow(getOptionSpelling(progress));
  std::optional<Progress> bar;
  config.onSample = [&](size_t done, size_t total, bool histograms) {
    if (!show)
      return success();
    if (done == 1)
      bar.emplace(true,
                  histograms ? "calibrate (histograms)" : "calibrate (ranges)",
                  total);
    bar->update(done);
    return success();
  };
  if (failed(
          calibrateObservers(module, loaded->entry, loaded->samples, config)))
    return signalPassFailure();
}

} // namespace
