//===- LowRank.cpp - low-rank factorization of layer weights --------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A layer y = W x with W of rows x cols becomes y = B (A x): A of r x cols,
// B of rows x r, r (rows + cols) parameters instead of rows x cols. Without
// data the factors come from the truncated SVD of W (the best rank-r
// approximation in the Frobenius norm). With the Gram matrix H of the
// layer's inputs, the output error on the data sum_p ||(W - BA) x_p||^2 =
// ||(W - BA) L||_F^2 (H = L L^T) is what matters, and the best rank-r
// product is [W L]_r L^-1 (Eckart-Young on W L).
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/LayerStatistics.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Transforms/PruneUtils.h"

#include "ObsSweep.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "llvm/Support/FormatVariadic.h"

#include <Eigen/Core>
#include <Eigen/SVD>

#include <cmath>

#define DEBUG_TYPE "compress-low-rank"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSLOWRANK
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

/// How a layer's rank is chosen.
struct RankRule {
  /// In (0, 1]: the smallest rank keeping this fraction of the squared
  /// singular values; otherwise `ratio` decides.
  double energy = 0.0;
  /// The fraction of the layer's parameters the factors may keep.
  double ratio = 0.5;
};

/// The two factors of a layer's weight, as geometry rows x columns
/// matrices: W ~ B A.
struct Factors {
  int64_t rank = 0;
  /// rows x rank, row-major.
  std::vector<float> b;
  /// rank x cols, row-major.
  std::vector<float> a;
  /// The product B A in the weight's own layout.
  std::vector<float> product;
};

/// Factors `weight` (a layer of one group with `geometry`). With `gram`,
/// minimizes the layer's output error on the data; otherwise the weight's
/// own error. Fails with the reason in `why` when no rank saves parameters
/// or the statistics cannot be factored.
FailureOr<Factors> factorWeight(ArrayRef<float> weight,
                                const LayerGeometry &geometry,
                                const LayerInputGram *gram, RankRule rule,
                                double damp, std::string &why) {
  int64_t rows = geometry.rows(), cols = geometry.cols();
  Eigen::MatrixXd w(rows, cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      w(r, c) = weight[geometry.weightIndex(0, r, c)];

  Eigen::MatrixXd lower;
  Eigen::MatrixXd target = w;
  if (gram) {
    if (failed(checkGramFits(geometry, *gram, why)))
      return failure();
    FailureOr<Eigen::LLT<Eigen::MatrixXd>> factor =
        factorDampedGram(*gram, 0, damp, why);
    if (failed(factor))
      return failure();
    lower = factor->matrixL();
    target = w * lower;
  }

  Eigen::BDCSVD<Eigen::MatrixXd> svd(target,
                                     Eigen::ComputeThinU | Eigen::ComputeThinV);
  Eigen::VectorXd sigma = svd.singularValues();
  double total = sigma.squaredNorm();
  if (!(total > 0.0)) {
    why = "the weight is zero";
    return failure();
  }
  int64_t rank = 0;
  if (rule.energy > 0.0) {
    double kept = 0.0;
    while (rank < sigma.size() && kept < rule.energy * total * (1.0 - 1e-12))
      kept += sigma(rank) * sigma(rank), ++rank;
  } else {
    rank = int64_t(std::floor(rule.ratio * double(rows) * double(cols) /
                              double(rows + cols)));
  }
  if (rank < 1 || rank * (rows + cols) >= rows * cols) {
    why = llvm::formatv("rank {0} would keep {1} parameters, not fewer than "
                        "the weight's {2}",
                        rank, rank * (rows + cols), rows * cols)
              .str();
    return failure();
  }

  Eigen::VectorXd root = sigma.head(rank).cwiseSqrt();
  Eigen::MatrixXd b = svd.matrixU().leftCols(rank) * root.asDiagonal();
  // A^T = L^-T V_r S_r^1/2: cols x rank.
  Eigen::MatrixXd aT = svd.matrixV().leftCols(rank) * root.asDiagonal();
  if (gram)
    aT = lower.transpose().triangularView<Eigen::Upper>().solve(aT);

  Factors factors;
  factors.rank = rank;
  factors.b.resize(rows * rank);
  factors.a.resize(rank * cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < rank; ++j)
      factors.b[r * rank + j] = float(b(r, j));
  for (int64_t j = 0; j < rank; ++j)
    for (int64_t c = 0; c < cols; ++c)
      factors.a[j * cols + c] = float(aT(c, j));
  // The product of the float factors, as the rewritten model computes it.
  factors.product.assign(weight.begin(), weight.end());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      double sum = 0.0;
      for (int64_t j = 0; j < rank; ++j)
        sum +=
            double(factors.b[r * rank + j]) * double(factors.a[j * cols + c]);
      factors.product[geometry.weightIndex(0, r, c)] = float(sum);
    }
  return factors;
}

