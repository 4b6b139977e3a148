//===- CheckNVPTXTarget.cpp - refuse targets LLVM cannot compile for ------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// LLVM's NVPTX backend aborts the process on a PTX version below what a chip
// needs and only warns about an unknown chip; this pass turns both into
// errors before anything is lowered.
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/NVPTX/Passes.h"

#include "GPUUtils.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Triple.h"

namespace mlir::compress {
#define GEN_PASS_DEF_CHECKNVPTXTARGET
#include "compress/Codegen/NVPTX/Passes.h.inc"
} // namespace mlir::compress

#define DEBUG_TYPE "compress-check-nvptx-target"

using namespace mlir;
using namespace mlir::compress;

namespace {

/// What LLVM's NVPTX backend supports for one chip: the PTX ISA versions it
/// knows (times ten) and the lowest one that supports the chip, which it
/// picks when no version is given.
struct PtxSupport {
  unsigned minimum = 0;
  SmallVector<unsigned> known;
};

/// The PTX version LLVM writes for `chip` when given none: compiles an empty
/// module and reads its `.version` line. The backend keeps its per-chip
/// minimum to itself, and aborts the process on a lower version, so asking
/// it this way is the one check that stays right as LLVM adds chips.
FailureOr<unsigned> probeDefaultPtxVersion(const llvm::Target &target,
                                           const llvm::Triple &triple,
                                           StringRef chip) {
  std::unique_ptr<llvm::TargetMachine> machine(target.createTargetMachine(
      triple, chip, /*Features=*/"", llvm::TargetOptions(), std::nullopt));
  if (!machine)
    return failure();
  llvm::LLVMContext context;
  llvm::Module module("compress-ptx-version-probe", context);
  module.setTargetTriple(triple);
  module.setDataLayout(machine->createDataLayout());
  SmallString<512> ptx;
  llvm::raw_svector_ostream os(ptx);
  llvm::legacy::PassManager passes;
  if (machine->addPassesToEmitFile(passes, os, nullptr,
                                   llvm::CodeGenFileType::AssemblyFile))
    return failure();
  passes.run(module);

  StringRef rest = StringRef(ptx).split(".version ").second;
  auto [majorText, minorText] = rest.take_until(llvm::isSpace).split('.');
  unsigned major, minor;
  if (majorText.getAsInteger(10, major) || minorText.getAsInteger(10, minor))
    return failure();
  return major * 10 + minor;
}

FailureOr<PtxSupport> queryPtxSupport(StringRef chip, std::string &error) {
  static const bool initialized = [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
    return true;
  }();
  (void)initialized;

  llvm::Triple triple(kNVPTXTriple);
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return failure();
  // Validate with a generic subtarget first: creating one for an unknown chip
  // prints a warning instead of failing.
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      target->createMCSubtargetInfo(triple, "", ""));
  if (!subtarget || !subtarget->isCPUStringValid(chip)) {
    error = ("'" + chip + "' is not a chip LLVM's NVPTX backend knows").str();
    return failure();
  }
  PtxSupport support;
  for (const llvm::SubtargetFeatureKV &feature :
       subtarget->getAllProcessorFeatures()) {
    StringRef key(feature.Key);
    unsigned version;
    if (key.consume_front("ptx") && !key.getAsInteger(10, version))
      support.known.push_back(version);
  }
  FailureOr<unsigned> minimum = probeDefaultPtxVersion(*target, triple, chip);
  if (failed(minimum)) {
    error = ("cannot compile for '" + chip + "'").str();
    return failure();
  }
  support.minimum = *minimum;
  return support;
}

/// Why the options cannot work, or an empty string when they can.
std::string checkOptions(StringRef chip, unsigned ptxVersion, unsigned optLevel,
                         unsigned blockSize) {
  if (optLevel > 3)
    return "opt-level must be 0, 1, 2 or 3, not " + std::to_string(optLevel);
  if (blockSize == 0 || blockSize > kMaxThreadsPerBlock)
    return "block-size must be in 1.." + std::to_string(kMaxThreadsPerBlock) +
           ", not " + std::to_string(blockSize);
  std::string error;
  FailureOr<PtxSupport> support = queryPtxSupport(chip, error);
  if (failed(support))
    return "chip: " + error;
  if (ptxVersion == 0)
    return "";
  if (!llvm::is_contained(support->known, ptxVersion))
    return "ptx-version " + std::to_string(ptxVersion) +
           " is not a PTX ISA version LLVM knows (write 80 for PTX 8.0)";
  if (ptxVersion < support->minimum)
    return "ptx-version " + std::to_string(ptxVersion) + " does not support " +
           chip.str() + "; it needs at least " +
           std::to_string(support->minimum);
  return "";
}

struct CheckNVPTXTargetPass
    : public compress::impl::CheckNVPTXTargetBase<CheckNVPTXTargetPass> {
  using Base::Base;

  void runOnOperation() final {
    std::string problem = checkOptions(chip, ptxVersion, optLevel, blockSize);
    if (problem.empty())
      return;
    // At the module's location, without the module printed in a note. The
    // pipeline's name, because that is where users give these options.
    emitError(getOperation().getLoc())
        << "compress-lower-to-nvptx: " << problem;
    signalPassFailure();
  }
};

} // namespace
