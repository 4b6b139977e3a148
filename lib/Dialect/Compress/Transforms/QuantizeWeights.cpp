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
#include "compress/Dialect/Compress/Utils/LayerKinds.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"
#include "compress/Dialect/Compress/Utils/WeightUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

#include <cmath>

#define DEBUG_TYPE "compress-quantize-weights"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSQUANTIZEWEIGHTS
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

struct QuantizeWeightsPass
    : public compress::impl::CompressQuantizeWeightsBase<QuantizeWeightsPass> {
  using CompressQuantizeWeightsBase::CompressQuantizeWeightsBase;

  void runOnOperation() override;

private:
  /// The quantized type of `weight`'s values, from their ranges.
  FailureOr<quant::QuantizedType> getQuantType(WeightOperand weight,
                                               std::optional<int32_t> axis);

  /// Quantized replacement of `weight`, created once per constant and axis.
  /// `adjusted`: the values GPTQ moved onto the grid, quantized instead of
  /// the constant's.
  FailureOr<Value> getOrCreateQuantized(WeightOperand weight,
                                        std::optional<int32_t> axis,
                                        DenseElementsAttr adjusted = {});

  /// algorithm=gptq: the grid values GPTQ chose for each layer's weight, by
  /// layer op; layers it leaves to rounding to nearest are absent.
  LogicalResult runGptq(ArrayRef<linalg::LinalgOp> candidates,
                        llvm::DenseMap<Operation *, DenseElementsAttr> &out);

  llvm::DenseMap<std::pair<Operation *, int32_t>, Value> cache;
};

FailureOr<quant::QuantizedType>
QuantizeWeightsPass::getQuantType(WeightOperand weight,
                                  std::optional<int32_t> axis) {
  std::optional<SmallVector<std::pair<double, double>>> ranges =
      computeValueRanges(weight.values, axis);
  if (!ranges) {
    weight.constant.emitWarning()
        << "weight constant contains NaN or infinity; left unquantized";
    return failure();
  }

  QuantRange range = symmetric ? QuantRange::narrowSigned(bits)
                               : QuantRange::full(bits, /*isSigned=*/true);
  SmallVector<QuantParams> params;
  for (auto [min, max] : *ranges) {
    std::optional<QuantParams> p =
        symmetric ? computeSymmetricParams(
                        std::max(std::abs(min), std::abs(max)), range)
                  : computeAsymmetricParams(min, max, range);
    params.push_back(*p); // Ranges are finite, so parameters exist.
  }

  auto floatType = cast<RankedTensorType>(weight.values.getType());
  return buildUniformQuantType(floatType.getElementType(), bits,
                               /*isSigned=*/true, range, params, axis);
}

FailureOr<Value>
QuantizeWeightsPass::getOrCreateQuantized(WeightOperand weight,
                                          std::optional<int32_t> axis,
                                          DenseElementsAttr adjusted) {
  auto key = std::make_pair(weight.constant.getOperation(), axis.value_or(-1));
  if (Value cached = cache.lookup(key))
    return cached;
  FailureOr<quant::QuantizedType> quantType = getQuantType(weight, axis);
  if (failed(quantType))
    return failure();
  auto floatType = cast<RankedTensorType>(weight.values.getType());
  auto quantTensorType =
      RankedTensorType::get(floatType.getShape(), *quantType);
  std::optional<UniformQuantInfo> info = UniformQuantInfo::get(*quantType);
  DenseElementsAttr storage =
      quantizeElements(adjusted ? adjusted : weight.values, *info);

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
  bytesAfter += (numElements * bits + 7) / 8;
  cache[key] = dequantized;
  return dequantized;
}

