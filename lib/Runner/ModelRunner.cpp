//===- ModelRunner.cpp - JIT-compiling and running a model ----------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Runner/ModelRunner.h"
#include "compress/Pipelines/Pipelines.h"
#include "compress/Runner/JitRuntime.h"
#include "compress/Utils/Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/TargetSelect.h"

#include <chrono>
#include <cstring>

using namespace mlir;
using namespace mlir::compress;

namespace {

constexpr llvm::StringLiteral kWrapperName = "__compress_run_entry";

llvm::Error runnerError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

std::string describeType(RankedTensorType type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

} // namespace

std::optional<HostTensorType> mlir::compress::getHostType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return std::nullopt;
  Type element = tensor.getElementType();
  HostTensorType host{tensor, "", 0};
  if (element.isF32() || element.isF16() || element.isBF16()) {
    host.dtype = "<f4";
    host.elementBytes = 4;
  } else if (element.isSignlessInteger(1)) {
    host.dtype = "|b1";
    host.elementBytes = 1;
  } else if (element.isSignlessInteger(8)) {
    host.dtype = "|i1";
    host.elementBytes = 1;
  } else if (element.isSignlessInteger(16) || element.isSignlessInteger(32) ||
             element.isSignlessInteger(64)) {
    unsigned bytes = element.getIntOrFloatBitWidth() / 8;
    host.dtype = "<i" + std::to_string(bytes);
    host.elementBytes = bytes;
  } else {
    return std::nullopt;
  }
  return host;
}

namespace {

/// The element type of the host data of `host`.
Type getHostElementType(const HostTensorType &host, Builder &builder) {
  Type element = host.type.getElementType();
  if (isa<FloatType>(element))
    return builder.getF32Type();
  if (element.isSignlessInteger(1))
    return builder.getI8Type();
  return element;
}

/// The tensor type of the host data of `host`.
RankedTensorType getHostTensorType(const HostTensorType &host,
                                   Builder &builder) {
  RankedTensorType type = host.type;
  return type.clone(getHostElementType(host, builder));
}

/// Converts `value` between the module's element type and the host's.
Value convertElements(OpBuilder &builder, Location loc, Value value,
                      RankedTensorType to) {
  auto from = cast<RankedTensorType>(value.getType());
  Type fromElement = from.getElementType(), toElement = to.getElementType();
  if (fromElement == toElement)
    return value;
  if (isa<FloatType>(fromElement)) {
    if (fromElement.getIntOrFloatBitWidth() < toElement.getIntOrFloatBitWidth())
      return arith::ExtFOp::create(builder, loc, to, value);
    return arith::TruncFOp::create(builder, loc, to, value);
  }
  // i1 <-> i8: numpy's bool is one byte holding 0 or 1.
  if (fromElement.getIntOrFloatBitWidth() < toElement.getIntOrFloatBitWidth())
    return arith::ExtUIOp::create(builder, loc, to, value);
  return arith::TruncIOp::create(builder, loc, to, value);
}

} // namespace

