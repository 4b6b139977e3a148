//===- QuantOps.cpp - QDQ and QOperator quantized ops ---------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// QuantizeLinear / DequantizeLinear become compress.quantize /
// compress.dequantize on `!quant.uniform` types built from the constant
// scales and zero points (which compress needs at compile time), so that a
// QDQ model is exactly what compress-fuse-qdq turns into integer kernels.
//
// The QOperator ops (QLinearMatMul, QLinearConv, MatMulInteger, ConvInteger)
// are integer programs already: the storage integers are widened to i32 and
// centered on their zero points, multiplied with the same linalg named ops
// as the float layers, and the QLinear ops requantize the i32 result with
// compress.requantize, rounding = "float": round_half_to_even(acc *
// (s_a * s_b / s_y)), ONNX's reference arithmetic.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "Importer.h"
#include "Layers.h"

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

#include <cmath>

using namespace mlir;
using namespace mlir::compress;
using namespace mlir::compress::onnx_import;

using onnx::TensorProto;

namespace {

/// The scales and zero points of one quantized operand: one pair
/// (per-tensor), or one per index of `axis`.
struct QuantParamsSpec {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  std::optional<int64_t> axis;
  /// The storage type: uint8 or int8 (int32 for DequantizeLinear's bias).
  DataType storage = TensorProto::UINT8;

  bool isPerAxis() const { return axis.has_value(); }

