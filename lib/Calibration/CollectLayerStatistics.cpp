//===- CollectLayerStatistics.cpp - layers' input Gram matrices, by JIT ---===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The collector behind collectLayerStatistics (LayerStatistics.h): a probe
// before every measured layer hands the layer's input tensor to a recorder
// here, which cuts it into the layer's input vectors (LayerGeometry) and adds
// their outer products to the layer's Gram matrices. With a teacher, each
// sample first runs through the teacher, whose probes keep the layers' inputs
// for the model's probes to pair with; with TeacherModel::outputs, probes on
// the entry function's float results compare the two models' outputs too.
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
  /// The teacher's layers' (the same as `geometry` unless the teacher says).
  std::vector<const LayerGeometry *> teacherGeometry;
  std::vector<LayerInputGram> grams;
  std::vector<float> scratch;
  /// Set while the teacher runs: its probes fill teacherInputs.
  bool capturing = false;
  /// Per layer, the teacher's input on the current sample (empty without a
  /// teacher).
  std::vector<std::vector<float>> teacherInputs;
  /// Probes whose tensor did not have the layer's input size.
  int64_t mismatches = 0;
  /// With TeacherModel::outputs: the sums it gets, and the teacher's float
  /// results on the current sample (probes numbered after the layers').
  OutputDifference *outputs = nullptr;
  std::vector<std::vector<float>> teacherResults;
};

thread_local LayerRecorder *activeLayerRecorder = nullptr;

/// Copies the input vectors p0 .. p0 + chunk.rows() of group `g` of `input`
/// (a layer's whole input, row-major) into the rows of `chunk`.
template <typename Chunk>
void gatherVectors(const LayerGeometry &geometry, ArrayRef<float> input,
                   int64_t g, int64_t p0, int64_t count, Chunk &chunk) {
  int64_t groupBase = geometry.inputBase + geometry.inputGroup[g];
  for (int64_t p = 0; p < count; ++p) {
    const float *base =
        input.data() + groupBase + geometry.inputPosition[p0 + p];
    for (int64_t c = 0; c < geometry.cols(); ++c)
      chunk(p, c) = base[geometry.inputCol[c]];
  }
}

/// Adds the input vectors of `input` (the layer's whole input, row-major) to
/// the lower triangles of `gram`'s matrices, and with `teacher` (the
/// teacher's input, cut by `teacherGeometry`) their products with the
/// teacher's vectors to `gram.cross`.
void accumulate(const LayerGeometry &geometry, ArrayRef<float> input,
                const LayerGeometry &teacherGeometry, ArrayRef<float> teacher,
                LayerInputGram &gram) {
  using RowMajor =
      Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  int64_t cols = geometry.cols(), positions = geometry.positions();
  int64_t teacherCols = teacherGeometry.cols();
  RowMajor chunk(std::min(kChunkRows, positions), cols);
  RowMajor teacherChunk(teacher.empty() ? 0 : chunk.rows(), teacherCols);
  for (int64_t g = 0; g < geometry.groups(); ++g) {
    Eigen::Map<Eigen::MatrixXd> h(gram.group(g), cols, cols);
    for (int64_t p0 = 0; p0 < positions; p0 += kChunkRows) {
      int64_t count = std::min(kChunkRows, positions - p0);
      gatherVectors(geometry, input, g, p0, count, chunk);
      h.selfadjointView<Eigen::Lower>().rankUpdate(
          chunk.topRows(count).transpose());
      Eigen::Map<Eigen::VectorXd>(gram.sums.data() + g * cols, cols) +=
          chunk.topRows(count).colwise().sum().transpose();
      if (teacher.empty())
        continue;
      gatherVectors(teacherGeometry, teacher, g, p0, count, teacherChunk);
      Eigen::Map<Eigen::MatrixXd>(gram.cross.data() + g * teacherCols * cols,
                                  teacherCols, cols)
          .noalias() +=
          teacherChunk.topRows(count).transpose() * chunk.topRows(count);
      Eigen::Map<Eigen::VectorXd>(gram.teacherSums.data() + g * teacherCols,
                                  teacherCols) +=
          teacherChunk.topRows(count).colwise().sum().transpose();
    }
  }
  gram.count += positions;
}

