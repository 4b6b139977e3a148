//===- Builders.h - IR building blocks of the ONNX importer -----*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The linalg and tensor idioms every converter uses, written once, in the
// forms compress's passes recognize: elementwise ops are linalg.generic with
// a tensor.empty init and projected-permutation maps (so a bias is a
// constant read through a channel map), scalars are constants in the body,
// reshapes of constants are new constants.
//
//===----------------------------------------------------------------------===//

#ifndef LIB_TARGET_ONNX_BUILDERS_H
#define LIB_TARGET_ONNX_BUILDERS_H

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mlir::compress::onnx_import {

/// Computes one element of a linalg.generic from its block arguments.
using BodyFn = llvm::function_ref<Value(OpBuilder &, Location, ValueRange)>;

llvm::ArrayRef<int64_t> getShape(Value tensor);
Type getElementTypeOf(Value tensor);

/// `value` as an attribute of the scalar type `type` (float or integer).
TypedAttr getScalarAttr(Type type, double value);
/// The smallest value of `type`: -inf for floats, the minimum integer.
TypedAttr getLowestAttr(Type type, bool isUnsigned);
Value createScalar(OpBuilder &b, Location loc, Type type, double value);

Value createEmpty(OpBuilder &b, Location loc, llvm::ArrayRef<int64_t> shape,
                  Type elementType);
/// A tensor of `shape` filled with `value` (linalg.fill of tensor.empty).
Value createFilled(OpBuilder &b, Location loc, llvm::ArrayRef<int64_t> shape,
                   TypedAttr value);

/// The shape `shapes` broadcast to under numpy rules, or nullopt when they
/// are incompatible.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);

/// A linalg.generic over `shape` computing `body(inputs...)` per element.
/// Inputs are broadcast by numpy rules: broadcast unit dimensions are
/// reshaped away, so every input is read through a projected permutation
/// (a [C, 1, 1] bias of an NCHW tensor becomes a [C] tensor read at c).
Value buildElementwise(OpBuilder &b, Location loc, ValueRange inputs,
                       llvm::ArrayRef<int64_t> shape, Type resultElementType,
                       BodyFn body);

/// A linalg.generic with explicit input maps writing a fresh tensor of
/// `shape` through the identity map (all loops parallel).
Value buildMappedElementwise(OpBuilder &b, Location loc, ValueRange inputs,
                             llvm::ArrayRef<AffineMap> inputMaps,
                             llvm::ArrayRef<int64_t> shape,
                             Type resultElementType, BodyFn body);

/// Reduces `input` over the dimensions `reduced` (sorted) with
/// `combine(element, accumulator)`, starting from `init`; the result drops
/// the reduced dimensions.
Value buildReduction(OpBuilder &b, Location loc, Value input,
                     llvm::ArrayRef<int64_t> reduced, TypedAttr init,
                     BodyFn combine);

/// The map from the loops of a rank-`rank` iteration space to a tensor that
/// lacks the dimensions `dropped` (sorted).
AffineMap getDroppedDimsMap(MLIRContext *context, int64_t rank,
                            llvm::ArrayRef<int64_t> dropped);

/// `value` with the shape `shape` (same element count, row-major order):
/// a collapse_shape, an expand_shape, or a collapse to 1-D and an expand.
/// Constants are reshaped into new constants so that layers still see a
/// constant operand.
Value reshape(OpBuilder &b, Location loc, Value value,
              llvm::ArrayRef<int64_t> shape);

/// `value` padded by `low`/`high` per dimension with `padValue`; `value`
/// itself when there is no padding.
Value pad(OpBuilder &b, Location loc, Value value, llvm::ArrayRef<int64_t> low,
          llvm::ArrayRef<int64_t> high, TypedAttr padValue);

/// linalg.transpose: result dimension i is input dimension perm[i] (the
/// value itself for the identity permutation).
Value transpose(OpBuilder &b, Location loc, Value value,
                llvm::ArrayRef<int64_t> perm);

/// Widens an integer of `value`'s element type to `type` (sign or zero
/// extension) inside a body.
Value extendInteger(OpBuilder &b, Location loc, Value value, Type type,
                    bool isUnsigned);

} // namespace mlir::compress::onnx_import

#endif // LIB_TARGET_ONNX_BUILDERS_H
