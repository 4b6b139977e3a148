//===- FuseQDQ.cpp - compress-fuse-qdq ------------------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Rewrites `dequantize -> float layer -> [epilogue] -> quantize` chains into
// integer arithmetic on the storage integers followed by compress.requantize.
//
// The integer program is the quantized model as integer runtimes (TFLite,
// gemmlowp, ONNX QLinear*) define it: the layer's sum of products of
// dequantized values becomes the exact i32 sum of products of centered
// storage integers, sum (x - zx)(w - zw), whose real value is that sum times
// s_x * s_w; the float bias becomes round_half_to_even(b / (s_x * s_w)) in
// the same units; compress.requantize maps the accumulator to the output's
// type. Everything that is exact stays exact:
//
// - Zero points. With a constant weight, sum (x - zx)(w - zw) =
//   sum x (w - zw) - zx * sum (w - zw). The second sum depends only on the
//   output channel (every window of a named convolution is full), so it is
//   folded with the bias into one i32 constant the accumulator starts from,
//   and the kernel multiplies raw storage integers. When zw is 0 (the usual
//   symmetric weights) the weight stays the original i8 constant. Without a
//   constant operand both zero points are subtracted inside the kernel.
// - Overflow. Every chain is checked against the largest accumulator its
//   operand ranges allow; i32 additions wrap, so intermediate sums of the
//   raw-storage form may wrap as long as the final value fits, which the
//   check proves.
// - ReLU, ReLU6 and clamps. compress.quantize is monotone, so
//   quantize(clamp(y, lo, hi)) == clamp(quantize(y), quantize(lo),
//   quantize(hi)) for every y: the clamp becomes requantize's clamp_min /
//   clamp_max, computed with compress.quantize's own arithmetic. This holds
//   for any constant bounds, not only 0 and 6.
// - Padding. A tensor.pad of the dequantized activation becomes a pad of the
//   storage integers with the integer that dequantizes exactly to the pad
//   value (the zero point for 0.0); other pad values are not fused, except
//   for max pooling, where quantize(pad value) is exact by monotonicity
//   (-inf pads with qmin).
// - Max pooling commutes with the monotone quantize, so it runs on storage
//   integers when its input and output types are equal. Average pooling sums
//   centered integers and requantizes with s_x times the divisor's inverse.
//
// Two parts approximate the float graph the way every integer runtime does,
// and are stated here so nobody mistakes them for exact: the bias is rounded
// to the accumulator's units (a constant scale factor in the epilogue is
// folded into the requantization scale in f64), and the elementwise add
// rescales both inputs to a common scale s_c = max(s_a, s_b) / 2^N with
// integer multipliers round(s / s_c) (N as large as keeps the sum within
// 2^30: 21 for two u8 inputs), so the accumulator is within
// (|a - za| + |b - zb|) * s_c / 2 of the exact sum before requantization.
//
// Anything else is left unchanged with a remark at the op that prevents it.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Utils/LayerKinds.h"
#include "compress/Utils/QuantParams.h"
#include "compress/Utils/QuantTypeUtils.h"
#include "compress/Utils/WeightUtils.h"

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

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSFUSEQDQ
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();

/// Starts the remark of a chain that stays in float; callers stream the
/// reason. Converts to failure().
InFlightDiagnostic notFused(Operation *op) {
  return op->emitRemark("not fused into integer arithmetic: ");
}

/// An integer attribute of the storage type `type` holding `value`, read as
/// signed or unsigned storage (u8 200 is the bit pattern of i8 -56).
IntegerAttr getStorageAttr(Type type, int64_t value, bool isSigned) {
  unsigned width = type.getIntOrFloatBitWidth();
  return IntegerAttr::get(type, APInt(width, uint64_t(value), isSigned,
                                      /*implicitTrunc=*/true));
}

/// Calls `fn(index, linear)` for every multi-index of `shape` in row-major
/// order.
void forEachIndex(ArrayRef<int64_t> shape,
                  function_ref<void(ArrayRef<int64_t>, int64_t)> fn) {
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t linear = 0; linear < count; ++linear) {
    fn(index, linear);
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
}

//===----------------------------------------------------------------------===//
// Quantized operands
//===----------------------------------------------------------------------===//

/// A float input of a layer that is the dequantization of a quantized tensor,
/// possibly padded after dequantization.
struct QuantizedOperand {
  Value quantized;
  UniformQuantInfo info;
  /// The storage integers when the quantized tensor is a constant
  /// (quant.scast of an integer arith.constant), with the constant's value.
  DenseIntElementsAttr constant;
  Value constantStorage;
  tensor::PadOp pad;
  /// The pad value as a storage integer.
  int64_t padValue = 0;

  /// The largest |q - zp| of any storable q.
  int64_t maxCentered() const {
    int64_t widest = 0;
    for (int64_t zp : info.zeroPoints)
      widest = std::max({widest, info.range.qmax - zp, zp - info.range.qmin});
    return widest;
  }
};

/// Whether every storable integer dequantizes to a finite value; with an
/// infinite one the float layer computes infinities or NaN that no integer
/// kernel reproduces.
bool dequantizesFinitely(const UniformQuantInfo &info) {
  for (auto [scale, zp] : llvm::zip(info.scales, info.zeroPoints))
    if (!std::isfinite(dequantizeValue(info.range.qmax, float(scale), zp)) ||
        !std::isfinite(dequantizeValue(info.range.qmin, float(scale), zp)))
      return false;
  return true;
}