/// The relative Frobenius error ||W - P|| / ||W||.
double weightError(ArrayRef<float> original, ArrayRef<float> changed) {
  double diff = 0.0, norm = 0.0;
  for (auto [w, p] : llvm::zip(original, changed)) {
    diff += (double(p) - double(w)) * (double(p) - double(w));
    norm += double(w) * double(w);
  }
  return norm > 0.0 ? std::sqrt(diff / norm) : 0.0;
}

/// The row-major strides of `shape`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// A layer the pass can factor, and where its parts are.
struct Candidate {
  const WeightedLayer *layer;
  LayerGeometry geometry;
  /// The weight dimensions of the output channel and of the input channel.
  int32_t outAxis, inAxis;
  /// The result dimension of the output tensor the output channel indexes.
  unsigned outputDim;
  std::vector<float> values;
  std::optional<Factors> factors;
  double error = 0.0;
};

/// The ops whose weight splits into an r-channel layer of the same kind and
/// a unit-kernel one: every weighted layer with output channels of its own
/// and a single group.
bool isFactorableKind(Operation *op) {
  return isa<linalg::MatmulOp, linalg::MatvecOp, linalg::VecmatOp,
             linalg::Conv2DNchwFchwOp, linalg::Conv2DNhwcHwcfOp,
             linalg::Conv2DNhwcFhwcOp>(op);
}

/// Fills `candidate`'s axes, or says why the layer cannot be factored.
LogicalResult describeCandidate(Candidate &candidate, std::string &why) {
  linalg::LinalgOp op = candidate.layer->op;
  const WeightOperand &weight = candidate.layer->weight;
  if (!isFactorableKind(op)) {
    why = llvm::formatv("'{0}' has no output channels of its own (depthwise, "
                        "channel-less or batched weights)",
                        op->getName())
              .str();
    return failure();
  }
  if (!op.hasPureTensorSemantics() || op->getNumResults() != 1 ||
      !isa<FloatType>(getElementTypeOrSelf(op->getResult(0).getType()))) {
    why = "the layer does not produce one float tensor";
    return failure();
  }
  std::optional<int32_t> outAxis = findOutputChannelAxis(op, weight);
  std::optional<int32_t> inAxis = findReductionChannelAxis(op, weight);
  if (!outAxis || !inAxis) {
    why = "the weight has no output or input channel dimension";
    return failure();
  }
  FailureOr<LayerGeometry> geometry = analyzeLayerGeometry(op, weight, why);
  if (failed(geometry))
    return failure();
  auto type = cast<ShapedType>(weight.values.getType());
  if (geometry->groups() != 1 ||
      geometry->rows() != type.getDimSize(*outAxis)) {
    why = "the weight's rows are not its output channels alone";
    return failure();
  }
  AffineMap weightMap = op.getMatchingIndexingMap(weight.operand);
  auto channel = dyn_cast<AffineDimExpr>(weightMap.getResult(*outAxis));
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  std::optional<unsigned> outputDim;
  for (auto [i, expr] : llvm::enumerate(outputMap.getResults()))
    if (channel && expr == channel)
      outputDim = i;
  if (!outputDim) {
    why = "the output channel does not index the result";
    return failure();
  }
  candidate.geometry = std::move(*geometry);
  candidate.outAxis = *outAxis;
  candidate.inAxis = *inAxis;
  candidate.outputDim = *outputDim;
  return success();
}

