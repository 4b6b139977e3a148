//===- LowerToNVPTX.cpp - the compress-lower-to-nvptx pipeline ------------===//
//
// Linalg on tensors, float or integer, to NVIDIA GPU code that mlir-runner
// runs with the project's CUDA runtime library (runtime/CudaRuntime.cpp).
//
// The pipeline is upstream passes around a few steps of its own. They live
// here, unregistered, because each one only makes sense at its place in this
// pipeline:
//
//  - CheckNVPTXTarget refuses a chip or PTX version that LLVM's NVPTX backend
//    does not know, before the backend aborts on it.
//  - FuseElementwiseIntoParallelOps is linalg's elementwise fusion, except
//    into reductions.
//  - CopyConstantCallArguments gives constant buffers passed to calls an
//    allocation of their own, which becomes memory the GPU can read.
//  - LinalgToGPUKernels turns every linalg.generic on buffers into one
//    gpu.launch with one thread per point of its parallel iteration space.
//    Reductions accumulate in registers; i8 x i8 -> i32 dot products take
//    four steps at a time with dp4a.
//  - ManagedHostBuffers places host allocations in CUDA managed memory.
//  - SinkConstantBuffers makes kernels read weights from their GPU module.
//  - SerializeGPUModules turns gpu.modules into gpu.binary and writes each
//    module's PTX to a file on request.
//
//===----------------------------------------------------------------------===//

#include "compress/Conversion/Passes.h"
#include "compress/Pipelines/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/CompilationInterfaces.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/Transforms/OptimizeForNVVM.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVM/NVVM/Utils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Triple.h"

#define DEBUG_TYPE "compress-lower-to-nvptx"

using namespace mlir;
using namespace mlir::compress;

namespace {

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

constexpr llvm::StringLiteral kNVPTXTriple = "nvptx64-nvidia-cuda";
constexpr int64_t kMaxThreadsPerBlock = 1024;

/// The pipeline options the custom passes need, copied because pipeline
/// option structs cannot be copied into passes.
struct NVPTXConfig {
  std::string chip;
  unsigned ptxVersion;
  std::string format;
  std::string toolkit;
  std::string dumpPtx;
  unsigned optLevel;
  unsigned blockSize;
  bool dp4a;
};

NVPTXConfig getConfig(const LowerToNVPTXOptions &options) {
  return {options.chip,      options.ptxVersion, options.format,
          options.toolkit,   options.dumpPtx,    options.optLevel,
          options.blockSize, options.dp4a};
}

std::optional<gpu::CompilationTarget> parseFormat(StringRef format) {
  return llvm::StringSwitch<std::optional<gpu::CompilationTarget>>(format)
      .Case("isa", gpu::CompilationTarget::Assembly)
      .Case("bin", gpu::CompilationTarget::Binary)
      .Case("fatbin", gpu::CompilationTarget::Fatbin)
      .Default(std::nullopt);
}

//===----------------------------------------------------------------------===//
// CheckNVPTXTarget
//===----------------------------------------------------------------------===//

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
std::string checkOptions(const NVPTXConfig &config) {
  if (!parseFormat(config.format))
    return "format must be isa, bin or fatbin, not '" + config.format + "'";
  if (config.optLevel > 3)
    return "opt-level must be 0, 1, 2 or 3, not " +
           std::to_string(config.optLevel);
  if (config.blockSize == 0 || config.blockSize > kMaxThreadsPerBlock)
    return "block-size must be in 1.." + std::to_string(kMaxThreadsPerBlock) +
           ", not " + std::to_string(config.blockSize);
  std::string error;
  FailureOr<PtxSupport> support = queryPtxSupport(config.chip, error);
  if (failed(support))
    return "chip: " + error;
  if (config.ptxVersion == 0)
    return "";
  if (!llvm::is_contained(support->known, config.ptxVersion))
    return "ptx-version " + std::to_string(config.ptxVersion) +
           " is not a PTX ISA version LLVM knows (write 80 for PTX 8.0)";
  if (config.ptxVersion < support->minimum)
    return "ptx-version " + std::to_string(config.ptxVersion) +
           " does not support " + config.chip + "; it needs at least " +
           std::to_string(support->minimum);
  return "";
}

struct CheckNVPTXTargetPass
    : public PassWrapper<CheckNVPTXTargetPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CheckNVPTXTargetPass)

  explicit CheckNVPTXTargetPass(NVPTXConfig config)
      : config(std::move(config)) {}
  StringRef getArgument() const final { return "compress-check-nvptx-target"; }
  StringRef getDescription() const final {
    return "Check the compress-lower-to-nvptx options";
  }

  void runOnOperation() final {
    std::string problem = checkOptions(config);
    if (problem.empty())
      return;
    // At the module's location, without the module printed in a note.
    emitError(getOperation().getLoc())
        << "compress-lower-to-nvptx: " << problem;
    signalPassFailure();
  }

  NVPTXConfig config;
};

//===----------------------------------------------------------------------===//
// FuseElementwiseIntoParallelOps
//===----------------------------------------------------------------------===//

