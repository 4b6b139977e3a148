//===- PoolingOps.cpp - MaxPool, AveragePool and the global pools ---------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Pools are linalg.pooling_nchw_max / pooling_nchw_sum over an explicitly
// padded input; an average divides the sum by the number of elements each
// window counts. These are the forms compress-fuse-qdq runs on storage
// integers.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "Importer.h"
#include "Layers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::compress::onnx_import;

namespace {

enum class PoolKind { Max, Sum };

DenseIntElementsAttr getI64Vector(OpBuilder &b, ArrayRef<int64_t> values) {
  return DenseIntElementsAttr::get(
      RankedTensorType::get({static_cast<int64_t>(values.size())},
                            b.getI64Type()),
      values);
}

/// Max pooling of unsigned integers: pooling_nchw_max compares signed, so
/// the same loops as a linalg.generic with an unsigned max.
Value buildUnsignedMaxPool(OpBuilder &b, Location loc, Value x, Value window,
                           Value init, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> dilations) {
  MLIRContext *context = b.getContext();
  AffineExpr n, c, oh, ow, kh, kw;
  bindDims(context, n, c, oh, ow, kh, kw);
  SmallVector<AffineMap> maps{
      AffineMap::get(6, 0,
                     {n, c, oh * strides[0] + kh * dilations[0],
                      ow * strides[1] + kw * dilations[1]},
                     context),
      AffineMap::get(6, 0, {kh, kw}, context),
      AffineMap::get(6, 0, {n, c, oh, ow}, context)};
  SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
  iterators.append(2, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{x, window}, ValueRange{init},
             maps, iterators,
             [](OpBuilder &nb, Location nloc, ValueRange args) {
               Value max = arith::MaxUIOp::create(nb, nloc, args[2], args[0]);
               linalg::YieldOp::create(nb, nloc, max);
             })
      .getResult(0);
}

/// Pools the N x C x H x W tensor `x` over `window` (2-D), padding it with
/// `padValue` (the window's padding plus ceil_mode's).
Value buildPool2D(OpBuilder &b, Location loc, Value x, const Window &window,
                  PoolKind kind, TypedAttr padValue, bool isUnsigned) {
  SmallVector<int64_t> low{0, 0}, high{0, 0};
  llvm::append_range(low, window.padsBegin);
  for (auto [end, ceil] : llvm::zip(window.padsEnd, window.ceilPadding))
    high.push_back(end + ceil);
  x = pad(b, loc, x, low, high, padValue);
  ArrayRef<int64_t> shape = getShape(x);
  Type elementType = getElementTypeOf(x);
  Value windowTensor = createEmpty(b, loc, window.kernel, elementType);
  SmallVector<int64_t> outShape{shape[0], shape[1], window.output[0],
                                window.output[1]};
  TypedAttr initValue = kind == PoolKind::Max
                            ? getLowestAttr(elementType, isUnsigned)
                            : getScalarAttr(elementType, 0.0);
  Value init = createFilled(b, loc, outShape, initValue);
  if (kind == PoolKind::Max && isUnsigned)
    return buildUnsignedMaxPool(b, loc, x, windowTensor, init, window.strides,
                                window.dilations);
  DenseIntElementsAttr strides = getI64Vector(b, window.strides);
  DenseIntElementsAttr dilations = getI64Vector(b, window.dilations);
  if (kind == PoolKind::Max)
    return linalg::PoolingNchwMaxOp::create(
               b, loc, init.getType(), ValueRange{x, windowTensor},
               ValueRange{init}, strides, dilations)
        .getResult(0);
  return linalg::PoolingNchwSumOp::create(b, loc, init.getType(),
                                          ValueRange{x, windowTensor},
                                          ValueRange{init}, strides, dilations)
      .getResult(0);
}

/// Pools a 1-D or 2-D spatial input (1-D as 2-D of height 1).
Value buildPool(OpBuilder &b, Location loc, Value x, const Window &window,
                PoolKind kind, TypedAttr padValue, bool isUnsigned) {
  if (window.getRank() == 2)
    return buildPool2D(b, loc, x, window, kind, padValue, isUnsigned);
  ArrayRef<int64_t> shape = getShape(x);
  Value x2 = reshape(b, loc, x, {shape[0], shape[1], 1, shape[2]});
  Value y =
      buildPool2D(b, loc, x2, liftTo2D(window), kind, padValue, isUnsigned);
  return reshape(b, loc, y, {shape[0], shape[1], window.output[0]});
}

/// Checks a pool's input and returns its type.
FailureOr<RankedTensorType> getPoolInput(NodeImporter &node,
                                         bool allowIntegers) {
  FailureOr<RankedTensorType> type = node.getInputType(0);
  if (failed(type) || failed(checkSpatialInput(node, *type, "the input")))
    return failure();
  DataType dataType = node.getInputDataType(0);
  bool isInteger = dataType == onnx::TensorProto::INT8 ||
                   dataType == onnx::TensorProto::UINT8;
  if (!isFloatDataType(dataType) && !(allowIntegers && isInteger))
    return node.emitError() << "the data type " << getDataTypeName(dataType)
                            << " is not supported";
  return type;
}

LogicalResult convertMaxPool(NodeImporter &node) {
  if (failed(node.checkInputs(1, 1)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<RankedTensorType> type = getPoolInput(node, true);
  // storage_order only affects the Indices output, which is not supported.
  FailureOr<int64_t> storageOrder = node.getInt("storage_order", 0);
  if (failed(type) || failed(storageOrder))
    return failure();
  FailureOr<Window> window = readWindow(node, type->getShape().drop_front(2),
                                        std::nullopt, /*isPooling=*/true);
  FailureOr<Value> x = node.getInput(0);
  if (failed(window) || failed(x))
    return failure();
  DataType dataType = node.getInputDataType(0);
  bool isUnsigned = isUnsignedDataType(dataType);
  // Padding never wins a max: it is the lowest value of the type.
  TypedAttr lowest = getLowestAttr(type->getElementType(), isUnsigned);
  Value y = buildPool(node.getBuilder(), node.getLoc(), *x, *window,
                      PoolKind::Max, lowest, isUnsigned);
  return node.setOutput(0, y, dataType);
}

/// How many window elements of output position `out` fall inside
/// [lower, upper) along one dimension: the positions are start + j * dilation
/// for j in [0, kernel).
int64_t countInside(int64_t out, int64_t kernel, int64_t stride,
                    int64_t dilation, int64_t padBegin, int64_t lower,
                    int64_t upper) {
  int64_t start = out * stride - padBegin;
  int64_t first =
      std::max<int64_t>(0, llvm::divideCeilSigned(lower - start, dilation));
  int64_t last = std::min<int64_t>(
      kernel - 1, llvm::divideFloorSigned(upper - 1 - start, dilation));
  return std::max<int64_t>(0, last - first + 1);
}

/// Per spatial dimension, how many elements the window of each output
/// position counts: those inside the input, plus the explicit padding when
/// count_include_pad (ceil_mode's extra padding never counts). A window
/// counts the product over the dimensions.
SmallVector<SmallVector<int64_t>> computeCounts(const Window &window,
                                                ArrayRef<int64_t> input,
                                                bool countIncludePad) {
  SmallVector<SmallVector<int64_t>> counts;
  for (size_t d = 0; d < window.getRank(); ++d) {
    int64_t lower = countIncludePad ? -window.padsBegin[d] : 0;
    int64_t upper = input[d] + (countIncludePad ? window.padsEnd[d] : 0);
    SmallVector<int64_t> &dim = counts.emplace_back();
    for (int64_t o = 0; o < window.output[d]; ++o)
      dim.push_back(countInside(o, window.kernel[d], window.strides[d],
                                window.dilations[d], window.padsBegin[d], lower,
                                upper));
  }
  return counts;
}

/// `sum` (N x C x spatial) divided by the window counts: by one scalar when
/// every window counts the same (the form compress-fuse-qdq folds), else
/// also by a constant per dimension whose counts vary, read along it.
Value divideByCounts(OpBuilder &b, Location loc, Value sum,
                     ArrayRef<SmallVector<int64_t>> counts) {
  ArrayRef<int64_t> shape = getShape(sum);
  Type elementType = getElementTypeOf(sum);
  SmallVector<Value> inputs{sum};
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(shape.size())};
  double uniform = 1.0;
  for (auto [d, dim] : llvm::enumerate(counts)) {
    if (llvm::all_equal(dim)) {
      uniform *= double(dim.front());
      continue;
    }
    SmallVector<Attribute> values;
    for (int64_t count : dim)
      values.push_back(getScalarAttr(elementType, double(count)));
    auto type =
        RankedTensorType::get({static_cast<int64_t>(dim.size())}, elementType);
    inputs.push_back(arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, values)));
    maps.push_back(AffineMap::get(shape.size(), 0, b.getAffineDimExpr(2 + d)));
  }
  return buildMappedElementwise(
      b, loc, inputs, maps, shape, elementType,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        // Counts are small integers: every product is exact.
        Value divisor = createScalar(nb, nloc, elementType, uniform);
        for (Value count : args.drop_front())
          divisor = arith::MulFOp::create(nb, nloc, divisor, count);
        return arith::DivFOp::create(nb, nloc, args[0], divisor);
      });
}

