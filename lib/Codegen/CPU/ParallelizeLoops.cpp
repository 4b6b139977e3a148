//===- ParallelizeLoops.cpp - large elementwise loops on all threads ------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The kernels use every thread, but the loops compiled for what they do not
// take (softmax, LayerNorm, GELU, quantization chains) ran on the calling
// thread alone: in a BERT layer on two threads the second one idled 45% of
// the time. This pass outlines the outer loop of each large all-parallel
// loop nest (marked by compress-linalg-to-annotated-loops) into a function
// of an iteration range, packs the values the loop reads from outside into
// a stack struct, and calls compress_cpu_parallel_for, which runs the
// ranges on the kernels' OpenMP threads.
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/CPU/Passes.h"
#include "compress/Codegen/ParallelNest.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSCPUPARALLELIZELOOPS
#include "compress/Codegen/CPU/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kParallelFor = "compress_cpu_parallel_for";

/// The iterations of `loop`, when its bounds and step are constants.
std::optional<int64_t> tripCount(scf::ForOp loop) {
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!lb || !ub || !step || *step <= 0)
    return std::nullopt;
  return *ub > *lb ? (*ub - *lb + *step - 1) / *step : 0;
}

/// The iterations of `loop` and of the loops nested in it (the first loop
/// of each body), or nullopt when a trip count is not constant.
std::optional<int64_t> nestIterations(scf::ForOp loop) {
  int64_t total = 1;
  while (loop) {
    std::optional<int64_t> count = tripCount(loop);
    if (!count)
      return std::nullopt;
    total *= *count;
    scf::ForOp inner;
    for (Operation &op : *loop.getBody())
      if ((inner = dyn_cast<scf::ForOp>(op)))
        break;
    loop = inner;
  }
  return total;
}

/// Values a loop may read from outside by recomputing them inside: pure ops
/// without operands (constants, constant globals).
bool isRematerializable(Value value) {
  Operation *def = value.getDefiningOp();
  return def && def->getNumOperands() == 0 && def->getNumRegions() == 0 &&
         def->getNumResults() == 1 && isPure(def);
}

