//===- ParallelNest.h - the mark of splittable loop nests -------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CODEGEN_PARALLELNEST_H
#define COMPRESS_CODEGEN_PARALLELNEST_H

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

namespace mlir::compress {

/// The discardable attribute on the outer loop of a loop nest whose outer
/// iterations write disjoint outputs: a unit attribute, or a positive
/// integer (the elements each innermost iteration computes, for tile
/// loops). Set by compress-linalg-to-annotated-loops and
/// compress-vectorize-matmuls, read (and removed) by
/// compress-cpu-parallelize-loops, verified by the compress dialect.
inline constexpr llvm::StringLiteral kParallelNestAttrName =
    "compress.parallel_nest";

/// Whether different iterations of `op`'s first dimension touch different
/// output elements: the dimension is parallel and every output's indexing
/// map has it as one of its results. The outer loop over it may then run
/// its iterations on different threads, whatever the inner loops reduce.
inline bool outerLoopWritesDisjointOutputs(linalg::LinalgOp op) {
  if (op.getNumLoops() == 0 ||
      op.getIteratorTypesArray().front() != utils::IteratorType::parallel)
    return false;
  AffineExpr first = getAffineDimExpr(0, op.getContext());
  return llvm::all_of(op.getDpsInitsMutable(), [&](OpOperand &init) {
    return llvm::is_contained(op.getMatchingIndexingMap(&init).getResults(),
                              first);
  });
}

} // namespace mlir::compress

#endif // COMPRESS_CODEGEN_PARALLELNEST_H