/// The storage integer that dequantizes exactly to `value` in `floatType`
/// (the float layer's view of a padded position), if there is one.
std::optional<int64_t> quantizeExactly(FloatAttr value,
                                       const UniformQuantInfo &info,
                                       FloatType floatType) {
  float scale = float(info.scales.front());
  int64_t zp = info.zeroPoints.front();
  int64_t q =
      quantizeValue(float(value.getValueAsDouble()), scale, zp, info.range);
  APFloat back(dequantizeValue(q, scale, zp));
  bool losesInfo = false;
  back.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
               &losesInfo);
  if (back.convertToDouble() != value.getValueAsDouble())
    return std::nullopt;
  return q;
}

/// How a pad value of the float activation becomes a storage integer.
enum class PadRule {
  /// Sums need the integer that dequantizes exactly to the pad value.
  Exact,
  /// Max pooling commutes with the monotone quantize, so quantize(pad value)
  /// is exact whatever the value (-inf included).
  Monotone,
};

FailureOr<QuantizedOperand>
matchQuantizedOperand(Operation *layer, OpOperand &operand,
                      PadRule padRule = PadRule::Exact) {
  QuantizedOperand result;
  Value value = operand.get();
  if ((result.pad = value.getDefiningOp<tensor::PadOp>()))
    value = result.pad.getSource();
  auto dequantize = value.getDefiningOp<DequantizeOp>();
  if (!dequantize)
    return notFused(layer) << "operand #" << operand.getOperandNumber()
                           << " is not the result of compress.dequantize";
  result.quantized = dequantize.getInput();
  result.info =
      *UniformQuantInfo::get(dequantize.getInput().getType().getElementType());
  if (!dequantizesFinitely(result.info))
    return notFused(dequantize)
           << "some quantized values dequantize to infinity in f32";

  if (auto cast = result.quantized.getDefiningOp<quant::StorageCastOp>()) {
    if (matchPattern(cast.getInput(), m_Constant(&result.constant)))
      result.constantStorage = cast.getInput();
  }
  if (!result.pad)
    return result;

  if (result.info.isPerAxis())
    return notFused(result.pad) << "padding of a per-axis quantized tensor";
  FloatAttr padAttr;
  Value padValue = result.pad.getConstantPaddingValue();
  if (!padValue || !matchPattern(padValue, m_Constant(&padAttr)))
    return notFused(result.pad) << "the pad value is not a constant";
  auto floatType =
      cast<FloatType>(dequantize.getOutput().getType().getElementType());
  std::optional<int64_t> q = quantizeExactly(padAttr, result.info, floatType);
  if (padRule == PadRule::Monotone && !std::isnan(padAttr.getValueAsDouble()))
    q = quantizeValue(float(padAttr.getValueAsDouble()),
                      float(result.info.scales.front()),
                      result.info.zeroPoints.front(), result.info.range);
  if (!q)
    return notFused(result.pad)
           << "pad value " << padAttr.getValueAsDouble()
           << " is not exactly representable in " << result.quantized.getType();
  result.padValue = *q;
  return result;
}

/// Whether `init` is zero everywhere: a linalg.fill of 0.0 or a zero splat.
bool isZeroInit(Value init) {
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  return matchPattern(init, m_AnyZeroFloat());
}

//===----------------------------------------------------------------------===//
// Epilogue: bias, scale and clamps between the layer and compress.quantize
//===----------------------------------------------------------------------===//

/// A float constant an epilogue step combines with the running value, over
/// the output's dimensions (a tensor read through `map`, or a scalar).
struct ConstantOperand {
  SmallVector<double> values;
  SmallVector<int64_t> shape;
  AffineMap map;

  double at(ArrayRef<int64_t> outputIndex) const {
    int64_t linear = 0;
    for (auto [i, size] : llvm::enumerate(shape))
      linear = linear * size + outputIndex[map.getDimPosition(i)];
    return values[linear];
  }

  /// The value, when every element is the same.
  std::optional<double> getUniformValue() const {
    if (llvm::any_of(values, [&](double v) { return v != values.front(); }))
      return std::nullopt;
    return values.front();
  }
};

/// What the float ops between the layer and compress.quantize do, in the
/// order integer code can express: y = layer * scale + bias, then a clamp to
/// [lower, upper] (composed from all min/max ops).
struct Epilogue {
  double scale = 1.0;
  std::optional<ConstantOperand> bias;
  double lower = -kInf, upper = kInf;
  /// The elementwise linalg.generic ops, in order.
  SmallVector<Operation *> ops;
  QuantizeOp quantize;
  UniformQuantInfo output;

  bool hasClamp() const { return lower != -kInf || upper != kInf; }
};

/// The float constant `value` denotes inside the body of `op`: a block
/// argument of a constant input, or a scalar constant.
std::optional<ConstantOperand> getBodyConstant(linalg::LinalgOp op,
                                               Value value) {
  ConstantOperand result;
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (arg.getOwner() != op.getBlock())
      return std::nullopt;
    OpOperand *operand = op.getMatchingOpOperand(arg);
    if (!op.isDpsInput(operand))
      return std::nullopt;
    auto constant = operand->get().getDefiningOp<arith::ConstantOp>();
    DenseElementsAttr values =
        constant ? getDenseFloatElements(constant.getValue()) : nullptr;
    result.map = op.getMatchingIndexingMap(operand);
    if (!values || !result.map.isProjectedPermutation())
      return std::nullopt;
    for (const APFloat &v : values.getValues<APFloat>())
      result.values.push_back(v.convertToDouble());
    llvm::append_range(result.shape, values.getType().getShape());
    return result;
  }
  FloatAttr scalar;
  if (!matchPattern(value, m_Constant(&scalar)))
    return std::nullopt;
  result.values.push_back(scalar.getValueAsDouble());
  result.map = AffineMap::get(op.getNumLoops(), 0, {}, op.getContext());
  return result;
}

