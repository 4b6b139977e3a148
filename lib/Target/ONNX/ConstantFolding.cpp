//===- ConstantFolding.cpp - evaluating shape computations ----------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"

#include "Builders.h"

#include "mlir/IR/DialectResourceBlobManager.h"

#include <vector>

using namespace mlir;
using namespace mlir::compress::onnx_import;

namespace {

/// Row-major strides of `shape`.
SmallVector<int64_t> getStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// The multi-dimensional index of row-major position `linear`.
SmallVector<int64_t> delinearize(int64_t linear, ArrayRef<int64_t> strides) {
  SmallVector<int64_t> index;
  for (int64_t stride : strides) {
    index.push_back(linear / stride);
    linear %= stride;
  }
  return index;
}

/// The row-major position in a tensor of `shape` read at `index` (of a
/// possibly higher-rank broadcast result): unit dimensions read index 0.
int64_t broadcastLinearIndex(ArrayRef<int64_t> index, ArrayRef<int64_t> shape,
                             ArrayRef<int64_t> strides) {
  size_t offset = index.size() - shape.size();
  int64_t linear = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    if (shape[d] != 1)
      linear += index[offset + d] * strides[d];
  return linear;
}

} // namespace

SmallVector<int64_t>
mlir::compress::onnx_import::getIntegerValues(DenseElementsAttr value,
                                              bool isUnsigned) {
  SmallVector<int64_t> result;
  for (const APInt &v : value.getValues<APInt>())
    result.push_back(isUnsigned ? static_cast<int64_t>(v.getZExtValue())
                                : v.getSExtValue());
  return result;
}

FailureOr<DenseElementsAttr> mlir::compress::onnx_import::foldIntegerBinary(
    NodeImporter &node, DenseElementsAttr lhs, DenseElementsAttr rhs,
    llvm::function_ref<APInt(const APInt &, const APInt &)> fn) {
  ArrayRef<int64_t> lhsShape = lhs.getType().getShape();
  ArrayRef<int64_t> rhsShape = rhs.getType().getShape();
  std::optional<SmallVector<int64_t>> shape =
      broadcastShapes({lhsShape, rhsShape});
  if (!shape)
    return node.emitError() << "the input shapes do not broadcast";
  auto type = RankedTensorType::get(*shape, lhs.getType().getElementType());
  if (type.getNumElements() > kMaxFoldedElements ||
      lhs.getNumElements() > kMaxFoldedElements ||
      rhs.getNumElements() > kMaxFoldedElements)
    return DenseElementsAttr();
  SmallVector<APInt> lhsValues(lhs.getValues<APInt>());
  SmallVector<APInt> rhsValues(rhs.getValues<APInt>());
  SmallVector<int64_t> strides = getStrides(*shape);
  SmallVector<int64_t> lhsStrides = getStrides(lhsShape);
  SmallVector<int64_t> rhsStrides = getStrides(rhsShape);
  SmallVector<APInt> result;
  for (int64_t i = 0; i < type.getNumElements(); ++i) {
    SmallVector<int64_t> index = delinearize(i, strides);
    const APInt &a =
        lhsValues[broadcastLinearIndex(index, lhsShape, lhsStrides)];
    const APInt &b =
        rhsValues[broadcastLinearIndex(index, rhsShape, rhsStrides)];
    result.push_back(fn(a, b));
  }
  return DenseElementsAttr::get(type, result);
}

DenseElementsAttr
mlir::compress::onnx_import::foldGather(DenseElementsAttr data, int64_t axis,
                                        ArrayRef<int64_t> indices,
                                        ArrayRef<int64_t> indicesShape) {
  ArrayRef<int64_t> shape = data.getType().getShape();
  // Result shape: data[:axis] + indices + data[axis + 1:].
  SmallVector<int64_t> resultShape(shape.take_front(axis));
  llvm::append_range(resultShape, indicesShape);
  llvm::append_range(resultShape, shape.drop_front(axis + 1));
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (size_t d = axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  SmallVector<Attribute> values(data.getValues<Attribute>());
  SmallVector<Attribute> result;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t index : indices)
      for (int64_t i = 0; i < inner; ++i)
        result.push_back(values[(o * shape[axis] + index) * inner + i]);
  return DenseElementsAttr::get(
      RankedTensorType::get(resultShape, data.getType().getElementType()),
      result);
}

