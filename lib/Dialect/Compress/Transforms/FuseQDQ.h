//===- FuseQDQ.h - the parts of compress-fuse-qdq --------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// compress-fuse-qdq in parts, along its steps (the design is described at the
// top of FuseQDQ.cpp):
//   FuseQDQChain.cpp        quantized operands, the epilogue between a layer
//                           and compress.quantize, accumulator offsets, and
//                           the builders of the integer program;
//   FuseQDQContraction.cpp  matmuls and convolutions;
//   FuseQDQElementwise.cpp  elementwise adds and pooling;
//   FuseQDQ.cpp             the pass: reshape sinking and the driver.
// This header is private to those files.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_DIALECT_COMPRESS_TRANSFORMS_FUSEQDQ_H
#define COMPRESS_LIB_DIALECT_COMPRESS_TRANSFORMS_FUSEQDQ_H

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

#include <limits>
#include <optional>
#include <string>
#include <utility>

namespace mlir::compress::fuseqdq {

inline constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

inline constexpr double kInf = std::numeric_limits<double>::infinity();

/// Starts the remark of a chain that stays in float; callers stream the
/// reason. Converts to failure().
InFlightDiagnostic notFused(Operation *op);

/// An integer attribute of the storage type `type` holding `value`, read as
/// signed or unsigned storage (u8 200 is the bit pattern of i8 -56).
IntegerAttr getStorageAttr(Type type, int64_t value, bool isSigned);

/// Calls `fn(index, linear)` for every multi-index of `shape` in row-major
/// order.
void forEachIndex(ArrayRef<int64_t> shape,
                  function_ref<void(ArrayRef<int64_t>, int64_t)> fn);

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
bool dequantizesFinitely(const UniformQuantInfo &info);

/// The storage integer that dequantizes exactly to `value` in `floatType`
/// (the float layer's view of a padded position), if there is one.
std::optional<int64_t> quantizeExactly(FloatAttr value,
                                       const UniformQuantInfo &info,
                                       FloatType floatType);

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
                      PadRule padRule = PadRule::Exact);

/// Whether `init` is zero everywhere: a linalg.fill of 0.0 or a zero splat.
bool isZeroInit(Value init);

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
                                               Value value);

/// Folds one body op `step` (running value on the left when `currentFirst`)
/// combined with `other` into `epilogue`.
LogicalResult foldStep(Operation *step, bool currentFirst,
                       const ConstantOperand &other, Epilogue &epilogue);

/// Folds the body of `op` from the value `start` to the yield into
/// `epilogue`: every op must combine the running value with a constant.
LogicalResult foldBody(linalg::LinalgOp op, Value start, Epilogue &epilogue);

/// Folds an elementwise linalg.generic that consumes `chain` into `epilogue`.
LogicalResult foldElementwiseGeneric(linalg::GenericOp generic, Value chain,
                                     Epilogue &epilogue);

/// Follows the single-use chain from `result` (of `layer`) through
/// elementwise generics to compress.quantize.
LogicalResult matchEpilogue(Operation *layer, Value result, Epilogue &epilogue);

/// Requantize's clamp_min / clamp_max: the epilogue's float clamp bounds
/// quantized with compress.quantize's arithmetic (exact by monotonicity).
std::pair<IntegerAttr, IntegerAttr> getClampAttrs(OpBuilder &b,
                                                  const Epilogue &epilogue);

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
std::optional<int64_t> quantizeBias(double bias, double scale);

/// The offset of a per-tensor requantization with input scale `scale`: the
/// quantized bias over the bias's own dimensions, plus the largest |offset|.
FailureOr<AccumulatorOffset> computeBiasOffset(Operation *layer,
                                               const Epilogue &epilogue,
                                               double scale,
                                               int64_t &maxAbsOffset);

/// The output dimension `loop` maps to in `layer`'s (projected permutation)
/// output map.
std::optional<int64_t> getOutputDim(linalg::LinalgOp layer, unsigned loop);

/// For every dynamic output dimension, an input operand and dimension with
/// the same size (a loop dimension the input indexes plainly).
FailureOr<SmallVector<std::pair<unsigned, unsigned>>>
findDynamicSizeSources(linalg::LinalgOp layer);

/// The storage integers of `operand` as the integer kernel reads them:
/// the constant itself, or a quant.scast, padded like the float operand.
Value buildStorageOperand(OpBuilder &b, Location loc,
                          const QuantizedOperand &operand);

/// `value` (an integer of any width up to 32) as i32, read as signed or
/// unsigned, minus `zeroPoint` unless that is 0.
Value buildCentered(OpBuilder &b, Location loc, Value value, bool isSigned,
                    int64_t zeroPoint);

/// tensor.empty of `layer`'s output shape with element type i32, its dynamic
/// sizes read from the integer inputs `inputs`.
Value buildAccumulatorEmpty(
    OpBuilder &b, Location loc, linalg::LinalgOp layer, ValueRange inputs,
    ArrayRef<std::pair<unsigned, unsigned>> dynamicSources);

/// `empty` filled with the accumulator offset (broadcast over the output
/// dimensions it does not depend on).
Value buildAccumulatorInit(OpBuilder &b, Location loc, Value empty,
                           const AccumulatorOffset &offset);

/// An i32 linalg.generic with the indexing maps and iterators of `layer`
/// whose body adds `term(args)` to the accumulator.
Value buildIntegerKernel(
    OpBuilder &b, Location loc, linalg::LinalgOp layer, ValueRange inputs,
    Value init, function_ref<Value(OpBuilder &, Location, ValueRange)> term);

/// An all-parallel i32 linalg.generic with the input maps of `layer` that
/// yields `offset + term(args)` into `empty` without reading it, so that
/// elementwise fusion later needs no accumulator buffer.
Value buildElementwiseIntegerKernel(
    OpBuilder &b, Location loc, linalg::LinalgOp layer, ValueRange inputs,
    Value empty, const AccumulatorOffset &offset,
    function_ref<Value(OpBuilder &, Location, ValueRange)> term);

/// Erases the rewritten chain and whatever only it used.
void eraseChain(Operation *layer, const Epilogue &epilogue);

/// What the fusions share with the pass: the requantization rounding to
/// emit (compress.requantize's spelling) and the count of chains made
/// integer (the pass's statistic).
struct FusionContext {
  std::string rounding = "fixed_point";
  unsigned fused = 0;
};

/// Replaces the chain's compress.quantize by compress.requantize(acc) and
/// erases the chain.
void finishChain(FusionContext &context, OpBuilder &b, Operation *layer,
                 Value acc, const Requantization &requantization,
                 const Epilogue &epilogue);

/// The rewrites of one candidate each; on failure the op is unchanged and a
/// remark says why.
LogicalResult fuseContraction(linalg::LinalgOp layer, FusionContext &context);
LogicalResult fuseElementwiseAdd(linalg::LinalgOp add, FusionContext &context);
LogicalResult fuseMaxPooling(linalg::LinalgOp pool, FusionContext &context);
LogicalResult fuseSumPooling(linalg::LinalgOp pool, FusionContext &context);

} // namespace mlir::compress::fuseqdq

#endif // COMPRESS_LIB_DIALECT_COMPRESS_TRANSFORMS_FUSEQDQ_H
