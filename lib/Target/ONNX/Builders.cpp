//===- Builders.cpp - IR building blocks of the ONNX importer -------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <limits>

using namespace mlir;
using namespace mlir::compress::onnx_import;

ArrayRef<int64_t> mlir::compress::onnx_import::getShape(Value tensor) {
  return cast<RankedTensorType>(tensor.getType()).getShape();
}

Type mlir::compress::onnx_import::getElementTypeOf(Value tensor) {
  return cast<RankedTensorType>(tensor.getType()).getElementType();
}

TypedAttr mlir::compress::onnx_import::getScalarAttr(Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return FloatAttr::get(floatType, value);
  // Callers pass small integers (0, 1, zero points, counts); the two's
  // complement bits of the value, truncated, are the signless constant.
  APInt bits(64, static_cast<uint64_t>(static_cast<int64_t>(value)),
             /*isSigned=*/true);
  return IntegerAttr::get(type, bits.trunc(type.getIntOrFloatBitWidth()));
}

TypedAttr mlir::compress::onnx_import::getLowestAttr(Type type,
                                                     bool isUnsigned) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return FloatAttr::get(floatType, -std::numeric_limits<double>::infinity());
  unsigned width = type.getIntOrFloatBitWidth();
  APInt lowest =
      isUnsigned ? APInt::getMinValue(width) : APInt::getSignedMinValue(width);
  return IntegerAttr::get(type, lowest);
}

Value mlir::compress::onnx_import::createScalar(OpBuilder &b, Location loc,
                                                Type type, double value) {
  return arith::ConstantOp::create(b, loc, getScalarAttr(type, value));
}

Value mlir::compress::onnx_import::createEmpty(OpBuilder &b, Location loc,
                                               ArrayRef<int64_t> shape,
                                               Type elementType) {
  return tensor::EmptyOp::create(b, loc, shape, elementType);
}

Value mlir::compress::onnx_import::createFilled(OpBuilder &b, Location loc,
                                                ArrayRef<int64_t> shape,
                                                TypedAttr value) {
  Value empty = createEmpty(b, loc, shape, value.getType());
  Value scalar = arith::ConstantOp::create(b, loc, value);
  return linalg::FillOp::create(b, loc, ValueRange{scalar}, ValueRange{empty})
      .getResult(0);
}

std::optional<SmallVector<int64_t>>
mlir::compress::onnx_import::broadcastShapes(
    ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> shape : shapes)
    rank = std::max(rank, shape.size());
  SmallVector<int64_t> result(rank, 1);
  for (ArrayRef<int64_t> shape : shapes) {
    size_t offset = rank - shape.size();
    for (auto [i, dim] : llvm::enumerate(shape)) {
      int64_t &out = result[offset + i];
      if (dim == out || dim == 1)
        continue;
      if (out != 1)
        return std::nullopt;
      out = dim;
    }
  }
  return result;
}

AffineMap mlir::compress::onnx_import::getDroppedDimsMap(
    MLIRContext *context, int64_t rank, ArrayRef<int64_t> dropped) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(dropped, d))
      exprs.push_back(getAffineDimExpr(d, context));
  return AffineMap::get(rank, 0, exprs, context);
}

namespace {

/// `input` (broadcastable to `shape`) without its broadcast unit dimensions,
/// and the map reading it inside a loop nest over `shape`.
std::pair<Value, AffineMap> getBroadcastOperand(OpBuilder &b, Location loc,
                                                Value input,
                                                ArrayRef<int64_t> shape) {
  ArrayRef<int64_t> inputShape = getShape(input);
  int64_t rank = shape.size();
  int64_t offset = rank - static_cast<int64_t>(inputShape.size());
  SmallVector<int64_t> kept, keptShape;
  for (auto [i, dim] : llvm::enumerate(inputShape)) {
    int64_t outDim = offset + static_cast<int64_t>(i);
    if (dim == 1 && shape[outDim] != 1)
      continue;
    kept.push_back(outDim);
    keptShape.push_back(dim);
  }
  if (keptShape.size() != inputShape.size())
    input = reshape(b, loc, input, keptShape);
  SmallVector<AffineExpr> exprs;
  for (int64_t d : kept)
    exprs.push_back(b.getAffineDimExpr(d));
  return {input, AffineMap::get(rank, 0, exprs, b.getContext())};
}

} // namespace

Value mlir::compress::onnx_import::buildMappedElementwise(
    OpBuilder &b, Location loc, ValueRange inputs, ArrayRef<AffineMap> maps,
    ArrayRef<int64_t> shape, Type resultElementType, BodyFn body) {
  Value init = createEmpty(b, loc, shape, resultElementType);
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(b.getMultiDimIdentityMap(shape.size()));
  SmallVector<utils::IteratorType> iterators(shape.size(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, init.getType(), inputs, ValueRange{init}, allMaps,
             iterators,
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               Value result =
                   body(nested, nestedLoc, args.take_front(inputs.size()));
               linalg::YieldOp::create(nested, nestedLoc, result);
             })
      .getResult(0);
}

Value mlir::compress::onnx_import::buildElementwise(OpBuilder &b, Location loc,
                                                    ValueRange inputs,
                                                    ArrayRef<int64_t> shape,
                                                    Type resultElementType,
                                                    BodyFn body) {
  SmallVector<Value> operands;
  SmallVector<AffineMap> maps;
  for (Value input : inputs) {
    auto [operand, map] = getBroadcastOperand(b, loc, input, shape);
    operands.push_back(operand);
    maps.push_back(map);
  }
  return buildMappedElementwise(b, loc, operands, maps, shape,
                                resultElementType, body);
}

