//===- FuseQDQ.cpp - compress-fuse-qdq
//---------------------------------------===//
//
// Placeholder while the pass is being written: fails with an error instead
// of silently doing nothing.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"

#define DEBUG_TYPE "compress-fuse-qdq"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSFUSEQDQ
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;

namespace {
struct FuseQDQPass : public compress::impl::CompressFuseQDQBase<FuseQDQPass> {
  using CompressFuseQDQBase::CompressFuseQDQBase;
  void runOnOperation() override {
    getOperation()->emitError("compress-fuse-qdq is not implemented yet");
    signalPassFailure();
  }
};
} // namespace
