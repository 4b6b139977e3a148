//===- QuantizeWeights.cpp - quantize constant weights --------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Replaces the float constant weight operand of matmuls and convolutions by a
// quantized constant followed by compress.dequantize.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/GPTQ.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Transforms/PruneUtils.h"
#include "compress/Dialect/Compress/Transforms/SparseGPT.h"
#include "compress/Dialect/Compress/Utils/LayerKinds.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"
#include "compress/Dialect/Compress/Utils/WeightUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

#define DEBUG_TYPE "compress-quantize-weights"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSQUANTIZEWEIGHTS
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

/// The bits one weight of `op` takes at `width` bits as compress-compile's
/// CPU kernels store it: matmul weights of at most 4 bits two per byte,
/// other weights of at most 8 bits (convolution filters too) one per byte,
/// wider ones in 16 bits.
unsigned storedBits(Operation *op, unsigned width) {
  if (width > 8)
    return 16;
  if (width <= 4 && !isa<linalg::ConvolutionOpInterface>(op))
    return 4;
  return 8;
}

/// One way to store a layer's weights that the planning of `size` weighs:
/// a width, and (prune=true) a sparsity SparseGPT gives the weights first.
struct WeightChoice {
  unsigned width;
  /// No fraction and no m: dense.
  SparseGptTarget sparsity;

  bool pruned() const { return sparsity.fraction > 0.0 || sparsity.m > 0; }
};

/// The bits of `weight` in the CPU kernels' sparse int8 layout
/// (runtime/cpu/SparseB.h): per 16 output channels and window of 128
/// inputs, a byte of round count and 120 bytes per round of 4 non-zeros of
/// its fullest channel.
double sparseWindowBits(ArrayRef<float> weight, const LayerGeometry &g) {
  constexpr int64_t kPanel = 16, kWindow = 128, kRoundBytes = 120;
  int64_t rows = g.rows(), cols = g.cols();
  double bytes = 0.0;
  for (int64_t r0 = 0; r0 < rows; r0 += kPanel)
    for (int64_t c0 = 0; c0 < cols; c0 += kWindow) {
      int64_t rounds = 0;
      for (int64_t r = r0; r < std::min(rows, r0 + kPanel); ++r) {
        int64_t nonZeros = 0;
        for (int64_t c = c0; c < std::min(cols, c0 + kWindow); ++c)
          nonZeros += weight[g.weightIndex(0, r, c)] != 0.0f;
        rounds = std::max(rounds, (nonZeros + 3) / 4);
      }
      bytes += 1.0 + double(kRoundBytes * rounds);
    }
  return 8.0 * bytes;
}

/// "2:4" or "75% zeros", for remarks.
std::string describeSparsity(const SparseGptTarget &sparsity) {
  if (sparsity.m > 0)
    return llvm::formatv("{0}:{1}", sparsity.n, sparsity.m).str();
  return llvm::formatv("{0}% zeros", std::lround(sparsity.fraction * 100.0))
      .str();
}

