//===- PruneHeads.cpp - compress-prune-heads ------------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Attention heads as the channels of ChannelPruning.cpp: one channel per
// head (its head-size columns of each projection); the chain search adopts
// the K and V projections where the batched matmuls join them.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/ChannelPruning.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Transforms/PruneUtils.h"
#include "compress/Dialect/Compress/Utils/LayerKinds.h"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSPRUNEHEADS
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

struct PruneHeadsPass
    : public compress::impl::CompressPruneHeadsBase<PruneHeadsPass> {
  using CompressPruneHeadsBase::CompressPruneHeadsBase;

  void runOnOperation() override {
    FailureOr<ChannelPruningOptions> options = makeChannelPruningOptions(
        getOperation()->getLoc(), "compress-prune-heads", "heads", ratio, norm,
        score, roundTo, scope, minKeep);
    if (failed(options))
      return signalPassFailure();
    options->heads = true;
    SmallVector<linalg::LinalgOp> producers;
    for (const WeightedLayer &layer : collectWeightedLayers(getOperation()))
      if (isMatmulLayer(layer.op))
        producers.push_back(layer.op);
    FailureOr<ChannelPruningResult> result = pruneChannels(producers, *options);
    if (failed(result))
      return signalPassFailure();
    numRemoved += result->removed;
    numChains += result->chains;
    numSkipped += result->skipped;
  }
};

} // namespace
