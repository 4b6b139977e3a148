//===- PruneMagnitude.cpp - unstructured magnitude pruning ----------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Transforms/PruneUtils.h"

#include <cmath>

#define DEBUG_TYPE "compress-prune-magnitude"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSPRUNEMAGNITUDE
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

struct PrunedLayer {
  WeightedLayer layer;
  std::vector<float> values;
  double zerosBefore = 0.0;
};

struct PruneMagnitudePass
    : public compress::impl::CompressPruneMagnitudeBase<PruneMagnitudePass> {
  using CompressPruneMagnitudeBase::CompressPruneMagnitudeBase;

  void runOnOperation() override;

private:
  LogicalResult verifyOptions();
  void pruneBelowThreshold(std::vector<PrunedLayer> &layers);
  void prunePerLayer(std::vector<PrunedLayer> &layers);
  void pruneGlobally(std::vector<PrunedLayer> &layers);
};

LogicalResult PruneMagnitudePass::verifyOptions() {
  Location loc = getOperation()->getLoc();
  if (!(sparsity >= 0.0 && sparsity <= 1.0))
    return emitError(loc) << "compress-prune-magnitude: option 'sparsity' "
                             "must be in [0, 1], got "
                          << sparsity;
  if (std::isnan(threshold))
    return emitError(loc)
           << "compress-prune-magnitude: option 'threshold' is NaN";
  return verifySkipList(loc, "compress-prune-magnitude", skip);
}

void PruneMagnitudePass::pruneBelowThreshold(std::vector<PrunedLayer> &layers) {
  for (PrunedLayer &layer : layers)
    for (float &v : layer.values)
      if (std::abs(double(v)) < threshold)
        v = 0.0f;
}

void PruneMagnitudePass::prunePerLayer(std::vector<PrunedLayer> &layers) {
  for (PrunedLayer &layer : layers)
    zeroSmallestMagnitudes({&layer.values},
                           pruneCount(sparsity, layer.values.size()));
}

void PruneMagnitudePass::pruneGlobally(std::vector<PrunedLayer> &layers) {
  // Rank all weights together; the flat order (layer by layer) breaks ties
  // toward the earlier layer.
  std::vector<std::vector<float> *> buffers;
  size_t total = 0;
  for (PrunedLayer &layer : layers) {
    buffers.push_back(&layer.values);
    total += layer.values.size();
  }
  zeroSmallestMagnitudes(buffers, pruneCount(sparsity, total));
}

void PruneMagnitudePass::runOnOperation() {
  if (failed(verifyOptions()))
    return signalPassFailure();

  SmallVector<WeightedLayer> all = collectWeightedLayers(getOperation());
  std::vector<PrunedLayer> layers;
  for (const WeightedLayer &layer : all)
    if (!isSkippedLayer(layer.op, layer.index, all.size(), skip))
      layers.push_back({layer, getFloatValues(layer.weight.values)});
  for (PrunedLayer &layer : layers)
    layer.zerosBefore = zeroFraction(layer.values);

  if (threshold >= 0.0)
    pruneBelowThreshold(layers);
  else if (scope == PruneScope::Global)
    pruneGlobally(layers);
  else
    prunePerLayer(layers);

  OpBuilder builder(&getContext());
  for (PrunedLayer &layer : layers) {
    double before = layer.zerosBefore;
    double after = zeroFraction(layer.values);
    auto annotation =
        SparsityAttr::get(&getContext(), SparsityKind::Unstructured, 0, 0, 0,
                          llvm::APFloat(after));
    replaceWeightConstant(builder, layer.layer.weight, layer.values,
                          annotation);
    numPruned += int64_t(std::lround((after - before) * layer.values.size()));
    ++numLayers;
  }
}

} // namespace
