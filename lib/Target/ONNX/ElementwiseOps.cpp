//===- ElementwiseOps.cpp - arithmetic and activations --------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Every elementwise ONNX op becomes one linalg.generic whose body is the op's
// formula in arith/math, with numpy broadcasting through the indexing maps.
// compress-lower-to-cpu fuses chains of them; compress-fuse-qdq folds bias
// adds, positive scales and clamps with constant operands into integer
// kernels.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "ConstantFolding.h"
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::compress::onnx_import;

namespace {

/// Computes `body` over the broadcast inputs `inputs` (indices into the
/// node's inputs; absent optional inputs are skipped) and records the result
/// as output 0 with the data type `resultType`.
LogicalResult emitElementwise(NodeImporter &node, ArrayRef<unsigned> inputs,
                              DataType resultType, BodyFn body) {
  SmallVector<Value> values;
  SmallVector<ArrayRef<int64_t>> shapes;
  for (unsigned i : inputs) {
    if (!node.hasInput(i))
      continue;
    FailureOr<Value> value = node.getInput(i);
    if (failed(value))
      return failure();
    values.push_back(*value);
    shapes.push_back(getShape(*value));
  }
  std::optional<SmallVector<int64_t>> shape = broadcastShapes(shapes);
  if (!shape) {
    InFlightDiagnostic diag = node.emitError()
                              << "the input shapes do not broadcast:";
    for (ArrayRef<int64_t> s : shapes) {
      diag << " [";
      llvm::interleaveComma(s, diag);
      diag << "]";
    }
    return diag;
  }
  OpBuilder &b = node.getBuilder();
  Type elementType = getElementType(node.getContext(), resultType);
  Value result =
      buildElementwise(b, node.getLoc(), values, *shape, elementType, body);
  return node.setOutput(0, result, resultType);
}

/// Checks a one-input, one-output op with a float input and returns its type.
FailureOr<DataType> checkUnaryFloat(NodeImporter &node) {
  if (failed(node.checkInputs(1, 1)) || failed(node.checkOutputs(1)))
    return failure();
  return node.getCommonFloatType({0});
}

/// A one-input float op whose body is `body(x)`.
LogicalResult convertUnaryFloat(
    NodeImporter &node,
    llvm::function_ref<Value(OpBuilder &, Location, Value)> body) {
  FailureOr<DataType> type = checkUnaryFloat(node);
  if (failed(type))
    return failure();
  return emitElementwise(node, {0}, *type,
                         [&](OpBuilder &b, Location loc, ValueRange args) {
                           return body(b, loc, args[0]);
                         });
}

Value floatConstant(OpBuilder &b, Location loc, Value like, double value) {
  return createScalar(b, loc, like.getType(), value);
}

//===----------------------------------------------------------------------===//
// Binary arithmetic
//===----------------------------------------------------------------------===//

enum class Arith { Add, Sub, Mul, Div };

Value buildArith(OpBuilder &b, Location loc, Arith kind, Value lhs, Value rhs,
                 bool isUnsigned) {
  bool isFloat = isa<FloatType>(lhs.getType());
  switch (kind) {
  case Arith::Add:
    return isFloat ? Value(arith::AddFOp::create(b, loc, lhs, rhs))
                   : Value(arith::AddIOp::create(b, loc, lhs, rhs));
  case Arith::Sub:
    return isFloat ? Value(arith::SubFOp::create(b, loc, lhs, rhs))
                   : Value(arith::SubIOp::create(b, loc, lhs, rhs));
  case Arith::Mul:
    return isFloat ? Value(arith::MulFOp::create(b, loc, lhs, rhs))
                   : Value(arith::MulIOp::create(b, loc, lhs, rhs));
  case Arith::Div:
    if (isFloat)
      return arith::DivFOp::create(b, loc, lhs, rhs);
    return isUnsigned ? Value(arith::DivUIOp::create(b, loc, lhs, rhs))
                      : Value(arith::DivSIOp::create(b, loc, lhs, rhs));
  }
  llvm_unreachable("covered switch");
}

/// Before opset 7, binary ops broadcast only with an explicit attribute and
/// by other rules than numpy's; only the non-broadcasting form is accepted.
LogicalResult checkLegacyBroadcast(NodeImporter &node) {
  if (node.getOpset() >= 7)
    return success();
  FailureOr<int64_t> broadcast = node.getInt("broadcast", 0);
  FailureOr<std::optional<int64_t>> axis = node.getOptionalInt("axis");
  if (failed(broadcast) || failed(axis) ||
      failed(node.getOptionalInts("consumed_inputs")))
    return failure();
  if (*broadcast != 0)
    return node.emitError() << "the legacy (opset < 7) broadcast attribute "
                               "is not supported";
  return success();
}

template <Arith kind>
LogicalResult convertArith(NodeImporter &node) {
  if (failed(node.checkInputs(2, 2)) || failed(node.checkOutputs(1)) ||
      failed(checkLegacyBroadcast(node)))
    return failure();
  DataType type = node.getInputDataType(0);
  if (type != node.getInputDataType(1))
    return node.emitError()
           << "the inputs have different data types (" << getDataTypeName(type)
           << " and " << getDataTypeName(node.getInputDataType(1)) << ")";
  if (!isFloatDataType(type) && !isIntegerDataType(type))
    return node.emitError()
           << "the data type " << getDataTypeName(type) << " is not supported";
  bool isUnsigned = isUnsignedDataType(type);
  // Integer arithmetic on constants is shape computation (sizes, offsets):
  // fold it, so that the Reshape it feeds sees a constant shape.
  if (isIntegerDataType(type)) {
    DenseElementsAttr lhs = node.getInputConstant(0);
    DenseElementsAttr rhs = node.getInputConstant(1);
    if (lhs && rhs) {
      FailureOr<DenseElementsAttr> folded = foldIntegerBinary(
          node, lhs, rhs, [&](const APInt &a, const APInt &b) -> APInt {
            switch (kind) {
            case Arith::Add:
              return a + b;
            case Arith::Sub:
              return a - b;
            case Arith::Mul:
              return a * b;
            case Arith::Div:
              if (b.isZero())
                return APInt(a.getBitWidth(), 0);
              return isUnsigned ? a.udiv(b) : a.sdiv(b);
            }
            llvm_unreachable("covered switch");
          });
      if (failed(folded))
        return failure();
      if (*folded)
        return node.setConstantOutput(0, *folded, type);
    }
  }
  return emitElementwise(
      node, {0, 1}, type, [&](OpBuilder &b, Location loc, ValueRange args) {
        return buildArith(b, loc, kind, args[0], args[1], isUnsigned);
      });
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

Value buildMax(OpBuilder &b, Location loc, Value x, Value y, bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return arith::MaximumFOp::create(b, loc, x, y);
  return isUnsigned ? Value(arith::MaxUIOp::create(b, loc, x, y))
                    : Value(arith::MaxSIOp::create(b, loc, x, y));
}

Value buildMin(OpBuilder &b, Location loc, Value x, Value y, bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return arith::MinimumFOp::create(b, loc, x, y);
  return isUnsigned ? Value(arith::MinUIOp::create(b, loc, x, y))
                    : Value(arith::MinSIOp::create(b, loc, x, y));
}

/// 1 / (1 + exp(-x)), ONNX's definition.
Value buildSigmoid(OpBuilder &b, Location loc, Value x) {
  Value one = floatConstant(b, loc, x, 1.0);
  Value negated = arith::NegFOp::create(b, loc, x);
  Value exp = math::ExpOp::create(b, loc, negated);
  Value denominator = arith::AddFOp::create(b, loc, one, exp);
  return arith::DivFOp::create(b, loc, one, denominator);
}

LogicalResult convertRelu(NodeImporter &node) {
  if (failed(node.checkInputs(1, 1)) || failed(node.checkOutputs(1)))
    return failure();
  if (node.getOpset() < 6 && failed(node.getOptionalInts("consumed_inputs")))
    return failure();
  DataType type = node.getInputDataType(0);
  if (!isFloatDataType(type) &&
      !(isIntegerDataType(type) && !isUnsignedDataType(type)))
    return node.emitError()
           << "the data type " << getDataTypeName(type) << " is not supported";
  return emitElementwise(
      node, {0}, type, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value zero = createScalar(b, loc, args[0].getType(), 0.0);
        return buildMax(b, loc, args[0], zero, false);
      });
}

LogicalResult convertLeakyRelu(NodeImporter &node) {
  FailureOr<float> alpha = node.getFloat("alpha", 0.01f);
  if (failed(alpha))
    return failure();
  return convertUnaryFloat(node, [&](OpBuilder &b, Location loc, Value x) {
    Value zero = floatConstant(b, loc, x, 0.0);
    Value scaled =
        arith::MulFOp::create(b, loc, x, floatConstant(b, loc, x, *alpha));
    Value negative =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
    return arith::SelectOp::create(b, loc, negative, scaled, x);
  });
}

LogicalResult convertPRelu(NodeImporter &node) {
  if (failed(node.checkInputs(2, 2)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<DataType> type = node.getCommonFloatType({0, 1});
  if (failed(type))
    return failure();
  return emitElementwise(
      node, {0, 1}, *type, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value zero = floatConstant(b, loc, args[0], 0.0);
        Value scaled = arith::MulFOp::create(b, loc, args[0], args[1]);
        Value negative = arith::CmpFOp::create(
            b, loc, arith::CmpFPredicate::OLT, args[0], zero);
        return arith::SelectOp::create(b, loc, negative, scaled, args[0]);
      });
}

LogicalResult convertSigmoid(NodeImporter &node) {
  return convertUnaryFloat(node, buildSigmoid);
}

LogicalResult convertHardSigmoid(NodeImporter &node) {
  FailureOr<float> alpha = node.getFloat("alpha", 0.2f);
  FailureOr<float> beta = node.getFloat("beta", 0.5f);
  if (failed(alpha) || failed(beta))
    return failure();
  return convertUnaryFloat(node, [&](OpBuilder &b, Location loc, Value x) {
    Value y =
        arith::MulFOp::create(b, loc, x, floatConstant(b, loc, x, *alpha));
    y = arith::AddFOp::create(b, loc, y, floatConstant(b, loc, x, *beta));
    y = arith::MaximumFOp::create(b, loc, y, floatConstant(b, loc, x, 0.0));
    return arith::MinimumFOp::create(b, loc, y, floatConstant(b, loc, x, 1.0));
  });
}

LogicalResult convertHardSwish(NodeImporter &node) {
  return convertUnaryFloat(node, [](OpBuilder &b, Location loc, Value x) {
    // x * max(0, min(1, x / 6 + 1/2)), HardSigmoid with alpha 1/6.
    Value y =
        arith::MulFOp::create(b, loc, x, floatConstant(b, loc, x, 1.0 / 6.0));
    y = arith::AddFOp::create(b, loc, y, floatConstant(b, loc, x, 0.5));
    y = arith::MaximumFOp::create(b, loc, y, floatConstant(b, loc, x, 0.0));
    y = arith::MinimumFOp::create(b, loc, y, floatConstant(b, loc, x, 1.0));
    return arith::MulFOp::create(b, loc, x, y);
  });
}

LogicalResult convertGelu(NodeImporter &node) {
  FailureOr<std::string> approximate = node.getString("approximate", "none");
  if (failed(approximate))
    return failure();
  if (*approximate != "none" && *approximate != "tanh")
    return node.emitError() << "approximate='" << *approximate
                            << "' is not supported (none or tanh)";
  bool useTanh = *approximate == "tanh";
  return convertUnaryFloat(node, [&](OpBuilder &b, Location loc, Value x) {
    Value inner;
    if (useTanh) {
      // tanh(sqrt(2 / pi) * (x + 0.044715 x^3))
      Value cube =
          arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
      Value sum = arith::AddFOp::create(
          b, loc, x,
          arith::MulFOp::create(b, loc, cube,
                                floatConstant(b, loc, x, 0.044715)));
      inner = math::TanhOp::create(
          b, loc,
          arith::MulFOp::create(
              b, loc, sum, floatConstant(b, loc, x, std::sqrt(2.0 / M_PI))));
    } else {
      // erf(x / sqrt(2))
      inner = math::ErfOp::create(
          b, loc,
          arith::MulFOp::create(b, loc, x,
                                floatConstant(b, loc, x, M_SQRT1_2)));
    }
    Value onePlus =
        arith::AddFOp::create(b, loc, floatConstant(b, loc, x, 1.0), inner);
    Value half =
        arith::MulFOp::create(b, loc, x, floatConstant(b, loc, x, 0.5));
    return arith::MulFOp::create(b, loc, half, onePlus);
  });
}

template <typename MathOp>
LogicalResult convertMath(NodeImporter &node) {
  return convertUnaryFloat(node, [](OpBuilder &b, Location loc, Value x) {
    return MathOp::create(b, loc, x);
  });
}

/// Neg of floats and signed integers; integer constants (sizes in shape
/// computations) are folded.
LogicalResult convertNeg(NodeImporter &node) {
  if (failed(node.checkInputs(1, 1)) || failed(node.checkOutputs(1)))
    return failure();
  DataType type = node.getInputDataType(0);
  if (isFloatDataType(type))
    return emitElementwise(node, {0}, type,
                           [](OpBuilder &b, Location loc, ValueRange args) {
                             return arith::NegFOp::create(b, loc, args[0]);
                           });
  if (!isIntegerDataType(type) || isUnsignedDataType(type))
    return node.emitError()
           << "the data type " << getDataTypeName(type) << " is not supported";
  if (DenseElementsAttr value = node.getInputConstant(0))
    if (value.getNumElements() <= kMaxFoldedElements)
      return node.setConstantOutput(
          0,
          value.mapValues(value.getElementType(),
                          [](const APInt &v) { return -v; }),
          type);
  return emitElementwise(
      node, {0}, type, [](OpBuilder &b, Location loc, ValueRange args) {
        Value zero = createScalar(b, loc, args[0].getType(), 0.0);
        return arith::SubIOp::create(b, loc, zero, args[0]);
      });
}

LogicalResult convertReciprocal(NodeImporter &node) {
  return convertUnaryFloat(node, [](OpBuilder &b, Location loc, Value x) {
    return arith::DivFOp::create(b, loc, floatConstant(b, loc, x, 1.0), x);
  });
}

LogicalResult convertElu(NodeImporter &node) {
  FailureOr<float> alpha = node.getFloat("alpha", 1.0f);
  if (failed(alpha))
    return failure();
  return convertUnaryFloat(node, [&](OpBuilder &b, Location loc, Value x) {
    // x < 0 ? alpha * (exp(x) - 1) : x
    Value zero = floatConstant(b, loc, x, 0.0);
    Value expm1 = arith::SubFOp::create(b, loc, math::ExpOp::create(b, loc, x),
                                        floatConstant(b, loc, x, 1.0));
    Value negative =
        arith::MulFOp::create(b, loc, floatConstant(b, loc, x, *alpha), expm1);
    Value isNegative =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
    return arith::SelectOp::create(b, loc, isNegative, negative, x);
  });
}

LogicalResult convertSoftplus(NodeImporter &node) {
  return convertUnaryFloat(node, [](OpBuilder &b, Location loc, Value x) {
    // log(exp(x) + 1)
    Value exp = math::ExpOp::create(b, loc, x);
    return math::LogOp::create(
        b, loc,
        arith::AddFOp::create(b, loc, exp, floatConstant(b, loc, x, 1.0)));
  });
}

/// Pow with a float base; an integer exponent is converted to the base's
/// type first (ONNX lets the exponent have its own type).
LogicalResult convertPow(NodeImporter &node) {
  if (failed(node.checkInputs(2, 2)) || failed(node.checkOutputs(1)))
    return failure();
  FailureOr<DataType> type = node.getCommonFloatType({0});
  if (failed(type))
    return failure();
  DataType exponentType = node.getInputDataType(1);
  if (!isFloatDataType(exponentType) && !isIntegerDataType(exponentType))
    return node.emitError()
           << "the exponent type " << getDataTypeName(exponentType)
           << " is not supported";
  return emitElementwise(
      node, {0, 1}, *type, [&](OpBuilder &b, Location loc, ValueRange args) {
        Type baseType = args[0].getType();
        Value exponent = args[1];
        if (isIntegerDataType(exponentType))
          exponent =
              isUnsignedDataType(exponentType)
                  ? Value(arith::UIToFPOp::create(b, loc, baseType, exponent))
                  : Value(arith::SIToFPOp::create(b, loc, baseType, exponent));
        else if (exponent.getType() != baseType)
          exponent =
              exponent.getType().getIntOrFloatBitWidth() <
                      baseType.getIntOrFloatBitWidth()
                  ? Value(arith::ExtFOp::create(b, loc, baseType, exponent))
                  : Value(arith::TruncFOp::create(b, loc, baseType, exponent));
        return math::PowFOp::create(b, loc, args[0], exponent);
      });
}

//===----------------------------------------------------------------------===//
// Variadic Max, Min, Sum, Mean
//===----------------------------------------------------------------------===//

enum class Variadic { Max, Min, Sum, Mean };

/// An elementwise reduction over all inputs, broadcast numpy-style.
template <Variadic kind>
LogicalResult convertVariadic(NodeImporter &node) {
  if (failed(node.checkOutputs(1)))
    return failure();
  SmallVector<unsigned> inputs;
  for (unsigned i = 0; node.hasInput(i); ++i)
    inputs.push_back(i);
  if (inputs.empty() || failed(node.checkInputs(inputs.size(), inputs.size())))
    return node.emitError() << "needs at least one input";
  DataType type = node.getInputDataType(0);
  for (unsigned i : inputs)
    if (node.getInputDataType(i) != type)
      return node.emitError() << "the inputs have different data types";
  bool isFloat = isFloatDataType(type);
  if (!isFloat && (kind == Variadic::Mean || !isIntegerDataType(type)))
    return node.emitError()
           << "the data type " << getDataTypeName(type) << " is not supported";
  bool isUnsigned = isUnsignedDataType(type);
  size_t count = inputs.size();
  return emitElementwise(
      node, inputs, type, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value result = args[0];
        for (Value arg : args.drop_front()) {
          if (kind == Variadic::Max)
            result = buildMax(b, loc, result, arg, isUnsigned);
          else if (kind == Variadic::Min)
            result = buildMin(b, loc, result, arg, isUnsigned);
          else
            result = buildArith(b, loc, Arith::Add, result, arg, isUnsigned);
        }
        if (kind == Variadic::Mean)
          result = arith::DivFOp::create(
              b, loc, result,
              createScalar(b, loc, result.getType(), double(count)));
        return result;
      });
}

//===----------------------------------------------------------------------===//
// Clip
//===----------------------------------------------------------------------===//

/// A bound of Clip: a compile-time scalar, a run-time scalar tensor (input
/// `input`), or none.
struct ClipBound {
  /// The scalar, of the input's element type.
  TypedAttr constant;
  std::optional<unsigned> input;
};

FailureOr<ClipBound> readClipBound(NodeImporter &node, unsigned input,
                                   StringRef attr) {
  ClipBound bound;
  if (node.getOpset() < 11) {
    FailureOr<const onnx::AttributeProto *> proto =
        node.getAttribute(attr, onnx::AttributeProto::FLOAT);
    if (failed(proto))
      return failure();
    Type elementType =
        getElementType(node.getContext(), node.getInputDataType(0));
    if (*proto && !isa<FloatType>(elementType))
      return node.emitError() << "a float bound on an integer input";
    if (*proto)
      bound.constant = FloatAttr::get(elementType, (*proto)->f());
    return bound;
  }
  if (!node.hasInput(input))
    return bound;
  FailureOr<RankedTensorType> type = node.getInputType(input);
  if (failed(type))
    return failure();
  if (type->getNumElements() != 1)
    return node.emitError()
           << "the " << attr << " bound must be a scalar, not " << *type;
  if (node.getInputDataType(input) != node.getInputDataType(0))
    return node.emitError()
           << "the " << attr << " bound has another data type than the input";
  if (DenseElementsAttr value = node.getInputConstant(input)) {
    bound.constant = cast<TypedAttr>(value.getValues<Attribute>()[0]);
    return bound;
  }
  bound.input = input;
  return bound;
}

LogicalResult convertClip(NodeImporter &node) {
  if (failed(node.checkInputs(1, 3)) || failed(node.checkOutputs(1)))
    return failure();
  if (node.getOpset() < 6 && failed(node.getOptionalInts("consumed_inputs")))
    return failure();
  DataType type = node.getInputDataType(0);
  if (!isFloatDataType(type) && !isIntegerDataType(type))
    return node.emitError()
           << "the data type " << getDataTypeName(type) << " is not supported";
  FailureOr<ClipBound> lower = readClipBound(node, 1, "min");
  FailureOr<ClipBound> upper = readClipBound(node, 2, "max");
  if (failed(lower) || failed(upper))
    return failure();
  bool isUnsigned = isUnsignedDataType(type);
  SmallVector<unsigned> inputs{0};
  if (lower->input)
    inputs.push_back(*lower->input);
  if (upper->input)
    inputs.push_back(*upper->input);
  // max(x, min) then min(., max), as numpy.clip: a min above max gives max.
  return emitElementwise(
      node, inputs, type, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value y = args[0];
        unsigned next = 1;
        auto boundValue = [&](const ClipBound &bound) -> Value {
          if (bound.input)
            return args[next++];
          if (bound.constant)
            return arith::ConstantOp::create(b, loc, bound.constant);
          return nullptr;
        };
        if (Value lo = boundValue(*lower))
          y = buildMax(b, loc, y, lo, isUnsigned);
        if (Value hi = boundValue(*upper))
          y = buildMin(b, loc, y, hi, isUnsigned);
        return y;
      });
}

