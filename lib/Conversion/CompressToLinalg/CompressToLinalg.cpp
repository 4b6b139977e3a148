//===- CompressToLinalg.cpp - compress ops to linalg.generic --------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Quantized tensors become tensors of their storage integers; quantize,
// dequantize and requantize become elementwise linalg.generic ops with the
// exact rounding and saturation the ops specify.
//
//===----------------------------------------------------------------------===//

#include "compress/Conversion/CompressToLinalg/CompressToLinalg.h"
#include "compress/Conversion/CompressToLinalg/RequantizeArithmetic.h"
#include "compress/Conversion/Passes.h"
#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"
#include "compress/Utils/QuantParams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <cmath>
#include <limits>

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

/// A constant tensor of `shape` holding `values` as `elementType` (float or
/// integer).
Value buildParamConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                         Type elementType, ArrayRef<Attribute> values) {
  auto type = RankedTensorType::get(shape, elementType);
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

/// The iteration space of a blockwise (de)quantization over a tensor of
/// `shape`: each dimension split in (blocks, block size) where it has more
/// than one block of more than one element, so that the parameter tensor
/// (its unit dimensions dropped) is read through a projected permutation.
/// With `splitPairs`, the innermost iteration dimension is split once more
/// in (pairs, 2), a per-index parameter dimension along with it; that fails
/// when it is odd.
struct BlockwiseSpace {
  SmallVector<int64_t> shape, paramShape, paramDims;
  SmallVector<ReassociationIndices> reassociation;
};

FailureOr<BlockwiseSpace> getBlockwiseSpace(ArrayRef<int64_t> shape,
                                            ArrayRef<int64_t> blocks,
                                            bool splitPairs) {
  BlockwiseSpace space;
  for (auto [d, size] : llvm::enumerate(shape)) {
    int64_t block = blocks[d], n = space.shape.size();
    int64_t params = block > 0 ? size / block : 1;
    ReassociationIndices group{n};
    if (params == 1 || block == 1) {
      // One parameter along the dimension (it does not index them), or one
      // per index.
      space.shape.push_back(size);
      if (params > 1) {
        space.paramDims.push_back(n);
        space.paramShape.push_back(size);
      }
    } else {
      space.shape.append({size / block, block});
      group.push_back(n + 1);
      space.paramDims.push_back(n);
      space.paramShape.push_back(size / block);
    }
    if (splitPairs && d + 1 == shape.size()) {
      int64_t inner = space.shape.back();
      if (inner % 2 != 0)
        return failure();
      space.shape.back() = inner / 2;
      space.shape.push_back(2);
      group.push_back(group.back() + 1);
      if (!space.paramDims.empty() &&
          space.paramDims.back() == int64_t(space.shape.size()) - 2) {
        space.paramShape.back() = inner / 2;
        space.paramDims.push_back(space.shape.size() - 1);
        space.paramShape.push_back(2);
      }
    }
    space.reassociation.push_back(group);
  }
  return space;
}

/// The sub-channel form of buildElementwise. Each blocked dimension of
/// `input` is split into (blocks, block size) by tensor.expand_shape, so that
/// the parameter tensors are read through a projected permutation (which
/// tiling and vectorization handle, unlike `floordiv` maps); the result is
/// collapsed back.
Value buildBlockwiseElementwise(
    OpBuilder &b, Location loc, Value input, Type resultElementType,
    const UniformQuantInfo &info, Type zeroPointType,
    function_ref<Value(OpBuilder &, Location, Value, Value, Value)> body) {
  auto inputType = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> shape = inputType.getShape();
  BlockwiseSpace space =
      *getBlockwiseSpace(shape, info.blockSizes, /*splitPairs=*/false);
  ArrayRef<int64_t> expandedShape = space.shape, paramShape = space.paramShape;
  ArrayRef<int64_t> paramDims = space.paramDims;
  ArrayRef<ReassociationIndices> reassociation = space.reassociation;
  int64_t rank = expandedShape.size();
  auto expandedType =
      RankedTensorType::get(expandedShape, inputType.getElementType());
  Value expanded = input;
  if (rank != inputType.getRank())
    expanded = tensor::ExpandShapeOp::create(b, loc, expandedType, input,
                                             reassociation);

  // The parameters in row-major order of the parameter tensor; dropping its
  // unit dimensions keeps that order.
  SmallVector<Attribute> scales, zeroPoints;
  for (double scale : info.scales)
    scales.push_back(b.getF32FloatAttr(float(scale)));
  for (int64_t zp : info.zeroPoints)
    zeroPoints.push_back(isa<FloatType>(zeroPointType)
                             ? Attribute(b.getFloatAttr(zeroPointType, zp))
                             : Attribute(b.getIntegerAttr(zeroPointType, zp)));
  Value scaleTensor =
      buildParamConstant(b, loc, paramShape, b.getF32Type(), scales);
  Value zeroPointTensor =
      buildParamConstant(b, loc, paramShape, zeroPointType, zeroPoints);
  SmallVector<AffineExpr> paramExprs;
  for (int64_t d : paramDims)
    paramExprs.push_back(b.getAffineDimExpr(d));
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap paramMap = AffineMap::get(rank, 0, paramExprs, b.getContext());

  Value init =
      tensor::EmptyOp::create(b, loc, expandedShape, resultElementType);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(),
      ValueRange{expanded, scaleTensor, zeroPointTensor}, ValueRange{init},
      ArrayRef<AffineMap>{identity, paramMap, paramMap, identity}, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args[0], args[1], args[2]);
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  Value result = generic.getResult(0);
  if (rank == inputType.getRank())
    return result;
  auto resultType = RankedTensorType::get(shape, resultElementType);
  return tensor::CollapseShapeOp::create(b, loc, resultType, result,
                                         reassociation);
}

