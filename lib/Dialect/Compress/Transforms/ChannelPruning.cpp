//===- ChannelPruning.cpp - structured neuron and filter pruning ----------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A chain is: a producer layer whose weight has an output-channel dimension,
// then ops that carry each channel separately (elementwise or per-channel
// linalg ops whose other tensors are constants or other values of the chain,
// flattening collapse_shapes, expand_shapes and pads that keep the channel
// dimension), then the consumer layers that sum over the channels. The chain
// may branch and join again: GELU as ONNX exports it, x * 0.5 * (1 +
// erf(x / sqrt(2))), uses x twice. Where a join combines the chain with a
// value from other layers (a residual addition), those layers join the chain
// as producers of the same channels, so a chain is a dependency group: every
// layer writing the channels of a residual stream, and every layer reading
// them. All tensors along the chain and the weights at both ends lose the
// removed channels. Discovery proves the whole chain safe before anything
// changes.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Transforms/ChannelPruning.h"
#include "compress/Dialect/Compress/IR/CompressAttrs.h"
#include "compress/Dialect/Compress/Transforms/PruneUtils.h"
#include "compress/Dialect/Compress/Transforms/Refit.h"
#include "compress/Dialect/Compress/Utils/LayerKinds.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"
#include "compress/Dialect/Compress/Utils/WeightUtils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

using namespace mlir;
using namespace mlir::compress;

namespace {

/// Per original channel, the indices along the current tensor dimension that
/// carry it (one index, or several after a flatten).
using ChannelPositions = SmallVector<SmallVector<int64_t>>;
/// Marks the producers that the passes' `skip` names while they prune.
constexpr llvm::StringLiteral kSkipMark = "compress_prune_skip";

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
  /// At its result, for the reshapes that change them (expand_shape).
  ChannelPositions outputPositions;
  SmallVector<ConstantGather> gathers;
};

/// A layer whose output channels start the chain.
struct Producer {
  linalg::LinalgOp op;
  WeightOperand weight;
  int32_t weightAxis;
  int64_t resultAxis;
};

/// A layer that sums over the channels: it ends the chain.
struct Consumer {
  linalg::LinalgOp op;
  OpOperand *activation;
  WeightOperand weight;
  int32_t weightAxis;
  /// Where the channels lie along the weight's axis.
  ChannelPositions positions;
};

struct Chain {
  /// The layer the search started from, then the layers whose outputs join
  /// it (attention's Q, K and V projections meet at its batched matmuls; the
  /// layers of a residual stream meet at its additions); all lose the same
  /// channels.
  SmallVector<Producer, 1> producers;
  /// Where each channel lies along every producer's output dimension: one
  /// column, or a head's columns.
  ChannelPositions initialPositions;
  int64_t numChannels;
  std::vector<ChainLink> links;
  /// In program order (which a rewrite of other chains keeps), so that the
  /// same chain found again lists them alike.
  SmallVector<Consumer, 1> consumers;
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

/// Where the channels lie after an expand_shape splits their dimension into
/// the dimensions `group` of `resultType`: the result dimension along which
/// every channel occupies whole slices (all positions with given indices
/// there), with those indices as its new positions.
std::optional<std::pair<int64_t, ChannelPositions>>
splitPositions(const ChannelPositions &positions, RankedTensorType resultType,
               ArrayRef<int64_t> group) {
  int64_t total = 1;
  for (int64_t d : group)
    total *= resultType.getDimSize(d);
  // Prefer the dimensions that are not of size 1.
  SmallVector<int64_t> candidates;
  for (int64_t d : group)
    if (resultType.getDimSize(d) != 1)
      candidates.push_back(d);
  for (int64_t d : group)
    if (resultType.getDimSize(d) == 1)
      candidates.push_back(d);
  for (int64_t d : candidates) {
    int64_t inner = 1;
    for (int64_t e : group)
      if (e > d)
        inner *= resultType.getDimSize(e);
    int64_t size = resultType.getDimSize(d), others = total / size;
    ChannelPositions result;
    bool whole = true;
    for (const SmallVector<int64_t> &list : positions) {
      SmallVector<int64_t> indices;
      for (int64_t p : list)
        indices.push_back(p / inner % size);
      llvm::sort(indices);
      indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
      // Distinct positions, all within these indices: whole slices exactly
      // when there are as many as the slices hold.
      if (int64_t(list.size()) != int64_t(indices.size()) * others) {
        whole = false;
        break;
      }
      result.push_back(std::move(indices));
    }
    if (whole)
      return std::make_pair(d, std::move(result));
  }
  return std::nullopt;
}

class ChainFinder {
public:
  /// `groupSize` columns of the producer make one channel (a head's
  /// columns; 1 for neurons and filters).
  ChainFinder(linalg::LinalgOp producer, int64_t groupSize)
      : producer(producer), groupSize(groupSize) {}

