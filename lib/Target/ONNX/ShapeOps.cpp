//===- ShapeOps.cpp - constants, shapes and data movement -----------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Constant, Shape, Gather, Concat, Reshape, Flatten, (Un)Squeeze, Transpose,
// Cast, Slice, Expand, ConstantOfShape. On constant inputs they are evaluated
// at import (see ConstantFolding.h); otherwise they become tensor and linalg
// ops: reshapes are collapse/expand_shape (what compress's filter pruning
// follows through a flatten), concatenation is insert_slice.
//
// Slightly over 900 lines on purpose: one importer file per ONNX op family
// (as the other files here), and these twelve ops share the constant-input
// and reshape helpers at the top; split, they would need a shared header
// for helpers nothing else uses.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "ConstantFolding.h"
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::compress::onnx_import;

using onnx::TensorProto;

namespace {

int64_t getThreshold(NodeImporter &node) {
  return node.getGraph().getOptions().resourceThresholdBytes;
}

/// Records input 0 reshaped to `shape` as output 0: a new constant for a
/// constant, else a reshape op.
LogicalResult setReshapedOutput(NodeImporter &node, ArrayRef<int64_t> shape) {
  FailureOr<TensorEntry *> entry = node.getInputEntry(0);
  if (failed(entry))
    return failure();
  DataType type = (*entry)->dataType;
  if ((*entry)->constant)
    return node.setConstantOutput(0, reshapeElements((*entry)->constant, shape),
                                  type);
  FailureOr<Value> input = node.getInput(0);
  if (failed(input))
    return failure();
  return node.setOutput(
      0, reshape(node.getBuilder(), node.getLoc(), *input, shape), type);
}

/// The integers of a constant input (an error if it is not constant or not
/// an integer tensor).
FailureOr<SmallVector<int64_t>>
getConstantInts(NodeImporter &node, unsigned input, StringRef what) {
  FailureOr<DenseElementsAttr> value = node.getRequiredConstant(input, what);
  if (failed(value))
    return failure();
  if (!isIntegerDataType(node.getInputDataType(input)))
    return node.emitError() << what << " must be an integer tensor";
  return getIntegerValues(*value,
                          isUnsignedDataType(node.getInputDataType(input)));
}

/// Axes given as an attribute (before opset `inputSince`) or as a constant
/// input `input` (from it on); nullopt when absent.
FailureOr<std::optional<SmallVector<int64_t>>>
getAxes(NodeImporter &node, unsigned input, int64_t inputSince) {
  if (node.getOpset() < inputSince)
    return node.getOptionalInts("axes");
  if (!node.hasInput(input))
    return std::optional<SmallVector<int64_t>>();
  FailureOr<SmallVector<int64_t>> axes = getConstantInts(node, input, "axes");
  if (failed(axes))
    return failure();
  return std::optional<SmallVector<int64_t>>(*axes);
}

/// `axes` normalized against `rank`, sorted, without duplicates.
FailureOr<SmallVector<int64_t>>
normalizeAxes(NodeImporter &node, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    FailureOr<int64_t> normalized = node.normalizeAxis(axis, rank);
    if (failed(normalized))
      return failure();
    if (llvm::is_contained(result, *normalized))
      return node.emitError() << "the axis " << axis << " is repeated";
    result.push_back(*normalized);
  }
  llvm::sort(result);
  return result;
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

LogicalResult convertConstant(NodeImporter &node) {
  if (failed(node.checkInputs(0, 0)) || failed(node.checkOutputs(1)))
    return failure();
  using onnx::AttributeProto;
  auto tensor = node.getAttribute("value", AttributeProto::TENSOR);
  auto f = node.getAttribute("value_float", AttributeProto::FLOAT);
  auto fs = node.getAttribute("value_floats", AttributeProto::FLOATS);
  auto i = node.getAttribute("value_int", AttributeProto::INT);
  auto is = node.getAttribute("value_ints", AttributeProto::INTS);
  if (failed(tensor) || failed(f) || failed(fs) || failed(i) || failed(is))
    return failure();
  int count = (*tensor != nullptr) + (*f != nullptr) + (*fs != nullptr) +
              (*i != nullptr) + (*is != nullptr);
  if (count != 1)
    return node.emitError() << "exactly one of value, value_float, "
                               "value_floats, value_int and value_ints must "
                               "be given (sparse and string values are not "
                               "supported)";
  Builder b(node.getContext());
  if (*tensor) {
    FailureOr<ElementsAttr> value =
        importTensor((*tensor)->t(), node.getLoc(), getThreshold(node));
    if (failed(value))
      return failure();
    return node.setConstantOutput(0, *value, (*tensor)->t().data_type());
  }
  if (*f)
    return node.setConstantOutput(
        0,
        DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                               (*f)->f()),
        TensorProto::FLOAT);
  if (*i)
    return node.setConstantOutput(
        0,
        DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                               static_cast<int64_t>((*i)->i())),
        TensorProto::INT64);
  if (*fs) {
    SmallVector<float> values((*fs)->floats().begin(), (*fs)->floats().end());
    auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                      b.getF32Type());
    return node.setConstantOutput(
        0, DenseElementsAttr::get(type, ArrayRef(values)), TensorProto::FLOAT);
  }
  SmallVector<int64_t> values((*is)->ints().begin(), (*is)->ints().end());
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getI64Type());
  return node.setConstantOutput(
      0, DenseElementsAttr::get(type, ArrayRef(values)), TensorProto::INT64);
}

