//===- IntegerDotProduct.h - the integer kernels of fuse-qdq ----*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// compress-fuse-qdq rewrites float layers into integer kernels whose body is
// `out + ext(lhs) * ext(rhs)` on 8-bit inputs and a 32-bit accumulator. The
// code generators (CPU kernels, NVIDIA dp4a and tensor cores) recognize them
// with this one matcher.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_UTILS_INTEGERDOTPRODUCT_H
#define COMPRESS_DIALECT_COMPRESS_UTILS_INTEGERDOTPRODUCT_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace mlir::compress {

/// The two 8-bit inputs of an integer dot-product body and how each is
/// extended (signed: arith.extsi, unsigned: arith.extui).
struct IntegerDotProduct {
  OpOperand *lhs;
  bool lhsSigned;
  OpOperand *rhs;
  bool rhsSigned;
};

/// Matches a linalg op with a reduction, one i32 init and the body
/// `yield(out + ext(a) * ext(b))` (in either order) where a and b are i8
/// input block arguments. Other ops in the body are allowed only when
/// `exact` is false.
std::optional<IntegerDotProduct> matchIntegerDotProduct(linalg::LinalgOp op,
                                                        bool exact = false);

} // namespace mlir::compress

#endif // COMPRESS_DIALECT_COMPRESS_UTILS_INTEGERDOTPRODUCT_H
