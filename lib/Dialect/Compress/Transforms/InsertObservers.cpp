//===- InsertObservers.cpp - observe activations for calibration ----------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Utils/LayerKinds.h"
#include "compress/Dialect/Compress/Utils/WeightUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"

#define DEBUG_TYPE "compress-insert-observers"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSINSERTOBSERVERS
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

constexpr llvm::StringLiteral kKinds[] = {"matmul", "conv", "add", "mul",
                                          "pool"};

bool isConstantLike(Value value);

/// An elementwise linalg.generic whose body is a single `BinaryOp` of two
/// activations of the same shape (how tensor-level `arith.addf`/`mulf` look
/// after convert-elementwise-to-linalg). A bias add (one constant operand)
/// is part of the layer before it, not an op of its own.
template <typename BinaryOp>
bool isElementwiseBinary(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 2 ||
      generic.getNumParallelLoops() != generic.getNumLoops() ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return false;
  if (llvm::any_of(generic.getDpsInputs(), isConstantLike))
    return false;
  Block &body = generic.getRegion().front();
  return body.getOperations().size() == 2 && isa<BinaryOp>(body.front());
}

/// The kind of `op` in the `ops` option's vocabulary, if it is quantizable.
std::optional<StringRef> getQuantizableKind(Operation *op) {
  if (isMatmulLayer(op))
    return StringRef("matmul");
  if (isConvolutionLayer(op))
    return StringRef("conv");
  if (isa<linalg::AddOp>(op) || isElementwiseBinary<arith::AddFOp>(op))
    return StringRef("add");
  if (isa<linalg::MulOp>(op) || isElementwiseBinary<arith::MulFOp>(op))
    return StringRef("mul");
  if (isMaxPooling(op) || isSumPooling(op))
    return StringRef("pool");
  return std::nullopt;
}

bool isFloatTensor(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && isCompressibleFloat(type.getElementType());
}

/// Constants (and quantized constants) are weights, not activations; a
/// tensor.empty (the window operand of a pooling) holds no values at all.
bool isConstantLike(Value value) {
  if (matchPattern(value, m_Constant()) ||
      value.getDefiningOp<tensor::EmptyOp>())
    return true;
  if (auto dequantize = value.getDefiningOp<DequantizeOp>())
    return !isa<BlockArgument>(dequantize.getInput()) &&
           dequantize.getInput().getDefiningOp<quant::StorageCastOp>();
  return false;
}

/// Whether `value` is a matmul or convolution layer's output: the layer's
/// result through elementwise arithmetic whose other operands are constants
/// (bias, scale, clamp) and through reshapes and transposes, each link read
/// once (so that, once `value` is quantized, nothing needs the float result).
bool isLayerOutput(Value value) {
  while (Operation *producer = value.getDefiningOp()) {
    if (isMatmulLayer(producer) || isConvolutionLayer(producer))
      return true;
    Value source;
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(producer))
      source = expand.getSrc();
    else if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(producer))
      source = collapse.getSrc();
    else if (auto transpose = dyn_cast<linalg::TransposeOp>(producer))
      source = transpose.getInput();
    else if (auto generic = dyn_cast<linalg::GenericOp>(producer)) {
      if (generic.getNumResults() != 1 ||
          generic.getNumParallelLoops() != generic.getNumLoops())
        return false;
      // Arithmetic an integer epilogue can take (not a GELU's erf, say).
      for (Operation &op : generic.getRegion().front())
        if (!isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp,
                 arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
                 arith::MinNumFOp, arith::CmpFOp, arith::SelectOp,
                 linalg::YieldOp>(op))
          return false;
      for (Value input : generic.getDpsInputs()) {
        if (isConstantLike(input))
          continue;
        if (source)
          return false; // a second activation: not an epilogue
        source = input;
      }
    }
    if (!source || !source.hasOneUse())
      return false;
    value = source;
  }
  return false;
}