/// Folds one body op `step` (running value on the left when `currentFirst`)
/// combined with `other` into `epilogue`.
LogicalResult foldStep(Operation *step, bool currentFirst,
                       const ConstantOperand &other, Epilogue &epilogue) {
  if (isa<arith::AddFOp>(step)) {
    if (epilogue.bias || epilogue.hasClamp())
      return notFused(step) << "a second bias add, or a bias add after a clamp";
    epilogue.bias = other;
    return success();
  }
  std::optional<double> uniform = other.getUniformValue();
  bool isScale =
      isa<arith::MulFOp>(step) || (isa<arith::DivFOp>(step) && currentFirst);
  if (isScale) {
    if (!uniform || !(*uniform > 0.0) || !std::isfinite(*uniform))
      return notFused(step) << "only a positive finite scalar scale is fused";
    if (epilogue.bias || epilogue.hasClamp())
      return notFused(step) << "a scale after a bias add or clamp";
    epilogue.scale = isa<arith::MulFOp>(step) ? epilogue.scale * *uniform
                                              : epilogue.scale / *uniform;
    return success();
  }
  bool isMax = isa<arith::MaximumFOp, arith::MaxNumFOp>(step);
  bool isMin = isa<arith::MinimumFOp, arith::MinNumFOp>(step);
  if (isMax || isMin) {
    if (!uniform || std::isnan(*uniform))
      return notFused(step) << "only clamps to a scalar constant are fused";
    // clamp(y, lo, hi) followed by max(., c) is clamp(y, max(lo, c),
    // max(hi, c)), and likewise for min.
    auto apply = [&](double bound) {
      return isMax ? std::max(bound, *uniform) : std::min(bound, *uniform);
    };
    epilogue.lower = apply(epilogue.lower);
    epilogue.upper = apply(epilogue.upper);
    return success();
  }
  return notFused(step) << "'" << step->getName()
                        << "' is not a bias add, positive scale, ReLU or "
                           "clamp";
}

/// Folds the body of `op` from the value `start` to the yield into
/// `epilogue`: every op must combine the running value with a constant.
LogicalResult foldBody(linalg::LinalgOp op, Value start, Epilogue &epilogue) {
  Value current = start;
  for (Operation &inner : *op.getBlock()) {
    if (isa<arith::ConstantOp>(inner) || &inner == start.getDefiningOp())
      continue;
    if (auto yield = dyn_cast<linalg::YieldOp>(inner)) {
      if (yield.getNumOperands() != 1 || yield.getOperand(0) != current)
        return notFused(op) << "the body does not yield the value computed "
                               "from the layer's result";
      return success();
    }
    if (inner.getNumOperands() != 2 || inner.getNumResults() != 1)
      return notFused(&inner) << "'" << inner.getName()
                              << "' is not a bias add, positive scale, ReLU "
                                 "or clamp";
    bool currentFirst = inner.getOperand(0) == current;
    bool currentSecond = inner.getOperand(1) == current;
    if (currentFirst == currentSecond)
      return notFused(&inner) << "'" << inner.getName()
                              << "' does not combine the layer's value with "
                                 "a constant";
    std::optional<ConstantOperand> other =
        getBodyConstant(op, inner.getOperand(currentFirst ? 1 : 0));
    if (!other)
      return notFused(&inner) << "'" << inner.getName()
                              << "' combines the layer's value with a "
                                 "non-constant";
    if (failed(foldStep(&inner, currentFirst, *other, epilogue)))
      return failure();
    current = inner.getResult(0);
  }
  return notFused(op) << "the body has no terminator";
}

/// Folds an elementwise linalg.generic that consumes `chain` into `epilogue`.
LogicalResult foldElementwiseGeneric(linalg::GenericOp generic, Value chain,
                                     Epilogue &epilogue) {
  auto linalgOp = cast<linalg::LinalgOp>(generic.getOperation());
  if (generic.getNumResults() != 1 || !linalgOp.isAllParallelLoops() ||
      !linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0))
           .isIdentity() ||
      generic.getResult(0).getType() != chain.getType())
    return notFused(generic) << "not an elementwise op of the layer's shape";
  OpOperand *chainOperand = nullptr;
  for (OpOperand &operand : generic->getOpOperands()) {
    if (operand.get() != chain)
      continue;
    if (chainOperand)
      return notFused(generic) << "uses the layer's value twice";
    chainOperand = &operand;
  }
  if (!linalgOp.getMatchingIndexingMap(chainOperand).isIdentity())
    return notFused(generic) << "reads the layer's value through a "
                                "non-identity map";
  if (linalgOp.isDpsInput(chainOperand) &&
      !linalgOp.getRegionOutputArgs().front().use_empty())
    return notFused(generic) << "reads its output tensor";
  return foldBody(linalgOp, linalgOp.getMatchingBlockArgument(chainOperand),
                  epilogue);
}

/// Follows the single-use chain from `result` (of `layer`) through
/// elementwise generics to compress.quantize.
LogicalResult matchEpilogue(Operation *layer, Value result,
                            Epilogue &epilogue) {
  Value current = result;
  while (true) {
    if (!current.hasOneUse())
      return notFused(current.getDefiningOp())
             << (current.use_empty() ? "the result is unused"
                                     : "the float result has more than one "
                                       "use");
    Operation *user = *current.user_begin();
    if (auto quantize = dyn_cast<QuantizeOp>(user)) {
      epilogue.quantize = quantize;
      epilogue.output = *UniformQuantInfo::get(
          quantize.getOutput().getType().getElementType());
      if (epilogue.output.isPerAxis())
        return notFused(quantize) << "per-axis output quantization (the "
                                     "requantization is per-tensor)";
      return success();
    }
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!generic)
      return notFused(layer) << "its result reaches '" << user->getName()
                             << "' instead of compress.quantize";
    if (failed(foldElementwiseGeneric(generic, current, epilogue)))
      return failure();
    epilogue.ops.push_back(generic);
    current = generic.getResult(0);
  }
}