/// Wraps `bodyBuilder(builder, loc, input, scale, zeroPoint)` into an
/// elementwise linalg.generic over `input` producing `resultElementType`.
Value buildElementwise(
    OpBuilder &b, Location loc, Value input, Type resultElementType,
    const UniformQuantInfo &info, Type zeroPointType,
    function_ref<Value(OpBuilder &, Location, Value, Value, Value)> body) {
  if (info.isSubChannel())
    return buildBlockwiseElementwise(b, loc, input, resultElementType, info,
                                     zeroPointType, body);
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

struct QuantizeOpLowering : public OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<UniformQuantInfo> info = UniformQuantInfo::get(
        op.getOutput().getType().getElementType(), /*allowSubChannel=*/true);
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

/// The dequantization of a constant of 4-bit storage integers (or narrower:
/// 2- and 3-bit ones take a nibble too) held two per byte (element 2i in the
/// low nibble, 2i+1 in the high one, row-major), so that compiled code keeps
/// half a byte per weight: the iteration space is getBlockwiseSpace's with
/// its innermost dimension split in (pairs, 2); the generic reads one byte
/// per pair and picks the nibble by
/// the index of the last dimension. Null when the innermost dimension (or
/// its innermost block) has an odd size.
Value buildPackedInt4Dequantize(OpBuilder &b, Location loc,
                                DenseIntElementsAttr values,
                                const UniformQuantInfo &info,
                                Type resultElementType) {
  auto type = cast<RankedTensorType>(values.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size();
  if (rank == 0 || !type.hasStaticShape())
    return {};
  FailureOr<BlockwiseSpace> space =
      getBlockwiseSpace(shape, info.getBlockSizes(rank), /*splitPairs=*/true);
  if (failed(space))
    return {};
  ArrayRef<int64_t> iterShape = space->shape, paramShape = space->paramShape;
  ArrayRef<int64_t> paramDims = space->paramDims;
  ArrayRef<ReassociationIndices> reassociation = space->reassociation;
  int64_t iterRank = iterShape.size();

  // Two nibbles per byte, in row-major order.
  SmallVector<int8_t> packed(values.getNumElements() / 2, 0);
  int64_t i = 0;
  for (const APInt &q : values.getValues<APInt>()) {
    // 2- and 3-bit values are extended to 4 bits as their storage is.
    uint64_t bits =
        info.isSigned ? uint64_t(q.getSExtValue()) : q.getZExtValue();
    uint8_t nibble = uint8_t(bits & 0xF);
    packed[i / 2] |= int8_t(i % 2 == 0 ? nibble : nibble << 4);
    ++i;
  }
  SmallVector<int64_t> dataShape(iterShape.begin(), iterShape.end() - 1);
  auto dataType = RankedTensorType::get(dataShape, b.getI8Type());
  Value data = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(dataType, ArrayRef<int8_t>(packed)));

  SmallVector<Attribute> scales, zeroPoints;
  for (double scale : info.scales)
    scales.push_back(b.getF32FloatAttr(float(scale)));
  for (int64_t zp : info.zeroPoints)
    zeroPoints.push_back(b.getI32IntegerAttr(zp));
  Value scaleTensor =
      buildParamConstant(b, loc, paramShape, b.getF32Type(), scales);
  Value zeroPointTensor =
      buildParamConstant(b, loc, paramShape, b.getI32Type(), zeroPoints);

  SmallVector<AffineExpr> dataExprs, paramExprs;
  for (int64_t d = 0; d + 1 < iterRank; ++d)
    dataExprs.push_back(b.getAffineDimExpr(d));
  for (int64_t d : paramDims)
    paramExprs.push_back(b.getAffineDimExpr(d));
  MLIRContext *ctx = b.getContext();
  AffineMap dataMap = AffineMap::get(iterRank, 0, dataExprs, ctx);
  AffineMap paramMap = AffineMap::get(iterRank, 0, paramExprs, ctx);
  AffineMap identity = b.getMultiDimIdentityMap(iterRank);

  Value init = tensor::EmptyOp::create(b, loc, iterShape, resultElementType);
  SmallVector<utils::IteratorType> iterators(iterRank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), ValueRange{data, scaleTensor, zeroPointTensor},
      ValueRange{init},
      ArrayRef<AffineMap>{dataMap, paramMap, paramMap, identity}, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        // The low nibble (index 0) is moved to the top first; an arithmetic
        // (signed storage) or logical shift right by 4 then extends it.
        Type i8 = nested.getI8Type();
        Value index = linalg::IndexOp::create(nested, nestedLoc, iterRank - 1);
        Value zero = arith::ConstantIndexOp::create(nested, nestedLoc, 0);
        Value isLow = arith::CmpIOp::create(
            nested, nestedLoc, arith::CmpIPredicate::eq, index, zero);
        Value four = arith::ConstantOp::create(nested, nestedLoc,
                                               nested.getIntegerAttr(i8, 4));
        Value none = arith::ConstantOp::create(nested, nestedLoc,
                                               nested.getIntegerAttr(i8, 0));
        Value amount =
            arith::SelectOp::create(nested, nestedLoc, isLow, four, none);
        Value top = arith::ShLIOp::create(nested, nestedLoc, args[0], amount);
        Value q =
            info.isSigned
                ? Value(arith::ShRSIOp::create(nested, nestedLoc, top, four))
                : Value(arith::ShRUIOp::create(nested, nestedLoc, top, four));
        Value result = buildDequantizeScalar(nested, nestedLoc, q, args[1],
                                             args[2], info, resultElementType);
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  auto resultType = RankedTensorType::get(shape, resultElementType);
  return tensor::CollapseShapeOp::create(b, loc, resultType,
                                         generic.getResult(0), reassociation);
}

struct DequantizeOpLowering : public OpConversionPattern<DequantizeOp> {
  DequantizeOpLowering(const TypeConverter &converter, MLIRContext *ctx,
                       bool packInt4)
      : OpConversionPattern(converter, ctx), packInt4(packInt4) {}

  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<UniformQuantInfo> info = UniformQuantInfo::get(
        op.getInput().getType().getElementType(), /*allowSubChannel=*/true);
    if (!info)
      return rewriter.notifyMatchFailure(op, "not a uniform quantized type");
    Type resultElementType = op.getOutput().getType().getElementType();
    DenseIntElementsAttr constant;
    if (packInt4 && info->storageWidth <= 4)
      if (auto cast = op.getInput().getDefiningOp<quant::StorageCastOp>())
        if (matchPattern(cast.getInput(), m_Constant(&constant)))
          if (Value packed = buildPackedInt4Dequantize(
                  rewriter, op.getLoc(), constant, *info, resultElementType)) {
            rewriter.replaceOp(op, packed);
            return success();
          }
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

private:
  bool packInt4;
};

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

/// Values a requantization needs once per channel: 1-D constant tensors that
/// the linalg.generic reads through the channel dimension, or scalars
/// captured from above when the requantization is per-tensor.
class ChannelConstants {
public:
  ChannelConstants(OpBuilder &b, Location loc, int64_t rank,
                   std::optional<int64_t> axis)
      : b(b), loc(loc), rank(rank), axis(axis) {}

  /// Adds a constant holding `values` (one per channel); returns its index.
  unsigned add(ArrayRef<Attribute> values, Type elementType) {
    if (!axis) {
      scalars.push_back(
          arith::ConstantOp::create(b, loc, cast<TypedAttr>(values.front())));
      return scalars.size() - 1;
    }
    auto type = RankedTensorType::get({int64_t(values.size())}, elementType);
    tensors.push_back(arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, values)));
    return tensors.size() - 1;
  }

  /// Extra `ins` of the generic and their indexing maps.
  ArrayRef<Value> inputs() const { return tensors; }
  SmallVector<AffineMap> maps() const {
    AffineMap map =
        AffineMap::get(rank, 0, b.getAffineDimExpr(*axis), b.getContext());
    return SmallVector<AffineMap>(tensors.size(), map);
  }

  /// Constant `index` inside the body; `args` are the block arguments, the
  /// accumulator first, then the tensors in the order they were added.
  Value get(unsigned index, ValueRange args) const {
    return axis ? args[1 + index] : scalars[index];
  }

