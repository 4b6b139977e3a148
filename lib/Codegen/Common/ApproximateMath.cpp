//===- ApproximateMath.cpp - vectorizable f32 erf and exp -----------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// math.erf has no LLVM intrinsic: lowered as is it calls libm's scalar erff
// once per element. math.exp becomes llvm.exp, which the loop vectorizer
// can only scalarize into expf calls without a vector math library. MLIR's
// polynomial approximations are plain arithmetic, which it vectorizes.
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/Common/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::compress {
#define GEN_PASS_DEF_APPROXIMATEERF
#define GEN_PASS_DEF_APPROXIMATEEXP
#include "compress/Codegen/Common/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;

namespace {

struct ApproximateErfPass
    : public compress::impl::ApproximateErfBase<ApproximateErfPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // The pattern itself accepts f32 (scalar or vector) only.
    populatePolynomialApproximateErfPattern(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

struct ApproximateExpPass
    : public compress::impl::ApproximateExpBase<ApproximateExpPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // math.exp only (f32, scalar or vector: the pattern checks).
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      return name == math::ExpOp::getOperationName();
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