/// linalg-fuse-elementwise-ops with one restriction: no producer is fused
/// into a consumer that has reduction loops. Fused there, the producer (the
/// quantization of a matmul's input, say) is recomputed at every reduction
/// step, K times per output, and the consumer's body is no longer the plain
/// i8 x i8 product that dp4a computes.
struct FuseElementwiseIntoParallelOpsPass
    : public PassWrapper<FuseElementwiseIntoParallelOpsPass,
                         OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(
      FuseElementwiseIntoParallelOpsPass)

  StringRef getArgument() const final {
    return "compress-fuse-elementwise-into-parallel-ops";
  }
  StringRef getDescription() const final {
    return "Elementwise fusion, except into reductions";
  }
  void getDependentDialects(DialectRegistry &registry) const final {
    registry.insert<affine::AffineDialect, linalg::LinalgDialect>();
  }

  void runOnOperation() final {
    MLIRContext *context = &getContext();
    linalg::ControlFusionFn control = [](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
      return producer && producer->hasOneUse() && consumer &&
             consumer.getNumReductionLoops() == 0;
    };
    RewritePatternSet patterns(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::populateConstantFoldLinalgOperations(patterns, control);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

//===----------------------------------------------------------------------===//
// Constant buffers
//===----------------------------------------------------------------------===//

bool isConstantGlobal(memref::GetGlobalOp getGlobal) {
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      getGlobal, getGlobal.getNameAttr());
  return global && global.getConstant();
}

/// Whether `value` is a constant memref.global or a view of one made from
/// constants only, i.e. something a kernel can recreate from its own copy of
/// the global.
bool isConstantBuffer(Value value) {
  Operation *def = value.getDefiningOp();
  if (!def)
    return false;
  if (auto getGlobal = dyn_cast<memref::GetGlobalOp>(def))
    return isConstantGlobal(getGlobal);
  auto view = dyn_cast<ViewLikeOpInterface>(def);
  if (!view || !isPure(def))
    return false;
  return llvm::all_of(def->getOperands(), [&](Value operand) {
    return operand == view.getViewSource()
               ? isConstantBuffer(operand)
               : matchPattern(operand, m_Constant());
  });
}

/// Clones the ops computing the constant buffer `value` (see
/// isConstantBuffer) at the builder's insertion point.
Value cloneConstantBuffer(OpBuilder &builder, Value value, IRMapping &mapping) {
  if (Value cloned = mapping.lookupOrNull(value))
    return cloned;
  Operation *def = value.getDefiningOp();
  for (Value operand : def->getOperands())
    cloneConstantBuffer(builder, operand, mapping);
  builder.clone(*def, mapping);
  return mapping.lookup(value);
}

//===----------------------------------------------------------------------===//
// CopyConstantCallArguments
//===----------------------------------------------------------------------===//

Value copyIntoAllocation(OpBuilder &builder, Location loc, Value source,
                         MemRefType type) {
  SmallVector<Value> dynamicSizes;
  for (auto [dim, size] : llvm::enumerate(type.getShape()))
    if (ShapedType::isDynamic(size))
      dynamicSizes.push_back(memref::DimOp::create(builder, loc, source, dim));
  Value copy = memref::AllocOp::create(builder, loc, type, dynamicSizes);
  memref::CopyOp::create(builder, loc, source, copy);
  return copy;
}

/// A constant tensor passed to a function (a test driver's input, say)
/// bufferizes to a memref.global in the host image, which the callee's
/// kernels cannot read. The caller passes a copy instead; it runs before the
/// deallocation pipeline so that the copy is freed like any allocation, and
/// ManagedHostBuffers later places it in managed memory.
struct CopyConstantCallArgumentsPass
    : public PassWrapper<CopyConstantCallArgumentsPass,
                         OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CopyConstantCallArgumentsPass)

  StringRef getArgument() const final {
    return "compress-copy-constant-call-arguments";
  }
  StringRef getDescription() const final {
    return "Pass copies of constant buffers to functions that may launch "
           "kernels";
  }

  void runOnOperation() final {
    SymbolTableCollection symbols;
    getOperation().walk([&](func::CallOp call) {
      auto callee = symbols.lookupNearestSymbolFrom<func::FuncOp>(
          call, call.getCalleeAttr());
      // External functions (printMemref*) run on the host only.
      if (!callee || callee.isExternal())
        return;
      for (OpOperand &argument : call->getOpOperands()) {
        auto type = dyn_cast<MemRefType>(argument.get().getType());
        if (!type || !type.getLayout().isIdentity() ||
            !isConstantBuffer(argument.get()))
          continue;
        OpBuilder builder(call);
        argument.set(
            copyIntoAllocation(builder, call.getLoc(), argument.get(), type));
      }
    });
  }
};

//===----------------------------------------------------------------------===//
// LinalgToGPUKernels: which ops, and the dp4a pattern
//===----------------------------------------------------------------------===//

