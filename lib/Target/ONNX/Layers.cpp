//===- Layers.cpp - Conv, Gemm and MatMul ---------------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Layers become linalg named ops with a zero-filled init and the weight as a
// direct operand (a constant for initializers), followed by a separate
// elementwise bias add: the shapes compress-quantize-weights, the pruning
// passes and compress-fuse-qdq match.
//
//===----------------------------------------------------------------------===//

#include "Layers.h"

#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace mlir::compress::onnx_import;

//===----------------------------------------------------------------------===//
// Window geometry
//===----------------------------------------------------------------------===//

namespace {

/// An ints attribute of one value per spatial dimension, `fill` when absent.
FailureOr<SmallVector<int64_t>> getSpatialInts(NodeImporter &node,
                                               StringRef attr, size_t count,
                                               int64_t fill, int64_t minimum) {
  FailureOr<SmallVector<int64_t>> values =
      node.getInts(attr, SmallVector<int64_t>(count, fill));
  if (failed(values))
    return failure();
  if (values->size() != count)
    return node.emitError() << attr << " has " << values->size() << " values; "
                            << count << " are expected";
  for (int64_t v : *values)
    if (v < minimum || v > kMaxElements)
      return node.emitError() << attr << " has the invalid value " << v;
  return values;
}

/// floor(a / b) or ceil(a / b) for b > 0 and any a.
int64_t divide(int64_t a, int64_t b, bool roundUp) {
  int64_t q = a / b, r = a % b;
  if (r != 0 && ((r > 0) == roundUp))
    q += roundUp ? 1 : -1;
  return q;
}

/// Output sizes and padding under auto_pad (SAME_UPPER, SAME_LOWER, VALID).
void applyAutoPad(Window &window, ArrayRef<int64_t> input, StringRef autoPad) {
  for (size_t i = 0; i < window.getRank(); ++i) {
    int64_t extent = (window.kernel[i] - 1) * window.dilations[i] + 1;
    if (autoPad == "VALID") {
      window.padsBegin[i] = window.padsEnd[i] = 0;
      window.output[i] =
          divide(input[i] - extent, window.strides[i], false) + 1;
      continue;
    }
    window.output[i] = divide(input[i], window.strides[i], true);
    int64_t total = std::max<int64_t>(
        0, (window.output[i] - 1) * window.strides[i] + extent - input[i]);
    int64_t small = total / 2, large = total - small;
    window.padsBegin[i] = autoPad == "SAME_UPPER" ? small : large;
    window.padsEnd[i] = autoPad == "SAME_UPPER" ? large : small;
  }
}

/// Output sizes from explicit pads, rounding down or (ceil_mode) up; a
/// window that would start past the padded input is dropped, as in
/// PyTorch and onnxruntime.
void applyExplicitPads(Window &window, ArrayRef<int64_t> input, bool ceil) {
  for (size_t i = 0; i < window.getRank(); ++i) {
    int64_t extent = (window.kernel[i] - 1) * window.dilations[i] + 1;
    int64_t padded = input[i] + window.padsBegin[i] + window.padsEnd[i];
    int64_t out = divide(padded - extent, window.strides[i], ceil) + 1;
    if (ceil && (out - 1) * window.strides[i] >= input[i] + window.padsBegin[i])
      --out;
    window.output[i] = out;
    window.ceilPadding[i] =
        std::max<int64_t>(0, (out - 1) * window.strides[i] + extent - padded);
  }
}

} // namespace

