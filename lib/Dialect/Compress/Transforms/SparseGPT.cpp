//===- SparseGPT.cpp - pruning with second-order error compensation -------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Transforms/SparseGPT.h"
#include "ObsSweep.h"
#include "compress/Dialect/Compress/Transforms/PruneUtils.h"

#include "llvm/Support/FormatVariadic.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mlir::compress {

namespace {

using Matrix = Eigen::MatrixXd;
using ZeroMask = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>;

/// Marks in `mask` the `count` entries of block [colBegin, colEnd) of `w`
/// with the smallest w^2 / u_cc^2; ties go to the lower (row, column).
void chooseBlockMask(const Matrix &w, const Matrix &u, int64_t colBegin,
                     int64_t colEnd, int64_t count, ZeroMask &mask) {
  int64_t rows = w.rows(), width = colEnd - colBegin;
  if (count <= 0)
    return;
  std::vector<double> score(rows * width);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < width; ++c) {
      double d = u(colBegin + c, colBegin + c);
      double v = w(r, colBegin + c);
      score[r * width + c] = v * v / (d * d);
    }
  std::vector<int64_t> order(score.size());
  std::iota(order.begin(), order.end(), 0);
  auto less = [&](int64_t a, int64_t b) {
    return score[a] < score[b] || (score[a] == score[b] && a < b);
  };
  count = std::min<int64_t>(count, order.size());
  std::nth_element(order.begin(), order.begin() + (count - 1), order.end(),
                   less);
  for (int64_t k = 0; k < count; ++k)
    mask(order[k] / width, colBegin + order[k] % width) = true;
}

/// For N:M: at column `first` of an N:M group (its members `first + j *
/// stride`), marks in each row the m - n members with the smallest
/// w^2 / u_cc^2 (ties: the lower column goes).
void chooseGroupMask(const Matrix &w, const Matrix &u, int64_t first,
                     int64_t stride, const SparseGptTarget &target,
                     ZeroMask &mask) {
  SmallVector<int64_t> members(target.m);
  for (int64_t r = 0; r < w.rows(); ++r) {
    for (int64_t j = 0; j < target.m; ++j)
      members[j] = first + j * stride;
    auto score = [&](int64_t c) {
      return w(r, c) * w(r, c) / (u(c, c) * u(c, c));
    };
    std::stable_sort(members.begin(), members.end(),
                     [&](int64_t a, int64_t b) { return score(a) < score(b); });
    for (int64_t j = 0; j < target.m - target.n; ++j)
      mask(r, members[j]) = true;
  }
}

/// With the zeros of `w` fixed, moves its other weights toward the minimum
/// of tr((W - T) H (W - T)^T) by `iterations` steps of conjugate gradients,
/// every row at once (each row's problem is separate: its step sizes are
/// its own).
void refitKept(Matrix &w, const Matrix &target, const Matrix &h,
               const ZeroMask &zero, unsigned iterations) {
  Eigen::ArrayXXd kept = (!zero).cast<double>();
  Matrix residual = -(((w - target) * h).array() * kept).matrix();
  Matrix direction = residual;
  Eigen::VectorXd norms = residual.rowwise().squaredNorm();
  for (unsigned it = 0; it < iterations; ++it) {
    Matrix moved = ((direction * h).array() * kept).matrix();
    Eigen::VectorXd curvature =
        (direction.array() * moved.array()).rowwise().sum().matrix();
    for (int64_t r = 0; r < w.rows(); ++r) {
      if (!(curvature(r) > 0.0))
        continue;
      double step = norms(r) / curvature(r);
      w.row(r) += step * direction.row(r);
      residual.row(r) -= step * moved.row(r);
    }
    Eigen::VectorXd next = residual.rowwise().squaredNorm();
    for (int64_t r = 0; r < w.rows(); ++r)
      direction.row(r) =
          residual.row(r) +
          (norms(r) > 0.0 ? next(r) / norms(r) : 0.0) * direction.row(r);
    norms = next;
  }
}

/// The sparsity pattern of one group's weights: `zeros` entries of the
/// matrix (unstructured), or in every row the m - n smallest of each N:M
/// group, whose members are `first + j * stride` for each `first` in
/// `groupFirst`. Inputs that are zero on all of the data (`dead` columns)
/// always go first.
struct SparsityPattern {
  int64_t zeros = 0;
  SmallVector<int64_t> groupFirst;
  int64_t stride = 0, n = 0, m = 0;
  std::vector<bool> dead;
};