/// Why `op` cannot become a kernel with one thread per parallel point, or an
/// empty string when it can.
std::string whyNotAKernel(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics())
    return "it is not on buffers";
  if (op.getNumDpsInits() == 0)
    return "it has no outputs";
  for (AffineMap map : op.getIndexingMapsArray())
    if (map.getNumSymbols() != 0 ||
        !llvm::all_of(map.getResults(),
                      [](AffineExpr expr) { return expr.isPureAffine(); }))
      return "an indexing map is not a pure affine map of the loop indices";
  for (Value operand : op->getOperands())
    if (isa<UnrankedMemRefType>(operand.getType()))
      return "an operand is an unranked memref";

  unsigned numParallel = op.getNumParallelLoops();
  for (OpOperand &init : op.getDpsInitsMutable()) {
    AffineMap map = op.getMatchingIndexingMap(&init);
    // Each thread owns the output elements of its parallel point: an output
    // must be indexed by all parallel dimensions and by nothing else, or two
    // threads would write one element.
    if (!map.isProjectedPermutation() || map.getNumResults() != numParallel)
      return "an output is not indexed by exactly the parallel dimensions";
    for (AffineExpr expr : map.getResults())
      if (!linalg::isParallelIterator(
              op.getIteratorTypesArray()[cast<AffineDimExpr>(expr)
                                             .getPosition()]))
        return "an output is indexed by a reduction dimension";
  }
  return "";
}

/// The 8-bit block argument that `value` extends to 32 bits, and how.
std::optional<std::pair<BlockArgument, NVVM::DotAccumulateType>>
matchByteExtension(Value value) {
  Value source;
  NVVM::DotAccumulateType kind;
  if (auto ext = value.getDefiningOp<arith::ExtSIOp>()) {
    source = ext.getIn();
    kind = NVVM::DotAccumulateType::SIGNED;
  } else if (auto ext = value.getDefiningOp<arith::ExtUIOp>()) {
    source = ext.getIn();
    kind = NVVM::DotAccumulateType::UNSIGNED;
  } else {
    return std::nullopt;
  }
  auto argument = dyn_cast<BlockArgument>(source);
  if (!argument || !argument.getType().isInteger(8) ||
      !value.getType().isInteger(32))
    return std::nullopt;
  return std::make_pair(argument, kind);
}

/// A reduction whose body is `out + ext(lhs) * ext(rhs)` with 8-bit inputs
/// and a 32-bit accumulator: the integer matmuls and convolutions of
/// compress-fuse-qdq. dp4a computes four of its steps at once, exactly
/// (32-bit wrapping sums do not depend on the order of the additions).
struct Int8DotProduct {
  OpOperand *lhs;
  NVVM::DotAccumulateType lhsType;
  OpOperand *rhs;
  NVVM::DotAccumulateType rhsType;
};

std::optional<Int8DotProduct> matchInt8DotProduct(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0)
    return std::nullopt;
  Block *body = op.getBody();
  BlockArgument out = op.getMatchingBlockArgument(op.getDpsInitOperand(0));
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  auto add = yield.getValues().front().getDefiningOp<arith::AddIOp>();
  if (!add || !out.getType().isInteger(32))
    return std::nullopt;
  Value product = add.getLhs() == out   ? add.getRhs()
                  : add.getRhs() == out ? add.getLhs()
                                        : Value();
  auto mul = product ? product.getDefiningOp<arith::MulIOp>() : nullptr;
  if (!mul)
    return std::nullopt;
  auto lhs = matchByteExtension(mul.getLhs());
  auto rhs = matchByteExtension(mul.getRhs());
  if (!lhs || !rhs || lhs->first.getOwner() != body ||
      rhs->first.getOwner() != body ||
      lhs->first.getArgNumber() >= op.getNumDpsInputs() ||
      rhs->first.getArgNumber() >= op.getNumDpsInputs())
    return std::nullopt;
  return Int8DotProduct{
      op.getDpsInputOperand(lhs->first.getArgNumber()), lhs->second,
      op.getDpsInputOperand(rhs->first.getArgNumber()), rhs->second};
}

//===----------------------------------------------------------------------===//
// LinalgToGPUKernels: building the kernel body
//===----------------------------------------------------------------------===//

/// The reduction dimension dp4a steps through four at a time: the last one
/// whose extent is a multiple of 4, else the last dynamic one, else the last
/// one of at least 4. None when every extent is below 4 (the input channel of
/// a convolution on a one-channel image): dp4a would never run.
std::optional<unsigned> chooseDp4aDim(linalg::GenericOp op,
                                      ArrayRef<unsigned> reductionDims) {
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  auto lastWhere =
      [&](function_ref<bool(int64_t)> predicate) -> std::optional<unsigned> {
    for (unsigned dim : llvm::reverse(reductionDims))
      if (predicate(sizes[dim]))
        return dim;
    return std::nullopt;
  };
  if (auto dim = lastWhere([](int64_t size) {
        return !ShapedType::isDynamic(size) && size % 4 == 0;
      }))
    return dim;
  if (auto dim = lastWhere(ShapedType::isDynamic))
    return dim;
  return lastWhere([](int64_t size) { return size >= 4; });
}

