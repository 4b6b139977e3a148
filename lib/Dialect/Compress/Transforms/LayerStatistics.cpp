//===- LayerStatistics.cpp - input statistics of layers, from data --------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Transforms/LayerStatistics.h"
#include "ObsSweep.h"
#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/PruneUtils.h"

#include "compress/Utils/Npy.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <mutex>

namespace mlir::compress {

namespace {
std::mutex collectorMutex;
LayerStatisticsCollector &installedCollector() {
  static LayerStatisticsCollector collector;
  return collector;
}
} // namespace

LogicalResult checkGramFits(const LayerGeometry &geometry,
                            const LayerInputGram &gram, std::string &why) {
  if (gram.cols == geometry.cols() && gram.groups == geometry.groups())
    return success();
  why = "the statistics do not match the layer's shape";
  return failure();
}

void setLayerStatisticsCollector(LayerStatisticsCollector collector) {
  std::lock_guard<std::mutex> lock(collectorMutex);
  installedCollector() = std::move(collector);
}

/// collectLayerStatistics without the remarks.
static FailureOr<std::vector<LayerInputGram>>
measureLayerStatistics(ModuleOp module, ArrayRef<MeasuredLayer> layers,
                       const LayerDataSource &source,
                       const TeacherModel *teacher) {
  LayerStatisticsCollector collector;
  {
    std::lock_guard<std::mutex> lock(collectorMutex);
    collector = installedCollector();
  }
  if (!source.stats.empty())
    return readLayerStatistics(source.stats, layers, source.tool,
                               module.getLoc());
  if (!collector)
    return emitError(module.getLoc())
           << source.tool
           << ": no calibration engine is linked in to run the model on '"
           << source.data
           << "' (call mlir::compress::registerAllCompressPasses, or "
              "registerLayerStatisticsCollector of "
              "compress/Calibration/Calibration.h)";
  return collector(module, layers, source, teacher);
}

/// Says so on `op` when its statistics hold fewer input vectors than the
/// layer has inputs: a fit to them is underdetermined and generalizes less.
static void remarkFewVectors(Operation *op, StringRef tool,
                             const LayerInputGram &gram) {
  if (gram.count > 0 && gram.count < gram.cols)
    op->emitRemark() << tool << ": " << gram.count
                     << " input vectors on the data for " << gram.cols
                     << " inputs: the layer's Gram matrix has rank at most "
                     << gram.count
                     << ", so its fit leans on the damping and generalizes "
                        "less; calibrate on more samples than the layer has "
                        "inputs";
}

FailureOr<std::vector<LayerInputGram>>
collectLayerStatistics(ModuleOp module, ArrayRef<MeasuredLayer> layers,
                       const LayerDataSource &source,
                       const TeacherModel *teacher, bool remark) {
  FailureOr<std::vector<LayerInputGram>> grams =
      measureLayerStatistics(module, layers, source, teacher);
  if (succeeded(grams) && remark)
    for (auto [layer, gram] : llvm::zip(layers, *grams))
      remarkFewVectors(layer.op, source.tool, gram);
  return grams;
}

LogicalResult alignToTeacher(std::vector<float> &weight,
                             const LayerGeometry &geometry,
                             const LayerInputGram &gram, double damp,
                             std::string &why) {
  int64_t rows = geometry.rows(), cols = geometry.cols();
  if (failed(checkGramFits(geometry, gram, why)))
    return failure();
  if (gram.teacherCols != cols ||
      int64_t(gram.cross.size()) != gram.groups * cols * cols) {
    why = "the statistics were not measured against a teacher";
    return failure();
  }
  for (int64_t g = 0; g < geometry.groups(); ++g) {
    // Inputs zero on all of the data: nothing to fit, W* = W.
    if (!(Eigen::Map<const Eigen::MatrixXd>(gram.group(g), cols, cols)
              .diagonal()
              .mean() > 0.0))
      continue;
    FailureOr<Eigen::LLT<Eigen::MatrixXd>> factor =
        factorDampedGram(gram, g, damp, why);
    if (failed(factor))
      return failure();
    double d =
        damp * Eigen::Map<const Eigen::MatrixXd>(gram.group(g), cols, cols)
                   .diagonal()
                   .mean();
    // W*^T = (H + d I)^-1 (C^T + d I) W^T.
    Eigen::MatrixXd wt(cols, rows);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        wt(c, r) = weight[geometry.weightIndex(g, r, c)];
    Eigen::Map<const Eigen::MatrixXd> cross(gram.cross.data() + g * cols * cols,
                                            cols, cols);
    Eigen::MatrixXd rhs = cross.transpose() * wt + d * wt;
    Eigen::MatrixXd aligned = factor->solve(rhs);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        weight[geometry.weightIndex(g, r, c)] = float(aligned(c, r));
  }
  return success();
}

std::pair<OwningOpRef<ModuleOp>, llvm::DenseMap<Operation *, Operation *>>
copyWithCounterparts(ModuleOp module) {
  OwningOpRef<ModuleOp> copy = module.clone();
  // A clone walks in the same order as its original.
  llvm::DenseMap<Operation *, Operation *> counterpart;
  SmallVector<Operation *> originals;
  module.walk([&](Operation *op) { originals.push_back(op); });
  size_t index = 0;
  copy->walk([&](Operation *op) { counterpart[originals[index++]] = op; });
  return {std::move(copy), std::move(counterpart)};
}

namespace {

/// A copy of `module` as it is now, with the ops in it of `layers`.
std::pair<OwningOpRef<ModuleOp>, TeacherModel>
copyTeacher(ModuleOp module, ArrayRef<MeasuredLayer> layers) {
  auto [copy, counterpart] = copyWithCounterparts(module);
  TeacherModel teacher{*copy, {}};
  for (const MeasuredLayer &layer : layers)
    teacher.ops.push_back(
        cast<linalg::LinalgOp>(counterpart.lookup(&*layer.op)));
  return {std::move(copy), std::move(teacher)};
}

} // namespace

LogicalResult updateWithLayerStatistics(
    ModuleOp module, ArrayRef<MeasuredLayer> layers,
    MutableArrayRef<std::vector<float>> values, const LayerDataSource &source,
    const LayerUpdateOptions &options,
    function_ref<LogicalResult(size_t, const LayerInputGram &,
                               std::vector<float> &)>
        update) {
  std::vector<std::vector<float>> updated(values.begin(), values.end());
  if (!options.sequential || !source.stats.empty()) {
    FailureOr<std::vector<LayerInputGram>> grams = collectLayerStatistics(
        module, layers, source, /*teacher=*/nullptr, options.remarkFewVectors);
    if (failed(grams))
      return failure();
    for (size_t i = 0; i < layers.size(); ++i)
      if (failed(update(i, (*grams)[i], updated[i])))
        return failure();
  } else {
    OwningOpRef<ModuleOp> teacherModule;
    TeacherModel teacher;
    if (options.teacher && layers.size() > 1)
      std::tie(teacherModule, teacher) = copyTeacher(module, layers);
    // The measured layers' constants hold the updated values meanwhile.
    SmallVector<std::pair<arith::ConstantOp, TypedAttr>> saved;
    llvm::scope_exit restore([&] {
      for (auto &[constant, value] : llvm::reverse(saved))
        constant.setValueAttr(value);
    });
    for (size_t i = 0; i < layers.size(); ++i) {
      // The first layer's inputs are the teacher's.
      TeacherModel one;
      if (teacherModule && i > 0)
        one = {*teacherModule, {teacher.ops[i]}};
      FailureOr<std::vector<LayerInputGram>> grams = collectLayerStatistics(
          module, layers[i], source, one.module ? &one : nullptr,
          options.remarkFewVectors);
      if (failed(grams))
        return failure();
      std::string why;
      if (one.module &&
          failed(alignToTeacher(updated[i], layers[i].geometry, grams->front(),
                                options.damp, why)))
        return layers[i].op->emitError()
               << source.tool
               << ": cannot fit the layer to the teacher: " << why;
      if (failed(update(i, grams->front(), updated[i])))
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

std::vector<MeasuredLayer> collectMeasurableLayers(ModuleOp module,
                                                   StringRef skipped) {
  std::vector<MeasuredLayer> layers;
  for (const WeightedLayer &layer : collectWeightedLayers(module)) {
    std::string why;
    FailureOr<LayerGeometry> geometry =
        analyzeLayerGeometry(layer.op, layer.weight, why);
    if (failed(geometry)) {
      layer.op->emitRemark() << skipped << ": " << why;
      continue;
    }
    layers.push_back({layer.op, layer.weight, std::move(*geometry)});
  }
  return layers;
}

LogicalResult verifyDataSource(Location loc, StringRef tool, StringRef what,
                               StringRef data, StringRef stats) {
  if (data.empty() && stats.empty())
    return emitError(loc) << tool << ": " << what
                          << " needs calibration data: give data=DIR (a "
                             "directory of .npy samples) or stats=DIR "
                             "(written by compress-collect-layer-stats)";
  if (!data.empty() && !stats.empty())
    return emitError(loc) << tool << ": give data=DIR or stats=DIR, not both";
  return success();
}

double layerOutputError(ArrayRef<float> original, ArrayRef<float> changed,
                        const LayerGeometry &geometry,
                        const LayerInputGram &gram) {
  double error = 0.0, norm = 0.0;
  int64_t rows = geometry.rows(), cols = geometry.cols();
  std::vector<double> d(cols), w(cols);
  for (int64_t g = 0; g < geometry.groups(); ++g) {
    const double *h = gram.group(g);
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = 0; c < cols; ++c) {
        int64_t flat = geometry.weightIndex(g, r, c);
        w[c] = original[flat];
        d[c] = double(changed[flat]) - double(original[flat]);
      }
      for (int64_t i = 0; i < cols; ++i) {
        double hd = 0.0, hw = 0.0;
        for (int64_t j = 0; j < cols; ++j) {
          hd += h[i * cols + j] * d[j];
          hw += h[i * cols + j] * w[j];
        }
        error += d[i] * hd;
        norm += w[i] * hw;
      }
    }
  }
  return norm > 0.0 ? std::sqrt(std::max(error, 0.0) / norm) : 0.0;
}

FailureOr<std::vector<double>>
modelOutputErrors(ModuleOp module, ArrayRef<MeasuredLayer> layers,
                  ArrayRef<std::vector<float>> changed,
                  const LayerDataSource &source) {
  if (source.data.empty())
    return emitError(module.getLoc())
           << source.tool
           << ": the model's output error needs data=DIR (statistics from a "
              "directory describe the unchanged model only)";
  // The float network: the activations' quantize/dequantize pairs
  // (compress-fold-calibration's) would add their rounding flips, which at
  // the small change of a 4-bit layer outweigh the change itself (a flip
  // costs a whole step wherever the change crosses a rounding boundary).
  auto [model, counterpart] = copyWithCounterparts(module);
  SmallVector<DequantizeOp> pairs;
  model->walk([&](DequantizeOp op) {
    if (op.getInput().getDefiningOp<QuantizeOp>())
      pairs.push_back(op);
  });
  for (DequantizeOp dequantize : pairs) {
    auto quantize = dequantize.getInput().getDefiningOp<QuantizeOp>();
    if (quantize.getInput().getType() != dequantize.getType())
      continue;
    dequantize.getResult().replaceAllUsesWith(quantize.getInput());
    dequantize.erase();
    if (quantize->use_empty())
      quantize.erase();
  }
  // That network as it is runs next to it: no layers measured, only the
  // results compared.
  auto [teacherModule, teacher] = copyTeacher(*model, {});
  std::vector<double> errors(layers.size(), 0.0);
  for (size_t i = 0; i < layers.size(); ++i) {
    auto constant = cast<arith::ConstantOp>(
        counterpart.lookup(&*layers[i].weight.constant));
    TypedAttr saved = constant.getValue();
    constant.setValueAttr(buildWeightAttr(
        cast<ShapedType>(layers[i].weight.values.getType()), changed[i]));
    OutputDifference difference;
    teacher.outputs = &difference;
    FailureOr<std::vector<LayerInputGram>> grams =
        collectLayerStatistics(*model, {}, source, &teacher, /*remark=*/false);
    constant.setValueAttr(saved);
    if (failed(grams))
      return failure();
    // Outputs that are zero on the data measure nothing.
    if (!(difference.squaredTeacher > 0.0))
      return std::vector<double>();
    errors[i] =
        std::sqrt(difference.squaredDifference / difference.squaredTeacher);
  }
  return errors;
}

std::string getStatisticsLayerName(linalg::LinalgOp op) {
  auto module = op->getParentOfType<ModuleOp>();
  unsigned index = 0;
  if (module)
    for (const WeightedLayer &layer : collectWeightedLayers(module)) {
      if (layer.op == op)
        break;
      ++index;
    }
  return getLayerName(op, index);
}

namespace {

constexpr llvm::StringLiteral kStatsFormat = "compress-layer-stats";

LogicalResult writeFile(StringRef path, StringRef contents, StringRef tool,
                        Location loc) {
  llvm::Error error = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << contents;
    return llvm::Error::success();
  });
  if (error)
    return emitError(loc) << tool << ": cannot write '" << path
                          << "': " << llvm::toString(std::move(error));
  return success();
}

std::string float64Npy(ArrayRef<int64_t> shape, ArrayRef<double> values) {
  return writeNpy("<f8", shape,
                  ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                                 values.size() * sizeof(double)));
}

} // namespace

