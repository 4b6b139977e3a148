//===- InsertObservers.cpp - compress-insert-observers
//---------------------------------------===//
//
// Placeholder while the pass is being written: fails with an error instead
// of silently doing nothing.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"

#define DEBUG_TYPE "compress-insert-observers"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSINSERTOBSERVERS
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;

namespace {
struct InsertObserversPass
    : public compress::impl::CompressInsertObserversBase<InsertObserversPass> {
  using CompressInsertObserversBase::CompressInsertObserversBase;
  void runOnOperation() override {
    getOperation()->emitError(
        "compress-insert-observers is not implemented yet");
    signalPassFailure();
  }
};
} // namespace