/// Rewrites the layer of `candidate` as its two factors.
void rewriteLayer(OpBuilder &builder, const Candidate &candidate) {
  linalg::LinalgOp op = candidate.layer->op;
  const WeightOperand &weight = candidate.layer->weight;
  const LayerGeometry &geometry = candidate.geometry;
  const Factors &factors = *candidate.factors;
  int64_t rank = factors.rank, rows = geometry.rows(), cols = geometry.cols();
  auto weightType = cast<RankedTensorType>(weight.values.getType());
  ArrayRef<int64_t> shape = weightType.getShape();
  SmallVector<int64_t> strides = stridesOf(shape);

  // A: the weight's shape with `rank` output channels.
  SmallVector<int64_t> aShape(shape);
  aShape[candidate.outAxis] = rank;
  SmallVector<int64_t> aStrides = stridesOf(aShape);
  std::vector<float> a(rank * cols);
  for (int64_t c = 0; c < cols; ++c) {
    // The column's multi-index, from its offset in W (no output channel).
    int64_t offset = geometry.weightCol[c], aOffset = 0;
    for (auto [d, stride] : llvm::enumerate(strides))
      if (int32_t(d) != candidate.outAxis)
        aOffset += (offset / stride) % shape[d] * aStrides[d];
    for (int64_t j = 0; j < rank; ++j)
      a[aOffset + j * aStrides[candidate.outAxis]] = factors.a[j * cols + c];
  }
  // B: unit kernel, `rows` output and `rank` input channels.
  SmallVector<int64_t> bShape(shape.size(), 1);
  bShape[candidate.outAxis] = rows;
  bShape[candidate.inAxis] = rank;
  SmallVector<int64_t> bStrides = stridesOf(bShape);
  std::vector<float> b(rows * rank);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < rank; ++j)
      b[r * bStrides[candidate.outAxis] + j * bStrides[candidate.inAxis]] =
          factors.b[r * rank + j];

  builder.setInsertionPoint(op);
  Location loc = op.getLoc();
  Type elementType = weightType.getElementType();
  Value aConstant = arith::ConstantOp::create(
      builder, weight.constant->getLoc(),
      buildWeightAttr(RankedTensorType::get(aShape, elementType), a));
  Value bConstant = arith::ConstantOp::create(
      builder, weight.constant->getLoc(),
      buildWeightAttr(RankedTensorType::get(bShape, elementType), b));

  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  SmallVector<int64_t> middleShape(resultType.getShape());
  middleShape[candidate.outputDim] = rank;
  Type accType = resultType.getElementType();
  Value empty = tensor::EmptyOp::create(builder, loc, middleShape, accType);
  Value zero =
      arith::ConstantOp::create(builder, loc, builder.getZeroAttr(accType));
  Value zeros = linalg::FillOp::create(builder, loc, zero, empty).getResult(0);

  unsigned weightIndex = weight.operand->getOperandNumber();
  unsigned otherIndex = weight.other->getOperandNumber();
  unsigned initIndex = op.getDpsInitOperand(0)->getOperandNumber();
  SmallVector<Value> firstOperands(op->getOperands());
  firstOperands[weightIndex] = aConstant;
  firstOperands[initIndex] = zeros;
  Operation *first = clone(builder, op, {zeros.getType()}, firstOperands);

  SmallVector<Value> secondOperands(op->getOperands());
  secondOperands[weightIndex] = bConstant;
  secondOperands[otherIndex] = first->getResult(0);
  Operation *second = clone(builder, op, {resultType}, secondOperands);
  // The second layer reads the first's output pixel by pixel (and its
  // indexing maps, cached on the op, follow the new strides).
  second->removeAttr("linalg.memoized_indexing_maps");
  for (StringRef name : {"strides", "dilations"})
    if (auto attr = second->getAttrOfType<DenseIntElementsAttr>(name))
      second->setAttr(name, DenseIntElementsAttr::get(
                                attr.getType(), SmallVector<int64_t>(
                                                    attr.getNumElements(), 1)));

  op->replaceAllUsesWith(second->getResults());
  op->erase();
  Operation *oldConstant = weight.constant;
  if (oldConstant->use_empty())
    oldConstant->erase();
}

