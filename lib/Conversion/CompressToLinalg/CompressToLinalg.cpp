//===- CompressToLinalg.cpp - compress ops to linalg.generic --------------===//
//
// Quantized tensors become tensors of their storage integers; quantize and
// dequantize become elementwise linalg.generic ops with the exact rounding and
// saturation the ops specify.
//
//===----------------------------------------------------------------------===//

#include "compress/Conversion/CompressToLinalg/CompressToLinalg.h"
#include "compress/Conversion/Passes.h"
#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Utils/QuantTypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#define DEBUG_TYPE "convert-compress-to-linalg"

namespace mlir::compress {
#define GEN_PASS_DEF_CONVERTCOMPRESSTOLINALG
#include "compress/Conversion/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

QuantStorageTypeConverter::QuantStorageTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](quant::QuantizedType type) -> Type {
    return IntegerType::get(type.getContext(),
                            type.getStorageTypeIntegralWidth());
  });
  addConversion(
      [](RankedTensorType type) -> Type { return getStorageTensorType(type); });
}

namespace {

/// Per-element scale and zero point inside a linalg.generic body: either
/// values captured from above (per-tensor) or block arguments fed by 1-D
/// parameter tensors indexed by the quantized dimension (per-axis).
struct ParamOperands {
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
};

/// Builds the `ins` of a linalg.generic that carry one scale and one zero
/// point per index of the quantized dimension.
ParamOperands buildPerAxisParams(OpBuilder &b, Location loc,
                                 const UniformQuantInfo &info, int64_t rank,
                                 Type zeroPointType) {
  ParamOperands params;
  int64_t count = info.scales.size();
  SmallVector<float> scales(info.scales.begin(), info.scales.end());
  auto scaleType = RankedTensorType::get({count}, b.getF32Type());
  params.inputs.push_back(arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(scaleType, ArrayRef<float>(scales))));

  auto zpTensorType = RankedTensorType::get({count}, zeroPointType);
  SmallVector<Attribute> zeroPoints;
  for (int64_t zp : info.zeroPoints)
    zeroPoints.push_back(isa<FloatType>(zeroPointType)
                             ? Attribute(b.getFloatAttr(zeroPointType, zp))
                             : Attribute(b.getIntegerAttr(zeroPointType, zp)));
  params.inputs.push_back(arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(zpTensorType, zeroPoints)));

  AffineMap axisMap =
      AffineMap::get(rank, 0, b.getAffineDimExpr(*info.axis), b.getContext());
  params.maps.assign(2, axisMap);
  return params;
}

/// An empty tensor shaped like `like` (dynamic sizes included).
Value buildEmptyLike(OpBuilder &b, Location loc, Value like, Type elementType) {
  auto type = cast<RankedTensorType>(like.getType());
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamicSizes.push_back(tensor::DimOp::create(b, loc, like, d));
  return tensor::EmptyOp::create(b, loc, type.getShape(), elementType,
                                 dynamicSizes);
}

/// Wraps `bodyBuilder(builder, loc, input, scale, zeroPoint)` into an
/// elementwise linalg.generic over `input` producing `resultElementType`.
Value buildElementwise(
    OpBuilder &b, Location loc, Value input, Type resultElementType,
    const UniformQuantInfo &info, Type zeroPointType,
    function_ref<Value(OpBuilder &, Location, Value, Value, Value)> body) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t rank = inputType.getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);

  SmallVector<Value> inputs{input};
  SmallVector<AffineMap> maps{identity};
  Value scale, zeroPoint;
  if (info.isPerAxis()) {
    ParamOperands params =
        buildPerAxisParams(b, loc, info, rank, zeroPointType);
    llvm::append_range(inputs, params.inputs);
    llvm::append_range(maps, params.maps);
  } else {
    scale = arith::ConstantOp::create(
        b, loc, b.getF32FloatAttr(float(info.scales.front())));
    zeroPoint = arith::ConstantOp::create(
        b, loc,
        isa<FloatType>(zeroPointType)
            ? TypedAttr(b.getFloatAttr(zeroPointType, info.zeroPoints.front()))
            : TypedAttr(
                  b.getIntegerAttr(zeroPointType, info.zeroPoints.front())));
  }
  maps.push_back(identity);

  Value init = buildEmptyLike(b, loc, input, resultElementType);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value s = info.isPerAxis() ? args[1] : scale;
        Value zp = info.isPerAxis() ? args[2] : zeroPoint;
        Value result = body(nested, nestedLoc, args[0], s, zp);
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

/// q = clamp(roundeven(x / s) + zp, qmin, qmax), NaN -> zp, in f32.
Value buildQuantizeScalar(OpBuilder &b, Location loc, Value x, Value scale,
                          Value zeroPoint, const UniformQuantInfo &info) {
  Type f32 = b.getF32Type();
  if (x.getType() != f32)
    x = arith::ExtFOp::create(b, loc, f32, x);
  Value scaled = arith::DivFOp::create(b, loc, x, scale);
  Value rounded = math::RoundEvenOp::create(b, loc, scaled);
  Value shifted = arith::AddFOp::create(b, loc, rounded, zeroPoint);
  Value qmin = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(float(info.range.qmin)));
  Value qmax = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(float(info.range.qmax)));
  Value clamped = arith::MinNumFOp::create(
      b, loc, arith::MaxNumFOp::create(b, loc, shifted, qmin), qmax);
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  Value safe = arith::SelectOp::create(b, loc, isNan, zeroPoint, clamped);
  Type storage = b.getIntegerType(info.storageWidth);
  if (info.isSigned)
    return arith::FPToSIOp::create(b, loc, storage, safe);
  return arith::FPToUIOp::create(b, loc, storage, safe);
}

