//===- LowerToCPU.cpp - the compress-lower-to-cpu pipeline ----------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Codegen/CPU/Passes.h"
#include "compress/Codegen/Common/Passes.h"
#include "compress/Conversion/Passes.h"
#include "compress/Pipelines/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace {

/// f32 <-> bf16 casts as integer bit operations (round to nearest even, NaN
/// kept quiet). LLVM lowers them to calls of compiler-rt's __truncsfbf2,
/// which neither the JIT's process nor a library linked against GCC 12's
/// libgcc has.
struct ExpandBF16Casts : PassWrapper<ExpandBF16Casts, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ExpandBF16Casts)
  StringRef getArgument() const final {
    return "compress-cpu-expand-bf16-casts";
  }
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateExpandBFloat16Patterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

/// After bufferization: the static memref results of private functions
/// (compress-run's and compress-compile's model functions under their host
/// wrappers, whose only callers are in the module) become out-parameters
/// that the callee writes in place (upstream's buffer-results-to-out-params
/// with its allocation hoisted). Then a buffer allocated in a function and
/// copied whole, as its last use, into such an out-parameter or into a host
/// wrapper's destination that nothing else uses becomes that destination:
/// the wrapper's copy of each result into the caller's memory goes away
/// (4 MiB per call for a 1024 x 1024 f32 output), and so does a function's
/// copy of a result it assembled in a buffer of its own (compress-split-
/// batch's loop over chunks). Both kinds of destination are the callers'
/// fresh buffers or, through the wrapper, the caller's output, which must
/// not overlap the inputs (as bufferization.materialize_in_destination's
/// `restrict` in the wrapper says). Functions with dynamic or strided
/// results keep them.
struct ResultsToDestinations
    : PassWrapper<ResultsToDestinations, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ResultsToDestinations)
  StringRef getArgument() const final {
    return "compress-cpu-results-to-destinations";
  }
  StringRef getDescription() const final {
    return "Private functions' static memref results to out-parameters, "
           "and whole copies into them or into host wrapper destinations "
           "folded (a step of compress-lower-to-cpu)";
  }
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Where each converted function's out-parameters start.
    llvm::DenseMap<Operation *, unsigned> firstOut;
    bufferization::BufferResultsToOutParamsOpts options;
    options.hoistStaticAllocs = true;
    options.filterFn = [&](func::FuncOp *function) {
      if (!function->isPrivate() || function->isExternal())
        return false;
      for (Type type : function->getFunctionType().getResults()) {
        auto memref = dyn_cast<MemRefType>(type);
        if (memref &&
            (!memref.hasStaticShape() || !memref.getLayout().isIdentity()))
          return false;
      }
      firstOut[function->getOperation()] = function->getNumArguments();
      return true;
    };
    if (failed(bufferization::promoteBufferResultsToOutParams(module, options)))
      return signalPassFailure();
    auto isDestination = [&](Value value) {
      if (auto arg = dyn_cast<BlockArgument>(value)) {
        Operation *function = arg.getOwner()->getParentOp();
        auto it = firstOut.find(function);
        return arg.getOwner()->isEntryBlock() && it != firstOut.end() &&
               arg.getArgNumber() >= it->second;
      }
      auto cast = value.getDefiningOp<memref::CastOp>();
      if (!cast)
        return false;
      auto arg = dyn_cast<BlockArgument>(cast.getSource());
      return arg && arg.getOwner()->isEntryBlock() &&
             arg.getOwner()->getParentOp()->hasAttr(compress::kHostWrapperAttr);
    };
    SmallVector<memref::CopyOp> copies;
    module.walk([&](memref::CopyOp copy) {
      if (isDestination(copy.getTarget()))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies)
      foldIntoDestination(copy);
  }

  /// %a = memref.alloc ...; (uses of %a); memref.copy %a, %d, with %d of
  /// %a's type, used by nothing else and defined before the alloc in its
  /// block (or an argument of it), and every other use of %a before the
  /// copy or a dealloc: the uses work on %d instead.
  static void foldIntoDestination(memref::CopyOp copy) {
    auto alloc = copy.getSource().getDefiningOp<memref::AllocOp>();
    Value dest = copy.getTarget();
    if (!alloc || alloc.getType() != dest.getType() || !dest.hasOneUse())
      return;
    Block *block = alloc->getBlock();
    if (copy->getBlock() != block)
      return;
    if (Operation *def = dest.getDefiningOp()) {
      if (def->getBlock() != block || !def->isBeforeInBlock(alloc))
        return;
    } else if (cast<BlockArgument>(dest).getOwner() != block) {
      return;
    }
    SmallVector<Operation *> deallocs;
    for (Operation *user : alloc->getUsers()) {
      if (user == copy.getOperation())
        continue;
      if (isa<memref::DeallocOp>(user)) {
        deallocs.push_back(user);
        continue;
      }
      Operation *inBlock = block->findAncestorOpInBlock(*user);
      if (!inBlock || !inBlock->isBeforeInBlock(copy))
        return;
    }
    copy->erase();
    for (Operation *dealloc : deallocs)
      dealloc->erase();
    alloc->replaceAllUsesWith(ValueRange{dest});
    alloc->erase();
  }
};

} // namespace

