//===- NormalizationOps.cpp - BatchNormalization and Softmax --------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::compress::onnx_import;

namespace {

/// Inference-mode BatchNormalization. The formula is ONNX's, evaluated in
/// its order: scale * (x - mean) / sqrt(var + epsilon) + B, with every
/// parameter read at the channel (dimension 1). Constant parameters stay
/// separate constant operands indexed by the channel, which filter pruning
/// follows.
LogicalResult convertBatchNormalization(NodeImporter &node) {
  if (failed(node.checkInputs(5, 5)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<DataType> type = node.getCommonFloatType({0, 1, 2, 3, 4});
  FailureOr<float> epsilon = node.getFloat("epsilon", 1e-5f);
  FailureOr<float> momentum = node.getFloat("momentum", 0.9f);
  FailureOr<int64_t> trainingMode = node.getInt("training_mode", 0);
  FailureOr<int64_t> spatial = node.getInt("spatial", 1);
  FailureOr<int64_t> isTest = node.getInt("is_test", 1);
  if (failed(type) || failed(epsilon) || failed(momentum) ||
      failed(trainingMode) || failed(spatial) || failed(isTest))
    return failure();
  if (node.getOpset() < 6 && failed(node.getOptionalInts("consumed_inputs")))
    return failure();
  if (*trainingMode != 0 || *isTest == 0)
    return node.emitError() << "training mode is not supported";
  if (*spatial != 1)
    return node.emitError() << "spatial = 0 is not supported";

  SmallVector<Value> inputs;
  for (unsigned i = 0; i < 5; ++i) {
    FailureOr<Value> input = node.getInput(i);
    if (failed(input))
      return failure();
    inputs.push_back(*input);
  }
  ArrayRef<int64_t> shape = getShape(inputs[0]);
  if (shape.size() < 2)
    return node.emitError() << "the input must have a channel dimension";
  for (unsigned i = 1; i < 5; ++i)
    if (getShape(inputs[i]) != ArrayRef<int64_t>{shape[1]})
      return node.emitError() << "input #" << i << " " << inputs[i].getType()
                              << " does not have one value per channel";

  OpBuilder &b = node.getBuilder();
  AffineMap identity = b.getMultiDimIdentityMap(shape.size());
  AffineMap channel = AffineMap::get(shape.size(), 0, b.getAffineDimExpr(1));
  Type elementType = getElementTypeOf(inputs[0]);
  Value y = buildMappedElementwise(
      b, node.getLoc(), inputs, {identity, channel, channel, channel, channel},
      shape, elementType, [&](OpBuilder &nb, Location loc, ValueRange args) {
        Value x = args[0], scale = args[1], bias = args[2], mean = args[3],
              var = args[4];
        Value eps = createScalar(nb, loc, elementType, *epsilon);
        Value centered = arith::SubFOp::create(nb, loc, x, mean);
        Value scaled = arith::MulFOp::create(nb, loc, scale, centered);
        Value stddev = math::SqrtOp::create(
            nb, loc, arith::AddFOp::create(nb, loc, var, eps));
        Value normalized = arith::DivFOp::create(nb, loc, scaled, stddev);
        return arith::AddFOp::create(nb, loc, normalized, bias);
      });
  return node.setOutput(0, y, *type);
}

/// Softmax (or LogSoftmax) over the dimensions `reduced`, computed as ONNX
/// defines it: e = exp(x - max(x)), y = e / sum(e) (log: x - max - log(sum)).
Value buildSoftmax(OpBuilder &b, Location loc, Value x,
                   ArrayRef<int64_t> reduced, bool isLog) {
  ArrayRef<int64_t> shape = getShape(x);
  Type elementType = getElementTypeOf(x);
  AffineMap identity = b.getMultiDimIdentityMap(shape.size());
  AffineMap broadcast =
      getDroppedDimsMap(b.getContext(), shape.size(), reduced);
  Value max = buildReduction(
      b, loc, x, reduced, getLowestAttr(elementType, false),
      [](OpBuilder &nb, Location nloc, ValueRange args) {
        return arith::MaximumFOp::create(nb, nloc, args[0], args[1]);
      });
  Value shifted = buildMappedElementwise(
      b, loc, {x, max}, {identity, broadcast}, shape, elementType,
      [](OpBuilder &nb, Location nloc, ValueRange args) {
        return arith::SubFOp::create(nb, nloc, args[0], args[1]);
      });
  Value exp =
      buildElementwise(b, loc, shifted, shape, elementType,
                       [](OpBuilder &nb, Location nloc, ValueRange args) {
                         return math::ExpOp::create(nb, nloc, args[0]);
                       });
  Value sum =
      buildReduction(b, loc, exp, reduced, getScalarAttr(elementType, 0.0),
                     [](OpBuilder &nb, Location nloc, ValueRange args) {
                       return arith::AddFOp::create(nb, nloc, args[0], args[1]);
                     });
  if (isLog)
    return buildMappedElementwise(
        b, loc, {shifted, sum}, {identity, broadcast}, shape, elementType,
        [](OpBuilder &nb, Location nloc, ValueRange args) {
          Value log = math::LogOp::create(nb, nloc, args[1]);
          return arith::SubFOp::create(nb, nloc, args[0], log);
        });
  return buildMappedElementwise(
      b, loc, {exp, sum}, {identity, broadcast}, shape, elementType,
      [](OpBuilder &nb, Location nloc, ValueRange args) {
        return arith::DivFOp::create(nb, nloc, args[0], args[1]);
      });
}

/// Before opset 13 Softmax flattened the input to 2-D at `axis` (default 1)
/// and normalized each row, i.e. over all dimensions from `axis` on; since
/// then it normalizes over `axis` (default -1) alone.
template <bool isLog>
LogicalResult convertSoftmax(NodeImporter &node) {
  if (failed(node.checkInputs(1, 1)) || failed(node.checkOutputs(1)))
    return failure();
  bool legacy = node.getOpset() < 13;
  FailureOr<DataType> type = node.getCommonFloatType({0});
  FailureOr<int64_t> axisAttr = node.getInt("axis", legacy ? 1 : -1);
  FailureOr<Value> x = node.getInput(0);
  if (failed(type) || failed(axisAttr) || failed(x))
    return failure();
  int64_t rank = getShape(*x).size();
  FailureOr<int64_t> axis = node.normalizeAxis(*axisAttr, rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> reduced{*axis};
  if (legacy)
    for (int64_t d = *axis + 1; d < rank; ++d)
      reduced.push_back(d);
  Value y = buildSoftmax(node.getBuilder(), node.getLoc(), *x, reduced, isLog);
  return node.setOutput(0, y, *type);
}

} // namespace

void mlir::compress::onnx_import::addNormalizationConverters(
    ConverterMap &converters) {
  converters["BatchNormalization"] = convertBatchNormalization;
  converters["Softmax"] = convertSoftmax<false>;
  converters["LogSoftmax"] = convertSoftmax<true>;
}
