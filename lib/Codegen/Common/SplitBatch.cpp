//===- SplitBatch.cpp - run a batched function a few samples at a time ----===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A CNN at batch 64 computes each layer for all 64 images before the next
// layer: MobileNet-v2's 96 x 112 x 112 activations are 308 MB a layer, so
// every layer reads and writes main memory, and two threads share its
// bandwidth. Most models compute each sample independently of the others
// (convolutions, pooling, matmuls with weights, elementwise ops, per-row
// reductions); this pass finds functions that do and runs them a chunk of
// samples at a time: the body becomes a private function of the chunk's
// shapes, called in a loop on slices of the arguments, its results written
// into slices of the results. A chunk's activations stay in the caches.
//
// The analysis follows the batch through the function's tensor ops: a
// value is "batched" when its dimension 0 holds the samples in order, k
// rows per sample (k = 1 for the arguments; a reshape that folds the
// sequence into dimension 0 makes k = the sequence length). An op is
// batched when one of its operands is; it must then compute every row of
// its results from the same rows of its batched operands:
//  - a linalg op on tensors: a parallel loop b indexes dimension 0 of every
//    batched operand and of every result, and no other dimension of them;
//    the operands that b does not index (weights, biases) are not batched;
//    the body does not read b's index;
//  - tensor.pad without padding of dimension 0;
//  - tensor.collapse_shape / expand_shape that keep whole samples in
//    dimension 0's group;
//  - func.return of batched values of k = 1.
// Inits take the shape of the op they initialize: tensor.empty, and fills
// and broadcasts of unbatched values into one (a bias broadcast as a
// convolution's initial accumulator) are rebuilt at the chunk's size. Ops
// without batched operands are cloned as they are. Anything else that touches a
// batched value (a call, an instrumentation hook, an op with memory effects)
// leaves the function unchanged, with a remark when `remarks` is set.
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/Common/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Debug.h"

namespace mlir::compress {
#define GEN_PASS_DEF_SPLITBATCH
#include "compress/Codegen/Common/Passes.h.inc"
} // namespace mlir::compress

#define DEBUG_TYPE "compress-split-batch"

using namespace mlir;

namespace {

/// Why a function cannot be split, for the remark.
struct Rejection {
  Operation *op;
  std::string reason;
};

/// How a linalg op meets the batch: the loop that runs over dimension 0 of
/// its batched operands.
struct BatchedLinalg {
  unsigned loop;
  int64_t rowsPerSample;
};

/// The batch structure of one function, and the result of the analysis.
class BatchAnalysis {
public:
  explicit BatchAnalysis(int64_t batch) : batch(batch) {}

  /// Rows per sample of `value` if it is batched.
  std::optional<int64_t> rowsOf(Value value) const {
    auto it = rows.find(value);
    if (it == rows.end())
      return std::nullopt;
    return it->second;
  }

  /// Whether `value` is the same in every row of dimension 0 and can be
  /// rebuilt at any size of it: a tensor.empty, a linalg.fill of one, or a
  /// linalg op that broadcasts operands it does not index along dimension 0
  /// into such an init (a bias as a convolution's initial accumulator).
  static bool isUniform(Value value) {
    Operation *def = value.getDefiningOp();
    if (isa_and_nonnull<tensor::EmptyOp>(def))
      return true;
    auto op = dyn_cast_or_null<linalg::LinalgOp>(def);
    if (!op || !op.hasPureTensorSemantics() || op->getNumResults() != 1)
      return false;
    AffineMap outMap = op.getIndexingMapMatchingResult(op->getResult(0));
    auto dim = outMap.getNumResults() > 0
                   ? dyn_cast<AffineDimExpr>(outMap.getResult(0))
                   : nullptr;
    if (!dim || op.getIteratorTypesArray()[dim.getPosition()] !=
                    utils::IteratorType::parallel)
      return false;
    unsigned loop = dim.getPosition();
    if (llvm::any_of(outMap.getResults().drop_front(),
                     [&](AffineExpr e) { return e.isFunctionOfDim(loop); }))
      return false;
    for (OpOperand *input : op.getDpsInputOperands())
      if (llvm::any_of(op.getMatchingIndexingMap(input).getResults(),
                       [&](AffineExpr e) { return e.isFunctionOfDim(loop); }))
        return false;
    bool readsIndex = false;
    op->walk(
        [&](linalg::IndexOp index) { readsIndex |= index.getDim() == loop; });
    return !readsIndex && isUniform(op.getDpsInits().front());
  }

