//===- QuantizeWeights.cpp - quantize constant weights --------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Replaces the float constant weight operand of matmuls and convolutions by a
// quantized constant followed by compress.dequantize.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Utils/LayerKinds.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"
#include "compress/Dialect/Compress/Utils/WeightUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

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
  /// Quantized replacement of `weight`, created once per constant and axis.
  FailureOr<Value> getOrCreateQuantized(WeightOperand weight,
                                        std::optional<int32_t> axis);

  llvm::DenseMap<std::pair<Operation *, int32_t>, Value> cache;
};

FailureOr<Value>
QuantizeWeightsPass::getOrCreateQuantized(WeightOperand weight,
                                          std::optional<int32_t> axis) {
  auto key = std::make_pair(weight.constant.getOperation(), axis.value_or(-1));
  if (Value cached = cache.lookup(key))
    return cached;

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
  quant::QuantizedType quantType = buildUniformQuantType(
      floatType.getElementType(), bits, /*isSigned=*/true, range, params, axis);
  auto quantTensorType = RankedTensorType::get(floatType.getShape(), quantType);
  std::optional<UniformQuantInfo> info = UniformQuantInfo::get(quantType);
  DenseElementsAttr storage = quantizeElements(weight.values, *info);

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

void QuantizeWeightsPass::runOnOperation() {
  if (bits < 2 || bits > 16) {
    emitError(getOperation()->getLoc())
        << "compress-quantize-weights: option 'bits' must be in [2, 16], got "
        << static_cast<unsigned>(bits);
    return signalPassFailure();
  }
  cache.clear();

  SmallVector<linalg::LinalgOp> candidates;
  getOperation()->walk([&](linalg::LinalgOp op) {
    if (isWeightedLayer(op))
      candidates.push_back(op);
  });

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
    FailureOr<Value> quantized = getOrCreateQuantized(*weight, axis);
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