private:
  OpBuilder &b;
  Location loc;
  int64_t rank;
  std::optional<int64_t> axis;
  SmallVector<Value> tensors, scalars;
};

// The builders below create every op in its own statement: C++ leaves the
// evaluation order of call arguments unspecified, and the IR must not depend
// on the compiler that built the pass.

Value buildI64(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(value));
}

struct RequantizeOpLowering : public OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<UniformQuantInfo> info =
        UniformQuantInfo::get(op.getOutput().getType().getElementType());
    if (!info || info->isPerAxis())
      return rewriter.notifyMatchFailure(op, "not a per-tensor uniform type");
    SmallVector<double> multipliers;
    for (double inputScale : op.getInputScales()) {
      double m = inputScale / info->scales.front();
      if (!std::isfinite(m))
        return op.emitOpError("multiplier ")
               << inputScale << " / " << info->scales.front()
               << " overflows f64";
      multipliers.push_back(m);
    }

    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = op.getInput().getType().getRank();
    ChannelConstants constants(rewriter, loc, rank, op.getAxis());
    bool fixedPoint = op.getRounding() == "fixed_point";
    bool hasLeftShift = false;
    if (fixedPoint)
      hasLeftShift = addFixedPointConstants(rewriter, multipliers, constants);
    else
      addFloatConstants(rewriter, multipliers, constants);

    // Named copies: the lambda below captures them (C++17 cannot capture a
    // structured binding).
    auto bounds = getRequantizeBounds(op, *info);
    int64_t lo = bounds.first, hi = bounds.second;
    int64_t zeroPoint = info->zeroPoints.front();
    Type storage = rewriter.getIntegerType(info->storageWidth);
    Value init = buildEmptyLike(rewriter, loc, input, storage);
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<Value> inputs{input};
    llvm::append_range(inputs, constants.inputs());
    SmallVector<AffineMap> maps{identity};
    if (op.getAxis())
      llvm::append_range(maps, constants.maps());
    maps.push_back(identity);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, init.getType(), inputs, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
          Value result = fixedPoint
                             ? buildFixedPointBody(b, nestedLoc, args,
                                                   constants, hasLeftShift,
                                                   zeroPoint, lo, hi, storage)
                             : buildFloatBody(b, nestedLoc, args, constants,
                                              zeroPoint, lo, hi, storage);
          linalg::YieldOp::create(b, nestedLoc, result);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }

