//===- CollectLayerStatistics.cpp - layers' input Gram matrices, by JIT ---===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The collector behind collectLayerStatistics (LayerStatistics.h): a probe
// before every measured layer hands the layer's input tensor to a recorder
// here, which cuts it into the layer's input vectors (LayerGeometry) and adds
// their outer products to the layer's Gram matrices.
//
//===----------------------------------------------------------------------===//

#include "Instrumentation.h"
#include "compress/Calibration/Calibration.h"
#include "compress/Dialect/Compress/Transforms/LayerStatistics.h"

#include <Eigen/Core>

using namespace mlir;
using namespace mlir::compress;

namespace {

constexpr llvm::StringLiteral kRecorderName = "__compress_record_layer_input";
constexpr llvm::StringLiteral kLayerTag = "compress.measured_layer";
/// Input vectors gathered at a time before their outer products are added.
constexpr int64_t kChunkRows = 256;

struct LayerRecorder {
  std::vector<const LayerGeometry *> geometry;
  std::vector<LayerInputGram> grams;
  std::vector<float> scratch;
  /// Probes whose tensor did not have the layer's input size.
  int64_t mismatches = 0;
};

thread_local LayerRecorder *activeLayerRecorder = nullptr;

/// Adds the input vectors of `input` (the layer's whole input, row-major) to
/// the lower triangles of `gram`'s matrices.
void accumulate(const LayerGeometry &geometry, ArrayRef<float> input,
                LayerInputGram &gram) {
  using RowMajor =
      Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  int64_t cols = geometry.cols(), positions = geometry.positions();
  RowMajor chunk(std::min(kChunkRows, positions), cols);
  for (int64_t g = 0; g < geometry.groups(); ++g) {
    Eigen::Map<Eigen::MatrixXd> h(gram.group(g), cols, cols);
    int64_t groupBase = geometry.inputBase + geometry.inputGroup[g];
    for (int64_t p0 = 0; p0 < positions; p0 += kChunkRows) {
      int64_t count = std::min(kChunkRows, positions - p0);
      for (int64_t p = 0; p < count; ++p) {
        const float *base =
            input.data() + groupBase + geometry.inputPosition[p0 + p];
        for (int64_t c = 0; c < cols; ++c)
          chunk(p, c) = base[geometry.inputCol[c]];
      }
      h.selfadjointView<Eigen::Lower>().rankUpdate(
          chunk.topRows(count).transpose());
      Eigen::Map<Eigen::VectorXd>(gram.sums.data() + g * cols, cols) +=
          chunk.topRows(count).colwise().sum().transpose();
    }
  }
  gram.count += positions;
}

extern "C" void compressRecordLayerInput(int64_t id,
                                         ::UnrankedMemRefType<float> *memref) {
  LayerRecorder *recorder = activeLayerRecorder;
  if (!recorder || id < 0 || id >= int64_t(recorder->grams.size()))
    return;
  const LayerGeometry &geometry = *recorder->geometry[id];
  recorder->scratch.clear();
  gatherRowMajor(DynamicMemRefType<float>(*memref), recorder->scratch);
  int64_t expected = 1;
  for (int64_t size : geometry.inputShape)
    expected *= size;
  if (int64_t(recorder->scratch.size()) != expected) {
    ++recorder->mismatches;
    return;
  }
  accumulate(geometry, recorder->scratch, recorder->grams[id]);
}

/// Puts a probe before every tagged layer of the clone, on its input.
void instrumentLayers(ModuleOp module) {
  OpBuilder builder(module.getContext());
  func::FuncOp recorder = declareRecorder(module, kRecorderName);
  SmallVector<linalg::LinalgOp> tagged;
  module.walk([&](linalg::LinalgOp op) {
    if (op->hasAttr(kLayerTag))
      tagged.push_back(op);
  });
  for (linalg::LinalgOp op : tagged) {
    int64_t id = cast<IntegerAttr>(op->getAttr(kLayerTag)).getInt();
    op->removeAttr(kLayerTag);
    FailureOr<WeightOperand> weight = findWeightOperand(op);
    if (failed(weight))
      continue;
    insertRecorderCall(builder, op, recorder, id, weight->other->get());
  }
}

FailureOr<std::vector<LayerInputGram>>
collectByJit(ModuleOp module, ArrayRef<MeasuredLayer> layers,
             const LayerDataSource &source) {
  Location loc = module.getLoc();
  FailureOr<CalibrationSamples> loaded = loadCalibrationSamples(
      module, source.data, source.entry, source.tool, loc);
  if (failed(loaded))
    return failure();
  if (loaded->samples.empty())
    return emitError(loc) << source.tool << ": no samples in '" << source.data
                          << "'";

  LayerRecorder recorder;
  for (const MeasuredLayer &layer : layers) {
    recorder.geometry.push_back(&layer.geometry);
    LayerInputGram gram;
    gram.groups = layer.geometry.groups();
    gram.cols = layer.geometry.cols();
    gram.values.assign(gram.groups * gram.cols * gram.cols, 0.0);
    gram.sums.assign(gram.groups * gram.cols, 0.0);
    recorder.grams.push_back(std::move(gram));
  }

  // Tag the layers for the clone, and untag the original whatever happens.
  Builder builder(module.getContext());
  for (auto [id, layer] : llvm::enumerate(layers))
    layer.op->setAttr(kLayerTag, builder.getI64IntegerAttr(id));
  FailureOr<std::unique_ptr<ExecutionEngine>> engine = compileInstrumented(
      module, loaded->entry, instrumentLayers, kRecorderName,
      reinterpret_cast<void *>(&compressRecordLayerInput), source.tool);
  for (const MeasuredLayer &layer : layers)
    layer.op->removeAttr(kLayerTag);
  if (failed(engine))
    return failure();

  for (auto [index, sample] : llvm::enumerate(loaded->samples)) {
    activeLayerRecorder = &recorder;
    llvm::Error error = invokeInstrumented(**engine, sample);
    activeLayerRecorder = nullptr;
    if (error)
      return emitError(loc) << source.tool << ": running sample " << index
                            << " failed: " << llvm::toString(std::move(error));
  }
  if (recorder.mismatches)
    return emitError(loc) << source.tool << ": " << recorder.mismatches
                          << " layer input(s) did not have the shape the "
                             "layer reads";
  for (LayerInputGram &gram : recorder.grams)
    for (int64_t g = 0; g < gram.groups; ++g) {
      // rankUpdate filled the lower triangle; mirror it.
      Eigen::Map<Eigen::MatrixXd> h(gram.group(g), gram.cols, gram.cols);
      h.triangularView<Eigen::StrictlyUpper>() = h.transpose();
    }
  return std::move(recorder.grams);
}

} // namespace

void mlir::compress::registerLayerStatisticsCollector() {
  setLayerStatisticsCollector(collectByJit);
}