/// How dp4a computes a reduction: which products, stepping through which
/// dimension.
struct Dp4aPlan {
  Int8DotProduct dot;
  unsigned dim;
};

std::optional<Dp4aPlan> planDp4a(linalg::GenericOp op) {
  std::optional<Int8DotProduct> dot = matchInt8DotProduct(op);
  if (!dot)
    return std::nullopt;
  SmallVector<unsigned> reductionDims;
  op.getReductionDims(reductionDims);
  std::optional<unsigned> dim = chooseDp4aDim(op, reductionDims);
  if (!dim)
    return std::nullopt;
  return Dp4aPlan{*dot, *dim};
}

/// Builds, inside a kernel, what one thread computes for one point of a
/// linalg.generic's parallel iteration space. `ivs` holds a value for every
/// loop dimension: the parallel ones are set by the caller, the reduction
/// ones by the loops built here.
class PointBuilder {
public:
  PointBuilder(OpBuilder &builder, linalg::GenericOp op,
               ArrayRef<Value> extents, SmallVectorImpl<Value> &ivs)
      : builder(builder), loc(op.getLoc()), op(op), extents(extents), ivs(ivs) {
  }

  /// Computes the point and stores its results.
  void build(const std::optional<Dp4aPlan> &dp4a) {
    SmallVector<unsigned> reductionDims;
    op.getReductionDims(reductionDims);
    SmallVector<Value> results;
    if (reductionDims.empty()) {
      SmallVector<Value> arguments = loadInputs();
      for (OpOperand &init : op.getDpsInitsMutable())
        arguments.push_back(loadIfUsed(init));
      results = cloneBody(arguments);
    } else {
      SmallVector<Value> accumulators;
      for (OpOperand &init : op.getDpsInitsMutable())
        accumulators.push_back(load(init));
      results = dp4a ? reduceWithDp4a(dp4a->dot, reductionDims, dp4a->dim,
                                      accumulators)
                     : reduce(reductionDims, accumulators);
    }
    for (auto [init, result] : llvm::zip(op.getDpsInitsMutable(), results))
      memref::StoreOp::create(builder, loc, result, init.get(),
                              indicesOf(init));
  }

private:
  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(builder, loc, value);
  }

  SmallVector<Value> indicesOf(OpOperand &operand) {
    return *affine::expandAffineMap(builder, loc,
                                    op.getMatchingIndexingMap(&operand), ivs);
  }

  Value load(OpOperand &operand) {
    Value source = operand.get();
    if (!isa<MemRefType>(source.getType()))
      return source; // A scalar operand.
    return memref::LoadOp::create(builder, loc, source, indicesOf(operand));
  }

  /// Skips operands whose value the body never reads (the window operand of
  /// pooling ops, outputs that are only written).
  Value loadIfUsed(OpOperand &operand) {
    return op.getMatchingBlockArgument(&operand).use_empty() ? Value()
                                                             : load(operand);
  }

  SmallVector<Value> loadInputs() {
    SmallVector<Value> values;
    for (OpOperand *input : op.getDpsInputOperands())
      values.push_back(loadIfUsed(*input));
    return values;
  }

  /// Clones the body with its block arguments replaced by `arguments` (null
  /// for unused ones) and linalg.index by the loop indices; returns what it
  /// yields.
  SmallVector<Value> cloneBody(ArrayRef<Value> arguments) {
    Block *body = op.getBody();
    IRMapping mapping;
    for (auto [argument, value] : llvm::zip(body->getArguments(), arguments))
      if (value)
        mapping.map(argument, value);
    for (Operation &bodyOp : body->without_terminator()) {
      if (auto index = dyn_cast<linalg::IndexOp>(bodyOp))
        mapping.map(index.getResult(), ivs[index.getDim()]);
      else
        builder.clone(bodyOp, mapping);
    }
    return llvm::map_to_vector(
        body->getTerminator()->getOperands(),
        [&](Value v) { return mapping.lookupOrDefault(v); });
  }

  /// One step of the reduction at the current `ivs`.
  SmallVector<Value> accumulate(ValueRange accumulators) {
    SmallVector<Value> arguments = loadInputs();
    llvm::append_range(arguments, accumulators);
    return cloneBody(arguments);
  }

  /// Loops over `dims` (outermost first) carrying the accumulators.
  SmallVector<Value>
  loopNest(ArrayRef<unsigned> dims, ValueRange accumulators,
           function_ref<SmallVector<Value>(ValueRange)> innerBody) {
    SmallVector<Value> lbs(dims.size(), index(0));
    SmallVector<Value> steps(dims.size(), index(1));
    SmallVector<Value> ubs =
        llvm::map_to_vector(dims, [&](unsigned d) { return extents[d]; });
    OpBuilder::InsertionGuard guard(builder);
    scf::LoopNest nest = scf::buildLoopNest(
        builder, loc, lbs, ubs, steps, accumulators,
        [&](OpBuilder &nested, Location, ValueRange loopIvs,
            ValueRange carried) -> scf::ValueVector {
          OpBuilder::InsertionGuard innerGuard(builder);
          builder.setInsertionPoint(nested.getInsertionBlock(),
                                    nested.getInsertionPoint());
          for (auto [dim, iv] : llvm::zip(dims, loopIvs))
            ivs[dim] = iv;
          return innerBody(carried);
        });
    return nest.results;
  }

  SmallVector<Value> reduce(ArrayRef<unsigned> dims, ValueRange accumulators) {
    return loopNest(dims, accumulators,
                    [&](ValueRange carried) { return accumulate(carried); });
  }

  /// The four bytes of `operand` at reduction index `start`..`start + 3` of
  /// `dim`, as dp4a's vector operand.
  Value loadFourBytes(OpOperand &operand, unsigned dim, Value start) {
    SmallVector<Value> bytes;
    for (int64_t offset = 0; offset < 4; ++offset) {
      ivs[dim] = offset == 0
                     ? start
                     : arith::AddIOp::create(builder, loc, start, index(offset))
                           .getResult();
      bytes.push_back(load(operand));
    }
    return vector::FromElementsOp::create(
        builder, loc, VectorType::get({4}, builder.getI8Type()), bytes);
  }

  /// The reduction with dimension `inner` innermost, taken four steps at a
  /// time by dp4a, and a scalar loop for the last (extent mod 4) steps.
  /// Moving a dimension innermost reorders integer additions only, which
  /// wrap and so give the same sum in any order.
  SmallVector<Value> reduceWithDp4a(const Int8DotProduct &dot,
                                    ArrayRef<unsigned> dims, unsigned inner,
                                    ValueRange accumulators) {
    SmallVector<unsigned> outer = llvm::filter_to_vector(
        dims, [&](unsigned dim) { return dim != inner; });
    return loopNest(
        outer, accumulators, [&](ValueRange carried) -> SmallVector<Value> {
          Value extent = extents[inner];
          Value four = index(4);
          Value vectorEnd = arith::SubIOp::create(
              builder, loc, extent,
              arith::RemUIOp::create(builder, loc, extent, four));
          auto vectorLoop = scf::ForOp::create(
              builder, loc, index(0), vectorEnd, four, carried,
              [&](OpBuilder &nested, Location, Value k, ValueRange acc) {
                OpBuilder::InsertionGuard guard(builder);
                builder.setInsertionPoint(nested.getInsertionBlock(),
                                          nested.getInsertionPoint());
                Value lhs = loadFourBytes(*dot.lhs, inner, k);
                Value rhs = loadFourBytes(*dot.rhs, inner, k);
                Value sum = NVVM::DotAccumulate4WayOp::create(
                    builder, loc, builder.getI32Type(), lhs, dot.lhsType, rhs,
                    dot.rhsType, acc.front());
                scf::YieldOp::create(builder, loc, sum);
              });
          auto tailLoop = scf::ForOp::create(
              builder, loc, vectorEnd, extent, index(1),
              vectorLoop.getResults(),
              [&](OpBuilder &nested, Location, Value k, ValueRange acc) {
                OpBuilder::InsertionGuard guard(builder);
                builder.setInsertionPoint(nested.getInsertionBlock(),
                                          nested.getInsertionPoint());
                ivs[inner] = k;
                scf::YieldOp::create(builder, loc, accumulate(acc));
              });
          return SmallVector<Value>(tailLoop.getResults());
        });
  }

  OpBuilder &builder;
  Location loc;
  linalg::GenericOp op;
  ArrayRef<Value> extents;
  SmallVectorImpl<Value> &ivs;
};