  /// The chain starting at the producer, or failure with `whyNot` set.
  FailureOr<Chain> find();
  std::string whyNot;
  /// The layer is a depthwise convolution: its channels are pruned with
  /// the chain that reaches it, so its own failure needs no remark.
  bool carriesChannels = false;

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
  /// The producer facts of `layer`, if it is a layer with a constant weight
  /// and an output-channel dimension of `channels` columns (0: any).
  std::optional<Producer> asProducer(linalg::LinalgOp layer, int64_t channels);
  /// Looks upstream of `value` (a tensor a join combines with the chain)
  /// for layers whose outputs can join the chain, and starts following
  /// them; whether it found any.
  bool adoptProducers(Chain &chain, Value value);
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
  int64_t groupSize;
  llvm::DenseMap<Value, Track> tracked;
  llvm::DenseSet<Operation *> searched;
  SmallVector<Value> worklist;
  /// Ops already made links.
  llvm::DenseSet<Operation *> linked;
  /// Joins that wait for another input to join the chain, with the reason
  /// to give if it never does.
  llvm::MapVector<Operation *, std::string> waiting;
};

std::optional<Producer> ChainFinder::asProducer(linalg::LinalgOp layer,
                                                int64_t channels) {
  FailureOr<WeightOperand> weight = findWeightOperand(layer);
  if (failed(weight)) {
    whyNot = "the layer has no single constant weight";
    return std::nullopt;
  }
  std::optional<int32_t> axis = findOutputChannelAxis(layer, *weight);
  if (!axis) {
    whyNot = "the weight has no output-channel dimension";
    return std::nullopt;
  }
  AffineMap weightMap = layer.getMatchingIndexingMap(weight->operand);
  unsigned dim = cast<AffineDimExpr>(weightMap.getResult(*axis)).getPosition();
  if (layer.getMatchingIndexingMap(weight->other).isFunctionOfDim(dim)) {
    whyNot = "the channels also index the layer's input (depthwise)";
    carriesChannels = layer.getOperation() == producer.getOperation();
    return std::nullopt;
  }
  if (layer->getNumResults() != 1) {
    whyNot = "the layer does not have exactly one result";
    return std::nullopt;
  }
  std::optional<int64_t> resultAxis = plainPosition(
      layer.getMatchingIndexingMap(layer.getDpsInitOperand(0)), dim);
  if (!resultAxis) {
    whyNot = "the channels are not a plain dimension of the result";
    return std::nullopt;
  }
  if (!isRecreatableInit(layer.getDpsInitOperand(0)->get())) {
    whyNot = "the layer's output operand is not an empty or filled tensor";
    return std::nullopt;
  }
  int64_t columns =
      cast<ShapedType>(weight->values.getType()).getDimSize(*axis);
  if (columns % groupSize != 0 || (channels != 0 && columns != channels)) {
    whyNot = "the layer's output channels do not match";
    return std::nullopt;
  }
  return Producer{layer, *weight, *axis, *resultAxis};
}

LogicalResult ChainFinder::startAtProducer(Chain &chain) {
  std::optional<Producer> first = asProducer(producer, /*channels=*/0);
  if (!first)
    return failure();
  int64_t columns = cast<ShapedType>(first->weight.values.getType())
                        .getDimSize(first->weightAxis);
  chain.producers.push_back(*first);
  chain.numChannels = columns / groupSize;
  chain.initialPositions.resize(chain.numChannels);
  for (int64_t c = 0; c < columns; ++c)
    chain.initialPositions[c / groupSize].push_back(c);
  return success();
}

bool ChainFinder::adoptProducers(Chain &chain, Value value) {
  // Upstream through any ops (depth-first, each op once) to layers with a
  // constant weight; whether they really join the chain channel for channel
  // is checked where their outputs meet it, like any other join.
  bool found = false;
  SmallVector<Value> stack{value};
  int64_t columns = chain.numChannels * groupSize;
  while (!stack.empty()) {
    Operation *op = stack.pop_back_val().getDefiningOp();
    if (!op || !searched.insert(op).second || searched.size() > 256)
      continue;
    auto layer = dyn_cast<linalg::LinalgOp>(op);
    if (layer && isWeightedLayer(layer) &&
        succeeded(findWeightOperand(layer))) {
      std::string reason = whyNot;
      std::optional<Producer> adopted = asProducer(layer, columns);
      whyNot = reason;
      if (adopted && !tracked.count(layer->getResult(0))) {
        chain.producers.push_back(*adopted);
        track(layer->getResult(0),
              Track{adopted->resultAxis, chain.initialPositions});
        found = true;
      }
      continue;
    }
    for (Value operand : op->getOperands())
      if (isa<RankedTensorType>(operand.getType()) &&
          !operand.getDefiningOp<arith::ConstantOp>())
        stack.push_back(operand);
  }
  return found;
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
    std::optional<int64_t> weightAxis =
        plainPosition(op.getMatchingIndexingMap(weight->operand), dim);
    if (!weightAxis)
      return fail("the next layer's weight does not index the channels as "
                  "one plain dimension");
    chain.consumers.push_back(
        Consumer{op, &use, *weight, int32_t(*weightAxis), where.positions});
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
  ChainLink link{op, {}, *resultAxis, where.positions, {}, {}};
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
      // branch, or through the outputs of other layers upstream of it (the
      // K of Q K^T); if it never does, it is a residual or other data.
      if (!waiting.count(op))
        (void)adoptProducers(chain, input->get());
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
          ChainLink{collapse, {&use}, int64_t(g), where.positions, {}, {}});
      track(collapse.getResult(),
            Track{int64_t(g),
                  collapsePositions(where.positions, source, group, axis)});
      return success();
    }
    return fail("malformed collapse_shape");
  }
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(user)) {
    // The channel dimension may gain unit dimensions (the [B*T, C] -> [B, T,
    // C] of a 3-D ONNX MatMul) or split into dimensions of which one holds
    // the channels whole (a head's columns become one index along the heads
    // dimension; batch and heads merged by a collapse come apart again).
    RankedTensorType result = expand.getResultType();
    ReassociationIndices group = expand.getReassociationIndices()[axis];
    if (llvm::any_of(group, [&](int64_t d) { return result.isDynamicDim(d); }))
      return fail("'tensor.expand_shape' into dynamic dimensions");
    std::optional<std::pair<int64_t, ChannelPositions>> split =
        splitPositions(where.positions, result, group);
    if (!split)
      return fail("'tensor.expand_shape' splits the channel dimension");
    chain.links.push_back(ChainLink{
        expand, {&use}, split->first, where.positions, split->second, {}});
    track(expand.getResult(), Track{split->first, split->second});
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
    chain.links.push_back(
        ChainLink{pad, {&use}, axis, where.positions, {}, {}});
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
        Track{chain.producers.front().resultAxis, chain.initialPositions});
  // In the order values join the chain, so links come out in an order in
  // which each op's chain inputs are defined before it.
  for (size_t i = 0; i < worklist.size(); ++i)
    if (failed(followUses(chain, worklist[i])))
      return failure();
  if (!waiting.empty())
    return fail(waiting.front().second);
  if (chain.consumers.empty())
    return fail("the channels reach no layer that sums over them");
  Block *block = chain.consumers.front().op->getBlock();
  for (Consumer &consumer : chain.consumers) {
    if (consumer.op->getBlock() != block)
      return fail("the layers reading the channels are in different blocks");
    // y = x + W x: W would lose both input and output channels; not done.
    for (Producer &member : chain.producers)
      if (member.op.getOperation() == consumer.op.getOperation())
        return fail("'" + consumer.op->getName().getStringRef() +
                    "' both reads and writes the channels (a residual "
                    "connection around a single layer)");
  }
  llvm::sort(chain.consumers, [](Consumer &a, Consumer &b) {
    return a.op->isBeforeInBlock(b.op);
  });
  return chain;
}

} // namespace

namespace {

/// The sizes before, along and after dimension `dim` of `shape`.
std::tuple<int64_t, int64_t, int64_t> splitAt(ArrayRef<int64_t> shape,
                                              int64_t dim) {
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d)
    outer *= shape[d];
  for (int64_t d = dim + 1; d < int64_t(shape.size()); ++d)
    inner *= shape[d];
  return {outer, shape[dim], inner};
}

/// Keeps the slices `keep` (sorted) of dimension `dim` of a tensor of
/// `shape` stored row-major in `all`, `bytes` per element.
std::vector<char> gatherBytes(ArrayRef<char> all, size_t bytes,
                              ArrayRef<int64_t> shape, int64_t dim,
                              ArrayRef<int64_t> keep) {
  auto [outer, size, inner] = splitAt(shape, dim);
  size_t slice = inner * bytes;
  std::vector<char> kept(outer * keep.size() * slice);
  char *out = kept.data();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t q : keep) {
      std::memcpy(out, all.data() + (o * size + q) * slice, slice);
      out += slice;
    }
  return kept;
}

/// Keeps the slices `keep` (sorted) of dimension `dim` of a constant: on its
/// raw storage, any element type but i1, splats as splats.
DenseElementsAttr gatherAlong(DenseElementsAttr values, int64_t dim,
                              ArrayRef<int64_t> keep) {
  auto type = cast<RankedTensorType>(values.getType());
  SmallVector<int64_t> newShape(type.getShape());
  newShape[dim] = keep.size();
  RankedTensorType newType = type.clone(newShape);
  if (values.isSplat())
    return values.resizeSplat(newType);
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  assert(width > 1 && "gathering bit-packed i1 constants");
  std::vector<char> kept = gatherBytes(values.getRawData(), (width + 7) / 8,
                                       type.getShape(), dim, keep);
  return DenseElementsAttr::getFromRawBuffer(newType, kept);
}

