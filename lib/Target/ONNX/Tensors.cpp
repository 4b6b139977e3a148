//===- Tensors.cpp - ONNX tensors and types as MLIR attributes ------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "Tensors.h"

#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cctype>
#include <cstddef>
#include <string>

using namespace mlir;
using namespace mlir::compress::onnx_import;

using onnx::TensorProto;

bool mlir::compress::onnx_import::isFloatDataType(DataType type) {
  return type == TensorProto::FLOAT || type == TensorProto::DOUBLE ||
         type == TensorProto::FLOAT16 || type == TensorProto::BFLOAT16;
}

bool mlir::compress::onnx_import::isIntegerDataType(DataType type) {
  switch (type) {
  case TensorProto::INT8:
  case TensorProto::INT16:
  case TensorProto::INT32:
  case TensorProto::INT64:
  case TensorProto::UINT8:
  case TensorProto::UINT16:
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    return true;
  default:
    return false;
  }
}

bool mlir::compress::onnx_import::isUnsignedDataType(DataType type) {
  return type == TensorProto::UINT8 || type == TensorProto::UINT16 ||
         type == TensorProto::UINT32 || type == TensorProto::UINT64 ||
         type == TensorProto::BOOL;
}

std::string mlir::compress::onnx_import::getDataTypeName(DataType type) {
  if (!TensorProto::DataType_IsValid(type))
    return "<invalid data type " + std::to_string(type) + ">";
  std::string name =
      TensorProto::DataType_Name(static_cast<TensorProto::DataType>(type));
  for (char &c : name)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

Type mlir::compress::onnx_import::getElementType(MLIRContext *context,
                                                 DataType type) {
  Builder b(context);
  switch (type) {
  case TensorProto::FLOAT:
    return b.getF32Type();
  case TensorProto::DOUBLE:
    return b.getF64Type();
  case TensorProto::FLOAT16:
    return b.getF16Type();
  case TensorProto::BFLOAT16:
    return b.getBF16Type();
  case TensorProto::BOOL:
    return b.getI1Type();
  case TensorProto::INT8:
  case TensorProto::UINT8:
    return b.getI8Type();
  case TensorProto::INT16:
  case TensorProto::UINT16:
    return b.getI16Type();
  case TensorProto::INT32:
  case TensorProto::UINT32:
    return b.getI32Type();
  case TensorProto::INT64:
  case TensorProto::UINT64:
    return b.getI64Type();
  default:
    return nullptr;
  }
}

std::optional<int64_t>
mlir::compress::onnx_import::getNumElements(ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0 || dim > kMaxElements)
      return std::nullopt;
    // Both factors are at most 2^40: the product fits in 128 bits, and a
    // count above the limit is rejected before the next multiplication.
    if (dim != 0 && count > kMaxElements / dim)
      return std::nullopt;
    count *= dim;
  }
  return count;
}

LogicalResult mlir::compress::onnx_import::checkShape(ArrayRef<int64_t> shape,
                                                      Location loc,
                                                      StringRef what) {
  if (getNumElements(shape))
    return success();
  InFlightDiagnostic diag = emitError(loc) << what << " has the shape [";
  llvm::interleaveComma(shape, diag);
  return diag << "]: a negative dimension or more than 2^40 elements";
}

//===----------------------------------------------------------------------===//
// TensorProto
//===----------------------------------------------------------------------===//