FailureOr<Window> mlir::compress::onnx_import::readWindow(
    NodeImporter &node, ArrayRef<int64_t> inputSpatial,
    std::optional<ArrayRef<int64_t>> filter, bool isPooling) {
  size_t rank = inputSpatial.size();
  Window window;
  FailureOr<std::optional<SmallVector<int64_t>>> kernel =
      node.getOptionalInts("kernel_shape");
  FailureOr<std::string> autoPad = node.getString("auto_pad", "NOTSET");
  FailureOr<SmallVector<int64_t>> strides =
      getSpatialInts(node, "strides", rank, 1, 1);
  FailureOr<SmallVector<int64_t>> dilations =
      getSpatialInts(node, "dilations", rank, 1, 1);
  FailureOr<SmallVector<int64_t>> pads =
      getSpatialInts(node, "pads", 2 * rank, 0, 0);
  FailureOr<int64_t> ceilMode =
      isPooling ? node.getInt("ceil_mode", 0) : FailureOr<int64_t>(0);
  if (failed(kernel) || failed(autoPad) || failed(strides) ||
      failed(dilations) || failed(pads) || failed(ceilMode))
    return failure();

  if (*kernel) {
    window.kernel = **kernel;
    if (filter && ArrayRef<int64_t>(window.kernel) != *filter)
      return node.emitError() << "kernel_shape disagrees with the filter";
  } else if (filter) {
    window.kernel.assign(filter->begin(), filter->end());
  } else {
    return node.emitError() << "the attribute 'kernel_shape' is missing";
  }
  if (window.kernel.size() != rank)
    return node.emitError()
           << "the kernel has " << window.kernel.size()
           << " dimensions; the input has " << rank << " spatial dimensions";
  for (auto [k, d] : llvm::zip(window.kernel, *dilations))
    if (k < 1 || k > kMaxElements || (k - 1) > kMaxElements / d)
      return node.emitError()
             << "the kernel size " << k << " (dilation " << d << ") is invalid";

  window.strides = *strides;
  window.dilations = *dilations;
  window.padsBegin.assign(pads->begin(), pads->begin() + rank);
  window.padsEnd.assign(pads->begin() + rank, pads->end());
  window.output.assign(rank, 0);
  window.ceilPadding.assign(rank, 0);
  if (*autoPad == "NOTSET")
    applyExplicitPads(window, inputSpatial, *ceilMode != 0);
  else if (*autoPad == "VALID" || *autoPad == "SAME_UPPER" ||
           *autoPad == "SAME_LOWER")
    applyAutoPad(window, inputSpatial, *autoPad);
  else
    return node.emitError() << "auto_pad '" << *autoPad << "' is not supported";
  for (int64_t out : window.output)
    if (out < 1)
      return node.emitError() << "the window is larger than the padded input";
  // Padding far larger than the input (auto_pad with an absurd kernel) would
  // make a padded tensor no machine holds.
  SmallVector<int64_t> padded;
  for (size_t i = 0; i < rank; ++i)
    padded.push_back(inputSpatial[i] + window.padsBegin[i] + window.padsEnd[i] +
                     window.ceilPadding[i]);
  if (failed(checkShape(padded, node.getLoc(), "the padded input")))
    return failure();
  return window;
}

LogicalResult mlir::compress::onnx_import::checkSpatialInput(
    NodeImporter &node, RankedTensorType type, StringRef what) {
  if (type.getRank() == 3 || type.getRank() == 4)
    return success();
  return node.emitError() << what << " is " << type
                          << "; only 1-D and 2-D spatial inputs (rank 3 or "
                             "4) are supported";
}

