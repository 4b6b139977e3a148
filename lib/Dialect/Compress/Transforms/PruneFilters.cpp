//===- PruneFilters.cpp - remove convolution filters ----------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/ChannelPruning.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Utils/LayerKinds.h"

#define DEBUG_TYPE "compress-prune-filters"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSPRUNEFILTERS
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

struct PruneFiltersPass
    : public compress::impl::CompressPruneFiltersBase<PruneFiltersPass> {
  using CompressPruneFiltersBase::CompressPruneFiltersBase;

  void runOnOperation() override {
    // With a refit, the data is at hand: unless `score` was given, channels
    // go by the refit's output error, not by weight norms.
    const ChannelScore effectiveScore = reconstruct && !score.hasValue()
                                            ? ChannelScore::OutputError
                                            : ChannelScore(score);
    FailureOr<ChannelPruningResult> result = pruneLayerChannels(
        getOperation(), "compress-prune-filters", "filters", ratio, norm,
        effectiveScore, roundTo, scope, minKeep, isFilterConvolution,
        ChannelRefitOptions{reconstruct, data, stats, entry, damp, sequential},
        skip);
    if (failed(result))
      return signalPassFailure();
    numRemoved += result->removed;
    numChains += result->chains;
    numSkipped += result->skipped;
  }
};

} // namespace
