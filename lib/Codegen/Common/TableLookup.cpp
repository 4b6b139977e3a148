//===- TableLookup.cpp - narrow-input subexpressions as table lookups -----===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// In a quantized model, much elementwise work is a function of one byte: a
// requantized i8 value is dequantized, divided, passed through erf,
// quantized, dequantized again, multiplied, quantized once more (GELU's
// chain between two int8 matmuls). Such a value takes 256 values at most,
// so its whole computation can be done once per byte value at compile time
// and looked up at run time. This pass finds those subexpressions in the
// bodies of all-parallel linalg.generic ops, evaluates them with the ops'
// own folders (and IEEE fma for math.fma) and replaces each by a load from
// a constant table: the same bits the loops would have computed.
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/Common/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Debug.h"

namespace mlir::compress {
#define GEN_PASS_DEF_TABLELOOKUP
#include "compress/Codegen/Common/Passes.h.inc"
} // namespace mlir::compress

#define DEBUG_TYPE "compress-table-lookup"

using namespace mlir;
using namespace mlir::compress;

namespace {

/// Integers of at most this many bits index a table (2^8 entries).
constexpr unsigned kMaxIndexBits = 8;

/// What a value of a body depends on: constants only, one narrow root
/// value, or anything else.
struct Source {
  enum Kind { Constant, Single, Other } kind = Other;
  Value root;

