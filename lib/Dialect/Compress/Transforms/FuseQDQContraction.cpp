//===- FuseQDQContraction.cpp - compress-fuse-qdq: matmul, conv ---------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "FuseQDQ.h"

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Utils/LayerKinds.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"
#include "compress/Dialect/Compress/Utils/WeightUtils.h"
#include "compress/Utils/QuantParams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

#include <cmath>
#include <limits>

#define DEBUG_TYPE "compress-fuse-qdq"

using namespace mlir;
using namespace mlir::compress;

namespace mlir::compress::fuseqdq {
namespace {

//===----------------------------------------------------------------------===//
// Matmul and convolution
//===----------------------------------------------------------------------===//

/// The weight's layout relative to the layer: which of its dimensions are
/// parallel (index the output) and which output dimension each one is.
struct WeightLayout {
  SmallVector<int64_t> parallelDims;
  SmallVector<int64_t> outputDims;
  /// Index into parallelDims of the per-axis quantized dimension.
  std::optional<int64_t> channel;
};

FailureOr<WeightLayout> analyzeWeight(linalg::LinalgOp layer,
                                      OpOperand *weightOperand,
                                      const QuantizedOperand &weight) {
  AffineMap map = layer.getMatchingIndexingMap(weightOperand);
  if (!map.isProjectedPermutation())
    return notFused(layer) << "the weight is not indexed by plain loop "
                              "dimensions";
  if (weight.pad)
    return notFused(layer) << "the weight is padded";
  SmallVector<utils::IteratorType> iterators = layer.getIteratorTypesArray();
  for (auto [loop, iterator] : llvm::enumerate(iterators))
    if (iterator == utils::IteratorType::reduction &&
        !map.isFunctionOfDim(loop))
      return notFused(layer) << "reduction dimension d" << loop
                             << " does not index the weight, so the "
                                "zero-point correction is not a per-channel "
                                "constant";
  WeightLayout layout;
  for (unsigned i = 0; i < map.getNumResults(); ++i) {
    unsigned loop = map.getDimPosition(i);
    bool isChannel = weight.info.axis && int64_t(*weight.info.axis) == i;
    if (iterators[loop] == utils::IteratorType::reduction) {
      if (isChannel)
        return notFused(layer) << "the weight is quantized per channel along "
                                  "a reduction dimension";
      continue;
    }
    std::optional<int64_t> outputDim = getOutputDim(layer, loop);
    if (!outputDim)
      return notFused(layer) << "weight dimension " << i
                             << " is parallel but not in the output";
    if (isChannel)
      layout.channel = layout.parallelDims.size();
    layout.parallelDims.push_back(i);
    layout.outputDims.push_back(*outputDim);
  }
  return layout;
}

/// The weight minus its zero points, per element in row-major order.
SmallVector<int64_t> centerWeight(const QuantizedOperand &weight) {
  ArrayRef<int64_t> shape = weight.constant.getType().getShape();
  SmallVector<int64_t> centered;
  centered.reserve(weight.constant.getNumElements());
  SmallVector<int64_t> raw;
  for (const APInt &v : weight.constant.getValues<APInt>())
    raw.push_back(weight.info.isSigned ? v.getSExtValue() : v.getZExtValue());
  forEachIndex(shape, [&](ArrayRef<int64_t> index, int64_t linear) {
    int64_t zp = weight.info.axis
                     ? weight.info.zeroPoints[index[*weight.info.axis]]
                     : weight.info.zeroPoints.front();
    centered.push_back(raw[linear] - zp);
  });
  return centered;
}

/// The weight operand the kernel multiplies by: the original storage constant
/// when every zero point is 0, else the centered values in the narrowest
/// signed type that holds them.
Value buildCenteredWeight(OpBuilder &b, Location loc,
                          const QuantizedOperand &weight,
                          ArrayRef<int64_t> centered, bool &isSigned) {
  isSigned = weight.info.isSigned;
  if (llvm::all_of(weight.info.zeroPoints, [](int64_t zp) { return zp == 0; }))
    return weight.constantStorage;
  isSigned = true;
  auto [min, max] = std::minmax_element(centered.begin(), centered.end());
  unsigned width = 32;
  if (*min >= -128 && *max <= 127)
    width = 8;
  else if (*min >= -32768 && *max <= 32767)
    width = 16;
  Type element = b.getIntegerType(width);
  SmallVector<APInt> values;
  for (int64_t v : centered)
    values.emplace_back(width, uint64_t(v), /*isSigned=*/true);
  auto type =
      RankedTensorType::get(weight.constant.getType().getShape(), element);
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

/// What the integer kernel starts from and how its result is requantized.
struct ContractionPlan {
  AccumulatorOffset offset;
  Requantization requantization;
};

/// Per index of the weight's parallel dimensions (row-major over `shape`):
/// the sum and the sum of magnitudes of the centered weight over the
/// reduction dimensions.
struct WeightSums {
  SmallVector<int64_t> shape;
  SmallVector<int64_t> sums, absSums;
};

WeightSums sumWeight(const QuantizedOperand &weight, const WeightLayout &layout,
                     ArrayRef<int64_t> centered) {
  WeightSums result;
  ArrayRef<int64_t> weightShape = weight.constant.getType().getShape();
  int64_t size = 1;
  for (int64_t d : layout.parallelDims) {
    result.shape.push_back(weightShape[d]);
    size *= weightShape[d];
  }
  result.sums.assign(size, 0);
  result.absSums.assign(size, 0);
  forEachIndex(weightShape, [&](ArrayRef<int64_t> index, int64_t linear) {
    int64_t key = 0;
    for (auto [i, d] : llvm::enumerate(layout.parallelDims))
      key = key * result.shape[i] + index[d];
    result.sums[key] += centered[linear];
    result.absSums[key] += std::abs(centered[linear]);
  });
  return result;
}

/// With a constant weight: the offset -zx * sum(w - zw) + quantized bias per
/// parallel weight index, checked against i32 overflow, and per-channel
/// requantization scales s_x * s_w[c] (times the epilogue's scale).
FailureOr<ContractionPlan>
planWithConstantWeight(linalg::LinalgOp layer, const WeightLayout &layout,
                       const QuantizedOperand &weight,
                       const QuantizedOperand &x, ArrayRef<int64_t> centered,
                       const Epilogue &epilogue) {
  if (epilogue.bias)
    for (unsigned i = 0; i < epilogue.bias->map.getNumResults(); ++i)
      if (!llvm::is_contained(layout.outputDims,
                              epilogue.bias->map.getDimPosition(i)))
        return notFused(layer) << "the bias varies along output dimension "
                               << epilogue.bias->map.getDimPosition(i)
                               << ", which the weight does not index";
  WeightSums sums = sumWeight(weight, layout, centered);
  ContractionPlan plan;
  plan.offset.shape = sums.shape;
  plan.offset.outputDims = layout.outputDims;
  double xScale = x.info.scales.front();
  int64_t xZeroPoint = x.info.zeroPoints.front();
  int64_t outputRank =
      cast<RankedTensorType>(layer->getResult(0).getType()).getRank();
  LogicalResult status = success();
  forEachIndex(sums.shape, [&](ArrayRef<int64_t> index, int64_t linear) {
    if (failed(status))
      return;
    int64_t channel = layout.channel ? index[*layout.channel] : 0;
    double scale = xScale * weight.info.scales[channel] * epilogue.scale;
    int64_t bias = 0;
    if (epilogue.bias) {
      SmallVector<int64_t> outputIndex(outputRank, 0);
      for (auto [i, d] : llvm::enumerate(layout.outputDims))
        outputIndex[d] = index[i];
      double b = epilogue.bias->at(outputIndex);
      std::optional<int64_t> q = quantizeBias(b, scale);
      if (!q) {
        status = notFused(layer) << "bias " << b << " / scale " << scale
                                 << " does not fit in i32";
        return;
      }
      bias = *q;
    }
    // The kernel's raw-storage sums may wrap in i32; the result is exact
    // modulo 2^32, hence exact whenever the true accumulator fits.
    int64_t value = bias - xZeroPoint * sums.sums[linear];
    int64_t bound = x.maxCentered() * sums.absSums[linear] + std::abs(bias);
    if (bound > kInt32Max || std::abs(value) > kInt32Max) {
      status = notFused(layer) << "the i32 accumulator can overflow (up to "
                               << bound << " in magnitude)";
      return;
    }
    plan.offset.values.push_back(value);
  });
  if (failed(status))
    return failure();
  if (layout.channel)
    plan.requantization.axis = layout.outputDims[*layout.channel];
  for (double s : weight.info.scales)
    plan.requantization.scales.push_back(xScale * s * epilogue.scale);
  return plan;
}

/// Without a constant operand: the quantized bias as the offset, a bound on
/// sum (a - za)(b - zb) from the static reduction size, and one scale
/// s_a * s_b.
FailureOr<ContractionPlan>
planWithTwoActivations(linalg::LinalgOp layer,
                       ArrayRef<QuantizedOperand> operands,
                       const Epilogue &epilogue) {
  ContractionPlan plan;
  double scale = operands[0].info.scales.front() *
                 operands[1].info.scales.front() * epilogue.scale;
  int64_t maxAbsOffset = 0;
  FailureOr<AccumulatorOffset> offset =
      computeBiasOffset(layer, epilogue, scale, maxAbsOffset);
  if (failed(offset))
    return failure();
  plan.offset = *offset;
  int64_t terms = 1;
  for (auto [range, iterator] :
       llvm::zip(layer.getStaticLoopRanges(), layer.getIteratorTypesArray())) {
    if (iterator != utils::IteratorType::reduction)
      continue;
    if (ShapedType::isDynamic(range))
      return notFused(layer) << "a dynamic reduction size cannot be proven "
                                "free of i32 overflow";
    terms *= range;
  }
  // In double: the product of the factors may exceed i64.
  double bound = double(terms) * double(operands[0].maxCentered()) *
                     double(operands[1].maxCentered()) +
                 double(maxAbsOffset);
  if (bound > double(kInt32Max))
    return notFused(layer) << "the i32 accumulator can overflow (up to "
                           << bound << " in magnitude)";
  plan.requantization.scales.push_back(scale);
  return plan;
}

/// How the integer kernel reads one input: the value, its signedness and
/// the zero point subtracted in the kernel (0 when folded into the offset).
struct KernelInput {
  Value value;
  bool isSigned;
  int64_t zeroPoint;
};

/// The matmul/convolution kernel: sum of products of centered inputs added to
/// `init`, with the layer's indexing maps.
Value buildProductKernel(OpBuilder &b, Location loc, linalg::LinalgOp layer,
                         ArrayRef<KernelInput> inputs, Value init) {
  SmallVector<Value, 2> values{inputs[0].value, inputs[1].value};
  return buildIntegerKernel(
      b, loc, layer, values, init,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) -> Value {
        Value lhs = buildCentered(nested, nestedLoc, args[0],
                                  inputs[0].isSigned, inputs[0].zeroPoint);
        Value rhs = buildCentered(nested, nestedLoc, args[1],
                                  inputs[1].isSigned, inputs[1].zeroPoint);
        return arith::MulIOp::create(nested, nestedLoc, lhs, rhs);
      });
}

} // namespace

LogicalResult fuseContraction(linalg::LinalgOp layer, FusionContext &context) {
  SmallVector<OpOperand *> inputs = layer.getDpsInputOperands();
  SmallVector<QuantizedOperand, 2> operands;
  for (OpOperand *input : inputs) {
    FailureOr<QuantizedOperand> operand = matchQuantizedOperand(layer, *input);
    if (failed(operand))
      return failure();
    operands.push_back(*operand);
  }
  if (!isZeroInit(layer.getDpsInitOperand(0)->get()))
    return notFused(layer) << "the accumulator does not start at zero";
  if (operands[0].constant && operands[1].constant)
    return notFused(layer) << "both inputs are constants (fold the op "
                              "instead)";
  std::optional<unsigned> weightIndex;
  if (operands[0].constant || operands[1].constant)
    weightIndex = operands[0].constant ? 0 : 1;
  for (auto [i, operand] : llvm::enumerate(operands))
    if (operand.info.isPerAxis() && weightIndex != i)
      return notFused(layer)
             << "operand #" << i << " is a per-axis quantized activation";
  Epilogue epilogue;
  if (failed(matchEpilogue(layer, layer->getResult(0), epilogue)))
    return failure();
  FailureOr<SmallVector<std::pair<unsigned, unsigned>>> dynamicSources =
      findDynamicSizeSources(layer);
  if (failed(dynamicSources))
    return failure();

  // Plan everything (and give up with a remark) before creating any op.
  FailureOr<ContractionPlan> plan;
  FailureOr<WeightLayout> layout;
  SmallVector<int64_t> centered;
  if (weightIndex) {
    const QuantizedOperand &weight = operands[*weightIndex];
    layout = analyzeWeight(layer, inputs[*weightIndex], weight);
    if (failed(layout))
      return failure();
    centered = centerWeight(weight);
    plan = planWithConstantWeight(
        layer, *layout, weight, operands[1 - *weightIndex], centered, epilogue);
  } else {
    plan = planWithTwoActivations(layer, operands, epilogue);
  }
  if (failed(plan))
    return failure();

  OpBuilder b(epilogue.quantize);
  Location loc = layer.getLoc();
  SmallVector<KernelInput, 2> kernelInputs;
  for (auto [i, operand] : llvm::enumerate(operands)) {
    if (weightIndex == i) {
      bool isSigned = true;
      Value weight = buildCenteredWeight(b, loc, operand, centered, isSigned);
      kernelInputs.push_back({weight, isSigned, 0});
      continue;
    }
    // With a constant weight the activation's zero point is in the offset.
    int64_t zeroPoint = weightIndex ? 0 : operand.info.zeroPoints.front();
    kernelInputs.push_back({buildStorageOperand(b, loc, operand),
                            operand.info.isSigned, zeroPoint});
  }
  SmallVector<Value, 2> values{kernelInputs[0].value, kernelInputs[1].value};
  Value empty = buildAccumulatorEmpty(b, loc, layer, values, *dynamicSources);
  Value init = buildAccumulatorInit(b, loc, empty, plan->offset);
  Value acc = buildProductKernel(b, loc, layer, kernelInputs, init);
  finishChain(context, b, layer, acc, plan->requantization, epilogue);
  return success();
}

} // namespace mlir::compress::fuseqdq
