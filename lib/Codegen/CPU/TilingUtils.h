//===- TilingUtils.h - tiling and vectorizing for the CPU ------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The steps compress-vectorize-convolutions and compress-vectorize-matmuls
// share: static tile sizes that divide the dimensions, tiling with scf.for,
// and vectorizing one op in place.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_CONVERSION_TILINGUTILS_H
#define COMPRESS_LIB_CONVERSION_TILINGUTILS_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Support/LLVM.h"

namespace mlir::compress {

/// The largest tile up to `limit` that divides `size` (1 when none does), so
/// that every tile has the same static shape.
int64_t dividingTile(int64_t size, int64_t limit);

/// Tiles `op` (a TilingInterface op) with scf.for loops to `sizes` (0: not
/// tiled) and replaces it; returns the tiled ops (and in `loops`, when
/// given, the loops from the outermost in), or failure with `op` left
/// unchanged.
FailureOr<SmallVector<Operation *>>
tileWithLoops(RewriterBase &rewriter, Operation *op, ArrayRef<int64_t> sizes,
              SmallVectorImpl<Operation *> *loops = nullptr);

/// Vectorizes `op` with linalg::vectorize and replaces it; failure leaves it
/// unchanged.
LogicalResult vectorizeInPlace(RewriterBase &rewriter, Operation *op);

} // namespace mlir::compress

#endif // COMPRESS_LIB_CONVERSION_TILINGUTILS_H
