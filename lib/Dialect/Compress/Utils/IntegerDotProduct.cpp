//===- IntegerDotProduct.cpp - the integer kernels of fuse-qdq ------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Utils/IntegerDotProduct.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::compress;

namespace {

/// The 8-bit block argument that `value` extends to 32 bits, and whether
/// signed.
std::optional<std::pair<BlockArgument, bool>> matchByteExtension(Value value) {
  Value source;
  bool isSigned;
  if (auto ext = value.getDefiningOp<arith::ExtSIOp>()) {
    source = ext.getIn();
    isSigned = true;
  } else if (auto ext = value.getDefiningOp<arith::ExtUIOp>()) {
    source = ext.getIn();
    isSigned = false;
  } else {
    return std::nullopt;
  }
  auto argument = dyn_cast<BlockArgument>(source);
  if (!argument || !argument.getType().isInteger(8) ||
      !value.getType().isInteger(32))
    return std::nullopt;
  return std::make_pair(argument, isSigned);
}

} // namespace

std::optional<IntegerDotProduct>
mlir::compress::matchIntegerDotProduct(linalg::LinalgOp op, bool exact) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0 ||
      !op.getBlock())
    return std::nullopt;
  Block *body = op.getBlock();
  // ext, ext, mul, add, yield.
  if (exact && body->getOperations().size() != 5)
    return std::nullopt;
  BlockArgument out = op.getMatchingBlockArgument(op.getDpsInitOperand(0));
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (yield.getValues().size() != 1 || !out.getType().isInteger(32))
    return std::nullopt;
  auto add = yield.getValues().front().getDefiningOp<arith::AddIOp>();
  if (!add)
    return std::nullopt;
  Value product = add.getLhs() == out   ? add.getRhs()
                  : add.getRhs() == out ? add.getLhs()
                                        : Value();
  auto mul = product ? product.getDefiningOp<arith::MulIOp>() : nullptr;
  if (!mul)
    return std::nullopt;
  auto lhs = matchByteExtension(mul.getLhs());
  auto rhs = matchByteExtension(mul.getRhs());
  if (!lhs || !rhs || lhs->first.getOwner() != body ||
      rhs->first.getOwner() != body ||
      lhs->first.getArgNumber() >= op.getNumDpsInputs() ||
      rhs->first.getArgNumber() >= op.getNumDpsInputs())
    return std::nullopt;
  return IntegerDotProduct{
      op.getDpsInputOperand(lhs->first.getArgNumber()), lhs->second,
      op.getDpsInputOperand(rhs->first.getArgNumber()), rhs->second};
}