/// Per layer, the option j (an index into `costs[i]` and `errors[i]`: its
/// bits and its error) such that the layers' bits are at most `budget` and
/// the sum of squared errors is least: a multiple-choice knapsack, solved
/// by dynamic programming over the budget in 2^16 units (each option's bits
/// rounded down to whole units; when the exact bits of the answer then
/// exceed the budget, it is solved again with that many units fewer). When
/// nothing fits, each layer's cheapest option (of those, the least error).
std::vector<size_t> allocateWidths(ArrayRef<std::vector<double>> costs,
                                   ArrayRef<std::vector<double>> errors,
                                   double budget) {
  constexpr int64_t kUnits = 1 << 16;
  size_t layers = costs.size();
  std::vector<size_t> cheapest(layers, 0);
  double widest = 0.0;
  for (size_t i = 0; i < layers; ++i) {
    widest += *std::max_element(costs[i].begin(), costs[i].end());
    for (size_t j = 0; j < costs[i].size(); ++j)
      if (std::make_pair(costs[i][j], errors[i][j]) <
          std::make_pair(costs[i][cheapest[i]], errors[i][cheapest[i]]))
        cheapest[i] = j;
  }
  if (layers == 0 || widest <= 0.0)
    return cheapest;
  double unit = widest / double(kUnits);
  auto units = [&](size_t i, size_t j) {
    return int64_t(std::floor(costs[i][j] / unit));
  };
  const double infinity = std::numeric_limits<double>::infinity();
  int64_t capacity = std::min<int64_t>(kUnits, int64_t(budget / unit + 1e-6));
  while (capacity >= 0) {
    // best[b]: the least summed squared error of the layers so far in at
    // most b units; choice[i][b]: layer i's option there.
    std::vector<double> best(capacity + 1, 0.0), next(capacity + 1);
    std::vector<std::vector<uint8_t>> choice(
        layers, std::vector<uint8_t>(capacity + 1, 0));
    for (size_t i = 0; i < layers; ++i) {
      std::fill(next.begin(), next.end(), infinity);
      for (size_t j = 0; j < costs[i].size(); ++j) {
        int64_t c = units(i, j);
        double squared = errors[i][j] * errors[i][j];
        for (int64_t b = c; b <= capacity; ++b) {
          double total = best[b - c] + squared;
          if (total < next[b]) {
            next[b] = total;
            choice[i][b] = uint8_t(j);
          }
        }
      }
      std::swap(best, next);
    }
    if (best[capacity] == infinity)
      break;
    std::vector<size_t> answer(layers);
    double total = 0.0;
    int64_t b = capacity;
    for (size_t i = layers; i-- > 0;) {
      answer[i] = choice[i][b];
      b -= units(i, answer[i]);
      total += costs[i][answer[i]];
    }
    if (total <= budget * (1.0 + 1e-12))
      return answer;
    capacity -=
        std::max<int64_t>(1, int64_t(std::ceil((total - budget) / unit)));
  }
  return cheapest;
}

struct QuantizeWeightsPass
    : public compress::impl::CompressQuantizeWeightsBase<QuantizeWeightsPass> {
  using CompressQuantizeWeightsBase::CompressQuantizeWeightsBase;

  void runOnOperation() override;

private:
  /// Where a layer's weight gets its scales: the output channel axis
  /// (per-channel) and the groups along its input channels (group-size).
  struct WeightLayout {
    std::optional<int32_t> axis;
    std::optional<WeightGroups> groups;
  };
  /// The layout of `op`'s weight under the pass options; `remark`: say why a
  /// layer gets no groups when group-size asks for them.
  WeightLayout getWeightLayout(linalg::LinalgOp op, const WeightOperand &weight,
                               bool remark);

  /// How the scales of `layerBits`-bit weights cover their values (`range`).
  WeightRange rangeAt(unsigned layerBits) const {
    switch (range) {
    case WeightRangeChoice::MinMax:
      return WeightRange::MinMax;
    case WeightRangeChoice::Mse:
      return WeightRange::Mse;
    case WeightRangeChoice::Auto:
      break;
    }
    return autoWeightRange(layerBits, algorithm == WeightQuantAlgorithm::GPTQ);
  }

  /// The quantized type of `weight`'s values, from their ranges.
  FailureOr<quant::QuantizedType> getQuantType(WeightOperand weight,
                                               const WeightLayout &layout,
                                               unsigned layerBits,
                                               const WeightValues &ranges);

  /// Quantized replacement of `weight` at `layerBits`, created once per
  /// constant, layout and width. `adjusted`: the values GPTQ moved onto the
  /// grid, quantized instead of the constant's; `ranges`: the values the
  /// scales cover, when not the constant's (pruned weights).
  FailureOr<Value> getOrCreateQuantized(WeightOperand weight,
                                        const WeightLayout &layout,
                                        unsigned layerBits,
                                        DenseElementsAttr adjusted = {},
                                        DenseElementsAttr ranges = {});

  /// What the data decided for a layer: its width, and the grid values GPTQ
  /// chose (null: round to nearest).
  struct LayerChoice {
    unsigned bits;
    DenseElementsAttr adjusted;
    /// Pruned: the values whose ranges the scales cover (SparseGPT's output)
    /// rather than the float weights'.
    DenseElementsAttr ranges;
    /// bias-correction: the bias operand to set, and its corrected values.
    OpOperand *bias = nullptr;
    DenseElementsAttr correctedBias;
  };

  /// algorithm=gptq or max-error: the choice for each layer with data, by
  /// layer op; layers left to rounding to nearest at `bits` are absent.
  LogicalResult runWithData(ArrayRef<linalg::LinalgOp> candidates,
                            llvm::DenseMap<Operation *, LayerChoice> &out);

  llvm::DenseMap<std::tuple<Operation *, int32_t, int32_t, unsigned>, Value>
      cache;
};