/// The same for a weight, whose new constant keeps its storage form (a new
/// blob for a resource); `floats` are its values when they were changed
/// (refit), else they are read from `weight`.
TypedAttr gatherAlong(const WeightValues &weight, int64_t dim,
                      ArrayRef<int64_t> keep,
                      std::optional<ArrayRef<float>> floats = std::nullopt) {
  std::vector<float> read;
  if (!floats) {
    read = weight.toFloats();
    floats = read;
  }
  ArrayRef<char> raw(reinterpret_cast<const char *>(floats->data()),
                     floats->size() * sizeof(float));
  std::vector<char> kept =
      gatherBytes(raw, sizeof(float), weight.getType().getShape(), dim, keep);
  SmallVector<int64_t> newShape(weight.getType().getShape());
  newShape[dim] = keep.size();
  return buildWeightAttrLike(
      weight, weight.getType().clone(newShape),
      ArrayRef<float>(reinterpret_cast<const float *>(kept.data()),
                      kept.size() / sizeof(float)));
}

/// Norm of every channel's weights: the slices of `dim` listed for it.
std::vector<double> channelScores(const WeightValues &weights, int64_t dim,
                                  const ChannelPositions &positions,
                                  ChannelNorm norm) {
  // std::tie, not a structured binding: the lambda below captures them.
  int64_t outer, size, inner;
  std::tie(outer, size, inner) = splitAt(weights.getType().getShape(), dim);
  (void)outer;
  std::vector<double> perSlice(size, 0.0);
  int64_t i = 0;
  weights.forEachChunk([&](ArrayRef<float> run) {
    for (float v : run) {
      double x = std::abs(double(v));
      perSlice[(i++ / inner) % size] += norm == ChannelNorm::L1 ? x : x * x;
    }
  });
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

Value createConstant(OpBuilder &b, Location loc, TypedAttr values,
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
/// first, so an op shared by several values is erased exactly once. The
/// memory of an erased weight constant's immutable blob is handed back
/// (WeightValues::adviseUnused).
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
        // A replaced weight read from bytecode: its pages can go now.
        WeightValues weight;
        if (auto constant = dyn_cast<arith::ConstantOp>(op))
          weight = WeightValues::get(constant.getValue());
        op->erase();
        if (weight)
          weight.adviseUnused();
        op = nullptr;
        erased = true;
      }
    }
  }
}

/// The head size of a projection into attention heads: following the
/// output-channel dimension of `layer` downstream through single-use ops
/// (reshapes that keep it whole, elementwise linalg ops), the inner size of
/// the first expand_shape that splits that dimension in two (heads x head
/// size).
std::optional<int64_t> findHeadSize(linalg::LinalgOp layer) {
  FailureOr<WeightOperand> weight = findWeightOperand(layer);
  if (failed(weight) || layer->getNumResults() != 1)
    return std::nullopt;
  std::optional<int32_t> weightAxis = findOutputChannelAxis(layer, *weight);
  if (!weightAxis)
    return std::nullopt;
  unsigned dim =
      cast<AffineDimExpr>(
          layer.getMatchingIndexingMap(weight->operand).getResult(*weightAxis))
          .getPosition();
  std::optional<int64_t> axis = plainPosition(
      layer.getMatchingIndexingMap(layer.getDpsInitOperand(0)), dim);
  Value value = layer->getResult(0);
  for (int step = 0; axis && step < 8 && value.hasOneUse(); ++step) {
    OpOperand &use = *value.use_begin();
    Operation *user = use.getOwner();
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(user)) {
      RankedTensorType result = expand.getResultType();
      SmallVector<int64_t> wide;
      // A copy: getReassociationIndices() returns a temporary.
      ReassociationIndices group = expand.getReassociationIndices()[*axis];
      for (int64_t d : group)
        if (result.getDimSize(d) != 1)
          wide.push_back(d);
      if (wide.size() == 2 && !result.isDynamicDim(wide[1]))
        return result.getDimSize(wide[1]);
      if (wide.size() != 1)
        return std::nullopt;
      axis = wide.front();
    } else if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(user)) {
      std::optional<int64_t> next;
      for (auto [g, group] :
           llvm::enumerate(collapse.getReassociationIndices())) {
        if (!llvm::is_contained(group, *axis))
          continue;
        // Only a collapse that keeps the channels whole (with unit dims).
        if (llvm::all_of(group, [&](int64_t d) {
              return d == *axis || collapse.getSrcType().getDimSize(d) == 1;
            }))
          next = int64_t(g);
      }
      axis = next;
    } else if (auto op = dyn_cast<linalg::LinalgOp>(user)) {
      if (op->getNumResults() != 1 || op.getNumDpsInits() != 1 ||
          !op.isDpsInput(&use))
        return std::nullopt;
      auto loop = dyn_cast<AffineDimExpr>(
          op.getMatchingIndexingMap(&use).getResult(*axis));
      if (!loop)
        return std::nullopt;
      axis = plainPosition(op.getMatchingIndexingMap(op.getDpsInitOperand(0)),
                           loop.getPosition());
    } else {
      return std::nullopt;
    }
    value = user->getResult(0);
  }
  return std::nullopt;
}

/// Rewrites `consumer` to read only the kept channels (`resized` holds the
/// chain's new values); with `gram`, its remaining weights (and bias) are
/// refit to its unpruned output. Returns the new op.
Operation *rewriteConsumer(IRRewriter &rewriter, Consumer consumer,
                           ArrayRef<int64_t> keep, double removedFraction,
                           const llvm::DenseMap<Value, Value> &resized,
                           const LayerInputGram *gram, double damp,
                           SmallVectorImpl<Value> &maybeDead) {
  MLIRContext *ctx = rewriter.getContext();
  rewriter.setInsertionPoint(consumer.op);
  auto sparsity =
      SparsityAttr::get(ctx, SparsityKind::Channel, 0, 0, consumer.weightAxis,
                        llvm::APFloat(removedFraction));
  SmallVector<int64_t> kept = keptPositions(consumer.positions, keep);
  const WeightValues &values = consumer.weight.values;
  std::vector<float> refitted;
  OpOperand *biasOperand = nullptr;
  DenseElementsAttr newBias;
  if (gram) {
    std::string why;
    FailureOr<LayerGeometry> geometry =
        analyzeLayerGeometry(consumer.op, consumer.weight, why);
    std::vector<float> floats = getFloatValues(values);
    std::vector<double> biasDelta;
    if (succeeded(geometry))
      biasOperand =
          findBiasOperand(consumer.op, consumer.weight, geometry->rows());
    if (succeeded(geometry) &&
        succeeded(refitKeptColumns(
            floats, *geometry, *gram, consumer.weightAxis, kept, damp, why,
            biasOperand ? &biasDelta : nullptr, consumer.positions))) {
      refitted = std::move(floats);
      if (biasOperand && !biasDelta.empty()) {
        auto constant = biasOperand->get().getDefiningOp<arith::ConstantOp>();
        std::vector<float> bias =
            getFloatValues(getDenseFloatElements(constant.getValue()));
        for (auto [b, delta] : llvm::zip(bias, biasDelta))
          b = float(double(b) + delta);
        newBias = buildWeightAttr(cast<ShapedType>(constant.getType()), bias);
      }
    } else {
      consumer.op->emitRemark()
          << "not refit after pruning its input channels: " << why;
    }
  }
  Value weight = createConstant(
      rewriter, consumer.weight.constant.getLoc(),
      gatherAlong(values, consumer.weightAxis, kept,
                  refitted.empty() ? std::nullopt
                                   : std::optional<ArrayRef<float>>(refitted)),
      sparsity);
  maybeDead.push_back(consumer.weight.operand->get());
  Value result =
      cloneResized(rewriter, consumer.op,
                   {{consumer.activation->getOperandNumber(),
                     resized.lookup(consumer.activation->get())},
                    {consumer.weight.operand->getOperandNumber(), weight}},
                   std::nullopt);
  rewriter.replaceOp(consumer.op, result);
  if (newBias) {
    maybeDead.push_back(biasOperand->get());
    Operation *add = biasOperand->getOwner();
    rewriter.setInsertionPoint(add);
    Value bias = createConstant(rewriter, add->getLoc(), newBias);
    rewriter.modifyOpInPlace(add, [&] { biasOperand->set(bias); });
  }
  return result.getDefiningOp();
}

