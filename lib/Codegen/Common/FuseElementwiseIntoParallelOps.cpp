//===- FuseElementwiseIntoParallelOps.cpp - fusion, not into reductions ---===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Codegen/Common/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::compress {
#define GEN_PASS_DEF_FUSEELEMENTWISEINTOPARALLELOPS
#include "compress/Codegen/Common/Passes.h.inc"
} // namespace mlir::compress

#define DEBUG_TYPE "compress-fuse-elementwise-into-parallel-ops"

using namespace mlir;
using namespace mlir::compress;

namespace {

/// No producer is fused into a consumer with reduction loops: fused there,
/// the producer (the quantization of a matmul's input, say) is recomputed at
/// every reduction step, K times per output, and the consumer's body is no
/// longer the plain i8 x i8 product that dp4a computes.
/// Ops marked by an earlier compress pass (a `compress.*` attribute, such as
/// compress-cpu-fuse-requantize's) are not fused either way: the fused op
/// would compute more than the marking says, or lose it.
bool isMarked(Operation *op) {
  return llvm::any_of(op->getDiscardableAttrs(), [](NamedAttribute attr) {
    return attr.getName().getValue().starts_with("compress.");
  });
}

bool fusesIntoParallelOpsOnly(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
  return producer && producer->hasOneUse() && consumer &&
         consumer.getNumReductionLoops() == 0 && !isMarked(producer) &&
         !isMarked(consumer);
}

struct FuseElementwiseIntoParallelOpsPass
    : public compress::impl::FuseElementwiseIntoParallelOpsBase<
          FuseElementwiseIntoParallelOpsPass> {
  void runOnOperation() final {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns,
                                                 fusesIntoParallelOpsOnly);
    linalg::populateConstantFoldLinalgOperations(patterns,
                                                 fusesIntoParallelOpsOnly);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