LogicalResult writeLayerStatistics(StringRef dir,
                                   ArrayRef<MeasuredLayer> layers,
                                   ArrayRef<LayerInputGram> grams,
                                   StringRef tool, Location loc) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return emitError(loc) << tool << ": cannot create '" << dir
                          << "': " << ec.message();
  llvm::json::Array entries;
  for (auto [i, layer, gram] : llvm::enumerate(layers, grams)) {
    std::string stem = llvm::formatv("{0:D3}", i).str();
    SmallString<256> gramPath(dir), sumsPath(dir);
    llvm::sys::path::append(gramPath, stem + ".gram.npy");
    llvm::sys::path::append(sumsPath, stem + ".sums.npy");
    if (failed(writeFile(
            gramPath,
            float64Npy({gram.groups, gram.cols, gram.cols}, gram.values), tool,
            loc)) ||
        failed(writeFile(sumsPath,
                         float64Npy({gram.groups, gram.cols}, gram.sums), tool,
                         loc)))
      return failure();
    entries.push_back(llvm::json::Object{
        {"name", getStatisticsLayerName(layer.op)},
        {"groups", gram.groups},
        {"cols", gram.cols},
        {"count", gram.count},
        {"gram", stem + ".gram.npy"},
        {"sums", stem + ".sums.npy"},
    });
  }
  llvm::json::Object index{
      {"format", kStatsFormat}, {"version", 1}, {"layers", std::move(entries)}};
  SmallString<256> indexPath(dir);
  llvm::sys::path::append(indexPath, "index.json");
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(index))) << "\n";
  // The index last: a directory with an index is complete.
  return writeFile(indexPath, text, tool, loc);
}

