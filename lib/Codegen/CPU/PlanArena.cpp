//===- PlanArena.cpp - intermediate buffers at offsets of one arena ------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// After bufferization and compress-early-dealloc, a compiled model is one
// block: a memref.alloc per intermediate buffer, its uses, and a
// memref.dealloc after the last one. Each call then mallocs and frees every
// buffer, and large blocks come from mmap, so the kernel zeroes and faults in
// fresh pages on every call unless the process tunes malloc.
//
// This pass gives each such buffer a fixed byte offset in one arena, sized
// once at compile time: buffers whose lifetimes (alloc to dealloc, in block
// order) overlap get disjoint ranges, others may share bytes. Placement is
// greedy, largest buffer first, each at the lowest 64-byte aligned offset
// that does not overlap a placed buffer alive at the same time. The function
// takes the arena from the runtime at entry (compress_cpu_arena_push, a
// per-thread block kept between calls) and gives it back before it returns;
// the allocs become views of the arena and the deallocs go.
//
// Each buffer's bytes come from their own runtime call
// (compress_cpu_arena_slot: the arena's address plus the offset), not from a
// view of the arena: LLVM cannot see through the call, so it takes the
// buffers for distinct objects that may overlap and vectorizes a loop behind
// a run-time overlap check. Views of one base at different offsets would be
// one object to it, with accesses whose distance it cannot compute (the
// offsets are constants, the indices are not), and it leaves such loops
// scalar: a softmax ran 4x slower from the arena than from malloc.
//
// Left to malloc, unchanged: buffers a function returns (the caller owns
// them), buffers with dynamic sizes, non-identity layouts, memory spaces,
// non-byte element types, allocs nested in regions, buffers not freed
// exactly once in the function's block, and anything passed to a call that
// returns memrefs (it might return an alias).
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include <algorithm>

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSCPUPLANARENA
#include "compress/Codegen/CPU/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;

namespace {

constexpr int64_t kArenaAlignment = 64;
constexpr llvm::StringLiteral kPushName = "compress_cpu_arena_push";
constexpr llvm::StringLiteral kPopName = "compress_cpu_arena_pop";
constexpr llvm::StringLiteral kSlotName = "compress_cpu_arena_slot";
constexpr llvm::StringLiteral kArenaBytesAttr = "compress.arena_bytes";

struct Buffer {
  memref::AllocOp alloc;
  memref::DeallocOp dealloc;
  int64_t bytes = 0;
  int64_t first = 0, last = 0; // positions of the alloc and the dealloc
  int64_t offset = -1;

  bool overlapsInTime(const Buffer &other) const {
    return first <= other.last && other.first <= last;
  }
};

/// The buffer's size in bytes, if the pass may place it.
std::optional<int64_t> placeableBytes(memref::AllocOp alloc) {
  MemRefType type = alloc.getType();
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      type.getMemorySpace() || !alloc.getDynamicSizes().empty() ||
      !alloc.getSymbolOperands().empty())
    return std::nullopt;
  if (std::optional<uint64_t> alignment = alloc.getAlignment();
      alignment && int64_t(*alignment) > kArenaAlignment)
    return std::nullopt;
  Type element = type.getElementType();
  if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  return type.getNumElements() * int64_t(element.getIntOrFloatBitWidth() / 8);
}

/// Whether `value` or a view of it reaches a return or a call that returns
/// memrefs.
bool mayEscape(Value value) {
  SmallVector<Value> worklist{value};
  while (!worklist.empty()) {
    Value current = worklist.pop_back_val();
    for (Operation *user : current.getUsers()) {
      if (isa<func::ReturnOp>(user))
        return true;
      if (auto call = dyn_cast<CallOpInterface>(user))
        if (llvm::any_of(call->getResultTypes(), llvm::IsaPred<MemRefType>))
          return true;
      if (auto view = dyn_cast<ViewLikeOpInterface>(user))
        if (view.getViewSource() == current)
          llvm::append_range(worklist, user->getResults());
      if (isa<memref::CastOp>(user))
        worklist.push_back(user->getResult(0));
    }
  }
  return false;
}

/// Places `buffers` (offsets set); returns the arena's size.
int64_t placeBuffers(SmallVectorImpl<Buffer> &buffers) {
  SmallVector<Buffer *> order;
  for (Buffer &buffer : buffers)
    order.push_back(&buffer);
  llvm::stable_sort(order, [](const Buffer *a, const Buffer *b) {
    return a->bytes > b->bytes;
  });
  int64_t total = 0;
  SmallVector<Buffer *> placed;
  for (Buffer *buffer : order) {
    SmallVector<std::pair<int64_t, int64_t>> busy; // [begin, end) in bytes
    for (Buffer *other : placed)
      if (other->overlapsInTime(*buffer))
        busy.push_back({other->offset, other->offset + other->bytes});
    llvm::sort(busy);
    int64_t offset = 0;
    for (auto [begin, end] : busy) {
      if (offset + buffer->bytes <= begin)
        break;
      offset = std::max<int64_t>(offset, llvm::alignTo(end, kArenaAlignment));
    }
    buffer->offset = offset;
    total = std::max(total, offset + buffer->bytes);
    placed.push_back(buffer);
  }
  return static_cast<int64_t>(llvm::alignTo(total, kArenaAlignment));
}

