//===- FuseQDQChain.cpp - compress-fuse-qdq: chains and builders --------===//
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

InFlightDiagnostic notFused(Operation *op) {
  return op->emitRemark("not fused into integer arithmetic: ");
}

IntegerAttr getStorageAttr(Type type, int64_t value, bool isSigned) {
  unsigned width = type.getIntOrFloatBitWidth();
  return IntegerAttr::get(type, APInt(width, uint64_t(value), isSigned,
                                      /*implicitTrunc=*/true));
}

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

bool dequantizesFinitely(const UniformQuantInfo &info) {
  for (auto [scale, zp] : llvm::zip(info.scales, info.zeroPoints))
    if (!std::isfinite(dequantizeValue(info.range.qmax, float(scale), zp)) ||
        !std::isfinite(dequantizeValue(info.range.qmin, float(scale), zp)))
      return false;
  return true;
}

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

FailureOr<QuantizedOperand>
matchQuantizedOperand(Operation *layer, OpOperand &operand, PadRule padRule) {
  QuantizedOperand result;
  Value value = operand.get();
  if ((result.pad = value.getDefiningOp<tensor::PadOp>()))
    value = result.pad.getSource();
  auto dequantize = value.getDefiningOp<DequantizeOp>();
  if (!dequantize)
    return notFused(layer) << "operand #" << operand.getOperandNumber()
                           << " is not the result of compress.dequantize";
  result.quantized = dequantize.getInput();
  std::optional<UniformQuantInfo> info =
      UniformQuantInfo::get(dequantize.getInput().getType().getElementType());
  if (!info)
    return notFused(layer) << "operand #" << operand.getOperandNumber()
                           << " has group-wise (sub-channel) scales; the "
                              "integer kernels take one scale per channel";
  result.info = *info;
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

bool isZeroInit(Value init) {
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  return matchPattern(init, m_AnyZeroFloat());
}

//===----------------------------------------------------------------------===//
// Epilogue: bias, scale and clamps between the layer and compress.quantize
//===----------------------------------------------------------------------===//

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
      std::optional<UniformQuantInfo> output = UniformQuantInfo::get(
          quantize.getOutput().getType().getElementType());
      if (!output)
        return notFused(quantize) << "group-wise (sub-channel) output "
                                     "quantization (the requantization is "
                                     "per-tensor)";
      epilogue.output = *output;
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

std::optional<int64_t> quantizeBias(double bias, double scale) {
  double q = std::nearbyint(bias / scale);
  if (!std::isfinite(q) || std::abs(q) > double(kInt32Max))
    return std::nullopt;
  return int64_t(q);
}

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

std::optional<int64_t> getOutputDim(linalg::LinalgOp layer, unsigned loop) {
  AffineMap outputMap =
      layer.getMatchingIndexingMap(layer.getDpsInitOperand(0));
  std::optional<unsigned> position =
      outputMap.getResultPosition(getAffineDimExpr(loop, layer.getContext()));
  if (!position)
    return std::nullopt;
  return *position;
}

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

Value buildElementwiseIntegerKernel(
    OpBuilder &b, Location loc, linalg::LinalgOp layer, ValueRange inputs,
    Value empty, const AccumulatorOffset &offset,
    function_ref<Value(OpBuilder &, Location, ValueRange)> term) {
  SmallVector<Value> operands(inputs);
  SmallVector<AffineMap> maps;
  for (OpOperand *input : layer.getDpsInputOperands())
    maps.push_back(layer.getMatchingIndexingMap(input));
  // The offset: nothing when zero, a scalar when uniform, else a constant
  // read over its output dimensions.
  std::optional<int64_t> uniform;
  if (offset.values.empty() || llvm::all_of(offset.values, [&](int64_t v) {
        return v == offset.values.front();
      }))
    uniform = offset.values.empty() ? 0 : offset.values.front();
  int64_t rank = cast<RankedTensorType>(empty.getType()).getRank();
  if (!uniform) {
    auto constantType = RankedTensorType::get(offset.shape, b.getI32Type());
    SmallVector<int32_t> values(offset.values.begin(), offset.values.end());
    operands.push_back(arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(constantType, ArrayRef<int32_t>(values))));
    SmallVector<AffineExpr> exprs;
    for (int64_t d : offset.outputDims)
      exprs.push_back(b.getAffineDimExpr(d));
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  unsigned numInputs = inputs.size();
  return linalg::GenericOp::create(
             b, loc, empty.getType(), operands, ValueRange{empty}, maps,
             layer.getIteratorTypesArray(),
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               Value sum = term(nested, nestedLoc, args.take_front(numInputs));
               Value bias;
               if (!uniform)
                 bias = args[numInputs];
               else if (*uniform != 0)
                 bias = arith::ConstantOp::create(
                     nested, nestedLoc, nested.getI32IntegerAttr(*uniform));
               if (bias)
                 sum = arith::AddIOp::create(nested, nestedLoc, bias, sum);
               linalg::YieldOp::create(nested, nestedLoc, sum);
             })
      .getResult(0);
}

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

void finishChain(FusionContext &context, OpBuilder &b, Operation *layer,
                 Value acc, const Requantization &requantization,
                 const Epilogue &epilogue) {
  auto [clampMin, clampMax] = getClampAttrs(b, epilogue);
  IntegerAttr axis;
  if (requantization.axis)
    axis = b.getI64IntegerAttr(*requantization.axis);
  QuantizeOp quantize = epilogue.quantize;
  auto requantize = RequantizeOp::create(
      b, quantize.getLoc(), quantize.getOutput().getType(), acc,
      requantization.scales, axis, context.rounding, clampMin, clampMax);
  quantize.getOutput().replaceAllUsesWith(requantize.getOutput());
  eraseChain(layer, epilogue);
  ++context.fused;
}

} // namespace mlir::compress::fuseqdq