/// Sets to zero, and marks in `zero`, the entries of `z` that `pattern`
/// drops: those of smallest magnitude (dead columns first; ties: the lower
/// (row, column) goes).
void projectOntoPattern(Matrix &z, const SparsityPattern &pattern,
                        ZeroMask &zero) {
  int64_t rows = z.rows(), cols = z.cols();
  zero.setConstant(false);
  auto key = [&](int64_t r, int64_t c) {
    return pattern.dead[c] ? -1.0 : std::abs(z(r, c));
  };
  if (pattern.m > 0) {
    SmallVector<int64_t> members(pattern.m);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t first : pattern.groupFirst) {
        for (int64_t j = 0; j < pattern.m; ++j)
          members[j] = first + j * pattern.stride;
        std::stable_sort(
            members.begin(), members.end(),
            [&](int64_t a, int64_t b) { return key(r, a) < key(r, b); });
        for (int64_t j = 0; j < pattern.m - pattern.n; ++j)
          zero(r, members[j]) = true;
      }
  } else if (pattern.zeros > 0) {
    std::vector<int64_t> order(rows * cols);
    std::iota(order.begin(), order.end(), 0);
    auto less = [&](int64_t a, int64_t b) {
      double ka = key(a / cols, a % cols), kb = key(b / cols, b % cols);
      return ka < kb || (ka == kb && a < b);
    };
    int64_t count = std::min<int64_t>(pattern.zeros, order.size());
    std::nth_element(order.begin(), order.begin() + (count - 1), order.end(),
                     less);
    for (int64_t k = 0; k < count; ++k)
      zero(order[k] / cols, order[k] % cols) = true;
  }
  z = zero.select(0.0, z);
}

/// ADMM on min tr((Z - W0) H (Z - W0)^T) over the matrices Z with
/// `pattern`'s sparsity (in the manner of Meng et al.'s ALPS): from Z = `w`
/// and V = 0, repeats D = (W0 H + rho (Z - V)) (H + rho I)^-1,
/// Z = project(D + V), V += D - Z, the penalty rho growing from 1% of H's
/// mean diagonal by 3% per iteration (the factorization of H + rho I is
/// renewed every kStage iterations), until the mask has not changed for
/// kSettled iterations and ||D - Z|| <= 1e-3 ||Z||, or `iterations` ran.
/// `w` becomes Z and `zero` its mask.
void refineMaskWithAdmm(Matrix &w, ZeroMask &zero, const Matrix &w0,
                        const Matrix &h, const SparsityPattern &pattern,
                        unsigned iterations) {
  constexpr unsigned kStage = 5, kSettled = 10;
  constexpr double kGrowth = 1.03, kTolerance = 1e-3;
  Matrix target = w0 * h;
  double rho = 0.01 * h.diagonal().mean();
  Matrix z = w, v = Matrix::Zero(w.rows(), w.cols());
  ZeroMask previous = zero;
  unsigned settled = 0;
  Eigen::LLT<Matrix> factor;
  for (unsigned it = 0; it < iterations; ++it) {
    if (it % kStage == 0) {
      if (it > 0)
        rho *= std::pow(kGrowth, double(kStage));
      Matrix shifted = h;
      shifted.diagonal().array() += rho;
      factor.compute(shifted);
      if (factor.info() != Eigen::Success)
        return;
    }
    Matrix d = factor.solve((target + rho * (z - v)).transpose()).transpose();
    z = d + v;
    projectOntoPattern(z, pattern, zero);
    v += d - z;
    if ((zero == previous).all()) {
      ++settled;
    } else {
      settled = 0;
      previous = zero;
    }
    if (settled >= kSettled && (d - z).norm() <= kTolerance * z.norm())
      break;
  }
  w = z;
}

/// tr((W - W0) H (W - W0)^T): the layer's squared output error on the data.
double outputError(const Matrix &w, const Matrix &w0, const Matrix &h) {
  Matrix delta = w - w0;
  return ((delta * h).array() * delta.array()).sum();
}

