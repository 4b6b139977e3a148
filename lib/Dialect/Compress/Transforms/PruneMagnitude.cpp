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

/// A layer pruned with SparseGPT, whose weights it holds as floats.
struct PrunedLayer {
  WeightedLayer layer;
  std::vector<float> values;
};

struct PruneMagnitudePass
    : public compress::impl::CompressPruneMagnitudeBase<PruneMagnitudePass> {
  using CompressPruneMagnitudeBase::CompressPruneMagnitudeBase;

  void runOnOperation() override;

private:
  LogicalResult verifyOptions();
  LogicalResult pruneWithData(llvm::ArrayRef<WeightedLayer> layers);
  void pruneByMagnitude(llvm::ArrayRef<WeightedLayer> layers);
  void replace(const WeightedLayer &layer, TypedAttr values, double before,
               double after, int64_t size);
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
                                      stats, damp, blockSize, admmBudget)))
      return failure();
  }
  return verifySkipList(loc, "compress-prune-magnitude", skip);
}

/// The number of weights of `layers`.
static int64_t totalSize(llvm::ArrayRef<WeightedLayer> layers) {
  int64_t total = 0;
  for (const WeightedLayer &layer : layers)
    total += layer.weight.values.getNumElements();
  return total;
}

/// The weights of `layers` as one sequence, layer after layer.
static void visitWeights(llvm::ArrayRef<WeightedLayer> layers,
                         llvm::function_ref<void(llvm::ArrayRef<float>)> fn) {
  for (const WeightedLayer &layer : layers)
    layer.weight.values.forEachChunk(fn);
}

void PruneMagnitudePass::replace(const WeightedLayer &layer, TypedAttr values,
                                 double before, double after, int64_t size) {
  OpBuilder builder(&getContext());
  auto annotation = SparsityAttr::get(&getContext(), SparsityKind::Unstructured,
                                      0, 0, 0, llvm::APFloat(after));
  replaceWeightConstant(builder, layer.weight, values, annotation);
  numPruned += int64_t(std::lround((after - before) * size));
  ++numLayers;
}

LogicalResult
PruneMagnitudePass::pruneWithData(llvm::ArrayRef<WeightedLayer> all) {
  std::vector<PrunedLayer> layers;
  std::vector<double> before;
  for (const WeightedLayer &layer : all) {
    layers.push_back({layer, getFloatValues(layer.weight.values)});
    before.push_back(zeroFraction(layers.back().values));
  }
  // Each layer's share of the zeros: the requested fraction, or under
  // scope=global what global magnitude ranking gives it.
  std::vector<double> fractions(layers.size(), sparsity);
  if (scope == PruneScope::Global) {
    MagnitudeCut cut = findMagnitudeCut(
        [&](llvm::function_ref<void(llvm::ArrayRef<float>)> fn) {
          visitWeights(all, fn);
        },
        pruneCount(sparsity, totalSize(all)));
    for (auto [i, layer] : llvm::enumerate(layers)) {
      std::vector<float> ranked = layer.values;
      applyMagnitudeCut(cut, ranked);
      fractions[i] = zeroFraction(ranked);
    }
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
  options.teacher = teacher;
  options.refitIterations = refit;
  options.admmIterations = admm;
  options.admmBudget = admmBudget * 1e9;
  LayerDataSource source{data, stats, entry, "compress-prune-magnitude"};
  if (failed(pruneWithSparseGpt(getOperation(), requests, source, options)))
    return failure();
  for (auto [i, request] : llvm::enumerate(requests))
    if (!request.pruned)
      zeroSmallestMagnitudes({request.values},
                             pruneCount(fractions[i], request.values->size()));
  for (auto [i, layer] : llvm::enumerate(layers))
    replace(layer.layer,
            buildWeightAttrLike(layer.layer.weight.values, layer.values),
            before[i], zeroFraction(layer.values), layer.values.size());
  return success();
}

void PruneMagnitudePass::pruneByMagnitude(
    llvm::ArrayRef<WeightedLayer> layers) {
  // One cut for all layers (scope=global), or one per layer. Each layer's
  // new values are built in the storage of its new constant, so pruning
  // costs one copy of the weights, whatever their number.
  std::optional<MagnitudeCut> global;
  if (threshold < 0.0 && scope == PruneScope::Global)
    global = findMagnitudeCut(
        [&](llvm::function_ref<void(llvm::ArrayRef<float>)> fn) {
          visitWeights(layers, fn);
        },
        pruneCount(sparsity, totalSize(layers)));
  for (const WeightedLayer &layer : layers) {
    WeightBuilder builder(layer.weight.values);
    llvm::MutableArrayRef<float> values = builder.values();
    double before = zeroFraction(values);
    if (threshold >= 0.0) {
      for (float &v : values)
        if (std::abs(double(v)) < threshold)
          v = 0.0f;
    } else if (global) {
      applyMagnitudeCut(*global, values);
    } else {
      MagnitudeCut cut = findMagnitudeCut(
          [&](llvm::function_ref<void(llvm::ArrayRef<float>)> fn) {
            layer.weight.values.forEachChunk(fn);
          },
          pruneCount(sparsity, values.size()));
      applyMagnitudeCut(cut, values);
    }
    double after = zeroFraction(values);
    replace(layer, builder.finish(), before, after, values.size());
  }
}

void PruneMagnitudePass::runOnOperation() {
  if (failed(verifyOptions()))
    return signalPassFailure();

  SmallVector<WeightedLayer> all = collectWeightedLayers(getOperation());
  SmallVector<WeightedLayer> layers;
  for (const WeightedLayer &layer : all)
    if (!isSkippedLayer(layer.op, layer.index, all.size(), skip))
      layers.push_back(layer);

  if (algorithm == PruneAlgorithm::SparseGPT) {
    if (failed(pruneWithData(layers)))
      return signalPassFailure();
    return;
  }
  pruneByMagnitude(layers);
}

} // namespace
