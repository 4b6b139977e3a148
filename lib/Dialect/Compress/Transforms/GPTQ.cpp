//===- GPTQ.cpp - weight quantization with error compensation -------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Transforms/GPTQ.h"
#include "ObsSweep.h"

#include <algorithm>
#include <numeric>

namespace mlir::compress {

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
    for (int64_t k = 0; k < cols; ++k)
      for (int64_t r = 0; r < rows; ++r)
        weight[flat(r, k)] = float(w(r, k));
  }
  return success();
}

} // namespace mlir::compress
