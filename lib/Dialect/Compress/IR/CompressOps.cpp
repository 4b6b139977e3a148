//===- CompressOps.cpp - compress operations ------------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::compress;

/// Checks what the quant type's own verifier may not (types built in C++ with
/// `get` skip it) and what relates the quantized type to the op: the expressed
/// type, the quantized dimension and the per-axis parameter count.
static LogicalResult verifyQuantizedFloatPair(Operation *op,
                                              RankedTensorType quantizedType,
                                              RankedTensorType floatType) {
  std::optional<UniformQuantInfo> info = UniformQuantInfo::get(
      quantizedType.getElementType(), /*allowSubChannel=*/true);
  if (!info)
    return op->emitOpError("expected a !quant.uniform element type, got ")
           << quantizedType.getElementType();

  if (info->expressedType != floatType.getElementType())
    return op->emitOpError("expressed type ")
           << info->expressedType << " of the quantized type must equal the "
           << "float element type " << floatType.getElementType();

  // Quantized values are computed in f32, which holds every 16-bit integer
  // exactly but not every 32-bit one.
  if (info->storageWidth > 16)
    return op->emitOpError("storage type of ")
           << info->storageWidth
           << " bits is not supported; use at most 16 (i4, i8, u8, i16)";

  for (auto [i, scale] : llvm::enumerate(info->scales)) {
    if (!(scale > 0.0) || !std::isfinite(scale))
      return op->emitOpError("scale ")
             << (info->scales.size() > 1 ? "#" + std::to_string(i) + " " : "")
             << "must be positive and finite, got " << scale;
    if (!(float(scale) > 0.0f) || !std::isfinite(float(scale)))
      return op->emitOpError("scale ")
             << scale << " is not representable as a positive finite f32";
  }
  for (int64_t zeroPoint : info->zeroPoints) {
    if (zeroPoint < info->range.qmin || zeroPoint > info->range.qmax)
      return op->emitOpError("zero point ")
             << zeroPoint << " is outside the storage range ["
             << info->range.qmin << ", " << info->range.qmax << "]";
  }

  if (info->isPerAxis()) {
    int64_t rank = quantizedType.getRank();
    int32_t axis = *info->axis;
    if (axis < 0 || axis >= rank)
      return op->emitOpError("quantized dimension ")
             << axis << " is out of range for a tensor of rank " << rank;
    int64_t dimSize = quantizedType.getDimSize(axis);
    if (!ShapedType::isDynamic(dimSize) &&
        dimSize != int64_t(info->scales.size()))
      return op->emitOpError("per-axis quantized type has ")
             << info->scales.size() << " scales but dimension " << axis
             << " has size " << dimSize;
  }
  if (info->isSubChannel()) {
    int64_t rank = quantizedType.getRank();
    if (int64_t(info->paramShape.size()) != rank)
      return op->emitOpError("sub-channel parameters have rank ")
             << info->paramShape.size() << " but the tensor has rank " << rank;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t block = info->blockSizes[d], size = quantizedType.getDimSize(d);
      int64_t params = info->paramShape[d];
      if (block == 0) {
        if (params != 1)
          return op->emitOpError("dimension ")
                 << d << " has no block size, so the parameters need size 1 "
                 << "along it, got " << params;
        continue;
      }
      if (ShapedType::isDynamic(size))
        return op->emitOpError("blocked dimension ")
               << d << " must be static in a sub-channel quantized tensor";
      if (block < 1 || size % block != 0)
        return op->emitOpError("dimension ")
               << d << " of size " << size
               << " is not a multiple of its block size " << block;
      if (size / block != params)
        return op->emitOpError("dimension ")
               << d << " of size " << size << " in blocks of " << block
               << " needs " << size / block << " parameters along it, got "
               << params;
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// QuantizeOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  return verifyQuantizedFloatPair(*this, getOutput().getType(),
                                  getInput().getType());
}

/// Whether (q - zp) * s stays finite in f32 for every storable q, so that
/// dequantizing never produces an infinity that requantizes to a bound.
static bool dequantizesToFiniteValues(const UniformQuantInfo &info) {
  for (auto [scale, zeroPoint] : llvm::zip(info.scales, info.zeroPoints)) {
    int64_t widest =
        std::max(info.range.qmax - zeroPoint, zeroPoint - info.range.qmin);
    if (!std::isfinite(float(widest) * float(scale)))
      return false;
  }
  return true;
}

/// quantize(dequantize(q)) == q when both use the same type: (q - zp) * s / s
/// rounds back to q - zp exactly in f32 for storage up to 16 bits, provided
/// the product does not overflow.
OpFoldResult QuantizeOp::fold(FoldAdaptor) {
  auto dequantize = getInput().getDefiningOp<DequantizeOp>();
  if (!dequantize || dequantize.getInput().getType() != getOutput().getType())
    return {};
  std::optional<UniformQuantInfo> info =
      UniformQuantInfo::get(getOutput().getType().getElementType());
  if (!info || !info->expressedType.isF32() || info->storageWidth > 16 ||
      !dequantizesToFiniteValues(*info))
    return {};
  return dequantize.getInput();
}