/// Rewrites the chain to keep the channels `keep`. `grams`: empty, or per
/// consumer its input statistics for the refit (groups == 0: none). Returns
/// the consumers and the ops that replaced them; the producers and theirs,
/// and the links (with null), go to `producersReplaced` when given.
SmallVector<std::pair<Operation *, Operation *>> rewriteChain(
    Chain chain, ArrayRef<int64_t> keep, ArrayRef<LayerInputGram> grams,
    double damp,
    SmallVectorImpl<std::pair<Operation *, Operation *>> *producersReplaced =
        nullptr) {
  MLIRContext *ctx = chain.producers.front().op->getContext();
  IRRewriter rewriter(ctx);
  double removedFraction =
      1.0 - double(keep.size()) / double(chain.numChannels);
  SmallVector<Value> maybeDead;
  SmallVector<int64_t> keptColumns =
      keptPositions(chain.initialPositions, keep);

  // Producers: fewer output channels. The new value of each value of the
  // chain is in `resized`.
  llvm::DenseMap<Value, Value> resized;
  for (Producer &producer : chain.producers) {
    rewriter.setInsertionPoint(producer.op);
    auto sparsity =
        SparsityAttr::get(ctx, SparsityKind::Channel, 0, 0, producer.weightAxis,
                          llvm::APFloat(removedFraction));
    Value weight = createConstant(
        rewriter, producer.weight.constant.getLoc(),
        gatherAlong(producer.weight.values, producer.weightAxis, keptColumns),
        sparsity);
    OpOperand *init = producer.op.getDpsInitOperand(0);
    Value newInit = recreateInit(rewriter, init->get(), producer.resultAxis,
                                 keptColumns.size());
    maybeDead.append({producer.weight.operand->get(), init->get()});
    resized[producer.op->getResult(0)] = cloneResized(
        rewriter, producer.op,
        {{producer.weight.operand->getOperandNumber(), weight},
         {init->getOperandNumber(), newInit}},
        std::make_pair(producer.resultAxis, int64_t(keptColumns.size())));
  }

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
      shape[link.resultAxis] =
          int64_t(keptPositions(link.outputPositions, keep).size());
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

  // Consumers: fewer input channels, same result.
  SmallVector<std::pair<Operation *, Operation *>> replaced;
  for (auto [c, consumer] : llvm::enumerate(chain.consumers)) {
    const LayerInputGram *gram =
        c < grams.size() && grams[c].groups > 0 ? &grams[c] : nullptr;
    Operation *newOp =
        rewriteConsumer(rewriter, consumer, keep, removedFraction, resized,
                        gram, damp, maybeDead);
    replaced.push_back({consumer.op, newOp});
  }

  if (producersReplaced) {
    for (Producer &producer : chain.producers)
      producersReplaced->push_back(
          {producer.op,
           resized.lookup(producer.op->getResult(0)).getDefiningOp()});
    for (const ChainLink &link : chain.links)
      producersReplaced->push_back({link.op, nullptr});
  }
  for (const ChainLink &link : llvm::reverse(chain.links))
    rewriter.eraseOp(link.op);
  for (Producer &producer : chain.producers)
    rewriter.eraseOp(producer.op);
  eraseDeadProducers(maybeDead);
  return replaced;
}

} // namespace

