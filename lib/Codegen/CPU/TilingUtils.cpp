//===- TilingUtils.cpp - tiling and vectorizing for the CPU ---------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "TilingUtils.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"

using namespace mlir;

int64_t mlir::compress::dividingTile(int64_t size, int64_t limit) {
  for (int64_t tile = std::min(limit, size); tile > 1; --tile)
    if (size % tile == 0)
      return tile;
  return 1;
}

FailureOr<SmallVector<Operation *>>
mlir::compress::tileWithLoops(RewriterBase &rewriter, Operation *op,
                              ArrayRef<int64_t> sizes,
                              SmallVectorImpl<Operation *> *loops) {
  auto tileable = dyn_cast<TilingInterface>(op);
  if (!tileable)
    return failure();
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(op->getContext(), sizes));
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rewriter, tileable, options);
  if (failed(tiled))
    return failure();
  rewriter.replaceOp(op, tiled->replacements);
  if (loops)
    for (LoopLikeOpInterface loop : tiled->loops)
      loops->push_back(loop.getOperation());
  return tiled->tiledOps;
}

LogicalResult mlir::compress::vectorizeInPlace(RewriterBase &rewriter,
                                               Operation *op) {
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::VectorizationResult> vectorized =
      linalg::vectorize(rewriter, op);
  if (failed(vectorized))
    return failure();
  rewriter.replaceOp(op, vectorized->replacements);
  return success();
}
