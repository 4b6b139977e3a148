//===- ChannelPruning.cpp - structured neuron and filter pruning ----------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A chain is: a producer layer whose weight has an output-channel dimension,
// then ops that carry each channel separately (elementwise or per-channel
// linalg ops whose other tensors are constants or other values of the chain,
// flattening collapse_shapes, expand_shapes and pads that keep the channel
// dimension), then one consumer layer that sums over the channels. The chain
// may branch and join again: GELU as ONNX exports it, x * 0.5 * (1 +
// erf(x / sqrt(2))), uses x twice. All tensors along the chain and the
// weights at both ends lose the removed channels. Discovery proves the whole
// chain safe before anything changes.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Transforms/ChannelPruning.h"
#include "compress/Dialect/Compress/IR/CompressAttrs.h"
#include "compress/Dialect/Compress/Transforms/PruneUtils.h"
#include "compress/Dialect/Compress/Utils/LayerKinds.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"
#include "compress/Dialect/Compress/Utils/WeightUtils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlir;
using namespace mlir::compress;

namespace {

/// Per original channel, the indices along the current tensor dimension that
/// carry it (one index, or several after a flatten).
using ChannelPositions = SmallVector<SmallVector<int64_t>>;

/// A constant operand of an intermediate op indexed by the channel.
struct ConstantGather {
  OpOperand *operand;
  DenseElementsAttr values;
  int64_t dim;
};

/// An op between producer and consumer.
struct ChainLink {
  Operation *op;
  /// The operands the chain enters through: one, or several where branches
  /// of the chain join.
  SmallVector<OpOperand *> chainOperands;
  /// Result dimension of the channel after this op.
  int64_t resultAxis;
  /// Channel positions at this op's input (original index space).
  ChannelPositions inputPositions;
  SmallVector<ConstantGather> gathers;
};

struct Chain {
  linalg::LinalgOp producer;
  WeightOperand producerWeight;
  int32_t producerWeightAxis;
  int64_t producerResultAxis;
  int64_t numChannels;
  SmallVector<ChainLink> links;
  linalg::LinalgOp consumer;
  OpOperand *consumerActivation;
  WeightOperand consumerWeight;
  int32_t consumerWeightAxis;
  ChannelPositions consumerPositions;
};

bool isRecreatableInit(Value value) {
  if (value.getDefiningOp<tensor::EmptyOp>())
    return true;
  if (auto fill = value.getDefiningOp<linalg::FillOp>())
    return fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>() != nullptr;
  return false;
}

/// A fresh `tensor.empty` (or `linalg.fill` of one) like `value` with
/// dimension `axis` of size `size`.
Value recreateInit(OpBuilder &b, Value value, int64_t axis, int64_t size) {
  if (auto empty = value.getDefiningOp<tensor::EmptyOp>()) {
    SmallVector<int64_t> shape(empty.getType().getShape());
    shape[axis] = size;
    return tensor::EmptyOp::create(b, empty.getLoc(), shape,
                                   empty.getType().getElementType(),
                                   empty.getDynamicSizes());
  }
  auto fill = value.getDefiningOp<linalg::FillOp>();
  Value init = recreateInit(b, fill.getOutputs()[0], axis, size);
  return linalg::FillOp::create(b, fill.getLoc(), fill.getInputs(),
                                ValueRange{init})
      .getResult(0);
}

/// Position of the plain loop dimension `dim` among `map`'s results, if it
/// occurs exactly once and only as a plain dimension.
std::optional<int64_t> plainPosition(AffineMap map, unsigned dim) {
  std::optional<int64_t> found;
  for (auto [i, expr] : llvm::enumerate(map.getResults())) {
    if (!expr.isFunctionOfDim(dim))
      continue;
    auto plain = dyn_cast<AffineDimExpr>(expr);
    if (!plain || found)
      return std::nullopt;
    found = i;
  }
  return found;
}

bool staticAlong(Value value, int64_t axis) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && !type.isDynamicDim(axis);
}