//===----------------------------------------------------------------------===//
// LinalgToGPUKernels: the launch
//===----------------------------------------------------------------------===//

/// Sets the parallel loop indices of thread `linear`. The dimension indexing
/// the first output's innermost dimension varies fastest, so that a warp's
/// threads store to consecutive addresses.
void delinearize(OpBuilder &builder, Location loc, linalg::GenericOp op,
                 Value linear, ArrayRef<Value> extents,
                 MutableArrayRef<Value> ivs) {
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  SmallVector<unsigned> dims =
      llvm::map_to_vector(outputMap.getResults(), [](AffineExpr e) {
        return cast<AffineDimExpr>(e).getPosition();
      });
  for (unsigned dim : llvm::reverse(ArrayRef(dims).drop_front())) {
    ivs[dim] = arith::RemUIOp::create(builder, loc, linear, extents[dim]);
    linear = arith::DivUIOp::create(builder, loc, linear, extents[dim]);
  }
  if (!dims.empty())
    ivs[dims.front()] = linear;
}

/// Replaces `op` by a launch of ceil(points / blockSize) blocks of
/// `blockSize` threads, one thread per point of its parallel iteration
/// space.
void lowerToKernel(IRRewriter &rewriter, linalg::GenericOp op,
                   unsigned blockSize, const std::optional<Dp4aPlan> &dp4a,
                   StringRef kernelName) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  SmallVector<Value> extents = llvm::map_to_vector(
      cast<linalg::LinalgOp>(op.getOperation()).createLoopRanges(rewriter, loc),
      [&](Range range) {
        return getValueOrCreateConstantIndexOp(rewriter, loc, range.size);
      });
  SmallVector<unsigned> parallelDims;
  op.getParallelDims(parallelDims);

  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value threads = arith::ConstantIndexOp::create(rewriter, loc, blockSize);
  Value points = one;
  for (unsigned dim : parallelDims)
    points = arith::MulIOp::create(rewriter, loc, points, extents[dim]);
  // Launching zero blocks is an error, hence at least one.
  Value blocks = arith::MaxUIOp::create(
      rewriter, loc,
      arith::DivUIOp::create(
          rewriter, loc,
          arith::AddIOp::create(
              rewriter, loc, points,
              arith::ConstantIndexOp::create(rewriter, loc, blockSize - 1)),
          threads),
      one);

  auto name = FlatSymbolRefAttr::get(rewriter.getContext(), kernelName);
  auto launch = gpu::LaunchOp::create(
      rewriter, loc, blocks, one, one, threads, one, one,
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/{}, /*workgroupAttributions=*/{},
      /*privateAttributions=*/{}, /*clusterSizeX=*/nullptr,
      /*clusterSizeY=*/nullptr, /*clusterSizeZ=*/nullptr, /*module=*/name,
      /*function=*/name);
  Block &body = launch.getBody().front();
  rewriter.setInsertionPointToEnd(&body);
  auto terminator = gpu::TerminatorOp::create(rewriter, loc);
  rewriter.setInsertionPoint(terminator);
  Value linear = arith::AddIOp::create(
      rewriter, loc,
      arith::MulIOp::create(rewriter, loc, launch.getBlockIds().x, threads),
      launch.getThreadIds().x);
  Value inRange = arith::CmpIOp::create(
      rewriter, loc, arith::CmpIPredicate::ult, linear, points);
  auto guard = scf::IfOp::create(rewriter, loc, inRange,
                                 /*withElseRegion=*/false);
  rewriter.setInsertionPoint(guard.thenBlock()->getTerminator());

  SmallVector<Value> ivs(op.getNumLoops());
  delinearize(rewriter, loc, op, linear, extents, ivs);
  PointBuilder(rewriter, op, extents, ivs).build(dp4a);

  rewriter.eraseOp(op);
}

