//===- CollectLayerStats.cpp - write layers' input statistics -------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Transforms/LayerStatistics.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Transforms/PruneUtils.h"

#define DEBUG_TYPE "compress-collect-layer-stats"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSCOLLECTLAYERSTATS
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

struct CollectLayerStatsPass
    : public compress::impl::CompressCollectLayerStatsBase<
          CollectLayerStatsPass> {
  using CompressCollectLayerStatsBase::CompressCollectLayerStatsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Location loc = module.getLoc();
    if (data.empty() || out.empty()) {
      emitError(loc) << "compress-collect-layer-stats: options 'data' (a "
                        "directory of .npy samples) and 'out' (the directory "
                        "to write) are required";
      return signalPassFailure();
    }
    std::vector<MeasuredLayer> layers =
        collectMeasurableLayers(module, "no statistics collected");
    LayerDataSource source;
    source.data = data;
    source.entry = entry;
    source.tool = "compress-collect-layer-stats";
    FailureOr<std::vector<LayerInputGram>> grams =
        collectLayerStatistics(module, layers, source);
    if (failed(grams) ||
        failed(writeLayerStatistics(out, layers, *grams, source.tool, loc)))
      return signalPassFailure();
    numLayers += layers.size();
  }
};

} // namespace