Window mlir::compress::onnx_import::liftTo2D(const Window &window) {
  Window lifted = window;
  auto prepend = [](SmallVector<int64_t> &values, int64_t value) {
    values.insert(values.begin(), value);
  };
  prepend(lifted.kernel, 1);
  prepend(lifted.strides, 1);
  prepend(lifted.dilations, 1);
  prepend(lifted.padsBegin, 0);
  prepend(lifted.padsEnd, 0);
  prepend(lifted.output, 1);
  prepend(lifted.ceilPadding, 0);
  return lifted;
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

namespace {

/// `values` as the i64 tensor attribute the linalg named ops take.
DenseIntElementsAttr getI64VectorAttr(OpBuilder &b, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getI64Type());
  return DenseIntElementsAttr::get(type, values);
}

/// `shape` with a unit dimension inserted at `position`.
SmallVector<int64_t> insertUnitDim(ArrayRef<int64_t> shape, size_t position) {
  SmallVector<int64_t> result(shape);
  result.insert(result.begin() + position, 1);
  return result;
}

Value buildConvolution2D(OpBuilder &b, Location loc, Value x, Value w,
                         const Window &window, int64_t group, Type resultType) {
  TypedAttr zero = getScalarAttr(resultType, 0.0);
  SmallVector<int64_t> low{0, 0}, high{0, 0};
  llvm::append_range(low, window.padsBegin);
  llvm::append_range(high, window.padsEnd);
  x = pad(b, loc, x, low, high, getScalarAttr(getElementTypeOf(x), 0.0));
  DenseIntElementsAttr strides = getI64VectorAttr(b, window.strides);
  DenseIntElementsAttr dilations = getI64VectorAttr(b, window.dilations);

  ArrayRef<int64_t> xShape = getShape(x), wShape = getShape(w);
  int64_t n = xShape[0], c = xShape[1], m = wShape[0];
  int64_t oh = window.output[0], ow = window.output[1];
  if (group == 1) {
    Value init = createFilled(b, loc, {n, m, oh, ow}, zero);
    return linalg::Conv2DNchwFchwOp::create(b, loc, init.getType(),
                                            ValueRange{x, w}, ValueRange{init},
                                            strides, dilations)
        .getResult(0);
  }
  if (group == c && m == c) {
    // Depthwise: each channel convolved with its own filter.
    Value filter = reshape(b, loc, w, {c, wShape[2], wShape[3]});
    Value init = createFilled(b, loc, {n, c, oh, ow}, zero);
    return linalg::DepthwiseConv2DNchwChwOp::create(
               b, loc, init.getType(), ValueRange{x, filter}, ValueRange{init},
               strides, dilations)
        .getResult(0);
  }
  int64_t cg = c / group, mg = m / group;
  Value grouped = reshape(b, loc, x, {n, group, cg, xShape[2], xShape[3]});
  Value filter = reshape(b, loc, w, {group, mg, cg, wShape[2], wShape[3]});
  Value init = createFilled(b, loc, {n, group, mg, oh, ow}, zero);
  Value result = linalg::Conv2DNgchwGfchwOp::create(
                     b, loc, init.getType(), ValueRange{grouped, filter},
                     ValueRange{init}, strides, dilations)
                     .getResult(0);
  return reshape(b, loc, result, {n, m, oh, ow});
}

} // namespace

FailureOr<Value>
mlir::compress::onnx_import::buildConvolution(NodeImporter &node, Value x,
                                              Value w, const Window &window,
                                              int64_t group, Type resultType) {
  ArrayRef<int64_t> xShape = getShape(x), wShape = getShape(w);
  if (xShape.size() != wShape.size())
    return node.emitError() << "the filter's rank " << wShape.size()
                            << " differs from the input's " << xShape.size();
  if (group < 1 || xShape[1] % group != 0 || wShape[0] % group != 0 ||
      wShape[1] * group != xShape[1])
    return node.emitError()
           << "group " << group << " does not divide the " << xShape[1]
           << " input channels into filters of " << wShape[1] << " channels ("
           << wShape[0] << " filters)";
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  if (window.getRank() == 2)
    return buildConvolution2D(b, loc, x, w, window, group, resultType);
  Value x2 = reshape(b, loc, x, insertUnitDim(xShape, 2));
  Value w2 = reshape(b, loc, w, insertUnitDim(wShape, 2));
  Value y =
      buildConvolution2D(b, loc, x2, w2, liftTo2D(window), group, resultType);
  return reshape(b, loc, y, {xShape[0], wShape[0], window.output[0]});
}

