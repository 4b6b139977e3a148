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
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
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

/// `element` (a uniform quantized type) with its quantized axis moved to
/// `axis`, or unchanged when it is per-tensor.
Type withAxis(Type element, int32_t axis) {
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element);
  if (!perAxis)
    return element;
  return quant::UniformQuantizedPerAxisType::get(
      perAxis.getFlags(), perAxis.getStorageType(), perAxis.getExpressedType(),
      perAxis.getScales(), perAxis.getZeroPoints(), axis,
      perAxis.getStorageTypeMin(), perAxis.getStorageTypeMax());
}

/// The storage integers of the quantized tensor `quantized`: the operand of
/// the quant.scast that made it, so that a constant stays a constant, or a
/// new quant.scast.
Value getStorage(OpBuilder &b, Location loc, Value quantized) {
  if (auto cast = quantized.getDefiningOp<quant::StorageCastOp>())
    if (isa<RankedTensorType>(cast.getInput().getType()))
      return cast.getInput();
  auto type = cast<RankedTensorType>(quantized.getType());
  return quant::StorageCastOp::create(b, loc, getStorageTensorType(type),
                                      quantized);
}

/// Where a reshape puts the quantized axis `axis` of its source: the result
/// dimension of the axis's group, when every other dimension of the group has
/// size 1 (a collapse merges source dimensions, an expand splits one).
std::optional<int32_t> reshapedAxis(tensor::CollapseShapeOp op, int32_t axis) {
  ArrayRef<int64_t> shape = op.getSrcType().getShape();
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
std::optional<int32_t> reshapedAxis(tensor::ExpandShapeOp op, int32_t axis) {
  ArrayRef<int64_t> shape = op.getResultType().getShape();
  ReassociationIndices group = op.getReassociationIndices()[axis];
  std::optional<int32_t> kept;
  for (int64_t dim : group) {
    if (shape[dim] == 1)
      continue;
    if (kept)
      return std::nullopt;
    kept = static_cast<int32_t>(dim);
  }
  // All unit: the axis (of size 1) may go to any of them.
  return kept ? kept : std::optional<int32_t>(group.front());
}

/// The reshape `op` applied to `source` (of the same shape as op's source),
/// with element type `element`.
Value cloneReshape(OpBuilder &b, tensor::CollapseShapeOp op, Value source,
                   Type element) {
  return tensor::CollapseShapeOp::create(b, op.getLoc(),
                                         op.getResultType().clone(element),
                                         source, op.getReassociationIndices());
}
Value cloneReshape(OpBuilder &b, tensor::ExpandShapeOp op, Value source,
                   Type element) {
  return tensor::ExpandShapeOp::create(
      b, op.getLoc(), op.getResultType().clone(element), source,
      op.getReassociationIndices(), op.getMixedOutputShape());
}

/// A reshape (collapse_shape or expand_shape) of a dequantize becomes the
/// dequantize of the reshaped quantized tensor: reshapes only move elements,
/// so they commute with per-tensor (de)quantization, and a flatten between a
/// convolution and a matmul then no longer hides the matmul's quantized
/// input. A per-axis type moves along when its axis is reshaped only with
/// unit dimensions (the [C, 1, KH, KW] -> [C, KH, KW] filter of a depthwise
/// convolution); the axis then becomes that group's dimension. A quant.scast
/// of storage integers is reshaped below the cast, so a constant weight
/// folds and stays recognizable as one.
template <typename ReshapeOp>
struct SinkDequantizeThroughReshape : public OpRewritePattern<ReshapeOp> {
  using OpRewritePattern<ReshapeOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto dequantize = op.getSrc().template getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return failure();
    RankedTensorType quantizedType = dequantize.getInput().getType();
    Type element = quantizedType.getElementType();
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
      std::optional<int32_t> axis =
          reshapedAxis(op, perAxis.getQuantizedDimension());
      if (!axis)
        return rewriter.notifyMatchFailure(
            op, "the quantized axis is reshaped with other dimensions");
      element = withAxis(element, *axis);
    } else if (!isa<quant::UniformQuantizedType>(element)) {
      return failure();
    }
    Location loc = op.getLoc();
    Value storage = getStorage(rewriter, loc, dequantize.getInput());
    Type storageElement =
        cast<RankedTensorType>(storage.getType()).getElementType();
    Value reshaped = cloneReshape(rewriter, op, storage, storageElement);
    Value quantized = quant::StorageCastOp::create(
        rewriter, loc, op.getResultType().clone(element), reshaped);
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, op.getResultType(),
                                              quantized);
    return success();
  }
};

