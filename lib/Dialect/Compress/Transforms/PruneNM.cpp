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
                                      damp, blockSize)))
      return signalPassFailure();

    SmallVector<WeightedLayer> layers = collectWeightedLayers(getOperation());
    struct Pruned {
      const WeightedLayer *layer;
      int32_t axis;
      std::vector<float> values;
    };
    std::vector<Pruned> pruned;
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
      pruned.push_back({&layer, *axis, getFloatValues(layer.weight.values)});
    }

    std::vector<SparseGptLayer> requests;
    if (withData) {
      for (Pruned &layer : pruned) {
        SparseGptTarget target;
        target.n = n;
        target.m = m;
        target.nmDim = layer.axis;
        requests.push_back({layer.layer, &layer.values, target});
      }
      SparseGptOptions options;
      options.damp = damp;
      options.blockSize = blockSize;
      options.sequential = sequential;
      LayerDataSource source{data, stats, entry, "compress-prune-nm"};
      if (failed(pruneWithSparseGpt(getOperation(), requests, source, options)))
        return signalPassFailure();
    }

    OpBuilder builder(&getContext());
    for (auto [i, layer] : llvm::enumerate(pruned)) {
      auto type = cast<ShapedType>(layer.layer->weight.values.getType());
      double before = zeroFraction(getFloatValues(layer.layer->weight.values));
      if (!withData || !requests[i].pruned)
        keepLargestInGroups(layer.values, type.getShape(), layer.axis, n, m);
      double after = zeroFraction(layer.values);
      auto annotation =
          SparsityAttr::get(&getContext(), SparsityKind::Structured, n, m,
                            layer.axis, llvm::APFloat(after));
      replaceWeightConstant(builder, layer.layer->weight, layer.values,
                            annotation);
      numPruned += int64_t(std::lround((after - before) * layer.values.size()));
      ++numLayers;
    }
  }
};

} // namespace