ChannelPositions identityPositions(int64_t count) {
  ChannelPositions positions(count);
  for (int64_t c = 0; c < count; ++c)
    positions[c] = {c};
  return positions;
}

/// Channel positions after collapsing the reassociation group that holds
/// `axis` of `sourceType` into one dimension.
ChannelPositions collapsePositions(const ChannelPositions &positions,
                                   RankedTensorType sourceType,
                                   ArrayRef<int64_t> group, int64_t axis) {
  int64_t inner = 1, outer = 1;
  for (int64_t d : group) {
    if (d > axis)
      inner *= sourceType.getDimSize(d);
    if (d < axis)
      outer *= sourceType.getDimSize(d);
  }
  int64_t size = sourceType.getDimSize(axis);
  ChannelPositions result(positions.size());
  for (auto [c, list] : llvm::enumerate(positions))
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t q : list)
        for (int64_t i = 0; i < inner; ++i)
          result[c].push_back((o * size + q) * inner + i);
  for (SmallVector<int64_t> &list : result)
    llvm::sort(list);
  return result;
}

class ChainFinder {
public:
  explicit ChainFinder(linalg::LinalgOp producer) : producer(producer) {}

  /// The chain starting at the producer, or failure with `whyNot` set.
  FailureOr<Chain> find();
  std::string whyNot;

private:
  /// Where a value of the chain holds the channels.
  struct Track {
    int64_t axis;
    ChannelPositions positions;
  };

  LogicalResult fail(const Twine &reason) {
    whyNot = reason.str();
    return failure();
  }
  LogicalResult startAtProducer(Chain &chain);
  void track(Value value, Track where) {
    tracked[value] = std::move(where);
    worklist.push_back(value);
  }
  /// Follows every use of a value of the chain.
  LogicalResult followUses(Chain &chain, Value value);
  LogicalResult followUse(Chain &chain, OpOperand &use, const Track &where);
  LogicalResult followLinalg(Chain &chain, linalg::LinalgOp op, OpOperand &use,
                             const Track &where);

  linalg::LinalgOp producer;
  llvm::DenseMap<Value, Track> tracked;
  SmallVector<Value> worklist;
  /// Ops already made links.
  llvm::DenseSet<Operation *> linked;
  /// Joins that wait for another input to join the chain, with the reason
  /// to give if it never does.
  llvm::MapVector<Operation *, std::string> waiting;
};

LogicalResult ChainFinder::startAtProducer(Chain &chain) {
  FailureOr<WeightOperand> weight = findWeightOperand(producer);
  if (failed(weight))
    return fail("the layer has no single constant weight");
  std::optional<int32_t> axis = findOutputChannelAxis(producer, *weight);
  if (!axis)
    return fail("the weight has no output-channel dimension");
  AffineMap weightMap = producer.getMatchingIndexingMap(weight->operand);
  unsigned dim = cast<AffineDimExpr>(weightMap.getResult(*axis)).getPosition();
  if (producer.getMatchingIndexingMap(weight->other).isFunctionOfDim(dim))
    return fail("the channels also index the layer's input (depthwise)");
  if (producer->getNumResults() != 1)
    return fail("the layer does not have exactly one result");
  std::optional<int64_t> resultAxis = plainPosition(
      producer.getMatchingIndexingMap(producer.getDpsInitOperand(0)), dim);
  if (!resultAxis)
    return fail("the channels are not a plain dimension of the result");
  if (!isRecreatableInit(producer.getDpsInitOperand(0)->get()))
    return fail("the layer's output operand is not an empty or filled tensor");
  chain.producer = producer;
  chain.producerWeight = *weight;
  chain.producerWeightAxis = *axis;
  chain.producerResultAxis = *resultAxis;
  chain.numChannels =
      cast<ShapedType>(weight->values.getType()).getDimSize(*axis);
  return success();
}