namespace {

/// Bytes of one element in raw_data.
int64_t getRawElementBytes(Type elementType) {
  if (elementType.isInteger(1))
    return 1;
  return elementType.getIntOrFloatBitWidth() / 8;
}

/// The tensor from its raw little-endian bytes `raw` (its raw_data, or its
/// external data), which `source` names in diagnostics.
FailureOr<ElementsAttr> importRawData(const TensorProto &tensor,
                                      llvm::StringRef raw, StringRef source,
                                      RankedTensorType type, int64_t count,
                                      Location loc,
                                      int64_t resourceThresholdBytes) {
  Type elementType = type.getElementType();
  int64_t bytes = count * getRawElementBytes(elementType);
  if (static_cast<int64_t>(raw.size()) != bytes)
    return emitError(loc) << "tensor '" << tensor.name() << "' has " << count
                          << " elements (" << bytes << " bytes) but its "
                          << source << " holds " << raw.size() << " bytes";
  if (count == 0)
    return ElementsAttr(DenseElementsAttr::get(type, ArrayRef<Attribute>()));
  // MLIR packs i1 into bits; ONNX stores one byte per bool.
  if (elementType.isInteger(1)) {
    SmallVector<bool> values;
    for (char c : raw)
      values.push_back(c != 0);
    return ElementsAttr(DenseElementsAttr::get(type, values));
  }
  // ONNX raw_data is little-endian, as the supported hosts are.
  return createElements(type, ArrayRef<char>(raw.data(), raw.size()),
                        tensor.name(), resourceThresholdBytes);
}

/// Checks that a typed data field holds `count` values.
LogicalResult checkFieldSize(const TensorProto &tensor, int64_t count,
                             int64_t size, StringRef field, Location loc) {
  if (size == count)
    return success();
  return emitError(loc) << "tensor '" << tensor.name() << "' has " << count
                        << " elements but its " << field << " holds " << size
                        << " values";
}

/// float16/bfloat16 values stored as their bits in int32_data.
DenseElementsAttr importHalfBits(const TensorProto &tensor,
                                 RankedTensorType type) {
  const llvm::fltSemantics &semantics =
      cast<FloatType>(type.getElementType()).getFloatSemantics();
  SmallVector<APFloat> values;
  for (int32_t bits : tensor.int32_data())
    values.emplace_back(semantics, APInt(16, static_cast<uint16_t>(bits)));
  return DenseElementsAttr::get(type, values);
}

template <typename Field>
DenseElementsAttr importIntegers(const Field &field, RankedTensorType type) {
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  for (auto v : field)
    values.push_back(APInt(64, static_cast<uint64_t>(v)).trunc(width));
  return DenseElementsAttr::get(type, values);
}

FailureOr<ElementsAttr> importTypedData(const TensorProto &tensor,
                                        RankedTensorType type, int64_t count,
                                        Location loc,
                                        int64_t resourceThresholdBytes) {
  auto check = [&](int64_t size, StringRef field) {
    return checkFieldSize(tensor, count, size, field, loc);
  };
  DenseElementsAttr values;
  switch (tensor.data_type()) {
  case TensorProto::FLOAT: {
    if (failed(check(tensor.float_data_size(), "float_data")))
      return failure();
    if (count == 0)
      return ElementsAttr(DenseElementsAttr::get(type, ArrayRef<float>()));
    return createElements(type,
                          ArrayRef<char>(reinterpret_cast<const char *>(
                                             tensor.float_data().data()),
                                         count * sizeof(float)),
                          tensor.name(), resourceThresholdBytes);
  }
  case TensorProto::DOUBLE:
    if (failed(check(tensor.double_data_size(), "double_data")))
      return failure();
    values = DenseElementsAttr::get(
        type, ArrayRef<double>(tensor.double_data().data(),
                               tensor.double_data_size()));
    break;
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    if (failed(check(tensor.int32_data_size(), "int32_data")))
      return failure();
    values = importHalfBits(tensor, type);
    break;
  case TensorProto::INT64:
    if (failed(check(tensor.int64_data_size(), "int64_data")))
      return failure();
    values = importIntegers(tensor.int64_data(), type);
    break;
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    if (failed(check(tensor.uint64_data_size(), "uint64_data")))
      return failure();
    values = importIntegers(tensor.uint64_data(), type);
    break;
  default: // The narrower integers and bool live in int32_data.
    if (failed(check(tensor.int32_data_size(), "int32_data")))
      return failure();
    values = importIntegers(tensor.int32_data(), type);
    break;
  }
  return ElementsAttr(values);
}

} // namespace

namespace {

/// The bytes of a tensor kept in an external file (ONNX's external data:
/// `location` relative to the model's directory `dir`, optional `offset` and
/// `length`), read into `storage`.
FailureOr<llvm::StringRef>
readExternalData(const TensorProto &tensor, StringRef dir, Location loc,
                 std::unique_ptr<llvm::MemoryBuffer> &storage) {
  std::string what = "tensor '" + tensor.name() + "'";
  if (dir.empty())
    return emitError(loc) << what
                          << " keeps its data in an external file, which "
                             "only initializers of a model read from a file "
                             "may do";
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const auto &entry : tensor.external_data()) {
    uint64_t number = 0;
    bool isNumber = !StringRef(entry.value()).getAsInteger(10, number);
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset" && isNumber)
      offset = number;
    else if (entry.key() == "length" && isNumber)
      length = number;
    else if (entry.key() == "offset" || entry.key() == "length")
      return emitError(loc) << what << ": external data " << entry.key() << " '"
                            << entry.value() << "' is not a number";
  }
  if (location.empty())
    return emitError(loc) << what << ": external data without a location";
  // As ONNX's checker: a path relative to the model, not leaving its
  // directory.
  if (llvm::sys::path::is_absolute(location) ||
      llvm::any_of(llvm::make_range(llvm::sys::path::begin(location),
                                    llvm::sys::path::end(location)),
                   [](StringRef part) { return part == ".."; }))
    return emitError(loc) << what << ": external data location '" << location
                          << "' must be a relative path inside the model's "
                             "directory";
  SmallString<256> path(dir);
  llvm::sys::path::append(path, location);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!file)
    return emitError(loc) << what << ": cannot read external data '" << path
                          << "': " << file.getError().message();
  storage = std::move(*file);
  uint64_t size = storage->getBufferSize();
  uint64_t available = offset <= size ? size - offset : 0;
  if (offset > size || (length && *length > available))
    return emitError(loc) << what << ": external data '" << path << "' has "
                          << size << " bytes, fewer than offset " << offset
                          << " + length " << (length ? *length : 0);
  return storage->getBuffer().substr(offset, length ? *length : available);
}

} // namespace

