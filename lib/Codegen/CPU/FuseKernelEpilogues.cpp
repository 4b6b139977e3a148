//===- FuseKernelEpilogues.cpp - GEMM and epilogue by row blocks ----------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A GEMM kernel writes its whole accumulator to memory and the elementwise
// epilogue (bias, activation, requantization) reads it back: for large
// results that is several passes over memory around the kernel. Tiling the
// epilogue along M and fusing the GEMM (and its initialization, and the
// quantization of its input) into the loop keeps each block of rows in cache.
// Requantizations that compress-cpu-fuse-requantize marked for the int8
// kernel's own epilogue are left whole.
//
//===----------------------------------------------------------------------===//

#include "KernelMatchers.h"
#include "compress/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>

#define DEBUG_TYPE "compress-cpu-fuse-kernel-epilogues"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSCPUFUSEKERNELEPILOGUES
#include "compress/Codegen/CPU/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

bool isGemmKernel(Operation *op) {
  auto dict = op->getAttrOfType<DictionaryAttr>(kCPUKernelAttrName);
  if (!dict)
    return false;
  auto kernel = dict.getAs<StringAttr>("kernel");
  return kernel &&
         (kernel.getValue() == "sgemm" || kernel.getValue() == "igemm_u8s8");
}

/// An all-parallel 2-D generic whose output is indexed (m, n) like the GEMM
/// result it reads with an identity map.
bool isRowwiseEpilogue(linalg::GenericOp op, Value gemmResult) {
  if (op.getNumLoops() != 2 || op.getNumReductionLoops() != 0 ||
      op.getNumDpsInits() != 1 || op.hasIndexSemantics() ||
      !op.hasPureTensorSemantics())
    return false;
  if (!op.getIndexingMapsArray().back().isIdentity())
    return false;
  for (OpOperand *input : op.getDpsInputOperands())
    if (input->get() == gemmResult &&
        !op.getMatchingIndexingMap(input).isIdentity())
      return false;
  auto type = dyn_cast<RankedTensorType>(op.getResult(0).getType());
  return type && type.hasStaticShape();
}

/// The largest divisor of `m` that is a multiple of 8 with `rows * rowBytes`
/// at most `budget`, or 0 when tiling would not split anything.
int64_t chooseRows(int64_t m, int64_t rowBytes, int64_t budget) {
  int64_t best = 0;
  for (int64_t rows = 8; rows < m; rows += 8)
    if (m % rows == 0 && rows * rowBytes <= budget)
      best = rows;
  return best;
}

/// The bytes of the GEMM's second operand (the weight), or INT64_MAX when
/// its shape is not static.
int64_t weightBytes(linalg::LinalgOp gemm) {
  if (gemm.getNumDpsInputs() < 2)
    return std::numeric_limits<int64_t>::max();
  auto type = dyn_cast<RankedTensorType>(gemm.getDpsInputs()[1].getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return std::numeric_limits<int64_t>::max();
  return type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
}

struct FuseKernelEpiloguesPass
    : public compress::impl::CompressCPUFuseKernelEpiloguesBase<
          FuseKernelEpiloguesPass> {
  using CompressCPUFuseKernelEpiloguesBase::CompressCPUFuseKernelEpiloguesBase;

  void runOnOperation() override {
    if (maxWeightBytes < 0) {
      emitError(getOperation().getLoc())
          << "compress-cpu-fuse-kernel-epilogues: option 'max-weight-bytes' "
             "must not be negative";
      return signalPassFailure();
    }
    if (blockBytes < 1) {
      emitError(getOperation().getLoc())
          << "compress-cpu-fuse-kernel-epilogues: option 'block-bytes' must "
             "be positive";
      return signalPassFailure();
    }
    struct Candidate {
      linalg::GenericOp epilogue;
      int64_t rows;
      Attribute kernel;
    };
    SmallVector<Candidate> epilogues;
    getOperation().walk([&](linalg::LinalgOp gemm) {
      if (!isGemmKernel(gemm) || !gemm->hasOneUse())
        return;
      auto epilogue = dyn_cast<linalg::GenericOp>(*gemm->user_begin());
      if (!epilogue || !isRowwiseEpilogue(epilogue, gemm->getResult(0)))
        return;
      // A block this pass made already: running it again must not split it.
      if (isa<scf::ForOp>(epilogue->getParentOp()))
        return;
      // A requantization the int8 kernel applies tile by tile itself
      // (compress-cpu-fuse-requantize): the accumulators never leave the
      // kernel, and blocks of rows would only stream the weight once per
      // block.
      if (epilogue->hasAttr(kCPURequantizeAttrName))
        return;
      // Every block streams the whole weight again: worth it only while the
      // weight stays in cache between blocks. A larger one costs more passes
      // over memory than the blocks save (a 768x3072 f32 weight read 8 times
      // against 128 result rows read back once).
      if (weightBytes(gemm) > maxWeightBytes)
        return;
      auto type = cast<RankedTensorType>(gemm->getResult(0).getType());
      int64_t rowBytes =
          type.getDimSize(1) * (type.getElementTypeBitWidth() / 8);
      int64_t rows = chooseRows(type.getDimSize(0), rowBytes, blockBytes);
      if (rows > 0)
        epilogues.push_back(
            {epilogue, rows, gemm->getAttr(kCPUKernelAttrName)});
    });

    IRRewriter rewriter(&getContext());
    for (auto [epilogue, rows, kernel] : epilogues) {
      scf::SCFTilingOptions tiling;
      tiling.setTileSizes(
          getAsIndexOpFoldResult(&getContext(), ArrayRef<int64_t>{rows, 0}));
      scf::SCFTileAndFuseOptions options;
      options.setTilingOptions(tiling);
      // Fuse linalg producers only (the GEMM, its initialization, the
      // activation's quantization); weights stay whole.
      options.setFusionControlFn(
          [](tensor::ExtractSliceOp, OpResult producer, bool)
              -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
            if (!isa<linalg::LinalgOp>(producer.getOwner()))
              return std::nullopt;
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          });
      rewriter.setInsertionPoint(epilogue);
      FailureOr<scf::SCFTileAndFuseResult> fused =
          scf::tileConsumerAndFuseProducersUsingSCF(
              rewriter, cast<TilingInterface>(epilogue.getOperation()),
              options);
      if (failed(fused)) {
        epilogue.emitRemark("compress-cpu-fuse-kernel-epilogues: could not "
                            "tile this epilogue with its GEMM; left as it is");
        continue;
      }
      // The tiled GEMM is a new op: it keeps the kernel choice.
      for (Operation *op : fused->tiledAndFusedOps)
        if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
            linalgOp && linalgOp.getNumReductionLoops() > 0)
          op->setAttr(kCPUKernelAttrName, kernel);
      for (auto [original, replacement] : fused->replacements)
        rewriter.replaceAllUsesWith(original, replacement);
    }
    // The untiled ops (and the slices tiling took of them) are dead now;
    // erase them, so that bufferization never sees (or runs) them. A block's
    // intermediates (its quantized activations, its i32 accumulators) were
    // slices of whole-size tensor.empty ops; they become block-size ones, so
    // that each block works in a buffer that stays in cache instead of
    // touching a fresh part of a whole-size one.
    if (!epilogues.empty()) {
      RewritePatternSet patterns(&getContext());
      tensor::populateFoldTensorEmptyPatterns(patterns);
      GreedyRewriteConfig config;
      config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
      (void)applyPatternsGreedily(getOperation(), std::move(patterns), config);
    }
  }
};

} // namespace