LogicalResult ChainFinder::followLinalg(Chain &chain, linalg::LinalgOp op,
                                        OpOperand &use, const Track &where) {
  if (linked.contains(op))
    return success(); // a join, linked when its last chain input came
  if (op.isDpsInit(&use))
    return fail("the channels flow into the output operand of '" +
                op->getName().getStringRef() + "'");
  auto dimExpr = dyn_cast<AffineDimExpr>(
      op.getMatchingIndexingMap(&use).getResult(where.axis));
  if (!dimExpr)
    return fail("'" + op->getName().getStringRef() +
                "' does not index the channels as a plain dimension");
  unsigned dim = dimExpr.getPosition();
  if (op->getNumResults() != 1 || op.getNumDpsInits() != 1)
    return fail("'" + op->getName().getStringRef() +
                "' does not have exactly one result");
  OpOperand *init = op.getDpsInitOperand(0);
  AffineMap initMap = op.getMatchingIndexingMap(init);

  // A layer summing over the channels ends the chain.
  if (!initMap.isFunctionOfDim(dim)) {
    FailureOr<WeightOperand> weight = findWeightOperand(op);
    if (!isWeightedLayer(op) || failed(weight) || weight->other != &use)
      return fail("'" + op->getName().getStringRef() +
                  "' reduces over the channels but is not a layer with a "
                  "constant weight");
    if (chain.consumer)
      return fail("the channels feed more than one layer");
    std::optional<int64_t> weightAxis =
        plainPosition(op.getMatchingIndexingMap(weight->operand), dim);
    if (!weightAxis)
      return fail("the next layer's weight does not index the channels as "
                  "one plain dimension");
    chain.consumer = op;
    chain.consumerActivation = &use;
    chain.consumerWeight = *weight;
    chain.consumerWeightAxis = *weightAxis;
    chain.consumerPositions = where.positions;
    linked.insert(op);
    return success();
  }

  // Otherwise the op must carry every channel on its own.
  if (op.getIteratorTypesArray()[dim] != utils::IteratorType::parallel)
    return fail("'" + op->getName().getStringRef() +
                "' combines different channels");
  std::optional<int64_t> resultAxis = plainPosition(initMap, dim);
  if (!resultAxis || !staticAlong(op->getResult(0), *resultAxis))
    return fail("'" + op->getName().getStringRef() +
                "' does not keep the channels as one static dimension");
  if (!isRecreatableInit(init->get()))
    return fail("the output operand of '" + op->getName().getStringRef() +
                "' is not an empty or filled tensor");
  ChainLink link{op, {}, *resultAxis, where.positions, {}};
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (!map.isFunctionOfDim(dim))
      continue;
    auto other = tracked.find(input->get());
    if (other != tracked.end()) {
      // Another value of the chain: it must hold the channels at the same
      // loop dimension and in the same order.
      std::optional<int64_t> position = plainPosition(map, dim);
      if (!position || *position != other->second.axis ||
          other->second.positions != where.positions)
        return fail("'" + op->getName().getStringRef() +
                    "' combines values of the chain that hold the channels "
                    "differently");
      link.chainOperands.push_back(input);
      continue;
    }
    DenseElementsAttr values;
    if (auto constant = input->get().getDefiningOp<arith::ConstantOp>())
      values = getDenseElements(constant.getValue()); // dense_resource too
    if (!values) {
      // Not (yet) part of the chain: wait for it to join through another
      // branch; if it never does, it is a residual or another layer's data.
      waiting[op] = "'" + op->getName().getStringRef().str() +
                    "' combines the channels with a tensor that is not a "
                    "constant (e.g. a residual connection)";
      return success();
    }
    std::optional<int64_t> gatherDim = plainPosition(map, dim);
    if (!gatherDim)
      return fail("a constant operand of '" + op->getName().getStringRef() +
                  "' does not index the channels as one plain dimension");
    link.gathers.push_back({input, values, *gatherDim});
  }
  waiting.erase(op);
  linked.insert(op);
  chain.links.push_back(std::move(link));
  track(op->getResult(0), Track{*resultAxis, where.positions});
  return success();
}