//===----------------------------------------------------------------------===//
// Identity-like
//===----------------------------------------------------------------------===//

/// Output 0 is input 0 (with its constant or quantized views).
LogicalResult forwardInput(NodeImporter &node) {
  FailureOr<TensorEntry *> entry = node.getInputEntry(0);
  if (failed(entry))
    return failure();
  return node.setOutputEntry(0, **entry);
}

LogicalResult convertIdentity(NodeImporter &node) {
  if (failed(node.checkInputs(1, 1)) || failed(node.checkOutputs(1)))
    return failure();
  return forwardInput(node);
}

/// Dropout is the identity at inference, and its mask is all true; training
/// mode is not supported.
LogicalResult convertDropout(NodeImporter &node) {
  if (failed(node.checkInputs(1, 3)) || failed(node.checkOutputs(2)))
    return failure();
  if (failed(node.getOptionalInt("seed")))
    return failure();
  if (node.getOpset() < 12) {
    FailureOr<float> ratio = node.getFloat("ratio", 0.5f);
    if (failed(ratio))
      return failure();
    if (node.getOpset() < 7) {
      FailureOr<int64_t> isTest = node.getInt("is_test", 0);
      if (failed(isTest) || failed(node.getOptionalInts("consumed_inputs")))
        return failure();
      if (*isTest == 0)
        return node.emitError() << "training mode (is_test = 0) is not "
                                   "supported";
    }
  }
  if (node.hasInput(2)) {
    FailureOr<DenseElementsAttr> training =
        node.getRequiredConstant(2, "training_mode");
    if (failed(training))
      return failure();
    if (training->getNumElements() != 1 ||
        !training->getValues<APInt>()[0].isZero())
      return node.emitError() << "training mode is not supported";
  }
  FailureOr<RankedTensorType> type = node.getInputType(0);
  if (failed(type))
    return failure();
  auto maskType =
      RankedTensorType::get(type->getShape(), node.getBuilder().getI1Type());
  if (failed(node.setConstantOutput(1, DenseElementsAttr::get(maskType, true),
                                    onnx::TensorProto::BOOL)))
    return failure();
  // The ratio (input 1) does not matter at inference.
  return forwardInput(node);
}

} // namespace

