//===- FoldFakeQuant.cpp - compress-fold-fake-quant
//---------------------------------------===//
//
// Placeholder while the pass is being written: fails with an error instead
// of silently doing nothing.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"

#define DEBUG_TYPE "compress-fold-fake-quant"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSFOLDFAKEQUANT
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;

namespace {
struct FoldFakeQuantPass
    : public compress::impl::CompressFoldFakeQuantBase<FoldFakeQuantPass> {
  using CompressFoldFakeQuantBase::CompressFoldFakeQuantBase;
  void runOnOperation() override {
    getOperation()->emitError(
        "compress-fold-fake-quant is not implemented yet");
    signalPassFailure();
  }
};
} // namespace
