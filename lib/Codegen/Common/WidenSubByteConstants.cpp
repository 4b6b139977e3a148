//===- WidenSubByteConstants.cpp - i4 constants stored as i8 --------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A vector of sub-byte integers is bit-packed in LLVM, a scalar one takes a
// byte in memory: vector loads from an i4 buffer read the wrong bits. The
// narrow constants linalg.generic ops read (4-bit weights) are widened to i8
// here, before any vectorization, with the body adjusted so that it computes
// the same values.
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/Common/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace mlir::compress {
#define GEN_PASS_DEF_WIDENSUBBYTECONSTANTS
#include "compress/Codegen/Common/Passes.h.inc"
} // namespace mlir::compress

#define DEBUG_TYPE "compress-widen-subbyte-constants"

using namespace mlir;
using namespace mlir::compress;

namespace {

/// Whether `type` is a signless integer narrower than a byte (i1 excluded:
/// booleans are not weights).
bool isSubByteInteger(Type type) {
  auto integer = dyn_cast<IntegerType>(type);
  return integer && integer.isSignless() && integer.getWidth() > 1 &&
         integer.getWidth() < 8;
}

/// `values` sign-extended to i8.
DenseElementsAttr widen(DenseIntElementsAttr values) {
  auto type = cast<RankedTensorType>(values.getType());
  auto i8 = IntegerType::get(type.getContext(), 8);
  auto wideType = type.clone(i8);
  if (values.isSplat())
    return DenseElementsAttr::get(wideType,
                                  values.getSplatValue<APInt>().sext(8));
  SmallVector<APInt> wide;
  wide.reserve(values.getNumElements());
  for (const APInt &value : values.getValues<APInt>())
    wide.push_back(value.sext(8));
  return DenseElementsAttr::get(wideType, wide);
}

/// Makes input `operand` of `generic` read `wide` (the i8 version of its
/// narrow constant) and rewrites the body's uses of the block argument.
void retypeInput(linalg::GenericOp generic, OpOperand &operand, Value wide) {
  BlockArgument arg = generic.getMatchingBlockArgument(&operand);
  Type narrow = arg.getType();
  Type i8 = getElementTypeOrSelf(wide.getType());
  operand.set(wide);
  arg.setType(i8);

  OpBuilder builder(generic.getContext());
  Value truncated;
  for (OpOperand &use : llvm::make_early_inc_range(arg.getUses())) {
    Operation *user = use.getOwner();
    if (auto ext = dyn_cast<arith::ExtSIOp>(user)) {
      // The i8 holds the narrow value sign-extended already.
      builder.setInsertionPoint(ext);
      Value extended = ext.getType() == i8
                           ? Value(arg)
                           : arith::ExtSIOp::create(builder, ext.getLoc(),
                                                    ext.getType(), arg)
                                 .getResult();
      ext.replaceAllUsesWith(extended);
      ext.erase();
      continue;
    }
    if (!truncated) {
      builder.setInsertionPointToStart(arg.getOwner());
      truncated =
          arith::TruncIOp::create(builder, generic.getLoc(), narrow, arg);
    }
    use.set(truncated);
  }
}

struct WidenSubByteConstantsPass
    : public compress::impl::WidenSubByteConstantsBase<
          WidenSubByteConstantsPass> {
  void runOnOperation() override {
    SmallVector<arith::ConstantOp> constants;
    getOperation().walk([&](arith::ConstantOp op) {
      auto type = dyn_cast<RankedTensorType>(op.getType());
      if (type && isSubByteInteger(type.getElementType()) &&
          isa<DenseIntElementsAttr>(op.getValue()))
        constants.push_back(op);
    });
    for (arith::ConstantOp constant : constants) {
      Value wide;
      for (OpOperand &use :
           llvm::make_early_inc_range(constant.getResult().getUses())) {
        auto generic = dyn_cast<linalg::GenericOp>(use.getOwner());
        if (!generic || !generic.isDpsInput(&use))
          continue;
        if (!wide) {
          OpBuilder builder(constant);
          wide = arith::ConstantOp::create(
              builder, constant.getLoc(),
              widen(cast<DenseIntElementsAttr>(constant.getValue())));
        }
        retypeInput(generic, use, wide);
      }
      if (constant.use_empty())
        constant.erase();
    }
  }
};

} // namespace