/// A result of the entry function (result `index`): the teacher's is kept,
/// the model's compared with it.
void recordResult(LayerRecorder &recorder, size_t index,
                  ::UnrankedMemRefType<float> *memref) {
  if (!recorder.outputs || index >= recorder.teacherResults.size())
    return;
  std::vector<float> &teacherResult = recorder.teacherResults[index];
  if (recorder.capturing) {
    teacherResult.clear();
    gatherRowMajor(DynamicMemRefType<float>(*memref), teacherResult);
    return;
  }
  recorder.scratch.clear();
  gatherRowMajor(DynamicMemRefType<float>(*memref), recorder.scratch);
  if (recorder.scratch.size() != teacherResult.size()) {
    ++recorder.mismatches;
    return;
  }
  for (auto [y, t] : llvm::zip(recorder.scratch, teacherResult)) {
    double d = double(y) - double(t);
    recorder.outputs->squaredDifference += d * d;
    recorder.outputs->squaredTeacher += double(t) * double(t);
  }
}

extern "C" void compressRecordLayerInput(int64_t id,
                                         ::UnrankedMemRefType<float> *memref) {
  LayerRecorder *recorder = activeLayerRecorder;
  if (!recorder || id < 0)
    return;
  if (id >= int64_t(recorder->grams.size()))
    return recordResult(*recorder, size_t(id) - recorder->grams.size(), memref);
  const LayerGeometry &geometry = recorder->capturing
                                      ? *recorder->teacherGeometry[id]
                                      : *recorder->geometry[id];
  std::vector<float> &into =
      recorder->capturing ? recorder->teacherInputs[id] : recorder->scratch;
  into.clear();
  gatherRowMajor(DynamicMemRefType<float>(*memref), into);
  int64_t expected = 1;
  for (int64_t size : geometry.inputShape)
    expected *= size;
  if (int64_t(into.size()) != expected) {
    ++recorder->mismatches;
    into.clear();
    return;
  }
  if (recorder->capturing)
    return;
  bool paired = !recorder->teacherInputs.empty();
  if (paired && recorder->teacherInputs[id].empty()) {
    // The teacher never reached this layer on the sample.
    ++recorder->mismatches;
    return;
  }
  accumulate(geometry, recorder->scratch, *recorder->teacherGeometry[id],
             paired ? ArrayRef<float>(recorder->teacherInputs[id])
                    : ArrayRef<float>(),
             recorder->grams[id]);
}

/// The float tensor results of `entry`: what TeacherModel::outputs compares.
SmallVector<Value> floatResults(func::FuncOp entry) {
  SmallVector<Value> results;
  if (entry.isExternal())
    return results;
  for (Value value : entry.getBody().back().getTerminator()->getOperands())
    if (auto type = dyn_cast<RankedTensorType>(value.getType());
        type && isa<FloatType>(type.getElementType()))
      results.push_back(value);
  return results;
}