  /// Records the function's batched values; the first op that does not
  /// keep samples apart, if any.
  std::optional<Rejection> run(func::FuncOp func) {
    for (BlockArgument arg : func.getArguments())
      rows[arg] = 1;
    for (Operation &op : func.getBody().front()) {
      if (std::optional<Rejection> rejected = visit(op))
        return rejected;
    }
    return std::nullopt;
  }

  /// The loop of each batched linalg op.
  DenseMap<Operation *, BatchedLinalg> linalgLoops;
  /// The largest bytes per sample of a batched value.
  int64_t bytesPerSample = 0;

private:
  std::optional<Rejection> visit(Operation &op) {
    bool touchesBatch = llvm::any_of(
        op.getOperands(), [&](Value v) { return rows.count(v) != 0; });
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands())
        if (rowsOf(v) != 1)
          return Rejection{&op, "a result is not batched like the arguments"};
      return std::nullopt;
    }
    if (!touchesBatch) {
      // Cloned as it is into every chunk: it must not have effects that
      // repeating them would change.
      if (!isMemoryEffectFree(&op) && !isa<linalg::LinalgOp>(op))
        return Rejection{&op, "an op with memory effects"};
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
          linalgOp && !linalgOp.hasPureTensorSemantics())
        return Rejection{&op, "a linalg op on buffers"};
      return std::nullopt;
    }
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
      return visitLinalg(linalgOp);
    if (auto pad = dyn_cast<tensor::PadOp>(op)) {
      if (pad.getStaticLow().front() != 0 || pad.getStaticHigh().front() != 0)
        return Rejection{&op, "padding of the batch dimension"};
      return setRows(pad.getResult(), *rowsOf(pad.getSource()), op);
    }
    if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
      ArrayRef<int64_t> shape = collapse.getSrcType().getShape();
      int64_t k = *rowsOf(collapse.getSrc());
      // A named copy: a range-for over a temporary's element dangles.
      SmallVector<ReassociationIndices> groups =
          collapse.getReassociationIndices();
      for (int64_t d : groups.front())
        if (d != 0)
          k *= shape[d];
      return setRows(collapse.getResult(), k, op);
    }
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
      ArrayRef<int64_t> shape = expand.getResultType().getShape();
      int64_t k = *rowsOf(expand.getSrc()), inner = 1;
      SmallVector<ReassociationIndices> groups =
          expand.getReassociationIndices();
      for (int64_t d : groups.front())
        if (d != 0)
          inner *= shape[d];
      if (ShapedType::isDynamic(inner) || inner <= 0 || k % inner != 0)
        return Rejection{&op, "a reshape that splits a sample's rows"};
      return setRows(expand.getResult(), k / inner, op);
    }
    return Rejection{&op, "an op that this pass does not know to keep "
                          "samples apart"};
  }

  std::optional<Rejection> visitLinalg(linalg::LinalgOp op) {
    if (!op.hasPureTensorSemantics())
      return Rejection{op, "a linalg op on buffers"};
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    // The loop over dimension 0 of the first batched operand.
    std::optional<unsigned> loop;
    int64_t k = 0;
    for (OpOperand &operand : op->getOpOperands()) {
      std::optional<int64_t> r = rowsOf(operand.get());
      if (!r)
        continue;
      AffineMap map = maps[operand.getOperandNumber()];
      auto dim = map.getNumResults() > 0
                     ? dyn_cast<AffineDimExpr>(map.getResult(0))
                     : nullptr;
      if (!dim)
        return Rejection{op, "a batched operand indexed by an expression"};
      loop = dim.getPosition();
      k = *r;
      break;
    }
    if (op.getIteratorTypesArray()[*loop] != utils::IteratorType::parallel)
      return Rejection{op, "a reduction over the batch"};
    bool readsIndex = false;
    op->walk(
        [&](linalg::IndexOp index) { readsIndex |= index.getDim() == *loop; });
    if (readsIndex)
      return Rejection{op, "a body that reads the batch index"};
    AffineExpr b = getAffineDimExpr(*loop, op.getContext());
    for (OpOperand &operand : op->getOpOperands()) {
      AffineMap map = maps[operand.getOperandNumber()];
      bool indexedByB = llvm::any_of(map.getResults(), [&](AffineExpr e) {
        return e.isFunctionOfDim(*loop);
      });
      bool isInit = op.isDpsInit(&operand);
      std::optional<int64_t> r = rowsOf(operand.get());
      bool uniform = !r && isUniform(operand.get());
      if (!indexedByB) {
        if (r || isInit)
          return Rejection{op, "an operand or result that the batch loop "
                               "does not index"};
        continue;
      }
      if (map.getResult(0) != b ||
          llvm::any_of(map.getResults().drop_front(),
                       [&](AffineExpr e) { return e.isFunctionOfDim(*loop); }))
        return Rejection{op, "an operand whose batch is not dimension 0 alone"};
      auto type = cast<RankedTensorType>(operand.get().getType());
      if (r) {
        if (*r != k)
          return Rejection{op, "operands with different rows per sample"};
        continue;
      }
      if (!uniform || type.getDimSize(0) != batch * k)
        return Rejection{op, "an unbatched operand indexed by the batch loop"};
    }
    linalgLoops[op] = {*loop, k};
    for (Value result : op->getResults())
      if (std::optional<Rejection> rejected = setRows(result, k, *op))
        return rejected;
    return std::nullopt;
  }

  std::optional<Rejection> setRows(Value value, int64_t k, Operation &op) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type || !type.hasStaticShape() || type.getRank() == 0 || k <= 0 ||
        type.getDimSize(0) != batch * k)
      return Rejection{&op, "a batched result whose dimension 0 is not the "
                            "batch"};
    rows[value] = k;
    int64_t bytes = type.getNumElements() *
                    std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
    bytesPerSample = std::max(bytesPerSample, bytes / batch);
    return std::nullopt;
  }

  int64_t batch;
  DenseMap<Value, int64_t> rows;
};