QuantizeWeightsPass::WeightLayout
QuantizeWeightsPass::getWeightLayout(linalg::LinalgOp op,
                                     const WeightOperand &weight, bool remark) {
  WeightLayout layout;
  if (granularity == WeightGranularity::PerChannel)
    layout.axis = findOutputChannelAxis(op, weight);
  if (groupSize == 0 || !layout.axis)
    return layout;
  std::optional<int32_t> reduction = findReductionChannelAxis(op, weight);
  ArrayRef<int64_t> shape = weight.values.getType().getShape();
  if (!reduction || *reduction == *layout.axis) {
    if (remark)
      op->emitRemark() << "weight quantized with one scale per channel, not "
                          "in groups: it has no input-channel dimension";
  } else if (shape[*reduction] % int64_t(groupSize) != 0) {
    if (remark)
      op->emitRemark() << "weight quantized with one scale per channel, not "
                          "in groups: its input-channel dimension ("
                       << shape[*reduction] << ") is not a multiple of "
                       << "group-size " << unsigned(groupSize);
  } else {
    layout.groups = WeightGroups{*reduction, int64_t(groupSize)};
  }
  return layout;
}

FailureOr<quant::QuantizedType> QuantizeWeightsPass::getQuantType(
    WeightOperand weight, const WeightLayout &layout, unsigned layerBits,
    const WeightValues &ranges) {
  std::optional<quant::QuantizedType> type =
      buildWeightQuantType(ranges, layout.axis, layerBits, symmetric,
                           layout.groups, rangeAt(layerBits));
  if (!type) {
    weight.constant.emitWarning()
        << "weight constant contains NaN or infinity; left unquantized";
    return failure();
  }
  return *type;
}

FailureOr<Value> QuantizeWeightsPass::getOrCreateQuantized(
    WeightOperand weight, const WeightLayout &layout, unsigned layerBits,
    DenseElementsAttr adjusted, DenseElementsAttr ranges) {
  auto key =
      std::make_tuple(weight.constant.getOperation(), layout.axis.value_or(-1),
                      layout.groups ? layout.groups->axis : -1, layerBits);
  if (Value cached = cache.lookup(key))
    return cached;
  FailureOr<quant::QuantizedType> quantType = getQuantType(
      weight, layout, layerBits, ranges ? WeightValues(ranges) : weight.values);
  if (failed(quantType))
    return failure();
  auto floatType = cast<RankedTensorType>(weight.values.getType());
  auto quantTensorType =
      RankedTensorType::get(floatType.getShape(), *quantType);
  std::optional<UniformQuantInfo> info =
      UniformQuantInfo::get(*quantType, /*allowSubChannel=*/true);
  DenseElementsAttr storage = quantizeElements(
      adjusted ? WeightValues(adjusted) : weight.values, *info);

  OpBuilder builder(weight.constant);
  builder.setInsertionPointAfter(weight.constant);
  Location loc = weight.constant.getLoc();
  Value quantized =
      createQuantizedConstant(builder, loc, storage, quantTensorType);
  Value dequantized =
      DequantizeOp::create(builder, loc, floatType, quantized).getResult();

  int64_t numElements = floatType.getNumElements();
  bytesBefore +=
      numElements * floatType.getElementType().getIntOrFloatBitWidth() / 8;
  bytesAfter += (numElements * layerBits + 7) / 8;
  cache[key] = dequantized;
  return dequantized;
}

