//===- ParallelNest.h - the mark of splittable loop nests -------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CODEGEN_PARALLELNEST_H
#define COMPRESS_CODEGEN_PARALLELNEST_H

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

} // namespace mlir::compress

#endif // COMPRESS_CODEGEN_PARALLELNEST_H
