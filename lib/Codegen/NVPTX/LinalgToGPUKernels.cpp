//===- LinalgToGPUKernels.cpp - one gpu.launch per linalg.generic ---------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Each linalg.generic on buffers becomes a gpu.launch with one thread per
// point of its parallel iteration space. Reductions accumulate in registers;
// i8 x i8 -> i32 dot products take four steps at a time with dp4a.
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/NVPTX/Passes.h"

#include "GPUUtils.h"
#include "KernelBuilders.h"
#include "compress/Dialect/Compress/Utils/IntegerDotProduct.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include "llvm/ADT/DenseMap.h"

namespace mlir::compress {
#define GEN_PASS_DEF_LINALGTOGPUKERNELS
#include "compress/Codegen/NVPTX/Passes.h.inc"
} // namespace mlir::compress

#define DEBUG_TYPE "compress-linalg-to-gpu"

using namespace mlir;
using namespace mlir::compress;

namespace {

//===----------------------------------------------------------------------===//
// Which ops, and the dp4a pattern
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

} // namespace

std::optional<Int8DotProduct>
compress::matchInt8DotProduct(linalg::GenericOp op) {
  std::optional<IntegerDotProduct> dot = matchIntegerDotProduct(op);
  if (!dot)
    return std::nullopt;
  auto kind = [](bool isSigned) {
    return isSigned ? NVVM::DotAccumulateType::SIGNED
                    : NVVM::DotAccumulateType::UNSIGNED;
  };
  return Int8DotProduct{dot->lhs, kind(dot->lhsSigned), dot->rhs,
                        kind(dot->rhsSigned)};
}

SmallVector<Value> compress::cloneGenericBody(OpBuilder &builder,
                                              linalg::GenericOp op,
                                              ArrayRef<Value> arguments,
                                              ArrayRef<Value> ivs) {
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

namespace {

//===----------------------------------------------------------------------===//
// Building the kernel body
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
    return cloneGenericBody(builder, op, arguments, ivs);
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
// The launch
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
  // A rank-0 output (a full reduction): one thread, no parallel index.
  if (dims.empty())
    return;
  for (unsigned dim : llvm::reverse(ArrayRef(dims).drop_front())) {
    ivs[dim] = arith::RemUIOp::create(builder, loc, linear, extents[dim]);
    linear = arith::DivUIOp::create(builder, loc, linear, extents[dim]);
  }
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
    : public compress::impl::LinalgToGPUKernelsBase<LinalgToGPUKernelsPass> {
  using Base::Base;

  void runOnOperation() final {
    if (std::string problem = checkOptions(); !problem.empty()) {
      emitError(getOperation().getLoc()) << problem;
      return signalPassFailure();
    }
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
      auto function = op->getParentOfType<FunctionOpInterface>();
      unsigned index = kernelsPerFunction[function]++;
      if (std::optional<std::pair<MatmulDims, Int8DotProduct>> mma =
              planMma(op)) {
        // At least 32 staged k per stage, in whole m16n8k32 steps.
        unsigned mmaTileK = std::max(32u, unsigned(tileK) / 32 * 32);
        lowerToMmaKernel(rewriter, op, mma->first, mmaTileK, mma->second,
                         kernelName(function, index, "mma"));
        continue;
      }
      if (std::optional<MatmulDims> dims = planTiling(op)) {
        std::optional<Int8DotProduct> dot =
            dp4a ? matchInt8DotProduct(op) : std::nullopt;
        lowerToTiledKernel(
            rewriter, op, *dims, {tileSize, tileK}, dot,
            kernelName(function, index, dot ? "tiled_dp4a" : "tiled"));
        continue;
      }
      std::optional<Dp4aPlan> plan =
          dp4a ? planDp4a(op) : std::optional<Dp4aPlan>();
      StringRef kind = plan                             ? "dp4a"
                       : op.getNumReductionLoops() != 0 ? "reduction"
                                                        : "parallel";
      lowerToKernel(rewriter, op, blockSize, plan,
                    kernelName(function, index, kind));
    }
  }

  std::string checkOptions() const {
    if (blockSize == 0 || blockSize > kMaxThreadsPerBlock)
      return "block-size must be in 1.." + std::to_string(kMaxThreadsPerBlock) +
             ", not " + std::to_string(blockSize);
    if (tileSize == 0 || tileSize * tileSize > kMaxThreadsPerBlock)
      return "tile-size must be in 1..32 (tile-size^2 threads per block), "
             "not " +
             std::to_string(tileSize);
    if (tileK == 0 || tileK % 4 != 0 || tileK > 256)
      return "tile-k must be a multiple of 4 in 4..256, not " +
             std::to_string(tileK);
    return "";
  }

  /// The dimensions of a matmul-like op worth tiling: an output at least one
  /// tile wide in both directions (or of unknown size), and staged tiles
  /// that fit the 48 KiB of shared memory every chip gives a block.
  std::optional<MatmulDims> planTiling(linalg::GenericOp op) const {
    if (!matmulTiling)
      return std::nullopt;
    std::optional<MatmulDims> dims = matchMatmulLike(op);
    if (!dims)
      return std::nullopt;
    SmallVector<int64_t> sizes = op.getStaticLoopRanges();
    for (unsigned dim : {dims->m, dims->n})
      if (!ShapedType::isDynamic(sizes[dim]) && sizes[dim] < tileSize)
        return std::nullopt;
    auto bytes = [](OpOperand *operand) {
      return getElementTypeOrSelf(operand->get().getType())
                 .getIntOrFloatBitWidth() /
             8;
    };
    constexpr int64_t kSharedBytes = 48 * 1024;
    if (int64_t(tileSize) * tileK * (bytes(dims->lhs) + bytes(dims->rhs)) >
        kSharedBytes)
      return std::nullopt;
    return dims;
  }

  /// The dimensions and the dot product of an i8 x i8 -> i32 matmul-like
  /// op that tensor cores compute: with mma-sync, and an output at least
  /// one 32 x 32 block tile in both directions (or of unknown size);
  /// smaller ones waste most of each m16n8k32 step and keep dp4a.
  std::optional<std::pair<MatmulDims, Int8DotProduct>>
  planMma(linalg::GenericOp op) const {
    if (!mmaSync)
      return std::nullopt;
    std::optional<MatmulDims> dims = matchMatmulLike(op);
    std::optional<Int8DotProduct> dot = matchInt8DotProduct(op);
    if (!dims || !dot)
      return std::nullopt;
    SmallVector<int64_t> sizes = op.getStaticLoopRanges();
    for (unsigned dim : {dims->m, dims->n})
      if (!ShapedType::isDynamic(sizes[dim]) && sizes[dim] < 32)
        return std::nullopt;
    return std::make_pair(*dims, *dot);
  }

  /// <function>_k<index>_<kind>: the name of the kernel and of its GPU
  /// module, so that PTX files and profiles say where a kernel came from.
  static std::string kernelName(FunctionOpInterface function, unsigned index,
                                StringRef kind) {
    std::string functionName =
        function ? function.getName().str() : std::string("kernel");
    return (functionName + "_k" + Twine(index) + "_" + kind).str();
  }
};

} // namespace