void mlir::compress::buildLowerToCPUPipeline(OpPassManager &pm,
                                             const LowerToCPUOptions &options) {
  // 4-bit (any sub-byte) weights are held as i8: vector code would read
  // them bit-packed, and the int8 kernels then take 4-bit layers too.
  pm.addNestedPass<func::FuncOp>(createWidenSubByteConstants());
  // The requantization (and dequantization) of an int8 GEMM becomes one
  // elementwise op that the GEMM kernel runs as its epilogue.
  if (options.microkernels)
    pm.addNestedPass<func::FuncOp>(createCompressCPUFuseRequantize());
  // compress ops (if any are left) become linalg on storage integers first,
  // so that bufferization never sees a quantized type.
  ConvertCompressToLinalgOptions toLinalg;
  toLinalg.packInt4 = options.packInt4;
  pm.addPass(createConvertCompressToLinalg(toLinalg));
  pm.addNestedPass<func::FuncOp>(createWidenSubByteConstants());

  // Tensor level: arith/math on tensors become linalg.generic, and chains of
  // elementwise generics (dequantize -> bias -> ReLU) fuse into one loop nest.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  // Never into reductions: a quantization fused into an int8 matmul would be
  // recomputed K times per output and hide the kernel's body.
  if (options.fuseElementwise)
    pm.addPass(createFuseElementwiseIntoParallelOps());
  pm.addPass(createCanonicalizerPass());
  // At a large batch, a few samples at a time through the whole model: a
  // chunk's activations stay in the caches.
  if (options.splitBatch) {
    SplitBatchOptions split;
    split.maxBytes = options.batchBytes;
    split.chunk = options.batchChunk;
    pm.addPass(createSplitBatch(split));
    pm.addPass(createCanonicalizerPass());
  }
  // Matmuls and convolutions that a kernel of the CPU kernel library
  // computes are marked here and become calls after bufferization; the
  // passes below leave them alone.
  if (options.microkernels) {
    CompressCPUSelectKernelsOptions select;
    select.cpu = options.cpu;
    select.threads = options.threads;
    pm.addPass(createCompressCPUSelectKernels(select));
    pm.addNestedPass<func::FuncOp>(createCompressCPUFuseKernelEpilogues());
  }
  // Convolution epilogues over H*W per channel, not W: loops long enough to
  // vectorize.
  pm.addNestedPass<func::FuncOp>(createCollapseElementwiseDims());
  // Loop order for LLVM's vectorizer: a parallel, contiguous loop innermost.
  if (options.vectorize) {
    pm.addPass(createCompressVectorizeConvolutions());
    pm.addPass(createCompressVectorizeMatmuls());
  }
  if (options.orderLoops)
    pm.addPass(createCompressOrderLoops());

  // Buffers: whole-module bufferization so functions take and return memrefs
  // with identity layouts, then ownership-based deallocation.
  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
  if (options.resultsToDestinations)
    pm.addPass(std::make_unique<ResultsToDestinations>());
  pm.addPass(createOrderConstantGlobals());
  bufferization::BufferDeallocationPipelineOptions deallocOptions;
  bufferization::buildBufferDeallocationPipeline(pm, deallocOptions);
  pm.addPass(createConvertBufferizationToMemRefPass());
  if (options.microkernels) {
    CompressCPULowerKernelsOptions lower;
    lower.fuseEpilogues = options.convEpilogues;
    lower.packInt4 = options.packInt4;
    lower.pack2of4 = options.pack2of4;
    lower.sparseThreshold = options.sparseThreshold;
    pm.addPass(createCompressCPULowerKernels(lower));
  }
  // Padded activations: strided copies as vectorizable loops, not calls of
  // the element-by-element memrefCopy.
  pm.addNestedPass<func::FuncOp>(createCompressCPUExpandStridedCopies());
  // Each buffer freed after its last use, so that the allocator reuses it
  // for the next layers (peak memory, page faults).
  pm.addNestedPass<func::FuncOp>(createEarlyDealloc());
  // Then at fixed offsets of one arena, with no malloc per buffer and call.
  if (options.arena)
    pm.addPass(createCompressCPUPlanArena());

  // Loops, then LLVM.
  // erf and exp as arithmetic the loop vectorizer handles, not scalar libm
  // calls.
  if (options.approximateErf)
    pm.addNestedPass<func::FuncOp>(createApproximateErf());
  if (options.approximateExp)
    pm.addNestedPass<func::FuncOp>(createApproximateExp());
  // Functions of one byte (quantized elementwise chains) as table lookups,
  // after erf and exp have become the arithmetic the loops would compute.
  if (options.tableLookup)
    pm.addPass(createTableLookup());
  // Loops; the innermost loop of an all-parallel op is marked as carrying no
  // dependences, which LLVM's vectorizer reads below.
  pm.addNestedPass<func::FuncOp>(createLinalgToAnnotatedLoops());
  // Large elementwise nests on the kernels' threads too.
  CompressCPUParallelizeLoopsOptions parallelize;
  parallelize.threads = options.microkernels && options.parallelLoops
                            ? int64_t(options.threads)
                            : 1;
  pm.addPass(createCompressCPUParallelizeLoops(parallelize));
  // Vector code (compress-vectorize-convolutions): transfers become loads and
  // stores (fully unrolled, so no stack buffers in loops); contractions and
  // transposes are lowered by convert-vector-to-llvm below.
  pm.addNestedPass<func::FuncOp>(vector::createLowerVectorMultiReductionPass(
      vector::VectorMultiReductionLowering::InnerReduction));
  pm.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.vectorContractLowering =
      vector::VectorContractLowering::OuterProduct;
  vectorToLLVM.vectorTransposeLowering =
      vector::VectorTransposeLowering::Shuffle1D;
  // A float vector reduction may add its lanes as a tree (as a blocked
  // matmul does), unless in-order sums are asked for.
  vectorToLLVM.reassociateFPReductions = options.reassociateFPReductions;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  // What has no LLVM intrinsic (math.erf, from ONNX Erf/Gelu) calls libm.
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(std::make_unique<ExpandBF16Casts>());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createAttachLoopAccessGroups());
  pm.addPass(createCanonicalizerPass());
}

void mlir::compress::registerLowerToCPUPipeline() {
  PassPipelineRegistration<LowerToCPUOptions>(
      "compress-lower-to-cpu",
      "Lower linalg on tensors (float or integer) to the LLVM dialect for "
      "the CPU: elementwise fusion, one-shot bufferization, deallocation, "
      "loops, LLVM. The result runs under mlir-runner.",
      buildLowerToCPUPipeline);
  // The pipeline's own step, registered so that it can be tested on memref
  // IR.
  PassRegistration<ResultsToDestinations>();
}