namespace {
/// quantize(arith.constant) -> quant.scast(arith.constant of storage values),
/// computed with the same arithmetic as the lowered op. (PyTorch's QAT
/// exports weights this way: QuantizeLinear of a float initializer.)
struct FoldConstantQuantize : public OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    // Imported weights are often dense_resource blobs: read those too.
    Attribute constant;
    if (!matchPattern(op.getInput(), m_Constant(&constant)))
      return rewriter.notifyMatchFailure(op, "input is not a constant");
    DenseElementsAttr values = getDenseFloatElements(constant);
    if (!values)
      return rewriter.notifyMatchFailure(op, "input is not a float constant");
    RankedTensorType resultType = op.getOutput().getType();
    std::optional<UniformQuantInfo> info = UniformQuantInfo::get(
        resultType.getElementType(), /*allowSubChannel=*/true);
    if (!info)
      return failure();
    DenseElementsAttr quantized = quantizeElements(values, *info);
    rewriter.replaceOp(op, createQuantizedConstant(rewriter, op.getLoc(),
                                                   quantized, resultType));
    return success();
  }
};
} // namespace

void QuantizeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                             MLIRContext *context) {
  results.add<FoldConstantQuantize>(context);
}

//===----------------------------------------------------------------------===//
// DequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult DequantizeOp::verify() {
  return verifyQuantizedFloatPair(*this, getInput().getType(),
                                  getOutput().getType());
}

//===----------------------------------------------------------------------===//
// ObserveOp
//===----------------------------------------------------------------------===//

LogicalResult ObserveOp::verify() {
  FloatAttr min = getMinAttr(), max = getMaxAttr();
  if (bool(min) != bool(max))
    return emitOpError("needs both 'min' and 'max' or neither");
  if (min && !(min.getValueAsDouble() <= max.getValueAsDouble()))
    return emitOpError("recorded range is empty or NaN: min = ")
           << min.getValueAsDouble() << ", max = " << max.getValueAsDouble();
  return success();
}

//===----------------------------------------------------------------------===//
// FakeQuantOp
//===----------------------------------------------------------------------===//

QuantRange FakeQuantOp::getQuantRange() {
  unsigned bits = getBits();
  QuantRange range = QuantRange::full(bits, getIsSigned());
  if (getNarrowRange())
    ++range.qmin;
  return range;
}

LogicalResult FakeQuantOp::verify() {
  int64_t bits = getBits();
  if (bits < 2 || bits > 16)
    return emitOpError("'bits' must be in [2, 16], got ") << bits;
  RankedTensorType rangeType = getMin().getType();
  RankedTensorType inputType = getInput().getType();
  if (!getAxis()) {
    if (rangeType.getRank() != 0)
      return emitOpError("per-tensor ranges must be 0-D tensors, got ")
             << rangeType << "; set 'axis' for per-axis ranges";
    return success();
  }
  int64_t axis = *getAxis();
  if (axis < 0 || axis >= inputType.getRank())
    return emitOpError("axis ")
           << axis << " is out of range for a tensor of rank "
           << inputType.getRank();
  if (rangeType.getRank() != 1)
    return emitOpError("per-axis ranges must be 1-D tensors, got ")
           << rangeType;
  int64_t dim = inputType.getDimSize(axis), count = rangeType.getDimSize(0);
  if (!ShapedType::isDynamic(dim) && !ShapedType::isDynamic(count) &&
      dim != count)
    return emitOpError("per-axis ranges have ")
           << count << " entries but dimension " << axis << " has size " << dim;
  return success();
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult RequantizeOp::verify() {
  RankedTensorType resultType = getOutput().getType();
  auto quantType =
      dyn_cast<quant::UniformQuantizedType>(resultType.getElementType());
  if (!quantType)
    return emitOpError("result must have a per-tensor !quant.uniform element "
                       "type, got ")
           << resultType.getElementType();
  std::optional<UniformQuantInfo> info = UniformQuantInfo::get(quantType);
  if (info->storageWidth > 16)
    return emitOpError("storage type of ")
           << info->storageWidth
           << " bits is not supported; use at most 16 (i4, i8, u8, i16)";
  if (info->zeroPoints.front() < info->range.qmin ||
      info->zeroPoints.front() > info->range.qmax)
    return emitOpError("zero point ")
           << info->zeroPoints.front() << " is outside the storage range ["
           << info->range.qmin << ", " << info->range.qmax << "]";

  ArrayRef<double> scales = getInputScales();
  for (double scale : scales)
    if (!(scale > 0.0) || !std::isfinite(scale))
      return emitOpError("input scales must be positive and finite, got ")
             << scale;
  if (auto axis = getAxis()) {
    int64_t rank = getInput().getType().getRank();
    // The accessor gives the signed attribute's value as unsigned.
    int64_t signedAxis = int64_t(*axis);
    if (signedAxis < 0 || signedAxis >= rank)
      return emitOpError("axis ")
             << signedAxis << " is out of range for a tensor of rank " << rank;
    int64_t dim = getInput().getType().getDimSize(*axis);
    if (!ShapedType::isDynamic(dim) && dim != int64_t(scales.size()))
      return emitOpError("has ")
             << scales.size() << " input scales but dimension " << *axis
             << " has size " << dim;
  } else if (scales.size() != 1) {
    return emitOpError("per-tensor requantization takes 1 input scale, got ")
           << scales.size() << "; set 'axis' for per-channel scales";
  }
  if (getRounding() != "fixed_point" && getRounding() != "float")
    return emitOpError("'rounding' must be \"fixed_point\" or \"float\", got "
                       "\"")
           << getRounding() << "\"";
  // The generated getters return the attributes' values as uint64_t; the
  // bounds are signed.
  IntegerAttr clampMin = getClampMinAttr(), clampMax = getClampMaxAttr();
  if (clampMin && clampMax && clampMin.getInt() > clampMax.getInt())
    return emitOpError("clamp_min ")
           << clampMin.getInt() << " is greater than clamp_max "
           << clampMax.getInt();
  return success();
}

#define GET_OP_CLASSES
#include "compress/Dialect/Compress/IR/CompressOps.cpp.inc"