LogicalResult QuantizeWeightsPass::runGptq(
    ArrayRef<linalg::LinalgOp> candidates,
    llvm::DenseMap<Operation *, DenseElementsAttr> &out) {
  // Layers per weight constant: a constant several layers share is rounded
  // to nearest (GPTQ fits one layer's inputs).
  llvm::DenseMap<Operation *, int> layersPerConstant;
  for (linalg::LinalgOp op : candidates)
    if (FailureOr<WeightOperand> weight = findWeightOperand(op);
        succeeded(weight))
      ++layersPerConstant[weight->constant];

  std::vector<MeasuredLayer> measured;
  std::vector<UniformQuantInfo> infos;
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
      op->emitRemark() << "weight rounded to nearest, not by GPTQ: " << why;
      continue;
    }
    std::optional<int32_t> axis;
    if (granularity == WeightGranularity::PerChannel)
      axis = findOutputChannelAxis(op, *weight);
    FailureOr<quant::QuantizedType> quantType = getQuantType(*weight, axis);
    if (failed(quantType))
      continue; // Warned; the layer stays float.
    infos.push_back(*UniformQuantInfo::get(*quantType));
    values.push_back(getFloatValues(weight->values));
    measured.push_back({op, *weight, std::move(*geometry)});
  }
  if (measured.empty())
    return success();

  GptqOptions options;
  options.damp = damp;
  options.blockSize = blockSize;
  options.actOrder = actOrder;
  auto quantizeLayer = [&](size_t i, const LayerInputGram &gram,
                           std::vector<float> &layerValues) -> LogicalResult {
    const UniformQuantInfo &info = infos[i];
    ArrayRef<int64_t> shape =
        cast<ShapedType>(measured[i].weight.values.getType()).getShape();
    int64_t stride = 1, extent = 1;
    if (info.axis) {
      extent = shape[*info.axis];
      for (int64_t d = *info.axis + 1; d < int64_t(shape.size()); ++d)
        stride *= shape[d];
    }
    auto roundToGrid = [&](int64_t flat, double value) -> double {
      int64_t channel = info.axis ? (flat / stride) % extent : 0;
      float scale = float(info.scales[channel]);
      int64_t zeroPoint = info.zeroPoints[channel];
      return dequantizeValue(
          quantizeValue(float(value), scale, zeroPoint, info.range), scale,
          zeroPoint);
    };
    std::string why;
    if (failed(gptqQuantize(layerValues, measured[i].geometry, gram,
                            roundToGrid, options, why)))
      return measured[i].op->emitError()
             << "compress-quantize-weights: GPTQ failed on this layer: " << why;
    return success();
  };
  LayerDataSource source{data, stats, entry, "compress-quantize-weights"};
  if (failed(updateWithLayerStatistics(cast<ModuleOp>(getOperation()), measured,
                                       values, source, sequential,
                                       quantizeLayer)))
    return failure();
  for (auto [layer, layerValues] : llvm::zip(measured, values))
    out[layer.op] = buildWeightAttr(
        cast<ShapedType>(layer.weight.values.getType()), layerValues);
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
  bool gptq = algorithm == WeightQuantAlgorithm::GPTQ;
  if (gptq) {
    if (failed(verifyDataSource(loc, "compress-quantize-weights",
                                "algorithm=gptq", data, stats)))
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
      emitError(loc) << "compress-quantize-weights: algorithm=gptq runs the "
                        "whole model: run the pass on builtin.module, not on "
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
  llvm::DenseMap<Operation *, DenseElementsAttr> adjusted;
  if (gptq && failed(runGptq(candidates, adjusted)))
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
    std::optional<int32_t> axis;
    if (granularity == WeightGranularity::PerChannel)
      axis = findOutputChannelAxis(op, *weight);
    FailureOr<Value> quantized =
        getOrCreateQuantized(*weight, axis, adjusted.lookup(op));
    if (failed(quantized)) {
      ++numSkipped;
      continue;
    }
    weight->operand->set(*quantized);
    replacedConstants.insert(weight->constant);
    ++numQuantized;
  }

  for (Operation *constant : replacedConstants)
    if (constant->use_empty())
      constant->erase();
}

} // namespace