void mlir::compress::addHostWrapper(ModuleOp module, func::FuncOp entry,
                                    ArrayRef<HostTensorType> inputs,
                                    ArrayRef<HostTensorType> outputs,
                                    StringRef name) {
  OpBuilder builder(module.getContext());
  builder.setInsertionPointToEnd(module.getBody());
  Location loc = entry.getLoc();
  SmallVector<Type> argTypes;
  for (const HostTensorType &host :
       llvm::concat<const HostTensorType>(inputs, outputs))
    argTypes.push_back(
        mlir::UnrankedMemRefType::get(getHostElementType(host, builder), 0));
  auto wrapper = func::FuncOp::create(builder, loc, name,
                                      builder.getFunctionType(argTypes, {}));
  wrapper->setAttr("llvm.emit_c_interface", builder.getUnitAttr());
  wrapper->setAttr(kHostWrapperAttr, builder.getUnitAttr());
  Block *body = wrapper.addEntryBlock();
  builder.setInsertionPointToStart(body);

  auto rankedBuffer = [&](Value unranked, const HostTensorType &host) {
    Type element = getHostElementType(host, builder);
    return memref::CastOp::create(
        builder, loc, MemRefType::get(host.type.getShape(), element), unranked);
  };
  // The output buffers first, so that they dominate the call
  // (compress-lower-to-cpu's results-to-destinations may pass them to it).
  SmallVector<Value> destinations;
  for (auto [i, host] : llvm::enumerate(outputs))
    destinations.push_back(
        rankedBuffer(body->getArgument(inputs.size() + i), host));
  SmallVector<Value> args;
  for (auto [i, host] : llvm::enumerate(inputs)) {
    Value buffer = rankedBuffer(body->getArgument(i), host);
    Value tensor = bufferization::ToTensorOp::create(
        builder, loc, getHostTensorType(host, builder), buffer,
        /*restrict=*/true);
    args.push_back(convertElements(builder, loc, tensor, host.type));
  }
  auto call = func::CallOp::create(builder, loc, entry, args);
  for (auto [i, host] : llvm::enumerate(outputs)) {
    Value result = convertElements(builder, loc, call.getResult(i),
                                   getHostTensorType(host, builder));
    auto materialize = bufferization::MaterializeInDestinationOp::create(
        builder, loc, result, destinations[i]);
    materialize.setWritable(true);
    materialize.setRestrict(true);
  }
  func::ReturnOp::create(builder, loc);
}

FailureOr<func::FuncOp> mlir::compress::selectEntry(ModuleOp module,
                                                    StringRef name,
                                                    const EntrySelection &how,
                                                    Location loc) {
  if (!name.empty()) {
    auto entry = module.lookupSymbol<func::FuncOp>(name);
    if (!entry || entry.isExternal())
      return emitError(loc)
             << how.tool << ": no function @" << name << " with a body";
    return entry;
  }
  SmallVector<func::FuncOp> candidates;
  for (auto function : module.getOps<func::FuncOp>()) {
    if (!function.isPublic() || function.isExternal())
      continue;
    if (how.accepts) {
      FailureOr<bool> accepted = how.accepts(function);
      if (failed(accepted))
        return failure();
      if (!*accepted)
        continue;
    }
    candidates.push_back(function);
  }
  if (candidates.size() == 1)
    return candidates.front();
  InFlightDiagnostic diag = emitError(loc) << how.tool << ": ";
  if (candidates.empty())
    diag << how.none;
  else
    diag << "the module has " << candidates.size() << " public functions"
         << how.takes << "; choose one with " << how.option;
  return failure();
}

int64_t HostTensor::numElements() const {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  return count;
}

LogicalResult
mlir::compress::describeEntry(func::FuncOp entry, StringRef tool,
                              bool staticInputs,
                              SmallVectorImpl<HostTensorType> &inputs,
                              SmallVectorImpl<HostTensorType> &outputs) {
  FunctionType type = entry.getFunctionType();
  for (auto [i, argType] : llvm::enumerate(type.getInputs())) {
    std::optional<HostTensorType> host = getHostType(argType);
    if (!host)
      return entry->emitError()
             << tool << ": argument " << i << " has type " << argType
             << "; the runner passes ranked tensors of f32, f16, bf16, i1, "
                "i8, i16, i32 or i64";
    if (staticInputs && !host->type.hasStaticShape())
      return entry->emitError()
             << tool << ": argument " << i << " has the dynamic shape "
             << argType
             << "; compiled functions need static shapes (import ONNX "
                "models with --batch-size N)";
    inputs.push_back(*host);
  }
  for (auto [i, resultType] : llvm::enumerate(type.getResults())) {
    std::optional<HostTensorType> host = getHostType(resultType);
    if (!host)
      return entry->emitError()
             << tool << ": result " << i << " has type " << resultType
             << "; the runner returns ranked tensors of f32, f16, bf16, i1, "
                "i8, i16, i32 or i64";
    if (!host->type.hasStaticShape())
      return entry->emitError()
             << tool << ": result " << i << " has the dynamic shape "
             << resultType
             << "; the runner needs static result shapes (import ONNX "
                "models with --batch-size N)";
    outputs.push_back(*host);
  }
  return success();
}

