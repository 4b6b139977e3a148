//===- Refit.h - least-squares refit of a layer's weights -------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// After structural pruning removes some of a layer's input channels, the
// layer's remaining weights can be refit so that its output on calibration
// data stays as close as possible to the unpruned one: with H = X^T X the
// Gram matrix of the full input and S the kept columns, each weight row w
// becomes argmin_v ||X_S v - X w||^2 = (H_SS + damp)^-1 H_S: w.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_TRANSFORMS_REFIT_H
#define COMPRESS_DIALECT_COMPRESS_TRANSFORMS_REFIT_H

#include "compress/Dialect/Compress/Transforms/LayerStatistics.h"

#include <string>
#include <vector>

namespace mlir::compress {

/// Refits `weight` (row-major values of a layer with `geometry`; `gram`
/// measured on its full input) to use only the columns whose index along
/// weight dimension `weightAxis` is in `kept` (sorted). The other columns'
/// values are left as they are (the caller drops them). The fit is damped
/// toward the kept weights, argmin_v ||X_S v - X w||^2 + d ||v - w_S||^2
/// with d = `damp` times the mean of H_SS's diagonal: where the data leave
/// v undetermined (fewer samples than kept inputs) it keeps w_S rather than
/// shrinking to zero, and v = w_S + (H_SS + d)^-1 H_SR w_R is the
/// optimal-brain-surgeon update. With `biasDelta` (a layer of one group
/// whose output is followed by a per-row bias), the fit has an undamped
/// intercept, argmin_{v,b} ||X_S v + b - X w||^2 + d ||v - w_S||^2, and the
/// b of every row (to add to the bias) goes there.
///
/// With `positions` (the indices along the axis of each input channel, as
/// for outputErrorScores), a layer of one group whose channels each read the
/// same number P > 1 of columns (a convolution's taps, a flattened feature
/// map's pixels) is damped toward a better prior than w_S: w with each
/// removed channel's weights moved onto the kept channels at the same
/// position, in the proportions of the regression x_r ~ A x_K + b of the
/// removed channels on the kept ones over all positions of all samples (P
/// times the samples the layer's own fit has). Where the data determine the
/// fit the prior does not matter; where they do not (a dense layer reading
/// 1,568 pixels of a feature map, fit on 320 images) it replaces "keep
/// w_S".
///
/// Fails, with the reason in `why`, when `weightAxis` is not a reduction
/// dimension of the geometry or H_SS cannot be factored.
LogicalResult
refitKeptColumns(std::vector<float> &weight, const LayerGeometry &geometry,
                 const LayerInputGram &gram, int32_t weightAxis,
                 llvm::ArrayRef<int64_t> kept, double damp, std::string &why,
                 std::vector<double> *biasDelta = nullptr,
                 llvm::ArrayRef<llvm::SmallVector<int64_t>> positions = {});

/// The output error of removing each channel of a layer's input, as the
/// optimal brain surgeon estimates it when the rest of the layer is refit:
/// for channel c with columns S_c (those whose index along `weightAxis` is
/// in `positions[c]`), the sum over the weight rows w of
/// w_Sc ([H^-1]_ScSc)^-1 w_Sc^T, with H damped as for refitKeptColumns.
FailureOr<std::vector<double>>
outputErrorScores(llvm::ArrayRef<float> weight, const LayerGeometry &geometry,
                  const LayerInputGram &gram, int32_t weightAxis,
                  llvm::ArrayRef<llvm::SmallVector<int64_t>> positions,
                  double damp, std::string &why);

/// A layer that reads a chain's channels, for greedyRemovalOrder.
struct ChannelConsumer {
  llvm::ArrayRef<float> weight;
  const LayerGeometry *geometry;
  const LayerInputGram *gram;
  int32_t weightAxis;
  llvm::ArrayRef<llvm::SmallVector<int64_t>> positions;
};

/// The `count` channels to remove, in the order greedy group OBS removes
/// them: at each step the channel whose removal changes the consumers'
/// outputs least (the sum over consumers of outputErrorScores' cost, on the
/// weights as compensated so far), after which every consumer's weights
/// absorb it (w -= [H^-1]_:S ([H^-1]_SS)^-1 w_S) and its inverse Gram
/// matrix loses the channel's columns. Unlike one-shot scores, a channel
/// that duplicates another stops looking cheap once the other is gone.
/// Failure (with `why`) for grouped consumers and unmeasured statistics.
FailureOr<std::vector<int64_t>>
greedyRemovalOrder(llvm::ArrayRef<ChannelConsumer> consumers, int64_t channels,
                   int64_t count, double damp, std::string &why);

} // namespace mlir::compress

#endif // COMPRESS_DIALECT_COMPRESS_TRANSFORMS_REFIT_H
