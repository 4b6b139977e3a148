//===- LayerStatistics.h - layers' input statistics --------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The data-aware passes (SparseGPT pruning, ...) need, per layer, the Gram
// matrix X^T X of the layer's input vectors on calibration data. Computing it
// means JIT-running the model, which the calibration library does; the
// passes live below it (the dialect's transforms must not depend on the JIT).
// So the calibration library installs the collector here when its passes are
// registered (registerAllCompressPasses does), and a pass asks for
// statistics through collectLayerStatistics.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_TRANSFORMS_LAYERSTATISTICS_H
#define COMPRESS_DIALECT_COMPRESS_TRANSFORMS_LAYERSTATISTICS_H

#include "compress/Dialect/Compress/Utils/LayerGeometry.h"

#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <string>
#include <vector>

namespace mlir::compress {

/// Sum over all samples and positions of x_g[p] x_g[p]^T, per group g of the
/// layer's geometry, in double precision.
struct LayerInputGram {
  int64_t groups = 0;
  int64_t cols = 0;
  /// Input vectors summed per group (positions times samples).
  int64_t count = 0;
  /// groups * cols * cols values, row-major per group.
  std::vector<double> values;
  /// groups * cols column sums (X^T 1), for fits with an intercept.
  std::vector<double> sums;
  /// Measured against a teacher (TeacherModel), else empty: groups *
  /// teacherCols * cols values of sum x_t x^T, x_t the teacher's input
  /// vector where the model's is x (row: the teacher's input), and the
  /// teacher's groups * teacherCols column sums.
  int64_t teacherCols = 0;
  std::vector<double> cross;
  std::vector<double> teacherSums;