/// The storage integers of the per-tensor quantize `op` applied to `source`
/// (the input of the data movement `op` reads) instead; failure, noted on
/// `op`, for a per-axis quantization.
FailureOr<Value> quantizeSourceStorage(PatternRewriter &rewriter, QuantizeOp op,
                                       Value source) {
  Type element = op.getOutput().getType().getElementType();
  if (!isa<quant::UniformQuantizedType>(element))
    return rewriter.notifyMatchFailure(op, "not a per-tensor quantization");
  auto sourceType = cast<RankedTensorType>(source.getType());
  Value quantized = QuantizeOp::create(rewriter, op.getLoc(),
                                       sourceType.clone(element), source);
  return getStorage(rewriter, op.getLoc(), quantized);
}

/// A per-tensor compress.quantize of a reshape becomes the reshape of the
/// quantized source, so that the layer producing the source meets its
/// quantize directly (an ONNX MatMul of 3-D activations is a matmul between
/// a collapse and an expand). Only a reshape nothing else reads moves.
template <typename ReshapeOp>
struct HoistQuantizeAboveReshape : public OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto reshape = op.getInput().getDefiningOp<ReshapeOp>();
    if (!reshape || !reshape->hasOneUse())
      return failure();
    FailureOr<Value> storage =
        quantizeSourceStorage(rewriter, op, reshape.getSrc());
    if (failed(storage))
      return failure();
    Value reshaped = cloneReshape(
        rewriter, reshape, *storage,
        cast<RankedTensorType>(storage->getType()).getElementType());
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(
        op, op.getOutput().getType(), reshaped);
    return success();
  }
};

/// linalg.transpose of a dequantize becomes the dequantize of the transposed
/// storage integers (a per-axis type's axis follows the permutation), so
/// that a transpose between two quantized layers (attention heads) moves
/// bytes instead of floats and no longer hides the second layer's quantized
/// input.
struct SinkDequantizeThroughTranspose
    : public OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  /// The transposed 8-bit storage constant, so that a transposed weight
  /// stays a constant the fusion recognizes; null for anything else.
  static Value transposeConstant(OpBuilder &b, Location loc, Value storage,
                                 RankedTensorType resultType,
                                 ArrayRef<int64_t> permutation) {
    DenseIntElementsAttr values;
    if (!matchPattern(storage, m_Constant(&values)) ||
        !values.getElementType().isInteger(8) || !resultType.hasStaticShape())
      return nullptr;
    auto type = resultType.clone(values.getElementType());
    if (values.isSplat())
      return arith::ConstantOp::create(b, loc, values.reshape(type));
    ArrayRef<char> source = values.getRawData();
    ArrayRef<int64_t> sourceShape = values.getType().getShape();
    SmallVector<int64_t> sourceStrides(sourceShape.size(), 1);
    for (int64_t d = int64_t(sourceShape.size()) - 2; d >= 0; --d)
      sourceStrides[d] = sourceStrides[d + 1] * sourceShape[d + 1];
    std::vector<char> bytes(source.size());
    forEachIndex(type.getShape(), [&](ArrayRef<int64_t> index, int64_t linear) {
      int64_t from = 0;
      for (auto [dim, perm] : llvm::enumerate(permutation))
        from += index[dim] * sourceStrides[perm];
      bytes[linear] = source[from];
    });
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::getFromRawBuffer(type, bytes));
  }

  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    auto dequantize = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return failure();
    RankedTensorType quantizedType = dequantize.getInput().getType();
    Type element = quantizedType.getElementType();
    ArrayRef<int64_t> permutation = op.getPermutation();
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
      const auto *it =
          llvm::find(permutation, int64_t(perAxis.getQuantizedDimension()));
      element = withAxis(element, int32_t(it - permutation.begin()));
    } else if (!isa<quant::UniformQuantizedType>(element)) {
      return failure();
    }
    Location loc = op.getLoc();
    Value storage = getStorage(rewriter, loc, dequantize.getInput());
    auto resultType = cast<RankedTensorType>(op.getResult()[0].getType());
    Type storageElement =
        cast<RankedTensorType>(storage.getType()).getElementType();
    Value transposed =
        transposeConstant(rewriter, loc, storage, resultType, permutation);
    if (!transposed) {
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, loc, op.getInit());
      Value init =
          tensor::EmptyOp::create(rewriter, loc, sizes, storageElement);
      transposed =
          linalg::TransposeOp::create(rewriter, loc, storage, init, permutation)
              .getResult()[0];
    }
    Value quantized = quant::StorageCastOp::create(
        rewriter, loc, resultType.clone(element), transposed);
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, resultType, quantized);
    return success();
  }
};

