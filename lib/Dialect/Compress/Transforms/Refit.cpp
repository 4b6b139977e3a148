//===- Refit.cpp - least-squares refit of a layer's weights ---------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Transforms/Refit.h"
#include "ObsSweep.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <numeric>

namespace mlir::compress {

namespace {

/// The index along the weight dimension `weightAxis` of every column, or
/// failure when it is not a reduction dimension.
FailureOr<std::vector<int64_t>> columnIndices(const LayerGeometry &geometry,
                                              int32_t weightAxis,
                                              std::string &why) {
  int64_t stride = geometry.colStride(weightAxis);
  if (stride < 0) {
    why = "the pruned channels are not summed over by the layer";
    return failure();
  }
  int64_t extent = 0;
  for (auto [dim, size] :
       llvm::zip(geometry.colWeightDims, geometry.colExtents))
    if (dim == weightAxis)
      extent = size;
  std::vector<int64_t> indices(geometry.cols());
  for (int64_t c = 0; c < geometry.cols(); ++c)
    indices[c] = (c / stride) % extent;
  return indices;
}

/// The columns of each channel (the channel whose positions hold the
/// column's index along the weight axis).
std::vector<std::vector<int64_t>>
channelColumnsOf(const std::vector<int64_t> &indices,
                 llvm::ArrayRef<llvm::SmallVector<int64_t>> positions) {
  std::vector<std::vector<int64_t>> channelColumns(positions.size());
  llvm::DenseMap<int64_t, int64_t> channelOf;
  for (auto [c, list] : llvm::enumerate(positions))
    for (int64_t q : list)
      channelOf[q] = c;
  for (int64_t c = 0; c < int64_t(indices.size()); ++c) {
    auto it = channelOf.find(indices[c]);
    if (it != channelOf.end())
      channelColumns[it->second].push_back(c);
  }
  return channelColumns;
}

/// The prior of the refit of a layer (one group, rows x cols, weights `w`
/// stored cols x rows) that loses the input channels not in `keptChannel`,
/// each channel reading the same number P > 1 of columns
/// (`channelColumns`, the j-th of every channel at the same position):
/// w with every removed channel's weights moved onto the kept channels at
/// the same position, in the proportions of the least-squares regression of
/// the removed channel on the kept ones (and a constant) over every
/// position of every sample, x_r ~ sum_k A_rk x_k + b_r. The regression has
/// P times as many samples as the layer has, so it is determined where the
/// layer's own fit is not (a flattened feature map read by a dense layer:
/// 1,568 inputs, 320 images). Empty when the layout does not allow it.
Eigen::MatrixXd
channelRegressionPrior(const Eigen::MatrixXd &w, const LayerInputGram &gram,
                       const std::vector<std::vector<int64_t>> &channelColumns,
                       const std::vector<bool> &keptChannel) {
  int64_t channels = channelColumns.size();
  if (channels < 2)
    return {};
  size_t positions = channelColumns.front().size();
  for (const std::vector<int64_t> &columns : channelColumns)
    if (columns.size() != positions)
      return {};
  if (positions < 2)
    return {};
  int64_t cols = gram.cols;
  Eigen::Map<const Eigen::MatrixXd> h(gram.group(0), cols, cols);
  bool constant = int64_t(gram.sums.size()) == cols && gram.count > 0;
  // The channels' Gram matrix over positions and samples, with a constant
  // input last.
  int64_t n = channels + (constant ? 1 : 0);
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(n, n);
  for (size_t p = 0; p < positions; ++p)
    for (int64_t a = 0; a < channels; ++a) {
      int64_t ca = channelColumns[a][p];
      for (int64_t b = 0; b < channels; ++b)
        g(a, b) += h(ca, channelColumns[b][p]);
      if (constant)
        g(a, channels) += gram.sums[ca];
    }
  if (constant) {
    g.row(channels) = g.col(channels).transpose();
    g(channels, channels) = double(gram.count) * double(positions);
  }
  SmallVector<int64_t> kept, removed;
  for (int64_t c = 0; c < channels; ++c)
    (keptChannel[c] ? kept : removed).push_back(c);
  if (kept.empty() || removed.empty())
    return {};
  if (constant)
    kept.push_back(channels);
  int64_t k = kept.size();
  Eigen::MatrixXd gkk(k, k), gkr(k, removed.size());
  for (int64_t i = 0; i < k; ++i) {
    for (int64_t j = 0; j < k; ++j)
      gkk(i, j) = g(kept[i], kept[j]);
    for (auto [j, r] : llvm::enumerate(removed))
      gkr(i, j) = g(kept[i], r);
  }
  // A little damping on the channels (not on the constant) for channels
  // that never fire.
  double mean = 0.0;
  for (int64_t c = 0; c < channels; ++c)
    mean += g(c, c) / double(channels);
  if (!(mean > 0.0))
    return {};
  for (int64_t i = 0; i < k; ++i)
    if (kept[i] < channels)
      gkk(i, i) += 1e-3 * mean;
  Eigen::LLT<Eigen::MatrixXd> factor(gkk);
  if (factor.info() != Eigen::Success)
    return {};
  Eigen::MatrixXd a = factor.solve(gkr); // kept x removed
  Eigen::MatrixXd prior = w;
  for (size_t p = 0; p < positions; ++p)
    for (int64_t i = 0; i < k; ++i) {
      if (kept[i] == channels)
        continue; // The constant's share goes to the bias, fit anyway.
      int64_t to = channelColumns[kept[i]][p];
      for (auto [j, r] : llvm::enumerate(removed))
        prior.row(to) += a(i, j) * w.row(channelColumns[r][p]);
    }
  return prior;
}

} // namespace

FailureOr<Eigen::LLT<Eigen::MatrixXd>>
factorDampedGram(const LayerInputGram &gram, int64_t group, double damp,
                 std::string &why) {
  Eigen::MatrixXd h = Eigen::Map<const Eigen::MatrixXd>(gram.group(group),
                                                        gram.cols, gram.cols);
  double mean = h.diagonal().mean();
  if (!(mean > 0.0)) {
    why = "the layer's inputs were zero on all of the data";
    return failure();
  }
  h.diagonal().array() += damp * mean;
  Eigen::LLT<Eigen::MatrixXd> factor(h);
  if (factor.info() != Eigen::Success) {
    why = "the inputs' Gram matrix is not positive definite (raise 'damp')";
    return failure();
  }
  return factor;
}

LogicalResult
refitKeptColumns(std::vector<float> &weight, const LayerGeometry &geometry,
                 const LayerInputGram &gram, int32_t weightAxis,
                 llvm::ArrayRef<int64_t> kept, double damp, std::string &why,
                 std::vector<double> *biasDelta,
                 llvm::ArrayRef<llvm::SmallVector<int64_t>> positions) {
  int64_t rows = geometry.rows(), cols = geometry.cols();
  bool intercept = biasDelta && geometry.groups() == 1 &&
                   int64_t(gram.sums.size()) == cols && gram.count > 0;
  if (biasDelta)
    biasDelta->assign(intercept ? rows : 0, 0.0);
  if (failed(checkGramFits(geometry, gram, why)))
    return failure();
  FailureOr<std::vector<int64_t>> indices =
      columnIndices(geometry, weightAxis, why);
  if (failed(indices))
    return failure();
  // The kept columns: those whose index along the axis is kept.
  SmallVector<int64_t> columns;
  for (int64_t c = 0; c < cols; ++c)
    if (std::binary_search(kept.begin(), kept.end(), (*indices)[c]))
      columns.push_back(c);
  int64_t n = columns.size();
  if (n == 0)
    return success();

  for (int64_t g = 0; g < geometry.groups(); ++g) {
    Eigen::Map<const Eigen::MatrixXd> h(gram.group(g), cols, cols);
    Eigen::MatrixXd hss(n, n), hsAll(n, cols);
    for (int64_t i = 0; i < n; ++i) {
      hsAll.row(i) = h.row(columns[i]);
      for (int64_t j = 0; j < n; ++j)
        hss(i, j) = h(columns[i], columns[j]);
    }
    double mean = hss.diagonal().mean();
    if (!(mean > 0.0)) {
      why = "the kept inputs were zero on all of the data";
      return failure();
    }
    double d = damp * mean;
    hss.diagonal().array() += d;
    Eigen::MatrixXd w(cols, rows);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        w(c, r) = weight[geometry.weightIndex(g, r, c)];
    // Damped toward the prior: the kept weights, or with channels of
    // several positions the channel regression's weights.
    Eigen::MatrixXd prior;
    if (!positions.empty() && geometry.groups() == 1) {
      std::vector<std::vector<int64_t>> channelColumns =
          channelColumnsOf(*indices, positions);
      std::vector<bool> keptChannel;
      for (const SmallVector<int64_t> &list : positions)
        keptChannel.push_back(
            !list.empty() &&
            std::binary_search(kept.begin(), kept.end(), list.front()));
      prior = channelRegressionPrior(w, gram, channelColumns, keptChannel);
    }
    const Eigen::MatrixXd &toward = prior.size() ? prior : w;
    Eigen::MatrixXd system = hss, rhs = hsAll * w;
    for (int64_t i = 0; i < n; ++i)
      rhs.row(i) += d * toward.row(columns[i]);
    if (intercept) {
      // The normal equations of [X_S 1] against X w.
      Eigen::Map<const Eigen::VectorXd> sums(gram.sums.data(), cols);
      system.conservativeResize(n + 1, n + 1);
      rhs.conservativeResize(n + 1, rows);
      for (int64_t i = 0; i < n; ++i)
        system(i, n) = system(n, i) = sums(columns[i]);
      system(n, n) = double(gram.count);
      rhs.row(n) = sums.transpose() * w;
    }
    Eigen::LLT<Eigen::MatrixXd> factor(system);
    if (factor.info() != Eigen::Success) {
      why = "the kept inputs' Gram matrix is not positive definite (raise "
            "'damp')";
      return failure();
    }
    Eigen::MatrixXd refit = factor.solve(rhs);
    if (intercept)
      for (int64_t r = 0; r < rows; ++r)
        (*biasDelta)[r] = refit(n, r);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t i = 0; i < n; ++i)
        weight[geometry.weightIndex(g, r, columns[i])] = float(refit(i, r));
  }
  return success();
}

