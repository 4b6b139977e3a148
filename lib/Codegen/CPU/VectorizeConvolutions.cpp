//===- VectorizeConvolutions.cpp - vector code for NCHW convolutions ------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Tiles every float linalg.conv_2d_nchw_fchw with static shapes to one
// image, a few output channels, one output row and one filter row, rewrites
// each tile as a 1-D convolution (upstream's decomposition) and vectorizes it
// (upstream's vectorizer): whole output rows become vector FMAs over the
// input channels and filter columns. The integer convolutions of
// compress-fuse-qdq (a linalg.generic with a convolution's indexing maps
// that extends two i8 operands, multiplies and adds into i32) take the same
// path as a linalg.conv_2d_nchw_fchw on operands extended to i32: integer
// sums are exact in any order.
//
//===----------------------------------------------------------------------===//

#include "KernelMatchers.h"
#include "TilingUtils.h"
#include "compress/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "compress-vectorize-convolutions"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSVECTORIZECONVOLUTIONS
#include "compress/Codegen/CPU/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using mlir::compress::dividingTile;
using mlir::compress::IntegerConvForm;
using mlir::compress::matchIntegerConv;
using mlir::compress::tileWithLoops;
using mlir::compress::vectorizeInPlace;

namespace {

bool isVectorizable(linalg::Conv2DNchwFchwOp conv) {
  if (!conv.hasPureTensorSemantics() || compress::hasCPUKernel(conv))
    return false;
  for (Value operand : conv->getOperands()) {
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    if (!type || !type.hasStaticShape() ||
        !(isa<FloatType>(type.getElementType()) ||
          type.getElementType().isSignlessInteger(32)))
      return false;
  }
  Type element = getElementTypeOrSelf(conv->getOperand(0).getType());
  return llvm::all_of(conv->getOperandTypes(), [&](Type type) {
    return getElementTypeOrSelf(type) == element;
  });
}

/// `value` (i8) extended to i32 by a linalg.generic.
Value extendToI32(OpBuilder &b, Location loc, Value value, bool isSigned) {
  auto type = cast<RankedTensorType>(value.getType());
  auto wide = type.clone(b.getI32Type());
  Value init = tensor::EmptyOp::create(b, loc, wide.getShape(), b.getI32Type());
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> parallel(type.getRank(),
                                            utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, wide, value, init, ArrayRef<AffineMap>{id, id}, parallel,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value ext = isSigned ? Value(arith::ExtSIOp::create(
                                   nb, nloc, nb.getI32Type(), args[0]))
                             : Value(arith::ExtUIOp::create(
                                   nb, nloc, nb.getI32Type(), args[0]));
        linalg::YieldOp::create(nb, nloc, ext);
      });
  return generic.getResult(0);
}

/// Rewrites the integer convolution kernels as linalg.conv_2d_nchw_fchw on
/// i32 operands, which the rest of the pass vectorizes.
void raiseIntegerConvolutions(Operation *root) {
  SmallVector<std::pair<linalg::GenericOp, IntegerConvForm>> kernels;
  root->walk([&](linalg::GenericOp op) {
    if (std::optional<IntegerConvForm> conv = matchIntegerConv(op);
        conv && op.hasPureTensorSemantics() && !compress::hasCPUKernel(op))
      if (llvm::all_of(op->getOperandTypes(), [](Type t) {
            auto type = dyn_cast<RankedTensorType>(t);
            return type && type.hasStaticShape();
          }))
        kernels.push_back({op, *conv});
  });
  IRRewriter rewriter(root->getContext());
  for (auto &[op, conv] : kernels) {
    rewriter.setInsertionPoint(op);
    Location loc = op.getLoc();
    Value input =
        extendToI32(rewriter, loc, op.getDpsInputs()[0], conv.inputSigned);
    Value filter =
        extendToI32(rewriter, loc, op.getDpsInputs()[1], conv.filterSigned);
    auto attr = [&](ArrayRef<int64_t> values) {
      return DenseIntElementsAttr::get(
          RankedTensorType::get({2}, rewriter.getI64Type()), values);
    };
    auto named = linalg::Conv2DNchwFchwOp::create(
        rewriter, loc, op.getResultTypes(), ValueRange{input, filter},
        op.getDpsInits(), attr(conv.strides), attr(conv.dilations));
    rewriter.replaceOp(op, named->getResults());
  }
}

struct VectorizeConvolutionsPass
    : public compress::impl::CompressVectorizeConvolutionsBase<
          VectorizeConvolutionsPass> {
  using CompressVectorizeConvolutionsBase::CompressVectorizeConvolutionsBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    if (maxChannels < 1) {
      emitError(getOperation()->getLoc())
          << "compress-vectorize-convolutions: option 'max-channels' must "
             "be at least 1";
      return signalPassFailure();
    }
    raiseIntegerConvolutions(getOperation());
    SmallVector<linalg::Conv2DNchwFchwOp> convs;
    getOperation()->walk([&](linalg::Conv2DNchwFchwOp conv) {
      if (isVectorizable(conv))
        convs.push_back(conv);
    });
    if (convs.empty())
      return;

    // Tiles: (n, f, oh, ow, c, kh, kw) -> (1, F', 1, all, all, 1, all).
    IRRewriter rewriter(ctx);
    for (linalg::Conv2DNchwFchwOp conv : convs) {
      int64_t channels =
          cast<RankedTensorType>(conv.getOutputs()[0].getType()).getShape()[1];
      SmallVector<int64_t> sizes = {
          1, dividingTile(channels, maxChannels), 1, 0, 0, 1, 0};
      if (failed(tileWithLoops(rewriter, conv, sizes)))
        conv.emitRemark() << "compress-vectorize-convolutions: could not tile "
                             "this convolution; left as it is";
    }

    // Each tile (one output row, one filter row) becomes a 1-D convolution.
    RewritePatternSet decompose(ctx);
    linalg::populateDecomposeConvolutionPatterns(decompose);
    if (failed(applyPatternsGreedily(getOperation(), std::move(decompose))))
      return signalPassFailure();

    SmallVector<linalg::Conv1DNcwFcwOp> rows;
    getOperation()->walk([&](linalg::Conv1DNcwFcwOp op) {
      if (op.hasPureTensorSemantics())
        rows.push_back(op);
    });
    for (linalg::Conv1DNcwFcwOp op : rows)
      if (failed(vectorizeInPlace(rewriter, op)))
        op.emitRemark() << "compress-vectorize-convolutions: could not "
                           "vectorize this convolution row; left as loops";
  }
};

} // namespace
