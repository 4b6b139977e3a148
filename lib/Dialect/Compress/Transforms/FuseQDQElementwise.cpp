//===- FuseQDQElementwise.cpp - compress-fuse-qdq: add, pooling ---------===//
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

} // namespace

LogicalResult fuseElementwiseAdd(linalg::LinalgOp add, FusionContext &context) {
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
  // Inputs may be broadcast (a bias row added to every token); the output
  // is written elementwise.
  if (!add.getMatchingIndexingMap(add.getDpsInitOperand(0)).isIdentity() ||
      !llvm::all_of(
          inputs,
          [&](OpOperand *input) {
            return add.getMatchingIndexingMap(input).isProjectedPermutation();
          }) ||
      !add.isAllParallelLoops() || add->getNumResults() != 1 ||
      !add.getRegionOutputArgs().front().use_empty())
    return notFused(add) << "not an elementwise add of two tensors (each the "
                            "output's shape or broadcast to it)";
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
  int64_t multipliers[2] = {rescale->lhs, rescale->rhs};
  Value acc = buildElementwiseIntegerKernel(
      b, loc, add, kernelInputs, empty, *offset,
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
  finishChain(context, b, add, acc, Requantization{{scale}, std::nullopt},
              epilogue);
  return success();
}

LogicalResult fuseMaxPooling(linalg::LinalgOp pool, FusionContext &context) {
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
  ++context.fused;
  return success();
}

LogicalResult fuseSumPooling(linalg::LinalgOp pool, FusionContext &context) {
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
  finishChain(context, b, pool, acc, Requantization{{scale}, std::nullopt},
              epilogue);
  return success();
}

} // namespace mlir::compress::fuseqdq