LogicalResult convertAveragePool(NodeImporter &node) {
  if (failed(node.checkInputs(1, 1)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<RankedTensorType> type = getPoolInput(node, false);
  FailureOr<int64_t> countIncludePad = node.getInt("count_include_pad", 0);
  if (failed(type) || failed(countIncludePad))
    return failure();
  ArrayRef<int64_t> spatial = type->getShape().drop_front(2);
  FailureOr<Window> window =
      readWindow(node, spatial, std::nullopt, /*isPooling=*/true);
  FailureOr<Value> x = node.getInput(0);
  if (failed(window) || failed(x))
    return failure();
  // The counts are computed per output index at import.
  for (int64_t out : window->output)
    if (out > kMaxParameterElements)
      return node.emitError()
             << "an output dimension of " << out << " is too large (at most "
             << kMaxParameterElements << ")";
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value sum = buildPool(b, loc, *x, *window, PoolKind::Sum,
                        getScalarAttr(type->getElementType(), 0.0), false);
  Value y = divideByCounts(
      b, loc, sum, computeCounts(*window, spatial, *countIncludePad != 0));
  return node.setOutput(0, y, node.getInputDataType(0));
}

/// GlobalAveragePool and GlobalMaxPool: one window over all of H x W.
template <PoolKind kind>
LogicalResult convertGlobalPool(NodeImporter &node) {
  if (failed(node.checkInputs(1, 1)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<RankedTensorType> type = getPoolInput(node, false);
  FailureOr<Value> x = node.getInput(0);
  if (failed(type) || failed(x))
    return failure();
  ArrayRef<int64_t> spatial = type->getShape().drop_front(2);
  Window window;
  window.kernel.assign(spatial.begin(), spatial.end());
  window.strides.assign(spatial.size(), 1);
  window.dilations.assign(spatial.size(), 1);
  window.padsBegin.assign(spatial.size(), 0);
  window.padsEnd.assign(spatial.size(), 0);
  window.output.assign(spatial.size(), 1);
  window.ceilPadding.assign(spatial.size(), 0);
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Type elementType = type->getElementType();
  Value y;
  if (kind == PoolKind::Max) {
    y = buildPool(b, loc, *x, window, kind, getLowestAttr(elementType, false),
                  false);
  } else {
    Value sum = buildPool(b, loc, *x, window, kind,
                          getScalarAttr(elementType, 0.0), false);
    SmallVector<SmallVector<int64_t>> counts;
    for (int64_t dim : spatial)
      counts.push_back({dim});
    y = divideByCounts(b, loc, sum, counts);
  }
  return node.setOutput(0, y, node.getInputDataType(0));
}

} // namespace

void mlir::compress::onnx_import::addPoolingConverters(
    ConverterMap &converters) {
  converters["MaxPool"] = convertMaxPool;
  converters["AveragePool"] = convertAveragePool;
  converters["GlobalAveragePool"] = convertGlobalPool<PoolKind::Sum>;
  converters["GlobalMaxPool"] = convertGlobalPool<PoolKind::Max>;
}