LogicalResult QuantizeWeightsPass::runWithData(
    ArrayRef<linalg::LinalgOp> candidates,
    llvm::DenseMap<Operation *, LayerChoice> &out) {
  bool gptq = algorithm == WeightQuantAlgorithm::GPTQ;
  // Layers per weight constant: a constant several layers share is rounded
  // to nearest at `bits` (the data describe one layer's inputs).
  llvm::DenseMap<Operation *, int> layersPerConstant;
  for (linalg::LinalgOp op : candidates)
    if (FailureOr<WeightOperand> weight = findWeightOperand(op);
        succeeded(weight))
      ++layersPerConstant[weight->constant];

  std::vector<MeasuredLayer> measured;
  std::vector<WeightLayout> layouts;
  std::vector<std::vector<float>> values;
  for (linalg::LinalgOp op : candidates) {
    FailureOr<WeightOperand> weight = findWeightOperand(op);
    if (failed(weight))
      continue;
    std::string why = "its weight constant is shared with another layer";
    FailureOr<LayerGeometry> geometry = failure();
    if (layersPerConstant[weight->constant] == 1)
      geometry = analyzeLayerGeometry(op, *weight, why);
    if (failed(geometry)) {
      op->emitRemark() << "weight rounded to nearest at " << unsigned(bits)
                       << " bits, without the data: " << why;
      continue;
    }
    WeightLayout layout = getWeightLayout(op, *weight, /*remark=*/false);
    if (!computeValueRanges(weight->values, layout.axis))
      continue; // getOrCreateQuantized warns; the layer stays float.
    layouts.push_back(layout);
    values.push_back(getFloatValues(weight->values));
    measured.push_back({op, *weight, std::move(*geometry)});
  }
  if (measured.empty())
    return success();

  // The widths to try, fewest first: with max-error or size, 2, 3, 4 and 8
  // below `bits`, then `bits`; otherwise `bits` alone.
  SmallVector<unsigned> widths;
  if (maxError > 0.0 || size > 0.0)
    for (unsigned b : {2u, 3u, 4u, 8u})
      if (b < bits)
        widths.push_back(b);
  widths.push_back(bits);
  // Per layer, what `size` weighs: every width dense, and with `prune` a
  // matmul's 8-bit weights at the sparsities the CPU kernels store
  // compressed.
  std::vector<std::vector<WeightChoice>> layerChoices(measured.size());
  for (auto [i, layer] : llvm::enumerate(measured)) {
    for (unsigned width : widths)
      layerChoices[i].push_back({width, SparseGptTarget()});
    if (!prune || size <= 0.0 || bits < 8 ||
        isa<linalg::ConvolutionOpInterface>(layer.op.getOperation()) ||
        layer.geometry.groups() != 1)
      continue;
    // N:M along the reduction dimension: 2:4 for the 2:4 kernels, and 4:16
    // and 2:16 (75% and 87.5% zeros) for the sparse ones, whose windows
    // cost what their fullest channel needs: N:M keeps the channels even.
    std::optional<int32_t> axis =
        findReductionChannelAxis(layer.op, layer.weight);
    for (auto [n, m] : {std::pair<int64_t, int64_t>{2, 4}, {4, 16}, {2, 16}}) {
      if (!axis || layer.weight.values.getType().getDimSize(*axis) % m != 0)
        continue;
      SparseGptTarget nm;
      nm.n = n;
      nm.m = m;
      nm.nmDim = *axis;
      layerChoices[i].push_back({8, nm});
    }
    for (double fraction : {0.75, 0.9}) {
      SparseGptTarget zeros;
      zeros.fraction = fraction;
      layerChoices[i].push_back({8, zeros});
    }
  }

  GptqOptions options;
  options.damp = damp;
  options.blockSize = blockSize;
  options.actOrder = actOrder;
  options.refinePasses = refine;
  // SparseGPT's defaults; while planning, without ADMM (its mask search
  // costs a minute on a large layer, for each option): the planned error of
  // a pruned option is then the sweep's, at least the final one's.
  SparseGptOptions pruning, planningPruning;
  planningPruning.admmIterations = 0;
  // Layer i's weights `target` with `choice`'s sparsity (SparseGPT on
  // `gram`) and on the grid of its width (rounded to nearest, or by GPTQ on
  // `gram`, the pruned weights kept at zero), into `candidate`.
  auto quantizeAt =
      [&](size_t i, const LayerInputGram &gram,
          const std::vector<float> &target, const WeightChoice &choice,
          std::vector<float> &candidate, std::vector<float> *pruned = nullptr,
          bool planning = false) -> LogicalResult {
    const MeasuredLayer &layer = measured[i];
    candidate = target;
    std::string why;
    std::vector<bool> zero;
    if (choice.pruned()) {
      if (failed(sparseGptPrune(candidate, layer.geometry, gram,
                                choice.sparsity,
                                planning ? planningPruning : pruning, why)))
        return layer.op->emitError()
               << "compress-quantize-weights: SparseGPT failed on this "
                  "layer: "
               << why;
      zero.resize(candidate.size());
      for (auto [flat, v] : llvm::enumerate(candidate))
        zero[flat] = v == 0.0f;
    }
    auto shaped = cast<ShapedType>(layer.weight.values.getType());
    // The scales cover the values to quantize: SparseGPT's compensation
    // grows the kept weights past the float weights' ranges. (A view: the
    // planning tries many candidates, which need no attribute each.)
    std::vector<float> prunedValues;
    WeightValues ranges = layer.weight.values;
    if (choice.pruned()) {
      prunedValues = candidate;
      ranges = WeightValues::view(shaped, prunedValues);
      if (pruned)
        *pruned = candidate;
    }
    std::optional<quant::QuantizedType> type =
        buildWeightQuantType(ranges, layouts[i].axis, choice.width, symmetric,
                             layouts[i].groups, rangeAt(choice.width));
    ArrayRef<int64_t> shape = shaped.getShape();
    UniformQuantInfo info =
        *UniformQuantInfo::get(*type, /*allowSubChannel=*/true);
    ParamIndexer params(shape, info);
    // Zero is on every grid (the ranges include it).
    auto grid = [&](int64_t flat, double value) {
      return !zero.empty() && zero[flat]
                 ? 0.0
                 : roundToGrid(info, params, flat, value);
    };
    if (!gptq) {
      for (auto [flat, v] : llvm::enumerate(candidate))
        v = float(grid(flat, v));
    } else if (failed(gptqQuantize(candidate, layer.geometry, gram, grid,
                                   options, why))) {
      return layer.op->emitError()
             << "compress-quantize-weights: GPTQ failed on this layer: " << why;
    }
    return success();
  };
  // The bits of `candidate`, layer i's weights at `choice`, as the CPU
  // kernels store them.
  auto storedWeightBits = [&](size_t i, const WeightChoice &choice,
                              ArrayRef<float> candidate) {
    const MeasuredLayer &layer = measured[i];
    double count = double(
        cast<ShapedType>(layer.weight.values.getType()).getNumElements());
    if (choice.sparsity.m == 4 && choice.sparsity.n == 2)
      return count * 5.0;
    if (choice.pruned())
      return sparseWindowBits(candidate, layer.geometry);
    return count * storedBits(layer.op, choice.width);
  };

  LayerDataSource source{data, stats, entry, "compress-quantize-weights"};
  // size: every layer's error and bits at every choice on the float model
  // (one run), then the choices that fit the budget with the least summed
  // squared error.
  std::vector<WeightChoice> planned;
  // gains: per layer, the model's output error per unit of its own.
  std::vector<double> layerGains(measured.size(), 1.0);
  bool gainsMeasured = false;
  if (size > 0.0) {
    std::vector<std::vector<double>> choiceErrors(measured.size());
    std::vector<std::vector<double>> costs(measured.size());
    // gains: each layer's weights at the probe width (4 bits, or the
    // narrowest below `bits`), whose effect on the model's output is then
    // measured, and their layer error.
    bool withGains = gains && !data.empty() && measured.size() > 1;
    if (gains && data.empty())
      getOperation()->emitRemark()
          << "compress-quantize-weights: the layers' errors are not weighed "
             "by their gains to the model's output: measuring them runs the "
             "model with each layer changed, which needs data=DIR (stats=DIR "
             "describes the unchanged model)";
    unsigned probeWidth = llvm::is_contained(widths, 4u) ? 4u : widths.front();
    std::vector<std::vector<float>> probes(withGains ? measured.size() : 0);
    std::vector<double> probeErrors(measured.size(), 0.0);
    auto measure = [&](size_t i, const LayerInputGram &gram,
                       std::vector<float> &layerValues) -> LogicalResult {
      std::vector<float> candidate;
      for (const WeightChoice &choice : layerChoices[i]) {
        if (failed(quantizeAt(i, gram, layerValues, choice, candidate,
                              /*pruned=*/nullptr, /*planning=*/true)))
          return failure();
        choiceErrors[i].push_back(layerOutputError(layerValues, candidate,
                                                   measured[i].geometry, gram));
        costs[i].push_back(storedWeightBits(i, choice, candidate));
        if (withGains && !choice.pruned() && choice.width == probeWidth) {
          probes[i] = candidate;
          probeErrors[i] = choiceErrors[i].back();
        }
      }
      return success();
    };
    LayerUpdateOptions planning;
    planning.sequential = false;
    planning.damp = damp;
    planning.remarkFewVectors = false; // The quantizing run says it.
    // `measure` leaves the values as they are.
    if (failed(updateWithLayerStatistics(cast<ModuleOp>(getOperation()),
                                         measured, values, source, planning,
                                         measure)))
      return failure();
    if (withGains) {
      // How much of each layer's error reaches the model's output: layers
      // the rest of the network amplifies weigh more in the knapsack.
      FailureOr<std::vector<double>> outputErrors = modelOutputErrors(
          cast<ModuleOp>(getOperation()), measured, probes, source);
      if (failed(outputErrors))
        return failure();
      if (outputErrors->empty())
        getOperation()->emitRemark()
            << "compress-quantize-weights: the layers' errors are not "
               "weighed by their gains to the model's output: the model's "
               "outputs are zero on the data";
      gainsMeasured = !outputErrors->empty();
      for (size_t i = 0; gainsMeasured && i < measured.size(); ++i) {
        layerGains[i] =
            probeErrors[i] > 0.0 ? (*outputErrors)[i] / probeErrors[i] : 1.0;
        for (double &error : choiceErrors[i])
          error *= layerGains[i];
      }
    }
    double budget = 0.0;
    for (auto [i, layer] : llvm::enumerate(measured))
      budget += double(cast<ShapedType>(layer.weight.values.getType())
                           .getNumElements()) *
                storedBits(layer.op, bits);
    budget *= double(size);
    std::vector<size_t> picks = allocateWidths(costs, choiceErrors, budget);
    double total = 0.0;
    for (auto [i, pick] : llvm::enumerate(picks)) {
      planned.push_back(layerChoices[i][pick]);
      total += costs[i][pick];
    }
    if (total > budget * (1.0 + 1e-12))
      getOperation()->emitWarning()
          << "compress-quantize-weights: size=" << double(size)
          << " is below what the narrowest weights reach (as the kernels "
             "store them: 4 bits per matmul weight, 8 per convolution "
             "weight"
          << (prune ? ", the sparsest pruned options as the sparse kernels "
                      "store them"
                    : "")
          << "); every layer gets its narrowest storage";
  }

  std::vector<WeightChoice> chosen(measured.size(),
                                   WeightChoice{bits, SparseGptTarget()});
  std::vector<double> errors(measured.size(), 0.0);
  // The pruned layers' weights before quantization, which their scales
  // cover.
  std::vector<std::vector<float>> prunedValues(measured.size());
  // bias-correction: per layer, the mean output change on the data of each
  // output channel, sum_c (W' - W)[r, c] * mean(x_c).
  std::vector<std::vector<double>> shifts(measured.size());
  auto quantizeLayer = [&](size_t i, const LayerInputGram &gram,
                           std::vector<float> &layerValues) -> LogicalResult {
    const MeasuredLayer &layer = measured[i];
    // What the layer should compute: its float weights, or with a teacher
    // their fit to the teacher's output (the grid stays the float weights').
    const std::vector<float> target = layerValues;
    ArrayRef<WeightChoice> tries = layerChoices[i];
    if (!planned.empty())
      tries = ArrayRef<WeightChoice>(planned[i]);
    else
      tries = tries.take_front(widths.size()); // The dense ones.
    for (const WeightChoice &choice : tries) {
      std::vector<float> candidate;
      if (failed(
              quantizeAt(i, gram, target, choice, candidate, &prunedValues[i])))
        return failure();
      double error = layerOutputError(target, candidate, layer.geometry, gram);
      if (&choice == &tries.back() || error <= maxError) {
        const LayerGeometry &g = layer.geometry;
        if (biasCorrection && g.groups() == 1 && gram.count > 0) {
          // Against the teacher: W' mean(x) - W mean(x_t).
          ArrayRef<double> reference =
              gram.teacherSums.empty() ? gram.sums : gram.teacherSums;
          shifts[i].assign(g.rows(), 0.0);
          for (int64_t r = 0; r < g.rows(); ++r)
            for (int64_t c = 0; c < g.cols(); ++c) {
              int64_t flat = g.weightIndex(0, r, c);
              shifts[i][r] += (double(candidate[flat]) * gram.sums[c] -
                               double(values[i][flat]) * reference[c]) /
                              double(gram.count);
            }
        }
        layerValues = std::move(candidate);
        chosen[i] = choice;
        errors[i] = error;
        break;
      }
    }
    return success();
  };
  LayerUpdateOptions update;
  update.sequential = sequential;
  update.teacher = gptq && teacher;
  update.damp = damp;
  if (failed(updateWithLayerStatistics(cast<ModuleOp>(getOperation()), measured,
                                       values, source, update, quantizeLayer)))
    return failure();
  for (auto [i, layer] : llvm::enumerate(measured)) {
    if (maxError > 0.0 || size > 0.0)
      layer.op->emitRemark()
          << "weight "
          << (chosen[i].pruned()
                  ? "pruned to " + describeSparsity(chosen[i].sparsity) +
                        " by SparseGPT and "
                  : std::string())
          << "quantized to " << chosen[i].width << " bits"
          << (gptq ? " by GPTQ" : "") << ": layer output error "
          << llvm::formatv("{0:e2}", errors[i]) << " on the data"
          << (gainsMeasured
                  ? llvm::formatv(", gain {0:f3} to the model's output",
                                  layerGains[i])
                        .str()
                  : std::string())
          << (maxError > 0.0 && errors[i] > maxError
                  ? " (above max-error even at 'bits')"
                  : "");
    LayerChoice choice{
        chosen[i].width,
        gptq || chosen[i].pruned()
            ? buildWeightAttr(cast<ShapedType>(layer.weight.values.getType()),
                              values[i])
            : DenseElementsAttr()};
    if (chosen[i].pruned())
      choice.ranges = buildWeightAttr(
          cast<ShapedType>(layer.weight.values.getType()), prunedValues[i]);
    if (biasCorrection) {
      if (!shifts[i].empty())
        choice.bias =
            findBiasOperand(layer.op, layer.weight, layer.geometry.rows());
      if (!choice.bias) {
        layer.op->emitRemark() << "bias not corrected: no per-channel bias "
                                  "add follows the layer";
      } else {
        auto constant = choice.bias->get().getDefiningOp<arith::ConstantOp>();
        std::vector<float> bias =
            getFloatValues(getDenseFloatElements(constant.getValue()));
        for (auto [b, shift] : llvm::zip(bias, shifts[i]))
          b = float(double(b) - shift);
        choice.correctedBias =
            buildWeightAttr(cast<ShapedType>(constant.getType()), bias);
      }
    }
    out[layer.op] = choice;
  }
  return success();
}

