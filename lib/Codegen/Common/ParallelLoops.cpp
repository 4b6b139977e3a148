//===- ParallelLoops.cpp - tell LLVM which loops carry no dependences -----===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// LLVM's loop vectorizer checks at run time that a loop's stores do not
// overlap its loads, and gives up where it cannot bound an access: a table
// lookup (memref.load of a constant global at a computed index) in a loop
// that stores into a buffer of unknown origin stays scalar. The loops of an
// all-parallel linalg op carry no dependences by linalg's definition, so the
// first pass lowers linalg ops to loops and marks the innermost loop of each
// such op with an llvm.loop_annotation listing a fresh access group; the
// second, on the LLVM dialect, moves the annotation onto the loop's latch
// branch and puts every load and store of the loop in that group. LLVM then
// reads !llvm.loop.parallel_accesses and needs no run-time checks.
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/Common/Passes.h"
#include "compress/Codegen/ParallelNest.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/SetVector.h"

namespace mlir::compress {
#define GEN_PASS_DEF_LINALGTOANNOTATEDLOOPS
#define GEN_PASS_DEF_ATTACHLOOPACCESSGROUPS
#include "compress/Codegen/Common/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;

namespace {

/// The discardable attribute scf-to-cf copies from an scf.for onto its
/// latch branch.
constexpr llvm::StringLiteral kLoopAnnotation = "llvm.loop_annotation";

struct LinalgToAnnotatedLoopsPass
    : public compress::impl::LinalgToAnnotatedLoopsBase<
          LinalgToAnnotatedLoopsPass> {
  void runOnOperation() final {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      bool parallel =
          op.getNumLoops() > 0 && op.getNumLoops() == op.getNumParallelLoops();
      bool splittable = compress::outerLoopWritesDisjointOutputs(op);
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::LinalgLoops> loops =
          linalg::linalgOpToLoops(rewriter, op);
      if (failed(loops)) {
        op->emitError("cannot be lowered to loops");
        return signalPassFailure();
      }
      rewriter.eraseOp(op);
      if (loops->empty())
        continue;
      MLIRContext *context = &getContext();
      // Where compress-cpu-parallelize-loops may split the nest.
      if (splittable && isa<scf::ForOp>(loops->front()))
        loops->front()->setAttr(compress::kParallelNestAttrName,
                                UnitAttr::get(context));
      auto innermost = dyn_cast<scf::ForOp>(loops->back());
      if (!parallel || !innermost)
        continue;
      auto group = LLVM::AccessGroupAttr::get(
          context, DistinctAttr::create(UnitAttr::get(context)));
      auto annotation = LLVM::LoopAnnotationAttr::get(
          context, /*disableNonforced=*/nullptr, /*vectorize=*/nullptr,
          /*interleave=*/nullptr, /*unroll=*/nullptr,
          /*unrollAndJam=*/nullptr, /*licm=*/nullptr, /*distribute=*/nullptr,
          /*pipeline=*/nullptr, /*peeled=*/nullptr, /*unswitch=*/nullptr,
          /*mustProgress=*/nullptr, /*isVectorized=*/nullptr,
          /*startLoc=*/nullptr, /*endLoc=*/nullptr,
          /*parallelAccesses=*/{group});
      innermost->setAttr(kLoopAnnotation, annotation);
    }
    // As convert-linalg-to-loops: the index arithmetic folded.
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    memref::DimOp::getCanonicalizationPatterns(patterns, context);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

/// The blocks of the natural loop whose back edge goes from `latch` to
/// `header`.
llvm::SetVector<Block *> loopBlocks(Block *header, Block *latch) {
  llvm::SetVector<Block *> blocks;
  blocks.insert(header);
  SmallVector<Block *> work{latch};
  while (!work.empty()) {
    Block *block = work.pop_back_val();
    if (!blocks.insert(block))
      continue;
    llvm::append_range(work, block->getPredecessors());
  }
  return blocks;
}

struct AttachLoopAccessGroupsPass
    : public compress::impl::AttachLoopAccessGroupsBase<
          AttachLoopAccessGroupsPass> {
  void runOnOperation() final {
    getOperation().walk([&](LLVM::BrOp branch) {
      auto annotation =
          branch->getAttrOfType<LLVM::LoopAnnotationAttr>(kLoopAnnotation);
      if (!annotation)
        return;
      branch->removeAttr(kLoopAnnotation);
      ArrayRef<LLVM::AccessGroupAttr> groups = annotation.getParallelAccesses();
      Block *header = branch.getDest();
      Block *latch = branch->getBlock();
      // A branch that is no back edge (the header does not dominate the
      // latch in a structured loop's CFG: it cannot reach the latch) keeps
      // no annotation.
      llvm::SetVector<Block *> blocks = loopBlocks(header, latch);
      if (llvm::any_of(blocks, [&](Block *block) {
            return block != header && block->isEntryBlock();
          }))
        return;
      branch.setLoopAnnotationAttr(annotation);
      if (groups.empty())
        return;
      for (Block *block : blocks)
        for (Operation &op : *block)
          if (auto access = dyn_cast<LLVM::AccessGroupOpInterface>(op)) {
            SmallVector<Attribute> all;
            if (ArrayAttr existing = access.getAccessGroupsOrNull())
              llvm::append_range(all, existing);
            llvm::append_range(all, groups);
            access.setAccessGroups(ArrayAttr::get(&getContext(), all));
          }
    });
  }
};

} // namespace