/// Prunes one group's weight matrix `w` (rows x cols) given its input Gram
/// matrix `h`.
LogicalResult pruneGroup(Matrix &w, Matrix h, const LayerGeometry &geometry,
                         const SparseGptTarget &target,
                         const SparseGptOptions &options, std::string &why,
                         std::string *note) {
  int64_t rows = w.rows(), cols = w.cols();
  // What the refit and ADMM descend: the weights and H as prepareObs leaves
  // them (inputs zero on all of the data: H_ii = 1, weights zero).
  bool admm = options.admmIterations > 0;
  if (admm) {
    double work =
        double(options.admmIterations) *
        (2.0 * rows * double(cols) * cols + double(cols) * cols * cols / 15.0);
    if (work > options.admmBudget) {
      admm = false;
      if (note)
        *note = llvm::formatv("the ADMM refinement did not run: {0} "
                              "iterations on {1} x {2} weights would take "
                              "about {3:F0} GFLOP, over admm-budget={4:F0} "
                              "(raise it, or lower admm); the sweep's mask "
                              "stays",
                              options.admmIterations, rows, cols, work * 1e-9,
                              options.admmBudget * 1e-9)
                    .str();
    }
  }
  bool descend = options.refitIterations > 0 || admm;
  SparsityPattern pattern;
  pattern.dead.resize(cols);
  for (int64_t c = 0; c < cols; ++c)
    pattern.dead[c] = h(c, c) == 0.0;
  Matrix damped;
  if (descend) {
    damped = h;
    dampGram(damped, options.damp);
  }
  FailureOr<Matrix> u = prepareObs(w, std::move(h), options.damp, why);
  if (failed(u))
    return failure();
  Matrix unpruned = descend ? w : Matrix();

  bool nm = target.m > 0;
  int64_t nmStride = nm ? geometry.colStride(target.nmDim) : 0;
  int64_t nmExtent = 0;
  if (nm)
    for (auto [dim, extent] :
         llvm::zip(geometry.colWeightDims, geometry.colExtents))
      if (dim == target.nmDim)
        nmExtent = extent;
  int64_t total = nm ? 0 : pruneCount(target.fraction, rows * cols);

  ZeroMask mask = ZeroMask::Constant(rows, cols, false);
  auto onBlock = [&](int64_t begin, int64_t end) {
    if (nm)
      return;
    // Rounded cumulative shares, so that the blocks add up to `total`.
    auto share = [&](int64_t col) {
      return int64_t(std::llround(double(total) * double(col) / cols));
    };
    chooseBlockMask(w, *u, begin, end, share(end) - share(begin), mask);
  };
  // Column c is the first member of an N:M group.
  auto groupStart = [&](int64_t c) {
    return ((c / nmStride) % nmExtent) % target.m == 0;
  };
  auto onColumn = [&](int64_t i) {
    if (nm && groupStart(i))
      chooseGroupMask(w, *u, i, nmStride, target, mask);
  };
  auto prune = [&](int64_t r, int64_t i, double value) {
    return mask(r, i) ? 0.0 : value;
  };
  sweepColumns(w, *u, options.blockSize, onBlock, onColumn, prune);
  ZeroMask zero = (w.array() == 0.0) || mask;
  if (options.refitIterations > 0)
    refitKept(w, unpruned, damped, zero, options.refitIterations);
  if (!admm)
    return success();

  // ADMM from the sweep's result; the mask with the smaller error (after
  // the refit) stays.
  if (nm) {
    pattern.stride = nmStride;
    pattern.n = target.n;
    pattern.m = target.m;
    for (int64_t c = 0; c < cols; ++c)
      if (groupStart(c))
        pattern.groupFirst.push_back(c);
  } else {
    pattern.zeros = zero.count();
  }
  Matrix refined = w;
  ZeroMask refinedZero = zero;
  refineMaskWithAdmm(refined, refinedZero, unpruned, damped, pattern,
                     options.admmIterations);
  if (options.refitIterations > 0)
    refitKept(refined, unpruned, damped, refinedZero, options.refitIterations);
  if (outputError(refined, unpruned, damped) < outputError(w, unpruned, damped))
    w = std::move(refined);
  return success();
}

} // namespace

void dampGram(Eigen::MatrixXd &h, double damp) {
  for (int64_t c = 0; c < h.rows(); ++c)
    if (h(c, c) == 0.0)
      h(c, c) = 1.0;
  h.diagonal().array() += damp * h.diagonal().mean();
}

FailureOr<Eigen::MatrixXd> prepareObs(Eigen::MatrixXd &w, Eigen::MatrixXd h,
                                      double damp, std::string &why) {
  int64_t n = h.rows();
  for (int64_t c = 0; c < n; ++c)
    if (h(c, c) == 0.0)
      w.col(c).setZero();
  dampGram(h, damp);
  Eigen::LLT<Matrix> factor(h);
  if (factor.info() != Eigen::Success) {
    why = "the input Gram matrix is not positive definite after damping "
          "(raise 'damp')";
    return failure();
  }
  Matrix inverse = factor.solve(Matrix::Identity(n, n));
  Eigen::LLT<Matrix> inverseFactor(inverse);
  if (inverseFactor.info() != Eigen::Success) {
    why = "the inverse of the input Gram matrix is not positive definite "
          "(raise 'damp')";
    return failure();
  }
  return Matrix(inverseFactor.matrixU());
}

