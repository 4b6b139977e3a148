//===- FuseQDQ.cpp - compress-fuse-qdq ------------------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Rewrites `dequantize -> float layer -> [epilogue] -> quantize` chains into
// integer arithmetic on the storage integers followed by compress.requantize.
//
// The integer program is the quantized model as integer runtimes (TFLite,
// gemmlowp, ONNX QLinear*) define it: the layer's sum of products of
// dequantized values becomes the exact i32 sum of products of centered
// storage integers, sum (x - zx)(w - zw), whose real value is that sum times
// s_x * s_w; the float bias becomes round_half_to_even(b / (s_x * s_w)) in
// the same units; compress.requantize maps the accumulator to the output's
// type. Everything that is exact stays exact:
//
// - Zero points. With a constant weight, sum (x - zx)(w - zw) =
//   sum x (w - zw) - zx * sum (w - zw). The second sum depends only on the
//   output channel (every window of a named convolution is full), so it is
//   folded with the bias into one i32 constant the accumulator starts from,
//   and the kernel multiplies raw storage integers. When zw is 0 (the usual
//   symmetric weights) the weight stays the original i8 constant. Without a
//   constant operand both zero points are subtracted inside the kernel.
// - Overflow. Every chain is checked against the largest accumulator its
//   operand ranges allow; i32 additions wrap, so intermediate sums of the
//   raw-storage form may wrap as long as the final value fits, which the
//   check proves.
// - ReLU, ReLU6 and clamps. compress.quantize is monotone, so
//   quantize(clamp(y, lo, hi)) == clamp(quantize(y), quantize(lo),
//   quantize(hi)) for every y: the clamp becomes requantize's clamp_min /
//   clamp_max, computed with compress.quantize's own arithmetic. This holds
//   for any constant bounds, not only 0 and 6.
// - Padding. A tensor.pad of the dequantized activation becomes a pad of the
//   storage integers with the integer that dequantizes exactly to the pad
//   value (the zero point for 0.0); other pad values are not fused, except
//   for max pooling, where quantize(pad value) is exact by monotonicity
//   (-inf pads with qmin).
// - Max pooling commutes with the monotone quantize, so it runs on storage
//   integers when its input and output types are equal. Average pooling sums
//   centered integers and requantizes with s_x times the divisor's inverse.
//
// Two parts approximate the float graph the way every integer runtime does,
// and are stated here so nobody mistakes them for exact: the bias is rounded
// to the accumulator's units (a constant scale factor in the epilogue is
// folded into the requantization scale in f64), and the elementwise add
// rescales both inputs to a common scale s_c = max(s_a, s_b) / 2^N with
// integer multipliers round(s / s_c) (N as large as keeps the sum within
// 2^30: 21 for two u8 inputs), so the accumulator is within
// (|a - za| + |b - zb|) * s_c / 2 of the exact sum before requantization.
//
// Anything else is left unchanged with a remark at the op that prevents it.
//
//===----------------------------------------------------------------------===//

#include "FuseQDQ.h"

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Utils/LayerKinds.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"
#include "compress/Dialect/Compress/Utils/WeightUtils.h"
#include "compress/Utils/QuantParams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

#include <cmath>
#include <limits>

#define DEBUG_TYPE "compress-fuse-qdq"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSFUSEQDQ
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

using namespace mlir::compress::fuseqdq;

namespace {

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// collapse_shape of a dequantize becomes the dequantize of the collapsed
/// quantized tensor: reshapes only move elements, so they commute with
/// per-tensor (de)quantization, and a flatten between a convolution and a
/// matmul then no longer hides the matmul's quantized input. A per-axis type
/// moves along when its axis is collapsed only with unit dimensions (the
/// [C, 1, KH, KW] -> [C, KH, KW] filter of a depthwise convolution); the
/// axis then becomes that group's result dimension.
struct SinkDequantizeThroughCollapse
    : public OpRewritePattern<tensor::CollapseShapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::CollapseShapeOp op,
                                PatternRewriter &rewriter) const override {
    auto dequantize = op.getSrc().getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return failure();
    RankedTensorType quantizedType = dequantize.getInput().getType();
    Type element = quantizedType.getElementType();
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
      std::optional<int32_t> axis = collapsedAxis(
          op, quantizedType.getShape(), perAxis.getQuantizedDimension());
      if (!axis)
        return rewriter.notifyMatchFailure(
            op, "the quantized axis is merged with other dimensions");
      element = quant::UniformQuantizedPerAxisType::get(
          perAxis.getFlags(), perAxis.getStorageType(),
          perAxis.getExpressedType(), perAxis.getScales(),
          perAxis.getZeroPoints(), *axis, perAxis.getStorageTypeMin(),
          perAxis.getStorageTypeMax());
    } else if (!isa<quant::UniformQuantizedType>(element)) {
      return failure();
    }
    RankedTensorType resultType = op.getResultType();
    Value reshaped;
    auto storageCast =
        dequantize.getInput().getDefiningOp<quant::StorageCastOp>();
    if (storageCast &&
        isa<RankedTensorType>(storageCast.getInput().getType())) {
      // Collapse the storage integers (a constant weight folds, and stays
      // recognizable as one) and cast the result.
      auto storage = cast<RankedTensorType>(storageCast.getInput().getType());
      Value collapsed = tensor::CollapseShapeOp::create(
          rewriter, op.getLoc(), resultType.clone(storage.getElementType()),
          storageCast.getInput(), op.getReassociationIndices());
      reshaped = quant::StorageCastOp::create(
          rewriter, op.getLoc(), resultType.clone(element), collapsed);
    } else {
      reshaped = tensor::CollapseShapeOp::create(
          rewriter, op.getLoc(), resultType.clone(element),
          dequantize.getInput(), op.getReassociationIndices());
    }
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, resultType, reshaped);
    return success();
  }