LogicalResult convertConstantOfShape(NodeImporter &node) {
  if (failed(node.checkInputs(1, 1)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = getConstantInts(node, 0, "shape");
  auto value = node.getAttribute("value", onnx::AttributeProto::TENSOR);
  if (failed(shape) || failed(value))
    return failure();
  if (failed(checkShape(*shape, node.getLoc(), "the result")))
    return failure();
  Builder b(node.getContext());
  DataType type = TensorProto::FLOAT;
  Attribute element = b.getF32FloatAttr(0.0f);
  if (*value) {
    FailureOr<ElementsAttr> tensor =
        importTensor((*value)->t(), node.getLoc(), INT64_MAX);
    if (failed(tensor))
      return failure();
    auto dense = cast<DenseElementsAttr>(*tensor);
    if (dense.getNumElements() != 1)
      return node.emitError() << "the value must have one element";
    type = (*value)->t().data_type();
    element = dense.getValues<Attribute>()[0];
  }
  auto resultType =
      RankedTensorType::get(*shape, cast<TypedAttr>(element).getType());
  return node.setConstantOutput(0, DenseElementsAttr::get(resultType, element),
                                type);
}

LogicalResult convertShape(NodeImporter &node) {
  if (failed(node.checkInputs(1, 1)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<RankedTensorType> type = node.getInputType(0);
  FailureOr<int64_t> start = node.getInt("start", 0);
  FailureOr<std::optional<int64_t>> end = node.getOptionalInt("end");
  if (failed(type) || failed(start) || failed(end))
    return failure();
  // start and end are clamped to [0, rank] after adding rank to negatives.
  int64_t rank = type->getRank();
  auto clampBound = [&](int64_t bound) {
    if (bound < 0)
      bound += rank;
    return std::clamp<int64_t>(bound, 0, rank);
  };
  int64_t first = clampBound(*start);
  int64_t last = clampBound(end->value_or(rank));
  SmallVector<int64_t> dims;
  for (int64_t d = first; d < last; ++d)
    dims.push_back(type->getDimSize(d));
  auto resultType =
      RankedTensorType::get({static_cast<int64_t>(dims.size())},
                            IntegerType::get(node.getContext(), 64));
  return node.setConstantOutput(
      0, DenseElementsAttr::get(resultType, ArrayRef(dims)),
      TensorProto::INT64);
}

LogicalResult convertSize(NodeImporter &node) {
  if (failed(node.checkInputs(1, 1)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<RankedTensorType> type = node.getInputType(0);
  if (failed(type))
    return failure();
  auto resultType =
      RankedTensorType::get({}, IntegerType::get(node.getContext(), 64));
  return node.setConstantOutput(
      0, DenseElementsAttr::get(resultType, type->getNumElements()),
      TensorProto::INT64);
}

//===----------------------------------------------------------------------===//
// Cast
//===----------------------------------------------------------------------===//

/// Whether the cast from `from` to `to` is supported (numbers and bool).
bool isCastable(DataType type) {
  return isFloatDataType(type) || isIntegerDataType(type) ||
         type == TensorProto::BOOL;
}

/// One element converted from the ONNX type `from` to `to` (C semantics:
/// float to integer truncates toward zero; to bool is `!= 0`).
Value buildCast(OpBuilder &b, Location loc, Value x, DataType from,
                DataType to) {
  Type target = getElementType(b.getContext(), to);
  Type source = x.getType();
  if (source == target)
    return x;
  bool fromFloat = isFloatDataType(from), toFloat = isFloatDataType(to);
  if (to == TensorProto::BOOL) {
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                   createScalar(b, loc, source, 0.0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                 createScalar(b, loc, source, 0.0));
  }
  if (fromFloat && toFloat) {
    if (source.getIntOrFloatBitWidth() < target.getIntOrFloatBitWidth())
      return arith::ExtFOp::create(b, loc, target, x);
    return arith::TruncFOp::create(b, loc, target, x);
  }
  if (fromFloat)
    return isUnsignedDataType(to)
               ? Value(arith::FPToUIOp::create(b, loc, target, x))
               : Value(arith::FPToSIOp::create(b, loc, target, x));
  if (toFloat)
    return isUnsignedDataType(from)
               ? Value(arith::UIToFPOp::create(b, loc, target, x))
               : Value(arith::SIToFPOp::create(b, loc, target, x));
  if (source.getIntOrFloatBitWidth() > target.getIntOrFloatBitWidth())
    return arith::TruncIOp::create(b, loc, target, x);
  return extendInteger(b, loc, x, target, isUnsignedDataType(from));
}

/// A constant converted like buildCast; null for float sources (float
/// rounding corner cases are left to the emitted code).
DenseElementsAttr foldCast(DenseElementsAttr value, DataType from,
                           DataType to) {
  if (isFloatDataType(from) || value.getNumElements() > kMaxFoldedElements)
    return nullptr;
  Type target = getElementType(value.getContext(), to);
  auto type = value.getType().clone(target);
  SmallVector<int64_t> ints = getIntegerValues(value, isUnsignedDataType(from));
  SmallVector<Attribute> result;
  for (int64_t v : ints) {
    if (to == TensorProto::BOOL)
      result.push_back(IntegerAttr::get(target, v != 0));
    else if (auto floatType = dyn_cast<FloatType>(target))
      result.push_back(FloatAttr::get(floatType, static_cast<double>(v)));
    else
      result.push_back(IntegerAttr::get(
          target, APInt(64, v).trunc(target.getIntOrFloatBitWidth())));
  }
  return DenseElementsAttr::get(type, result);
}

LogicalResult convertCast(NodeImporter &node) {
  if (failed(node.checkInputs(1, 1)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<std::optional<int64_t>> to = node.getOptionalInt("to");
  FailureOr<int64_t> saturate = node.getInt("saturate", 1);
  if (failed(to) || failed(saturate))
    return failure();
  if (!*to)
    return node.emitError() << "the attribute 'to' is missing";
  DataType from = node.getInputDataType(0);
  DataType target = static_cast<DataType>(**to);
  if (!isCastable(from) || !isCastable(target))
    return node.emitError()
           << "the cast from " << getDataTypeName(from) << " to "
           << getDataTypeName(target) << " is not supported";
  if (DenseElementsAttr value = node.getInputConstant(0))
    if (DenseElementsAttr folded = foldCast(value, from, target))
      return node.setConstantOutput(0, folded, target);
  FailureOr<Value> input = node.getInput(0);
  if (failed(input))
    return failure();
  Value result = buildElementwise(
      node.getBuilder(), node.getLoc(), *input, getShape(*input),
      getElementType(node.getContext(), target),
      [&](OpBuilder &b, Location loc, ValueRange args) {
        return buildCast(b, loc, args[0], from, target);
      });
  return node.setOutput(0, result, target);
}

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

/// The Reshape target: 0 copies the input dimension (unless allowzero), -1
/// is inferred from the element count.
FailureOr<SmallVector<int64_t>> resolveReshape(NodeImporter &node,
                                               RankedTensorType input,
                                               ArrayRef<int64_t> requested,
                                               bool allowZero) {
  SmallVector<int64_t> shape;
  std::optional<size_t> inferred;
  for (auto [i, dim] : llvm::enumerate(requested)) {
    if (dim == -1) {
      if (inferred)
        return node.emitError() << "the shape has more than one -1";
      inferred = i;
      shape.push_back(1);
    } else if (dim == 0 && !allowZero) {
      if (static_cast<int64_t>(i) >= input.getRank())
        return node.emitError() << "the shape copies dimension " << i
                                << " of a rank-" << input.getRank() << " input";
      shape.push_back(input.getDimSize(i));
    } else if (dim < 0) {
      return node.emitError() << "the shape has the invalid dimension " << dim;
    } else {
      shape.push_back(dim);
    }
  }
  std::optional<int64_t> count = getNumElements(shape);
  if (!count)
    return node.emitError() << "the requested shape is too large";
  int64_t total = input.getNumElements();
  if (inferred) {
    if (*count == 0 || total % *count != 0)
      return node.emitError() << "cannot infer the -1 dimension of a "
                                 "reshape of "
                              << input;
    shape[*inferred] = total / *count;
  } else if (*count != total) {
    return node.emitError()
           << "cannot reshape " << input << " to " << *count << " elements";
  }
  return shape;
}

LogicalResult convertReshape(NodeImporter &node) {
  bool shapeIsInput = node.getOpset() >= 5;
  if (failed(node.checkInputs(shapeIsInput ? 2 : 1, shapeIsInput ? 2 : 1)) ||
      failed(node.checkOutputs(1)))
    return failure();
  FailureOr<int64_t> allowZero = node.getInt("allowzero", 0);
  FailureOr<RankedTensorType> type = node.getInputType(0);
  if (failed(allowZero) || failed(type))
    return failure();
  FailureOr<SmallVector<int64_t>> requested =
      shapeIsInput ? getConstantInts(node, 1, "the shape")
                   : node.getInts("shape", {});
  if (failed(requested))
    return failure();
  if (!shapeIsInput && failed(node.getOptionalInts("consumed_inputs")))
    return failure();
  FailureOr<SmallVector<int64_t>> shape =
      resolveReshape(node, *type, *requested, *allowZero != 0);
  if (failed(shape))
    return failure();
  return setReshapedOutput(node, *shape);
}

LogicalResult convertFlatten(NodeImporter &node) {
  if (failed(node.checkInputs(1, 1)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<int64_t> axis = node.getInt("axis", 1);
  FailureOr<RankedTensorType> type = node.getInputType(0);
  if (failed(axis) || failed(type))
    return failure();
  // The axis ranges over [-rank, rank]: rank itself flattens to [n, 1].
  int64_t rank = type->getRank();
  FailureOr<int64_t> split = *axis == rank ? FailureOr<int64_t>(rank)
                                           : node.normalizeAxis(*axis, rank);
  if (failed(split))
    return failure();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < *split ? outer : inner) *= type->getDimSize(d);
  return setReshapedOutput(node, {outer, inner});
}

LogicalResult convertUnsqueeze(NodeImporter &node) {
  if (failed(node.checkInputs(node.getOpset() >= 13 ? 2 : 1, 2)) ||
      failed(node.checkOutputs(1)))
    return failure();
  FailureOr<std::optional<SmallVector<int64_t>>> axes = getAxes(node, 1, 13);
  FailureOr<RankedTensorType> type = node.getInputType(0);
  if (failed(axes) || failed(type))
    return failure();
  if (!*axes)
    return node.emitError() << "the axes are missing";
  int64_t rank = type->getRank() + static_cast<int64_t>((*axes)->size());
  FailureOr<SmallVector<int64_t>> normalized =
      normalizeAxes(node, **axes, rank);
  if (failed(normalized))
    return failure();
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> dims = type->getShape();
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(*normalized, d)) {
      shape.push_back(1);
    } else {
      shape.push_back(dims.front());
      dims = dims.drop_front();
    }
  }
  return setReshapedOutput(node, shape);
}

LogicalResult convertSqueeze(NodeImporter &node) {
  if (failed(node.checkInputs(1, 2)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<std::optional<SmallVector<int64_t>>> axes = getAxes(node, 1, 13);
  FailureOr<RankedTensorType> type = node.getInputType(0);
  if (failed(axes) || failed(type))
    return failure();
  SmallVector<int64_t> squeezed;
  if (*axes) {
    FailureOr<SmallVector<int64_t>> normalized =
        normalizeAxes(node, **axes, type->getRank());
    if (failed(normalized))
      return failure();
    squeezed = *normalized;
    for (int64_t axis : squeezed)
      if (type->getDimSize(axis) != 1)
        return node.emitError() << "cannot squeeze dimension " << axis << " of "
                                << *type << ": it is not 1";
  } else {
    for (int64_t d = 0; d < type->getRank(); ++d)
      if (type->getDimSize(d) == 1)
        squeezed.push_back(d);
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type->getRank(); ++d)
    if (!llvm::is_contained(squeezed, d))
      shape.push_back(type->getDimSize(d));
  return setReshapedOutput(node, shape);
}

//===----------------------------------------------------------------------===//
// Transpose, Expand
//===----------------------------------------------------------------------===//

LogicalResult convertTranspose(NodeImporter &node) {
  if (failed(node.checkInputs(1, 1)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<std::optional<SmallVector<int64_t>>> perm =
      node.getOptionalInts("perm");
  FailureOr<RankedTensorType> type = node.getInputType(0);
  if (failed(perm) || failed(type))
    return failure();
  int64_t rank = type->getRank();
  SmallVector<int64_t> permutation;
  if (*perm) {
    permutation = **perm;
  } else {
    for (int64_t d = rank - 1; d >= 0; --d)
      permutation.push_back(d);
  }
  SmallVector<int64_t> sorted(permutation);
  llvm::sort(sorted);
  bool valid = static_cast<int64_t>(sorted.size()) == rank;
  for (int64_t d = 0; valid && d < rank; ++d)
    valid = sorted[d] == d;
  if (!valid)
    return node.emitError()
           << "perm is not a permutation of the " << rank << " dimensions";
  FailureOr<TensorEntry *> entry = node.getInputEntry(0);
  if (failed(entry))
    return failure();
  // Constant weights are transposed at import, so that the layer consuming
  // them sees a constant (which weight quantization and pruning require).
  if ((*entry)->constant)
    if (ElementsAttr folded =
            foldTranspose((*entry)->constant, permutation, getThreshold(node)))
      return node.setConstantOutput(0, folded, (*entry)->dataType);
  FailureOr<Value> input = node.getInput(0);
  if (failed(input))
    return failure();
  return node.setOutput(
      0, transpose(node.getBuilder(), node.getLoc(), *input, permutation),
      (*entry)->dataType);
}

LogicalResult convertExpand(NodeImporter &node) {
  if (failed(node.checkInputs(2, 2)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<SmallVector<int64_t>> requested =
      getConstantInts(node, 1, "the shape");
  FailureOr<Value> input = node.getInput(0);
  if (failed(requested) || failed(input))
    return failure();
  if (failed(checkShape(*requested, node.getLoc(), "the requested shape")))
    return failure();
  std::optional<SmallVector<int64_t>> shape =
      broadcastShapes({getShape(*input), *requested});
  if (!shape)
    return node.emitError() << "the input does not broadcast to the shape";
  Value result = buildElementwise(
      node.getBuilder(), node.getLoc(), *input, *shape,
      getElementTypeOf(*input),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  return node.setOutput(0, result, node.getInputDataType(0));
}

//===----------------------------------------------------------------------===//
// Concat, Gather, Slice
//===----------------------------------------------------------------------===//

LogicalResult convertConcat(NodeImporter &node) {
  if (failed(node.checkOutputs(1)))
    return failure();
  FailureOr<std::optional<int64_t>> axisAttr = node.getOptionalInt("axis");
  if (failed(axisAttr))
    return failure();
  if (!*axisAttr)
    return node.emitError() << "the attribute 'axis' is missing";
  SmallVector<RankedTensorType> types;
  SmallVector<unsigned> inputs;
  for (unsigned i = 0; node.hasInput(i); ++i) {
    FailureOr<RankedTensorType> type = node.getInputType(i);
    if (failed(type))
      return failure();
    types.push_back(*type);
    inputs.push_back(i);
  }
  if (types.empty() || failed(node.checkInputs(types.size(), types.size())))
    return node.emitError() << "needs at least one input";
  int64_t rank = types.front().getRank();
  FailureOr<int64_t> axis = node.normalizeAxis(**axisAttr, rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(types.front().getShape());
  shape[*axis] = 0;
  for (auto [i, type] : llvm::enumerate(types)) {
    bool compatible = type.getRank() == rank &&
                      type.getElementType() == types.front().getElementType() &&
                      node.getInputDataType(i) == node.getInputDataType(0);
    for (int64_t d = 0; compatible && d < rank; ++d)
      compatible = d == *axis || type.getDimSize(d) == shape[d];
    if (!compatible)
      return node.emitError()
             << "input #" << i << " (" << type << ") does not match input #0 ("
             << types.front() << ") outside the axis";
    shape[*axis] += type.getDimSize(*axis);
  }
  DataType dataType = node.getInputDataType(0);

  SmallVector<DenseElementsAttr> constants;
  for (unsigned i : inputs)
    if (DenseElementsAttr value = node.getInputConstant(i))
      constants.push_back(value);
  if (constants.size() == inputs.size() &&
      RankedTensorType::get(shape, types.front().getElementType())
              .getNumElements() <= kMaxFoldedElements)
    return node.setConstantOutput(0, foldConcat(constants, *axis), dataType);

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value result = createEmpty(b, loc, shape, types.front().getElementType());
  int64_t offset = 0;
  for (auto [i, type] : llvm::enumerate(types)) {
    FailureOr<Value> input = node.getInput(i);
    if (failed(input))
      return failure();
    SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
    offsets[*axis] = offset;
    result = tensor::InsertSliceOp::create(b, loc, *input, result, ValueRange{},
                                           ValueRange{}, ValueRange{}, offsets,
                                           type.getShape(), strides);
    offset += type.getDimSize(*axis);
  }
  return node.setOutput(0, result, dataType);
}

/// Gather with run-time data or indices: a linalg.generic over the output
/// that reads the index and extracts the data element.
Value buildGather(OpBuilder &b, Location loc, Value data, Value indices,
                  int64_t axis) {
  ArrayRef<int64_t> dataShape = getShape(data);
  ArrayRef<int64_t> indicesShape = getShape(indices);
  int64_t indicesRank = indicesShape.size();
  SmallVector<int64_t> shape(dataShape.take_front(axis));
  llvm::append_range(shape, indicesShape);
  llvm::append_range(shape, dataShape.drop_front(axis + 1));
  int64_t rank = shape.size();
  SmallVector<AffineExpr> indexExprs;
  for (int64_t d = 0; d < indicesRank; ++d)
    indexExprs.push_back(b.getAffineDimExpr(axis + d));
  AffineMap indexMap = AffineMap::get(rank, 0, indexExprs, b.getContext());
  return buildMappedElementwise(
      b, loc, indices, indexMap, shape, getElementTypeOf(data),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        // Negative indices count from the end.
        Value index =
            arith::IndexCastOp::create(nb, nloc, nb.getIndexType(), args[0]);
        Value zero = arith::ConstantIndexOp::create(nb, nloc, 0);
        Value size = arith::ConstantIndexOp::create(nb, nloc, dataShape[axis]);
        Value negative = arith::CmpIOp::create(
            nb, nloc, arith::CmpIPredicate::slt, index, zero);
        Value wrapped = arith::AddIOp::create(nb, nloc, index, size);
        index = arith::SelectOp::create(nb, nloc, negative, wrapped, index);
        SmallVector<Value> coords;
        for (int64_t d = 0; d < static_cast<int64_t>(dataShape.size()); ++d) {
          if (d == axis)
            coords.push_back(index);
          else
            coords.push_back(linalg::IndexOp::create(
                nb, nloc, d < axis ? d : d - 1 + indicesRank));
        }
        return tensor::ExtractOp::create(nb, nloc, data, coords);
      });
}

LogicalResult convertGather(NodeImporter &node) {
  if (failed(node.checkInputs(2, 2)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<int64_t> axisAttr = node.getInt("axis", 0);
  FailureOr<RankedTensorType> dataType = node.getInputType(0);
  FailureOr<RankedTensorType> indicesType = node.getInputType(1);
  if (failed(axisAttr) || failed(dataType) || failed(indicesType))
    return failure();
  FailureOr<int64_t> axis = node.normalizeAxis(*axisAttr, dataType->getRank());
  if (failed(axis))
    return failure();
  DataType indexType = node.getInputDataType(1);
  if (indexType != TensorProto::INT64 && indexType != TensorProto::INT32)
    return node.emitError() << "the indices must be int32 or int64";
  DataType type = node.getInputDataType(0);
  DenseElementsAttr data = node.getInputConstant(0);
  DenseElementsAttr indices = node.getInputConstant(1);
  if (indices && indices.getNumElements() <= kMaxFoldedElements) {
    int64_t dim = dataType->getDimSize(*axis);
    SmallVector<int64_t> normalized;
    for (int64_t index : getIntegerValues(indices, false)) {
      if (index < -dim || index >= dim)
        return node.emitError()
               << "the index " << index
               << " is out of range for a dimension of " << dim;
      normalized.push_back(index < 0 ? index + dim : index);
    }
    if (data && data.getNumElements() <= kMaxFoldedElements)
      return node.setConstantOutput(
          0, foldGather(data, *axis, normalized, indicesType->getShape()),
          type);
  }
  FailureOr<Value> dataValue = node.getInput(0);
  FailureOr<Value> indicesValue = node.getInput(1);
  if (failed(dataValue) || failed(indicesValue))
    return failure();
  return node.setOutput(0,
                        buildGather(node.getBuilder(), node.getLoc(),
                                    *dataValue, *indicesValue, *axis),
                        type);
}

/// The start, step and size of a Slice along one dimension of size `dim`,
/// with ONNX's clamping.
struct SliceRange {
  int64_t start, step, size;
};

SliceRange clampSlice(int64_t start, int64_t end, int64_t step, int64_t dim) {
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
  } else {
    start = std::clamp<int64_t>(start, 0, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
  }
  // ceil((end - start) / step), computed without overflow for huge bounds
  // (INT64_MAX is the conventional "to the end").
  int64_t distance = step > 0 ? end - start : start - end;
  int64_t magnitude = step > 0 ? step : -step;
  int64_t size = distance <= 0 ? 0 : (distance + magnitude - 1) / magnitude;
  return {start, step, size};
}

/// result[i] = input[offsets + i * strides] for any (also negative) strides,
/// which tensor.extract_slice cannot express.
Value buildStridedGather(OpBuilder &b, Location loc, Value input,
                         ArrayRef<int64_t> offsets, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> sizes) {
  return buildMappedElementwise(
      b, loc, ValueRange{}, {}, sizes, getElementTypeOf(input),
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        SmallVector<Value> coords;
        for (auto [d, offset, stride] : llvm::enumerate(offsets, strides)) {
          Value i = linalg::IndexOp::create(nb, nloc, d);
          Value scaled = arith::MulIOp::create(
              nb, nloc, i, arith::ConstantIndexOp::create(nb, nloc, stride));
          coords.push_back(arith::AddIOp::create(
              nb, nloc, scaled,
              arith::ConstantIndexOp::create(nb, nloc, offset)));
        }
        return tensor::ExtractOp::create(nb, nloc, input, coords);
      });
}

LogicalResult convertSlice(NodeImporter &node) {
  bool boundsAreInputs = node.getOpset() >= 10;
  if (failed(
          node.checkInputs(boundsAreInputs ? 3 : 1, boundsAreInputs ? 5 : 1)) ||
      failed(node.checkOutputs(1)))
    return failure();
  FailureOr<RankedTensorType> type = node.getInputType(0);
  if (failed(type))
    return failure();
  int64_t rank = type->getRank();
  FailureOr<SmallVector<int64_t>> starts, ends, axes, steps;
  if (boundsAreInputs) {
    starts = getConstantInts(node, 1, "starts");
    ends = getConstantInts(node, 2, "ends");
    axes = node.hasInput(3)
               ? getConstantInts(node, 3, "axes")
               : FailureOr<SmallVector<int64_t>>(SmallVector<int64_t>());
    steps = node.hasInput(4)
                ? getConstantInts(node, 4, "steps")
                : FailureOr<SmallVector<int64_t>>(SmallVector<int64_t>());
  } else {
    starts = node.getInts("starts", {});
    ends = node.getInts("ends", {});
    axes = node.getInts("axes", {});
    steps = SmallVector<int64_t>();
  }
  if (failed(starts) || failed(ends) || failed(axes) || failed(steps))
    return failure();
  if (axes->empty())
    for (int64_t d = 0; d < static_cast<int64_t>(starts->size()); ++d)
      axes->push_back(d);
  if (steps->empty())
    steps->assign(starts->size(), 1);
  if (ends->size() != starts->size() || axes->size() != starts->size() ||
      steps->size() != starts->size())
    return node.emitError() << "starts, ends, axes and steps differ in length";

  SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
  SmallVector<int64_t> sizes(type->getShape());
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts->size(); ++i) {
    FailureOr<int64_t> axis = node.normalizeAxis((*axes)[i], rank);
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return node.emitError() << "the axis " << (*axes)[i] << " is repeated";
    seen[*axis] = true;
    if ((*steps)[i] == 0 || (*steps)[i] < -kMaxElements ||
        (*steps)[i] > kMaxElements)
      return node.emitError()
             << "the step " << (*steps)[i] << " is not supported";
    SliceRange range = clampSlice((*starts)[i], (*ends)[i], (*steps)[i],
                                  type->getDimSize(*axis));
    // An empty slice may start anywhere; extract_slice wants it in bounds.
    offsets[*axis] = range.size == 0 ? 0 : range.start;
    strides[*axis] = range.step;
    sizes[*axis] = range.size;
  }
  DataType dataType = node.getInputDataType(0);
  if (DenseElementsAttr data = node.getInputConstant(0))
    if (data.getNumElements() <= kMaxFoldedElements)
      return node.setConstantOutput(0, foldSlice(data, offsets, strides, sizes),
                                    dataType);
  FailureOr<Value> input = node.getInput(0);
  if (failed(input))
    return failure();
  OpBuilder &b = node.getBuilder();
  if (llvm::any_of(strides, [](int64_t s) { return s < 0; }))
    return node.setOutput(
        0,
        buildStridedGather(b, node.getLoc(), *input, offsets, strides, sizes),
        dataType);
  auto resultType = RankedTensorType::get(sizes, type->getElementType());
  Value result = tensor::ExtractSliceOp::create(
      b, node.getLoc(), resultType, *input, ValueRange{}, ValueRange{},
      ValueRange{}, offsets, sizes, strides);
  return node.setOutput(0, result, dataType);
}

/// Edge or reflect padding: every output element reads the input at its
/// index minus `low`, clamped into the input (edge) or mirrored at its ends
/// (reflect).
Value buildIndexedPad(OpBuilder &b, Location loc, Value input,
                      ArrayRef<int64_t> low, ArrayRef<int64_t> shape,
                      bool reflect) {
  ArrayRef<int64_t> inputShape = getShape(input);
  return buildMappedElementwise(
      b, loc, ValueRange{}, {}, shape, getElementTypeOf(input),
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        auto index = [&](int64_t v) {
          return arith::ConstantIndexOp::create(nb, nloc, v);
        };
        SmallVector<Value> coords;
        for (auto [d, offset] : llvm::enumerate(low)) {
          Value i = arith::SubIOp::create(
              nb, nloc, linalg::IndexOp::create(nb, nloc, d), index(offset));
          if (reflect) {
            // -i before the start, 2 (n - 1) - i past the end.
            Value negated = arith::SubIOp::create(nb, nloc, index(0), i);
            i = arith::MaxSIOp::create(nb, nloc, i, negated);
            Value mirrored = arith::SubIOp::create(
                nb, nloc, index(2 * (inputShape[d] - 1)), i);
            i = arith::MinSIOp::create(nb, nloc, i, mirrored);
          } else {
            i = arith::MaxSIOp::create(nb, nloc, i, index(0));
            i = arith::MinSIOp::create(nb, nloc, i, index(inputShape[d] - 1));
          }
          coords.push_back(i);
        }
        return tensor::ExtractOp::create(nb, nloc, input, coords);
      });
}

/// Pad in constant (the value a compile-time constant, 0 when absent),
/// edge or reflect mode. Negative pads (cropping) are not supported.
LogicalResult convertPad(NodeImporter &node) {
  bool padsAreInput = node.getOpset() >= 11;
  if (failed(node.checkInputs(padsAreInput ? 2 : 1, padsAreInput ? 3 : 1)) ||
      failed(node.checkOutputs(1)))
    return failure();
  FailureOr<std::string> mode = node.getString("mode", "constant");
  FailureOr<RankedTensorType> type = node.getInputType(0);
  if (failed(mode) || failed(type))
    return failure();
  if (*mode != "constant" && *mode != "edge" && *mode != "reflect")
    return node.emitError() << "mode '" << *mode << "' is not supported";
  FailureOr<SmallVector<int64_t>> pads = padsAreInput
                                             ? getConstantInts(node, 1, "pads")
                                             : node.getInts("pads", {});
  if (failed(pads))
    return failure();
  int64_t rank = type->getRank();
  if (static_cast<int64_t>(pads->size()) != 2 * rank)
    return node.emitError() << "pads has " << pads->size() << " values; "
                            << 2 * rank << " are expected";
  for (int64_t p : *pads)
    if (p < 0 || p > kMaxElements)
      return node.emitError() << "the pad " << p << " is not supported";
  Type elementType = type->getElementType();
  TypedAttr padValue = getScalarAttr(elementType, 0.0);
  if (!padsAreInput) {
    FailureOr<float> value = node.getFloat("value", 0.0f);
    if (failed(value))
      return failure();
    padValue = getScalarAttr(elementType, *value);
  } else if (node.hasInput(2)) {
    FailureOr<DenseElementsAttr> value =
        node.getRequiredConstant(2, "the constant value");
    if (failed(value))
      return failure();
    if (value->getNumElements() != 1 || value->getElementType() != elementType)
      return node.emitError() << "the constant value must be one element "
                                 "of the data's type";
    padValue = cast<TypedAttr>(value->getValues<Attribute>()[0]);
  }
  SmallVector<int64_t> low(pads->begin(), pads->begin() + rank);
  SmallVector<int64_t> high(pads->begin() + rank, pads->end());
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    shape.push_back(type->getDimSize(d) + low[d] + high[d]);
  if (failed(checkShape(shape, node.getLoc(), "the padded tensor")))
    return failure();
  FailureOr<Value> input = node.getInput(0);
  if (failed(input))
    return failure();
  if (*mode == "constant")
    return node.setOutput(
        0, pad(node.getBuilder(), node.getLoc(), *input, low, high, padValue),
        node.getInputDataType(0));
  bool reflect = *mode == "reflect";
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = type->getDimSize(d);
    // Reflection mirrors without repeating the edge: at most size - 1.
    int64_t limit = reflect ? size - 1 : (size > 0 ? kMaxElements : 0);
    if ((low[d] > 0 || high[d] > 0) && std::max(low[d], high[d]) > limit)
      return node.emitError()
             << "mode '" << *mode << "' cannot pad dimension " << d
             << " of size " << size << " by " << std::max(low[d], high[d]);
  }
  return node.setOutput(0,
                        buildIndexedPad(node.getBuilder(), node.getLoc(),
                                        *input, low, shape, reflect),
                        node.getInputDataType(0));
}

} // namespace

void mlir::compress::onnx_import::addShapeConverters(ConverterMap &converters) {
  converters["Constant"] = convertConstant;
  converters["ConstantOfShape"] = convertConstantOfShape;
  converters["Shape"] = convertShape;
  converters["Size"] = convertSize;
  converters["Cast"] = convertCast;
  converters["Reshape"] = convertReshape;
  converters["Flatten"] = convertFlatten;
  converters["Unsqueeze"] = convertUnsqueeze;
  converters["Squeeze"] = convertSqueeze;
  converters["Transpose"] = convertTranspose;
  converters["Expand"] = convertExpand;
  converters["Concat"] = convertConcat;
  converters["Gather"] = convertGather;
  converters["Slice"] = convertSlice;
  converters["Pad"] = convertPad;
}