FailureOr<std::vector<LayerInputGram>>
readLayerStatistics(StringRef dir, ArrayRef<MeasuredLayer> layers,
                    StringRef tool, Location loc) {
  SmallString<256> indexPath(dir);
  llvm::sys::path::append(indexPath, "index.json");
  auto buffer = llvm::MemoryBuffer::getFile(indexPath);
  if (!buffer)
    return emitError(loc) << tool << ": cannot read '" << indexPath
                          << "': " << buffer.getError().message()
                          << " (write it with compress-collect-layer-stats)";
  llvm::Expected<llvm::json::Value> parsed =
      llvm::json::parse((*buffer)->getBuffer());
  if (!parsed)
    return emitError(loc) << tool << ": '" << indexPath
                          << "' is not valid JSON: "
                          << llvm::toString(parsed.takeError());
  const llvm::json::Object *index = parsed->getAsObject();
  const llvm::json::Array *entries =
      index ? index->getArray("layers") : nullptr;
  if (!index || index->getString("format") != kStatsFormat || !entries)
    return emitError(loc) << tool << ": '" << indexPath
                          << "' is not a compress layer statistics index";

  std::vector<LayerInputGram> grams;
  for (const MeasuredLayer &layer : layers) {
    std::string name = getStatisticsLayerName(layer.op);
    const llvm::json::Object *entry = nullptr;
    for (const llvm::json::Value &value : *entries)
      if (const llvm::json::Object *object = value.getAsObject();
          object && object->getString("name") == name)
        entry = object;
    if (!entry)
      return emitError(loc) << tool << ": '" << indexPath
                            << "' has no statistics for layer '" << name << "'";
    LayerInputGram gram;
    gram.groups = layer.geometry.groups();
    gram.cols = layer.geometry.cols();
    if (entry->getInteger("groups") != gram.groups ||
        entry->getInteger("cols") != gram.cols)
      return emitError(loc)
             << tool << ": the statistics of layer '" << name << "' in '"
             << indexPath << "' are for "
             << entry->getInteger("groups").value_or(0) << " group(s) of "
             << entry->getInteger("cols").value_or(0)
             << " inputs; the layer has " << gram.groups << " of " << gram.cols;
    gram.count = entry->getInteger("count").value_or(0);
    auto load = [&](StringRef key, ArrayRef<int64_t> shape,
                    std::vector<double> &out) -> LogicalResult {
      std::optional<StringRef> file = entry->getString(key);
      SmallString<256> path(dir);
      llvm::sys::path::append(path, file ? *file : StringRef());
      llvm::Expected<NpyArray> array = readNpyFile(path);
      if (!array)
        return emitError(loc)
               << tool << ": " << llvm::toString(array.takeError());
      if (array->dtype != "<f8" || ArrayRef<int64_t>(array->shape) != shape)
        return emitError(loc) << tool << ": '" << path
                              << "' is not a float64 array of the layer's "
                                 "shape";
      out = std::move(array->float64);
      return success();
    };
    if (failed(
            load("gram", {gram.groups, gram.cols, gram.cols}, gram.values)) ||
        failed(load("sums", {gram.groups, gram.cols}, gram.sums)))
      return failure();
    grams.push_back(std::move(gram));
  }
  return grams;
}

} // namespace mlir::compress
