//===- ConvertPrecision.cpp - f32 models to f16 or bf16 -------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Retypes the whole module in place: every f32 (scalar, or element of a
// tensor, memref or vector) becomes the target type, f32 constants are
// rounded to it, and casts that became no-ops disappear.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#define DEBUG_TYPE "compress-convert-precision"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSCONVERTPRECISION
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

/// `type` with f32 replaced by `target` wherever it is the type or the
/// element type.
Type convertType(Type type, FloatType target) {
  if (type.isF32())
    return target;
  if (auto shaped = dyn_cast<ShapedType>(type))
    if (shaped.getElementType().isF32())
      return shaped.clone(target);
  if (auto function = dyn_cast<FunctionType>(type)) {
    SmallVector<Type> inputs, results;
    for (Type t : function.getInputs())
      inputs.push_back(convertType(t, target));
    for (Type t : function.getResults())
      results.push_back(convertType(t, target));
    return FunctionType::get(type.getContext(), inputs, results);
  }
  return type;
}

/// An f32 constant value rounded (to nearest even) to `target`.
Attribute convertConstant(Attribute value, FloatType target) {
  auto round = [&](llvm::APFloat v) {
    bool losesInfo;
    v.convert(target.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven,
              &losesInfo);
    return v;
  };
  if (auto scalar = dyn_cast<FloatAttr>(value);
      scalar && scalar.getType().isF32())
    return FloatAttr::get(target, round(scalar.getValue()));
  // Dense constants and dense_resource blobs (how compress-translate keeps
  // large ONNX initializers) alike.
  if (DenseElementsAttr dense = getDenseFloatElements(value);
      dense && dense.getElementType().isF32()) {
    SmallVector<llvm::APFloat> rounded;
    for (const llvm::APFloat &v : dense.getValues<llvm::APFloat>())
      rounded.push_back(round(v));
    return DenseElementsAttr::get(
        cast<ShapedType>(dense.getType()).clone(target), rounded);
  }
  return value;
}

bool hasQuantizedType(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    type = shaped.getElementType();
  return isa<quant::QuantizedType>(type);
}

struct ConvertPrecisionPass
    : public compress::impl::CompressConvertPrecisionBase<
          ConvertPrecisionPass> {
  using CompressConvertPrecisionBase::CompressConvertPrecisionBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FloatType target = to == FloatPrecision::BF16
                           ? FloatType(BFloat16Type::get(&getContext()))
                           : FloatType(Float16Type::get(&getContext()));

    WalkResult quantized = module.walk([&](Operation *op) {
      for (Type type : op->getResultTypes())
        if (hasQuantizedType(type)) {
          op->emitError() << "compress-convert-precision converts float "
                             "models; this op already has a quantized type";
          return WalkResult::interrupt();
        }
      return WalkResult::advance();
    });
    if (quantized.wasInterrupted())
      return signalPassFailure();

    module.walk([&](Operation *op) {
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            arg.setType(convertType(arg.getType(), target));
      for (OpResult result : op->getResults())
        result.setType(convertType(result.getType(), target));
      if (auto constant = dyn_cast<arith::ConstantOp>(op))
        constant.setValueAttr(
            cast<TypedAttr>(convertConstant(constant.getValue(), target)));
      if (auto function = dyn_cast<func::FuncOp>(op))
        function.setFunctionType(cast<FunctionType>(
            convertType(function.getFunctionType(), target)));
    });

    // Casts between f32 and another float: those that now cast to
    // themselves go; those between two 16-bit formats (a bf16 -> f32
    // extension that now extends to f16, an f32 -> bf16 truncation of what
    // is now f16) go through f32, which holds both exactly.
    SmallVector<Operation *> casts;
    module.walk([&](Operation *op) {
      if (isa<arith::ExtFOp, arith::TruncFOp>(op))
        casts.push_back(op);
    });
    OpBuilder builder(&getContext());
    for (Operation *op : casts) {
      Value input = op->getOperand(0);
      Type from = input.getType(), to = op->getResult(0).getType();
      if (from == to) {
        op->getResult(0).replaceAllUsesWith(input);
        op->erase();
        continue;
      }
      unsigned fromWidth = getElementTypeOrSelf(from).getIntOrFloatBitWidth();
      unsigned toWidth = getElementTypeOrSelf(to).getIntOrFloatBitWidth();
      bool valid =
          isa<arith::ExtFOp>(op) ? fromWidth < toWidth : fromWidth > toWidth;
      if (valid)
        continue;
      builder.setInsertionPoint(op);
      Type wide = builder.getF32Type();
      if (auto shaped = dyn_cast<ShapedType>(from))
        wide = shaped.clone(wide);
      Value extended =
          arith::ExtFOp::create(builder, op->getLoc(), wide, input);
      Value narrowed =
          arith::TruncFOp::create(builder, op->getLoc(), to, extended);
      op->getResult(0).replaceAllUsesWith(narrowed);
      op->erase();
    }
  }
};

} // namespace
