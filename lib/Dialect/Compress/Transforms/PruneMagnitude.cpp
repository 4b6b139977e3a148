//===- PruneMagnitude.cpp - unstructured magnitude pruning ----------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Transforms/PruneUtils.h"
#include "compress/Dialect/Compress/Transforms/SparseGPT.h"

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
  LogicalResult pruneWithData(std::vector<PrunedLayer> &layers);
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
  if (algorithm == PruneAlgorithm::SparseGPT) {
    if (threshold >= 0.0)
      return emitError(loc) << "compress-prune-magnitude: 'threshold' prunes "
                               "by magnitude alone; it does not combine with "
                               "algorithm=sparsegpt";
    if (failed(verifySparseGptOptions(loc, "compress-prune-magnitude", data,
                                      stats, damp, blockSize)))
      return failure();
  }
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

LogicalResult
PruneMagnitudePass::pruneWithData(std::vector<PrunedLayer> &layers) {
  // Each layer's share of the zeros: the requested fraction, or under
  // scope=global what global magnitude ranking gives it.
  std::vector<double> fractions(layers.size(), sparsity);
  if (scope == PruneScope::Global) {
    std::vector<PrunedLayer> ranked = layers;
    pruneGlobally(ranked);
    for (auto [i, layer] : llvm::enumerate(ranked))
      fractions[i] = zeroFraction(layer.values);
  }
  std::vector<SparseGptLayer> requests;
  for (auto [i, layer] : llvm::enumerate(layers)) {
    SparseGptTarget target;
    target.fraction = fractions[i];
    requests.push_back({&layer.layer, &layer.values, target});
  }
  SparseGptOptions options;
  options.damp = damp;
  options.blockSize = blockSize;
  options.sequential = sequential;
  LayerDataSource source{data, stats, entry, "compress-prune-magnitude"};
  if (failed(pruneWithSparseGpt(getOperation(), requests, source, options)))
    return failure();
  for (auto [i, request] : llvm::enumerate(requests))
    if (!request.pruned)
      zeroSmallestMagnitudes({request.values},
                             pruneCount(fractions[i], request.values->size()));
  return success();
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

  if (algorithm == PruneAlgorithm::SparseGPT) {
    if (failed(pruneWithData(layers)))
      return signalPassFailure();
  } else if (threshold >= 0.0)
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
