//===- OrderLoops.cpp - vectorizable loop order for linalg reductions -----===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Chooses, for every linalg op with a reduction, the iteration dimension to
// run innermost once the op becomes loops: the one along which the most
// operands are contiguous or invariant, never a float reduction (LLVM would
// have to reassociate it to vectorize). The other dimensions keep their
// relative order, so a reduction still adds its terms in the same order.
//
//===----------------------------------------------------------------------===//

#include "AffineCoefficients.h"
#include "KernelMatchers.h"
#include "compress/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/AffineExprVisitor.h"
#include "mlir/IR/PatternMatch.h"

#define DEBUG_TYPE "compress-order-loops"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSORDERLOOPS
#include "compress/Codegen/CPU/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using mlir::compress::coefficientOf;

namespace {

/// The shortest loop an integer reduction is moved inside of.
constexpr int64_t kMinIntegerTrips = 64;

/// How an operand is accessed as loop `dim` advances.
enum class Access { Invariant, Contiguous, Strided };

Access classify(AffineMap map, unsigned dim) {
  ArrayRef<AffineExpr> results = map.getResults();
  for (auto [i, expr] : llvm::enumerate(results)) {
    std::optional<int64_t> coefficient = coefficientOf(expr, dim);
    if (coefficient && *coefficient == 0)
      continue;
    bool last = i + 1 == results.size();
    if (!last || !coefficient || *coefficient != 1)
      return Access::Strided;
    // Contiguous in the last dimension, unless an earlier one also moves.
    for (AffineExpr earlier : results.drop_back()) {
      std::optional<int64_t> c = coefficientOf(earlier, dim);
      if (!c || *c != 0)
        return Access::Strided;
    }
    return Access::Contiguous;
  }
  return Access::Invariant;
}

/// Whether a loop-carried value of `op` along a reduction is a float (whose
/// reduction LLVM vectorizes only with reassociation).
bool hasFloatAccumulator(linalg::LinalgOp op) {
  return llvm::any_of(op.getDpsInitsMutable(), [](OpOperand &init) {
    return isa<FloatType>(getElementTypeOrSelf(init.get().getType()));
  });
}

/// The dimension to run innermost, by (operands contiguous or invariant
/// along it, its trip count up to 16, being innermost already).
unsigned chooseInnermost(linalg::LinalgOp op) {
  unsigned numLoops = op.getNumLoops();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  bool floatReduction = hasFloatAccumulator(op);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  unsigned best = numLoops - 1;
  std::tuple<int, int64_t, bool> bestKey{-1, 0, false};
  for (unsigned dim = 0; dim < numLoops; ++dim) {
    if (floatReduction && iterators[dim] == utils::IteratorType::reduction)
      continue;
    int score = 0;
    for (AffineMap map : maps) {
      switch (classify(map, dim)) {
      case Access::Contiguous:
        score += 2;
        break;
      case Access::Invariant:
        score += 1;
        break;
      case Access::Strided:
        break;
      }
    }
    int64_t trips = ShapedType::isDynamic(ranges[dim])
                        ? 16
                        : std::min<int64_t>(16, ranges[dim]);
    std::tuple<int, int64_t, bool> key{score, trips, dim == numLoops - 1};
    if (key > bestKey) {
      bestKey = key;
      best = dim;
    }
  }
  return best;
}

struct OrderLoopsPass
    : public compress::impl::CompressOrderLoopsBase<OrderLoopsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op.getNumReductionLoops() > 0 && op.getNumLoops() > 1 &&
          op.hasPureTensorSemantics() != op.hasPureBufferSemantics() &&
          !compress::hasCPUKernel(op))
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      unsigned numLoops = op.getNumLoops();
      unsigned innermost = chooseInnermost(op);
      if (innermost == numLoops - 1)
        continue;
      // Integer reductions already vectorize where they are (LLVM
      // reassociates integer adds); moving a short parallel loop inside
      // them measured slower (int8 NCHW convolutions: 14-28 output columns
      // against 16 i32 lanes), so they move only for a long loop.
      int64_t trips = op.getStaticLoopRanges()[innermost];
      if (!hasFloatAccumulator(op) &&
          (ShapedType::isDynamic(trips) || trips < kMinIntegerTrips))
        continue;
      SmallVector<unsigned> order;
      for (unsigned dim = 0; dim < numLoops; ++dim)
        if (dim != innermost)
          order.push_back(dim);
      order.push_back(innermost);

      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue;
        generic = *generalized;
      }
      (void)linalg::interchangeGenericOp(rewriter, generic, order);
    }
  }
};

} // namespace