FailureOr<std::unique_ptr<LowerToCPUOptions>>
mlir::compress::checkHostCompile(ModuleOp module, StringRef tool,
                                 unsigned optLevel, StringRef lowerOptions) {
  if (optLevel > 3)
    return emitError(module.getLoc())
           << tool << ": the optimization level must be 0-3, got " << optLevel;
  if (module.getOps<func::FuncOp>().empty() &&
      !module.getOps<LLVM::LLVMFuncOp>().empty())
    return emitError(module.getLoc())
           << tool << ": the module is already lowered to LLVM; " << tool
           << " takes a tensor-level module (func on tensors, before "
              "compress-lower-to-cpu) and lowers it itself";
  std::unique_ptr<LowerToCPUOptions> options =
      LowerToCPUOptions::createFromString(lowerOptions);
  if (!options)
    return emitError(module.getLoc())
           << tool << ": invalid compress-lower-to-cpu options '"
           << lowerOptions << "'";
  return options;
}

LogicalResult mlir::compress::lowerForHost(ModuleOp module,
                                           const LowerToCPUOptions &options,
                                           StringRef tool, Location loc) {
  MLIRContext *ctx = module.getContext();
  PassManager pm(ctx);
  pm.addPass(createSymbolDCEPass());
  buildLowerToCPUPipeline(pm, options);
  if (failed(pm.run(module)))
    return emitError(loc) << tool << ": could not lower the model to LLVM";
  registerBuiltinDialectTranslation(*ctx);
  registerLLVMDialectTranslation(*ctx);
  return success();
}

CompiledModel::~CompiledModel() = default;

FailureOr<std::unique_ptr<CompiledModel>>
CompiledModel::compile(ModuleOp module, const RunnerOptions &options) {
  FailureOr<std::unique_ptr<LowerToCPUOptions>> lowerOptions = checkHostCompile(
      module, options.tool, options.optLevel, options.lowerOptions);
  if (failed(lowerOptions))
    return failure();
  EntrySelection how;
  how.tool = options.tool;
  how.option = "-e NAME";
  FailureOr<func::FuncOp> entry =
      selectEntry(module, options.entry, how, module.getLoc());
  if (failed(entry))
    return failure();

  std::unique_ptr<CompiledModel> model(new CompiledModel());
  model->entryName = entry->getSymName().str();
  if (failed(describeEntry(*entry, options.tool, /*staticInputs=*/false,
                           model->inputs, model->outputs)))
    return failure();

  // The wrapper's ops may come from dialects the model does not use.
  MLIRContext *ctx = module.getContext();
  ctx->loadDialect<arith::ArithDialect, bufferization::BufferizationDialect,
                   func::FuncDialect, memref::MemRefDialect>();
  OwningOpRef<ModuleOp> clone = module.clone();
  auto clonedEntry = clone->lookupSymbol<func::FuncOp>(model->entryName);
  addHostWrapper(*clone, clonedEntry, model->inputs, model->outputs,
                 kWrapperName);
  // Only the wrapper is called; whatever it does not reach (drivers that
  // print, say) is dropped, so the JIT needs no outside symbols.
  for (auto function : clone->getOps<func::FuncOp>())
    if (function.getSymName() != kWrapperName && !function.isExternal())
      function.setPrivate();

  if (failed(
          lowerForHost(*clone, **lowerOptions, options.tool, module.getLoc())))
    return failure();
  auto engine = createHostExecutionEngine(*clone, options.optLevel);
  if (!engine)
    return emitError(module.getLoc())
           << options.tool << ": JIT compilation failed: "
           << llvm::toString(engine.takeError());
  (*engine)->initialize();
  // Looking the wrapper up materializes the code now, so that the first
  // batch is not timed with the JIT's code generation.
  if (auto address =
          (*engine)->lookupPacked(("_mlir_ciface_" + kWrapperName).str());
      !address)
    return emitError(module.getLoc())
           << options.tool << ": JIT compilation failed: "
           << llvm::toString(address.takeError());
  model->engine = std::move(*engine);
  return model;
}