namespace {

/// A found chain, or failure; `remarked` when the failure was reported (a
/// layer that is not a candidate at all, as a projection with no head split
/// for compress-prune-heads, fails silently).
struct ChainOrSkip : FailureOr<Chain> {
  using FailureOr<Chain>::FailureOr;
  bool remarked = false;
};

ChainOrSkip findChain(linalg::LinalgOp producer,
                      const ChannelPruningOptions &options, bool remark) {
  auto skippedMember = [](const Chain &chain) -> Operation * {
    for (const Producer &member : chain.producers)
      if (member.op->hasAttr(kSkipMark))
        return member.op;
    for (const ChainLink &link : chain.links)
      if (link.op->hasAttr(kSkipMark))
        return link.op;
    return nullptr;
  };
  int64_t groupSize = 1;
  if (options.heads) {
    std::optional<int64_t> headSize = findHeadSize(producer);
    if (!headSize)
      return ChainOrSkip(failure());
    groupSize = *headSize;
  }
  ChainFinder finder(producer, groupSize);
  FailureOr<Chain> chain = finder.find();
  if (succeeded(chain)) {
    Operation *skipped = skippedMember(*chain);
    if (!skipped)
      return ChainOrSkip(std::move(*chain));
    ChainOrSkip result(failure());
    if (remark) {
      InFlightDiagnostic diag =
          producer->emitRemark()
          << options.unitName << " not pruned: option 'skip' names "
          << (skipped == producer.getOperation()
                  ? "this layer"
                  : "another layer of its dependency group");
      if (skipped != producer.getOperation())
        diag.attachNote(skipped->getLoc()) << "the skipped layer";
      result.remarked = true;
    }
    return result;
  }
  ChainOrSkip skipped(failure());
  if (remark && !finder.carriesChannels) {
    producer->emitRemark() << options.unitName
                           << " not pruned: " << finder.whyNot;
    skipped.remarked = true;
  }
  return skipped;
}

/// Adds to `indices` the position in `producers` of each op of `ops`.
void markIndices(const llvm::SmallPtrSetImpl<Operation *> &ops,
                 ArrayRef<linalg::LinalgOp> producers,
                 llvm::DenseSet<size_t> &indices) {
  for (auto [j, producer] : llvm::enumerate(producers))
    if (ops.contains(linalg::LinalgOp(producer).getOperation()))
      indices.insert(j);
}

/// Adds to `indices` the position in `producers` of each of the chain's
/// producers and, with `links`, of the layers it carries the channels
/// through (depthwise convolutions).
void markProducers(const Chain &chain, ArrayRef<linalg::LinalgOp> producers,
                   llvm::DenseSet<size_t> &indices, bool links = false) {
  llvm::SmallPtrSet<Operation *, 8> ops;
  for (const Producer &member : chain.producers)
    ops.insert(linalg::LinalgOp(member.op).getOperation());
  if (links)
    for (const ChainLink &link : chain.links)
      ops.insert(link.op);
  markIndices(ops, producers, indices);
}

/// Calls `visit(i, chain)` for every chain of the model as it is, found
/// from the producers last to first (without remarks), each chain once: a
/// producer that another chain already holds (attention's K and V, in Q's)
/// starts none.
void forEachChain(ArrayRef<linalg::LinalgOp> producers,
                  const ChannelPruningOptions &options,
                  function_ref<void(size_t, Chain &)> visit) {
  llvm::DenseSet<size_t> members;
  for (size_t i = producers.size(); i-- > 0;) {
    if (members.contains(i))
      continue;
    ChainOrSkip chain = findChain(producers[i], options, /*remark=*/false);
    if (failed(chain))
      continue;
    markProducers(*chain, producers, members);
    visit(i, *chain);
  }
}

/// Adds `part` to `scores`, as sums (L1) or sums of squares (L2).
void accumulateScores(std::vector<double> &scores, ArrayRef<double> part,
                      ChannelNorm norm) {
  for (auto [c, v] : llvm::enumerate(part))
    scores[c] += norm == ChannelNorm::L1 ? v : v * v;
}

/// The chain's channel scores (the lowest go first): a group's score is the
/// sum over its members (every producer, or every consumer). `grams`: the
/// consumers' input statistics, for score=output-error.
std::vector<double> scoreChain(const Chain &chain,
                               const ChannelPruningOptions &options,
                               ArrayRef<LayerInputGram> grams) {
  std::vector<double> scores(chain.numChannels, 0.0);
  if (options.score == ChannelScore::OutputError) {
    std::string why = "its consumer's inputs were not measured";
    bool all = true;
    for (auto [c, consumer] : llvm::enumerate(chain.consumers)) {
      FailureOr<std::vector<double>> part = failure();
      if (c < grams.size() && grams[c].groups > 0) {
        FailureOr<LayerGeometry> geometry =
            analyzeLayerGeometry(consumer.op, consumer.weight, why);
        if (succeeded(geometry))
          part = outputErrorScores(getFloatValues(consumer.weight.values),
                                   *geometry, grams[c], consumer.weightAxis,
                                   consumer.positions, options.refit.damp, why);
      }
      if (failed(part)) {
        all = false;
        break;
      }
      for (auto [i, v] : llvm::enumerate(*part))
        scores[i] += v;
    }
    if (all)
      return scores;
    chain.producers.front().op->emitRemark()
        << options.unitName
        << " scored by their outgoing weights, not by output error: " << why;
    std::fill(scores.begin(), scores.end(), 0.0);
  }
  if (options.score != ChannelScore::Incoming) {
    // Every consumer's rows of the channel.
    for (const Consumer &consumer : chain.consumers)
      accumulateScores(scores,
                       channelScores(consumer.weight.values,
                                     consumer.weightAxis, consumer.positions,
                                     options.norm),
                       options.norm);
  } else {
    // Every producer's columns of the channel.
    for (const Producer &member : chain.producers)
      accumulateScores(scores,
                       channelScores(member.weight.values, member.weightAxis,
                                     chain.initialPositions, options.norm),
                       options.norm);
  }
  if (options.norm == ChannelNorm::L2)
    for (double &v : scores)
      v = std::sqrt(v);
  return scores;
}

/// score=output-error with scope=layer: the channels greedy group OBS
/// keeps when it removes `count` (greedyRemovalOrder over the chain's
/// consumers), or failure (then the one-shot scores decide).
FailureOr<SmallVector<int64_t>>
greedyKeptChannels(const Chain &chain, const ChannelPruningOptions &options,
                   ArrayRef<LayerInputGram> grams, int64_t count) {
  if (grams.size() < chain.consumers.size())
    return failure();
  std::string why;
  std::vector<std::vector<float>> weights;
  std::vector<LayerGeometry> geometries;
  weights.reserve(chain.consumers.size());
  geometries.reserve(chain.consumers.size());
  for (auto [c, consumer] : llvm::enumerate(chain.consumers)) {
    if (grams[c].groups <= 0)
      return failure();
    FailureOr<LayerGeometry> geometry =
        analyzeLayerGeometry(consumer.op, consumer.weight, why);
    if (failed(geometry))
      return failure();
    geometries.push_back(*geometry);
    weights.push_back(getFloatValues(consumer.weight.values));
  }
  SmallVector<ChannelConsumer> consumers;
  for (auto [c, consumer] : llvm::enumerate(chain.consumers))
    consumers.push_back({weights[c], &geometries[c], &grams[c],
                         consumer.weightAxis, consumer.positions});
  FailureOr<std::vector<int64_t>> order = greedyRemovalOrder(
      consumers, chain.numChannels, count, options.refit.damp, why);
  if (failed(order))
    return failure();
  llvm::DenseSet<int64_t> gone(order->begin(), order->end());
  SmallVector<int64_t> keep;
  for (int64_t c = 0; c < chain.numChannels; ++c)
    if (!gone.contains(c))
      keep.push_back(c);
  return keep;
}

/// `count` lowered so that the kept count is a multiple of `roundTo` (or
/// all channels).
int64_t roundedCount(int64_t count, int64_t channels, int64_t roundTo) {
  int64_t kept = int64_t(llvm::alignTo(channels - count, roundTo));
  return channels - std::min(kept, channels);
}

/// The consumers' statistics of the chain starting at producer `i` (none
/// without reconstruct), without copying them.
ArrayRef<LayerInputGram>
gramsOf(const llvm::DenseMap<size_t, std::vector<LayerInputGram>> &grams,
        size_t i) {
  auto found = grams.find(i);
  if (found == grams.end())
    return {};
  return found->second;
}

/// scope=global: the channels every chain keeps, by producer index. Scores
/// are divided by their chain's mean, so that a layer's overall weight scale
/// does not decide for it; the round_half_to_even(ratio * total) lowest go,
/// except that a chain keeps at least max(1, ceil(min-keep * channels));
/// round-to may then keep a few more.
llvm::DenseMap<size_t, SmallVector<int64_t>>
planGlobally(ArrayRef<linalg::LinalgOp> producers,
             const ChannelPruningOptions &options,
             const llvm::DenseMap<size_t, std::vector<LayerInputGram>> &grams) {
  struct Entry {
    double score;
    size_t chain;
    int64_t channel;
  };
  std::vector<Entry> entries;
  llvm::DenseMap<size_t, std::vector<double>> scores;
  llvm::DenseMap<size_t, int64_t> cap;
  int64_t total = 0;
  forEachChain(producers, options, [&](size_t i, Chain &chain) {
    std::vector<double> chainScores =
        scoreChain(chain, options, gramsOf(grams, i));
    double mean = 0.0;
    for (double v : chainScores)
      mean += v / double(chainScores.size());
    for (auto [c, v] : llvm::enumerate(chainScores))
      entries.push_back({mean > 0.0 ? v / mean : v, i, int64_t(c)});
    int64_t minKeep = std::max<int64_t>(
        1, int64_t(std::ceil(options.minKeep * double(chain.numChannels))));
    cap[i] = std::max<int64_t>(0, chain.numChannels - minKeep);
    scores[i] = std::move(chainScores);
    total += chain.numChannels;
  });
  // Lowest first; ties: the later chain (found first), then the lower
  // channel.
  std::stable_sort(
      entries.begin(), entries.end(),
      [](const Entry &a, const Entry &b) { return a.score < b.score; });
  int64_t wanted = pruneCount(options.ratio, total);
  llvm::DenseMap<size_t, int64_t> count;
  for (const Entry &entry : entries) {
    if (wanted == 0)
      break;
    if (count[entry.chain] >= cap[entry.chain])
      continue;
    ++count[entry.chain];
    --wanted;
  }
  // Each chain's lowest-scoring channels, as many as the ranking took from
  // it (the same channels: within a chain, the order is the same).
  llvm::DenseMap<size_t, SmallVector<int64_t>> plan;
  for (auto &[i, chainScores] : scores) {
    int64_t n = int64_t(chainScores.size());
    plan[i] = keptChannels(chainScores,
                           roundedCount(count.lookup(i), n, options.roundTo));
  }
  return plan;
}

} // namespace