void sweepColumns(Eigen::MatrixXd &w, const Eigen::MatrixXd &u,
                  int64_t blockSize,
                  function_ref<void(int64_t, int64_t)> onBlock,
                  function_ref<void(int64_t)> onColumn,
                  function_ref<double(int64_t, int64_t, double)> target) {
  int64_t rows = w.rows(), cols = w.cols();
  Matrix errors(rows, blockSize);
  for (int64_t begin = 0; begin < cols; begin += blockSize) {
    int64_t end = std::min(cols, begin + blockSize);
    onBlock(begin, end);
    for (int64_t i = begin; i < end; ++i) {
      onColumn(i);
      double d = u(i, i);
      for (int64_t r = 0; r < rows; ++r) {
        double value = w(r, i);
        double moved = target(r, i, value);
        double error = (value - moved) / d;
        errors(r, i - begin) = error;
        if (error != 0.0)
          w.row(r).segment(i + 1, end - i - 1) -=
              error * u.row(i).segment(i + 1, end - i - 1);
        w(r, i) = moved;
      }
    }
    if (end < cols)
      w.rightCols(cols - end).noalias() -=
          errors.leftCols(end - begin) *
          u.block(begin, end, end - begin, cols - end);
  }
}

LogicalResult sparseGptPrune(std::vector<float> &weight,
                             const LayerGeometry &geometry,
                             const LayerInputGram &gram,
                             const SparseGptTarget &target,
                             const SparseGptOptions &options, std::string &why,
                             std::string *note) {
  int64_t rows = geometry.rows(), cols = geometry.cols();
  if (failed(checkGramFits(geometry, gram, why)))
    return failure();
  if (target.m > 0 && geometry.colStride(target.nmDim) < 0) {
    why = "the N:M dimension is not a reduction dimension";
    return failure();
  }
  for (int64_t g = 0; g < geometry.groups(); ++g) {
    Matrix w(rows, cols);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        w(r, c) = weight[geometry.weightIndex(g, r, c)];
    Matrix h = Eigen::Map<const Matrix>(gram.group(g), cols, cols);
    if (failed(
            pruneGroup(w, std::move(h), geometry, target, options, why, note)))
      return failure();
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        weight[geometry.weightIndex(g, r, c)] = float(w(r, c));
  }
  return success();
}

LogicalResult verifySparseGptOptions(Location loc, llvm::StringRef tool,
                                     llvm::StringRef data,
                                     llvm::StringRef stats, double damp,
                                     unsigned blockSize, double admmBudget) {
  if (failed(verifyDataSource(loc, tool, "algorithm=sparsegpt", data, stats)))
    return failure();
  if (!(damp > 0.0) || !std::isfinite(damp))
    return emitError(loc) << tool << ": option 'damp' must be positive, got "
                          << damp;
  if (blockSize < 1)
    return emitError(loc) << tool << ": option 'block-size' must be at least 1";
  if (!(admmBudget >= 0.0) || !std::isfinite(admmBudget))
    return emitError(loc) << tool
                          << ": option 'admm-budget' must be a finite number "
                             "of GFLOP (>= 0), got "
                          << admmBudget;
  return success();
}

LogicalResult pruneWithSparseGpt(ModuleOp module,
                                 llvm::MutableArrayRef<SparseGptLayer> layers,
                                 const LayerDataSource &source,
                                 const SparseGptOptions &options) {
  std::vector<MeasuredLayer> measured;
  std::vector<SparseGptLayer *> measuredLayers;
  for (SparseGptLayer &layer : layers) {
    std::string why;
    const WeightedLayer &weighted = *layer.layer;
    FailureOr<LayerGeometry> geometry =
        analyzeLayerGeometry(weighted.op, weighted.weight, why);
    if (failed(geometry)) {
      weighted.op->emitRemark()
          << "pruned by magnitude: SparseGPT does not support this layer: "
          << why;
      continue;
    }
    measured.push_back({weighted.op, weighted.weight, std::move(*geometry)});
    measuredLayers.push_back(&layer);
  }
  if (measured.empty())
    return success();

  std::vector<std::vector<float>> pruned;
  for (SparseGptLayer *layer : measuredLayers)
    pruned.push_back(*layer->values);
  auto pruneOne = [&](size_t i, const LayerInputGram &gram,
                      std::vector<float> &values) -> LogicalResult {
    SparseGptLayer *layer = measuredLayers[i];
    std::string why, note;
    if (failed(sparseGptPrune(values, measured[i].geometry, gram, layer->target,
                              options, why, &note)))
      return layer->layer->op->emitError()
             << source.tool << ": SparseGPT failed on this layer: " << why;
    if (!note.empty())
      layer->layer->op->emitRemark() << source.tool << ": " << note;
    return success();
  };
  LayerUpdateOptions update;
  update.sequential = options.sequential;
  update.teacher = options.teacher;
  update.damp = options.damp;
  if (failed(updateWithLayerStatistics(module, measured, pruned, source, update,
                                       pruneOne)))
    return failure();
  for (auto [i, layer] : llvm::enumerate(measuredLayers)) {
    *layer->values = std::move(pruned[i]);
    layer->pruned = true;
  }
  return success();
}

} // namespace mlir::compress
