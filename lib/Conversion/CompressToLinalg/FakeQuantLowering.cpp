//===- FakeQuantLowering.cpp - compress.fake_quant to linalg.generic ------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Fake quantization with ranges known only at run time (learned ranges in a
// training graph): the scale and zero point are computed per element from
// the range, in f32, exactly as computeFakeQuantParams does at compile time,
// so that folding a constant-range fake_quant changes nothing.
//
//===----------------------------------------------------------------------===//

#include "compress/Conversion/CompressToLinalg/CompressToLinalg.h"
#include "compress/Dialect/Compress/IR/CompressOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::compress;

namespace {

Value f32Constant(OpBuilder &b, Location loc, double value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(float(value)));
}

Value clampF32(OpBuilder &b, Location loc, Value v, Value lo, Value hi) {
  return arith::MinNumFOp::create(b, loc,
                                  arith::MaxNumFOp::create(b, loc, v, lo), hi);
}

/// y = fake_quant(x) for one element with the range [min, max].
Value buildFakeQuantScalar(OpBuilder &b, Location loc, Value x, Value min,
                           Value max, QuantRange range, Type resultType) {
  Type f32 = b.getF32Type();
  if (x.getType() != f32)
    x = arith::ExtFOp::create(b, loc, f32, x);
  Value zero = f32Constant(b, loc, 0.0);
  Value one = f32Constant(b, loc, 1.0);
  Value qmin = f32Constant(b, loc, double(range.qmin));
  Value qmax = f32Constant(b, loc, double(range.qmax));
  Value smallestNormal =
      f32Constant(b, loc, double(std::numeric_limits<float>::min()));

  // Parameters: widen to include 0, scale, zero point; an empty range gets
  // scale 1 and the zero point closest to 0.
  Value lo = arith::MinNumFOp::create(b, loc, min, zero);
  Value hi = arith::MaxNumFOp::create(b, loc, max, zero);
  Value width = arith::SubFOp::create(b, loc, hi, lo);
  Value steps = f32Constant(b, loc, double(range.qmax - range.qmin));
  Value rawScale = arith::MaxNumFOp::create(
      b, loc, arith::DivFOp::create(b, loc, width, steps), smallestNormal);
  Value empty =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, hi, lo);
  Value scale = arith::SelectOp::create(b, loc, empty, one, rawScale);
  Value shift = math::RoundEvenOp::create(
      b, loc, arith::DivFOp::create(b, loc, lo, scale));
  Value rawZeroPoint =
      clampF32(b, loc, arith::SubFOp::create(b, loc, qmin, shift), qmin, qmax);
  Value emptyZeroPoint = clampF32(b, loc, zero, qmin, qmax);
  Value zeroPoint =
      arith::SelectOp::create(b, loc, empty, emptyZeroPoint, rawZeroPoint);

  // Quantize (NaN to the zero point) and dequantize.
  Value q = clampF32(b, loc,
                     arith::AddFOp::create(
                         b, loc,
                         math::RoundEvenOp::create(
                             b, loc, arith::DivFOp::create(b, loc, x, scale)),
                         zeroPoint),
                     qmin, qmax);
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  q = arith::SelectOp::create(b, loc, isNan, zeroPoint, q);
  Value y = arith::MulFOp::create(
      b, loc, arith::SubFOp::create(b, loc, q, zeroPoint), scale);
  if (resultType != f32)
    y = arith::TruncFOp::create(b, loc, resultType, y);
  return y;
}

struct FakeQuantOpLowering : public OpConversionPattern<FakeQuantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(FakeQuantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getInput().getType();
    int64_t rank = type.getRank();
    MLIRContext *ctx = rewriter.getContext();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap rangeMap =
        op.getAxis()
            ? AffineMap::get(rank, 0, rewriter.getAffineDimExpr(*op.getAxis()),
                             ctx)
            : AffineMap::get(rank, 0, {}, ctx);

    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(
            tensor::DimOp::create(rewriter, loc, adaptor.getInput(), d));
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                         type.getElementType(), dynamicSizes);
    QuantRange range = op.getQuantRange();
    Type elementType = type.getElementType();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type,
        ValueRange{adaptor.getInput(), adaptor.getMin(), adaptor.getMax()},
        ValueRange{init},
        ArrayRef<AffineMap>{identity, rangeMap, rangeMap, identity},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
          Value y = buildFakeQuantScalar(b, nestedLoc, args[0], args[1],
                                         args[2], range, elementType);
          linalg::YieldOp::create(b, nestedLoc, y);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlir::compress::populateFakeQuantToLinalgPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<FakeQuantOpLowering>(typeConverter, patterns.getContext());
}