namespace {

/// The geometry of a consumer to refit, or failure with a remark saying why
/// it will not be.
FailureOr<LayerGeometry> refitGeometry(const Consumer &consumer) {
  std::string why;
  FailureOr<LayerGeometry> geometry =
      analyzeLayerGeometry(consumer.op, consumer.weight, why);
  if (failed(geometry))
    consumer.op->emitRemark()
        << "not refit after pruning its input channels: " << why;
  return geometry;
}

/// reconstruct=true: the input Gram matrix of every chain's consumers, by
/// the producer index the chain starts from (one per consumer, in the
/// chain's order; groups == 0 where one cannot be measured), measured in one
/// run of the unpruned model.
FailureOr<llvm::DenseMap<size_t, std::vector<LayerInputGram>>>
measureConsumers(ArrayRef<linalg::LinalgOp> producers,
                 const ChannelPruningOptions &options) {
  llvm::DenseMap<size_t, std::vector<LayerInputGram>> grams;
  std::vector<MeasuredLayer> measured;
  std::vector<std::pair<size_t, size_t>> owners;
  forEachChain(producers, options, [&](size_t i, Chain &chain) {
    grams[i].resize(chain.consumers.size());
    for (auto [c, consumer] : llvm::enumerate(chain.consumers)) {
      FailureOr<LayerGeometry> geometry = refitGeometry(consumer);
      if (failed(geometry))
        continue;
      measured.push_back({consumer.op, consumer.weight, std::move(*geometry)});
      owners.push_back({i, c});
    }
  });
  if (measured.empty())
    return grams;
  auto module = producers.front()->getParentOfType<ModuleOp>();
  LayerDataSource source{options.refit.data, options.refit.stats,
                         options.refit.entry, options.passName.str()};
  FailureOr<std::vector<LayerInputGram>> collected =
      collectLayerStatistics(module, measured, source);
  if (failed(collected))
    return failure();
  for (auto [owner, gram] : llvm::zip(owners, *collected))
    grams[owner.first][owner.second] = std::move(gram);
  return grams;
}

} // namespace

namespace {

/// Sequential reconstruct: the unpruned model, and the ops of the model
/// being pruned that still have a counterpart in it.
struct ChannelTeacher {
  OwningOpRef<ModuleOp> module;
  llvm::DenseMap<Operation *, Operation *> counterpart;

  explicit ChannelTeacher(ModuleOp original) {
    std::tie(module, counterpart) = copyWithCounterparts(original);
  }
};

/// Sequential reconstruct: the input statistics of `chain`'s consumers
/// (groups == 0 where one cannot be measured) on the model as it is now.
/// With `paired` (an earlier chain was rewritten), the consumers are measured
/// next to their counterparts in the teacher when every one has one that
/// reads an input of the same shape, and each consumer whose weight constant
/// it alone uses gets the weights alignToTeacher fits (written into the
/// constant; the caller finds the chain again). `aligned` says whether any
/// did.
FailureOr<std::vector<LayerInputGram>>
measureChainConsumers(const Chain &chain, ChannelTeacher &teacher, bool paired,
                      const ChannelPruningOptions &options, bool &aligned) {
  aligned = false;
  std::vector<LayerInputGram> grams(chain.consumers.size());
  std::vector<MeasuredLayer> measured;
  std::vector<size_t> owners;
  TeacherModel teacherModel{*teacher.module, {}};
  for (auto [c, consumer] : llvm::enumerate(chain.consumers)) {
    FailureOr<LayerGeometry> geometry = refitGeometry(consumer);
    if (failed(geometry))
      continue;
    std::string why;
    auto counterpart = dyn_cast_or_null<linalg::LinalgOp>(
        teacher.counterpart.lookup(&*consumer.op));
    FailureOr<WeightOperand> teacherWeight =
        counterpart ? findWeightOperand(counterpart)
                    : FailureOr<WeightOperand>();
    FailureOr<LayerGeometry> teacherGeometry =
        succeeded(teacherWeight)
            ? analyzeLayerGeometry(counterpart, *teacherWeight, why)
            : FailureOr<LayerGeometry>();
    if (failed(teacherGeometry) ||
        teacherGeometry->inputShape != geometry->inputShape ||
        teacherGeometry->cols() != geometry->cols() ||
        teacherGeometry->groups() != geometry->groups())
      paired = false;
    teacherModel.ops.push_back(counterpart);
    measured.push_back({consumer.op, consumer.weight, std::move(*geometry)});
    owners.push_back(c);
  }
  if (measured.empty())
    return grams;
  auto module = chain.producers.front().op->getParentOfType<ModuleOp>();
  LayerDataSource source{options.refit.data, options.refit.stats,
                         options.refit.entry, options.passName.str()};
  FailureOr<std::vector<LayerInputGram>> collected = collectLayerStatistics(
      module, measured, source, paired ? &teacherModel : nullptr);
  if (failed(collected))
    return failure();
  for (auto [i, gram] : llvm::enumerate(*collected)) {
    const MeasuredLayer &layer = measured[i];
    arith::ConstantOp constant = layer.weight.constant;
    if (paired && constant->hasOneUse()) {
      std::vector<float> values = getFloatValues(layer.weight.values);
      std::string why;
      if (failed(alignToTeacher(values, layer.geometry, gram,
                                options.refit.damp, why)))
        return layer.op->emitError()
               << options.passName
               << ": cannot fit the layer to the unpruned model: " << why;
      constant.setValueAttr(buildWeightAttr(
          cast<ShapedType>(layer.weight.values.getType()), values));
      aligned = true;
    }
    grams[owners[i]] = std::move(gram);
  }
  return grams;
}

} // namespace