private:
  /// The result dimension of `axis` when every other source dimension of its
  /// group has size 1.
  static std::optional<int32_t> collapsedAxis(tensor::CollapseShapeOp op,
                                              ArrayRef<int64_t> shape,
                                              int32_t axis) {
    for (auto [result, group] : llvm::enumerate(op.getReassociationIndices())) {
      if (!llvm::is_contained(group, axis))
        continue;
      for (int64_t dim : group)
        if (dim != axis && shape[dim] != 1)
          return std::nullopt;
      return static_cast<int32_t>(result);
    }
    return std::nullopt;
  }
};

void sinkDequantizeThroughReshapes(Operation *root) {
  RewritePatternSet patterns(root->getContext());
  compress::populateSinkDequantizeThroughReshapePatterns(patterns);
  // Weights quantized at run time (QuantizeLinear of a float initializer, as
  // PyTorch exports QAT models) become quantized constants first.
  QuantizeOp::getCanonicalizationPatterns(patterns, root->getContext());
  (void)applyPatternsGreedily(root, std::move(patterns));
}

struct FuseQDQPass : public compress::impl::CompressFuseQDQBase<FuseQDQPass> {
  using CompressFuseQDQBase::CompressFuseQDQBase;

  void runOnOperation() override;
};

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

/// Whether `value` is a compress.dequantize result, possibly padded.
bool isDequantized(Value value) {
  if (auto pad = value.getDefiningOp<tensor::PadOp>())
    value = pad.getSource();
  return value.getDefiningOp<DequantizeOp>() != nullptr;
}

/// An elementwise generic or linalg.add with two dequantized inputs.
bool isAddCandidate(linalg::LinalgOp op) {
  if (!isa<linalg::GenericOp, linalg::AddOp>(op) || op.getNumDpsInputs() != 2)
    return false;
  return llvm::all_of(op.getDpsInputOperands(), [](OpOperand *input) {
    return isDequantized(input->get());
  });
}

/// Ops the pass tries to rewrite (and explains when it cannot): layers with a
/// dequantized input, and adds of two dequantized tensors.
bool isCandidate(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op->getNumResults() != 1)
    return false;
  if (isWeightedLayer(op) || isMaxPooling(op) || isSumPooling(op))
    return llvm::any_of(op.getDpsInputOperands(), [](OpOperand *input) {
      return isDequantized(input->get());
    });
  return isAddCandidate(op);
}

void FuseQDQPass::runOnOperation() {
  sinkDequantizeThroughReshapes(getOperation());
  fuseqdq::FusionContext context;
  context.rounding = getOptionSpelling(rounding).str();

  // Candidates are collected first: rewriting erases ops.
  SmallVector<linalg::LinalgOp> candidates;
  getOperation()->walk([&](linalg::LinalgOp op) {
    if (isCandidate(op))
      candidates.push_back(op);
  });

  for (linalg::LinalgOp op : candidates) {
    if (isMaxPooling(op))
      (void)fuseqdq::fuseMaxPooling(op, context);
    else if (isSumPooling(op))
      (void)fuseqdq::fuseSumPooling(op, context);
    else if (isWeightedLayer(op))
      (void)fuseqdq::fuseContraction(op, context);
    else
      (void)fuseqdq::fuseElementwiseAdd(op, context);
  }
  numFused += context.fused;
}

} // namespace

void mlir::compress::populateSinkDequantizeThroughReshapePatterns(
    RewritePatternSet &patterns) {
  patterns.add<SinkDequantizeThroughCollapse>(patterns.getContext());
}