struct LowRankPass : public compress::impl::CompressLowRankBase<LowRankPass> {
  using CompressLowRankBase::CompressLowRankBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Location loc = module.getLoc();
    if (!(energy >= 0.0 && energy <= 1.0)) {
      emitError(loc) << "compress-low-rank: option 'energy' must be in [0, "
                        "1], got "
                     << energy;
      return signalPassFailure();
    }
    if (energy == 0.0 && !(ratio > 0.0 && ratio < 1.0)) {
      emitError(loc) << "compress-low-rank: option 'ratio' must be in (0, "
                        "1), got "
                     << ratio;
      return signalPassFailure();
    }
    if (failed(verifySkipList(loc, "compress-low-rank", skip)))
      return signalPassFailure();
    bool withData = !data.empty() || !stats.empty();
    if (withData) {
      if (failed(
              verifyDataSource(loc, "compress-low-rank", "data", data, stats)))
        return signalPassFailure();
      if (!(damp > 0.0) || !std::isfinite(double(damp))) {
        emitError(loc) << "compress-low-rank: option 'damp' must be "
                          "positive, got "
                       << damp;
        return signalPassFailure();
      }
    }

    SmallVector<WeightedLayer> layers = collectWeightedLayers(module);
    llvm::DenseMap<Operation *, int> layersPerConstant;
    for (const WeightedLayer &layer : layers)
      ++layersPerConstant[layer.weight.constant];
    std::vector<Candidate> candidates;
    for (const WeightedLayer &layer : layers) {
      if (isSkippedLayer(layer.op, layer.index, layers.size(), skip))
        continue;
      Candidate candidate{&layer};
      std::string why = "its weight constant is shared with another layer";
      if (layersPerConstant[layer.weight.constant] != 1 ||
          failed(describeCandidate(candidate, why))) {
        layer.op->emitRemark() << "not factored: " << why;
        continue;
      }
      candidate.values = getFloatValues(layer.weight.values);
      candidates.push_back(std::move(candidate));
    }

    RankRule rule{energy, ratio};
    auto factorOne = [&](Candidate &candidate, const LayerInputGram *gram,
                         std::vector<float> &values) {
      std::string why;
      FailureOr<Factors> factors = factorWeight(
          candidate.values, candidate.geometry, gram, rule, damp, why);
      if (failed(factors)) {
        candidate.layer->op->emitRemark() << "not factored: " << why;
        return;
      }
      candidate.error =
          gram ? layerOutputError(candidate.values, factors->product,
                                  candidate.geometry, *gram)
               : weightError(candidate.values, factors->product);
      values = factors->product;
      candidate.factors = std::move(*factors);
    };
    if (withData) {
      std::vector<MeasuredLayer> measured;
      std::vector<std::vector<float>> values;
      for (const Candidate &candidate : candidates) {
        measured.push_back(
            {candidate.layer->op, candidate.layer->weight, candidate.geometry});
        values.push_back(candidate.values);
      }
      LayerDataSource source{data, stats, entry, "compress-low-rank"};
      if (failed(updateWithLayerStatistics(
              module, measured, values, source,
              LayerUpdateOptions{sequential, /*teacher=*/false, damp},
              [&](size_t i, const LayerInputGram &gram,
                  std::vector<float> &layerValues) {
                factorOne(candidates[i], &gram, layerValues);
                return success();
              })))
        return signalPassFailure();
    } else {
      for (Candidate &candidate : candidates) {
        std::vector<float> unused;
        factorOne(candidate, nullptr, unused);
      }
    }

    OpBuilder builder(&getContext());
    for (const Candidate &candidate : candidates) {
      if (!candidate.factors)
        continue;
      int64_t rows = candidate.geometry.rows(),
              cols = candidate.geometry.cols(), rank = candidate.factors->rank;
      candidate.layer->op->emitRemark()
          << "factored at rank " << rank << ": " << rank * (rows + cols)
          << " of " << rows * cols << " parameters, relative "
          << (withData ? "output error on the data " : "weight error ")
          << llvm::formatv("{0:e2}", candidate.error);
      numRemoved += rows * cols - rank * (rows + cols);
      ++numLayers;
      rewriteLayer(builder, candidate);
    }
  }
};

} // namespace