struct ParallelizeLoopsPass
    : public compress::impl::CompressCPUParallelizeLoopsBase<
          ParallelizeLoopsPass> {
  using CompressCPUParallelizeLoopsBase::CompressCPUParallelizeLoopsBase;

  void runOnOperation() final {
    ModuleOp module = getOperation();
    if (minIterations < 1) {
      emitError(module.getLoc())
          << "compress-cpu-parallelize-loops: option 'min-iterations' must "
             "be at least 1";
      return signalPassFailure();
    }
    SmallVector<scf::ForOp> loops;
    module.walk([&](scf::ForOp loop) {
      if (loop->hasAttr(compress::kParallelNestAttrName))
        loops.push_back(loop);
    });
    SymbolTable symbols(module);
    LLVMTypeConverter converter(&getContext());
    for (scf::ForOp loop : loops) {
      // A tile loop's mark counts the elements of each innermost iteration.
      int64_t perIteration = 1;
      if (auto count =
              loop->getAttrOfType<IntegerAttr>(compress::kParallelNestAttrName))
        perIteration = std::max<int64_t>(1, count.getInt());
      loop->removeAttr(compress::kParallelNestAttrName);
      if (threads != 1)
        outline(loop, perIteration, symbols, converter);
    }
  }

  /// The function the runtime calls for the outlined loops, declared once;
  /// null when the module already has another symbol of that name.
  func::FuncOp getParallelFor(SymbolTable &symbols, FunctionType bodyType) {
    MLIRContext *context = &getContext();
    OpBuilder builder = OpBuilder::atBlockEnd(getOperation().getBody());
    Type i64 = builder.getI64Type();
    auto type = builder.getFunctionType(
        {bodyType, LLVM::LLVMPointerType::get(context), i64, i64}, {});
    if (Operation *existing = symbols.lookup(kParallelFor)) {
      auto function = dyn_cast<func::FuncOp>(existing);
      return function && function.getFunctionType() == type ? function
                                                            : func::FuncOp();
    }
    auto declaration = func::FuncOp::create(builder, getOperation().getLoc(),
                                            kParallelFor, type);
    declaration.setPrivate();
    symbols.insert(declaration);
    return declaration;
  }

  void outline(scf::ForOp loop, int64_t perIteration, SymbolTable &symbols,
               const LLVMTypeConverter &converter) {
    std::optional<int64_t> total = nestIterations(loop);
    std::optional<int64_t> outer = tripCount(loop);
    if (!total || !outer || *total * perIteration < minIterations ||
        *outer < 2 || !loop.getInitArgs().empty())
      return;
    auto function = loop->getParentOfType<func::FuncOp>();
    if (!function)
      return;
    MLIRContext *context = &getContext();
    Type ptrType = LLVM::LLVMPointerType::get(context);
    Type i64 = IntegerType::get(context, 64);
    auto bodyType = FunctionType::get(context, {ptrType, i64, i64}, {});

    // What the loop reads from outside: recomputed inside, or captured.
    llvm::SetVector<Value> used;
    getUsedValuesDefinedAbove(loop.getRegion(), used);
    SmallVector<Value> rematerialized, captured;
    SmallVector<Type> fieldTypes;
    for (Value value : used) {
      if (isRematerializable(value)) {
        rematerialized.push_back(value);
        continue;
      }
      Type type = value.getType();
      Type field;
      if (isa<IndexType>(type))
        field = IntegerType::get(&getContext(), 64);
      else if (isa<IntegerType, FloatType>(type))
        field = type;
      else if (isa<MemRefType>(type))
        field = converter.convertType(type);
      if (!field)
        return; // a value the struct cannot carry: the loop stays serial
      captured.push_back(value);
      fieldTypes.push_back(field);
    }
    // Declared only for a loop that is outlined.
    func::FuncOp parallelFor = getParallelFor(symbols, bodyType);
    if (!parallelFor) {
      loop->emitRemark() << "compress-cpu-parallelize-loops: the module "
                            "defines another '"
                         << kParallelFor << "'; the loop stays serial";
      return;
    }
    auto structType = LLVM::LLVMStructType::getLiteral(
        context, fieldTypes.empty()
                     ? SmallVector<Type>{IntegerType::get(context, 8)}
                     : fieldTypes);
    Location loc = loop.getLoc();

    // The outlined function: (context, begin, end) over the outer loop's
    // iteration numbers.
    OpBuilder moduleBuilder(function);
    auto body = func::FuncOp::create(moduleBuilder, loc,
                                     function.getSymName().str() + "_parallel",
                                     bodyType);
    body.setPrivate();
    symbols.insert(body); // renamed if the name is taken
    Block *entry = body.addEntryBlock();
    OpBuilder b = OpBuilder::atBlockBegin(entry);
    IRMapping mapping;
    for (Value value : rematerialized)
      mapping.map(value, b.clone(*value.getDefiningOp())->getResult(0));
    Value contextArg = entry->getArgument(0);
    for (auto [index, value] : llvm::enumerate(captured)) {
      Value address = LLVM::GEPOp::create(
          b, loc, ptrType, structType, contextArg,
          ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(index)});
      Value loaded = LLVM::LoadOp::create(b, loc, fieldTypes[index], address);
      Type type = value.getType();
      if (isa<IndexType>(type))
        loaded = arith::IndexCastOp::create(b, loc, type, loaded);
      else if (isa<MemRefType>(type))
        loaded = UnrealizedConversionCastOp::create(b, loc, type, loaded)
                     .getResult(0);
      mapping.map(value, loaded);
    }
    // Iterations [begin, end) of the loop: lb + begin * step, ...
    auto toIndex = [&](Value v) {
      return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
    };
    // The bounds are constants (the trip count is): made here again.
    Value lb = arith::ConstantIndexOp::create(
        b, loc, *getConstantIntValue(loop.getLowerBound()));
    Value step = arith::ConstantIndexOp::create(
        b, loc, *getConstantIntValue(loop.getStep()));
    auto bound = [&](Value iteration) {
      return arith::AddIOp::create(
          b, loc, lb, arith::MulIOp::create(b, loc, toIndex(iteration), step));
    };
    Value begin = bound(entry->getArgument(1));
    Value end = bound(entry->getArgument(2));
    auto part = scf::ForOp::create(b, loc, begin, end, step);
    part->setDiscardableAttrs(loop->getDiscardableAttrDictionary());
    mapping.map(loop.getInductionVar(), part.getInductionVar());
    OpBuilder inner = OpBuilder::atBlockBegin(part.getBody());
    for (Operation &op : loop.getBody()->without_terminator())
      inner.clone(op, mapping);
    func::ReturnOp::create(b, loc);

    // The call: the captured values stored in a struct on the stack (made
    // at the function's entry, not in a loop).
    OpBuilder atEntry = OpBuilder::atBlockBegin(&function.getBody().front());
    Value one = LLVM::ConstantOp::create(atEntry, loc, i64,
                                         atEntry.getI64IntegerAttr(1));
    Value frame =
        LLVM::AllocaOp::create(atEntry, loc, ptrType, structType, one);
    OpBuilder caller(loop);
    for (auto [index, value] : llvm::enumerate(captured)) {
      Value field = value;
      Type type = value.getType();
      if (isa<IndexType>(type))
        field = arith::IndexCastOp::create(caller, loc, i64, value);
      else if (isa<MemRefType>(type))
        field = UnrealizedConversionCastOp::create(caller, loc,
                                                   fieldTypes[index], value)
                    .getResult(0);
      Value address = LLVM::GEPOp::create(
          caller, loc, ptrType, structType, frame,
          ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(index)});
      LLVM::StoreOp::create(caller, loc, field, address);
    }
    Value callee =
        func::ConstantOp::create(caller, loc, bodyType, body.getSymName());
    Value iterations = arith::ConstantOp::create(
        caller, loc, caller.getI64IntegerAttr(*outer));
    Value threadCount = arith::ConstantOp::create(
        caller, loc, caller.getI64IntegerAttr(threads));
    func::CallOp::create(caller, loc, parallelFor,
                         ValueRange{callee, frame, iterations, threadCount});
    loop.erase();
  }
};

} // namespace
