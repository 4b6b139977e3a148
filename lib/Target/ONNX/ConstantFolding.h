//===- ConstantFolding.h - evaluating shape computations --------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Exporters compute reshape targets at run time: Shape -> Gather -> Unsqueeze
// -> Concat -> Reshape, sometimes with integer arithmetic in between. With
// static shapes every value of such a chain is known at import, so these ops
// are evaluated on constants and the chain leaves no IR behind.
//
//===----------------------------------------------------------------------===//

#ifndef LIB_TARGET_ONNX_CONSTANTFOLDING_H
#define LIB_TARGET_ONNX_CONSTANTFOLDING_H

#include "Importer.h"

#include "llvm/ADT/APInt.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::compress::onnx_import {

/// Constants with more elements than this are not folded (the op is emitted
/// as IR instead): folding is for shape computations, not for weights.
constexpr int64_t kMaxFoldedElements = 1 << 16;

/// The elements of an integer constant as int64 (zero-extended when
/// `isUnsigned`).
SmallVector<int64_t> getIntegerValues(DenseElementsAttr value, bool isUnsigned);

/// `fn(lhs, rhs)` elementwise with numpy broadcasting. Null (and success)
/// when the result would be larger than kMaxFoldedElements; an error at
/// `node` when the shapes do not broadcast.
FailureOr<DenseElementsAttr> foldIntegerBinary(
    NodeImporter &node, DenseElementsAttr lhs, DenseElementsAttr rhs,
    llvm::function_ref<llvm::APInt(const llvm::APInt &, const llvm::APInt &)>
        fn);

/// numpy.take(data, indices, axis) with indices already normalized to
/// [0, dim).
DenseElementsAttr foldGather(DenseElementsAttr data, int64_t axis,
                             ArrayRef<int64_t> indices,
                             ArrayRef<int64_t> indicesShape);

/// The concatenation of `values` along `axis`.
DenseElementsAttr foldConcat(ArrayRef<DenseElementsAttr> values, int64_t axis);

/// data[starts[i] : ends[i] : steps[i]] along axes[i], with the bounds
/// already clamped as ONNX Slice defines; `resultShape` is the sliced shape.
DenseElementsAttr foldSlice(DenseElementsAttr data, ArrayRef<int64_t> starts,
                            ArrayRef<int64_t> steps,
                            ArrayRef<int64_t> resultShape);

/// `value` transposed by `perm` (result dimension i is input dimension
/// perm[i]), as raw bytes so that weights of any size fold quickly; null for
/// i1 (bit-packed) values.
ElementsAttr foldTranspose(ElementsAttr value, ArrayRef<int64_t> perm,
                           int64_t resourceThresholdBytes);

} // namespace mlir::compress::onnx_import

#endif // LIB_TARGET_ONNX_CONSTANTFOLDING_H
