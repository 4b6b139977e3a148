//===- AotCompiler.cpp - ahead-of-time compilation to a C ABI -------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "compress/Runner/AotCompiler.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using namespace mlir::compress;

namespace {

/// The wrapper compress-compile adds for function `name` (the name the
/// C ABI function calls, through its C interface).
/// The constant globals of `module` by the layout compress-cpu-lower-kernels
/// names in their symbol (the suffix of its packed weights).
AotConstantBytes measureConstants(const llvm::Module &module) {
  // Suffix, layout; the first match wins.
  static constexpr std::pair<StringLiteral, StringLiteral> kLayouts[] = {
      {"_b16x4s4", "4-bit weights (B16x4/S4)"},
      {"_b16x8p24", "2:4 weights (B16x8/2:4)"},
      {"_sparse", "sparse weights (B16x128/windows)"},
      {"_b16x4", "int8 weights (B16x4)"},
      {"_b16", "fp32 weights (B16)"},
      {"_conv_s8", "int8 convolution filters"},
      {"_conv_f32", "fp32 convolution filters"},
  };
  AotConstantBytes result;
  for (auto [suffix, layout] : kLayouts)
    result.layouts.emplace_back(layout.str(), 0, 0);
  result.layouts.emplace_back("other constants", 0, 0);
  const llvm::DataLayout &data = module.getDataLayout();
  for (const llvm::GlobalVariable &global : module.globals()) {
    if (!global.isConstant() || !global.hasInitializer())
      continue;
    uint64_t bytes = data.getTypeAllocSize(global.getValueType());
    StringRef name = global.getName();
    // Packed weights may end in "t" (transposed B).
    StringRef stem = name.ends_with("t") ? name.drop_back() : name;
    size_t slot = result.layouts.size() - 1;
    for (auto [i, entry] : llvm::enumerate(kLayouts))
      if (name.ends_with(entry.first) || stem.ends_with(entry.first)) {
        slot = i;
        break;
      }
    std::get<1>(result.layouts[slot]) += bytes;
    ++std::get<2>(result.layouts[slot]);
    result.total += bytes;
  }
  return result;
}

std::string wrapperName(StringRef name) {
  return ("__compress_aot_" + name).str();
}

bool isCIdentifier(StringRef name) {
  if (name.empty() || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

/// "tensor<1x10xf32>" as "[1][10]", the C array extents in comments.
std::string extents(const HostTensorType &type) {
  std::string text;
  for (int64_t d : type.type.getShape())
    text += "[" + std::to_string(d) + "]";
  return text;
}

std::string typeText(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

/// "const float *arg0, ..., float *result0" (or "void").
std::string abiParameters(const AotFunction &function) {
  SmallVector<std::string> params;
  for (auto [i, input] : llvm::enumerate(function.inputs))
    params.push_back(
        llvm::formatv("const {0} *arg{1}", getCElementType(input), i));
  for (auto [i, output] : llvm::enumerate(function.outputs))
    params.push_back(
        llvm::formatv("{0} *result{1}", getCElementType(output), i));
  return params.empty() ? "void" : llvm::join(params, ", ");
}

/// The arena bytes of each call depth below `name` (depth 0: its own, from
/// compress-cpu-plan-arena's attribute), the largest over the functions
/// reached at that depth. The runtime keeps one grow-only block per depth.
SmallVector<int64_t> arenaByDepth(ModuleOp module, StringRef name,
                                  llvm::StringMap<SmallVector<int64_t>> &memo,
                                  llvm::StringSet<> &active) {
  if (auto it = memo.find(name); it != memo.end())
    return it->second;
  auto function = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
  if (!function || !active.insert(name).second)
    return {}; // external, or recursion (not produced by the pipeline)
  SmallVector<int64_t> depths = {0};
  if (auto bytes = function->getAttrOfType<IntegerAttr>("compress.arena_bytes"))
    depths[0] = bytes.getInt();
  function.walk([&](LLVM::CallOp call) {
    std::optional<StringRef> callee = call.getCallee();
    if (!callee)
      return;
    SmallVector<int64_t> below = arenaByDepth(module, *callee, memo, active);
    if (depths.size() < below.size() + 1)
      depths.resize(below.size() + 1, 0);
    for (auto [i, bytes] : llvm::enumerate(below))
      depths[i + 1] = std::max(depths[i + 1], bytes);
  });
  active.erase(name);
  memo[name] = depths;
  return depths;
}

int64_t arenaBytesOf(ModuleOp module, StringRef name) {
  llvm::StringMap<SmallVector<int64_t>> memo;
  llvm::StringSet<> active;
  int64_t total = 0;
  for (int64_t bytes : arenaByDepth(module, name, memo, active))
    total += bytes;
  return total;
}

} // namespace

StringRef mlir::compress::getCElementType(const HostTensorType &type) {
  StringRef dtype = type.dtype;
  if (dtype == "<f4")
    return "float";
  if (dtype == "|b1")
    return "uint8_t";
  if (dtype == "|i1")
    return "int8_t";
  if (dtype == "<i2")
    return "int16_t";
  if (dtype == "<i4")
    return "int32_t";
  return "int64_t";
}

FailureOr<SmallVector<AotFunction>>
mlir::compress::compileToObject(ModuleOp module, const AotOptions &options,
                                SmallVectorImpl<char> &object,
                                AotConstantBytes *constants) {
  constexpr StringLiteral tool = "compress-compile";
  FailureOr<std::unique_ptr<LowerToCPUOptions>> lowerOptions =
      checkHostCompile(module, tool, options.optLevel, options.lowerOptions);
  if (failed(lowerOptions))
    return failure();

  SmallVector<func::FuncOp> entries;
  if (options.entries.empty()) {
    for (auto function : module.getOps<func::FuncOp>())
      if (function.isPublic() && !function.isExternal())
        entries.push_back(function);
    if (entries.empty())
      return emitError(module.getLoc())
             << tool << ": the module has no public function with a body";
  } else {
    for (const std::string &name : options.entries) {
      auto function = module.lookupSymbol<func::FuncOp>(name);
      if (!function || function.isExternal())
        return emitError(module.getLoc())
               << tool << ": no function @" << name << " with a body";
      if (llvm::is_contained(entries, function))
        return emitError(module.getLoc())
               << tool << ": @" << name << " is named twice";
      entries.push_back(function);
    }
  }

  SmallVector<AotFunction> functions;
  for (func::FuncOp entry : entries) {
    AotFunction function;
    function.name = entry.getSymName().str();
    if (!isCIdentifier(function.name))
      return entry.emitError()
             << tool << ": @" << function.name
             << " is not a C identifier; rename the function (letters, "
                "digits and '_', not starting with a digit)";
    if (StringRef(function.name).starts_with("__compress_") ||
        StringRef(function.name).starts_with("_mlir_"))
      return entry.emitError()
             << tool << ": @" << function.name
             << " uses a prefix reserved for generated symbols";
    if (failed(describeEntry(entry, tool, /*staticInputs=*/true,
                             function.inputs, function.outputs)))
      return failure();
    // A library provides only what the module defines (and the kernels):
    // a driver that prints, say, calls functions it does not have.
    SmallVector<func::FuncOp> worklist = {entry};
    llvm::SmallPtrSet<Operation *, 8> seen = {entry};
    while (!worklist.empty()) {
      func::FuncOp caller = worklist.pop_back_val();
      WalkResult walk = caller.walk([&](func::CallOp call) {
        auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
        if (!callee || callee.isExternal()) {
          call.emitError() << tool << ": @" << function.name << " calls @"
                           << call.getCallee()
                           << ", which the module does not define; a "
                              "compiled library cannot provide it (compile "
                              "the model's functions only, with -e NAME)";
          return WalkResult::interrupt();
        }
        if (seen.insert(callee).second)
          worklist.push_back(callee);
        return WalkResult::advance();
      });
      if (walk.wasInterrupted())
        return failure();
    }
    functions.push_back(std::move(function));
  }

  // The same preparation as compress-run: a host wrapper per function, the
  // rest private (dropped unless reached), then the CPU pipeline.
  MLIRContext *ctx = module.getContext();
  ctx->loadDialect<arith::ArithDialect, bufferization::BufferizationDialect,
                   func::FuncDialect, memref::MemRefDialect>();
  OwningOpRef<ModuleOp> clone = module.clone();
  SmallVector<std::string> wrappers;
  for (const AotFunction &function : functions) {
    auto entry = clone->lookupSymbol<func::FuncOp>(function.name);
    wrappers.push_back(wrapperName(function.name));
    addHostWrapper(*clone, entry, function.inputs, function.outputs,
                   wrappers.back());
  }
  // The model's own functions become private, under names that cannot
  // clash with the exported C names (private functions keep their symbol
  // in the object file).
  SymbolTable symbols(*clone);
  for (auto function :
       llvm::make_early_inc_range(clone->getOps<func::FuncOp>())) {
    if (function.isExternal() ||
        llvm::is_contained(wrappers, function.getSymName()))
      continue;
    function.setPrivate();
    auto renamed =
        StringAttr::get(ctx, "__compress_model_" + function.getSymName());
    if (failed(symbols.replaceAllSymbolUses(function, renamed, *clone)))
      return emitError(module.getLoc())
             << tool << ": cannot rename @" << function.getSymName();
    symbols.setSymbolName(function, renamed);
  }
  if (failed(lowerForHost(*clone, **lowerOptions, tool, module.getLoc())))
    return failure();
  for (auto [function, wrapper] : llvm::zip(functions, wrappers))
    function.arenaBytes = arenaBytesOf(*clone, wrapper);
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return emitError(module.getLoc())
           << tool << ": " << llvm::toString(builder.takeError());
  // What the JIT uses (createHostExecutionEngine), position independent.
  builder->setCodeGenOptLevel(
      static_cast<llvm::CodeGenOptLevel>(options.optLevel));
  builder->setRelocationModel(llvm::Reloc::PIC_);
  builder->setCodeModel(llvm::CodeModel::Small);
  auto machine = builder->createTargetMachine();
  if (!machine)
    return emitError(module.getLoc())
           << tool << ": " << llvm::toString(machine.takeError());
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*clone, llvmContext);
  if (!llvmModule)
    return emitError(module.getLoc())
           << tool << ": could not translate the module to LLVM IR";
  llvmModule->setDataLayout((*machine)->createDataLayout());
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  auto optimize = makeOptimizingTransformer(options.optLevel,
                                            /*sizeLevel=*/0, machine->get());
  if (llvm::Error error = optimize(llvmModule.get()))
    return emitError(module.getLoc()) << tool << ": LLVM optimization failed: "
                                      << llvm::toString(std::move(error));
  if (constants)
    *constants = measureConstants(*llvmModule);
  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager codegen;
  if ((*machine)->addPassesToEmitFile(codegen, os, nullptr,
                                      llvm::CodeGenFileType::ObjectFile))
    return emitError(module.getLoc())
           << tool << ": the target cannot emit object files";
  codegen.run(*llvmModule);
  return functions;
}

std::string mlir::compress::emitAbiSource(ArrayRef<AotFunction> functions) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "/* Generated by compress-compile: the C ABI of the compiled "
        "functions. */\n"
        "#include <stdint.h>\n\n"
        "typedef struct {\n"
        "  int64_t rank;\n"
        "  void *descriptor;\n"
        "} compress_unranked_memref;\n\n"
        "#define COMPRESS_EXPORT __attribute__((visibility(\"default\")))\n\n";
  for (const AotFunction &function : functions) {
    size_t count = function.inputs.size() + function.outputs.size();
    std::string wrapper = "_mlir_ciface_" + wrapperName(function.name);
    os << "void " << wrapper << "(";
    for (size_t i = 0; i < count; ++i)
      os << (i ? ", " : "") << "compress_unranked_memref *";
    if (count == 0)
      os << "void";
    os << ");\n\n";
    os << "COMPRESS_EXPORT int " << function.name << "(";
    os << abiParameters(function) << ") {\n";
    auto emitDescriptor = [&](const HostTensorType &host, StringRef pointer,
                              size_t index) {
      ArrayRef<int64_t> shape = host.type.getShape();
      SmallVector<int64_t> strides(shape.size(), 1);
      for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
        strides[d] = strides[d + 1] * shape[d + 1];
      os << "  if (!" << pointer << ")\n    return 1;\n";
      os << "  int64_t d" << index << "[] = {(int64_t)(intptr_t)" << pointer
         << ", (int64_t)(intptr_t)" << pointer << ", 0";
      for (int64_t d : shape)
        os << ", " << d;
      for (int64_t s : strides)
        os << ", " << s;
      os << "};\n";
      os << "  compress_unranked_memref m" << index << " = {" << shape.size()
         << ", d" << index << "};\n";
    };
    size_t index = 0;
    for (auto [i, input] : llvm::enumerate(function.inputs))
      emitDescriptor(input, "arg" + std::to_string(i), index++);
    for (auto [i, output] : llvm::enumerate(function.outputs))
      emitDescriptor(output, "result" + std::to_string(i), index++);
    os << "  " << wrapper << "(";
    for (size_t i = 0; i < count; ++i)
      os << (i ? ", " : "") << "&m" << i;
    os << ");\n  return 0;\n}\n\n";
  }
  return text;
}

std::string mlir::compress::emitAbiHeader(ArrayRef<AotFunction> functions,
                                          StringRef guard, StringRef source) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "/* Generated by compress-compile from " << source << ".\n"
     << " * Each function takes one contiguous row-major pointer per "
        "argument, then\n"
     << " * one caller-allocated pointer per result, and returns 0 on "
        "success,\n"
     << " * non-zero on failure (a null pointer). Results are written in "
        "place:\n"
     << " * their memory must not overlap the arguments'. Threads: the "
        "OMP_NUM_THREADS\n"
     << " * environment variable when compiled with threads=0 (the "
        "default). */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  for (const AotFunction &function : functions) {
    std::string upper = StringRef(function.name).upper();
    os << "/* " << function.name << "\n";
    auto describe = [&](StringRef kind, const HostTensorType &host, size_t i) {
      os << " *   " << kind << i << ": " << getCElementType(host)
         << extents(host) << " (" << typeText(host.type) << ")\n";
    };
    for (auto [i, input] : llvm::enumerate(function.inputs))
      describe("arg", input, i);
    for (auto [i, output] : llvm::enumerate(function.outputs))
      describe("result", output, i);
    os << " */\n";
    os << "#define " << upper << "_NUM_INPUTS " << function.inputs.size()
       << "\n#define " << upper << "_NUM_OUTPUTS " << function.outputs.size()
       << "\n";
    auto defines = [&](StringRef kind, const HostTensorType &host, size_t i) {
      ArrayRef<int64_t> shape = host.type.getShape();
      int64_t size = 1;
      for (int64_t d : shape)
        size *= d;
      std::string prefix = llvm::formatv("{0}_{1}{2}", upper, kind, i);
      os << "#define " << prefix << "_RANK " << shape.size() << "\n";
      os << "#define " << prefix << "_SHAPE {";
      for (auto [j, d] : llvm::enumerate(shape))
        os << (j ? ", " : "") << d;
      os << "}\n#define " << prefix << "_SIZE " << size << "\n";
    };
    for (auto [i, input] : llvm::enumerate(function.inputs))
      defines("INPUT", input, i);
    for (auto [i, output] : llvm::enumerate(function.outputs))
      defines("OUTPUT", output, i);
    os << "/* Intermediate buffers: " << function.arenaBytes
       << " bytes of per-thread arena (compress-cpu-plan-arena),\n"
          " * allocated by a thread's first call and kept for the next. */\n"
       << "#define " << upper << "_ARENA_BYTES " << function.arenaBytes << "\n";
    os << "int " << function.name << "(";
    os << abiParameters(function) << ");\n\n";
  }
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return text;
}
