//===- QuantizeWeights.cpp - quantize constant weights --------------------===//
//
// Replaces the float constant weight operand of matmuls and convolutions by a
// quantized constant followed by compress.dequantize.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Utils/QuantTypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "compress-quantize-weights"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSQUANTIZEWEIGHTS
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

/// The ops whose constant operand is a weight worth quantizing.
bool isQuantizableWeightOp(Operation *op) {
  return isa<linalg::MatmulOp, linalg::BatchMatmulOp, linalg::MatvecOp,
             linalg::VecmatOp, linalg::Conv2DOp, linalg::Conv2DNhwcHwcfOp,
             linalg::Conv2DNhwcFhwcOp, linalg::Conv2DNchwFchwOp,
             linalg::DepthwiseConv2DNhwcHwcOp,
             linalg::DepthwiseConv2DNchwChwOp>(op);
}

bool isQuantizableFloat(Type type) {
  return type.isF32() || type.isF16() || type.isBF16();
}

constexpr llvm::StringLiteral kNoConstant =
    "no input is a dense f32/f16/bf16 constant";
constexpr llvm::StringLiteral kBothConstant =
    "both inputs are constants (fold the op instead)";

/// The float constant input of `op`, if exactly one input is one.
struct WeightOperand {
  OpOperand *operand;
  OpOperand *other;
  arith::ConstantOp constant;
  DenseElementsAttr values;
};

FailureOr<WeightOperand> findWeightOperand(linalg::LinalgOp op,
                                           std::string &whyNot) {
  SmallVector<WeightOperand> found;
  for (OpOperand *input : op.getDpsInputOperands()) {
    auto constant = input->get().getDefiningOp<arith::ConstantOp>();
    if (!constant)
      continue;
    DenseElementsAttr values = getDenseFloatElements(constant.getValue());
    if (!values || !isQuantizableFloat(values.getElementType()))
      continue;
    found.push_back({input, nullptr, constant, values});
  }
  if (found.size() != 1) {
    whyNot = found.empty() ? kNoConstant : kBothConstant;
    return failure();
  }
  for (OpOperand *input : op.getDpsInputOperands())
    if (input != found.front().operand)
      found.front().other = input;
  return found.front();
}

/// The weight dimension that indexes the output and not the other input: the
/// output channel. If several dimensions index the output, the one absent
/// from the other input wins (the N of batch_matmul, not its batch); a single
/// output-indexing dimension is taken even when the other input uses it too
/// (the channel of a depthwise filter).
std::optional<int32_t> findOutputChannelAxis(linalg::LinalgOp op,
                                             const WeightOperand &weight) {
  AffineMap weightMap = op.getMatchingIndexingMap(weight.operand);
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  AffineMap otherMap = op.getMatchingIndexingMap(weight.other);
  SmallVector<int32_t> inOutput, onlyInOutput;
  for (auto [i, expr] : llvm::enumerate(weightMap.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim || !outputMap.isFunctionOfDim(dim.getPosition()))
      continue;
    inOutput.push_back(i);
    if (!otherMap.isFunctionOfDim(dim.getPosition()))
      onlyInOutput.push_back(i);
  }
  if (onlyInOutput.size() == 1)
    return onlyInOutput.front();
  if (inOutput.size() == 1)
    return inOutput.front();
  return std::nullopt;
}

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
  if (granularity != "per-channel" && granularity != "per-tensor") {
    emitError(getOperation()->getLoc())
        << "compress-quantize-weights: option 'granularity' must be "
           "'per-channel' or 'per-tensor', got '"
        << granularity << "'";
    return signalPassFailure();
  }
  cache.clear();

  SmallVector<linalg::LinalgOp> candidates;
  getOperation()->walk([&](linalg::LinalgOp op) {
    if (isQuantizableWeightOp(op))
      candidates.push_back(op);
  });

  llvm::SetVector<Operation *> replacedConstants;
  for (linalg::LinalgOp op : candidates) {
    std::string whyNot;
    FailureOr<WeightOperand> weight = findWeightOperand(op, whyNot);
    if (failed(weight)) {
      LLVM_DEBUG(llvm::dbgs()
                 << "skipping " << op->getName() << ": " << whyNot << "\n");
      if (whyNot == kBothConstant)
        op->emitRemark() << "weight not quantized: " << whyNot;
      ++numSkipped;
      continue;
    }
    std::optional<int32_t> axis;
    if (granularity == "per-channel")
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