/// x = f32(i32(q) - zp) * s, rounded to the result type.
Value buildDequantizeScalar(OpBuilder &b, Location loc, Value q, Value scale,
                            Value zeroPoint, const UniformQuantInfo &info,
                            Type resultType) {
  Type i32 = b.getI32Type();
  Value wide = info.isSigned ? Value(arith::ExtSIOp::create(b, loc, i32, q))
                             : Value(arith::ExtUIOp::create(b, loc, i32, q));
  Value centered = arith::SubIOp::create(b, loc, wide, zeroPoint);
  Value asFloat = arith::SIToFPOp::create(b, loc, b.getF32Type(), centered);
  Value result = arith::MulFOp::create(b, loc, asFloat, scale);
  if (resultType != result.getType())
    result = arith::TruncFOp::create(b, loc, resultType, result);
  return result;
}

struct QuantizeOpLowering : public OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<UniformQuantInfo> info =
        UniformQuantInfo::get(op.getOutput().getType().getElementType());
    if (!info)
      return rewriter.notifyMatchFailure(op, "not a uniform quantized type");
    Type storage = rewriter.getIntegerType(info->storageWidth);
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), storage, *info,
        rewriter.getF32Type(),
        [&](OpBuilder &b, Location loc, Value x, Value s, Value zp) {
          return buildQuantizeScalar(b, loc, x, s, zp, *info);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DequantizeOpLowering : public OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<UniformQuantInfo> info =
        UniformQuantInfo::get(op.getInput().getType().getElementType());
    if (!info)
      return rewriter.notifyMatchFailure(op, "not a uniform quantized type");
    Type resultElementType = op.getOutput().getType().getElementType();
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), resultElementType, *info,
        rewriter.getI32Type(),
        [&](OpBuilder &b, Location loc, Value q, Value s, Value zp) {
          return buildDequantizeScalar(b, loc, q, s, zp, *info,
                                       resultElementType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// quant.scast only changes how storage integers are read; after the type
/// conversion both sides are the same storage tensor.
struct StorageCastLowering : public OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    if (!resultType || resultType != adaptor.getInput().getType())
      return rewriter.notifyMatchFailure(
          op, "storage types of the cast's sides differ");
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// Ops that only move or reshape elements: retyped to storage tensors as
/// they are.
bool isShapeOnlyTensorOp(Operation *op) {
  return isa<tensor::EmptyOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp,
             tensor::ExtractSliceOp, tensor::InsertSliceOp, tensor::CastOp,
             tensor::ReshapeOp, tensor::ConcatOp>(op);
}

struct ShapeOnlyOpRetyping : public ConversionPattern {
  ShapeOnlyOpRetyping(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isShapeOnlyTensorOp(op))
      return failure();
    SmallVector<Type> resultTypes;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(),
                                                resultTypes)))
      return failure();
    OperationState state(op->getLoc(), op->getName(), operands, resultTypes,
                         op->getAttrs());
    Operation *retyped = rewriter.create(state);
    rewriter.replaceOp(op, retyped->getResults());
    return success();
  }
};

struct ConvertCompressToLinalgPass
    : public compress::impl::ConvertCompressToLinalgBase<
          ConvertCompressToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    QuantStorageTypeConverter converter;
    ConversionTarget target(*ctx);
    configureCompressToLinalgTarget(target, converter);

    RewritePatternSet patterns(ctx);
    populateCompressToLinalgPatterns(converter, patterns);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    if (failed(
            applyFullConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlir::compress::populateCompressToLinalgPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<QuantizeOpLowering, DequantizeOpLowering, StorageCastLowering,
               ShapeOnlyOpRetyping>(typeConverter, ctx);
}

/// Whether `op` and everything it holds use no quantized type.
static bool hasOnlyStorageTypes(const TypeConverter &converter, Operation *op) {
  if (auto function = dyn_cast<FunctionOpInterface>(op)) {
    auto type = dyn_cast<FunctionType>(function.getFunctionType());
    if (type && !converter.isSignatureLegal(type))
      return false;
  }
  if (!converter.isLegal(op))
    return false;
  return llvm::all_of(op->getRegions(), [&](Region &region) {
    return converter.isLegal(&region);
  });
}

void mlir::compress::configureCompressToLinalgTarget(
    ConversionTarget &target, const TypeConverter &converter) {
  target.addIllegalDialect<CompressDialect>();
  target.addIllegalOp<quant::StorageCastOp>();
  target.markUnknownOpDynamicallyLegal([&converter](Operation *op) {
    return hasOnlyStorageTypes(converter, op);
  });
}
