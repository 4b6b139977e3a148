//===- GPUUtils.cpp - helpers shared by the NVIDIA GPU passes -------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "GPUUtils.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

gpu::CompilationTarget compress::getCompilationTarget(GPUBinaryFormat format) {
  switch (format) {
  case GPUBinaryFormat::Isa:
    return gpu::CompilationTarget::Assembly;
  case GPUBinaryFormat::Bin:
    return gpu::CompilationTarget::Binary;
  case GPUBinaryFormat::Fatbin:
    return gpu::CompilationTarget::Fatbin;
  }
  llvm_unreachable("unknown GPUBinaryFormat");
}

static bool isConstantGlobal(memref::GetGlobalOp getGlobal) {
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      getGlobal, getGlobal.getNameAttr());
  return global && global.getConstant();
}

bool compress::isConstantBuffer(Value value) {
  Operation *def = value.getDefiningOp();
  if (!def)
    return false;
  if (auto getGlobal = dyn_cast<memref::GetGlobalOp>(def))
    return isConstantGlobal(getGlobal);
  auto view = dyn_cast<ViewLikeOpInterface>(def);
  if (!view || !isPure(def))
    return false;
  return llvm::all_of(def->getOperands(), [&](Value operand) {
    return operand == view.getViewSource()
               ? isConstantBuffer(operand)
               : matchPattern(operand, m_Constant());
  });
}

Value compress::cloneConstantBuffer(OpBuilder &builder, Value value,
                                    IRMapping &mapping) {
  if (Value cloned = mapping.lookupOrNull(value))
    return cloned;
  Operation *def = value.getDefiningOp();
  for (Value operand : def->getOperands())
    cloneConstantBuffer(builder, operand, mapping);
  builder.clone(*def, mapping);
  return mapping.lookup(value);
}