void QuantizeWeightsPass::runOnOperation() {
  Location loc = getOperation()->getLoc();
  if (bits < 2 || bits > 16) {
    emitError(loc)
        << "compress-quantize-weights: option 'bits' must be in [2, 16], got "
        << static_cast<unsigned>(bits);
    return signalPassFailure();
  }
  if (groupSize > 0 && granularity != WeightGranularity::PerChannel) {
    emitError(loc) << "compress-quantize-weights: option 'group-size' needs "
                      "granularity=per-channel (groups split each output "
                      "channel's scale)";
    return signalPassFailure();
  }
  bool gptq = algorithm == WeightQuantAlgorithm::GPTQ;
  if (!(maxError >= 0.0)) {
    emitError(loc) << "compress-quantize-weights: option 'max-error' must "
                      "be non-negative, got "
                   << maxError;
    return signalPassFailure();
  }
  if (!(size >= 0.0 && size <= 1.0)) {
    emitError(loc) << "compress-quantize-weights: option 'size' must be in "
                      "[0, 1] (a fraction of the weights' bits at 'bits'), "
                      "got "
                   << size;
    return signalPassFailure();
  }
  if (size > 0.0 && maxError > 0.0) {
    emitError(loc) << "compress-quantize-weights: options 'size' and "
                      "'max-error' exclude each other (a size budget or an "
                      "error budget per layer)";
    return signalPassFailure();
  }
  if (prune && !(size > 0.0)) {
    emitError(loc) << "compress-quantize-weights: option 'prune' adds "
                      "sparsity to the search of 'size': give 'size' too";
    return signalPassFailure();
  }
  if (prune && bits < 8) {
    emitError(loc) << "compress-quantize-weights: option 'prune' weighs "
                      "8-bit pruned weights: it needs 'bits' of at least 8, "
                      "got "
                   << static_cast<unsigned>(bits);
    return signalPassFailure();
  }
  bool withData = gptq || maxError > 0.0 || size > 0.0 || biasCorrection;
  if (withData) {
    if (failed(verifyDataSource(loc, "compress-quantize-weights",
                                gptq             ? "algorithm=gptq"
                                : maxError > 0.0 ? "max-error"
                                : size > 0.0     ? "size"
                                                 : "bias-correction",
                                data, stats)))
      return signalPassFailure();
    if (!(damp > 0.0) || !std::isfinite(double(damp))) {
      emitError(loc) << "compress-quantize-weights: option 'damp' must be "
                        "positive, got "
                     << damp;
      return signalPassFailure();
    }
    if (blockSize < 1) {
      emitError(loc) << "compress-quantize-weights: option 'block-size' must "
                        "be at least 1";
      return signalPassFailure();
    }
    if (!isa<ModuleOp>(getOperation())) {
      emitError(loc) << "compress-quantize-weights: "
                     << (gptq             ? "algorithm=gptq"
                         : maxError > 0.0 ? "max-error"
                         : size > 0.0     ? "size"
                                          : "bias-correction")
                     << " runs the whole model: run the pass on "
                        "builtin.module, not on "
                     << getOperation()->getName();
      return signalPassFailure();
    }
  }
  cache.clear();

  SmallVector<linalg::LinalgOp> candidates;
  getOperation()->walk([&](linalg::LinalgOp op) {
    if (isWeightedLayer(op))
      candidates.push_back(op);
  });
  llvm::DenseMap<Operation *, LayerChoice> choices;
  if (withData && failed(runWithData(candidates, choices)))
    return signalPassFailure();

  llvm::SetVector<Operation *> replacedConstants;
  for (linalg::LinalgOp op : candidates) {
    NoWeightReason reason;
    FailureOr<WeightOperand> weight = findWeightOperand(op, &reason);
    if (failed(weight)) {
      if (reason == NoWeightReason::BothInputsConstant)
        op->emitRemark() << "weight not quantized: both inputs are constants "
                            "(fold the op instead)";
      ++numSkipped;
      continue;
    }
    WeightLayout layout = getWeightLayout(op, *weight, /*remark=*/true);
    FailureOr<Value> quantized = getOrCreateQuantized(
        *weight, layout, choices.count(op) ? choices[op].bits : bits,
        choices.count(op) ? choices[op].adjusted : DenseElementsAttr(),
        choices.count(op) ? choices[op].ranges : DenseElementsAttr());
    if (failed(quantized)) {
      ++numSkipped;
      continue;
    }
    weight->operand->set(*quantized);
    replacedConstants.insert(weight->constant);
    ++numQuantized;
    auto choice = choices.find(op);
    if (choice != choices.end() && choice->second.bias) {
      OpOperand *bias = choice->second.bias;
      OpBuilder builder(bias->getOwner());
      auto old = bias->get().getDefiningOp<arith::ConstantOp>();
      bias->set(arith::ConstantOp::create(builder, old.getLoc(),
                                          choice->second.correctedBias));
      if (old->use_empty())
        old->erase();
    }
  }

  for (Operation *constant : replacedConstants)
    if (constant->use_empty())
      constant->erase();
}

} // namespace