/// Requantize's clamp_min / clamp_max: the epilogue's float clamp bounds
/// quantized with compress.quantize's arithmetic (exact by monotonicity).
std::pair<IntegerAttr, IntegerAttr> getClampAttrs(OpBuilder &b,
                                                  const Epilogue &epilogue) {
  const UniformQuantInfo &out = epilogue.output;
  auto quantize = [&](double bound) {
    return b.getI64IntegerAttr(
        quantizeValue(float(bound), float(out.scales.front()),
                      out.zeroPoints.front(), out.range));
  };
  // Bounds that do not narrow the storage range are left out.
  IntegerAttr lower, upper;
  if (epilogue.lower != -kInf &&
      quantize(epilogue.lower).getInt() > out.range.qmin)
    lower = quantize(epilogue.lower);
  if (epilogue.upper != kInf &&
      quantize(epilogue.upper).getInt() < out.range.qmax)
    upper = quantize(epilogue.upper);
  return {lower, upper};
}

//===----------------------------------------------------------------------===//
// Accumulator offset and requantization parameters
//===----------------------------------------------------------------------===//

/// The i32 constant every accumulator starts from (quantized bias and
/// zero-point correction), indexed by some output dimensions.
struct AccumulatorOffset {
  /// The output dimension of each of the constant's dimensions.
  SmallVector<int64_t> outputDims;
  SmallVector<int64_t> shape;
  /// Row-major values; empty when the offset is zero everywhere.
  SmallVector<int64_t> values;
};

/// The scales compress.requantize reads the accumulator with.
struct Requantization {
  SmallVector<double> scales;
  std::optional<int64_t> axis;
};

/// round_half_to_even(bias / scale) as an i32, if it is one.
std::optional<int64_t> quantizeBias(double bias, double scale) {
  double q = std::nearbyint(bias / scale);
  if (!std::isfinite(q) || std::abs(q) > double(kInt32Max))
    return std::nullopt;
  return int64_t(q);
}

/// The offset of a per-tensor requantization with input scale `scale`: the
/// quantized bias over the bias's own dimensions, plus the largest |offset|.
FailureOr<AccumulatorOffset> computeBiasOffset(Operation *layer,
                                               const Epilogue &epilogue,
                                               double scale,
                                               int64_t &maxAbsOffset) {
  AccumulatorOffset offset;
  maxAbsOffset = 0;
  if (!epilogue.bias)
    return offset;
  const ConstantOperand &bias = *epilogue.bias;
  for (unsigned i = 0; i < bias.map.getNumResults(); ++i)
    offset.outputDims.push_back(bias.map.getDimPosition(i));
  offset.shape = bias.shape;
  for (double b : bias.values) {
    std::optional<int64_t> q = quantizeBias(b, scale);
    if (!q)
      return notFused(layer)
             << "bias " << b << " / scale " << scale << " does not fit in i32";
    offset.values.push_back(*q);
    maxAbsOffset = std::max(maxAbsOffset, std::abs(*q));
  }
  return offset;
}

/// The output dimension `loop` maps to in `layer`'s (projected permutation)
/// output map.
std::optional<int64_t> getOutputDim(linalg::LinalgOp layer, unsigned loop) {
  AffineMap outputMap =
      layer.getMatchingIndexingMap(layer.getDpsInitOperand(0));
  std::optional<unsigned> position =
      outputMap.getResultPosition(getAffineDimExpr(loop, layer.getContext()));
  if (!position)
    return std::nullopt;
  return *position;
}

/// For every dynamic output dimension, an input operand and dimension with
/// the same size (a loop dimension the input indexes plainly).
FailureOr<SmallVector<std::pair<unsigned, unsigned>>>
findDynamicSizeSources(linalg::LinalgOp layer) {
  SmallVector<std::pair<unsigned, unsigned>> sources;
  auto outputType = cast<RankedTensorType>(layer->getResult(0).getType());
  AffineMap outputMap =
      layer.getMatchingIndexingMap(layer.getDpsInitOperand(0));
  for (int64_t d = 0; d < outputType.getRank(); ++d) {
    if (!outputType.isDynamicDim(d))
      continue;
    AffineExpr loop = outputMap.getResult(d);
    std::optional<std::pair<unsigned, unsigned>> source;
    for (OpOperand *input : layer.getDpsInputOperands())
      if (auto pos =
              layer.getMatchingIndexingMap(input).getResultPosition(loop);
          pos && !source)
        source = {input->getOperandNumber(), *pos};
    if (!source)
      return notFused(layer) << "dynamic output dimension " << d
                             << " has no input dimension of the same size";
    sources.push_back(*source);
  }
  return sources;
}

//===----------------------------------------------------------------------===//
// Building the integer program
//===----------------------------------------------------------------------===//

/// The storage integers of `operand` as the integer kernel reads them:
/// the constant itself, or a quant.scast, padded like the float operand.
Value buildStorageOperand(OpBuilder &b, Location loc,
                          const QuantizedOperand &operand) {
  Value storage = operand.constantStorage;
  if (!storage) {
    auto type = cast<RankedTensorType>(operand.quantized.getType());
    storage = quant::StorageCastOp::create(b, loc, getStorageTensorType(type),
                                           operand.quantized);
  }
  // Op handles are not const-correct; a copy of the handle is.
  tensor::PadOp pad = operand.pad;
  if (!pad)
    return storage;
  Type element = cast<RankedTensorType>(storage.getType()).getElementType();
  Value padValue = arith::ConstantOp::create(
      b, loc, getStorageAttr(element, operand.padValue, operand.info.isSigned));
  auto padType = RankedTensorType::get(pad.getResultType().getShape(), element);
  return tensor::PadOp::create(b, loc, padType, storage, pad.getMixedLowPad(),
                               pad.getMixedHighPad(), padValue);
}