  double *group(int64_t g) { return values.data() + g * cols * cols; }
  const double *group(int64_t g) const {
    return values.data() + g * cols * cols;
  }
};

/// Checks that `gram` was measured for a layer of `geometry` (its groups
/// and inputs); otherwise says so in `why`.
LogicalResult checkGramFits(const LayerGeometry &geometry,
                            const LayerInputGram &gram, std::string &why);

/// Where the calibration data comes from.
struct LayerDataSource {
  /// A directory of .npy samples, read as compress-calibrate reads them.
  std::string data;
  /// Instead of `data`: a directory compress-collect-layer-stats wrote
  /// (statistics of one run of the model, possibly merged from shards).
  std::string stats;
  /// The function the samples are for (empty: the one they fit).
  std::string entry;
  /// The pass asking, for diagnostics ("compress-prune-magnitude").
  std::string tool;
};

/// A layer to measure: the op and its geometry.
struct MeasuredLayer {
  linalg::LinalgOp op;
  WeightOperand weight;
  LayerGeometry geometry;
};

/// How far a model's outputs are from its teacher's: sums over the samples
/// of the entry function's float results, ||y - y_t||^2 and ||y_t||^2.
struct OutputDifference {
  double squaredDifference = 0.0;
  double squaredTeacher = 0.0;
};

/// The model a layer is fit to while the layers before it change: a copy of
/// the module as it was, and the ops in it of the layers measured.
struct TeacherModel {
  ModuleOp module;
  std::vector<linalg::LinalgOp> ops;
  /// The geometry of each op (empty: the measured layers', which the
  /// teacher's layers then share). A teacher layer may have other inputs
  /// than the model's (a layer whose input channels were pruned) but must
  /// have its groups and input vectors per sample.
  std::vector<LayerGeometry> geometry;
  /// When set, the entry function's float results of the model and the
  /// teacher are also compared on every sample and summed into it.
  OutputDifference *outputs = nullptr;
};

/// A copy of `module` as it is now (a teacher), and for every op of
/// `module` its counterpart in the copy.
std::pair<OwningOpRef<ModuleOp>, llvm::DenseMap<Operation *, Operation *>>
copyWithCounterparts(ModuleOp module);

using LayerStatisticsCollector =
    std::function<FailureOr<std::vector<LayerInputGram>>(
        ModuleOp, ArrayRef<MeasuredLayer>, const LayerDataSource &,
        const TeacherModel *)>;

/// Installs the collector (the calibration library's, by
/// registerLayerStatisticsCollector in compress/Calibration/Calibration.h).
void setLayerStatisticsCollector(LayerStatisticsCollector collector);

/// Runs `module` on the samples of `source` and returns each layer's input
/// Gram matrices, in the order of `layers` (or reads them from
/// `source.stats`). With `teacher` (ops in the order of `layers`), each
/// sample also runs through the teacher, and the cross sums between the two
/// models' inputs of each layer are measured (LayerInputGram::cross). Errors
/// (at the module's location) when no collector is installed, the data
/// cannot be run or the statistics do not fit the layers. The module is not
/// changed. With `remark`, each layer measured on fewer input vectors than
/// it has inputs gets a remark (its Gram matrix is singular: fits to it lean
/// on the damping).
FailureOr<std::vector<LayerInputGram>>
collectLayerStatistics(ModuleOp module, ArrayRef<MeasuredLayer> layers,
                       const LayerDataSource &source,
                       const TeacherModel *teacher = nullptr,
                       bool remark = true);

/// How updateWithLayerStatistics measures the layers.
struct LayerUpdateOptions {
  /// Layers measured one at a time in order, each on the model with the
  /// earlier layers' constants holding their updated values (ignored when
  /// the statistics come from `source.stats`); otherwise all in one run of
  /// the module as it is.
  bool sequential = true;
  /// With `sequential`: the module as it was is the teacher. From the second
  /// layer on, each layer is measured on both models, and its values become
  /// alignToTeacher's before `update` sees them, so that the update keeps the
  /// layer close to the teacher's output rather than to the layer's own
  /// output on inputs the earlier layers' updates have already moved.
  bool teacher = false;
  /// alignToTeacher's damping.
  double damp = 0.01;
  /// A remark on each layer measured on fewer input vectors than it has
  /// inputs (its Gram matrix is then singular).
  bool remarkFewVectors = true;
};

/// Changes the weight values of `layers` (`values[i]` holds layer i's, as
/// floats) from their input statistics: `update(i, gram, v)` changes v, a
/// copy of values[i] (or, with `options.teacher`, of its alignment to the
/// teacher). On success `values` holds the updated copies; on failure
/// nothing has changed. The module is left as it was.
LogicalResult updateWithLayerStatistics(
    ModuleOp module, ArrayRef<MeasuredLayer> layers,
    MutableArrayRef<std::vector<float>> values, const LayerDataSource &source,
    const LayerUpdateOptions &options,
    function_ref<LogicalResult(size_t, const LayerInputGram &,
                               std::vector<float> &)>
        update);

/// The weights W (`weight`, row-major values of a layer with `geometry`)
/// refit to the teacher: per group, W* = argmin_V ||X V^T - X_t W^T||^2 +
/// d ||V - W||^2 = W (C + d I)(H + d I)^-1, X the layer's inputs on the
/// model, X_t the teacher's, H = X^T X and C = X_t^T X from `gram` (which
/// must hold `cross`), d = `damp` times H's mean diagonal. Since
/// ||X V^T - X_t W^T||^2 + d ||V - W||^2 differs from
/// tr((V - W*)(H + d I)(V - W*)^T) by a constant, pruning or quantizing W*
/// with H minimizes the distance to the teacher's output. A group whose
/// inputs were zero on all of the data keeps W. Fails, with the reason in
/// `why`, when H + d I cannot be factored.
LogicalResult alignToTeacher(std::vector<float> &weight,
                             const LayerGeometry &geometry,
                             const LayerInputGram &gram, double damp,
                             std::string &why);

/// Every weighted layer of `module` whose geometry the data-aware methods
/// understand; each other one gets a remark "`skipped`: <why>".
std::vector<MeasuredLayer> collectMeasurableLayers(ModuleOp module,
                                                   StringRef skipped);

/// Checks that exactly one of `data` and `stats` is given to a data-aware
/// option (`what`, e.g. "algorithm=sparsegpt"); errors at `loc` start with
/// `tool`.
LogicalResult verifyDataSource(Location loc, StringRef tool, StringRef what,
                               StringRef data, StringRef stats);

/// The relative change of a layer's output on the measured data when its
/// weight values go from `original` to `changed`: ||X (W' - W)|| / ||X W||
/// = sqrt(sum_g tr(D_g H_g D_g^T) / sum_g tr(W_g H_g W_g^T)), D = W' - W.
double layerOutputError(ArrayRef<float> original, ArrayRef<float> changed,
                        const LayerGeometry &geometry,
                        const LayerInputGram &gram);

/// Per layer i of `layers`, the relative change of the model's outputs on
/// the data when layer i alone holds `changed[i]` (weight values as floats)
/// instead of its weights: ||Y' - Y|| / ||Y|| over the entry function's
/// float results. One run of the module with that layer changed next to the
/// module as it is, per layer. Needs `source.data` (statistics read from a
/// directory describe the unchanged model only). Empty when the outputs are
/// zero on the data. The module is left as it was.
FailureOr<std::vector<double>>
modelOutputErrors(ModuleOp module, ArrayRef<MeasuredLayer> layers,
                  ArrayRef<std::vector<float>> changed,
                  const LayerDataSource &source);

/// The name layer statistics files use for `op`: getLayerName with its
/// index among the weighted layers of its module.
std::string getStatisticsLayerName(linalg::LinalgOp op);

/// Writes `grams` of `layers` into directory `dir` (created if needed):
/// `index.json` and, per layer, `NNN.gram.npy` (float64 [groups, cols,
/// cols]) and `NNN.sums.npy` (float64 [groups, cols]). Each file is written
/// to a temporary file and renamed. `tool` starts diagnostics.
LogicalResult writeLayerStatistics(StringRef dir,
                                   ArrayRef<MeasuredLayer> layers,
                                   ArrayRef<LayerInputGram> grams,
                                   StringRef tool, Location loc);

/// Reads the statistics of `layers` (matched by name) from `dir`.
FailureOr<std::vector<LayerInputGram>>
readLayerStatistics(StringRef dir, ArrayRef<MeasuredLayer> layers,
                    StringRef tool, Location loc);

} // namespace mlir::compress

#endif // COMPRESS_DIALECT_COMPRESS_TRANSFORMS_LAYERSTATISTICS_H
