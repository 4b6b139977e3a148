//===- Tensors.h - ONNX tensors and types as MLIR attributes ----*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// TensorProto (initializers, Constant values, tensor attributes) to
// ElementsAttr, and ValueInfoProto (graph inputs and outputs) to tensor
// types. Every size is checked against the data actually present, so a
// corrupted model is an error, never an out-of-bounds read or a huge
// allocation.
//
//===----------------------------------------------------------------------===//

#ifndef LIB_TARGET_ONNX_TENSORS_H
#define LIB_TARGET_ONNX_TENSORS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/StringRef.h"

#include "onnx/onnx_pb.h"

#include <optional>

namespace mlir::compress::onnx_import {

/// An ONNX element type (onnx::TensorProto_DataType). Kept next to every
/// value because MLIR integers are signless: the importer remembers whether
/// an 8-bit tensor is uint8 or int8.
using DataType = int32_t;

bool isFloatDataType(DataType type);
bool isIntegerDataType(DataType type);
bool isUnsignedDataType(DataType type);
/// "float", "uint8", ... as ONNX spells them, for diagnostics.
std::string getDataTypeName(DataType type);
/// The MLIR element type (signless for integers, i1 for bool), or null for
/// types the importer does not support (strings, complex, ...).
Type getElementType(MLIRContext *context, DataType type);

/// Shapes with more elements than this are rejected: no real model comes
/// close, and a corrupted dimension must not become an allocation.
constexpr int64_t kMaxElements = int64_t(1) << 40;

/// The number of elements of `shape`, or nullopt if a dimension is negative
/// or the count exceeds kMaxElements.
std::optional<int64_t> getNumElements(llvm::ArrayRef<int64_t> shape);

/// Checks `shape` as getNumElements does; the error names `what`.
LogicalResult checkShape(llvm::ArrayRef<int64_t> shape, Location loc,
                         llvm::StringRef what);

/// The value of `tensor`. Float tensors of at least `resourceThresholdBytes`
/// bytes become `dense_resource` blobs named after the tensor; everything
/// else a DenseElementsAttr. A tensor whose data is external (ONNX's
/// external data, for models over protobuf's 2 GB) is read from its
/// location relative to `externalDataDir`, the model's directory; without
/// one, external data is an error.
FailureOr<ElementsAttr> importTensor(const onnx::TensorProto &tensor,
                                     Location loc,
                                     int64_t resourceThresholdBytes,
                                     llvm::StringRef externalDataDir = "");

/// The declared type of a graph input or output. A dynamic or symbolic
/// dimension is an error unless it is the leading one and `batchSize` is
/// given, which then replaces it.
FailureOr<RankedTensorType>
importValueInfoType(const onnx::ValueInfoProto &info, Location loc,
                    std::optional<int64_t> batchSize);

/// The elements of a constant as a DenseElementsAttr (copied out of a
/// `dense_resource` blob); null when unavailable.
DenseElementsAttr getDenseElements(ElementsAttr value);

/// `value` with the shape `shape` (the same number of elements); a
/// dense_resource keeps sharing its blob.
ElementsAttr reshapeElements(ElementsAttr value, ArrayRef<int64_t> shape);

/// A constant of `type` holding the row-major little-endian bytes `data`:
/// a dense_resource blob named `name` for float data of at least
/// `resourceThresholdBytes` bytes, else a DenseElementsAttr. Not for i1.
ElementsAttr createElements(RankedTensorType type, ArrayRef<char> data,
                            StringRef name, int64_t resourceThresholdBytes);

} // namespace mlir::compress::onnx_import

#endif // LIB_TARGET_ONNX_TENSORS_H
