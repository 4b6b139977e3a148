//===- ConvertPrecision.cpp - compress-convert-precision
//---------------------------------------===//
//
// Placeholder while the pass is being written: fails with an error instead
// of silently doing nothing.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"

#define DEBUG_TYPE "compress-convert-precision"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSCONVERTPRECISION
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;

namespace {
struct ConvertPrecisionPass
    : public compress::impl::CompressConvertPrecisionBase<
          ConvertPrecisionPass> {
  using CompressConvertPrecisionBase::CompressConvertPrecisionBase;
  void runOnOperation() override {
    getOperation()->emitError(
        "compress-convert-precision is not implemented yet");
    signalPassFailure();
  }
};
} // namespace