FailureOr<std::vector<double>>
outputErrorScores(llvm::ArrayRef<float> weight, const LayerGeometry &geometry,
                  const LayerInputGram &gram, int32_t weightAxis,
                  llvm::ArrayRef<llvm::SmallVector<int64_t>> positions,
                  double damp, std::string &why) {
  int64_t rows = geometry.rows(), cols = geometry.cols();
  if (failed(checkGramFits(geometry, gram, why)))
    return failure();
  FailureOr<std::vector<int64_t>> indices =
      columnIndices(geometry, weightAxis, why);
  if (failed(indices))
    return failure();
  std::vector<std::vector<int64_t>> channelColumns =
      channelColumnsOf(*indices, positions);
  std::vector<double> scores(positions.size(), 0.0);
  for (int64_t g = 0; g < geometry.groups(); ++g) {
    FailureOr<Eigen::LLT<Eigen::MatrixXd>> factor =
        factorDampedGram(gram, g, damp, why);
    if (failed(factor))
      return failure();
    Eigen::MatrixXd inverse =
        factor->solve(Eigen::MatrixXd::Identity(cols, cols));
    for (auto [c, columns] : llvm::enumerate(channelColumns)) {
      int64_t n = columns.size();
      if (n == 0)
        continue;
      Eigen::MatrixXd block(n, n), w(n, rows);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j)
          block(i, j) = inverse(columns[i], columns[j]);
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t i = 0; i < n; ++i)
          w(i, r) = weight[geometry.weightIndex(g, r, columns[i])];
      Eigen::LLT<Eigen::MatrixXd> blockFactor(block);
      if (blockFactor.info() != Eigen::Success) {
        why = "a block of the inverse Gram matrix is not positive definite";
        return failure();
      }
      scores[c] += (w.transpose() * blockFactor.solve(w)).trace();
    }
  }
  return scores;
}

