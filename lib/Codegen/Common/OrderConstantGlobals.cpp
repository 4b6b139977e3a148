//===- OrderConstantGlobals.cpp - deterministic bufferization globals -----===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// One-shot module bufferization turns each tensor constant into a private
// memref.global named `__constant_<shape><type>[_N]`, creating them in the
// order it visits functions, which for functions that do not call each
// other follows pointer values. The same input then compiles to differently
// ordered and numbered globals from one run to the next. This pass renames
// and moves them by first use, in module order, so that the output depends
// on the input alone.
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/Common/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::compress {
#define GEN_PASS_DEF_ORDERCONSTANTGLOBALS
#include "compress/Codegen/Common/Passes.h.inc"
} // namespace mlir::compress

#define DEBUG_TYPE "compress-order-constant-globals"

using namespace mlir;
using namespace mlir::compress;

namespace {

constexpr llvm::StringLiteral kConstantPrefix = "__constant_";

/// The globals bufferization makes for constants: private, constant, with an
/// initial value, named with its prefix.
bool isBufferizedConstant(memref::GlobalOp global) {
  return global.isPrivate() && global.getConstant() &&
         global.getInitialValue() &&
         global.getSymName().starts_with(kConstantPrefix);
}

/// `__constant_<shape><element type>`, as bufferization names them.
std::string baseName(memref::GlobalOp global) {
  std::string name = kConstantPrefix.str();
  llvm::raw_string_ostream os(name);
  MemRefType type = global.getType();
  for (int64_t size : type.getShape())
    os << size << "x";
  os << type.getElementType();
  return name;
}

struct OrderConstantGlobalsPass
    : public compress::impl::OrderConstantGlobalsBase<
          OrderConstantGlobalsPass> {
  void runOnOperation() final {
    ModuleOp module = getOperation();
    llvm::StringMap<memref::GlobalOp> constants;
    for (auto global : module.getOps<memref::GlobalOp>())
      if (isBufferizedConstant(global))
        constants[global.getSymName()] = global;
    if (constants.empty())
      return;

    // First uses, in the order of the module's operations; globals used by
    // nothing keep their relative order after the used ones.
    llvm::MapVector<Operation *, bool> order;
    module.walk([&](memref::GetGlobalOp get) {
      auto it = constants.find(get.getName());
      if (it != constants.end())
        order.insert({it->second, true});
    });
    for (auto global : module.getOps<memref::GlobalOp>())
      if (isBufferizedConstant(global))
        order.insert({global, true});

    // New names: the base name for the first global of each shape and type,
    // `_1`, `_2`, ... after it, avoiding every other symbol of the module.
    llvm::StringSet<> taken;
    for (Operation &op : module.getBody()->getOperations())
      if (auto symbol = dyn_cast<SymbolOpInterface>(op))
        if (!constants.count(symbol.getName()))
          taken.insert(symbol.getName());
    llvm::StringMap<unsigned> counters;
    SmallVector<std::pair<memref::GlobalOp, std::string>> renames;
    for (auto &entry : order) {
      auto global = cast<memref::GlobalOp>(entry.first);
      std::string base = baseName(global);
      std::string name;
      do {
        unsigned count = counters[base]++;
        name = count == 0 ? base : base + "_" + std::to_string(count);
      } while (!taken.insert(name).second);
      renames.push_back({global, std::move(name)});
    }

    // Two steps, through names no symbol has, so that renaming one global to
    // another's old name never clashes.
    for (auto [index, rename] : llvm::enumerate(renames)) {
      std::string temporary =
          "__compress_renaming_constant_" + std::to_string(index);
      if (failed(SymbolTable::replaceAllSymbolUses(
              rename.first, StringAttr::get(&getContext(), temporary), module)))
        return signalPassFailure();
      SymbolTable::setSymbolName(rename.first, temporary);
    }
    Operation *insertionPoint = nullptr;
    for (auto &[global, name] : renames) {
      if (failed(SymbolTable::replaceAllSymbolUses(
              global, StringAttr::get(&getContext(), name), module)))
        return signalPassFailure();
      SymbolTable::setSymbolName(global, name);
      // In first-use order at the top of the module.
      if (insertionPoint)
        global->moveAfter(insertionPoint);
      else
        global->moveBefore(&module.getBody()->front());
      insertionPoint = global;
    }
  }
};

} // namespace
