//===- Calibrate.cpp - compress-calibrate
//---------------------------------------===//
//
// Placeholder while the pass is being written: fails with an error instead
// of silently doing nothing.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"

#define DEBUG_TYPE "compress-calibrate"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSCALIBRATE
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;

namespace {
struct CalibratePass
    : public compress::impl::CompressCalibrateBase<CalibratePass> {
  using CompressCalibrateBase::CompressCalibrateBase;
  void runOnOperation() override {
    getOperation()->emitError("compress-calibrate is not implemented yet");
    signalPassFailure();
  }
};
} // namespace