/// `value` (an integer of any width up to 32) as i32, read as signed or
/// unsigned, minus `zeroPoint` unless that is 0.
Value buildCentered(OpBuilder &b, Location loc, Value value, bool isSigned,
                    int64_t zeroPoint) {
  Type i32 = b.getI32Type();
  if (value.getType() != i32)
    value = isSigned ? Value(arith::ExtSIOp::create(b, loc, i32, value))
                     : Value(arith::ExtUIOp::create(b, loc, i32, value));
  if (zeroPoint == 0)
    return value;
  Value zp = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(zeroPoint));
  return arith::SubIOp::create(b, loc, value, zp);
}

/// tensor.empty of `layer`'s output shape with element type i32, its dynamic
/// sizes read from the integer inputs `inputs`.
Value buildAccumulatorEmpty(
    OpBuilder &b, Location loc, linalg::LinalgOp layer, ValueRange inputs,
    ArrayRef<std::pair<unsigned, unsigned>> dynamicSources) {
  auto outputType = cast<RankedTensorType>(layer->getResult(0).getType());
  SmallVector<Value> sizes;
  for (auto [operand, dim] : dynamicSources)
    sizes.push_back(tensor::DimOp::create(b, loc, inputs[operand], dim));
  return tensor::EmptyOp::create(b, loc, outputType.getShape(), b.getI32Type(),
                                 sizes);
}

/// `empty` filled with the accumulator offset (broadcast over the output
/// dimensions it does not depend on).
Value buildAccumulatorInit(OpBuilder &b, Location loc, Value empty,
                           const AccumulatorOffset &offset) {
  bool allZero = llvm::all_of(offset.values, [](int64_t v) { return v == 0; });
  if (allZero) {
    Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
    return linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty})
        .getResult(0);
  }
  auto constantType = RankedTensorType::get(offset.shape, b.getI32Type());
  SmallVector<int32_t> values(offset.values.begin(), offset.values.end());
  Value constant = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(constantType, ArrayRef<int32_t>(values)));
  int64_t rank = cast<RankedTensorType>(empty.getType()).getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t d : offset.outputDims)
    exprs.push_back(b.getAffineDimExpr(d));
  SmallVector<AffineMap> maps{AffineMap::get(rank, 0, exprs, b.getContext()),
                              b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, empty.getType(), ValueRange{constant}, ValueRange{empty},
             maps, iterators,
             [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               linalg::YieldOp::create(nested, nestedLoc, args[0]);
             })
      .getResult(0);
}

/// An i32 linalg.generic with the indexing maps and iterators of `layer`
/// whose body adds `term(args)` to the accumulator.
Value buildIntegerKernel(
    OpBuilder &b, Location loc, linalg::LinalgOp layer, ValueRange inputs,
    Value init, function_ref<Value(OpBuilder &, Location, ValueRange)> term) {
  return linalg::GenericOp::create(
             b, loc, init.getType(), inputs, ValueRange{init},
             layer.getIndexingMapsArray(), layer.getIteratorTypesArray(),
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               Value sum = arith::AddIOp::create(nested, nestedLoc, args.back(),
                                                 term(nested, nestedLoc, args));
               linalg::YieldOp::create(nested, nestedLoc, sum);
             })
      .getResult(0);
}

/// Erases the rewritten chain and whatever only it used.
void eraseChain(Operation *layer, const Epilogue &epilogue) {
  SmallVector<Operation *> chain{epilogue.quantize};
  llvm::append_range(chain, llvm::reverse(epilogue.ops));
  chain.push_back(layer);
  llvm::SetVector<Operation *> worklist;
  auto erase = [&](Operation *op) {
    // Operands of nested ops count too: a pad's value is used in its region.
    op->walk([&](Operation *nested) {
      for (Value operand : nested->getOperands())
        if (Operation *producer = operand.getDefiningOp();
            producer && !op->isAncestor(producer))
          worklist.insert(producer);
    });
    worklist.remove(op);
    op->erase();
  };
  for (Operation *op : chain)
    erase(op);
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (isOpTriviallyDead(op))
      erase(op);
  }
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// collapse_shape of a dequantize becomes the dequantize of the collapsed
/// quantized tensor: reshapes only move elements, so they commute with
/// per-tensor (de)quantization, and a flatten between a convolution and a
/// matmul then no longer hides the matmul's quantized input. A per-axis type
/// moves along when its axis is collapsed only with unit dimensions (the
/// [C, 1, KH, KW] -> [C, KH, KW] filter of a depthwise convolution); the
/// axis then becomes that group's result dimension.
struct SinkDequantizeThroughCollapse
    : public OpRewritePattern<tensor::CollapseShapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::CollapseShapeOp op,
                                PatternRewriter &rewriter) const override {
    auto dequantize = op.getSrc().getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return failure();
    RankedTensorType quantizedType = dequantize.getInput().getType();
    Type element = quantizedType.getElementType();
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
      std::optional<int32_t> axis = collapsedAxis(
          op, quantizedType.getShape(), perAxis.getQuantizedDimension());
      if (!axis)
        return rewriter.notifyMatchFailure(
            op, "the quantized axis is merged with other dimensions");
      element = quant::UniformQuantizedPerAxisType::get(
          perAxis.getFlags(), perAxis.getStorageType(),
          perAxis.getExpressedType(), perAxis.getScales(),
          perAxis.getZeroPoints(), *axis, perAxis.getStorageTypeMin(),
          perAxis.getStorageTypeMax());
    } else if (!isa<quant::UniformQuantizedType>(element)) {
      return failure();
    }
    RankedTensorType resultType = op.getResultType();
    Value reshaped;
    auto storageCast =
        dequantize.getInput().getDefiningOp<quant::StorageCastOp>();
    if (storageCast &&
        isa<RankedTensorType>(storageCast.getInput().getType())) {
      // Collapse the storage integers (a constant weight folds, and stays
      // recognizable as one) and cast the result.
      auto storage = cast<RankedTensorType>(storageCast.getInput().getType());
      Value collapsed = tensor::CollapseShapeOp::create(
          rewriter, op.getLoc(), resultType.clone(storage.getElementType()),
          storageCast.getInput(), op.getReassociationIndices());
      reshaped = quant::StorageCastOp::create(
          rewriter, op.getLoc(), resultType.clone(element), collapsed);
    } else {
      reshaped = tensor::CollapseShapeOp::create(
          rewriter, op.getLoc(), resultType.clone(element),
          dequantize.getInput(), op.getReassociationIndices());
    }
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, resultType, reshaped);
    return success();
  }