struct LinalgToGPUKernelsPass
    : public PassWrapper<LinalgToGPUKernelsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(LinalgToGPUKernelsPass)

  LinalgToGPUKernelsPass(unsigned blockSize, bool useDp4a)
      : blockSize(blockSize), useDp4a(useDp4a) {}
  StringRef getArgument() const final { return "compress-linalg-to-gpu"; }
  StringRef getDescription() const final {
    return "One gpu.launch per linalg.generic on buffers";
  }
  void getDependentDialects(DialectRegistry &registry) const final {
    registry.insert<affine::AffineDialect, arith::ArithDialect, gpu::GPUDialect,
                    memref::MemRefDialect, NVVM::NVVMDialect, scf::SCFDialect,
                    vector::VectorDialect>();
  }

  void runOnOperation() final {
    SmallVector<linalg::GenericOp> ops;
    getOperation().walk([&](linalg::GenericOp op) {
      if (!op->getParentOfType<gpu::GPUModuleOp>() &&
          !op->getParentOfType<gpu::LaunchOp>())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    llvm::DenseMap<Operation *, unsigned> kernelsPerFunction;
    for (linalg::GenericOp op : ops) {
      std::string reason = whyNotAKernel(op);
      if (!reason.empty()) {
        // Correct but slow: the op stays on the host, on managed memory.
        op.emitRemark() << "runs on the host: " << reason;
        continue;
      }
      std::optional<Dp4aPlan> dp4a =
          useDp4a ? planDp4a(op) : std::optional<Dp4aPlan>();
      auto function = op->getParentOfType<FunctionOpInterface>();
      unsigned index = kernelsPerFunction[function]++;
      lowerToKernel(rewriter, op, blockSize, dp4a,
                    kernelName(function, index, op, dp4a.has_value()));
    }
  }

  /// <function>_k<index>_<kind>: the name of the kernel and of its GPU
  /// module, so that PTX files and profiles say where a kernel came from.
  static std::string kernelName(FunctionOpInterface function, unsigned index,
                                linalg::GenericOp op, bool usesDp4a) {
    StringRef kind = usesDp4a                         ? "dp4a"
                     : op.getNumReductionLoops() != 0 ? "reduction"
                                                      : "parallel";
    std::string functionName =
        function ? function.getName().str() : std::string("kernel");
    return (functionName + "_k" + Twine(index) + "_" + kind).str();
  }

  unsigned blockSize;
  bool useDp4a;
};

//===----------------------------------------------------------------------===//
// SinkConstantBuffers
//===----------------------------------------------------------------------===//

/// Kernels read weights from their own copy of the memref.global, which
/// gpu-kernel-outlining adds to the GPU module when the kernel body refers
/// to the global: the host's copy is not readable by the GPU.
void sinkConstantBuffers(OpBuilder &builder, gpu::LaunchOp launch) {
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(launch.getBody(), captured);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&launch.getBody().front());
  IRMapping mapping;
  for (Value value : captured) {
    if (!isa<MemRefType>(value.getType()) || !isConstantBuffer(value))
      continue;
    Value local = cloneConstantBuffer(builder, value, mapping);
    value.replaceUsesWithIf(local, [&](OpOperand &use) {
      return launch->isProperAncestor(use.getOwner());
    });
  }
}

