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
#include "Instrumentation.h"
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

extern "C" void compressRecordObservation(int64_t id,
                                          ::UnrankedMemRefType<float> *memref) {
  Recorder *recorder = activeRecorder;
  if (!recorder)
    return;
  DynamicMemRefType<float> m(*memref);
  recorder->scratch.clear();
  gatherRowMajor(m, recorder->scratch);
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
  OpBuilder builder(module.getContext());
  func::FuncOp recorder = declareRecorder(module, kRecorderName);
  SmallVector<ObserveOp> observers;
  module.walk([&](ObserveOp op) { observers.push_back(op); });
  for (ObserveOp op : observers) {
    insertRecorderCall(builder, op, recorder, op.getId(), op.getInput());
    op.replaceAllUsesWith(op.getInput());
    op.erase();
  }
}

//===----------------------------------------------------------------------===//
// Running the samples
//===----------------------------------------------------------------------===//

/// Runs every sample through the instrumented entry, recording into
/// `recorder`.
LogicalResult runSamples(ExecutionEngine &engine, Recorder &recorder,
                         const std::vector<Sample> &samples, bool histograms,
                         const CalibrationConfig &config, Location loc) {
  recorder.histogramPhase = histograms;
  for (auto [index, sample] : llvm::enumerate(samples)) {
    activeRecorder = &recorder;
    llvm::Error error = invokeInstrumented(engine, sample);
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
    Location loc, StringRef tool) {
  EntrySelection how;
  how.tool = tool;
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
    return emitError(loc) << tool << ": @" << entryName
                          << " must take only f32/f16/bf16 tensors";
  return entry;
}

FailureOr<CalibrationSamples>
mlir::compress::loadCalibrationSamples(ModuleOp module, StringRef dir,
                                       StringRef entryName, StringRef tool,
                                       Location loc) {
  auto groups = listSampleFiles(dir, tool, loc);
  if (failed(groups))
    return failure();
  const auto &[firstName, firstFiles] = *groups->begin();
  SmallVector<SmallVector<int64_t>> firstShapes;
  for (const auto &[argument, file] : firstFiles) {
    llvm::Expected<NpyArray> array = readNpyFile(file);
    if (!array)
      return emitError(loc)
             << tool << ": " << llvm::toString(array.takeError());
    firstShapes.push_back(array->shape);
  }
  FailureOr<func::FuncOp> entry = selectCalibrationEntry(
      module, entryName, firstShapes, firstFiles.begin()->second, loc, tool);
  if (failed(entry))
    return failure();
  FailureOr<std::vector<Sample>> samples =
      loadSamples(*groups, *entry, tool, loc);
  if (failed(samples))
    return failure();
  return CalibrationSamples{*entry, std::move(*samples)};
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
      compileInstrumented(module, entry, instrumentObservers, kRecorderName,
                          reinterpret_cast<void *>(&compressRecordObservation),
                          "compress-calibrate");
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