Value mlir::compress::onnx_import::buildReduction(OpBuilder &b, Location loc,
                                                  Value input,
                                                  ArrayRef<int64_t> reduced,
                                                  TypedAttr init,
                                                  BodyFn combine) {
  ArrayRef<int64_t> shape = getShape(input);
  int64_t rank = shape.size();
  SmallVector<int64_t> resultShape;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    bool isReduced = llvm::is_contained(reduced, d);
    iterators.push_back(isReduced ? utils::IteratorType::reduction
                                  : utils::IteratorType::parallel);
    if (!isReduced)
      resultShape.push_back(shape[d]);
  }
  Value filled = createFilled(b, loc, resultShape, init);
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank),
                              getDroppedDimsMap(b.getContext(), rank, reduced)};
  return linalg::GenericOp::create(
             b, loc, filled.getType(), ValueRange{input}, ValueRange{filled},
             maps, iterators,
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               linalg::YieldOp::create(nested, nestedLoc,
                                       combine(nested, nestedLoc, args));
             })
      .getResult(0);
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

namespace {

/// A new constant holding `constant`'s elements with the shape of `type`.
Value reshapeConstant(OpBuilder &b, Location loc, arith::ConstantOp constant,
                      RankedTensorType type) {
  Attribute value = constant.getValue();
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return arith::ConstantOp::create(b, loc, dense.reshape(type));
  auto resource = cast<DenseResourceElementsAttr>(value);
  return arith::ConstantOp::create(
      b, loc, DenseResourceElementsAttr::get(type, resource.getRawHandle()));
}

Value collapseOrExpand(OpBuilder &b, Location loc, Value value,
                       RankedTensorType type,
                       ArrayRef<ReassociationIndices> reassociation) {
  if (type.getRank() < cast<RankedTensorType>(value.getType()).getRank())
    return tensor::CollapseShapeOp::create(b, loc, type, value, reassociation);
  return tensor::ExpandShapeOp::create(b, loc, type, value, reassociation);
}

/// The reassociation that collapses/expands `from` into `to`, when one
/// exists (rank-0 shapes group nothing).
std::optional<SmallVector<ReassociationIndices>>
getReassociation(RankedTensorType from, RankedTensorType to) {
  if (from.getRank() == to.getRank())
    return std::nullopt;
  if (from.getRank() == 0 || to.getRank() == 0)
    return SmallVector<ReassociationIndices>();
  return getReassociationIndicesForReshape(from, to);
}

} // namespace

Value mlir::compress::onnx_import::reshape(OpBuilder &b, Location loc,
                                           Value value,
                                           ArrayRef<int64_t> shape) {
  auto fromType = cast<RankedTensorType>(value.getType());
  if (fromType.getShape() == shape)
    return value;
  auto toType = RankedTensorType::get(shape, fromType.getElementType());
  if (auto constant = value.getDefiningOp<arith::ConstantOp>())
    return reshapeConstant(b, loc, constant, toType);
  // An empty tensor has no data to regroup (and reassociations of zero-size
  // dimensions are ill-defined).
  if (toType.getNumElements() == 0)
    return createEmpty(b, loc, shape, toType.getElementType());
  if (auto reassociation = getReassociation(fromType, toType))
    return collapseOrExpand(b, loc, value, toType, *reassociation);
  // No direct regrouping: through the flat vector.
  int64_t count = fromType.getNumElements();
  Value flat = reshape(b, loc, value, {count});
  return reshape(b, loc, flat, shape);
}

Value mlir::compress::onnx_import::pad(OpBuilder &b, Location loc, Value value,
                                       ArrayRef<int64_t> low,
                                       ArrayRef<int64_t> high,
                                       TypedAttr padValue) {
  bool any = llvm::any_of(low, [](int64_t p) { return p != 0; }) ||
             llvm::any_of(high, [](int64_t p) { return p != 0; });
  if (!any)
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (auto [dim, l, h] : llvm::zip_equal(type.getShape(), low, high))
    shape.push_back(dim + l + h);
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  Value scalar = arith::ConstantOp::create(b, loc, padValue);
  return tensor::PadOp::create(
      b, loc, resultType, value, getAsIndexOpFoldResult(b.getContext(), low),
      getAsIndexOpFoldResult(b.getContext(), high), scalar);
}

Value mlir::compress::onnx_import::transpose(OpBuilder &b, Location loc,
                                             Value value,
                                             ArrayRef<int64_t> perm) {
  // The identity (every rank-0 or rank-1 transpose among them) moves
  // nothing; a rank-0 linalg.transpose would also send upstream's verifier
  // into a 6.5 GB allocation (found by the onnx fuzz target).
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return value;
  ArrayRef<int64_t> shape = getShape(value);
  SmallVector<int64_t> resultShape;
  for (int64_t p : perm)
    resultShape.push_back(shape[p]);
  Value init = createEmpty(b, loc, resultShape, getElementTypeOf(value));
  return linalg::TransposeOp::create(b, loc, value, init, perm).getResult()[0];
}

Value mlir::compress::onnx_import::extendInteger(OpBuilder &b, Location loc,
                                                 Value value, Type type,
                                                 bool isUnsigned) {
  if (value.getType() == type)
    return value;
  if (isUnsigned)
    return arith::ExtUIOp::create(b, loc, type, value);
  return arith::ExtSIOp::create(b, loc, type, value);
}