void mlir::compress::onnx_import::addElementwiseConverters(
    ConverterMap &converters) {
  converters["Add"] = convertArith<Arith::Add>;
  converters["Sub"] = convertArith<Arith::Sub>;
  converters["Mul"] = convertArith<Arith::Mul>;
  converters["Div"] = convertArith<Arith::Div>;
  converters["Relu"] = convertRelu;
  converters["LeakyRelu"] = convertLeakyRelu;
  converters["PRelu"] = convertPRelu;
  converters["Sigmoid"] = convertSigmoid;
  converters["HardSigmoid"] = convertHardSigmoid;
  converters["HardSwish"] = convertHardSwish;
  converters["Tanh"] = convertMath<math::TanhOp>;
  converters["Erf"] = convertMath<math::ErfOp>;
  converters["Gelu"] = convertGelu;
  converters["Exp"] = convertMath<math::ExpOp>;
  converters["Log"] = convertMath<math::LogOp>;
  converters["Sqrt"] = convertMath<math::SqrtOp>;
  converters["Abs"] = convertMath<math::AbsFOp>;
  converters["Floor"] = convertMath<math::FloorOp>;
  converters["Ceil"] = convertMath<math::CeilOp>;
  converters["Neg"] = convertNeg;
  converters["Reciprocal"] = convertReciprocal;
  converters["Elu"] = convertElu;
  converters["Softplus"] = convertSoftplus;
  converters["Pow"] = convertPow;
  converters["Max"] = convertVariadic<Variadic::Max>;
  converters["Min"] = convertVariadic<Variadic::Min>;
  converters["Sum"] = convertVariadic<Variadic::Sum>;
  converters["Mean"] = convertVariadic<Variadic::Mean>;
  converters["Clip"] = convertClip;
  converters["Identity"] = convertIdentity;
  converters["Dropout"] = convertDropout;
}
