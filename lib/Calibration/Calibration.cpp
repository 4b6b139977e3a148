//===- Calibration.cpp - run a model on samples, record its ranges --------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Clones the module, turns every compress.observe into a call that hands the
// observed tensor to a recorder in this process, lowers the clone to LLVM,
// JIT-compiles it with MLIR's ExecutionEngine and runs it on the samples.
//
//===----------------------------------------------------------------------===//

#include "compress/Calibration/Calibration.h"
#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Pipelines/Pipelines.h"
#include "compress/Runner/JitRuntime.h"
#include "compress/Runner/ModelRunner.h"
#include "compress/Utils/Progress.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::compress;

namespace {

constexpr llvm::StringLiteral kRecorderName = "__compress_observe_f32";
constexpr llvm::StringLiteral kEntryWrapperName = "__compress_calibrate_entry";

bool isSupportedArgument(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor &&
         (tensor.getElementType().isF32() || tensor.getElementType().isF16() ||
          tensor.getElementType().isBF16());
}

//===----------------------------------------------------------------------===//
// Recording from JIT-compiled code
//===----------------------------------------------------------------------===//

struct Recorder {
  llvm::DenseMap<int64_t, ObserverStats> stats;
  bool histogramPhase = false;
  double averagingConstant = 0.01;
  std::vector<float> scratch;
};

/// The recorder of the calibration running on this thread.
thread_local Recorder *activeRecorder = nullptr;

/// Copies a strided memref into `out` in row-major order.
void gather(const DynamicMemRefType<float> &m, int64_t dim, int64_t offset,
            std::vector<float> &out) {
  if (dim == m.rank) {
    out.push_back(m.data[offset]);
    return;
  }
  for (int64_t i = 0; i < m.sizes[dim]; ++i)
    gather(m, dim + 1, offset + i * m.strides[dim], out);
}

extern "C" void compressRecordObservation(int64_t id,
                                          ::UnrankedMemRefType<float> *memref) {
  Recorder *recorder = activeRecorder;
  if (!recorder)
    return;
  DynamicMemRefType<float> m(*memref);
  recorder->scratch.clear();
  gather(m, 0, m.offset, recorder->scratch);
  ObserverStats &stats = recorder->stats[id];
  if (recorder->histogramPhase)
    stats.recordHistograms(recorder->scratch);
  else
    stats.recordRange(recorder->scratch, recorder->averagingConstant);
}

//===----------------------------------------------------------------------===//
// The instrumented clone
//===----------------------------------------------------------------------===//

/// Replaces every observer by a call to the recorder.
void instrumentObservers(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  OpBuilder builder(ctx);
  builder.setInsertionPointToStart(module.getBody());
  Type f32 = builder.getF32Type();
  auto unranked = mlir::UnrankedMemRefType::get(f32, 0);
  auto recorder = func::FuncOp::create(
      builder, module.getLoc(), kRecorderName,
      builder.getFunctionType(TypeRange{builder.getI64Type(), unranked}, {}));
  recorder.setPrivate();
  recorder->setAttr("llvm.emit_c_interface", builder.getUnitAttr());

  SmallVector<ObserveOp> observers;
  module.walk([&](ObserveOp op) { observers.push_back(op); });
  for (ObserveOp op : observers) {
    builder.setInsertionPoint(op);
    Location loc = op.getLoc();
    Value value = op.getInput();
    RankedTensorType type = op.getInput().getType();
    if (!type.getElementType().isF32())
      value = arith::ExtFOp::create(builder, loc, type.clone(f32), value);
    auto memrefType = MemRefType::get(type.getShape(), f32);
    Value buffer = bufferization::ToBufferOp::create(builder, loc, memrefType,
                                                     value, /*read_only=*/true);
    Value cast = memref::CastOp::create(builder, loc, unranked, buffer);
    Value id = arith::ConstantOp::create(builder, loc,
                                         builder.getI64IntegerAttr(op.getId()));
    func::CallOp::create(builder, loc, recorder, ValueRange{id, cast});
    op.replaceAllUsesWith(op.getInput());
    op.erase();
  }
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

//===----------------------------------------------------------------------===//
// Running the samples
//===----------------------------------------------------------------------===//

/// Lowers an instrumented clone of `module` and JIT-compiles it.
FailureOr<std::unique_ptr<ExecutionEngine>>
compileInstrumented(ModuleOp module, func::FuncOp entry) {
  Location loc = module.getLoc();
  OwningOpRef<ModuleOp> clone = module.clone();
  auto clonedEntry = clone->lookupSymbol<func::FuncOp>(entry.getSymName());
  instrumentObservers(*clone);
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
    return emitError(loc) << "compress-calibrate: could not lower the "
                             "instrumented model to LLVM";

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  auto engine = createHostExecutionEngine(*clone, /*optLevel=*/2);
  if (!engine)
    return emitError(loc) << "compress-calibrate: JIT compilation failed: "
                          << llvm::toString(engine.takeError());
  (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    symbols[interner(("_mlir_ciface_" + kRecorderName).str())] = {
        llvm::orc::ExecutorAddr::fromPtr(&compressRecordObservation),
        llvm::JITSymbolFlags::Exported};
    return symbols;
  });
  (*engine)->initialize();
  return std::move(*engine);
}

/// Runs every sample through the instrumented entry, recording into
/// `recorder`.
LogicalResult runSamples(ExecutionEngine &engine, Recorder &recorder,
                         const std::vector<Sample> &samples, bool histograms,
                         const CalibrationConfig &config, Location loc) {
  recorder.histogramPhase = histograms;
  std::string wrapper = ("_mlir_ciface_" + kEntryWrapperName).str();
  for (auto [index, sample] : llvm::enumerate(samples)) {
    PackedMemRefArguments arguments;
    for (const SampleArg &arg : sample)
      arguments.add(arg.data.data(), arg.shape);
    activeRecorder = &recorder;
    llvm::Error error = engine.invokePacked(wrapper, arguments.get());
    activeRecorder = nullptr;
    if (error)
      return emitError(loc) << "compress-calibrate: running sample " << index
                            << " failed: " << llvm::toString(std::move(error));
    if (config.onSample &&
        failed(config.onSample(index + 1, samples.size(), histograms)))
      return emitError(loc) << "compress-calibrate: stopped after sample "
                            << index + 1 << " of " << samples.size();
  }
  return success();
}

LogicalResult writeStats(const CalibrationRanges &ranges,
                         const CalibrationConfig &config, Location loc) {
  std::string text = formatCalibrationStats(config.method, ranges);
  // Through a temporary file renamed over `stats`: a failure keeps the
  // previous file.
  llvm::Error error =
      llvm::writeToOutput(config.stats, [&](llvm::raw_ostream &os) {
        os << text;
        return llvm::Error::success();
      });
  if (error)
    return emitError(loc) << "compress-calibrate: cannot write '"
                          << config.stats
                          << "': " << llvm::toString(std::move(error));
  return success();
}

} // namespace