/// `type` with dimension 0 set to `size`.
RankedTensorType withRows(Type type, int64_t size) {
  auto tensor = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(tensor.getShape());
  shape[0] = size;
  return tensor.clone(shape);
}

/// Builds the chunk function: `func`'s body with every batched value at
/// `chunk` samples.
class ChunkBuilder {
public:
  ChunkBuilder(BatchAnalysis &analysis, int64_t chunk)
      : analysis(analysis), chunk(chunk) {}

  func::FuncOp build(func::FuncOp func, StringRef name) {
    OpBuilder b(func);
    SmallVector<Type> inputs, results;
    for (Type t : func.getArgumentTypes())
      inputs.push_back(withRows(t, chunk));
    for (Type t : func.getResultTypes())
      results.push_back(withRows(t, chunk));
    auto chunkFunc = func::FuncOp::create(b, func.getLoc(), name,
                                          b.getFunctionType(inputs, results));
    chunkFunc.setPrivate();
    Block *block = chunkFunc.addEntryBlock();
    for (auto [from, to] :
         llvm::zip(func.getArguments(), block->getArguments()))
      mapping.map(from, to);
    b.setInsertionPointToStart(block);
    for (Operation &op : func.getBody().front())
      cloneOp(b, op);
    // The inits rebuilt at the chunk's size leave their full-size clones
    // unused.
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*block)))
      if (isOpTriviallyDead(&op))
        op.erase();
    return chunkFunc;
  }