namespace {

/// Refits `layer` (a chain's consumer, as rewritten) to its counterpart
/// `teacher` in the unpruned model: with X its inputs now and X_t the
/// teacher's, its weights V (and, where a bias add follows both, its bias)
/// become argmin ||X V^T + b - X_t W_t^T||^2 + d ||V - V0||^2 + the
/// teacher's bias, V0 the refit weights, d = damp times the mean of
/// diag(X^T X). Leaves the layer as it is (and says nothing) where the
/// layers do not line up: other output rows, groups, shared constants.
LogicalResult refitToTeacher(linalg::LinalgOp layer, linalg::LinalgOp teacher,
                             ModuleOp teacherModule,
                             const ChannelPruningOptions &options) {
  FailureOr<WeightOperand> weight = findWeightOperand(layer);
  FailureOr<WeightOperand> teacherWeight = findWeightOperand(teacher);
  if (failed(weight) || failed(teacherWeight))
    return success();
  std::string why;
  FailureOr<LayerGeometry> geometry = analyzeLayerGeometry(layer, *weight, why);
  FailureOr<LayerGeometry> teacherGeometry =
      analyzeLayerGeometry(teacher, *teacherWeight, why);
  if (failed(geometry) || failed(teacherGeometry) || geometry->groups() != 1 ||
      teacherGeometry->groups() != 1 ||
      geometry->rows() != teacherGeometry->rows() ||
      geometry->positions() != teacherGeometry->positions() ||
      !weight->constant->hasOneUse())
    return success();
  int64_t rows = geometry->rows();
  OpOperand *bias = findBiasOperand(layer, *weight, rows);
  OpOperand *teacherBias = findBiasOperand(teacher, *teacherWeight, rows);
  if (bias && (!teacherBias || !bias->get().hasOneUse()))
    return success();
  auto module = layer->getParentOfType<ModuleOp>();
  LayerDataSource source{options.refit.data, options.refit.stats,
                         options.refit.entry, options.passName.str()};
  TeacherModel model{teacherModule, {teacher}, {*teacherGeometry}};
  FailureOr<std::vector<LayerInputGram>> grams = collectLayerStatistics(
      module, {MeasuredLayer{layer, *weight, *geometry}}, source, &model);
  if (failed(grams))
    return failure();
  const LayerInputGram &gram = grams->front();
  int64_t cols = geometry->cols(), teacherCols = teacherGeometry->cols();
  int64_t n = cols + (bias ? 1 : 0);
  Eigen::Map<const Eigen::MatrixXd> h(gram.values.data(), cols, cols);
  double d = options.refit.damp * h.diagonal().mean();
  if (!(d > 0.0))
    return success();
  Eigen::MatrixXd system = Eigen::MatrixXd::Zero(n, n);
  system.topLeftCorner(cols, cols) = h;
  system.topLeftCorner(cols, cols).diagonal().array() += d;
  std::vector<float> current = getFloatValues(weight->values);
  std::vector<float> target = getFloatValues(teacherWeight->values);
  Eigen::MatrixXd v0(cols, rows), wt(teacherCols, rows);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c)
      v0(c, r) = current[geometry->weightIndex(0, r, c)];
    for (int64_t c = 0; c < teacherCols; ++c)
      wt(c, r) = target[teacherGeometry->weightIndex(0, r, c)];
  }
  Eigen::Map<const Eigen::MatrixXd> cross(gram.cross.data(), teacherCols, cols);
  Eigen::MatrixXd rhs(n, rows);
  rhs.topRows(cols) = cross.transpose() * wt + d * v0;
  if (bias) {
    Eigen::Map<const Eigen::VectorXd> sums(gram.sums.data(), cols);
    Eigen::Map<const Eigen::VectorXd> teacherSums(gram.teacherSums.data(),
                                                  teacherCols);
    system.block(0, cols, cols, 1) = sums;
    system.block(cols, 0, 1, cols) = sums.transpose();
    system(cols, cols) = double(gram.count);
    rhs.row(cols) = teacherSums.transpose() * wt;
  }
  Eigen::LDLT<Eigen::MatrixXd> factor(system);
  if (factor.info() != Eigen::Success)
    return success();
  Eigen::MatrixXd solution = factor.solve(rhs);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      current[geometry->weightIndex(0, r, c)] = float(solution(c, r));
  weight->constant.setValueAttr(
      buildWeightAttr(cast<ShapedType>(weight->values.getType()), current));
  if (bias) {
    auto teacherConstant =
        teacherBias->get().getDefiningOp<arith::ConstantOp>();
    auto constant = bias->get().getDefiningOp<arith::ConstantOp>();
    std::vector<float> values =
        getFloatValues(getDenseFloatElements(teacherConstant.getValue()));
    for (int64_t r = 0; r < rows; ++r)
      values[r] = float(double(values[r]) + solution(cols, r));
    constant.setValueAttr(
        buildWeightAttr(cast<ShapedType>(constant.getType()), values));
  }
  return success();
}

} // namespace

