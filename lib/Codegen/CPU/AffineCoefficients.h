//===- AffineCoefficients.h - linear affine expressions --------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The coefficient of a loop dimension in an indexing expression, for the
// passes that reason about strides (compress-order-loops) and recognize
// convolution windows (compress-vectorize-convolutions).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_CONVERSION_AFFINECOEFFICIENTS_H
#define COMPRESS_LIB_CONVERSION_AFFINECOEFFICIENTS_H

#include "mlir/IR/AffineExpr.h"

#include <cstdint>
#include <optional>

namespace mlir::compress {

/// The coefficient of `dim` in `expr` when `expr` is a sum of dimensions
/// times constants and constants; nullopt for anything else.
inline std::optional<int64_t> coefficientOf(AffineExpr expr, unsigned dim) {
  if (auto d = dyn_cast<AffineDimExpr>(expr))
    return d.getPosition() == dim ? 1 : 0;
  if (isa<AffineConstantExpr, AffineSymbolExpr>(expr))
    return 0;
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return std::nullopt;
  if (binary.getKind() == AffineExprKind::Add) {
    auto lhs = coefficientOf(binary.getLHS(), dim);
    auto rhs = coefficientOf(binary.getRHS(), dim);
    if (!lhs || !rhs)
      return std::nullopt;
    return *lhs + *rhs;
  }
  if (binary.getKind() == AffineExprKind::Mul) {
    auto constant = dyn_cast<AffineConstantExpr>(binary.getRHS());
    auto inner = coefficientOf(binary.getLHS(), dim);
    if (!constant || !inner)
      return binary.isFunctionOfDim(dim) ? std::nullopt
                                         : std::optional<int64_t>(0);
    return *inner * constant.getValue();
  }
  return binary.isFunctionOfDim(dim) ? std::nullopt : std::optional<int64_t>(0);
}

} // namespace mlir::compress

#endif // COMPRESS_LIB_CONVERSION_AFFINECOEFFICIENTS_H
