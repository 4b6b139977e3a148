//===- GPTQ.cpp - weight quantization with error compensation -------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Transforms/GPTQ.h"
#include "ObsSweep.h"

#include <algorithm>
#include <numeric>

namespace mlir::compress {

namespace {

/// Coordinate descent on f(Q) = tr((Q - T) H (Q - T)^T) over grid values:
/// for each column k and row r in turn, with g = [(Q - T) H]_rk the
/// one-weight quadratic is minimized on the grid by the grid point nearest
/// q_rk - g / H_kk. Each move updates row r of (Q - T) H. Stops after a pass
/// that moves nothing, or after `passes`.
void refineOnGrid(Eigen::MatrixXd &q, const Eigen::MatrixXd &target,
                  const Eigen::MatrixXd &h, unsigned passes,
                  function_ref<double(int64_t, int64_t, double)> grid) {
  int64_t rows = q.rows(), cols = q.cols();
  Eigen::MatrixXd gradient = (q - target) * h;
  for (unsigned pass = 0; pass < passes; ++pass) {
    int64_t moved = 0;
    for (int64_t k = 0; k < cols; ++k)
      for (int64_t r = 0; r < rows; ++r) {
        double next = grid(r, k, q(r, k) - gradient(r, k) / h(k, k));
        double delta = next - q(r, k);
        if (delta == 0.0)
          continue;
        q(r, k) = next;
        gradient.row(r) += delta * h.row(k);
        ++moved;
      }
    if (moved == 0)
      return;
  }
}

} // namespace

LogicalResult gptqQuantize(std::vector<float> &weight,
                           const LayerGeometry &geometry,
                           const LayerInputGram &gram,
                           function_ref<double(int64_t, double)> roundToGrid,
                           const GptqOptions &options, std::string &why) {
  int64_t rows = geometry.rows(), cols = geometry.cols();
  if (failed(checkGramFits(geometry, gram, why)))
    return failure();
  for (int64_t g = 0; g < geometry.groups(); ++g) {
    Eigen::Map<const Eigen::MatrixXd> full(gram.group(g), cols, cols);
    // Visiting order: column `order[k]` is visited k-th.
    std::vector<int64_t> order(cols);
    std::iota(order.begin(), order.end(), 0);
    if (options.actOrder)
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return full(a, a) > full(b, b);
      });
    auto flat = [&](int64_t r, int64_t k) {
      return geometry.weightIndex(g, r, order[k]);
    };
    Eigen::MatrixXd w(rows, cols), h(cols, cols);
    for (int64_t k = 0; k < cols; ++k) {
      for (int64_t r = 0; r < rows; ++r)
        w(r, k) = weight[flat(r, k)];
      for (int64_t l = 0; l < cols; ++l)
        h(k, l) = full(order[k], order[l]);
    }
    // Inputs that were always zero: their weights do not matter on the data
    // and are rounded as they are (prepareObs would zero them).
    Eigen::MatrixXd original = w;
    // The objective the refinement descends: H as prepareObs damps it.
    Eigen::MatrixXd damped;
    if (options.refinePasses > 0) {
      damped = h;
      dampGram(damped, options.damp);
    }
    FailureOr<Eigen::MatrixXd> u =
        prepareObs(w, std::move(h), options.damp, why);
    if (failed(u))
      return failure();
    for (int64_t k = 0; k < cols; ++k)
      if (w.col(k).isZero() && !original.col(k).isZero())
        w.col(k) = original.col(k);
    sweepColumns(
        w, *u, options.blockSize, [](int64_t, int64_t) {}, [](int64_t) {},
        [&](int64_t r, int64_t k, double value) {
          return roundToGrid(flat(r, k), value);
        });
    if (options.refinePasses > 0)
      refineOnGrid(w, original, damped, options.refinePasses,
                   [&](int64_t r, int64_t k, double value) {
                     return roundToGrid(flat(r, k), value);
                   });
    for (int64_t k = 0; k < cols; ++k)
      for (int64_t r = 0; r < rows; ++r)
        weight[flat(r, k)] = float(w(r, k));
  }
  return success();
}

} // namespace mlir::compress