private:
  /// The result dimension of `axis` when every other source dimension of its
  /// group has size 1.
  static std::optional<int32_t> collapsedAxis(tensor::CollapseShapeOp op,
                                              ArrayRef<int64_t> shape,
                                              int32_t axis) {
    for (auto [result, group] : llvm::enumerate(op.getReassociationIndices())) {
      if (!llvm::is_contained(group, axis))
        continue;
      for (int64_t dim : group)
        if (dim != axis && shape[dim] != 1)
          return std::nullopt;
      return static_cast<int32_t>(result);
    }
    return std::nullopt;
  }
};

void sinkDequantizeThroughReshapes(Operation *root) {
  RewritePatternSet patterns(root->getContext());
  compress::populateSinkDequantizeThroughReshapePatterns(patterns);
  (void)applyPatternsGreedily(root, std::move(patterns));
}

struct FuseQDQPass : public compress::impl::CompressFuseQDQBase<FuseQDQPass> {
  using CompressFuseQDQBase::CompressFuseQDQBase;

  void runOnOperation() override;

private:
  LogicalResult fuseContraction(linalg::LinalgOp layer);
  LogicalResult fuseElementwiseAdd(linalg::LinalgOp add);
  LogicalResult fuseMaxPooling(linalg::LinalgOp pool);
  LogicalResult fuseSumPooling(linalg::LinalgOp pool);

  /// Replaces the chain's quantize by requantize(acc) and erases the chain.
  void finish(OpBuilder &b, Operation *layer, Value acc,
              const Requantization &requantization, const Epilogue &epilogue);
};

void FuseQDQPass::finish(OpBuilder &b, Operation *layer, Value acc,
                         const Requantization &requantization,
                         const Epilogue &epilogue) {
  auto [clampMin, clampMax] = getClampAttrs(b, epilogue);
  IntegerAttr axis;
  if (requantization.axis)
    axis = b.getI64IntegerAttr(*requantization.axis);
  QuantizeOp quantize = epilogue.quantize;
  auto requantize =
      RequantizeOp::create(b, quantize.getLoc(), quantize.getOutput().getType(),
                           acc, requantization.scales, axis,
                           getOptionSpelling(rounding), clampMin, clampMax);
  quantize.getOutput().replaceAllUsesWith(requantize.getOutput());
  eraseChain(layer, epilogue);
  ++numFused;
}

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

