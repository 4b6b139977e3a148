//===- ReductionOps.cpp - ReduceSum, ReduceMean, ReduceMax, ... -----------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Every reduction is one linalg.generic reduction (after an elementwise
// pre-map such as |x| or x^2) followed, where the op needs one, by an
// elementwise post-map (the mean's division, L2's square root), and a
// reshape restoring the reduced dimensions as 1 when keepdims is set.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "ConstantFolding.h"
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;
using namespace mlir::compress::onnx_import;

namespace {

enum class Reduction { Sum, Mean, Max, Min, Prod, SumSquare, L1, L2, LogSum };

/// The axes of a reduction: an attribute before opset `inputSince`, a
/// constant input from it on; empty means all (or none, with
/// noop_with_empty_axes).
FailureOr<SmallVector<int64_t>> readReductionAxes(NodeImporter &node,
                                                  int64_t inputSince) {
  if (node.getOpset() < inputSince)
    return node.getInts("axes", {});
  if (!node.hasInput(1))
    return SmallVector<int64_t>();
  FailureOr<DenseElementsAttr> axes = node.getRequiredConstant(1, "axes");
  if (failed(axes))
    return failure();
  return getIntegerValues(*axes, false);
}

/// x as the reduction accumulates it: |x| for L1, x^2 for SumSquare and L2.
Value preMap(OpBuilder &b, Location loc, Reduction kind, Value x) {
  if (kind == Reduction::L1)
    return math::AbsFOp::create(b, loc, x);
  if (kind == Reduction::SumSquare || kind == Reduction::L2)
    return arith::MulFOp::create(b, loc, x, x);
  return x;
}

Value combine(OpBuilder &b, Location loc, Reduction kind, Value x, Value acc) {
  switch (kind) {
  case Reduction::Max:
    return arith::MaximumFOp::create(b, loc, x, acc);
  case Reduction::Min:
    return arith::MinimumFOp::create(b, loc, x, acc);
  case Reduction::Prod:
    return arith::MulFOp::create(b, loc, x, acc);
  default:
    return arith::AddFOp::create(b, loc, x, acc);
  }
}

double getInitialValue(Reduction kind) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  switch (kind) {
  case Reduction::Max:
    return -inf;
  case Reduction::Min:
    return inf;
  case Reduction::Prod:
    return 1.0;
  default:
    return 0.0;
  }
}

/// The final value from the accumulated one: the mean divides by the count,
/// L2 takes the square root, LogSum the logarithm.
Value postMap(OpBuilder &b, Location loc, Reduction kind, Value acc,
              int64_t count) {
  if (kind == Reduction::Mean)
    return arith::DivFOp::create(
        b, loc, acc, createScalar(b, loc, acc.getType(), double(count)));
  if (kind == Reduction::L2)
    return math::SqrtOp::create(b, loc, acc);
  if (kind == Reduction::LogSum)
    return math::LogOp::create(b, loc, acc);
  return acc;
}

template <Reduction kind>
LogicalResult convertReduce(NodeImporter &node, int64_t axesInputSince) {
  if (failed(node.checkInputs(1, node.getOpset() >= axesInputSince ? 2 : 1)) ||
      failed(node.checkOutputs(1)))
    return failure();
  FailureOr<DataType> type = node.getCommonFloatType({0});
  FailureOr<int64_t> keepDims = node.getInt("keepdims", 1);
  FailureOr<int64_t> noopWithEmptyAxes = node.getInt("noop_with_empty_axes", 0);
  FailureOr<SmallVector<int64_t>> axes =
      readReductionAxes(node, axesInputSince);
  FailureOr<Value> x = node.getInput(0);
  if (failed(type) || failed(keepDims) || failed(noopWithEmptyAxes) ||
      failed(axes) || failed(x))
    return failure();
  ArrayRef<int64_t> shape = getShape(*x);
  int64_t rank = shape.size();
  if (axes->empty() && *noopWithEmptyAxes)
    return node.setOutput(0, *x, *type);
  SmallVector<int64_t> reduced;
  if (axes->empty()) {
    for (int64_t d = 0; d < rank; ++d)
      reduced.push_back(d);
  }
  for (int64_t axis : *axes) {
    FailureOr<int64_t> normalized = node.normalizeAxis(axis, rank);
    if (failed(normalized))
      return failure();
    if (llvm::is_contained(reduced, *normalized))
      return node.emitError() << "the axis " << axis << " is repeated";
    reduced.push_back(*normalized);
  }
  llvm::sort(reduced);

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Type elementType = getElementTypeOf(*x);
  Value input = *x;
  if (kind == Reduction::L1 || kind == Reduction::L2 ||
      kind == Reduction::SumSquare)
    input = buildElementwise(b, loc, input, shape, elementType,
                             [](OpBuilder &nb, Location nloc, ValueRange args) {
                               return preMap(nb, nloc, kind, args[0]);
                             });
  Value result = buildReduction(
      b, loc, input, reduced, getScalarAttr(elementType, getInitialValue(kind)),
      [](OpBuilder &nb, Location nloc, ValueRange args) {
        return combine(nb, nloc, kind, args[0], args[1]);
      });
  int64_t count = 1;
  for (int64_t d : reduced)
    count *= shape[d];
  if (kind == Reduction::Mean || kind == Reduction::L2 ||
      kind == Reduction::LogSum)
    result =
        buildElementwise(b, loc, result, getShape(result), elementType,
                         [&](OpBuilder &nb, Location nloc, ValueRange args) {
                           return postMap(nb, nloc, kind, args[0], count);
                         });
  if (*keepDims) {
    SmallVector<int64_t> kept(shape);
    for (int64_t d : reduced)
      kept[d] = 1;
    result = reshape(b, loc, result, kept);
  }
  return node.setOutput(0, result, *type);
}

/// ReduceSum took its axes as an input from opset 13, the others from 18.
template <Reduction kind, int64_t axesInputSince>
LogicalResult convertReduceSince(NodeImporter &node) {
  return convertReduce<kind>(node, axesInputSince);
}

} // namespace

void mlir::compress::onnx_import::addReductionConverters(
    ConverterMap &converters) {
  converters["ReduceSum"] = convertReduceSince<Reduction::Sum, 13>;
  converters["ReduceMean"] = convertReduceSince<Reduction::Mean, 18>;
  converters["ReduceMax"] = convertReduceSince<Reduction::Max, 18>;
  converters["ReduceMin"] = convertReduceSince<Reduction::Min, 18>;
  converters["ReduceProd"] = convertReduceSince<Reduction::Prod, 18>;
  converters["ReduceSumSquare"] = convertReduceSince<Reduction::SumSquare, 18>;
  converters["ReduceL1"] = convertReduceSince<Reduction::L1, 18>;
  converters["ReduceL2"] = convertReduceSince<Reduction::L2, 18>;
  converters["ReduceLogSum"] = convertReduceSince<Reduction::LogSum, 18>;
}
