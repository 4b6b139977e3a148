//===- SparseGPT.h - pruning with error compensation -------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// SparseGPT (Frantar and Alistarh, 2023) prunes one layer so that its output
// on calibration data changes as little as possible. With H = X^T X the Gram
// matrix of the layer's inputs, it walks the columns of each weight row in
// order; when column i is pruned (or, for GPTQ, rounded), the error
// (w_i - q_i) / [H^-1]_ii, times the i-th row of H^-1's upper Cholesky
// factor, is subtracted from the columns not visited yet: the optimal
// brain surgeon update restricted to them. Which weights go is decided
// block by block (unstructured) or group by group (N:M) from the score
// w^2 / [U]_ii^2, using the weights as updated so far.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_TRANSFORMS_SPARSEGPT_H
#define COMPRESS_DIALECT_COMPRESS_TRANSFORMS_SPARSEGPT_H

#include "compress/Dialect/Compress/Transforms/LayerStatistics.h"
#include "compress/Dialect/Compress/Transforms/PruneUtils.h"

#include <string>
#include <vector>

namespace mlir::compress {

/// Which weights SparseGPT removes from each group of a layer.
struct SparseGptTarget {
  /// Unstructured: round_half_to_even(fraction * rows * cols) weights per
  /// group, spread over the column blocks in proportion to their width.
  double fraction = 0.0;
  /// N:M, when m > 0: of every m consecutive elements along weight dimension
  /// `nmDim` (a reduction dimension), keep n.
  int64_t n = 0;
  int64_t m = 0;
  int32_t nmDim = -1;
};

struct SparseGptOptions {
  /// Added to H's diagonal, as a fraction of its mean diagonal value.
  double damp = 0.01;
  /// Columns whose mask is chosen together and whose updates are applied
  /// together.
  int64_t blockSize = 128;
  /// Measure each layer with the layers before it (in program order)
  /// already pruned, one run of the model per layer, as the paper does;
  /// otherwise all statistics come from one run of the unpruned model.
  bool sequential = true;
  /// With `sequential`: fit each layer to the unpruned model's output of it
  /// (LayerUpdateOptions::teacher) rather than to its own output on the
  /// pruned model's inputs.
  bool teacher = true;
  /// After the sweep, steps of conjugate gradients that refit the kept
  /// weights of each row to the layer's output with the zeros fixed (the
  /// sweep only compensates each pruned weight in the columns after it).
  unsigned refitIterations = 20;
  /// After the sweep and its refit, at most this many iterations of ADMM
  /// choose the mask again: a least-squares step toward the layer's output
  /// alternates with a projection onto the sparsity pattern, under a
  /// penalty that grows until the mask settles. The kept weights are refit
  /// again and the mask with the smaller output error stays. 0: the sweep's
  /// mask.
  unsigned admmIterations = 300;
  /// ADMM runs on a group only when its iterations cost at most this many
  /// floating-point operations (about 2 rows cols^2 each, plus a Cholesky
  /// factorization of cols^3 / 3 every fifth).
  double admmBudget = 1000e9;
};

/// Prunes `weight` (the layer's row-major values; `geometry` locates its
/// rows and columns) in place. Inputs that were never non-zero on the data
/// (a zero diagonal of H) get zero weights. Fails, with the reason in `why`,
/// when H is not positive definite even after damping. Where ADMM was
/// asked for but over its budget, `note` (when given) says so.
LogicalResult sparseGptPrune(std::vector<float> &weight,
                             const LayerGeometry &geometry,
                             const LayerInputGram &gram,
                             const SparseGptTarget &target,
                             const SparseGptOptions &options, std::string &why,
                             std::string *note = nullptr);

/// One layer for pruneWithSparseGpt.
struct SparseGptLayer {
  const WeightedLayer *layer;
  /// The layer's weight values, pruned in place.
  std::vector<float> *values;
  SparseGptTarget target;
  /// Set when SparseGPT pruned the layer. Otherwise a remark on the layer
  /// said why not, and the caller prunes it by magnitude.
  bool pruned = false;
};

/// Checks the sparsegpt options of a pruning pass; errors at `loc` start
/// with `tool`.
LogicalResult verifySparseGptOptions(Location loc, llvm::StringRef tool,
                                     llvm::StringRef data,
                                     llvm::StringRef stats, double damp,
                                     unsigned blockSize, double admmBudget);

/// Measures the inputs of `layers` on the samples of `source` and prunes
/// each with SparseGPT (options.sequential: see there). Fails, before any
/// value changes, when the data cannot be run or a layer's statistics cannot
/// be factored. The module is left as it was; the caller writes the pruned
/// values.
LogicalResult pruneWithSparseGpt(ModuleOp module,
                                 llvm::MutableArrayRef<SparseGptLayer> layers,
                                 const LayerDataSource &source,
                                 const SparseGptOptions &options);

} // namespace mlir::compress

#endif // COMPRESS_DIALECT_COMPRESS_TRANSFORMS_SPARSEGPT_H