struct InsertObserversPass
    : public compress::impl::CompressInsertObserversBase<InsertObserversPass> {
  using CompressInsertObserversBase::CompressInsertObserversBase;

  void runOnOperation() override;

private:
  /// The observer of `value`, created right after its definition.
  Value observe(Value value);

  int64_t nextId = 0;
  llvm::DenseMap<Value, Value> observers;
};

Value InsertObserversPass::observe(Value value) {
  if (Value existing = observers.lookup(value))
    return existing;
  if (auto observer = value.getDefiningOp<ObserveOp>())
    return value;
  OpBuilder builder(&getContext());
  if (auto arg = dyn_cast<BlockArgument>(value))
    builder.setInsertionPointToStart(arg.getOwner());
  else
    builder.setInsertionPointAfter(value.getDefiningOp());
  auto observer =
      ObserveOp::create(builder, value.getLoc(), value.getType(), value,
                        builder.getI64IntegerAttr(nextId++), nullptr, nullptr);
  observers[value] = observer;
  ++numObservers;
  return observer;
}

void InsertObserversPass::runOnOperation() {
  llvm::StringSet<> kinds;
  for (const std::string &kind : ops) {
    if (!llvm::is_contained(kKinds, kind)) {
      emitError(getOperation()->getLoc())
          << "compress-insert-observers: unknown op kind '" << kind
          << "' in option 'ops'; expected matmul, conv, add, mul or pool";
      return signalPassFailure();
    }
    kinds.insert(kind);
  }
  ModuleOp module = getOperation();
  module.walk([&](ObserveOp op) {
    nextId = std::max(nextId, int64_t(op.getId()) + 1);
  });
  observers.clear();

  SmallVector<std::pair<Operation *, StringRef>> quantizable;
  unsigned index = 0;
  module.walk([&](Operation *op) {
    std::optional<StringRef> kind = getQuantizableKind(op);
    if (!kind)
      return;
    unsigned layerIndex = index++;
    if (!kinds.empty() && !kinds.contains(*kind))
      return;
    std::string name = getLayerName(op, layerIndex);
    if (llvm::is_contained(skip, name))
      return;
    quantizable.push_back({op, *kind});
  });

  for (auto [op, kind] : quantizable) {
    auto linalgOp = cast<linalg::LinalgOp>(op);
    for (OpOperand *input : linalgOp.getDpsInputOperands())
      if (isFloatTensor(input->get()) && !isConstantLike(input->get())) {
        // Observe before a flatten or reshape and before padding:
        // quantization commutes with moving elements, a pad value of 0 (or
        // -inf before max pooling) is exact in every range the fold derives
        // (which include 0), and the observer then sits right after the
        // layer that produced the values (where compress-fuse-qdq expects
        // it, and fuses the pad into the integer kernel).
        OpOperand *use = input;
        while (true) {
          Operation *producer = use->get().getDefiningOp();
          if (auto reshape =
                  dyn_cast_or_null<tensor::CollapseShapeOp>(producer))
            use = &reshape.getSrcMutable();
          else if (auto pad = dyn_cast_or_null<tensor::PadOp>(producer))
            use = &pad.getSourceMutable();
          else
            break;
        }
        Value original = use->get();
        Value observed = observe(original);
        if (layerOutputs && isLayerOutput(original))
          original.replaceAllUsesExcept(observed, observed.getDefiningOp());
        else
          use->set(observed);
      }
  }

  for (auto function : module.getOps<func::FuncOp>()) {
    if (function.isPrivate() || function.isExternal())
      continue;
    if (observeInputs)
      for (BlockArgument arg : function.getArguments())
        if (isFloatTensor(arg)) {
          Value observed = observe(arg);
          arg.replaceAllUsesExcept(observed, observed.getDefiningOp());
        }
    // Returned activations are observed too, so that the last layer's output
    // gets a quantized type and its matmul can become integer.
    function.walk([&](func::ReturnOp ret) {
      for (OpOperand &operand : ret->getOpOperands())
        if (isFloatTensor(operand.get()) && !isConstantLike(operand.get()))
          operand.set(observe(operand.get()));
    });
  }
}

} // namespace