/// Recreates inside each gpu.launch the constant buffers (see
/// sinkConstantBuffers) it uses. Runs right before gpu-kernel-outlining:
/// memref.get_global is pure, so CSE would merge a copy inside a launch
/// with one that host code still uses, and the kernel would again read
/// the host's memory.
struct SinkConstantBuffersPass
    : public PassWrapper<SinkConstantBuffersPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(SinkConstantBuffersPass)

  StringRef getArgument() const final {
    return "compress-sink-constant-buffers";
  }
  StringRef getDescription() const final {
    return "Move constant buffers used by kernels into gpu.launch bodies";
  }

  void runOnOperation() final {
    OpBuilder builder(&getContext());
    getOperation().walk(
        [&](gpu::LaunchOp launch) { sinkConstantBuffers(builder, launch); });
  }
};

//===----------------------------------------------------------------------===//
// ManagedHostBuffers
//===----------------------------------------------------------------------===//

/// Host allocations (intermediate and returned buffers, copies of constants)
/// become CUDA managed memory, which kernels and host code (memref.copy,
/// printing, the caller) can all access. Kernels are launched synchronously,
/// so host code never touches a buffer while a kernel writes it. The runtime
/// frees memory on a stream, hence the async dealloc between two waits.
struct ManagedHostBuffersPass
    : public PassWrapper<ManagedHostBuffersPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ManagedHostBuffersPass)

  StringRef getArgument() const final {
    return "compress-managed-host-buffers";
  }
  StringRef getDescription() const final {
    return "Host allocations in CUDA managed memory";
  }
  void getDependentDialects(DialectRegistry &registry) const final {
    registry.insert<gpu::GPUDialect>();
  }

  void runOnOperation() final {
    IRRewriter rewriter(&getContext());
    getOperation().walk([&](memref::AllocOp alloc) {
      if (alloc->getParentOfType<gpu::GPUModuleOp>())
        return;
      rewriter.setInsertionPoint(alloc);
      auto shared = gpu::AllocOp::create(
          rewriter, alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(),
          /*asyncDependencies=*/ValueRange(), alloc.getDynamicSizes(),
          alloc.getSymbolOperands(), /*hostShared=*/true);
      rewriter.replaceOp(alloc, shared.getMemref());
    });
    auto tokenType = gpu::AsyncTokenType::get(&getContext());
    getOperation().walk([&](memref::DeallocOp dealloc) {
      if (dealloc->getParentOfType<gpu::GPUModuleOp>())
        return;
      Location loc = dealloc.getLoc();
      rewriter.setInsertionPoint(dealloc);
      Value ready = gpu::WaitOp::create(rewriter, loc, tokenType, ValueRange())
                        .getAsyncToken();
      Value freed =
          gpu::DeallocOp::create(rewriter, loc, tokenType, ValueRange{ready},
                                 dealloc.getMemref())
              .getAsyncToken();
      gpu::WaitOp::create(rewriter, loc, Type(), ValueRange{freed});
      rewriter.eraseOp(dealloc);
    });
  }
};

//===----------------------------------------------------------------------===//
// SerializeGPUModules
//===----------------------------------------------------------------------===//

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

