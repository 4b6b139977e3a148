//===- LowerToNVPTX.cpp - the compress-lower-to-nvptx pipeline ------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Linalg on tensors, float or integer, to NVIDIA GPU code that mlir-runner
// runs with the project's CUDA runtime library (runtime/CudaRuntime.cpp).
//
// Upstream passes around the project's own (declared in
// include/compress/Codegen/NVPTX/Passes.td, each runnable on its
// own with compress-opt):
//
//  - compress-check-nvptx-target refuses a chip or PTX version that LLVM's
//    NVPTX backend does not know, before the backend aborts on it.
//  - compress-fuse-elementwise-into-parallel-ops is linalg's elementwise
//    fusion, except into reductions.
//  - compress-copy-constant-call-arguments gives constant buffers passed to
//    calls an allocation of their own, which becomes memory the GPU can read.
//  - compress-linalg-to-gpu turns every linalg.generic on buffers into one
//    gpu.launch; matmul-like ones stage input tiles in shared memory.
//  - compress-managed-host-buffers places host allocations in CUDA managed
//    memory.
//  - compress-sink-constant-buffers makes kernels read weights from their
//    GPU module.
//  - compress-serialize-gpu-modules turns gpu.modules into gpu.binary and
//    writes each module's PTX to a file on request.
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/Common/Passes.h"
#include "compress/Codegen/NVPTX/NVPTXTarget.h"
#include "compress/Codegen/NVPTX/Passes.h"
#include "compress/Conversion/Passes.h"
#include "compress/Pipelines/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/Transforms/OptimizeForNVVM.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#define DEBUG_TYPE "compress-lower-to-nvptx"

using namespace mlir;
using namespace mlir::compress;

namespace {

/// Whether `chip` (sm_XY, sm_XYa, ...) has the int8 mma.sync m16n8k32 of
/// sm_80 and later. compress-check-nvptx-target has refused unknown chips.
bool hasMmaSyncInt8(StringRef chip) {
  unsigned version = 0;
  StringRef digits = chip;
  if (!digits.consume_front("sm_"))
    return false;
  digits = digits.take_while(llvm::isDigit);
  return !digits.getAsInteger(10, version) && version >= 80;
}

std::unique_ptr<Pass> createTargetCheck(const LowerToNVPTXOptions &options) {
  CheckNVPTXTargetOptions check;
  check.chip = options.chip;
  check.ptxVersion = options.ptxVersion;
  check.optLevel = options.optLevel;
  check.blockSize = options.blockSize;
  return createCheckNVPTXTarget(check);
}

/// As compress-lower-to-cpu, but with elementwise fusion kept out of
/// reductions; then every linalg op becomes a linalg.generic, the one form
/// the kernel builder reads.
void addTensorPasses(OpPassManager &pm, const LowerToNVPTXOptions &options) {
  pm.addPass(createConvertCompressToLinalg());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  if (options.fuseElementwise)
    pm.addPass(createFuseElementwiseIntoParallelOps());
  pm.addPass(createLinalgGeneralizeNamedOpsPass());
  pm.addPass(createCanonicalizerPass());
}

/// As compress-lower-to-cpu, plus copies of constant call arguments made
/// before deallocation is decided.
void addBufferizationPasses(OpPassManager &pm) {
  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
  pm.addPass(createOrderConstantGlobals());
  pm.addPass(createCopyConstantCallArguments());
  bufferization::BufferDeallocationPipelineOptions deallocOptions;
  bufferization::buildBufferDeallocationPipeline(pm, deallocOptions);
  pm.addPass(createConvertBufferizationToMemRefPass());
}

void addKernelPasses(OpPassManager &pm, const LowerToNVPTXOptions &options) {
  LinalgToGPUKernelsOptions kernels;
  kernels.blockSize = options.blockSize;
  kernels.dp4a = options.dp4a;
  kernels.matmulTiling = options.matmulTiling;
  kernels.tileSize = options.tileSize;
  kernels.tileK = options.tileK;
  kernels.mmaSync = options.tensorCores && hasMmaSyncInt8(options.chip);
  pm.addPass(createLinalgToGPUKernels(kernels));
  pm.addPass(createManagedHostBuffers());
  // What could not become a kernel runs as loops on the host.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Constants (extents, loop bounds) move into the kernels instead of
  // becoming kernel arguments, so that the device code sees them.
  pm.addNestedPass<func::FuncOp>(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createSinkConstantBuffers());
  pm.addPass(createGpuKernelOutliningPass());
  // The host's copies of globals that moved into GPU modules.
  pm.addPass(createSymbolDCEPass());
}

/// Upstream's gpu-lower-to-nvvm-pipeline up to the serialization.
void addNVVMPasses(OpPassManager &pm, const LowerToNVPTXOptions &options) {
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  GpuNVVMAttachTargetOptions target;
  target.triple = kNVPTXTriple.str();
  target.chip = options.chip;
  target.optLevel = options.optLevel;
  // No version: LLVM picks the lowest one that supports the chip.
  if (options.ptxVersion != 0)
    target.features = "+ptx" + std::to_string(options.ptxVersion);
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  OpPassManager &gpuPm = pm.nest<gpu::GPUModuleOp>();
  gpuPm.addPass(createStripDebugInfoPass());
  gpuPm.addPass(createConvertGpuOpsToNVVMOps());
  gpuPm.addPass(LLVM::createNVVMOptimizeForTargetPass());
  gpuPm.addPass(createCanonicalizerPass());
  gpuPm.addPass(createCSEPass());
  gpuPm.addPass(createReconcileUnrealizedCastsPass());
}

void addHostPasses(OpPassManager &pm, const LowerToNVPTXOptions &options) {
  pm.addPass(createGpuToLLVMConversionPass());
  SerializeGPUModulesOptions serialize;
  serialize.format = options.format;
  serialize.toolkit = options.toolkit;
  serialize.dumpPtx = options.dumpPtx;
  pm.addPass(createSerializeGPUModules(serialize));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

} // namespace

void mlir::compress::buildLowerToNVPTXPipeline(
    OpPassManager &pm, const LowerToNVPTXOptions &options) {
  pm.addPass(createTargetCheck(options));
  addTensorPasses(pm, options);
  addBufferizationPasses(pm);
  addKernelPasses(pm, options);
  addNVVMPasses(pm, options);
  addHostPasses(pm, options);
}

void mlir::compress::registerLowerToNVPTXPipeline() {
  PassPipelineRegistration<LowerToNVPTXOptions>(
      "compress-lower-to-nvptx",
      "Lower linalg on tensors (float or integer) to NVIDIA GPU code: "
      "elementwise fusion, one-shot bufferization, one kernel per linalg op "
      "(dp4a for i8 x i8 -> i32 reductions, shared-memory tiles for "
      "matmuls, mma.sync tensor cores for int8 matmuls on sm_80+), managed "
      "memory for host "
      "buffers, NVVM and gpu.binary (PTX, cubin or fatbin). The result runs "
      "under mlir-runner with the project's CUDA runtime library.",
      buildLowerToNVPTXPipeline);
}
