//===- FoldCalibration.cpp - compress-fold-calibration
//---------------------------------------===//
//
// Placeholder while the pass is being written: fails with an error instead
// of silently doing nothing.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"

#define DEBUG_TYPE "compress-fold-calibration"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSFOLDCALIBRATION
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;

namespace {
struct FoldCalibrationPass
    : public compress::impl::CompressFoldCalibrationBase<FoldCalibrationPass> {
  using CompressFoldCalibrationBase::CompressFoldCalibrationBase;
  void runOnOperation() override {
    getOperation()->emitError(
        "compress-fold-calibration is not implemented yet");
    signalPassFailure();
  }
};
} // namespace
