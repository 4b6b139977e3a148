//===- CopyConstantCallArguments.cpp - constant call arguments to copies --===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A constant tensor passed to a function bufferizes to a host global that the
// callee's kernels cannot read; the caller passes a copy instead.
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/NVPTX/Passes.h"

#include "GPUUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::compress {
#define GEN_PASS_DEF_COPYCONSTANTCALLARGUMENTS
#include "compress/Codegen/NVPTX/Passes.h.inc"
} // namespace mlir::compress

#define DEBUG_TYPE "compress-copy-constant-call-arguments"

using namespace mlir;
using namespace mlir::compress;

namespace {

Value copyIntoAllocation(OpBuilder &builder, Location loc, Value source,
                         MemRefType type) {
  SmallVector<Value> dynamicSizes;
  for (auto [dim, size] : llvm::enumerate(type.getShape()))
    if (ShapedType::isDynamic(size))
      dynamicSizes.push_back(memref::DimOp::create(builder, loc, source, dim));
  Value copy = memref::AllocOp::create(builder, loc, type, dynamicSizes);
  memref::CopyOp::create(builder, loc, source, copy);
  return copy;
}

struct CopyConstantCallArgumentsPass
    : public compress::impl::CopyConstantCallArgumentsBase<
          CopyConstantCallArgumentsPass> {
  void runOnOperation() final {
    SymbolTableCollection symbols;
    getOperation().walk([&](func::CallOp call) {
      auto callee = symbols.lookupNearestSymbolFrom<func::FuncOp>(
          call, call.getCalleeAttr());
      // External functions (printMemref*) run on the host only.
      if (!callee || callee.isExternal())
        return;
      for (OpOperand &argument : call->getOpOperands()) {
        auto type = dyn_cast<MemRefType>(argument.get().getType());
        if (!type || !type.getLayout().isIdentity() ||
            !isConstantBuffer(argument.get()))
          continue;
        OpBuilder builder(call);
        argument.set(
            copyIntoAllocation(builder, call.getLoc(), argument.get(), type));
      }
    });
  }
};

} // namespace