private:
  /// Q31 multiplier, right shift and its rounding offset and adjustment
  /// per channel (constants 0 to 3), and the left shift (constant 4) when
  /// some channel has one. Left shifts are capped at 32: every larger one
  /// saturates every nonzero accumulator just the same, and the cap keeps
  /// `acc << shift` within i64. Returns whether there are left shifts.
  static bool addFixedPointConstants(OpBuilder &b, ArrayRef<double> multipliers,
                                     ChannelConstants &constants) {
    FixedPointRequantization encoded =
        encodeFixedPointRequantization(multipliers);
    auto add = [&](ArrayRef<int64_t> values) {
      SmallVector<Attribute> attrs;
      for (int64_t value : values)
        attrs.push_back(b.getI64IntegerAttr(value));
      constants.add(attrs, b.getI64Type());
    };
    add(encoded.multiplier);
    add(encoded.rightShift);
    add(encoded.roundOffset);
    add(encoded.roundAdjust);
    if (encoded.hasLeftShift)
      add(encoded.leftShift);
    return encoded.hasLeftShift;
  }

  /// The f64 multiplier s_in / s_out per channel (constant 0).
  static void addFloatConstants(OpBuilder &b, ArrayRef<double> multipliers,
                                ChannelConstants &constants) {
    SmallVector<Attribute> values;
    for (double m : multipliers)
      values.push_back(b.getF64FloatAttr(m));
    constants.add(values, b.getF64Type());
  }

  static Value buildFixedPointBody(OpBuilder &b, Location loc, ValueRange args,
                                   const ChannelConstants &constants,
                                   bool hasLeftShift, int64_t zeroPoint,
                                   int64_t lo, int64_t hi, Type storage) {
    FixedPointConstants fixed{constants.get(0, args), constants.get(1, args),
                              constants.get(2, args), constants.get(3, args),
                              hasLeftShift ? constants.get(4, args) : Value()};
    Value scaled = buildMultiplyByQuantizedMultiplier(b, loc, args[0], fixed);
    Value zp = buildI64(b, loc, zeroPoint);
    Value shifted = arith::AddIOp::create(b, loc, scaled, zp);
    Value clamped = buildClampI64(b, loc, shifted, lo, hi);
    return arith::TruncIOp::create(b, loc, storage, clamped);
  }

  /// round_half_to_even(f64(acc) * m) + zp, clamped in f64: the bounds are
  /// integers, so clamping before the conversion gives the integer clamp's
  /// result and keeps huge products in range of the conversion.
  static Value buildFloatBody(OpBuilder &b, Location loc, ValueRange args,
                              const ChannelConstants &constants,
                              int64_t zeroPoint, int64_t lo, int64_t hi,
                              Type storage) {
    Type f64 = b.getF64Type();
    auto f64Constant = [&](int64_t value) -> Value {
      return arith::ConstantOp::create(b, loc,
                                       b.getF64FloatAttr(double(value)));
    };
    Value zp = f64Constant(zeroPoint);
    Value loValue = f64Constant(lo);
    Value hiValue = f64Constant(hi);
    Value acc = arith::SIToFPOp::create(b, loc, f64, args[0]);
    Value product = arith::MulFOp::create(b, loc, acc, constants.get(0, args));
    Value rounded = math::RoundEvenOp::create(b, loc, product);
    Value shifted = arith::AddFOp::create(b, loc, rounded, zp);
    Value raised = arith::MaxNumFOp::create(b, loc, shifted, loValue);
    Value clamped = arith::MinNumFOp::create(b, loc, raised, hiValue);
    // Through i32: an unsigned storage value above the signed maximum of its
    // width (255 for u8) does not convert to that width directly.
    Value asInt = arith::FPToSIOp::create(b, loc, b.getI32Type(), clamped);
    if (storage.getIntOrFloatBitWidth() == 32)
      return asInt;
    return arith::TruncIOp::create(b, loc, storage, asInt);
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
  using ConvertCompressToLinalgBase::ConvertCompressToLinalgBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    QuantStorageTypeConverter converter;
    ConversionTarget target(*ctx);
    configureCompressToLinalgTarget(target, converter);

    RewritePatternSet patterns(ctx);
    populateCompressToLinalgPatterns(converter, patterns, packInt4);
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

static Value i64Constant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(value));
}