Value mlir::compress::onnx_import::addChannelBias(OpBuilder &b, Location loc,
                                                  Value x, Value bias) {
  ArrayRef<int64_t> shape = getShape(x);
  AffineMap identity = b.getMultiDimIdentityMap(shape.size());
  AffineMap channel = AffineMap::get(shape.size(), 0, b.getAffineDimExpr(1));
  bool isFloat = isa<FloatType>(getElementTypeOf(x));
  return buildMappedElementwise(
      b, loc, ValueRange{x, bias}, {identity, channel}, shape,
      getElementTypeOf(x), [&](OpBuilder &nb, Location nloc, ValueRange args) {
        return isFloat
                   ? Value(arith::AddFOp::create(nb, nloc, args[0], args[1]))
                   : Value(arith::AddIOp::create(nb, nloc, args[0], args[1]));
      });
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

namespace {

int64_t product(ArrayRef<int64_t> values) {
  int64_t result = 1;
  for (int64_t v : values)
    result *= v;
  return result;
}

/// `value` broadcast to `shape` (numpy rules; a copy when it differs).
Value broadcastTo(OpBuilder &b, Location loc, Value value,
                  ArrayRef<int64_t> shape) {
  if (getShape(value) == shape)
    return value;
  return buildElementwise(
      b, loc, value, shape, getElementTypeOf(value),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

/// a [M, K] times b [K, N].
Value buildMatmul2D(OpBuilder &b, Location loc, Value lhs, Value rhs,
                    Type resultType) {
  int64_t m = getShape(lhs)[0], n = getShape(rhs)[1];
  Value init = createFilled(b, loc, {m, n}, getScalarAttr(resultType, 0.0));
  return linalg::MatmulOp::create(b, loc, init.getType(), ValueRange{lhs, rhs},
                                  ValueRange{init})
      .getResult(0);
}

} // namespace

FailureOr<Value> mlir::compress::onnx_import::buildMatMul(NodeImporter &node,
                                                          Value a, Value bv,
                                                          Type resultType) {
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  SmallVector<int64_t> aShape(getShape(a)), bShape(getShape(bv));
  if (aShape.empty() || bShape.empty())
    return node.emitError() << "the inputs must have rank 1 or more";
  // 1-D operands are a row (a) or a column (b) whose unit dimension is
  // dropped from the result.
  bool rowVector = aShape.size() == 1, columnVector = bShape.size() == 1;
  if (rowVector)
    aShape.insert(aShape.begin(), 1);
  if (columnVector)
    bShape.push_back(1);
  a = reshape(b, loc, a, aShape);
  bv = reshape(b, loc, bv, bShape);
  int64_t m = aShape[aShape.size() - 2], k = aShape.back();
  int64_t n = bShape.back();
  if (bShape[bShape.size() - 2] != k)
    return node.emitError() << "cannot multiply " << a.getType() << " by "
                            << bv.getType() << ": the inner sizes differ";

  ArrayRef<int64_t> aBatch = ArrayRef<int64_t>(aShape).drop_back(2);
  ArrayRef<int64_t> bBatch = ArrayRef<int64_t>(bShape).drop_back(2);
  SmallVector<int64_t> resultShape;
  Value result;
  if (bBatch.empty()) {
    // The batch dimensions of `a` are more rows of one matrix product, so
    // that a constant `b` stays the weight of a linalg.matmul.
    int64_t rows = product(aBatch) * m;
    Value flat = reshape(b, loc, a, {rows, k});
    result = buildMatmul2D(b, loc, flat, bv, resultType);
    resultShape.assign(aBatch.begin(), aBatch.end());
  } else {
    std::optional<SmallVector<int64_t>> batch =
        broadcastShapes({aBatch, bBatch});
    if (!batch)
      return node.emitError() << "the batch dimensions of " << a.getType()
                              << " and " << bv.getType() << " do not broadcast";
    int64_t count = product(*batch);
    SmallVector<int64_t> aFull(*batch), bFull(*batch);
    aFull.append({m, k});
    bFull.append({k, n});
    Value lhs = reshape(b, loc, broadcastTo(b, loc, a, aFull), {count, m, k});
    Value rhs = reshape(b, loc, broadcastTo(b, loc, bv, bFull), {count, k, n});
    Value init =
        createFilled(b, loc, {count, m, n}, getScalarAttr(resultType, 0.0));
    result = linalg::BatchMatmulOp::create(
                 b, loc, init.getType(), ValueRange{lhs, rhs}, ValueRange{init})
                 .getResult(0);
    resultShape.assign(batch->begin(), batch->end());
  }
  if (!rowVector)
    resultShape.push_back(m);
  if (!columnVector)
    resultShape.push_back(n);
  return reshape(b, loc, result, resultShape);
}

//===----------------------------------------------------------------------===//
// Converters
//===----------------------------------------------------------------------===//

namespace {

LogicalResult convertConv(NodeImporter &node) {
  if (failed(node.checkInputs(2, 3)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<DataType> type = node.getCommonFloatType({0, 1, 2});
  FailureOr<RankedTensorType> xType = node.getInputType(0);
  FailureOr<RankedTensorType> wType = node.getInputType(1);
  FailureOr<int64_t> group = node.getInt("group", 1);
  if (failed(type) || failed(xType) || failed(wType) || failed(group) ||
      failed(checkSpatialInput(node, *xType, "the input")) ||
      failed(checkSpatialInput(node, *wType, "the filter")))
    return failure();
  FailureOr<Window> window =
      readWindow(node, xType->getShape().drop_front(2),
                 wType->getShape().drop_front(2), /*isPooling=*/false);
  FailureOr<Value> x = node.getInput(0);
  FailureOr<Value> w = node.getInput(1);
  if (failed(window) || failed(x) || failed(w))
    return failure();
  FailureOr<Value> y =
      buildConvolution(node, *x, *w, *window, *group, getElementTypeOf(*x));
  if (failed(y))
    return failure();
  if (node.hasInput(2)) {
    FailureOr<Value> bias = node.getInput(2);
    if (failed(bias))
      return failure();
    if (getShape(*bias) != ArrayRef<int64_t>{getShape(*y)[1]})
      return node.emitError() << "the bias " << bias->getType()
                              << " does not have one value per filter";
    y = addChannelBias(node.getBuilder(), node.getLoc(), *y, *bias);
  }
  return node.setOutput(0, *y, *type);
}

LogicalResult convertMatMul(NodeImporter &node) {
  if (failed(node.checkInputs(2, 2)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<DataType> type = node.getCommonFloatType({0, 1});
  FailureOr<Value> a = node.getInput(0);
  FailureOr<Value> b = node.getInput(1);
  if (failed(type) || failed(a) || failed(b))
    return failure();
  FailureOr<Value> y = buildMatMul(node, *a, *b, getElementTypeOf(*a));
  if (failed(y))
    return failure();
  return node.setOutput(0, *y, *type);
}

/// The map reading a Gemm operand of the (m, n, k) loops, transposed or not.
AffineMap getGemmMap(OpBuilder &b, unsigned rowDim, unsigned columnDim,
                     bool transposed) {
  AffineExpr row = b.getAffineDimExpr(rowDim);
  AffineExpr column = b.getAffineDimExpr(columnDim);
  return AffineMap::get(3, 0,
                        transposed ? ArrayRef<AffineExpr>{column, row}
                                   : ArrayRef<AffineExpr>{row, column},
                        b.getContext());
}

LogicalResult convertGemm(NodeImporter &node) {
  if (failed(node.checkInputs(2, 3)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<DataType> type = node.getCommonFloatType({0, 1, 2});
  FailureOr<float> alpha = node.getFloat("alpha", 1.0f);
  FailureOr<float> beta = node.getFloat("beta", 1.0f);
  FailureOr<int64_t> transA = node.getInt("transA", 0);
  FailureOr<int64_t> transB = node.getInt("transB", 0);
  // Gemm before opset 7 flagged numpy-style broadcasting of C explicitly;
  // numpy broadcasting is what is implemented either way.
  FailureOr<int64_t> legacyBroadcast =
      node.getOpset() < 7 ? node.getInt("broadcast", 0) : 0;
  FailureOr<Value> a = node.getInput(0);
  FailureOr<Value> bv = node.getInput(1);
  if (failed(type) || failed(alpha) || failed(beta) || failed(transA) ||
      failed(transB) || failed(legacyBroadcast) || failed(a) || failed(bv))
    return failure();
  ArrayRef<int64_t> aShape = getShape(*a), bShape = getShape(*bv);
  if (aShape.size() != 2 || bShape.size() != 2)
    return node.emitError() << "A and B must be matrices";
  int64_t m = aShape[*transA ? 1 : 0], k = aShape[*transA ? 0 : 1];
  int64_t n = bShape[*transB ? 0 : 1];
  if (bShape[*transB ? 1 : 0] != k)
    return node.emitError() << "the inner sizes of A and B differ";

  // Transposed operands are read through the matmul's indexing maps: the
  // weight stays the initializer itself (transB = 1 is how PyTorch exports
  // nn.Linear), and compress finds its output channel from the maps.
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Type elementType = getElementTypeOf(*a);
  Value init = createFilled(b, loc, {m, n}, getScalarAttr(elementType, 0.0));
  SmallVector<NamedAttribute> attrs;
  if (*transA || *transB) {
    SmallVector<Attribute> maps{
        AffineMapAttr::get(getGemmMap(b, 0, 2, *transA != 0)),
        AffineMapAttr::get(getGemmMap(b, 2, 1, *transB != 0)),
        AffineMapAttr::get(getGemmMap(b, 0, 1, false))};
    attrs.push_back(b.getNamedAttr("indexing_maps", b.getArrayAttr(maps)));
  }
  Value y =
      linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                               ValueRange{*a, *bv}, ValueRange{init}, attrs)
          .getResult(0);

  SmallVector<Value> operands{y};
  if (node.hasInput(2)) {
    FailureOr<Value> c = node.getInput(2);
    if (failed(c))
      return failure();
    std::optional<SmallVector<int64_t>> shape =
        broadcastShapes({{m, n}, getShape(*c)});
    if (!shape || ArrayRef<int64_t>(*shape) != ArrayRef<int64_t>{m, n})
      return node.emitError()
             << "C " << c->getType() << " does not broadcast to [" << m << ", "
             << n << "]";
    operands.push_back(*c);
  }
  if (operands.size() > 1 || *alpha != 1.0f) {
    // alpha * (A B) + beta * C, each factor only when it is not 1.
    y = buildElementwise(
        b, loc, operands, {m, n}, elementType,
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          Value result = args[0];
          if (*alpha != 1.0f)
            result = arith::MulFOp::create(
                nb, nloc, result, createScalar(nb, nloc, elementType, *alpha));
          if (args.size() == 1)
            return result;
          Value c = args[1];
          if (*beta != 1.0f)
            c = arith::MulFOp::create(
                nb, nloc, c, createScalar(nb, nloc, elementType, *beta));
          return Value(arith::AddFOp::create(nb, nloc, result, c));
        });
  }
  return node.setOutput(0, y, *type);
}

} // namespace

void mlir::compress::onnx_import::addLayerConverters(ConverterMap &converters) {
  converters["Conv"] = convertConv;
  converters["MatMul"] = convertMatMul;
  converters["Gemm"] = convertGemm;
  addPoolingConverters(converters);
  addNormalizationConverters(converters);
}
