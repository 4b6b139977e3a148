//===- GPTQ.h - weight quantization with error compensation -----*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// GPTQ (Frantar et al., 2023) quantizes a layer's weights column by column:
// each weight goes to its nearest grid point, and the rounding error is
// compensated in the columns not visited yet through the inverse of the
// input Gram matrix (the sweep SparseGPT makes, with rounding in place of
// pruning). With act-order the columns are visited by decreasing H_ii, the
// inputs with the most energy first.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_TRANSFORMS_GPTQ_H
#define COMPRESS_DIALECT_COMPRESS_TRANSFORMS_GPTQ_H

#include "compress/Dialect/Compress/Transforms/LayerStatistics.h"

#include <string>
#include <vector>

namespace mlir::compress {

struct GptqOptions {
  /// Added to H's diagonal, as a fraction of its mean diagonal value.
  double damp = 0.1;
  /// Columns whose updates are applied together.
  int64_t blockSize = 128;
  /// Visit the columns by decreasing H_ii (ties: lower column first).
  bool actOrder = true;
  /// After the sweep, at most this many passes of coordinate descent on the
  /// layer's output error: each weight in turn moves to the grid point that
  /// minimizes tr((Q - W) H (Q - W)^T) with the others fixed (0: off).
  unsigned refinePasses = 0;
};

/// Quantizes `weight` (the layer's row-major values; `geometry` locates its
/// rows and columns) in place: element `flat` (its row-major index) ends on
/// the grid point `roundToGrid(flat, value)` returns for it, as a float.
/// Fails, with the reason in `why`, when H cannot be factored.
LogicalResult gptqQuantize(std::vector<float> &weight,
                           const LayerGeometry &geometry,
                           const LayerInputGram &gram,
                           function_ref<double(int64_t, double)> roundToGrid,
                           const GptqOptions &options, std::string &why);

} // namespace mlir::compress

#endif // COMPRESS_DIALECT_COMPRESS_TRANSFORMS_GPTQ_H