llvm::Error CompiledModel::invoke(ArrayRef<const void *> inputData,
                                  ArrayRef<ArrayRef<int64_t>> inputShapes,
                                  ArrayRef<void *> outputData) {
  assert(inputData.size() == inputs.size() &&
         inputShapes.size() == inputs.size() &&
         outputData.size() == outputs.size() && "wrong number of buffers");
  PackedMemRefArguments arguments;
  for (size_t i = 0; i < inputs.size(); ++i)
    arguments.add(inputData[i], inputShapes[i]);
  for (size_t i = 0; i < outputs.size(); ++i)
    arguments.add(outputData[i], outputs[i].type.getShape());
  return engine->invokePacked(("_mlir_ciface_" + kWrapperName).str(),
                              arguments.get());
}

llvm::Expected<HostTensor>
mlir::compress::toHostTensor(const NpyArray &array, const HostTensorType &type,
                             StringRef what) {
  HostTensor host;
  host.dtype = type.dtype;
  host.shape = array.shape;
  int64_t count = array.numElements();
  host.bytes.resize(count * type.elementBytes);
  bool floatArg = type.dtype == "<f4";
  if (floatArg != !array.isInteger())
    return runnerError(
        what + " has dtype '" + array.dtype + "' but the argument is " +
        describeType(type.type) +
        (floatArg ? "; save it as float32" : "; save it as an integer array"));
  if (floatArg) {
    if (count) // an empty vector's data() may be null
      std::memcpy(host.bytes.data(), array.data.data(), count * 4);
    return host;
  }
  int64_t low, high;
  if (type.dtype == "|b1") {
    low = 0;
    high = 1;
  } else {
    unsigned bits = type.elementBytes * 8;
    low = bits == 64 ? INT64_MIN : -(int64_t(1) << (bits - 1));
    high = bits == 64 ? INT64_MAX : (int64_t(1) << (bits - 1)) - 1;
  }
  for (int64_t i = 0; i < count; ++i) {
    int64_t value = array.integers[i];
    if (value < low || value > high)
      return runnerError(what + ": element " + llvm::Twine(i) + " (" +
                         llvm::Twine(value) + ") does not fit " +
                         describeType(type.type));
    std::memcpy(host.bytes.data() + i * type.elementBytes, &value,
                type.elementBytes); // Little-endian: the low bytes.
  }
  return host;
}

std::string mlir::compress::toNpy(const HostTensor &tensor) {
  return writeNpy(tensor.dtype, tensor.shape, tensor.bytes);
}

bool mlir::compress::fitsShape(ArrayRef<int64_t> shape, RankedTensorType type) {
  if (int64_t(shape.size()) != type.getRank())
    return false;
  for (auto [size, expected] : llvm::zip(shape, type.getShape()))
    if (!ShapedType::isDynamic(expected) && size != expected)
      return false;
  return true;
}

std::optional<int64_t>
mlir::compress::countStackedBatches(ArrayRef<int64_t> shape,
                                    RankedTensorType type) {
  ArrayRef<int64_t> expected = type.getShape();
  if (shape.empty() || expected.empty() || ShapedType::isDynamic(expected[0]) ||
      expected[0] <= 0 || shape[0] % expected[0] != 0 ||
      !fitsShape(
          shape.drop_front(),
          RankedTensorType::get(expected.drop_front(), type.getElementType())))
    return std::nullopt;
  return shape[0] / expected[0];
}