LogicalResult FuseQDQPass::fuseContraction(linalg::LinalgOp layer) {
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
  finish(b, layer, acc, plan->requantization, epilogue);
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise add
//===----------------------------------------------------------------------===//

/// Integer multipliers of the two inputs of a quantized add and the common
/// scale they express: a * lhs + b * rhs is in units of `scale`, and at most
/// `bound` in magnitude.
struct AddRescale {
  int64_t lhs, rhs;
  double scale;
  int64_t bound;
};

/// The finest common scale s_c = max(s_a, s_b) / 2^N (N <= 30) for which
/// |a| * round(s_a / s_c) + |b| * round(s_b / s_c) stays within 2^30, which
/// leaves half of the i32 range for the bias.
std::optional<AddRescale> planAddRescale(double lhsScale, int64_t lhsMax,
                                         double rhsScale, int64_t rhsMax) {
  double larger = std::max(lhsScale, rhsScale);
  for (int n = 30; n >= 0; --n) {
    double common = std::ldexp(larger, -n);
    int64_t lhs = int64_t(std::nearbyint(lhsScale / common));
    int64_t rhs = int64_t(std::nearbyint(rhsScale / common));
    double bound = double(lhsMax) * double(lhs) + double(rhsMax) * double(rhs);
    if (bound <= double(int64_t(1) << 30))
      return AddRescale{lhs, rhs, common, int64_t(bound)};
  }
  return std::nullopt;
}

LogicalResult FuseQDQPass::fuseElementwiseAdd(linalg::LinalgOp add) {
  SmallVector<OpOperand *> inputs = add.getDpsInputOperands();
  SmallVector<QuantizedOperand, 2> operands;
  for (OpOperand *input : inputs) {
    FailureOr<QuantizedOperand> operand = matchQuantizedOperand(add, *input);
    if (failed(operand))
      return failure();
    if (operand->pad || operand->info.isPerAxis())
      return notFused(add) << "only unpadded per-tensor inputs are fused";
    operands.push_back(*operand);
  }
  if (!llvm::all_of(add.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }) ||
      !add.isAllParallelLoops() || add->getNumResults() != 1 ||
      !add.getRegionOutputArgs().front().use_empty())
    return notFused(add) << "not an elementwise add of two same-shaped "
                            "tensors";
  // The first body op must add the two inputs; the rest is epilogue.
  Block *body = add.getBlock();
  auto addf = dyn_cast<arith::AddFOp>(&body->front());
  ValueRange args = add.getRegionInputArgs();
  if (!addf || !((addf.getLhs() == args[0] && addf.getRhs() == args[1]) ||
                 (addf.getLhs() == args[1] && addf.getRhs() == args[0])))
    return notFused(add) << "the body does not start by adding the two "
                            "inputs";
  Epilogue epilogue;
  if (failed(foldBody(add, addf.getResult(), epilogue)) ||
      failed(matchEpilogue(add, add->getResult(0), epilogue)))
    return failure();
  FailureOr<SmallVector<std::pair<unsigned, unsigned>>> dynamicSources =
      findDynamicSizeSources(add);
  if (failed(dynamicSources))
    return failure();

  std::optional<AddRescale> rescale = planAddRescale(
      operands[0].info.scales.front(), operands[0].maxCentered(),
      operands[1].info.scales.front(), operands[1].maxCentered());
  if (!rescale || rescale->lhs == 0 || rescale->rhs == 0)
    return notFused(add) << "the smaller input scale rounds to 0 in units of "
                            "the common scale (scales too far apart)";
  double scale = rescale->scale * epilogue.scale;
  int64_t maxAbsOffset = 0;
  FailureOr<AccumulatorOffset> offset =
      computeBiasOffset(add, epilogue, scale, maxAbsOffset);
  if (failed(offset))
    return failure();
  if (rescale->bound + maxAbsOffset > kInt32Max)
    return notFused(add) << "the i32 accumulator can overflow";

  OpBuilder b(epilogue.quantize);
  Location loc = add.getLoc();
  SmallVector<Value, 2> kernelInputs;
  for (const QuantizedOperand &operand : operands)
    kernelInputs.push_back(buildStorageOperand(b, loc, operand));
  Value empty =
      buildAccumulatorEmpty(b, loc, add, kernelInputs, *dynamicSources);
  Value init = buildAccumulatorInit(b, loc, empty, *offset);
  int64_t multipliers[2] = {rescale->lhs, rescale->rhs};
  Value acc = buildIntegerKernel(
      b, loc, add, kernelInputs, init,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) -> Value {
        Value terms[2];
        for (int i = 0; i < 2; ++i) {
          Value centered = buildCentered(nested, nestedLoc, args[i],
                                         operands[i].info.isSigned,
                                         operands[i].info.zeroPoints.front());
          Value multiplier = arith::ConstantOp::create(
              nested, nestedLoc, nested.getI32IntegerAttr(multipliers[i]));
          terms[i] =
              arith::MulIOp::create(nested, nestedLoc, centered, multiplier);
        }
        return arith::AddIOp::create(nested, nestedLoc, terms[0], terms[1]);
      });
  finish(b, add, acc, Requantization{{scale}, std::nullopt}, epilogue);
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// The value a linalg.fill init holds.
std::optional<double> getFillValue(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  FloatAttr value;
  if (!fill || !matchPattern(fill.getInputs()[0], m_Constant(&value)))
    return std::nullopt;
  return value.getValueAsDouble();
}

/// Max pooling of the storage integers (signed or unsigned max) with the
/// indexing maps of `pool`, starting from `initStorage`.
Value buildMaxPoolKernel(
    OpBuilder &b, linalg::LinalgOp pool, const QuantizedOperand &input,
    int64_t initStorage,
    ArrayRef<std::pair<unsigned, unsigned>> dynamicSources) {
  Location loc = pool.getLoc();
  Value x = buildStorageOperand(b, loc, input);
  // The window operand only carries the window's shape.
  Value window = pool.getDpsInputOperands()[1]->get();
  Type storage = cast<RankedTensorType>(x.getType()).getElementType();
  Value initValue = arith::ConstantOp::create(
      b, loc, getStorageAttr(storage, initStorage, input.info.isSigned));
  auto outputType = cast<RankedTensorType>(pool->getResult(0).getType());
  SmallVector<Value> sizes;
  for (auto [operand, dim] : dynamicSources)
    sizes.push_back(
        tensor::DimOp::create(b, loc, operand == 0 ? x : window, dim));
  Value empty =
      tensor::EmptyOp::create(b, loc, outputType.getShape(), storage, sizes);
  Value init =
      linalg::FillOp::create(b, loc, ValueRange{initValue}, ValueRange{empty})
          .getResult(0);
  bool isSigned = input.info.isSigned;
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{x, window}, ValueRange{init},
             pool.getIndexingMapsArray(), pool.getIteratorTypesArray(),
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               Value max = isSigned ? Value(arith::MaxSIOp::create(
                                          nested, nestedLoc, args[2], args[0]))
                                    : Value(arith::MaxUIOp::create(
                                          nested, nestedLoc, args[2], args[0]));
               linalg::YieldOp::create(nested, nestedLoc, max);
             })
      .getResult(0);
}

