//===- VectorizeMatmuls.cpp - vector code for matmul-like linalg ops ------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Tiles every matmul-like linalg op (one reduction dimension, projected
// permutation maps, static shapes: matmul, batch_matmul, matvec and their
// transposed forms, and the integer kernels of compress-fuse-qdq) to one
// point of every parallel dimension but the last, a few points of the last
// and a chunk of the reduction, and vectorizes each tile with upstream's
// vectorizer. The products of a chunk become one vector multiply and one
// vector reduction per output, which LLVM turns into dot-product
// instructions for integers.
//
//===----------------------------------------------------------------------===//

#include "KernelMatchers.h"
#include "TilingUtils.h"
#include "compress/Codegen/CPU/Passes.h"
#include "compress/Codegen/ParallelNest.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

#define DEBUG_TYPE "compress-vectorize-matmuls"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSVECTORIZEMATMULS
#include "compress/Codegen/CPU/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using mlir::compress::dividingTile;
using mlir::compress::tileWithLoops;
using mlir::compress::vectorizeInPlace;

namespace {

/// Merges the reduction dimensions of `op` into one when they are
/// consecutive and every operand walks them as one (a dense layer that
/// reads a flattened NCHW activation reduces over c, h and w: 1568 values
/// in a row, not three short loops). Returns the op to vectorize.
linalg::LinalgOp collapseReductions(linalg::LinalgOp op,
                                    RewriterBase &rewriter) {
  SmallVector<unsigned> reductions;
  op.getReductionDims(reductions);
  if (reductions.size() < 2)
    return op;
  for (auto [i, dim] : llvm::enumerate(reductions))
    if (dim != reductions.front() + i)
      return op;
  // Only plain indexing (no pooling or convolution windows, which the
  // collapsing utility does not check for).
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!llvm::all_of(maps,
                    [](AffineMap map) { return map.isProjectedPermutation(); }))
    return op;
  ReassociationIndices sequence(reductions.begin(), reductions.end());
  if (!linalg::areDimSequencesPreserved(maps, sequence))
    return op;
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::CollapseResult> collapsed =
      linalg::collapseOpIterationDims(op, {sequence}, rewriter);
  if (failed(collapsed))
    return op;
  rewriter.replaceOp(op, collapsed->results);
  return collapsed->collapsedOp;
}

/// A linalg op this pass vectorizes: on tensors with static shapes, with
/// exactly one reduction dimension, projected-permutation indexing maps and
/// a body of scalar arithmetic (no convolution windows, no index ops).
bool isMatmulLike(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumReductionLoops() != 1 ||
      op.getNumParallelLoops() < 1 || op.getNumDpsInits() != 1 ||
      op.hasIndexSemantics() || isa<linalg::FillOp, linalg::CopyOp>(op) ||
      compress::hasCPUKernel(op))
    return false;
  if (!llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isProjectedPermutation(); }))
    return false;
  // Sub-byte integers (i1, i4) are bit-packed in LLVM vectors but take a
  // byte each in memory: vector transfers of them would read wrong bits.
  return llvm::all_of(op->getOperandTypes(), [](Type type) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    return tensor && tensor.hasStaticShape() &&
           !(tensor.getElementType().isInteger() &&
             tensor.getElementType().getIntOrFloatBitWidth() % 8 != 0);
  });
}

struct VectorizeMatmulsPass
    : public compress::impl::CompressVectorizeMatmulsBase<
          VectorizeMatmulsPass> {
  using CompressVectorizeMatmulsBase::CompressVectorizeMatmulsBase;

  void runOnOperation() override {
    if (maxColumns < 1 || maxChunk < 1) {
      emitError(getOperation()->getLoc())
          << "compress-vectorize-matmuls: options 'max-columns' and "
             "'max-chunk' must be at least 1";
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);
    SmallVector<linalg::LinalgOp> multiReductions;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && op.getNumReductionLoops() > 1 &&
          !compress::hasCPUKernel(op))
        multiReductions.push_back(op);
    });
    for (linalg::LinalgOp op : multiReductions)
      (void)collapseReductions(op, rewriter);

    SmallVector<linalg::LinalgOp> candidates;
    getOperation()->walk([&](linalg::LinalgOp op) {
      // Ops whose body the vectorizer does not take stay loops, silently:
      // this is an optimization.
      if (isMatmulLike(op) && succeeded(linalg::vectorizeOpPrecondition(op)))
        candidates.push_back(op);
    });
    for (linalg::LinalgOp op : candidates) {
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
      unsigned lastParallel = 0;
      for (auto [dim, iterator] : llvm::enumerate(iterators))
        if (iterator == utils::IteratorType::parallel)
          lastParallel = dim;
      SmallVector<int64_t> sizes(ranges.size(), 1);
      for (auto [dim, iterator] : llvm::enumerate(iterators)) {
        if (iterator == utils::IteratorType::reduction)
          sizes[dim] = dividingTile(ranges[dim], maxChunk);
        else if (dim == lastParallel)
          sizes[dim] = dividingTile(ranges[dim], maxColumns);
      }
      // Whether the outer tile loop's iterations (dimension 0, tiled by 1
      // or more) write disjoint outputs, for compress-cpu-parallelize-loops.
      bool splittable = compress::outerLoopWritesDisjointOutputs(op);
      int64_t perTile = 1;
      for (int64_t size : sizes)
        perTile *= size;
      SmallVector<Operation *> loops;
      FailureOr<SmallVector<Operation *>> tiles =
          tileWithLoops(rewriter, op, sizes, &loops);
      if (failed(tiles)) {
        op.emitRemark() << "compress-vectorize-matmuls: could not tile this "
                           "op; left as loops";
        continue;
      }
      // The mark carries the elements each innermost iteration computes.
      if (splittable && !loops.empty() && isa<scf::ForOp>(loops.front()))
        loops.front()->setAttr(compress::kParallelNestAttrName,
                               rewriter.getI64IntegerAttr(perTile));
      for (Operation *tile : *tiles)
        if (failed(vectorizeInPlace(rewriter, tile)))
          tile->emitRemark() << "compress-vectorize-matmuls: could not "
                                "vectorize this tile; left as loops";
    }
  }
};

} // namespace