/// A per-tensor compress.quantize of a linalg.transpose becomes the
/// transpose of the quantized source's storage integers, so that the layer
/// before the transpose (a projection split into attention heads) meets its
/// quantize. Only a transpose nothing else reads moves.
struct HoistQuantizeAboveTranspose : public OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto transpose = op.getInput().getDefiningOp<linalg::TransposeOp>();
    if (!transpose || !transpose.hasPureTensorSemantics() ||
        !transpose->hasOneUse())
      return failure();
    FailureOr<Value> storage =
        quantizeSourceStorage(rewriter, op, transpose.getInput());
    if (failed(storage))
      return failure();
    Location loc = op.getLoc();
    Type storageElement =
        cast<RankedTensorType>(storage->getType()).getElementType();
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, transpose.getInit());
    Value init = tensor::EmptyOp::create(rewriter, loc, sizes, storageElement);
    Value transposed =
        linalg::TransposeOp::create(rewriter, loc, *storage, init,
                                    transpose.getPermutation())
            .getResult()[0];
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(
        op, op.getOutput().getType(), transposed);
    return success();
  }
};

/// Whether the reshape feeding `operand` (of an elementwise generic) should
/// fold into the generic, which then runs on the reshape's source: only an
/// expand_shape of a matmul-like layer's single-use result, so that the
/// bias add an ONNX MatMul of 3-D activations is followed by (a 3-D add
/// after the layer's expand) joins the layer's epilogue, in the layer's
/// shape.
bool foldsLayerReshape(OpOperand *operand) {
  auto expand = operand->get().getDefiningOp<tensor::ExpandShapeOp>();
  auto generic = dyn_cast<linalg::GenericOp>(operand->getOwner());
  if (!expand || !generic || generic.getNumReductionLoops() != 0 ||
      !expand->hasOneUse() || !expand.getSrc().hasOneUse())
    return false;
  auto layer = expand.getSrc().getDefiningOp<linalg::LinalgOp>();
  return layer && linalg::isaContractionOpInterface(layer) &&
         layer.hasPureTensorSemantics();
}

void sinkDequantizeThroughReshapes(Operation *root) {
  RewritePatternSet patterns(root->getContext());
  compress::populateSinkDequantizeThroughReshapePatterns(patterns);
  patterns.add<HoistQuantizeAboveTranspose>(root->getContext());
  linalg::populateFoldReshapeOpsByCollapsingPatterns(patterns,
                                                     foldsLayerReshape);
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
  patterns.add<SinkDequantizeThroughReshape<tensor::CollapseShapeOp>,
               SinkDequantizeThroughReshape<tensor::ExpandShapeOp>,
               HoistQuantizeAboveReshape<tensor::CollapseShapeOp>,
               HoistQuantizeAboveReshape<tensor::ExpandShapeOp>,
               SinkDequantizeThroughTranspose>(patterns.getContext());
}