LogicalResult FuseQDQPass::fuseMaxPooling(linalg::LinalgOp pool) {
  FailureOr<QuantizedOperand> input = matchQuantizedOperand(
      pool, *pool.getDpsInputOperands().front(), PadRule::Monotone);
  if (failed(input))
    return failure();
  if (input->info.isPerAxis())
    return notFused(pool) << "per-axis quantized input";
  std::optional<double> initValue =
      getFillValue(pool.getDpsInitOperand(0)->get());
  if (!initValue || std::isnan(*initValue))
    return notFused(pool) << "the initial value is not a filled constant";
  Epilogue epilogue;
  if (failed(matchEpilogue(pool, pool->getResult(0), epilogue)))
    return failure();
  if (!epilogue.ops.empty())
    return notFused(pool) << "ops between max pooling and compress.quantize";
  if (epilogue.quantize.getOutput().getType().getElementType() !=
      cast<RankedTensorType>(input->quantized.getType()).getElementType())
    return notFused(pool) << "input and output quantized types differ";
  FailureOr<SmallVector<std::pair<unsigned, unsigned>>> dynamicSources =
      findDynamicSizeSources(pool);
  if (failed(dynamicSources))
    return failure();

  // max commutes with the monotone quantize, and quantize(dequantize(q)) == q
  // for equal types, so the pooled storage integers are the result; the
  // initial value quantizes like any other value.
  OpBuilder b(epilogue.quantize);
  const UniformQuantInfo &info = input->info;
  int64_t initStorage =
      quantizeValue(float(*initValue), float(info.scales.front()),
                    info.zeroPoints.front(), info.range);
  Value pooled =
      buildMaxPoolKernel(b, pool, *input, initStorage, *dynamicSources);
  QuantizeOp quantize = epilogue.quantize;
  Value result = quant::StorageCastOp::create(
      b, pool.getLoc(), quantize.getOutput().getType(), pooled);
  quantize.getOutput().replaceAllUsesWith(result);
  eraseChain(pool, epilogue);
  ++numFused;
  return success();
}

LogicalResult FuseQDQPass::fuseSumPooling(linalg::LinalgOp pool) {
  FailureOr<QuantizedOperand> input =
      matchQuantizedOperand(pool, *pool.getDpsInputOperands().front());
  if (failed(input))
    return failure();
  if (input->info.isPerAxis())
    return notFused(pool) << "per-axis quantized input";
  if (!isZeroInit(pool.getDpsInitOperand(0)->get()))
    return notFused(pool) << "the accumulator does not start at zero";
  Epilogue epilogue;
  if (failed(matchEpilogue(pool, pool->getResult(0), epilogue)))
    return failure();
  FailureOr<SmallVector<std::pair<unsigned, unsigned>>> dynamicSources =
      findDynamicSizeSources(pool);
  if (failed(dynamicSources))
    return failure();

  double scale = input->info.scales.front() * epilogue.scale;
  int64_t maxAbsOffset = 0;
  FailureOr<AccumulatorOffset> offset =
      computeBiasOffset(pool, epilogue, scale, maxAbsOffset);
  if (failed(offset))
    return failure();
  int64_t windowSize = 1;
  for (auto [range, iterator] :
       llvm::zip(pool.getStaticLoopRanges(), pool.getIteratorTypesArray())) {
    if (iterator != utils::IteratorType::reduction)
      continue;
    if (ShapedType::isDynamic(range))
      return notFused(pool) << "dynamic window size";
    windowSize *= range;
  }
  if (double(windowSize) * double(input->maxCentered()) + double(maxAbsOffset) >
      double(kInt32Max))
    return notFused(pool) << "the i32 accumulator can overflow";

  OpBuilder b(epilogue.quantize);
  Location loc = pool.getLoc();
  Value x = buildStorageOperand(b, loc, *input);
  Value window = pool.getDpsInputOperands()[1]->get();
  Value empty = buildAccumulatorEmpty(b, loc, pool, ValueRange{x, window},
                                      *dynamicSources);
  Value init = buildAccumulatorInit(b, loc, empty, *offset);
  Value acc = buildIntegerKernel(
      b, loc, pool, ValueRange{x, window}, init,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        return buildCentered(nested, nestedLoc, args[0], input->info.isSigned,
                             input->info.zeroPoints.front());
      });
  finish(b, pool, acc, Requantization{{scale}, std::nullopt}, epilogue);
  return success();
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

/// Whether `value` is a compress.dequantize result, possibly padded.
bool isDequantized(Value value) {
  if (auto pad = value.getDefiningOp<tensor::PadOp>())
    value = pad.getSource();
  return value.getDefiningOp<DequantizeOp>() != nullptr;
}

/// An elementwise generic or linalg.add with two dequantized inputs.
bool isAddCandidate(linalg::LinalgOp op) {
  if (!isa<linalg::GenericOp, linalg::AddOp>(op) || op.getNumDpsInputs() != 2)
    return false;
  return llvm::all_of(op.getDpsInputOperands(), [](OpOperand *input) {
    return isDequantized(input->get());
  });
}

/// Ops the pass tries to rewrite (and explains when it cannot): layers with a
/// dequantized input, and adds of two dequantized tensors.
bool isCandidate(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op->getNumResults() != 1)
    return false;
  if (isWeightedLayer(op) || isMaxPooling(op) || isSumPooling(op))
    return llvm::any_of(op.getDpsInputOperands(), [](OpOperand *input) {
      return isDequantized(input->get());
    });
  return isAddCandidate(op);
}

void FuseQDQPass::runOnOperation() {
  sinkDequantizeThroughReshapes(getOperation());

  // Candidates are collected first: rewriting erases ops.
  SmallVector<linalg::LinalgOp> candidates;
  getOperation()->walk([&](linalg::LinalgOp op) {
    if (isCandidate(op))
      candidates.push_back(op);
  });

  for (linalg::LinalgOp op : candidates) {
    if (isMaxPooling(op))
      (void)fuseMaxPooling(op);
    else if (isSumPooling(op))
      (void)fuseSumPooling(op);
    else if (isWeightedLayer(op))
      (void)fuseContraction(op);
    else
      (void)fuseElementwiseAdd(op);
  }
}

} // namespace

void mlir::compress::populateSinkDequantizeThroughReshapePatterns(
    RewritePatternSet &patterns) {
  patterns.add<SinkDequantizeThroughCollapse>(patterns.getContext());
}
