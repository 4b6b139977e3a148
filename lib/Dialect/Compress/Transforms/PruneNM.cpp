//===- PruneNM.cpp - N:M structured pruning -------------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Transforms/PruneUtils.h"
#include "compress/Dialect/Compress/Transforms/SparseGPT.h"

#include <algorithm>
#include <cmath>

#define DEBUG_TYPE "compress-prune-nm"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSPRUNENM
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

struct PruneNMPass : public compress::impl::CompressPruneNMBase<PruneNMPass> {
  using CompressPruneNMBase::CompressPruneNMBase;

  void runOnOperation() override {
    Location loc = getOperation()->getLoc();
    if (m < 1 || n < 1 || n > m) {
      emitError(loc) << "compress-prune-nm: options must satisfy 1 <= n <= m, "
                        "got n = "
                     << static_cast<unsigned>(n)
                     << ", m = " << static_cast<unsigned>(m);
      return signalPassFailure();
    }
    if (failed(verifySkipList(loc, "compress-prune-nm", skip)))
      return signalPassFailure();

    bool withData = algorithm == PruneAlgorithm::SparseGPT;
    if (withData &&
        failed(verifySparseGptOptions(loc, "compress-prune-nm", data, stats,
                                      damp, blockSize, admmBudget)))
      return signalPassFailure();

    SmallVector<WeightedLayer> layers = collectWeightedLayers(getOperation());
    std::vector<Target> targets;
    for (const WeightedLayer &layer : layers) {
      if (isSkippedLayer(layer.op, layer.index, layers.size(), skip))
        continue;
      std::optional<int32_t> axis =
          findReductionChannelAxis(layer.op, layer.weight);
      if (!axis) {
        layer.op->emitRemark()
            << "not pruned to " << static_cast<unsigned>(n) << ":"
            << static_cast<unsigned>(m)
            << ": the weight has no reduction dimension shared with the input";
        continue;
      }
      auto type = cast<ShapedType>(layer.weight.values.getType());
      int64_t size = type.getDimSize(*axis);
      if (size % m != 0) {
        layer.op->emitRemark()
            << "not pruned to " << static_cast<unsigned>(n) << ":"
            << static_cast<unsigned>(m) << ": reduction dimension " << *axis
            << " has size " << size << ", not a multiple of "
            << static_cast<unsigned>(m);
        continue;
      }
      targets.push_back({&layer, *axis});
    }
    if (withData) {
      if (failed(pruneWithData(targets)))
        return signalPassFailure();
      return;
    }
    // Each layer's new values are built in the storage of its new constant.
    for (const Target &target : targets) {
      WeightBuilder builder(target.layer->weight.values);
      llvm::MutableArrayRef<float> values = builder.values();
      double before = zeroFraction(values);
      keepLargestInGroups(values,
                          target.layer->weight.values.getType().getShape(),
                          target.axis, n, m);
      double after = zeroFraction(values);
      replace(target, builder.finish(), before, after, values.size());
    }
  }

private:
  /// A layer to prune and the weight dimension its groups run along.
  struct Target {
    const WeightedLayer *layer;
    int32_t axis;
  };

  void replace(const Target &target, TypedAttr values, double before,
               double after, int64_t size) {
    OpBuilder builder(&getContext());
    auto annotation =
        SparsityAttr::get(&getContext(), SparsityKind::Structured, n, m,
                          target.axis, llvm::APFloat(after));
    replaceWeightConstant(builder, target.layer->weight, values, annotation);
    numPruned += int64_t(std::lround((after - before) * size));
    ++numLayers;
  }

  LogicalResult pruneWithData(llvm::ArrayRef<Target> targets) {
    std::vector<std::vector<float>> values;
    for (const Target &target : targets)
      values.push_back(getFloatValues(target.layer->weight.values));

    std::vector<SparseGptLayer> requests;
    for (auto [target, layerValues] : llvm::zip(targets, values)) {
      SparseGptTarget goal;
      goal.n = n;
      goal.m = m;
      goal.nmDim = target.axis;
      requests.push_back({target.layer, &layerValues, goal});
    }
    SparseGptOptions options;
    options.damp = damp;
    options.blockSize = blockSize;
    options.sequential = sequential;
    options.teacher = teacher;
    options.refitIterations = refit;
    options.admmIterations = admm;
    options.admmBudget = admmBudget * 1e9;
    LayerDataSource source{data, stats, entry, "compress-prune-nm"};
    if (failed(pruneWithSparseGpt(getOperation(), requests, source, options)))
      return failure();
    for (auto [i, target] : llvm::enumerate(targets)) {
      const WeightValues &old = target.layer->weight.values;
      double before = zeroFraction(getFloatValues(old));
      if (!requests[i].pruned)
        keepLargestInGroups(values[i], old.getType().getShape(), target.axis, n,
                            m);
      replace(target, buildWeightAttrLike(old, values[i]), before,
              zeroFraction(values[i]), values[i].size());
    }
    return success();
  }
};

} // namespace