/// gpu-module-to-binary with one addition: the PTX of every module is also
/// written to `dumpDir`/<module>.ptx (whatever the binary format), for
/// inspection and for assembling with ptxas in tests.
struct SerializeGPUModulesPass
    : public PassWrapper<SerializeGPUModulesPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(SerializeGPUModulesPass)

  explicit SerializeGPUModulesPass(NVPTXConfig config)
      : config(std::move(config)) {}
  StringRef getArgument() const final {
    return "compress-serialize-gpu-modules";
  }
  StringRef getDescription() const final {
    return "gpu.module to gpu.binary, optionally writing the PTX";
  }
  /// Serializing translates the GPU modules to LLVM IR. The translations are
  /// registered here rather than by each tool, so that the pipeline works the
  /// same from compress-opt, the C API and Python.
  void getDependentDialects(DialectRegistry &registry) const final {
    registerBuiltinDialectTranslation(registry);
    registerGPUDialectTranslation(registry);
    registerLLVMDialectTranslation(registry);
    registerNVVMDialectTranslation(registry);
    NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  }

  void runOnOperation() final {
    ModuleOp module = getOperation();
    if (!config.dumpPtx.empty()) {
      if (std::error_code ec =
              llvm::sys::fs::create_directories(config.dumpPtx)) {
        emitError(module.getLoc()) << "dump-ptx: cannot create '"
                                   << config.dumpPtx << "': " << ec.message();
        return signalPassFailure();
      }
    }
    // The serializer reports each module's PTX without its name; it handles
    // the modules one after another in this order, with one target each.
    SmallVector<std::string> names;
    for (auto gpuModule : module.getOps<gpu::GPUModuleOp>())
      names.push_back(gpuModule.getName().str());
    size_t next = 0;
    bool writeFailed = false;
    auto writePtx = [&](StringRef ptx) {
      std::string name = next < names.size() ? names[next] : "module";
      std::string suffix = next < names.size() ? "" : std::to_string(next);
      ++next;
      SmallString<256> path(config.dumpPtx);
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
    if (!config.dumpPtx.empty())
      isaCallback = writePtx;
    std::string toolkit = findToolkit(config.toolkit);
    gpu::TargetOptions options(
        toolkit, /*librariesToLink=*/{}, /*cmdOptions=*/"",
        /*elfSection=*/"", *parseFormat(config.format), getSymbolTable,
        /*initialLlvmIRCallback=*/{}, /*linkedLlvmIRCallback=*/{},
        /*optimizedLlvmIRCallback=*/{}, isaCallback);
    if (failed(gpu::transformGpuModulesToBinaries(module, /*handler=*/nullptr,
                                                  options)) ||
        writeFailed)
      signalPassFailure();
  }

  NVPTXConfig config;
};

//===----------------------------------------------------------------------===//
// The pipeline
//===----------------------------------------------------------------------===//

/// As compress-lower-to-cpu, but with elementwise fusion kept out of
/// reductions; then every linalg op becomes a linalg.generic, the one form
/// the kernel builder reads.
void addTensorPasses(OpPassManager &pm, const LowerToNVPTXOptions &options) {
  pm.addPass(createConvertCompressToLinalg());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  if (options.fuseElementwise)
    pm.addPass(std::make_unique<FuseElementwiseIntoParallelOpsPass>());
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
  pm.addPass(std::make_unique<CopyConstantCallArgumentsPass>());
  bufferization::BufferDeallocationPipelineOptions deallocOptions;
  bufferization::buildBufferDeallocationPipeline(pm, deallocOptions);
  pm.addPass(createConvertBufferizationToMemRefPass());
}

void addKernelPasses(OpPassManager &pm, const NVPTXConfig &config) {
  pm.addPass(
      std::make_unique<LinalgToGPUKernelsPass>(config.blockSize, config.dp4a));
  pm.addPass(std::make_unique<ManagedHostBuffersPass>());
  // What could not become a kernel runs as loops on the host.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Constants (extents, loop bounds) move into the kernels instead of
  // becoming kernel arguments, so that the device code sees them.
  pm.addNestedPass<func::FuncOp>(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(std::make_unique<SinkConstantBuffersPass>());
  pm.addPass(createGpuKernelOutliningPass());
  // The host's copies of globals that moved into GPU modules.
  pm.addPass(createSymbolDCEPass());
}

/// Upstream's gpu-lower-to-nvvm-pipeline up to the serialization.
void addNVVMPasses(OpPassManager &pm, const NVPTXConfig &config) {
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  GpuNVVMAttachTargetOptions target;
  target.triple = kNVPTXTriple.str();
  target.chip = config.chip;
  target.optLevel = config.optLevel;
  // No version: LLVM picks the lowest one that supports the chip.
  if (config.ptxVersion != 0)
    target.features = "+ptx" + std::to_string(config.ptxVersion);
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

void addHostPasses(OpPassManager &pm, const NVPTXConfig &config) {
  pm.addPass(createGpuToLLVMConversionPass());
  pm.addPass(std::make_unique<SerializeGPUModulesPass>(config));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

} // namespace

void mlir::compress::buildLowerToNVPTXPipeline(
    OpPassManager &pm, const LowerToNVPTXOptions &options) {
  NVPTXConfig config = getConfig(options);
  pm.addPass(std::make_unique<CheckNVPTXTargetPass>(config));
  addTensorPasses(pm, options);
  addBufferizationPasses(pm);
  addKernelPasses(pm, config);
  addNVVMPasses(pm, config);
  addHostPasses(pm, config);
}

void mlir::compress::registerLowerToNVPTXPipeline() {
  PassPipelineRegistration<LowerToNVPTXOptions>(
      "compress-lower-to-nvptx",
      "Lower linalg on tensors (float or integer) to NVIDIA GPU code: "
      "elementwise fusion, one-shot bufferization, one kernel per linalg op "
      "(dp4a for i8 x i8 -> i32 reductions), managed memory for host "
      "buffers, NVVM and gpu.binary (PTX, cubin or fatbin). The result runs "
      "under mlir-runner with the project's CUDA runtime library.",
      buildLowerToNVPTXPipeline);
}