private:
  /// A copy of the uniform value `value` (see BatchAnalysis::isUniform)
  /// with `rows` rows.
  Value chunkInit(OpBuilder &b, Value value, int64_t rows) {
    Operation *def = value.getDefiningOp();
    if (auto empty = dyn_cast<tensor::EmptyOp>(def))
      return tensor::EmptyOp::create(
          b, empty.getLoc(), withRows(empty.getType(), rows), ValueRange{});
    auto op = cast<linalg::LinalgOp>(def);
    Value init = chunkInit(b, op.getDpsInits().front(), rows);
    // The op was cloned before (as it is); cloning again must create its
    // region's values afresh, not reuse the first clone's.
    def->walk([&](Operation *nested) {
      for (Region &region : nested->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            mapping.erase(arg);
      if (nested != def)
        for (Value result : nested->getResults())
          mapping.erase(result);
    });
    Operation *clone = b.clone(*def, mapping);
    clone->setOperand(op.getDpsInitOperand(0)->getOperandNumber(), init);
    clone->getResult(0).setType(init.getType());
    return clone->getResult(0);
  }

  void cloneOp(OpBuilder &b, Operation &op) {
    Operation *clone = b.clone(op, mapping);
    auto linalgIt = analysis.linalgLoops.find(&op);
    if (linalgIt != analysis.linalgLoops.end()) {
      int64_t k = linalgIt->second.rowsPerSample;
      // Inits and broadcast fills that the batch loop indexes: fresh ones of
      // the chunk's shape.
      for (OpOperand &operand : clone->getOpOperands()) {
        Value original = op.getOperand(operand.getOperandNumber());
        auto type = dyn_cast<RankedTensorType>(original.getType());
        if (!type || analysis.rowsOf(original) ||
            !BatchAnalysis::isUniform(original))
          continue;
        AffineMap map = cast<linalg::LinalgOp>(op).getMatchingIndexingMap(
            &op.getOpOperand(operand.getOperandNumber()));
        if (map.getNumResults() == 0 ||
            map.getResult(0) !=
                getAffineDimExpr(linalgIt->second.loop, op.getContext()))
          continue;
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(clone);
        operand.set(chunkInit(b, original, chunk * k));
      }
    }
    for (auto [original, result] :
         llvm::zip(op.getResults(), clone->getResults())) {
      std::optional<int64_t> k = analysis.rowsOf(original);
      if (k)
        result.setType(withRows(result.getType(), chunk * *k));
    }
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(clone))
      expand.setStaticOutputShape(expand.getResultType().getShape());
  }

  BatchAnalysis &analysis;
  int64_t chunk;
  IRMapping mapping;
};

/// Replaces `func`'s body by a loop that calls `chunkFunc` on each chunk.
void buildLoop(func::FuncOp func, func::FuncOp chunkFunc, int64_t batch,
               int64_t chunk) {
  Location loc = func.getLoc();
  Block &body = func.getBody().front();
  SmallVector<Operation *> old;
  for (Operation &op : body)
    old.push_back(&op);
  OpBuilder b = OpBuilder::atBlockEnd(&body);
  SmallVector<Value> inits;
  for (Type t : func.getResultTypes())
    inits.push_back(tensor::EmptyOp::create(b, loc, cast<RankedTensorType>(t),
                                            ValueRange{}));
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value upper = arith::ConstantIndexOp::create(b, loc, batch);
  Value step = arith::ConstantIndexOp::create(b, loc, chunk);
  auto loop = scf::ForOp::create(
      b, loc, zero, upper, step, inits,
      [&](OpBuilder &lb, Location l, Value iv, ValueRange accs) {
        auto sliceAt = [&](RankedTensorType full) {
          SmallVector<OpFoldResult> offsets(full.getRank(), lb.getIndexAttr(0));
          offsets[0] = iv;
          SmallVector<OpFoldResult> sizes,
              strides(full.getRank(), lb.getIndexAttr(1));
          for (int64_t d = 0; d < full.getRank(); ++d)
            sizes.push_back(
                lb.getIndexAttr(d == 0 ? chunk : full.getDimSize(d)));
          return std::make_tuple(offsets, sizes, strides);
        };
        SmallVector<Value> args;
        for (BlockArgument arg : func.getArguments()) {
          auto [offsets, sizes, strides] =
              sliceAt(cast<RankedTensorType>(arg.getType()));
          args.push_back(tensor::ExtractSliceOp::create(
              lb, l, withRows(arg.getType(), chunk), arg, offsets, sizes,
              strides));
        }
        auto call = func::CallOp::create(lb, l, chunkFunc, args);
        SmallVector<Value> updated;
        for (auto [result, acc] : llvm::zip(call.getResults(), accs)) {
          auto [offsets, sizes, strides] =
              sliceAt(cast<RankedTensorType>(acc.getType()));
          updated.push_back(tensor::InsertSliceOp::create(
              lb, l, result, acc, offsets, sizes, strides));
        }
        scf::YieldOp::create(lb, l, updated);
      });
  func::ReturnOp::create(b, loc, loop.getResults());
  for (Operation *op : llvm::reverse(old)) {
    op->dropAllUses();
    op->erase();
  }
}