LogicalResult
mlir::compress::verifyCalibrationConfig(const CalibrationConfig &config,
                                        Location loc) {
  if (!(config.percentile > 0.0 && config.percentile <= 100.0))
    return emitError(loc) << "compress-calibrate: option 'percentile' must be "
                             "in (0, 100], got "
                          << config.percentile;
  if (!(config.averagingConstant > 0.0 && config.averagingConstant <= 1.0))
    return emitError(loc) << "compress-calibrate: option "
                             "'averaging-constant' must be in (0, 1], got "
                          << config.averagingConstant;
  if (config.bins < 128)
    return emitError(loc) << "compress-calibrate: option 'bins' must be at "
                             "least 128, got "
                          << config.bins;
  return success();
}

FailureOr<func::FuncOp> mlir::compress::selectCalibrationEntry(
    ModuleOp module, StringRef entryName,
    ArrayRef<SmallVector<int64_t>> firstShapes, StringRef firstName,
    Location loc) {
  EntrySelection how;
  how.tool = "compress-calibrate";
  how.option = "entry=NAME";
  how.takes = " that take the samples";
  how.none =
      ("no public function takes the samples (first sample: '" + firstName +
       "'); check its shape or choose the function with entry=NAME")
          .str();
  how.accepts = [&](func::FuncOp function) -> FailureOr<bool> {
    if (function.getNumArguments() != firstShapes.size() ||
        !llvm::all_of(function.getArgumentTypes(), isSupportedArgument))
      return false;
    for (auto [shape, argType] :
         llvm::zip(firstShapes, function.getArgumentTypes())) {
      auto type = cast<RankedTensorType>(argType);
      ArrayRef<int64_t> dims = shape;
      if (!fitsShape(dims, type) &&
          countStackedBatches(dims, type).value_or(0) == 0 &&
          (dims.empty() || !fitsShape(dims.drop_front(), type)))
        return false;
    }
    return true;
  };
  FailureOr<func::FuncOp> entry = selectEntry(module, entryName, how, loc);
  if (succeeded(entry) && !entryName.empty() &&
      !llvm::all_of(entry->getArgumentTypes(), isSupportedArgument))
    return emitError(loc) << "compress-calibrate: @" << entryName
                          << " must take only f32/f16/bf16 tensors";
  return entry;
}

