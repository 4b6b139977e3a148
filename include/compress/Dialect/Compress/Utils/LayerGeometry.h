//===- LayerGeometry.h - a layer's weight over its input ---*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The data-aware methods (SparseGPT, GPTQ, least-squares refits) see a layer
// as y[p, g, o] = sum_r W_g[o, r] * x_g[p, r]: for every group g (the channel
// of a depthwise convolution, the batch of a batch_matmul with a constant
// weight; a single group otherwise) a weight matrix with one row per output
// channel o and one column per reduction element r (K of a matmul; C, KH, KW
// of a convolution filter), applied to one input vector x_g[p] per output
// position p (rows of a matmul; batch and output pixels of a convolution,
// which read overlapping windows of the input). LayerGeometry says where
// each of these elements lives in the row-major weight and input tensors.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_UTILS_LAYERGEOMETRY_H
#define COMPRESS_DIALECT_COMPRESS_UTILS_LAYERGEOMETRY_H

#include "compress/Dialect/Compress/Utils/WeightUtils.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::compress {

struct LayerGeometry {
  int64_t groups() const { return weightGroup.size(); }
  int64_t rows() const { return weightRow.size(); }
  int64_t cols() const { return weightCol.size(); }
  int64_t positions() const { return inputPosition.size(); }

  /// Flat row-major offsets: weight element (g, o, r) is at
  /// weightGroup[g] + weightRow[o] + weightCol[r] (weightIndex).
  std::vector<int64_t> weightGroup, weightRow, weightCol;

  int64_t weightIndex(int64_t group, int64_t row, int64_t col) const {
    return weightGroup[group] + weightRow[row] + weightCol[col];
  }
  /// Input element r of group g at position p is at
  /// inputBase + inputGroup[g] + inputPosition[p] + inputCol[r].
  std::vector<int64_t> inputGroup, inputPosition, inputCol;
  int64_t inputBase = 0;
  /// The static shape of the input operand (the recorded tensor).
  SmallVector<int64_t> inputShape;

  /// Columns enumerate the reduction loops in loop order, the last fastest:
  /// for each of them, the weight dimension it indexes and its extent.
  SmallVector<int32_t> colWeightDims;
  SmallVector<int64_t> colExtents;

  /// The distance between consecutive columns along weight dimension `dim`
  /// (a reduction dimension), or -1 if `dim` is not one.
  int64_t colStride(int32_t weightDim) const;
};

/// The geometry of `op` with constant weight `weight`. Fails, with the
/// reason in `why` (a phrase that completes "not supported: ..."), when the
/// op is not such a layer: dynamic shapes, a weight indexed by anything but
/// plain loop dimensions, an input indexed by something that is not a sum of
/// loop dimensions times constants, or a loop the form above has no place
/// for.
FailureOr<LayerGeometry> analyzeLayerGeometry(linalg::LinalgOp op,
                                              const WeightOperand &weight,
                                              std::string &why);

} // namespace mlir::compress

#endif // COMPRESS_DIALECT_COMPRESS_UTILS_LAYERGEOMETRY_H
