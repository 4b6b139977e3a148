//===- EarlyDealloc.cpp - free buffers after their last use ---------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/Common/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::compress {
#define GEN_PASS_DEF_EARLYDEALLOC
#include "compress/Codegen/Common/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;

namespace {

/// The last op of `block` (at or after `alloc`) that uses `buffer` through
/// any alias or derived address, or null when some use cannot be followed.
Operation *findLastUse(memref::AllocOp alloc, memref::DeallocOp dealloc) {
  Block *block = alloc->getBlock();
  Operation *last = alloc;
  SmallVector<Value> worklist = {alloc.getResult()};
  llvm::SmallPtrSet<Value, 16> seen = {alloc.getResult()};
  auto follow = [&](Value v) {
    if (seen.insert(v).second)
      worklist.push_back(v);
  };
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (user == dealloc.getOperation())
        continue;
      Operation *ancestor = block->findAncestorOpInBlock(*user);
      if (!ancestor || ancestor->isBeforeInBlock(alloc))
        return nullptr;
      if (last->isBeforeInBlock(ancestor))
        last = ancestor;
      // What flows on from this use. An op with regions that takes the
      // buffer (or its address) as an operand and has results (a loop
      // carrying it) could hand it on: not followed.
      if (user->getNumRegions() > 0 && user->getNumResults() > 0 &&
          user == ancestor)
        return nullptr;
      if (isa<func::ReturnOp, memref::DeallocOp>(user))
        return nullptr; // escapes, or freed through an alias
      if (auto store = dyn_cast<memref::StoreOp>(user))
        if (store.getValueToStore() == value)
          return nullptr; // the value (an address?) goes to memory
      if (auto call = dyn_cast<CallOpInterface>(user))
        if (isa<BaseMemRefType>(value.getType()))
          return nullptr; // a callee may keep the buffer
      if (isa<ViewLikeOpInterface, memref::CastOp,
              memref::ExtractStridedMetadataOp,
              memref::ExtractAlignedPointerAsIndexOp>(user) ||
          (!isa<BaseMemRefType>(value.getType()) &&
           user->getNumRegions() == 0 && !isa<CallOpInterface>(user))) {
        // Aliases and derived addresses (and any value computed from an
        // address) count as the buffer.
        for (Value result : user->getResults())
          follow(result);
        continue;
      }
      // Any other op with a memref result might alias the buffer.
      if (llvm::any_of(user->getResultTypes(),
                       [](Type t) { return isa<BaseMemRefType>(t); }))
        return nullptr;
    }
  }
  return last;
}

struct EarlyDeallocPass
    : public compress::impl::EarlyDeallocBase<EarlyDeallocPass> {
  void runOnOperation() override {
    SmallVector<memref::DeallocOp> deallocs;
    getOperation().walk([&](memref::DeallocOp op) { deallocs.push_back(op); });
    for (memref::DeallocOp dealloc : deallocs) {
      auto alloc = dealloc.getMemref().getDefiningOp<memref::AllocOp>();
      if (!alloc || alloc->getBlock() != dealloc->getBlock())
        continue;
      Operation *last = findLastUse(alloc, dealloc);
      if (!last || !last->isBeforeInBlock(dealloc))
        continue;
      dealloc->moveAfter(last);
    }
  }
};

} // namespace