FixedPointRequantization
mlir::compress::encodeFixedPointRequantization(ArrayRef<double> multipliers) {
  FixedPointRequantization result;
  for (double m : multipliers) {
    // m is finite and positive (or 0 after underflow), so it encodes.
    QuantizedMultiplier encoded = *computeQuantizedMultiplier(m);
    int64_t leftShift = std::clamp(encoded.shift, 0, 32);
    int64_t rightShift = std::max(-encoded.shift, 0);
    result.hasLeftShift |= leftShift > 0;
    result.multiplier.push_back(encoded.multiplier);
    result.leftShift.push_back(leftShift);
    result.rightShift.push_back(rightShift);
    result.roundOffset.push_back((int64_t(1) << rightShift) >> 1);
    result.roundAdjust.push_back(rightShift > 0 ? -1 : 0);
  }
  return result;
}

Value mlir::compress::buildClampI64(OpBuilder &b, Location loc, Value x,
                                    int64_t lo, int64_t hi) {
  Value loValue = i64Constant(b, loc, lo);
  Value hiValue = i64Constant(b, loc, hi);
  Value raised = arith::MaxSIOp::create(b, loc, x, loValue);
  return arith::MinSIOp::create(b, loc, raised, hiValue);
}

/// gemmlowp's SaturatingRoundingDoublingHighMul(x, m) for |x| <= 2^31 and
/// 0 <= m < 2^31, in i64. m is never INT32_MIN, so the one saturating case
/// (INT32_MIN * INT32_MIN) cannot occur and needs no code. gemmlowp adds a
/// nudge of 2^30 (1 - 2^30 for negative products) and divides by 2^31
/// truncating toward zero; for every product p that equals
/// floor((p + 2^30) / 2^31), an add and an arithmetic shift (checked
/// against the reference arithmetic of Utils/QuantParams.cpp by
/// test/Integration/CPU/int8/requantize-edge-cases.mlir).
static Value buildDoublingHighMul(OpBuilder &b, Location loc, Value x,
                                  Value m) {
  Value half = i64Constant(b, loc, int64_t(1) << 30);
  Value thirtyOne = i64Constant(b, loc, 31);
  Value product = arith::MulIOp::create(b, loc, x, m);
  Value nudged = arith::AddIOp::create(b, loc, product, half);
  return arith::ShRSIOp::create(b, loc, nudged, thirtyOne);
}