LogicalResult
mlir::compress::calibrateObservers(ModuleOp module, func::FuncOp entry,
                                   const std::vector<Sample> &samples,
                                   const CalibrationConfig &config) {
  Location loc = module.getLoc();
  if (failed(verifyCalibrationConfig(config, loc)))
    return failure();
  SmallVector<ObserveOp> observers;
  module.walk([&](ObserveOp op) { observers.push_back(op); });
  if (observers.empty()) {
    emitWarning(loc) << "compress-calibrate: the module has no "
                        "compress.observe ops (run compress-insert-observers "
                        "first); nothing to calibrate";
    return success();
  }
  if (samples.empty())
    return emitError(loc) << "compress-calibrate: no samples";

  FailureOr<std::unique_ptr<ExecutionEngine>> engine =
      compileInstrumented(module, entry);
  if (failed(engine))
    return failure();

  Recorder recorder;
  recorder.averagingConstant = config.averagingConstant;
  if (failed(runSamples(**engine, recorder, samples, /*histograms=*/false,
                        config, loc)))
    return failure();
  if (needsHistograms(config.method)) {
    for (auto &[id, stats] : recorder.stats)
      if (stats.hasRange())
        stats.startHistograms(config.bins);
    if (failed(runSamples(**engine, recorder, samples, /*histograms=*/true,
                          config, loc)))
      return failure();
  }

  Builder builder(module.getContext());
  CalibrationRanges ranges;
  for (ObserveOp op : observers) {
    auto it = recorder.stats.find(op.getId());
    if (it == recorder.stats.end() || !it->second.hasRange()) {
      op.emitWarning() << "observer " << op.getId()
                       << " recorded no finite value (not reached from @"
                       << entry.getSymName() << "?); no range stored";
      continue;
    }
    const ObserverStats &stats = it->second;
    if (stats.numNonFinite())
      op.emitWarning() << "observer " << op.getId() << " saw "
                       << stats.numNonFinite()
                       << " NaN or infinite value(s); they were ignored";
    ranges[op.getId()] = stats.computeRange(config.method, config.percentile);
  }
  if (!config.stats.empty() && failed(writeStats(ranges, config, loc)))
    return failure();
  // Only now, when nothing can fail any more, is the module changed.
  for (ObserveOp op : observers) {
    auto it = ranges.find(op.getId());
    if (it == ranges.end())
      continue;
    op.setMinAttr(builder.getF64FloatAttr(it->second.first));
    op.setMaxAttr(builder.getF64FloatAttr(it->second.second));
  }
  return success();
}
