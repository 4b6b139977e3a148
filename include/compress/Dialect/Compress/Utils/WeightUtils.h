//===- WeightUtils.h - finding and reading layer weights --------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// What the weight of a matmul or convolution is, and which of its dimensions
// are the output channel and the reduction channel. Shared by weight
// quantization, pruning and the compression report.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_UTILS_WEIGHTUTILS_H
#define COMPRESS_UTILS_WEIGHTUTILS_H

#include "compress/Dialect/Compress/Utils/WeightValues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <optional>
#include <string>

namespace mlir::compress {

/// f32, f16 or bf16.
bool isCompressibleFloat(Type type);

/// The float constant input of a layer op and the op's other input.
struct WeightOperand {
  OpOperand *operand;
  OpOperand *other;
  arith::ConstantOp constant;
  /// The constant's elements, read in place (also from a resource).
  WeightValues values;
};

/// Why findWeightOperand failed.
enum class NoWeightReason { NoConstantInput, BothInputsConstant };

/// The input of `op` that is a dense f32/f16/bf16 constant (also read from a
/// `dense_resource`), provided exactly one of its two inputs is one.
FailureOr<WeightOperand> findWeightOperand(linalg::LinalgOp op,
                                           NoWeightReason *reason = nullptr);

/// The weight dimension that indexes the output and not the other input: the
/// output channel. If several dimensions index the output, the one absent
/// from the other input wins (the N of batch_matmul, not its batch); a single
/// output-indexing dimension is taken even when the other input uses it too
/// (the channel of a depthwise filter). Empty for linalg.conv_2d.
std::optional<int32_t> findOutputChannelAxis(linalg::LinalgOp op,
                                             const WeightOperand &weight);

/// The weight dimension summed over together with a dimension of the other
/// input (K of a matmul, C of a convolution filter): not in the output, and
/// indexed by the same loop dimension, as a plain dimension, in both inputs.
std::optional<int32_t> findReductionChannelAxis(linalg::LinalgOp op,
                                                const WeightOperand &weight);

/// The per-output-channel bias `layer`'s result goes through: its single use
/// is an elementwise `linalg.generic` adding (`arith.addf`) an f32 constant
/// of `rows` elements indexed by the layer's output channel (the one loop in
/// the weight and the output but not the other input), the form ONNX
/// Conv/Gemm biases import to. Returns that constant operand, or null.
OpOperand *findBiasOperand(linalg::LinalgOp layer, const WeightOperand &weight,
                           int64_t rows);

/// A name for `op` in diagnostics and reports: its NameLoc, else
/// "file:line:col" (file name without directories), else "<op name>#<index>".
std::string getLayerName(Operation *op, unsigned index);

} // namespace mlir::compress

#endif // COMPRESS_UTILS_WEIGHTUTILS_H