LogicalResult ChainFinder::followUses(Chain &chain, Value value) {
  const Track where = tracked.lookup(value);
  if (!staticAlong(value, where.axis))
    return fail("the channel dimension is dynamic");
  if (value.use_empty())
    return fail("an intermediate value has no use");
  for (OpOperand &use : value.getUses())
    if (failed(followUse(chain, use, where)))
      return failure();
  return success();
}

LogicalResult ChainFinder::followUse(Chain &chain, OpOperand &use,
                                     const Track &where) {
  Operation *user = use.getOwner();
  int64_t axis = where.axis;
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(user)) {
    for (auto [g, group] :
         llvm::enumerate(collapse.getReassociationIndices())) {
      if (!llvm::is_contained(group, axis))
        continue;
      RankedTensorType source = collapse.getSrcType();
      if (llvm::any_of(group,
                       [&](int64_t d) { return source.isDynamicDim(d); }))
        return fail("a flatten of dynamic dimensions");
      chain.links.push_back(
          ChainLink{collapse, {&use}, int64_t(g), where.positions, {}});
      track(collapse.getResult(),
            Track{int64_t(g),
                  collapsePositions(where.positions, source, group, axis)});
      return success();
    }
    return fail("malformed collapse_shape");
  }
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(user)) {
    // The channel dimension may only gain unit dimensions around it (the
    // [B*T, C] -> [B, T, C] of a 3-D ONNX MatMul): splitting it (into
    // attention heads) is not a per-channel reshape.
    RankedTensorType result = expand.getResultType();
    std::optional<int64_t> kept;
    for (int64_t d : expand.getReassociationIndices()[axis]) {
      if (result.getDimSize(d) == 1)
        continue;
      if (kept)
        return fail("'tensor.expand_shape' splits the channel dimension");
      kept = d;
    }
    if (!kept)
      kept = expand.getReassociationIndices()[axis].back();
    chain.links.push_back(
        ChainLink{expand, {&use}, *kept, where.positions, {}});
    track(expand.getResult(), Track{*kept, where.positions});
    return success();
  }
  if (auto pad = dyn_cast<tensor::PadOp>(user)) {
    // Padding of other dimensions (a convolution's spatial border) carries
    // every channel as it is, when the padding value is one constant.
    if (&use != &pad.getSourceMutable())
      return fail("the channels are a padding size of 'tensor.pad'");
    ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
    if (low[axis] != 0 || high[axis] != 0)
      return fail("'tensor.pad' pads the channel dimension");
    if (!pad.getConstantPaddingValue())
      return fail("'tensor.pad' pads with a value that is not one constant");
    chain.links.push_back(ChainLink{pad, {&use}, axis, where.positions, {}});
    track(pad.getResult(), Track{axis, where.positions});
    return success();
  }
  if (auto op = dyn_cast<linalg::LinalgOp>(user))
    return followLinalg(chain, op, use, where);
  if (user->hasTrait<OpTrait::ReturnLike>())
    return fail("the channels are returned from the function (they are "
                "model outputs)");
  return fail("the channels reach '" + user->getName().getStringRef() +
              "', which is not elementwise along them nor a layer");
}

FailureOr<Chain> ChainFinder::find() {
  Chain chain;
  if (failed(startAtProducer(chain)))
    return failure();
  track(producer->getResult(0),
        Track{chain.producerResultAxis, identityPositions(chain.numChannels)});
  // In the order values join the chain, so links come out in an order in
  // which each op's chain inputs are defined before it.
  for (size_t i = 0; i < worklist.size(); ++i)
    if (failed(followUses(chain, worklist[i])))
      return failure();
  if (!waiting.empty())
    return fail(waiting.front().second);
  if (!chain.consumer)
    return fail("the channels reach no layer that sums over them");
  return chain;
}

} // namespace

