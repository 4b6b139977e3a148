//===- ObsSweep.h - the column sweep of SparseGPT and GPTQ ------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Both SparseGPT (pruning) and GPTQ (quantization) walk a layer's weight
// columns in order and move each weight w to a target t (0, or the nearest
// grid point); the error (w - t) / U_ii, times row i of U (the upper
// Cholesky factor of H^-1, H the input Gram matrix), is subtracted from the
// columns not visited yet. Also the damped Gram factorization the refits and
// low-rank factors share. Internal to the transforms library.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_TRANSFORMS_OBSSWEEP_H
#define COMPRESS_LIB_TRANSFORMS_OBSSWEEP_H

#include "mlir/Support/LLVM.h"

#include "compress/Dialect/Compress/Transforms/LayerStatistics.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <string>

namespace mlir::compress {

/// `h` as the sweeps use it: H_ii == 0 (an input zero on all of the data)
/// becomes 1, then `damp` times the mean diagonal is added to the diagonal.
void dampGram(Eigen::MatrixXd &h, double damp);

/// Prepares a group's weight rows `w` and Gram matrix `h` (H_ii == 0: the
/// input was always zero; H_ii becomes 1 and column i of w zero), damps H by
/// `damp` times its mean diagonal and returns the upper Cholesky factor of
/// H^-1, or failure with the reason in `why`.
FailureOr<Eigen::MatrixXd> prepareObs(Eigen::MatrixXd &w, Eigen::MatrixXd h,
                                      double damp, std::string &why);

/// The Cholesky factorization of group `group`'s H with `damp` times its
/// mean diagonal added, or failure with the reason in `why` (inputs zero on
/// all of the data, H not positive definite).
FailureOr<Eigen::LLT<Eigen::MatrixXd>>
factorDampedGram(const LayerInputGram &gram, int64_t group, double damp,
                 std::string &why);

/// The sweep: blocks of `blockSize` columns; `onBlock(begin, end)` runs at a
/// block's start, `onColumn(i)` before column i is visited, and
/// `target(r, i, value)` gives what w(r, i) (currently `value`) becomes.
void sweepColumns(Eigen::MatrixXd &w, const Eigen::MatrixXd &u,
                  int64_t blockSize,
                  function_ref<void(int64_t, int64_t)> onBlock,
                  function_ref<void(int64_t)> onColumn,
                  function_ref<double(int64_t, int64_t, double)> target);

} // namespace mlir::compress

#endif // COMPRESS_LIB_TRANSFORMS_OBSSWEEP_H