FailureOr<ChannelPruningResult>
mlir::compress::pruneChannels(ArrayRef<linalg::LinalgOp> producers,
                              const ChannelPruningOptions &options) {
  ChannelPruningResult result;
  llvm::DenseMap<size_t, std::vector<LayerInputGram>> grams;
  const bool sequential =
      options.refit.reconstruct && options.refit.sequential &&
      options.refit.stats.empty() && options.scope == PruneScope::Layer &&
      !producers.empty();
  // Last first: the consumers of chains whose producers a later step
  // refit are fit to the teacher at the end.
  const bool correct = options.refit.reconstruct && !sequential &&
                       options.refit.stats.empty() &&
                       options.scope == PruneScope::Layer && !producers.empty();
  std::optional<ChannelTeacher> teacher;
  if (sequential || correct)
    teacher.emplace(producers.front()->getParentOfType<ModuleOp>());
  // Per rewritten chain: its producers' new ops and its consumers' new ops.
  SmallVector<std::pair<SmallVector<Operation *>, SmallVector<Operation *>>>
      rewrittenChains;
  llvm::DenseSet<Operation *> refitConsumersBefore;
  // Every op a rewrite replaced or erased (a rewritten consumer may be
  // rewritten again by a later chain, as in a residual stream).
  llvm::DenseSet<Operation *> replacedOps;
  if (options.refit.reconstruct && !producers.empty() && !sequential) {
    FailureOr<llvm::DenseMap<size_t, std::vector<LayerInputGram>>> measured =
        measureConsumers(producers, options);
    if (failed(measured))
      return failure();
    grams = std::move(*measured);
  }
  // Global scope: one ranking of every chain's channels on the model as it
  // is, before anything changes, decides which channels each chain loses;
  // the chains are then found again and rewritten one by one.
  std::optional<llvm::DenseMap<size_t, SmallVector<int64_t>>> plan;
  if (options.scope == PruneScope::Global)
    plan = planGlobally(producers, options, grams);

  // Producers another chain already rewrote (attention's K and V, pruned
  // with Q; the layers of a residual stream), by index: their ops are gone.
  llvm::DenseSet<size_t> rewritten;
  // The producers as they are now: rewriting a chain replaces its consumers,
  // which may start chains still to come (a residual stream's readers).
  SmallVector<linalg::LinalgOp> current(producers);
  // Last producer first: in a plain sequence of layers, a chain's consumer
  // is the producer of the next chain, handled already. Sequential: first
  // producer first, so that each consumer is measured and refit after the
  // chains before it changed its inputs.
  bool anyRewritten = false;
  for (size_t step = 0; step < current.size(); ++step) {
    size_t i = sequential ? step : current.size() - 1 - step;
    if (rewritten.contains(i))
      continue;
    ChainOrSkip chain = findChain(current[i], options, /*remark=*/true);
    if (failed(chain)) {
      if (chain.remarked)
        ++result.skipped;
      continue;
    }
    if (sequential) {
      bool aligned = false;
      FailureOr<std::vector<LayerInputGram>> measured = measureChainConsumers(
          *chain, *teacher, anyRewritten, options, aligned);
      if (failed(measured))
        return failure();
      grams[i] = std::move(*measured);
      if (aligned) {
        // The consumers' weights changed: read them again.
        chain = findChain(current[i], options, /*remark=*/false);
        if (failed(chain))
          continue;
      }
    }
    SmallVector<int64_t> keep;
    if (plan) {
      auto planned = plan->find(i);
      if (planned == plan->end())
        continue;
      keep = planned->second;
    } else {
      int64_t count =
          roundedCount(std::min(pruneCount(options.ratio, chain->numChannels),
                                chain->numChannels - 1),
                       chain->numChannels, options.roundTo);
      FailureOr<SmallVector<int64_t>> greedy = failure();
      if (options.score == ChannelScore::OutputError)
        greedy = greedyKeptChannels(*chain, options, gramsOf(grams, i), count);
      if (succeeded(greedy))
        keep = std::move(*greedy);
      else
        keep =
            keptChannels(scoreChain(*chain, options, gramsOf(grams, i)), count);
    }
    int64_t count = chain->numChannels - int64_t(keep.size());
    if (count <= 0)
      continue;
    // The layers the chain carries the channels through (depthwise
    // convolutions) are rewritten with it.
    markProducers(*chain, current, rewritten, /*links=*/true);
    llvm::DenseMap<Operation *, Operation *> replaced;
    SmallVector<std::pair<Operation *, Operation *>> producersReplaced;
    SmallVector<std::pair<Operation *, Operation *>> consumersReplaced =
        rewriteChain(*chain, keep, gramsOf(grams, i), options.refit.damp,
                     &producersReplaced);
    std::pair<SmallVector<Operation *>, SmallVector<Operation *>> record;
    // The teacher's counterparts move to the new ops; the erased ops' go,
    // so that an op allocated where one was gets none.
    auto moveCounterpart = [&](Operation *old, Operation *replacement) {
      replacedOps.insert(old);
      if (!teacher)
        return;
      Operation *counterpart = teacher->counterpart.lookup(old);
      teacher->counterpart.erase(old);
      if (counterpart && replacement)
        teacher->counterpart[replacement] = counterpart;
    };
    for (auto [old, replacement] : producersReplaced) {
      moveCounterpart(old, replacement);
      if (replacement)
        record.first.push_back(replacement);
    }
    for (auto [old, replacement] : consumersReplaced) {
      moveCounterpart(old, replacement);
      replaced[old] = replacement;
      record.second.push_back(replacement);
      refitConsumersBefore.insert(old);
    }
    rewrittenChains.push_back(std::move(record));
    anyRewritten = true;
    for (linalg::LinalgOp &op : current)
      if (Operation *replacement = replaced.lookup(op.getOperation()))
        op = cast<linalg::LinalgOp>(replacement);
    result.removed += count;
    ++result.chains;
  }
  if (correct && !options.refit.data.empty()) {
    // A chain whose producer was refit afterwards (as the consumer of the
    // chain before it) feeds its consumers other values than the ones their
    // refit assumed. First chain first, they are fit to the teacher.
    for (auto &[newProducers, newConsumers] : llvm::reverse(rewrittenChains)) {
      if (llvm::none_of(newProducers, [&](Operation *op) {
            return refitConsumersBefore.contains(op);
          }))
        continue;
      for (Operation *consumer : newConsumers) {
        if (replacedOps.contains(consumer))
          continue; // Rewritten again since: the pointer is stale.
        auto counterpart = dyn_cast_or_null<linalg::LinalgOp>(
            teacher->counterpart.lookup(consumer));
        if (counterpart &&
            failed(refitToTeacher(cast<linalg::LinalgOp>(consumer), counterpart,
                                  *teacher->module, options)))
          return failure();
      }
    }
  }
  return result;
}

FailureOr<ChannelPruningOptions> mlir::compress::makeChannelPruningOptions(
    Location loc, StringRef passName, StringRef unitName, double ratio,
    ChannelNorm norm, ChannelScore score, int64_t roundTo, PruneScope scope,
    double minKeep, const ChannelRefitOptions &refit) {
  if (score == ChannelScore::OutputError && !refit.reconstruct)
    return emitError(loc) << passName
                          << ": score=output-error needs the data of "
                             "reconstruct=true data=DIR";
  if (refit.reconstruct &&
      failed(verifyDataSource(loc, passName, "reconstruct=true", refit.data,
                              refit.stats)))
    return failure();
  if (!(refit.damp > 0.0) || !std::isfinite(refit.damp))
    return emitError(loc) << passName
                          << ": option 'damp' must be positive, got "
                          << refit.damp;
  if (!(minKeep >= 0.0 && minKeep <= 1.0))
    return emitError(loc) << passName
                          << ": option 'min-keep' must be in [0, 1], got "
                          << minKeep;
  if (roundTo < 1)
    return emitError(loc) << passName
                          << ": option 'round-to' must be at least 1, got "
                          << roundTo;
  if (!(ratio >= 0.0 && ratio < 1.0))
    return emitError(loc) << passName
                          << ": option 'ratio' must be in [0, 1), got "
                          << ratio;
  ChannelPruningOptions options;
  options.unitName = unitName;
  options.ratio = ratio;
  options.norm = norm;
  options.score = score;
  options.roundTo = roundTo;
  options.scope = scope;
  options.minKeep = minKeep;
  options.refit = refit;
  options.passName = passName;
  return options;
}

FailureOr<ChannelPruningResult> mlir::compress::pruneLayerChannels(
    ModuleOp root, StringRef passName, StringRef unitName, double ratio,
    ChannelNorm norm, ChannelScore score, int64_t roundTo, PruneScope scope,
    double minKeep, function_ref<bool(Operation *)> isProducer,
    const ChannelRefitOptions &refit, ArrayRef<std::string> skip) {
  FailureOr<ChannelPruningOptions> options =
      makeChannelPruningOptions(root->getLoc(), passName, unitName, ratio, norm,
                                score, roundTo, scope, minKeep, refit);
  if (failed(options) || failed(verifySkipList(root->getLoc(), passName, skip)))
    return failure();
  SmallVector<WeightedLayer> layers = collectWeightedLayers(root);
  SmallVector<linalg::LinalgOp> producers;
  for (const WeightedLayer &layer : layers) {
    if (!isProducer(layer.op))
      continue;
    // Skipped layers stay producers, so that a chain they belong to is
    // found whole and left alone (findChain reads the mark, which clones of
    // a rewritten consumer keep).
    if (isSkippedLayer(layer.op, layer.index, layers.size(), skip))
      layer.op->setAttr(kSkipMark, UnitAttr::get(root.getContext()));
    producers.push_back(layer.op);
  }
  FailureOr<ChannelPruningResult> result = pruneChannels(producers, *options);
  root->walk([](Operation *op) { op->removeAttr(kSkipMark); });
  return result;
}
