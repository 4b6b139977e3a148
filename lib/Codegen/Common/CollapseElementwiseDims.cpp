//===- CollapseElementwiseDims.cpp - longer innermost elementwise loops ---===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// An elementwise linalg.generic over NCHW (the epilogue of a convolution:
// bias, requantization, dequantization) iterates H x W innermost, 14 x 14
// at ResNet's and MobileNet's late layers: loops too short for vector code.
// Where every operand reads the trailing dimensions in the same contiguous
// order (per-channel operands not at all), they are one dimension; the op
// is rewritten over it with upstream's dimension collapsing (reshapes of
// the operands, views after bufferization).
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/Common/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::compress {
#define GEN_PASS_DEF_COLLAPSEELEMENTWISEDIMS
#include "compress/Codegen/Common/Passes.h.inc"
} // namespace mlir::compress

#define DEBUG_TYPE "compress-collapse-elementwise-dims"

using namespace mlir;
using namespace mlir::compress;

namespace {

/// The longest run of trailing loops (at least two) of an elementwise
/// generic that every operand indexes as one contiguous block, or nothing.
SmallVector<ReassociationIndices> trailingCollapsibleDims(linalg::LinalgOp op) {
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || !generic.hasPureTensorSemantics() ||
      generic.getNumReductionLoops() != 0 ||
      llvm::any_of(generic->getDiscardableAttrs(), [](NamedAttribute attr) {
        return attr.getName().getValue().starts_with("compress.");
      }))
    return {};
  int64_t rank = generic.getNumLoops();
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  for (int64_t first = 0; first + 1 < rank; ++first) {
    ReassociationIndices dims;
    for (int64_t d = first; d < rank; ++d)
      dims.push_back(d);
    if (linalg::areDimSequencesPreserved(maps, {dims}))
      return {dims};
  }
  return {};
}

struct CollapseElementwiseDimsPass
    : public compress::impl::CollapseElementwiseDimsBase<
          CollapseElementwiseDimsPass> {
  void runOnOperation() final {
    RewritePatternSet patterns(&getContext());
    linalg::populateCollapseDimensions(patterns, trailingCollapsibleDims);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