namespace {

/// Keeps the slices `keep` (sorted) of dimension `dim`.
template <typename T>
DenseElementsAttr gatherValues(DenseElementsAttr values, int64_t dim,
                               ArrayRef<int64_t> keep) {
  auto type = cast<RankedTensorType>(values.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d)
    outer *= shape[d];
  for (int64_t d = dim + 1; d < int64_t(shape.size()); ++d)
    inner *= shape[d];
  int64_t size = shape[dim];
  auto range = values.getValues<T>();
  std::vector<T> all(range.begin(), range.end());
  std::vector<T> kept;
  kept.reserve(outer * keep.size() * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t q : keep)
      for (int64_t i = 0; i < inner; ++i)
        kept.push_back(all[(o * size + q) * inner + i]);
  SmallVector<int64_t> newShape(shape);
  newShape[dim] = keep.size();
  return DenseElementsAttr::get(type.clone(newShape), ArrayRef<T>(kept));
}

DenseElementsAttr gatherAlong(DenseElementsAttr values, int64_t dim,
                              ArrayRef<int64_t> keep) {
  if (isa<FloatType>(values.getElementType()))
    return gatherValues<llvm::APFloat>(values, dim, keep);
  return gatherValues<llvm::APInt>(values, dim, keep);
}

/// Norm of every channel's weights: the slices of `dim` listed for it.
std::vector<double> channelScores(DenseElementsAttr weights, int64_t dim,
                                  const ChannelPositions &positions,
                                  ChannelNorm norm) {
  ArrayRef<int64_t> shape = cast<ShapedType>(weights.getType()).getShape();
  std::vector<double> perSlice(shape[dim], 0.0);
  int64_t i = 0;
  for (const llvm::APFloat &v : weights.getValues<llvm::APFloat>()) {
    double x = std::abs(v.convertToDouble());
    perSlice[paramIndex(i++, shape, int32_t(dim))] +=
        norm == ChannelNorm::L1 ? x : x * x;
  }
  std::vector<double> scores;
  for (const SmallVector<int64_t> &list : positions) {
    double sum = 0.0;
    for (int64_t q : list)
      sum += perSlice[q];
    scores.push_back(norm == ChannelNorm::L1 ? sum : std::sqrt(sum));
  }
  return scores;
}

/// The channels that stay: all but the `count` lowest scores (ties remove the
/// lower index first), in increasing order.
SmallVector<int64_t> keptChannels(ArrayRef<double> scores, int64_t count) {
  SmallVector<int64_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return scores[a] < scores[b]; });
  SmallVector<int64_t> keep(order.begin() + count, order.end());
  llvm::sort(keep);
  return keep;
}

SmallVector<int64_t> keptPositions(const ChannelPositions &positions,
                                   ArrayRef<int64_t> keep) {
  SmallVector<int64_t> result;
  for (int64_t c : keep)
    llvm::append_range(result, positions[c]);
  llvm::sort(result);
  return result;
}

Value createConstant(OpBuilder &b, Location loc, DenseElementsAttr values,
                     Attribute sparsity = {}) {
  auto constant = arith::ConstantOp::create(b, loc, values);
  if (sparsity)
    constant->setAttr("compress.sparsity", sparsity);
  return constant;
}

/// Clones `op` with some operands replaced and result 0 resized along `axis`.
Value cloneResized(RewriterBase &rewriter, Operation *op,
                   ArrayRef<std::pair<unsigned, Value>> operands,
                   std::optional<std::pair<int64_t, int64_t>> resize) {
  Operation *clone = rewriter.clone(*op);
  for (auto [index, value] : operands)
    clone->setOperand(index, value);
  if (resize) {
    auto type = cast<RankedTensorType>(clone->getResult(0).getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[resize->first] = resize->second;
    clone->getResult(0).setType(type.clone(shape));
  }
  return clone->getResult(0);
}

/// Erases the pure ops among `values`' producers (and, transitively, their
/// operands' producers) that end up without uses. Candidates are collected
/// first, so an op shared by several values is erased exactly once.
void eraseDeadProducers(ArrayRef<Value> values) {
  llvm::SetVector<Operation *> candidates;
  SmallVector<Value> worklist(values);
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val().getDefiningOp();
    if (!op || !isPure(op) || !candidates.insert(op))
      continue;
    llvm::append_range(worklist, op->getOperands());
  }
  SmallVector<Operation *> alive(candidates.begin(), candidates.end());
  bool erased = true;
  while (erased) {
    erased = false;
    for (Operation *&op : alive) {
      if (op && op->use_empty()) {
        op->erase();
        op = nullptr;
        erased = true;
      }
    }
  }
}