/// gemmlowp's RoundingDivideByPOT(x, exponent), rounding half away from
/// zero, for i32 values held in i64: (x + offset + (x < 0 ? adjust : 0)) >>
/// exponent, with offset = 2^(exponent - 1) and adjust = -1 (both 0 when the
/// exponent is 0), which the caller precomputes per channel.
static Value buildRoundingDivideByPOT(OpBuilder &b, Location loc, Value x,
                                      Value exponent, Value offset,
                                      Value adjust) {
  Value sixtyThree = i64Constant(b, loc, 63);
  Value sign = arith::ShRSIOp::create(b, loc, x, sixtyThree);
  Value negativeAdjust = arith::AndIOp::create(b, loc, sign, adjust);
  Value rounded = arith::AddIOp::create(b, loc, x, offset);
  Value adjusted = arith::AddIOp::create(b, loc, rounded, negativeAdjust);
  return arith::ShRSIOp::create(b, loc, adjusted, exponent);
}

/// TFLite's MultiplyByQuantizedMultiplier on an i32 accumulator, in i64.
Value mlir::compress::buildMultiplyByQuantizedMultiplier(
    OpBuilder &b, Location loc, Value acc, const FixedPointConstants &c) {
  Value value = arith::ExtSIOp::create(b, loc, b.getI64Type(), acc);
  if (c.leftShift) {
    // |acc| < 2^31 and leftShift <= 32, so the shift stays within i64; the
    // result saturates to i32 as the op specifies.
    Value shifted = arith::ShLIOp::create(b, loc, value, c.leftShift);
    value = buildClampI64(b, loc, shifted, std::numeric_limits<int32_t>::min(),
                          std::numeric_limits<int32_t>::max());
  }
  Value high = buildDoublingHighMul(b, loc, value, c.multiplier);
  return buildRoundingDivideByPOT(b, loc, high, c.rightShift, c.roundOffset,
                                  c.roundAdjust);
}

void mlir::compress::populateCompressToLinalgPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns,
    bool packInt4) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<QuantizeOpLowering, RequantizeOpLowering, StorageCastLowering,
               ShapeOnlyOpRetyping>(typeConverter, ctx);
  patterns.add<DequantizeOpLowering>(typeConverter, ctx, packInt4);
  populateFakeQuantToLinalgPatterns(typeConverter, patterns);
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

Value mlir::compress::buildDequantizeScalar(OpBuilder &b, Location loc, Value q,
                                            Value scale, Value zeroPoint,
                                            const UniformQuantInfo &info,
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

std::pair<int64_t, int64_t>
mlir::compress::getRequantizeBounds(RequantizeOp op,
                                    const UniformQuantInfo &info) {
  // The attributes are read as signed: the ODS getters return uint64_t.
  int64_t lo = info.range.qmin, hi = info.range.qmax;
  if (IntegerAttr clampMin = op.getClampMinAttr())
    lo = std::max(lo, clampMin.getInt());
  if (IntegerAttr clampMax = op.getClampMaxAttr())
    hi = std::min(hi, clampMax.getInt());
  return {lo, hi};
}
