//===- Instrumentation.cpp - JIT-running a model with recorders -----------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "Instrumentation.h"
#include "compress/Pipelines/Pipelines.h"
#include "compress/Runner/JitRuntime.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/TargetSelect.h"

namespace mlir::compress {

namespace {

constexpr llvm::StringLiteral kEntryWrapperName = "__compress_calibrate_entry";

void gatherDim(const DynamicMemRefType<float> &m, int64_t dim, int64_t offset,
               std::vector<float> &out) {
  if (dim == m.rank) {
    out.push_back(m.data[offset]);
    return;
  }
  for (int64_t i = 0; i < m.sizes[dim]; ++i)
    gatherDim(m, dim + 1, offset + i * m.strides[dim], out);
}

/// Adds `__compress_calibrate_entry(memref<*xf32>...)` calling `entry`.
void addEntryWrapper(ModuleOp module, func::FuncOp entry) {
  OpBuilder builder(module.getContext());
  builder.setInsertionPointToEnd(module.getBody());
  Location loc = entry.getLoc();
  Type f32 = builder.getF32Type();
  auto unranked = mlir::UnrankedMemRefType::get(f32, 0);
  SmallVector<Type> inputs(entry.getNumArguments(), unranked);
  auto wrapper = func::FuncOp::create(builder, loc, kEntryWrapperName,
                                      builder.getFunctionType(inputs, {}));
  wrapper->setAttr("llvm.emit_c_interface", builder.getUnitAttr());
  Block *body = wrapper.addEntryBlock();
  builder.setInsertionPointToStart(body);
  SmallVector<Value> args;
  for (auto [arg, type] :
       llvm::zip(body->getArguments(), entry.getArgumentTypes())) {
    auto tensorType = cast<RankedTensorType>(type);
    Value ranked = memref::CastOp::create(
        builder, loc, MemRefType::get(tensorType.getShape(), f32), arg);
    Value tensor = bufferization::ToTensorOp::create(
        builder, loc, tensorType.clone(f32), ranked, /*restrict=*/true);
    if (!tensorType.getElementType().isF32())
      tensor = arith::TruncFOp::create(builder, loc, tensorType, tensor);
    args.push_back(tensor);
  }
  func::CallOp::create(builder, loc, entry, args);
  func::ReturnOp::create(builder, loc);
}

} // namespace

void gatherRowMajor(const DynamicMemRefType<float> &m,
                    std::vector<float> &out) {
  gatherDim(m, 0, m.offset, out);
}

func::FuncOp declareRecorder(ModuleOp module, StringRef name) {
  OpBuilder builder(module.getContext());
  builder.setInsertionPointToStart(module.getBody());
  auto unranked = mlir::UnrankedMemRefType::get(builder.getF32Type(), 0);
  auto recorder = func::FuncOp::create(
      builder, module.getLoc(), name,
      builder.getFunctionType(TypeRange{builder.getI64Type(), unranked}, {}));
  recorder.setPrivate();
  recorder->setAttr("llvm.emit_c_interface", builder.getUnitAttr());
  return recorder;
}

void insertRecorderCall(OpBuilder &builder, Operation *before,
                        func::FuncOp recorder, int64_t id, Value value) {
  builder.setInsertionPoint(before);
  Location loc = before->getLoc();
  Type f32 = builder.getF32Type();
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.getElementType().isF32())
    value = arith::ExtFOp::create(builder, loc, type.clone(f32), value);
  auto memrefType = MemRefType::get(type.getShape(), f32);
  Value buffer = bufferization::ToBufferOp::create(builder, loc, memrefType,
                                                   value, /*read_only=*/true);
  Value cast = memref::CastOp::create(
      builder, loc, mlir::UnrankedMemRefType::get(f32, 0), buffer);
  Value idValue =
      arith::ConstantOp::create(builder, loc, builder.getI64IntegerAttr(id));
  func::CallOp::create(builder, loc, recorder, ValueRange{idValue, cast});
}

FailureOr<std::unique_ptr<ExecutionEngine>>
compileInstrumented(ModuleOp module, func::FuncOp entry,
                    llvm::function_ref<void(ModuleOp)> instrument,
                    StringRef recorderName, void *recorder, StringRef tool) {
  Location loc = module.getLoc();
  OwningOpRef<ModuleOp> clone = module.clone();
  auto clonedEntry = clone->lookupSymbol<func::FuncOp>(entry.getSymName());
  instrument(*clone);
  addEntryWrapper(*clone, clonedEntry);
  // Only the wrapper is called: everything it does not reach (drivers that
  // print, say) is dropped so that the JIT needs no outside symbols.
  for (auto function : clone->getOps<func::FuncOp>())
    if (function.getSymName() != kEntryWrapperName && !function.isExternal())
      function.setPrivate();

  PassManager pm(module.getContext());
  pm.addPass(createSymbolDCEPass());
  buildLowerToCPUPipeline(pm, LowerToCPUOptions());
  if (failed(pm.run(*clone)))
    return emitError(loc) << tool
                          << ": could not lower the instrumented model to LLVM";

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  auto engine = createHostExecutionEngine(*clone, /*optLevel=*/2);
  if (!engine)
    return emitError(loc) << tool << ": JIT compilation failed: "
                          << llvm::toString(engine.takeError());
  std::string symbol = ("_mlir_ciface_" + recorderName).str();
  (*engine)->registerSymbols([&](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    symbols[interner(symbol)] = {llvm::orc::ExecutorAddr::fromPtr(recorder),
                                 llvm::JITSymbolFlags::Exported};
    return symbols;
  });
  (*engine)->initialize();
  return std::move(*engine);
}

llvm::Error invokeInstrumented(ExecutionEngine &engine, const Sample &sample) {
  PackedMemRefArguments arguments;
  for (const SampleArg &arg : sample)
    arguments.add(arg.data.data(), arg.shape);
  return engine.invokePacked(("_mlir_ciface_" + kEntryWrapperName).str(),
                             arguments.get());
}

} // namespace mlir::compress
