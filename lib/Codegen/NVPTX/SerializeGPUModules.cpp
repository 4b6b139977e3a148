//===- SerializeGPUModules.cpp - gpu.module to gpu.binary, PTX to files ---===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Codegen/NVPTX/Passes.h"

#include "GPUUtils.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVM/NVVM/Utils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::compress {
#define GEN_PASS_DEF_SERIALIZEGPUMODULES
#include "compress/Codegen/NVPTX/Passes.h.inc"
} // namespace mlir::compress

#define DEBUG_TYPE "compress-serialize-gpu-modules"

using namespace mlir;
using namespace mlir::compress;

namespace {

/// The CUDA Toolkit for ptxas (format=bin|fatbin): the `toolkit` option, else
/// what MLIR finds itself (CUDA_ROOT, CUDA_HOME, CUDA_PATH), else the
/// toolkit's standard location, which Debian's MLIR does not look in.
std::string findToolkit(StringRef option) {
  if (!option.empty() || !NVVM::getCUDAToolkitPath().empty())
    return option.str();
  constexpr llvm::StringLiteral kStandardLocation = "/usr/local/cuda";
  if (llvm::sys::fs::can_execute(Twine(kStandardLocation) + "/bin/ptxas"))
    return kStandardLocation.str();
  return "";
}

/// The constant value of `value`, or nullopt.
std::optional<int64_t> constantIndex(Value value) {
  APInt constant;
  if (!value || !matchPattern(value, m_ConstantInt(&constant)))
    return std::nullopt;
  return constant.getSExtValue();
}

/// The names of the files dump-ptx writes for each GPU module, in the
/// serializer's order: <module>, or <module>_<chip> (<module>_<index>) for
/// each target of a module with several.
llvm::StringMap<SmallVector<std::string, 1>> dumpFileStems(ModuleOp module) {
  llvm::StringMap<SmallVector<std::string, 1>> stems;
  for (auto gpuModule : module.getOps<gpu::GPUModuleOp>()) {
    SmallVector<std::string, 1> &names = stems[gpuModule.getName()];
    ArrayAttr targets = gpuModule.getTargetsAttr();
    if (!targets || targets.size() <= 1) {
      names.push_back(gpuModule.getName().str());
      continue;
    }
    for (auto [index, target] : llvm::enumerate(targets)) {
      auto nvvm = dyn_cast<NVVM::NVVMTargetAttr>(target);
      names.push_back(
          (gpuModule.getName() + "_" + (nvvm ? nvvm.getChip() : Twine(index)))
              .str());
    }
  }
  return stems;
}

/// Writes DIR/<stem>.launch, next to each PTX file, for each GPU module
/// launched with constant sizes: `grid X Y Z`, `block X Y Z` and `shared BYTES`
/// (dynamic shared memory) lines, which a program that loads the dumped PTX
/// itself (like benchmarks/gpu/gemm_bench) needs to launch the kernel as the
/// host code does. A module launched with sizes known only at run time, or with
/// different sizes at two launches, gets no file.
LogicalResult
writeLaunchFiles(ModuleOp module, StringRef directory,
                 const llvm::StringMap<SmallVector<std::string, 1>> &stems) {
  llvm::StringMap<std::optional<std::string>> launches;
  module.walk([&](gpu::LaunchFuncOp launch) {
    gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
    gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
    SmallVector<std::optional<int64_t>> sizes = {
        constantIndex(grid.x),  constantIndex(grid.y),  constantIndex(grid.z),
        constantIndex(block.x), constantIndex(block.y), constantIndex(block.z)};
    std::optional<int64_t> shared = int64_t(0);
    if (Value bytes = launch.getDynamicSharedMemorySize())
      shared = constantIndex(bytes);
    std::optional<std::string> text;
    if (llvm::all_of(sizes, [](auto size) { return size.has_value(); }) &&
        shared) {
      text = llvm::formatv("grid {0} {1} {2}\nblock {3} {4} {5}\nshared {6}\n",
                           *sizes[0], *sizes[1], *sizes[2], *sizes[3],
                           *sizes[4], *sizes[5], *shared)
                 .str();
    }
    auto [entry, inserted] =
        launches.try_emplace(launch.getKernelModuleName().getValue(), text);
    if (!inserted && entry->second != text)
      entry->second = std::nullopt;
  });
  for (const auto &entry : launches) {
    auto names = stems.find(entry.getKey());
    if (!entry.second || names == stems.end())
      continue;
    for (const std::string &stem : names->second) {
      SmallString<256> path(directory);
      llvm::sys::path::append(path, stem + ".launch");
      std::error_code ec;
      llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
      if (ec)
        return emitError(module.getLoc())
               << "dump-ptx: cannot write '" << path << "': " << ec.message();
      os << *entry.second;
    }
  }
  return success();
}

/// Drops the compile times (`LLVMIRToISATimeInMs`, ...) that the serializer
/// records in each object's properties, so that compiling the same input
/// twice gives the same output.
void dropCompileTimes(ModuleOp module) {
  module.walk([](gpu::BinaryOp binary) {
    SmallVector<Attribute> objects;
    for (Attribute attr : binary.getObjects()) {
      auto object = cast<gpu::ObjectAttr>(attr);
      DictionaryAttr properties = object.getProperties();
      if (properties) {
        SmallVector<NamedAttribute> kept;
        for (NamedAttribute property : properties)
          if (!property.getName().getValue().ends_with("TimeInMs"))
            kept.push_back(property);
        properties = kept.empty()
                         ? DictionaryAttr()
                         : DictionaryAttr::get(binary.getContext(), kept);
      }
      objects.push_back(gpu::ObjectAttr::get(
          binary.getContext(), object.getTarget(), object.getFormat(),
          object.getObject(), properties, object.getKernels()));
    }
    binary.setObjectsAttr(ArrayAttr::get(binary.getContext(), objects));
  });
}

struct SerializeGPUModulesPass
    : public compress::impl::SerializeGPUModulesBase<SerializeGPUModulesPass> {
  using Base::Base;

  /// Serializing translates the GPU modules to LLVM IR. The translations are
  /// registered here rather than by each tool, so that the pass works the
  /// same from compress-opt, the C API and Python.
  void getDependentDialects(DialectRegistry &registry) const final {
    Base::getDependentDialects(registry);
    registerBuiltinDialectTranslation(registry);
    registerGPUDialectTranslation(registry);
    registerLLVMDialectTranslation(registry);
    registerNVVMDialectTranslation(registry);
    NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  }

  void runOnOperation() final {
    ModuleOp module = getOperation();
    gpu::CompilationTarget target = getCompilationTarget(format);
    if (!dumpPtx.empty()) {
      if (std::error_code ec = llvm::sys::fs::create_directories(dumpPtx)) {
        emitError(module.getLoc())
            << "dump-ptx: cannot create '" << dumpPtx << "': " << ec.message();
        return signalPassFailure();
      }
    }
    // The serializer reports each module's PTX without its name; it handles
    // the modules one after another in this order, and a module's targets
    // in their order.
    llvm::StringMap<SmallVector<std::string, 1>> stems = dumpFileStems(module);
    if (!dumpPtx.empty() && failed(writeLaunchFiles(module, dumpPtx, stems)))
      return signalPassFailure();
    SmallVector<std::string> names;
    for (auto gpuModule : module.getOps<gpu::GPUModuleOp>())
      llvm::append_range(names, stems[gpuModule.getName()]);
    size_t next = 0;
    bool writeFailed = false;
    auto writePtx = [&](StringRef ptx) {
      std::string name = next < names.size() ? names[next] : "module";
      std::string suffix = next < names.size() ? "" : std::to_string(next);
      ++next;
      SmallString<256> path(dumpPtx);
      llvm::sys::path::append(path, name + suffix + ".ptx");
      std::error_code ec;
      llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
      if (ec) {
        emitError(module.getLoc())
            << "dump-ptx: cannot write '" << path << "': " << ec.message();
        writeFailed = true;
        return;
      }
      os << ptx;
    };

    std::unique_ptr<SymbolTable> symbolTable;
    auto getSymbolTable = [&]() -> SymbolTable * {
      if (!symbolTable)
        symbolTable = std::make_unique<SymbolTable>(module);
      return symbolTable.get();
    };
    function_ref<void(StringRef)> isaCallback;
    if (!dumpPtx.empty())
      isaCallback = writePtx;
    gpu::TargetOptions options(
        findToolkit(toolkit), /*librariesToLink=*/{}, /*cmdOptions=*/"",
        /*elfSection=*/"", target, getSymbolTable,
        /*initialLlvmIRCallback=*/{}, /*linkedLlvmIRCallback=*/{},
        /*optimizedLlvmIRCallback=*/{}, isaCallback);
    if (failed(gpu::transformGpuModulesToBinaries(module, /*handler=*/nullptr,
                                                  options)) ||
        writeFailed)
      return signalPassFailure();
    dropCompileTimes(module);
  }
};

} // namespace