  /// The `!quant.uniform` element type over f32 with the full storage range.
  quant::QuantizedType getQuantType(MLIRContext *context) const {
    bool isSigned = !isUnsignedDataType(storage);
    unsigned bits = getElementType(context, storage).getIntOrFloatBitWidth();
    SmallVector<QuantParams> params;
    for (auto [scale, zp] : llvm::zip_equal(scales, zeroPoints))
      params.push_back({scale, zp});
    std::optional<int32_t> quantAxis;
    if (axis)
      quantAxis = static_cast<int32_t>(*axis);
    return buildUniformQuantType(Float32Type::get(context), bits, isSigned,
                                 QuantRange::full(bits, isSigned), params,
                                 quantAxis);
  }
};

bool isQuantStorage(DataType type) {
  return type == TensorProto::UINT8 || type == TensorProto::INT8;
}

/// Reads the scale (input `scaleInput`) and zero point (`zpInput`, absent
/// means 0) of the operand `what` with the shape `shape`. One value is
/// per-tensor; a 1-D tensor of shape[axis] values is per-axis when
/// `perAxis` allows an axis. The zero point decides the storage type; when
/// absent, `storage` does.
FailureOr<QuantParamsSpec> readQuantParams(NodeImporter &node,
                                           unsigned scaleInput,
                                           std::optional<unsigned> zpInput,
                                           ArrayRef<int64_t> shape,
                                           std::optional<int64_t> perAxis,
                                           DataType storage, StringRef what) {
  QuantParamsSpec spec;
  FailureOr<DenseElementsAttr> scale =
      node.getRequiredConstant(scaleInput, Twine(what, " scale").str());
  if (failed(scale))
    return failure();
  if (node.getInputDataType(scaleInput) != TensorProto::FLOAT)
    return node.emitError() << "the " << what << " scale must be float";
  for (const APFloat &value : scale->getValues<APFloat>()) {
    double v = value.convertToDouble();
    if (!(v > 0.0) || !std::isfinite(v))
      return node.emitError() << "the " << what << " scale " << v
                              << " is not positive and finite";
    spec.scales.push_back(v);
  }
  int64_t count = spec.scales.size();
  if (count != 1) {
    bool matches = perAxis && scale->getType().getRank() == 1 &&
                   *perAxis < static_cast<int64_t>(shape.size()) &&
                   shape[*perAxis] == count;
    if (!matches) {
      InFlightDiagnostic diag = node.emitError()
                                << "the " << what << " has " << count
                                << " scales; 1 (per-tensor)";
      if (perAxis)
        diag << " or one per index of dimension " << *perAxis;
      return diag << " are supported";
    }
    spec.axis = perAxis;
  }

  spec.storage = storage;
  if (zpInput && node.hasInput(*zpInput)) {
    FailureOr<DenseElementsAttr> zp =
        node.getRequiredConstant(*zpInput, Twine(what, " zero point").str());
    if (failed(zp))
      return failure();
    spec.storage = node.getInputDataType(*zpInput);
    if (zp->getNumElements() != count)
      return node.emitError()
             << "the " << what << " has " << count << " scales but "
             << zp->getNumElements() << " zero points";
    for (const APInt &value : zp->getValues<APInt>())
      spec.zeroPoints.push_back(isUnsignedDataType(spec.storage)
                                    ? static_cast<int64_t>(value.getZExtValue())
                                    : value.getSExtValue());
  } else {
    spec.zeroPoints.assign(count, 0);
  }
  return spec;
}

/// Requires the storage of a quantized operand to be uint8 or int8 and to
/// agree with the data type of the tensor itself.
LogicalResult checkStorage(NodeImporter &node, const QuantParamsSpec &spec,
                           DataType tensorType, StringRef what) {
  if (!isQuantStorage(spec.storage))
    return node.emitError()
           << "the " << what << " is " << getDataTypeName(spec.storage)
           << "; uint8 and int8 are supported";
  if (tensorType != spec.storage)
    return node.emitError()
           << "the " << what << " is " << getDataTypeName(tensorType)
           << " but its zero point is " << getDataTypeName(spec.storage);
  return success();
}

/// The per-tensor output scale and zero point of a QLinear op.
FailureOr<QuantParamsSpec>
readOutputParams(NodeImporter &node, unsigned scaleInput, unsigned zpInput) {
  FailureOr<QuantParamsSpec> spec =
      readQuantParams(node, scaleInput, zpInput, {}, std::nullopt,
                      TensorProto::UINT8, "output");
  if (failed(spec) ||
      failed(checkStorage(node, *spec, spec->storage, "output")))
    return failure();
  return spec;
}

/// Input `i` viewed as `type`: the quantized value a QuantizeLinear or
/// QLinear op produced when its type is exactly `type`, else a storage cast.
FailureOr<Value> getQuantizedInput(NodeImporter &node, unsigned i,
                                   RankedTensorType type) {
  FailureOr<TensorEntry *> entry = node.getInputEntry(i);
  if (failed(entry))
    return failure();
  if ((*entry)->quantized && (*entry)->quantized.getType() == type)
    return (*entry)->quantized;
  FailureOr<Value> storage = node.getInput(i);
  if (failed(storage))
    return failure();
  return Value(quant::StorageCastOp::create(node.getBuilder(), node.getLoc(),
                                            type, *storage));
}

/// The default axis of per-axis QuantizeLinear/DequantizeLinear (opset 13).
FailureOr<int64_t> readQDQAxis(NodeImporter &node, int64_t rank) {
  FailureOr<int64_t> axis = node.getInt("axis", 1);
  if (failed(axis))
    return failure();
  // A per-tensor op on a low-rank tensor never uses the default axis.
  if (rank == 0 || (*axis == 1 && rank == 1))
    return 0;
  return node.normalizeAxis(*axis, rank);
}

//===----------------------------------------------------------------------===//
// QuantizeLinear, DequantizeLinear
//===----------------------------------------------------------------------===//

LogicalResult convertQuantizeLinear(NodeImporter &node) {
  if (failed(node.checkInputs(2, 3)) || failed(node.checkOutputs(1)))
    return failure();
  if (node.getInputDataType(0) != TensorProto::FLOAT)
    return node.emitError()
           << "the input is " << getDataTypeName(node.getInputDataType(0))
           << "; float is supported";
  FailureOr<Value> x = node.getInput(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> shape = getShape(*x);
  FailureOr<int64_t> axis = readQDQAxis(node, shape.size());
  if (failed(axis))
    return failure();
  FailureOr<QuantParamsSpec> spec =
      readQuantParams(node, 1, 2, shape, *axis, TensorProto::UINT8, "output");
  if (failed(spec))
    return failure();
  if (failed(checkStorage(node, *spec, spec->storage, "output")))
    return failure();
  auto type =
      RankedTensorType::get(shape, spec->getQuantType(node.getContext()));
  Value q = QuantizeOp::create(node.getBuilder(), node.getLoc(), type, *x);
  return node.setQuantizedOutput(0, q, spec->storage);
}

/// DequantizeLinear of int32 (how quantizers store biases, in units of
/// s_x * s_w with zero point 0): (float)(x - zp) * scale in f32, folded for
/// a constant x so that the layer sees a float constant bias.
LogicalResult convertDequantizeInt32(NodeImporter &node,
                                     const QuantParamsSpec &spec) {
  if (llvm::any_of(spec.zeroPoints, [](int64_t zp) { return zp != 0; }))
    return node.emitError() << "an int32 input must have zero point 0";
  FailureOr<RankedTensorType> type = node.getInputType(0);
  if (failed(type))
    return failure();
  auto scaleOf = [&](ArrayRef<int64_t> index) -> float {
    return static_cast<float>(spec.isPerAxis() ? spec.scales[index[*spec.axis]]
                                               : spec.scales.front());
  };
  OpBuilder &b = node.getBuilder();
  auto resultType = RankedTensorType::get(type->getShape(), b.getF32Type());
  DenseElementsAttr constant = node.getInputConstant(0);
  if (constant && constant.getNumElements() <= kMaxParameterElements) {
    SmallVector<float> values;
    SmallVector<int64_t> index(type->getRank(), 0);
    for (const APInt &q : constant.getValues<APInt>()) {
      values.push_back(static_cast<float>(q.getSExtValue()) * scaleOf(index));
      // Advance the row-major index.
      for (int64_t d = type->getRank() - 1; d >= 0; --d) {
        if (++index[d] < type->getDimSize(d))
          break;
        index[d] = 0;
      }
    }
    return node.setConstantOutput(
        0, DenseElementsAttr::get(resultType, ArrayRef<float>(values)),
        TensorProto::FLOAT);
  }
  FailureOr<Value> x = node.getInput(0);
  if (failed(x))
    return failure();
  int64_t rank = type->getRank();
  SmallVector<Value> inputs{*x};
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
  if (spec.isPerAxis()) {
    SmallVector<float> scales(spec.scales.begin(), spec.scales.end());
    auto scaleType = RankedTensorType::get(
        {static_cast<int64_t>(scales.size())}, b.getF32Type());
    inputs.push_back(arith::ConstantOp::create(
        b, node.getLoc(),
        DenseElementsAttr::get(scaleType, ArrayRef<float>(scales))));
    maps.push_back(AffineMap::get(rank, 0, b.getAffineDimExpr(*spec.axis)));
  }
  Value y = buildMappedElementwise(
      b, node.getLoc(), inputs, maps, type->getShape(), b.getF32Type(),
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        Value scale = spec.isPerAxis() ? args[1]
                                       : createScalar(nb, loc, nb.getF32Type(),
                                                      spec.scales.front());
        Value real = arith::SIToFPOp::create(nb, loc, nb.getF32Type(), args[0]);
        return arith::MulFOp::create(nb, loc, real, scale);
      });
  return node.setOutput(0, y, TensorProto::FLOAT);
}

LogicalResult convertDequantizeLinear(NodeImporter &node) {
  if (failed(node.checkInputs(2, 3)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<RankedTensorType> xType = node.getInputType(0);
  if (failed(xType))
    return failure();
  ArrayRef<int64_t> shape = xType->getShape();
  FailureOr<int64_t> axis = readQDQAxis(node, shape.size());
  if (failed(axis))
    return failure();
  DataType storage = node.getInputDataType(0);
  FailureOr<QuantParamsSpec> spec =
      readQuantParams(node, 1, 2, shape, *axis, storage, "input");
  if (failed(spec))
    return failure();
  if (storage == TensorProto::INT32 && spec->storage == TensorProto::INT32)
    return convertDequantizeInt32(node, *spec);
  if (failed(checkStorage(node, *spec, storage, "input")))
    return failure();
  auto quantType =
      RankedTensorType::get(shape, spec->getQuantType(node.getContext()));
  FailureOr<Value> q = getQuantizedInput(node, 0, quantType);
  if (failed(q))
    return failure();
  auto floatType =
      RankedTensorType::get(shape, Float32Type::get(node.getContext()));
  Value x =
      DequantizeOp::create(node.getBuilder(), node.getLoc(), floatType, *q);
  return node.setOutput(0, x, TensorProto::FLOAT);
}

//===----------------------------------------------------------------------===//
// Integer layers
//===----------------------------------------------------------------------===//

bool hasZeroPointZero(const QuantParamsSpec &spec) {
  return llvm::all_of(spec.zeroPoints, [](int64_t zp) { return zp == 0; });
}

/// `storage` widened to i32 minus its zero point(s): the value integer
/// kernels multiply. Per-axis zero points are a constant read along the
/// axis.
Value buildCentered(OpBuilder &b, Location loc, Value storage,
                    const QuantParamsSpec &spec) {
  bool isUnsigned = isUnsignedDataType(spec.storage);
  bool subtract = !hasZeroPointZero(spec);
  bool perAxis = subtract && spec.isPerAxis();
  Type i32 = b.getI32Type();
  ArrayRef<int64_t> shape = getShape(storage);
  int64_t rank = shape.size();
  SmallVector<Value> inputs{storage};
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
  if (perAxis) {
    SmallVector<int32_t> zps(spec.zeroPoints.begin(), spec.zeroPoints.end());
    auto zpType =
        RankedTensorType::get({static_cast<int64_t>(zps.size())}, i32);
    inputs.push_back(arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(zpType, ArrayRef<int32_t>(zps))));
    maps.push_back(AffineMap::get(rank, 0, b.getAffineDimExpr(*spec.axis)));
  }
  return buildMappedElementwise(
      b, loc, inputs, maps, shape, i32,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value wide = extendInteger(nb, nloc, args[0], i32, isUnsigned);
        if (!subtract)
          return wide;
        Value zp = perAxis ? args[1]
                           : createScalar(nb, nloc, i32,
                                          double(spec.zeroPoints.front()));
        return Value(arith::SubIOp::create(nb, nloc, wide, zp));
      });
}

Type getI32(NodeImporter &node) { return node.getBuilder().getI32Type(); }

/// Input `i` as integer kernels read it, after checking its storage type:
/// signed storage with zero point 0 (the usual symmetric int8 weight) as it
/// is, since linalg's named ops sign-extend their inputs to the
/// accumulator; anything else centered on its zero point in i32 (see
/// buildCentered).
FailureOr<Value> getCenteredInput(NodeImporter &node, unsigned i,
                                  const QuantParamsSpec &spec, StringRef what) {
  if (failed(checkStorage(node, spec, node.getInputDataType(i), what)))
    return failure();
  FailureOr<Value> storage = node.getInput(i);
  if (failed(storage))
    return failure();
  if (hasZeroPointZero(spec) && !isUnsignedDataType(spec.storage))
    return *storage;
  return buildCentered(node.getBuilder(), node.getLoc(), *storage, spec);
}

/// The zero point of an *Integer op's operand (input `zpInput`, optional):
/// per-tensor, or along `perAxis`. There are no scales: they are 1.
FailureOr<QuantParamsSpec>
readZeroPoints(NodeImporter &node, unsigned tensorInput, unsigned zpInput,
               std::optional<int64_t> perAxis, StringRef what) {
  QuantParamsSpec spec;
  spec.storage = node.getInputDataType(tensorInput);
  FailureOr<RankedTensorType> type = node.getInputType(tensorInput);
  if (failed(type))
    return failure();
  if (!node.hasInput(zpInput)) {
    spec.scales = {1.0};
    spec.zeroPoints = {0};
    return spec;
  }
  FailureOr<DenseElementsAttr> zp =
      node.getRequiredConstant(zpInput, Twine(what, " zero point").str());
  if (failed(zp))
    return failure();
  spec.storage = node.getInputDataType(zpInput);
  int64_t count = zp->getNumElements();
  if (count != 1) {
    bool matches = perAxis && zp->getType().getRank() == 1 &&
                   *perAxis < type->getRank() &&
                   type->getDimSize(*perAxis) == count;
    if (!matches)
      return node.emitError() << "the " << what << " has " << count
                              << " zero points; 1 or one per output row or "
                                 "channel are supported";
    spec.axis = perAxis;
  }
  spec.scales.assign(count, 1.0);
  for (const APInt &value : zp->getValues<APInt>())
    spec.zeroPoints.push_back(isUnsignedDataType(spec.storage)
                                  ? static_cast<int64_t>(value.getZExtValue())
                                  : value.getSExtValue());
  return spec;
}

/// compress.requantize of the i32 `acc`, whose real value is
/// acc * s_in * s_w[c] (c along `weight`'s axis, mapped to `accAxis`), to
/// the per-tensor `output`, with ONNX's float rounding.
Value buildRequantize(OpBuilder &b, Location loc, Value acc, double inputScale,
                      const QuantParamsSpec &weight,
                      std::optional<int64_t> accAxis,
                      const QuantParamsSpec &output) {
  SmallVector<double> scales;
  for (double s : weight.scales)
    scales.push_back(inputScale * s);
  IntegerAttr axis;
  if (weight.isPerAxis())
    axis = b.getI64IntegerAttr(*accAxis);
  auto type =
      RankedTensorType::get(getShape(acc), output.getQuantType(b.getContext()));
  return RequantizeOp::create(b, loc, type, acc, scales, axis, "float",
                              IntegerAttr(), IntegerAttr());
}

LogicalResult convertQLinearMatMul(NodeImporter &node) {
  if (failed(node.checkInputs(8, 8)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<RankedTensorType> aType = node.getInputType(0);
  FailureOr<RankedTensorType> bType = node.getInputType(3);
  if (failed(aType) || failed(bType))
    return failure();
  // b may be quantized per column (its last dimension).
  std::optional<int64_t> columns;
  if (bType->getRank() >= 2)
    columns = bType->getRank() - 1;
  FailureOr<QuantParamsSpec> a =
      readQuantParams(node, 1, 2, aType->getShape(), std::nullopt,
                      node.getInputDataType(0), "input a");
  if (failed(a))
    return failure();
  FailureOr<QuantParamsSpec> bq =
      readQuantParams(node, 4, 5, bType->getShape(), columns,
                      node.getInputDataType(3), "input b");
  if (failed(bq))
    return failure();
  FailureOr<QuantParamsSpec> y = readOutputParams(node, 6, 7);
  if (failed(y))
    return failure();
  FailureOr<Value> lhs = getCenteredInput(node, 0, *a, "input a");
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = getCenteredInput(node, 3, *bq, "input b");
  if (failed(rhs))
    return failure();
  FailureOr<Value> acc = buildMatMul(node, *lhs, *rhs, getI32(node));
  if (failed(acc))
    return failure();
  int64_t accRank = getShape(*acc).size();
  Value q = buildRequantize(node.getBuilder(), node.getLoc(), *acc,
                            a->scales.front(), *bq, accRank - 1, *y);
  return node.setQuantizedOutput(0, q, y->storage);
}

/// The window and group of QLinearConv / ConvInteger, read like Conv's.
struct ConvSetup {
  Window window;
  int64_t group;
};

FailureOr<ConvSetup> readConvSetup(NodeImporter &node, unsigned xInput,
                                   unsigned wInput) {
  FailureOr<RankedTensorType> xType = node.getInputType(xInput);
  FailureOr<RankedTensorType> wType = node.getInputType(wInput);
  FailureOr<int64_t> group = node.getInt("group", 1);
  if (failed(xType) || failed(wType) || failed(group) ||
      failed(checkSpatialInput(node, *xType, "the input")) ||
      failed(checkSpatialInput(node, *wType, "the filter")))
    return failure();
  FailureOr<Window> window =
      readWindow(node, xType->getShape().drop_front(2),
                 wType->getShape().drop_front(2), /*isPooling=*/false);
  if (failed(window))
    return failure();
  return ConvSetup{*window, *group};
}

LogicalResult convertQLinearConv(NodeImporter &node) {
  if (failed(node.checkInputs(8, 9)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<ConvSetup> setup = readConvSetup(node, 0, 3);
  FailureOr<RankedTensorType> xType = node.getInputType(0);
  FailureOr<RankedTensorType> wType = node.getInputType(3);
  if (failed(setup) || failed(xType) || failed(wType))
    return failure();
  FailureOr<QuantParamsSpec> x =
      readQuantParams(node, 1, 2, xType->getShape(), std::nullopt,
                      node.getInputDataType(0), "input");
  if (failed(x))
    return failure();
  FailureOr<QuantParamsSpec> w = readQuantParams(
      node, 4, 5, wType->getShape(), 0, node.getInputDataType(3), "filter");
  if (failed(w))
    return failure();
  FailureOr<QuantParamsSpec> y = readOutputParams(node, 6, 7);
  if (failed(y))
    return failure();
  // Padding the centered input with 0 is padding the input with its zero
  // point, the quantized encoding of 0.0.
  FailureOr<Value> xc = getCenteredInput(node, 0, *x, "input");
  if (failed(xc))
    return failure();
  FailureOr<Value> wc = getCenteredInput(node, 3, *w, "filter");
  if (failed(wc))
    return failure();
  FailureOr<Value> acc = buildConvolution(node, *xc, *wc, setup->window,
                                          setup->group, getI32(node));
  if (failed(acc))
    return failure();
  if (node.hasInput(8)) {
    FailureOr<Value> bias = node.getInput(8);
    if (failed(bias))
      return failure();
    if (node.getInputDataType(8) != TensorProto::INT32 ||
        getShape(*bias) != ArrayRef<int64_t>{getShape(*acc)[1]})
      return node.emitError() << "the bias must be int32 with one value per "
                                 "filter";
    acc = addChannelBias(node.getBuilder(), node.getLoc(), *acc, *bias);
  }
  Value q = buildRequantize(node.getBuilder(), node.getLoc(), *acc,
                            x->scales.front(), *w, 1, *y);
  return node.setQuantizedOutput(0, q, y->storage);
}

LogicalResult convertMatMulInteger(NodeImporter &node) {
  if (failed(node.checkInputs(2, 4)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<RankedTensorType> aType = node.getInputType(0);
  FailureOr<RankedTensorType> bType = node.getInputType(1);
  if (failed(aType) || failed(bType))
    return failure();
  // Zero points may be per row of a and per column of b.
  std::optional<int64_t> rows, columns;
  if (aType->getRank() >= 2)
    rows = aType->getRank() - 2;
  if (bType->getRank() >= 2)
    columns = bType->getRank() - 1;
  FailureOr<QuantParamsSpec> a = readZeroPoints(node, 0, 2, rows, "input A");
  if (failed(a))
    return failure();
  FailureOr<QuantParamsSpec> bq =
      readZeroPoints(node, 1, 3, columns, "input B");
  if (failed(bq))
    return failure();
  FailureOr<Value> lhs = getCenteredInput(node, 0, *a, "input A");
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = getCenteredInput(node, 1, *bq, "input B");
  if (failed(rhs))
    return failure();
  FailureOr<Value> y = buildMatMul(node, *lhs, *rhs, getI32(node));
  if (failed(y))
    return failure();
  return node.setOutput(0, *y, TensorProto::INT32);
}

LogicalResult convertConvInteger(NodeImporter &node) {
  if (failed(node.checkInputs(2, 4)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<ConvSetup> setup = readConvSetup(node, 0, 1);
  if (failed(setup))
    return failure();
  FailureOr<QuantParamsSpec> x =
      readZeroPoints(node, 0, 2, std::nullopt, "input");
  if (failed(x))
    return failure();
  FailureOr<QuantParamsSpec> w = readZeroPoints(node, 1, 3, 0, "filter");
  if (failed(w))
    return failure();
  FailureOr<Value> xc = getCenteredInput(node, 0, *x, "input");
  if (failed(xc))
    return failure();
  FailureOr<Value> wc = getCenteredInput(node, 1, *w, "filter");
  if (failed(wc))
    return failure();
  FailureOr<Value> y = buildConvolution(node, *xc, *wc, setup->window,
                                        setup->group, getI32(node));
  if (failed(y))
    return failure();
  return node.setOutput(0, *y, TensorProto::INT32);
}

} // namespace

void mlir::compress::onnx_import::addQuantConverters(ConverterMap &converters) {
  converters["QuantizeLinear"] = convertQuantizeLinear;
  converters["DequantizeLinear"] = convertDequantizeLinear;
  converters["QLinearMatMul"] = convertQLinearMatMul;
  converters["QLinearConv"] = convertQLinearConv;
  converters["MatMulInteger"] = convertMatMulInteger;
  converters["ConvInteger"] = convertConvInteger;
}