/// Puts a probe before every tagged layer of the clone, on its input, and
/// with `results` on the float results of `entry`, numbered from
/// `firstResult`.
void instrumentLayers(ModuleOp module, StringRef entry, bool results,
                      int64_t firstResult) {
  OpBuilder builder(module.getContext());
  func::FuncOp recorder = declareRecorder(module, kRecorderName);
  if (results)
    if (auto function = module.lookupSymbol<func::FuncOp>(entry))
      for (auto [k, value] : llvm::enumerate(floatResults(function)))
        insertRecorderCall(builder, function.getBody().back().getTerminator(),
                           recorder, firstResult + int64_t(k), value);
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

/// Tags `ops` with their index for instrumentLayers and compiles the
/// instrumented clone of `module`; the tags are removed again.
FailureOr<std::unique_ptr<ExecutionEngine>>
compileTagged(ModuleOp module, func::FuncOp entry,
              ArrayRef<linalg::LinalgOp> ops, StringRef tool,
              bool results = false) {
  Builder builder(module.getContext());
  for (auto [id, op] : llvm::enumerate(ops))
    op->setAttr(kLayerTag, builder.getI64IntegerAttr(id));
  std::string entryName = entry.getSymName().str();
  int64_t firstResult = int64_t(ops.size());
  FailureOr<std::unique_ptr<ExecutionEngine>> engine = compileInstrumented(
      module, entry,
      [&](ModuleOp clone) {
        instrumentLayers(clone, entryName, results, firstResult);
      },
      kRecorderName, reinterpret_cast<void *>(&compressRecordLayerInput), tool);
  for (linalg::LinalgOp op : ops)
    op->removeAttr(kLayerTag);
  return engine;
}

FailureOr<std::vector<LayerInputGram>>
collectByJit(ModuleOp module, ArrayRef<MeasuredLayer> layers,
             const LayerDataSource &source, const TeacherModel *teacher) {
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
    const LayerGeometry *teacherGeometry = &layer.geometry;
    if (teacher && !teacher->geometry.empty())
      teacherGeometry = &teacher->geometry[recorder.grams.size()];
    recorder.teacherGeometry.push_back(teacherGeometry);
    if (teacher) {
      if (teacherGeometry->groups() != gram.groups ||
          teacherGeometry->positions() != layer.geometry.positions())
        return emitError(loc) << source.tool
                              << ": a teacher layer does not read the "
                                 "model's input vectors";
      gram.teacherCols = teacherGeometry->cols();
      gram.cross.assign(gram.groups * gram.teacherCols * gram.cols, 0.0);
      gram.teacherSums.assign(gram.groups * gram.teacherCols, 0.0);
    }
    recorder.grams.push_back(std::move(gram));
  }

  SmallVector<linalg::LinalgOp> ops;
  for (const MeasuredLayer &layer : layers)
    ops.push_back(layer.op);
  bool results = teacher && teacher->outputs;
  FailureOr<std::unique_ptr<ExecutionEngine>> engine =
      compileTagged(module, loaded->entry, ops, source.tool, results);
  if (failed(engine))
    return failure();
  std::unique_ptr<ExecutionEngine> teacherEngine;
  if (teacher) {
    assert(teacher->ops.size() == layers.size() && "one teacher op per layer");
    ModuleOp teacherModule = teacher->module;
    auto teacherEntry =
        teacherModule.lookupSymbol<func::FuncOp>(loaded->entry.getSymName());
    if (!teacherEntry)
      return emitError(loc) << source.tool << ": the teacher has no function '"
                            << loaded->entry.getSymName() << "'";
    FailureOr<std::unique_ptr<ExecutionEngine>> compiled = compileTagged(
        teacherModule, teacherEntry, teacher->ops, source.tool, results);
    if (failed(compiled))
      return failure();
    teacherEngine = std::move(*compiled);
    recorder.teacherInputs.resize(layers.size());
    if (results) {
      size_t count = floatResults(loaded->entry).size();
      if (count != floatResults(teacherEntry).size())
        return emitError(loc)
               << source.tool << ": the teacher's function has other results";
      recorder.outputs = teacher->outputs;
      recorder.teacherResults.resize(count);
    }
  }

  for (size_t index = 0; index < loaded->samples.size(); ++index) {
    const auto &sample = loaded->samples[index]; // the lambda captures it
    activeLayerRecorder = &recorder;
    auto runBoth = [&]() -> llvm::Error {
      if (teacherEngine) {
        for (std::vector<float> &input : recorder.teacherInputs)
          input.clear();
        for (std::vector<float> &result : recorder.teacherResults)
          result.clear();
        recorder.capturing = true;
        llvm::Error error = invokeInstrumented(*teacherEngine, sample);
        recorder.capturing = false;
        if (error)
          return error;
      }
      return invokeInstrumented(**engine, sample);
    };
    llvm::Error error = runBoth();
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