FailureOr<std::vector<int64_t>>
greedyRemovalOrder(llvm::ArrayRef<ChannelConsumer> consumers, int64_t channels,
                   int64_t count, double damp, std::string &why) {
  struct State {
    Eigen::MatrixXd inverse; // of the damped Gram matrix, shrinking
    Eigen::MatrixXd w;       // cols x rows, compensated as channels go
    std::vector<std::vector<int64_t>> channelColumns;
  };
  std::vector<State> states;
  for (const ChannelConsumer &consumer : consumers) {
    const LayerGeometry &geometry = *consumer.geometry;
    if (geometry.groups() != 1) {
      why = "a consumer is a grouped layer";
      return failure();
    }
    if (failed(checkGramFits(geometry, *consumer.gram, why)))
      return failure();
    FailureOr<std::vector<int64_t>> indices =
        columnIndices(geometry, consumer.weightAxis, why);
    if (failed(indices))
      return failure();
    FailureOr<Eigen::LLT<Eigen::MatrixXd>> factor =
        factorDampedGram(*consumer.gram, 0, damp, why);
    if (failed(factor))
      return failure();
    int64_t rows = geometry.rows(), cols = geometry.cols();
    State state;
    state.inverse = factor->solve(Eigen::MatrixXd::Identity(cols, cols));
    state.w.resize(cols, rows);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        state.w(c, r) = consumer.weight[geometry.weightIndex(0, r, c)];
    state.channelColumns = channelColumnsOf(*indices, consumer.positions);
    if (int64_t(state.channelColumns.size()) != channels) {
      why = "a consumer's channels differ from the chain's";
      return failure();
    }
    states.push_back(std::move(state));
  }

  // The rows `rows` of `m`.
  auto rowsOf = [](const Eigen::MatrixXd &m, llvm::ArrayRef<int64_t> rows) {
    Eigen::MatrixXd out(rows.size(), m.cols());
    for (auto [i, r] : llvm::enumerate(rows))
      out.row(i) = m.row(r);
    return out;
  };
  // The same of a symmetric matrix of which only the lower triangle is
  // kept up to date (the inverse: its rank updates touch only that half).
  auto gatherSymmetric = [](const Eigen::MatrixXd &m,
                            llvm::ArrayRef<int64_t> rows,
                            llvm::ArrayRef<int64_t> cols) {
    Eigen::MatrixXd out(rows.size(), cols.size());
    for (auto [i, r] : llvm::enumerate(rows))
      for (auto [j, c] : llvm::enumerate(cols))
        out(i, j) = r >= c ? m(r, c) : m(c, r);
    return out;
  };
  std::vector<int64_t> order;
  std::vector<bool> removed(channels, false);
  for (int64_t step = 0; step < count; ++step) {
    int64_t best = -1;
    double bestCost = 0.0;
    for (int64_t c = 0; c < channels; ++c) {
      if (removed[c])
        continue;
      double cost = 0.0;
      for (State &state : states) {
        const std::vector<int64_t> &columns = state.channelColumns[c];
        if (columns.empty())
          continue;
        Eigen::LLT<Eigen::MatrixXd> block(
            gatherSymmetric(state.inverse, columns, columns));
        if (block.info() != Eigen::Success) {
          why = "a block of the inverse Gram matrix is not positive definite";
          return failure();
        }
        Eigen::MatrixXd ws = rowsOf(state.w, columns);
        cost += (ws.transpose() * block.solve(ws)).trace();
      }
      if (best < 0 || cost < bestCost) {
        best = c;
        bestCost = cost;
      }
    }
    removed[best] = true;
    order.push_back(best);
    // Remove the channel's columns: its weights' contribution moves onto
    // the other columns (the OBS update), and the inverse loses their
    // rows and columns (a Schur complement).
    for (State &state : states) {
      const std::vector<int64_t> &columns = state.channelColumns[best];
      if (columns.empty())
        continue;
      int64_t cols = state.inverse.rows();
      std::vector<int64_t> all(cols);
      std::iota(all.begin(), all.end(), 0);
      Eigen::MatrixXd block = gatherSymmetric(state.inverse, columns, columns);
      Eigen::MatrixXd across = gatherSymmetric(state.inverse, all, columns);
      Eigen::LLT<Eigen::MatrixXd> factor(block);
      state.w -= across * factor.solve(rowsOf(state.w, columns));
      // inverse -= across block^-1 across^T = (across L^-T)(across L^-T)^T,
      // block = L L^T: a symmetric rank update of the lower half.
      Eigen::MatrixXd scaled =
          factor.matrixL().solve(across.transpose()).transpose();
      state.inverse.selfadjointView<Eigen::Lower>().rankUpdate(scaled, -1.0);
      for (int64_t q : columns) {
        state.w.row(q).setZero();
        state.inverse.row(q).setZero();
        state.inverse.col(q).setZero();
      }
    }
  }
  return order;
}

} // namespace mlir::compress