DenseElementsAttr
mlir::compress::onnx_import::foldConcat(ArrayRef<DenseElementsAttr> values,
                                        int64_t axis) {
  SmallVector<int64_t> resultShape(values.front().getType().getShape());
  resultShape[axis] = 0;
  for (DenseElementsAttr value : values)
    resultShape[axis] += value.getType().getDimSize(axis);
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= resultShape[d];
  SmallVector<SmallVector<Attribute>> inputs;
  for (DenseElementsAttr value : values)
    inputs.emplace_back(value.getValues<Attribute>());
  SmallVector<Attribute> result;
  for (int64_t o = 0; o < outer; ++o)
    for (const SmallVector<Attribute> &input : inputs) {
      int64_t chunk =
          static_cast<int64_t>(input.size()) / std::max<int64_t>(outer, 1);
      llvm::append_range(result,
                         ArrayRef<Attribute>(input).slice(o * chunk, chunk));
    }
  return DenseElementsAttr::get(
      RankedTensorType::get(resultShape,
                            values.front().getType().getElementType()),
      result);
}

DenseElementsAttr mlir::compress::onnx_import::foldSlice(
    DenseElementsAttr data, ArrayRef<int64_t> starts, ArrayRef<int64_t> steps,
    ArrayRef<int64_t> resultShape) {
  SmallVector<int64_t> strides = getStrides(data.getType().getShape());
  SmallVector<int64_t> resultStrides = getStrides(resultShape);
  SmallVector<Attribute> values(data.getValues<Attribute>());
  auto type =
      RankedTensorType::get(resultShape, data.getType().getElementType());
  SmallVector<Attribute> result;
  for (int64_t i = 0; i < type.getNumElements(); ++i) {
    SmallVector<int64_t> index = delinearize(i, resultStrides);
    int64_t linear = 0;
    for (size_t d = 0; d < index.size(); ++d)
      linear += (starts[d] + index[d] * steps[d]) * strides[d];
    result.push_back(values[linear]);
  }
  return DenseElementsAttr::get(type, result);
}

ElementsAttr
mlir::compress::onnx_import::foldTranspose(ElementsAttr value,
                                           ArrayRef<int64_t> perm,
                                           int64_t resourceThresholdBytes) {
  DenseElementsAttr dense = getDenseElements(value);
  Type elementType = value.getElementType();
  if (!dense || elementType.isInteger(1))
    return nullptr;
  ArrayRef<int64_t> shape = dense.getType().getShape();
  SmallVector<int64_t> resultShape;
  for (int64_t p : perm)
    resultShape.push_back(shape[p]);
  auto type = RankedTensorType::get(resultShape, elementType);
  if (dense.isSplat())
    return dense.resizeSplat(type);
  int64_t bytes = elementType.getIntOrFloatBitWidth() / 8;
  ArrayRef<char> raw = dense.getRawData();
  SmallVector<int64_t> strides = getStrides(shape);
  SmallVector<int64_t> resultStrides = getStrides(resultShape);
  std::vector<char> result(raw.size());
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    SmallVector<int64_t> index = delinearize(i, resultStrides);
    int64_t source = 0;
    for (auto [d, p] : llvm::enumerate(perm))
      source += index[d] * strides[p];
    std::copy_n(raw.begin() + source * bytes, bytes,
                result.begin() + i * bytes);
  }
  std::string name = "transposed";
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    name = resource.getRawHandle().getKey().str();
  return createElements(type, result, name, resourceThresholdBytes);
}