/// Bytes of the non-splat tensor constants of `func` (its weights).
int64_t weightBytes(func::FuncOp func) {
  int64_t bytes = 0;
  func.walk([&](arith::ConstantOp constant) {
    auto type = dyn_cast<RankedTensorType>(constant.getType());
    auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
    if (!type || !type.hasStaticShape() || (dense && dense.isSplat()))
      return;
    bytes += type.getNumElements() *
             std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
  });
  return bytes;
}

/// Samples per chunk: the largest divisor of `batch` whose chunk keeps
/// `bytesPerSample` x chunk within `maxBytes`, but not below the smallest
/// divisor whose chunk's activations are a quarter of the weights that each
/// chunk reads again. Measured on this project's models (AMD Zen 5, one and
/// two threads): MobileNet-v2 at batch 64 runs fastest one image at a time
/// (4.8 MB activations, 14 MB of weights; 1.5x faster than whole), ResNet-18
/// four at a time (3.2 MB, 45 MB; one at a time is 12% slower than whole),
/// a BERT-base layer whole (1.6 MB a sequence, 28 MB; one sequence at a
/// time is 10% slower).
int64_t chooseChunk(int64_t batch, int64_t bytesPerSample, int64_t weights,
                    int64_t maxBytes) {
  int64_t byCache = 1, byWeights = batch;
  for (int64_t c = 1; c <= batch; ++c)
    if (batch % c == 0 && c * bytesPerSample <= maxBytes)
      byCache = c;
  for (int64_t c = batch; c >= 1; --c)
    if (batch % c == 0 && 4 * c * bytesPerSample >= weights)
      byWeights = c;
  return std::max(byCache, byWeights);
}

struct SplitBatchPass : public compress::impl::SplitBatchBase<SplitBatchPass> {
  using SplitBatchBase::SplitBatchBase;

  void runOnOperation() final {
    ModuleOp module = getOperation();
    if (chunk < 0 || maxBytes < 0) {
      module.emitError("compress-split-batch: chunk and max-bytes must not be "
                       "negative");
      return signalPassFailure();
    }
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs)
      if (failed(split(func, symbols)))
        return signalPassFailure();
  }

  /// Splits `func` if it computes samples independently; failure only for
  /// an invalid `chunk`.
  LogicalResult split(func::FuncOp func, SymbolTable &symbols) {
    if (func.isExternal() || !func.getBody().hasOneBlock() ||
        func.getNumArguments() == 0 || func.getNumResults() == 0)
      return success();
    auto remark = [&](Operation *at, const Twine &why) {
      LLVM_DEBUG(llvm::dbgs()
                 << "not split: " << func.getName() << ": " << why << "\n");
      if (remarks)
        at->emitRemark() << "compress-split-batch: " << func.getName()
                         << " not split: " << why;
    };
    // Every argument and result: a static tensor whose dimension 0 is the
    // same batch.
    int64_t batch = -1;
    for (Type t : llvm::concat<const Type>(func.getArgumentTypes(),
                                           func.getResultTypes())) {
      auto tensor = dyn_cast<RankedTensorType>(t);
      if (!tensor || !tensor.hasStaticShape() || tensor.getRank() == 0) {
        remark(func, "an argument or result is not a static tensor");
        return success();
      }
      if (batch == -1)
        batch = tensor.getDimSize(0);
      if (tensor.getDimSize(0) != batch) {
        remark(func, "arguments and results of different batch sizes");
        return success();
      }
    }
    if (batch < 2)
      return success();
    BatchAnalysis analysis(batch);
    if (std::optional<Rejection> rejected = analysis.run(func)) {
      remark(rejected->op, rejected->reason);
      return success();
    }
    int64_t c = chunk;
    if (c == 0)
      c = chooseChunk(batch, analysis.bytesPerSample, weightBytes(func),
                      maxBytes);
    else if (batch % c != 0)
      return func.emitError() << "compress-split-batch: chunk=" << c
                              << " does not divide the batch " << batch;
    if (c >= batch) {
      remark(func, "one chunk holds the whole batch");
      return success();
    }
    std::string name = (func.getName() + "__chunk" + Twine(c)).str();
    ChunkBuilder builder(analysis, c);
    func::FuncOp chunkFunc = builder.build(func, name);
    symbols.insert(chunkFunc); // renamed if taken
    buildLoop(func, chunkFunc, batch, c);
    return success();
  }
};

} // namespace
