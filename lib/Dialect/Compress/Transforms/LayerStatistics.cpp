//===- LayerStatistics.cpp - input statistics of layers, from data --------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Transforms/LayerStatistics.h"
#include "compress/Dialect/Compress/Transforms/PruneUtils.h"

#include "llvm/ADT/ScopeExit.h"

#include <mutex>

namespace mlir::compress {

namespace {
std::mutex collectorMutex;
LayerStatisticsCollector &installedCollector() {
  static LayerStatisticsCollector collector;
  return collector;
}
} // namespace

void setLayerStatisticsCollector(LayerStatisticsCollector collector) {
  std::lock_guard<std::mutex> lock(collectorMutex);
  installedCollector() = std::move(collector);
}

FailureOr<std::vector<LayerInputGram>>
collectLayerStatistics(ModuleOp module, ArrayRef<MeasuredLayer> layers,
                       const LayerDataSource &source) {
  LayerStatisticsCollector collector;
  {
    std::lock_guard<std::mutex> lock(collectorMutex);
    collector = installedCollector();
  }
  if (!collector)
    return emitError(module.getLoc())
           << source.tool
           << ": no calibration engine is linked in to run the model on '"
           << source.data
           << "' (call mlir::compress::registerAllCompressPasses, or "
              "registerLayerStatisticsCollector of "
              "compress/Calibration/Calibration.h)";
  return collector(module, layers, source);
}

LogicalResult updateWithLayerStatistics(
    ModuleOp module, ArrayRef<MeasuredLayer> layers,
    MutableArrayRef<std::vector<float>> values, const LayerDataSource &source,
    bool sequential,
    function_ref<LogicalResult(size_t, const LayerInputGram &,
                               std::vector<float> &)>
        update) {
  std::vector<std::vector<float>> updated(values.begin(), values.end());
  if (!sequential) {
    FailureOr<std::vector<LayerInputGram>> grams =
        collectLayerStatistics(module, layers, source);
    if (failed(grams))
      return failure();
    for (size_t i = 0; i < layers.size(); ++i)
      if (failed(update(i, (*grams)[i], updated[i])))
        return failure();
  } else {
    // The measured layers' constants hold the updated values meanwhile.
    SmallVector<std::pair<arith::ConstantOp, TypedAttr>> saved;
    llvm::scope_exit restore([&] {
      for (auto &[constant, value] : llvm::reverse(saved))
        constant.setValueAttr(value);
    });
    for (size_t i = 0; i < layers.size(); ++i) {
      FailureOr<std::vector<LayerInputGram>> grams =
          collectLayerStatistics(module, layers[i], source);
      if (failed(grams) || failed(update(i, grams->front(), updated[i])))
        return failure();
      arith::ConstantOp constant = layers[i].weight.constant;
      saved.push_back({constant, constant.getValue()});
      constant.setValueAttr(buildWeightAttr(
          cast<ShapedType>(layers[i].weight.values.getType()), updated[i]));
    }
  }
  for (auto [value, copy] : llvm::zip(values, updated))
    value = std::move(copy);
  return success();
}

} // namespace mlir::compress