llvm::Expected<SmallVector<HostTensor>>
mlir::compress::runBatched(CompiledModel &model, ArrayRef<HostTensor> inputs,
                           ArrayRef<std::string> inputNames,
                           BatchTiming &timing,
                           const std::function<void(size_t, size_t)> &onBatch) {
  ArrayRef<HostTensorType> argTypes = model.getInputs();
  if (inputs.size() != argTypes.size())
    return runnerError("@" + model.getEntryName() + " takes " +
                       llvm::Twine(argTypes.size()) + " argument(s), got " +
                       llvm::Twine(inputs.size()) + " input(s)");
  // How many calls each input asks for: 1 when it fits as it is, k when it
  // stacks k batches along the leading dimension.
  int64_t calls = 1;
  SmallVector<bool> sliced;
  std::string firstBatched;
  for (auto [i, input] : llvm::enumerate(inputs)) {
    const HostTensorType &type = argTypes[i];
    std::string what =
        "input " + std::to_string(i) + " ('" + inputNames[i] + "')";
    if (input.dtype != type.dtype)
      return runnerError(what + " has dtype '" + input.dtype + "', expected '" +
                         type.dtype + "'");
    ArrayRef<int64_t> shape = input.shape, expected = type.type.getShape();
    bool batched = !expected.empty() && !ShapedType::isDynamic(expected[0]);
    if (fitsShape(shape, type.type)) {
      // One batch; inputs without a static leading dimension go whole to
      // every call and do not count.
      if (batched) {
        if (!firstBatched.empty() && calls != 1)
          return runnerError(what + " holds 1 batch, but " + firstBatched +
                             " holds " + llvm::Twine(calls));
        if (firstBatched.empty())
          firstBatched = what;
      }
      sliced.push_back(false);
      continue;
    }
    std::optional<int64_t> stacked = countStackedBatches(shape, type.type);
    if (!stacked)
      return runnerError(
          what + " has shape " + formatNpyShape(shape) +
          ", which fits neither " + describeType(type.type) +
          (expected.empty() || ShapedType::isDynamic(expected[0])
               ? std::string()
               : " nor a stack of batches of " + std::to_string(expected[0])));
    int64_t k = *stacked;
    if (k == 0)
      return runnerError(what + " has shape " + formatNpyShape(shape) +
                         ": no samples to run");
    if (!firstBatched.empty() && k != calls)
      return runnerError(what + " holds " + llvm::Twine(k) +
                         " batch(es), but " + firstBatched + " holds " +
                         llvm::Twine(calls));
    if (firstBatched.empty())
      firstBatched = what;
    calls = k;
    sliced.push_back(true);
  }
  timing.batchSize = 0;
  if (!argTypes.empty()) {
    ArrayRef<int64_t> expected = argTypes[0].type.getShape();
    timing.batchSize = expected.empty() ? 1
                       : ShapedType::isDynamic(expected[0])
                           ? (inputs[0].shape.empty() ? 1 : inputs[0].shape[0])
                           : expected[0];
  }

  SmallVector<HostTensor> outputs;
  for (const HostTensorType &type : model.getOutputs()) {
    HostTensor output;
    output.dtype = type.dtype;
    output.shape.assign(type.type.getShape().begin(),
                        type.type.getShape().end());
    if (calls > 1) {
      if (output.shape.empty())
        return runnerError("the inputs hold " + llvm::Twine(calls) +
                           " batches but a result of @" + model.getEntryName() +
                           " is a scalar, which cannot be concatenated");
      output.shape[0] *= calls;
    }
    output.bytes.resize(output.numElements() * type.elementBytes);
    outputs.push_back(std::move(output));
  }

  SmallVector<const void *> inputData(inputs.size());
  SmallVector<SmallVector<int64_t>> inputShapes(inputs.size());
  SmallVector<ArrayRef<int64_t>> shapeRefs(inputs.size());
  SmallVector<void *> outputData(outputs.size());
  for (int64_t call = 0; call < calls; ++call) {
    for (auto [i, input] : llvm::enumerate(inputs)) {
      inputShapes[i].assign(input.shape.begin(), input.shape.end());
      size_t bytes = input.bytes.size();
      if (sliced[i]) {
        inputShapes[i][0] /= calls;
        bytes /= calls;
      }
      inputData[i] = input.bytes.data() + (sliced[i] ? call * bytes : 0);
      shapeRefs[i] = inputShapes[i];
    }
    for (auto [i, output] : llvm::enumerate(outputs))
      outputData[i] =
          output.bytes.data() + call * (output.bytes.size() / calls);
    auto start = std::chrono::steady_clock::now();
    if (llvm::Error error = model.invoke(inputData, shapeRefs, outputData))
      return runnerError("running batch " + llvm::Twine(call) +
                         " failed: " + llvm::toString(std::move(error)));
    timing.seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
    if (onBatch)
      onBatch(call + 1, calls);
  }
  return outputs;
}
