//===- LayerStatistics.cpp - input statistics of layers, from data --------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Transforms/LayerStatistics.h"

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

} // namespace mlir::compress