struct PlanArenaPass
    : public compress::impl::CompressCPUPlanArenaBase<PlanArenaPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> functions;
    for (func::FuncOp function : module.getOps<func::FuncOp>())
      if (!function.isExternal() && function.getName() != kPushName &&
          function.getName() != kPopName)
        functions.push_back(function);
    for (func::FuncOp function : functions)
      planFunction(function);
  }

  void planFunction(func::FuncOp function);
  void declareRuntime(OpBuilder &b);
};

void PlanArenaPass::declareRuntime(OpBuilder &b) {
  ModuleOp module = getOperation();
  Location loc = module.getLoc();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  if (!module.lookupSymbol(kPushName)) {
    auto push = func::FuncOp::create(
        b, loc, kPushName,
        b.getFunctionType(
            {b.getI64Type()},
            {MemRefType::get({ShapedType::kDynamic}, b.getIntegerType(8))}));
    push.setPrivate();
    // The memref<?xi8> result comes back through the C interface's
    // descriptor pointer (_mlir_ciface_compress_cpu_arena_push).
    push->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  b.getUnitAttr());
  }
  if (!module.lookupSymbol(kSlotName)) {
    auto bytes = MemRefType::get({ShapedType::kDynamic}, b.getIntegerType(8));
    auto slot = func::FuncOp::create(
        b, loc, kSlotName,
        b.getFunctionType({bytes, b.getI64Type(), b.getI64Type()}, {bytes}));
    slot.setPrivate();
    slot->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  b.getUnitAttr());
  }
  if (!module.lookupSymbol(kPopName))
    func::FuncOp::create(b, loc, kPopName, b.getFunctionType({}, {}))
        .setPrivate();
}

void PlanArenaPass::planFunction(func::FuncOp function) {
  if (!function.getBody().hasOneBlock())
    return;
  Block &block = function.getBody().front();
  auto ret = dyn_cast<func::ReturnOp>(block.getTerminator());
  if (!ret)
    return;
  llvm::DenseMap<Operation *, int64_t> position;
  for (auto [i, op] : llvm::enumerate(block))
    position[&op] = int64_t(i);

  SmallVector<Buffer> buffers;
  for (auto alloc : block.getOps<memref::AllocOp>()) {
    std::optional<int64_t> bytes = placeableBytes(alloc);
    if (!bytes || *bytes == 0 || mayEscape(alloc.getResult()))
      continue;
    SmallVector<memref::DeallocOp> deallocs;
    for (Operation *user : alloc->getUsers())
      if (auto dealloc = dyn_cast<memref::DeallocOp>(user))
        deallocs.push_back(dealloc);
    if (deallocs.size() != 1 || deallocs.front()->getBlock() != &block)
      continue;
    buffers.push_back(Buffer{alloc, deallocs.front(), *bytes, position[alloc],
                             position[deallocs.front()]});
  }
  if (buffers.empty())
    return;
  int64_t total = placeBuffers(buffers);
  numBuffers += buffers.size();
  arenaBytes += total;
  // For compress-compile's report (the header's NAME_ARENA_BYTES); the
  // conversion to the LLVM dialect keeps it on the llvm.func.
  function->setAttr(
      kArenaBytesAttr,
      IntegerAttr::get(IntegerType::get(function.getContext(), 64), total));

  OpBuilder b(function.getContext());
  declareRuntime(b);
  Location loc = function.getLoc();
  b.setInsertionPointToStart(&block);
  Value size =
      arith::ConstantIntOp::create(b, loc, b.getI64Type(), total).getResult();
  auto arenaType = MemRefType::get({ShapedType::kDynamic}, b.getIntegerType(8));
  Value arena =
      func::CallOp::create(b, loc, kPushName, TypeRange{arenaType}, {size})
          .getResult(0);
  for (Buffer &buffer : buffers) {
    b.setInsertionPoint(buffer.alloc);
    Location at = buffer.alloc.getLoc();
    Value offset =
        arith::ConstantIntOp::create(b, at, b.getI64Type(), buffer.offset);
    Value bytes =
        arith::ConstantIntOp::create(b, at, b.getI64Type(), buffer.bytes);
    Value slot = func::CallOp::create(b, at, kSlotName, TypeRange{arenaType},
                                      ValueRange{arena, offset, bytes})
                     .getResult(0);
    Value zero = arith::ConstantIndexOp::create(b, at, 0);
    Value view = memref::ViewOp::create(b, at, buffer.alloc.getType(), slot,
                                        zero, ValueRange{});
    buffer.alloc.getResult().replaceAllUsesWith(view);
    buffer.dealloc.erase();
    buffer.alloc.erase();
  }
  b.setInsertionPoint(ret);
  func::CallOp::create(b, ret.getLoc(), kPopName, TypeRange{}, ValueRange{});
}

} // namespace