void rewriteChain(Chain chain, ArrayRef<int64_t> keep) {
  MLIRContext *ctx = chain.producer->getContext();
  IRRewriter rewriter(ctx);
  double removedFraction =
      1.0 - double(keep.size()) / double(chain.numChannels);
  SmallVector<Value> maybeDead;

  // Producer: fewer output channels.
  rewriter.setInsertionPoint(chain.producer);
  auto producerSparsity = SparsityAttr::get(ctx, SparsityKind::Channel, 0, 0,
                                            chain.producerWeightAxis,
                                            llvm::APFloat(removedFraction));
  Value weight = createConstant(
      rewriter, chain.producerWeight.constant.getLoc(),
      gatherAlong(chain.producerWeight.values, chain.producerWeightAxis, keep),
      producerSparsity);
  OpOperand *init = chain.producer.getDpsInitOperand(0);
  Value newInit = recreateInit(rewriter, init->get(), chain.producerResultAxis,
                               keep.size());
  maybeDead.append({chain.producerWeight.operand->get(), init->get()});
  // The new value of each value of the chain.
  llvm::DenseMap<Value, Value> resized;
  resized[chain.producer->getResult(0)] = cloneResized(
      rewriter, chain.producer,
      {{chain.producerWeight.operand->getOperandNumber(), weight},
       {init->getOperandNumber(), newInit}},
      std::make_pair(chain.producerResultAxis, int64_t(keep.size())));

  // Links: the same ops on fewer channels.
  for (const ChainLink &link : chain.links) {
    rewriter.setInsertionPoint(link.op);
    SmallVector<int64_t> kept = keptPositions(link.inputPositions, keep);
    Value input = resized.lookup(link.chainOperands.front()->get());
    Value &current = resized[link.op->getResult(0)];
    if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(link.op)) {
      current =
          tensor::CollapseShapeOp::create(rewriter, collapse.getLoc(), input,
                                          collapse.getReassociationIndices());
      continue;
    }
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(link.op)) {
      SmallVector<int64_t> shape(expand.getResultType().getShape());
      shape[link.resultAxis] = int64_t(kept.size());
      current = tensor::ExpandShapeOp::create(
          rewriter, expand.getLoc(), expand.getResultType().clone(shape), input,
          expand.getReassociationIndices());
      continue;
    }
    if (isa<tensor::PadOp>(link.op)) {
      current =
          cloneResized(rewriter, link.op, {{0, input}},
                       std::make_pair(link.resultAxis, int64_t(kept.size())));
      continue;
    }
    SmallVector<std::pair<unsigned, Value>> operands;
    for (OpOperand *operand : link.chainOperands)
      operands.push_back(
          {operand->getOperandNumber(), resized.lookup(operand->get())});
    for (const ConstantGather &gather : link.gathers) {
      maybeDead.push_back(gather.operand->get());
      operands.push_back(
          {gather.operand->getOperandNumber(),
           createConstant(rewriter, link.op->getLoc(),
                          gatherAlong(gather.values, gather.dim, kept))});
    }
    OpOperand *linkInit = cast<linalg::LinalgOp>(link.op).getDpsInitOperand(0);
    maybeDead.push_back(linkInit->get());
    operands.push_back({linkInit->getOperandNumber(),
                        recreateInit(rewriter, linkInit->get(), link.resultAxis,
                                     kept.size())});
    current =
        cloneResized(rewriter, link.op, operands,
                     std::make_pair(link.resultAxis, int64_t(kept.size())));
  }

  // Consumer: fewer input channels, same result.
  rewriter.setInsertionPoint(chain.consumer);
  auto consumerSparsity = SparsityAttr::get(ctx, SparsityKind::Channel, 0, 0,
                                            chain.consumerWeightAxis,
                                            llvm::APFloat(removedFraction));
  Value consumerWeight = createConstant(
      rewriter, chain.consumerWeight.constant.getLoc(),
      gatherAlong(chain.consumerWeight.values, chain.consumerWeightAxis,
                  keptPositions(chain.consumerPositions, keep)),
      consumerSparsity);
  maybeDead.push_back(chain.consumerWeight.operand->get());
  Value result = cloneResized(
      rewriter, chain.consumer,
      {{chain.consumerActivation->getOperandNumber(),
        resized.lookup(chain.consumerActivation->get())},
       {chain.consumerWeight.operand->getOperandNumber(), consumerWeight}},
      std::nullopt);
  rewriter.replaceOp(chain.consumer, result);

  for (const ChainLink &link : llvm::reverse(chain.links))
    rewriter.eraseOp(link.op);
  rewriter.eraseOp(chain.producer);
  eraseDeadProducers(maybeDead);
}

} // namespace