  static Source constant() { return {Constant, Value()}; }
  static Source single(Value root) { return {Single, root}; }
  static Source other() { return {Other, Value()}; }
  bool isSingle(Value r) const { return kind == Single && root == r; }
};

bool isNarrowInteger(Type type) {
  auto integer = dyn_cast<IntegerType>(type);
  return integer && integer.getWidth() >= 2 &&
         integer.getWidth() <= kMaxIndexBits;
}

/// Ops the evaluation can compute exactly: pure scalar arith and math ops
/// with one integer or float result.
bool isEvaluable(Operation *op) {
  if (!isa<arith::ArithDialect, math::MathDialect>(op->getDialect()))
    return false;
  if (op->getNumResults() != 1 || op->getNumRegions() != 0 || !isPure(op))
    return false;
  Type type = op->getResult(0).getType();
  return isa<IntegerType, FloatType>(type) &&
         llvm::all_of(op->getOperandTypes(),
                      [](Type t) { return isa<IntegerType, FloatType>(t); });
}

/// What an op costs in the loop, roughly in vector instructions: the
/// table lookup (one gather) pays when a subexpression costs more.
int64_t costOf(Operation *op) {
  if (isa<arith::DivFOp, arith::RemFOp, arith::DivSIOp, arith::DivUIOp,
          arith::RemSIOp, arith::RemUIOp, math::SqrtOp, math::RsqrtOp>(op))
    return 8;
  if (isa<math::MathDialect>(op->getDialect()) &&
      !isa<math::FmaOp, math::AbsFOp, math::RoundEvenOp, math::RoundOp,
           math::FloorOp, math::CeilOp, math::TruncOp, math::CopySignOp>(op))
    return 16; // a transcendental function left as such
  return 1;
}

/// The value of `op`'s result given its operands' constant values, or null.
Attribute foldOne(Operation *op, ArrayRef<Attribute> operands) {
  if (auto fma = dyn_cast<math::FmaOp>(op)) {
    auto a = dyn_cast<FloatAttr>(operands[0]);
    auto b = dyn_cast<FloatAttr>(operands[1]);
    auto c = dyn_cast<FloatAttr>(operands[2]);
    if (!a || !b || !c)
      return {};
    APFloat result = a.getValue();
    result.fusedMultiplyAdd(b.getValue(), c.getValue(),
                            APFloat::rmNearestTiesToEven);
    return FloatAttr::get(fma.getType(), result);
  }
  SmallVector<OpFoldResult> results;
  if (failed(op->fold(operands, results)) || results.size() != 1)
    return {};
  if (auto attr = dyn_cast<Attribute>(results[0]))
    return attr;
  // Folded to one of its operands.
  Value value = cast<Value>(results[0]);
  for (auto [operand, attr] : llvm::zip(op->getOperands(), operands))
    if (operand == value)
      return attr;
  return {};
}

/// A subexpression of a body: `value`, computed from `root` by `ops` (in
/// body order).
struct Subexpression {
  Value root;
  Value value;
  SmallVector<Operation *> ops;
};

/// The table of `sub`: its value for each bit pattern of the root, or
/// failure when an op does not fold (poison, say: an out-of-range fptoui).
FailureOr<DenseElementsAttr> evaluate(const Subexpression &sub) {
  auto rootType = cast<IntegerType>(sub.root.getType());
  int64_t size = int64_t(1) << rootType.getWidth();
  Type resultType = sub.value.getType();
  SmallVector<Attribute> entries;
  entries.reserve(size);
  DenseMap<Value, Attribute> values;
  for (int64_t pattern = 0; pattern < size; ++pattern) {
    values.clear();
    values[sub.root] = IntegerAttr::get(
        rootType, APInt(rootType.getWidth(), uint64_t(pattern)));
    for (Operation *op : sub.ops) {
      SmallVector<Attribute> operands;
      for (Value operand : op->getOperands()) {
        Attribute attr = values.lookup(operand);
        if (!attr && !matchPattern(operand, m_Constant(&attr)))
          return failure();
        operands.push_back(attr);
      }
      Attribute result = foldOne(op, operands);
      if (!result || !isa<IntegerAttr, FloatAttr>(result) ||
          cast<TypedAttr>(result).getType() != op->getResult(0).getType())
        return failure();
      values[op->getResult(0)] = result;
    }
    entries.push_back(values.lookup(sub.value));
  }
  // Narrower integers are stored as i32: LLVM's loop vectorizer gathers 32-
  // and 64-bit elements, but leaves a loop that loads bytes by index scalar.
  auto integer = dyn_cast<IntegerType>(resultType);
  if (integer && integer.getWidth() < 32) {
    auto wide = IntegerType::get(resultType.getContext(), 32);
    for (Attribute &entry : entries)
      entry =
          IntegerAttr::get(wide, cast<IntegerAttr>(entry).getValue().zext(32));
    resultType = wide;
  }
  auto type = RankedTensorType::get({size}, resultType);
  return DenseElementsAttr::get(type, entries);
}

struct TableLookupPass
    : public compress::impl::TableLookupBase<TableLookupPass> {
  using TableLookupBase::TableLookupBase;

  void runOnOperation() final {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<linalg::GenericOp> generics;
    module.walk([&](linalg::GenericOp op) {
      if (op.getNumLoops() == op.getNumParallelLoops() &&
          (op.hasPureTensorSemantics() || op.hasPureBufferSemantics()))
        generics.push_back(op);
    });
    for (linalg::GenericOp op : generics)
      rewrite(op, symbols);
  }

  /// The maximal narrow-root subexpressions of `op`'s body that cost at
  /// least min-cost.
  SmallVector<Subexpression> findSubexpressions(linalg::GenericOp op) {
    Block &body = op.getRegion().front();
    DenseMap<Value, Source> sources;
    auto sourceOf = [&](Value value) {
      auto it = sources.find(value);
      if (it != sources.end())
        return it->second;
      // Defined above the body.
      return matchPattern(value, m_Constant()) ? Source::constant()
                                               : Source::other();
    };
    for (BlockArgument arg : body.getArguments())
      sources[arg] = isNarrowInteger(arg.getType()) ? Source::single(arg)
                                                    : Source::other();
    for (Operation &inner : body.without_terminator()) {
      Source source = Source::constant();
      if (!isEvaluable(&inner)) {
        source = Source::other();
      } else {
        for (Value operand : inner.getOperands()) {
          Source s = sourceOf(operand);
          if (s.kind == Source::Constant)
            continue;
          if (s.kind == Source::Other ||
              (source.kind == Source::Single && source.root != s.root)) {
            source = Source::other();
            break;
          }
          source = s;
        }
      }
      for (Value result : inner.getResults())
        sources[result] =
            source.kind == Source::Other && isNarrowInteger(result.getType())
                ? Source::single(result)
                : source;
    }

    SmallVector<Subexpression> found;
    for (Operation &inner : body.without_terminator()) {
      if (inner.getNumResults() != 1)
        continue;
      Value value = inner.getResult(0);
      Source source = sources.lookup(value);
      if (source.kind != Source::Single || source.root == value)
        continue;
      // Maximal: some user computes more than a function of the root.
      bool escapes = llvm::any_of(value.getUsers(), [&](Operation *user) {
        return user->hasTrait<OpTrait::IsTerminator>() ||
               llvm::any_of(user->getResults(), [&](Value r) {
                 return !sources.lookup(r).isSingle(source.root);
               });
      });
      if (!escapes)
        continue;
      // The ops between the root and the value, in body order.
      llvm::SetVector<Operation *> slice;
      SmallVector<Value> work{value};
      while (!work.empty()) {
        Value v = work.pop_back_val();
        Operation *def = v.getDefiningOp();
        if (v == source.root || !def || def->getBlock() != &body ||
            !slice.insert(def))
          continue;
        llvm::append_range(work, def->getOperands());
      }
      SmallVector<Operation *> ops(slice.begin(), slice.end());
      llvm::sort(ops, [](Operation *a, Operation *b) {
        return a->isBeforeInBlock(b);
      });
      int64_t cost = 0;
      for (Operation *sliceOp : ops)
        cost += costOf(sliceOp);
      if (cost >= minCost)
        found.push_back({source.root, value, std::move(ops)});
    }
    return found;
  }

  void rewrite(linalg::GenericOp op, SymbolTable &symbols) {
    SmallVector<Subexpression> subs = findSubexpressions(op);
    if (subs.empty())
      return;
    Block &body = op.getRegion().front();
    // Every table first: a lookup replacing one value must not be met by
    // the evaluation of a larger subexpression that reads it.
    SmallVector<std::pair<const Subexpression *, DenseElementsAttr>> tables;
    for (const Subexpression &sub : subs) {
      FailureOr<DenseElementsAttr> table = evaluate(sub);
      if (succeeded(table))
        tables.push_back({&sub, *table});
      else
        LLVM_DEBUG(llvm::dbgs() << "not tabulated (an op does not fold): "
                                << sub.value << "\n");
    }
    for (auto [sub, table] : tables) {
      // The table, outside the op.
      OpBuilder builder(op);
      Location loc = sub->value.getLoc();
      Value tableValue;
      if (op.hasPureTensorSemantics()) {
        tableValue = arith::ConstantOp::create(builder, loc, table);
      } else {
        auto memrefType =
            MemRefType::get(table.getType().getShape(), table.getElementType());
        OpBuilder moduleBuilder =
            OpBuilder::atBlockBegin(getOperation().getBody());
        auto global = memref::GlobalOp::create(
            moduleBuilder, loc, "__compress_table",
            moduleBuilder.getStringAttr("private"), memrefType, table,
            /*constant=*/true,
            /*alignment=*/moduleBuilder.getI64IntegerAttr(64));
        symbols.insert(global); // renamed if the name is taken
        tableValue = memref::GetGlobalOp::create(builder, loc, memrefType,
                                                 global.getSymName());
      }
      // The lookup, where the value was computed.
      builder.setInsertionPointAfter(sub->value.getDefiningOp());
      Value index = arith::IndexCastUIOp::create(
          builder, loc, builder.getIndexType(), sub->root);
      Value lookup = op.hasPureTensorSemantics()
                         ? Value(tensor::ExtractOp::create(
                               builder, loc, tableValue, ValueRange{index}))
                         : Value(memref::LoadOp::create(
                               builder, loc, tableValue, ValueRange{index}));
      if (lookup.getType() != sub->value.getType())
        lookup =
            arith::TruncIOp::create(builder, loc, sub->value.getType(), lookup);
      Value(sub->value).replaceAllUsesWith(lookup);
    }
    if (tables.empty())
      return;
    // The subexpressions' ops are dead now.
    SmallVector<Operation *> ops;
    for (Operation &inner : body.without_terminator())
      ops.push_back(&inner);
    for (Operation *inner : llvm::reverse(ops))
      if (inner->use_empty() && isPure(inner))
        inner->erase();
  }
};

} // namespace