FailureOr<ElementsAttr> mlir::compress::onnx_import::importTensor(
    const TensorProto &tensor, Location loc, int64_t resourceThresholdBytes,
    StringRef externalDataDir) {
  std::string what = "tensor '" + tensor.name() + "'";
  if (tensor.has_segment())
    return emitError(loc) << what << " is segmented, which is not supported";
  Type elementType = getElementType(loc.getContext(), tensor.data_type());
  if (!elementType)
    return emitError(loc) << what << " has the unsupported data type "
                          << getDataTypeName(tensor.data_type());
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  if (failed(checkShape(shape, loc, what)))
    return failure();
  int64_t count = *getNumElements(shape);
  auto type = RankedTensorType::get(shape, elementType);
  if (tensor.data_location() == TensorProto::EXTERNAL) {
    std::unique_ptr<llvm::MemoryBuffer> storage;
    FailureOr<llvm::StringRef> raw =
        readExternalData(tensor, externalDataDir, loc, storage);
    if (failed(raw))
      return failure();
    return importRawData(tensor, *raw, "external data", type, count, loc,
                         resourceThresholdBytes);
  }
  if (tensor.has_raw_data())
    return importRawData(tensor, tensor.raw_data(), "raw_data", type, count,
                         loc, resourceThresholdBytes);
  return importTypedData(tensor, type, count, loc, resourceThresholdBytes);
}

FailureOr<RankedTensorType> mlir::compress::onnx_import::importValueInfoType(
    const onnx::ValueInfoProto &info, Location loc,
    std::optional<int64_t> batchSize) {
  if (!info.has_type() || !info.type().has_tensor_type())
    return emitError(loc) << "'" << info.name()
                          << "' is not a tensor (sequences, maps and "
                             "optionals are not supported)";
  const onnx::TypeProto::Tensor &tensorType = info.type().tensor_type();
  Type elementType = getElementType(loc.getContext(), tensorType.elem_type());
  if (!elementType)
    return emitError(loc) << "'" << info.name()
                          << "' has the unsupported data type "
                          << getDataTypeName(tensorType.elem_type());
  if (!tensorType.has_shape())
    return emitError(loc) << "'" << info.name()
                          << "' has no shape; compress imports static "
                             "shapes only";
  SmallVector<int64_t> shape;
  for (const auto &[index, dim] : llvm::enumerate(tensorType.shape().dim())) {
    if (dim.has_dim_value() && dim.dim_value() >= 0) {
      shape.push_back(dim.dim_value());
      continue;
    }
    if (index == 0 && batchSize) {
      shape.push_back(*batchSize);
      continue;
    }
    InFlightDiagnostic diag = emitError(loc)
                              << "'" << info.name() << "' has the dynamic "
                              << "dimension " << index;
    if (dim.has_dim_param())
      diag << " ('" << dim.dim_param() << "')";
    diag << "; compress imports static shapes only";
    if (index == 0)
      diag << ": pass --batch-size=N to fix the batch dimension";
    return diag;
  }
  if (failed(checkShape(shape, loc, "'" + info.name() + "'")))
    return failure();
  return RankedTensorType::get(shape, elementType);
}

ElementsAttr
mlir::compress::onnx_import::reshapeElements(ElementsAttr value,
                                             ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, value.getElementType());
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.reshape(type);
  auto resource = cast<DenseResourceElementsAttr>(value);
  return DenseResourceElementsAttr::get(type, resource.getRawHandle());
}

ElementsAttr
mlir::compress::onnx_import::createElements(RankedTensorType type,
                                            ArrayRef<char> data, StringRef name,
                                            int64_t resourceThresholdBytes) {
  bool isLarge = static_cast<int64_t>(data.size()) >= resourceThresholdBytes;
  if (!isa<FloatType>(type.getElementType()) || !isLarge)
    return DenseElementsAttr::getFromRawBuffer(type, data);
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      data, alignof(std::max_align_t));
  return DenseResourceElementsAttr::get(type, name.empty() ? "onnx" : name,
                                        std::move(blob));
}

DenseElementsAttr
mlir::compress::onnx_import::getDenseElements(ElementsAttr value) {
  if (!value)
    return nullptr;
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense;
  return getDenseFloatElements(value);
}