ChannelPruningResult
mlir::compress::pruneChannels(ArrayRef<linalg::LinalgOp> producers,
                              const ChannelPruningOptions &options) {
  ChannelPruningResult result;
  // Last producer first: rewriting a chain replaces its consumer, which is
  // the producer of the next chain and so has been handled already.
  for (linalg::LinalgOp producer : llvm::reverse(producers)) {
    ChainFinder finder(producer);
    FailureOr<Chain> chain = finder.find();
    if (failed(chain)) {
      producer->emitRemark()
          << options.unitName << " not pruned: " << finder.whyNot;
      ++result.skipped;
      continue;
    }
    std::vector<double> scores =
        options.score == ChannelScore::Incoming
            ? channelScores(chain->producerWeight.values,
                            chain->producerWeightAxis,
                            identityPositions(chain->numChannels), options.norm)
            : channelScores(chain->consumerWeight.values,
                            chain->consumerWeightAxis, chain->consumerPositions,
                            options.norm);
    int64_t count = std::min(pruneCount(options.ratio, chain->numChannels),
                             chain->numChannels - 1);
    if (count <= 0)
      continue;
    rewriteChain(*chain, keptChannels(scores, count));
    result.removed += count;
    ++result.chains;
  }
  return result;
}

FailureOr<ChannelPruningOptions> mlir::compress::makeChannelPruningOptions(
    Location loc, StringRef passName, StringRef unitName, double ratio,
    ChannelNorm norm, ChannelScore score) {
  if (!(ratio >= 0.0 && ratio < 1.0))
    return emitError(loc) << passName
                          << ": option 'ratio' must be in [0, 1), got "
                          << ratio;
  ChannelPruningOptions options;
  options.unitName = unitName;
  options.ratio = ratio;
  options.norm = norm;
  options.score = score;
  return options;
}

FailureOr<ChannelPruningResult>
mlir::compress::pruneLayerChannels(Operation *root, StringRef passName,
                                   StringRef unitName, double ratio,
                                   ChannelNorm norm, ChannelScore score,
                                   function_ref<bool(Operation *)> isProducer) {
  FailureOr<ChannelPruningOptions> options = makeChannelPruningOptions(
      root->getLoc(), passName, unitName, ratio, norm, score);
  if (failed(options))
    return failure();
  SmallVector<linalg::LinalgOp> producers;
  for (const WeightedLayer &layer : collectWeightedLayers(root))
    if (isProducer(layer.op))
      producers.push_back(layer.op);
  return pruneChannels(producers, *options);
}
