//===- NodeImporter.cpp - values and node access for the converters -------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

using namespace mlir;
using namespace mlir::compress;
using namespace mlir::compress::onnx_import;

using onnx::AttributeProto;

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(OpBuilder &builder, StringRef fileName,
                             const ImportONNXOptions &options)
    : builder(builder), fileName(fileName), options(options) {}

Location GraphImporter::getLoc(StringRef name) const {
  MLIRContext *context = builder.getContext();
  return NameLoc::get(
      StringAttr::get(context, name),
      FileLineColRange::get(StringAttr::get(context, fileName)));
}

TensorEntry *GraphImporter::lookup(StringRef name) {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

LogicalResult GraphImporter::define(StringRef name, TensorEntry entry,
                                    Location loc) {
  if (!values.try_emplace(name, entry).second)
    return emitError(loc) << "the value '" << name
                          << "' is defined more than once";
  return success();
}

Value GraphImporter::materialize(TensorEntry &entry, Location loc) {
  if (entry.value)
    return entry.value;
  if (entry.constant) {
    entry.value = arith::ConstantOp::create(builder, loc,
                                            cast<TypedAttr>(entry.constant));
  } else {
    auto type = cast<RankedTensorType>(entry.quantized.getType());
    entry.value = quant::StorageCastOp::create(
        builder, loc, getStorageTensorType(type), entry.quantized);
  }
  return entry.value;
}

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

namespace {

std::string getNodeName(const onnx::NodeProto &node) {
  if (!node.name().empty())
    return node.name();
  std::string name = node.op_type();
  if (node.output_size() > 0)
    name += " -> " + node.output(0);
  return name;
}

/// Whether `attr` holds a value of `type`. Old exporters leave `type` unset;
/// then the field that is set decides.
bool hasType(const AttributeProto &attr, AttributeProto::AttributeType type) {
  if (attr.type() == type)
    return true;
  if (attr.type() != AttributeProto::UNDEFINED)
    return false;
  switch (type) {
  case AttributeProto::FLOAT:
    return attr.has_f();
  case AttributeProto::INT:
    return attr.has_i();
  case AttributeProto::STRING:
    return attr.has_s();
  case AttributeProto::TENSOR:
    return attr.has_t();
  case AttributeProto::FLOATS:
    return attr.floats_size() > 0;
  case AttributeProto::INTS:
    return attr.ints_size() > 0;
  default:
    return false;
  }
}

} // namespace

NodeImporter::NodeImporter(GraphImporter &graph, const onnx::NodeProto &node,
                           int64_t opset)
    : graph(graph), node(node), opset(opset), name(getNodeName(node)),
      loc(graph.getLoc(name)) {}

InFlightDiagnostic NodeImporter::emitError() {
  return mlir::emitError(loc) << getOpType() << " node '" << getName() << "': ";
}

bool NodeImporter::hasInput(unsigned i) const {
  return static_cast<int>(i) < node.input_size() && !node.input(i).empty();
}

LogicalResult NodeImporter::checkInputs(unsigned required, unsigned allowed) {
  for (unsigned i = 0; i < required; ++i)
    if (!hasInput(i))
      return emitError() << "the required input #" << i << " is missing";
  for (unsigned i = allowed; static_cast<int>(i) < node.input_size(); ++i)
    if (hasInput(i))
      return emitError() << "input #" << i << " ('" << node.input(i)
                         << "') is not supported";
  return success();
}

LogicalResult NodeImporter::checkOutputs(unsigned allowed) {
  if (node.output_size() == 0 || node.output(0).empty())
    return emitError() << "the node has no output";
  for (unsigned i = allowed; static_cast<int>(i) < node.output_size(); ++i)
    if (!node.output(i).empty())
      return emitError() << "output #" << i << " ('" << node.output(i)
                         << "') is not supported";
  return success();
}

FailureOr<TensorEntry *> NodeImporter::getInputEntry(unsigned i) {
  if (!hasInput(i))
    return emitError() << "input #" << i << " is missing";
  TensorEntry *entry = graph.lookup(node.input(i));
  if (!entry)
    return emitError() << "input '" << node.input(i)
                       << "' is not defined before the node (the graph "
                          "must be topologically sorted)";
  return entry;
}

FailureOr<Value> NodeImporter::getInput(unsigned i) {
  FailureOr<TensorEntry *> entry = getInputEntry(i);
  if (failed(entry))
    return failure();
  return graph.materialize(**entry, loc);
}

FailureOr<RankedTensorType> NodeImporter::getInputType(unsigned i) {
  FailureOr<TensorEntry *> entry = getInputEntry(i);
  if (failed(entry))
    return failure();
  const TensorEntry &e = **entry;
  if (e.value)
    return cast<RankedTensorType>(e.value.getType());
  if (e.constant)
    return cast<RankedTensorType>(e.constant.getShapedType());
  return getStorageTensorType(cast<RankedTensorType>(e.quantized.getType()));
}

DataType NodeImporter::getInputDataType(unsigned i) {
  if (!hasInput(i))
    return 0;
  TensorEntry *entry = graph.lookup(node.input(i));
  return entry ? entry->dataType : 0;
}

DenseElementsAttr NodeImporter::getInputConstant(unsigned i) {
  if (!hasInput(i))
    return nullptr;
  TensorEntry *entry = graph.lookup(node.input(i));
  return entry ? getDenseElements(entry->constant) : nullptr;
}

FailureOr<DenseElementsAttr> NodeImporter::getRequiredConstant(unsigned i,
                                                               StringRef what) {
  if (failed(getInputEntry(i)))
    return failure();
  DenseElementsAttr constant = getInputConstant(i);
  if (!constant)
    return emitError() << what << " ('" << node.input(i)
                       << "') must be a constant (an initializer or a "
                          "Constant node)";
  // Parameters are read element by element; a (corrupted or adversarial)
  // splat of 2^40 elements must not become a loop of 2^40 iterations.
  if (constant.getNumElements() > kMaxParameterElements)
    return emitError() << what << " ('" << node.input(i) << "') has "
                       << constant.getNumElements() << " elements; at most "
                       << kMaxParameterElements << " are supported";
  return constant;
}

FailureOr<DataType>
NodeImporter::getCommonFloatType(ArrayRef<unsigned> inputs) {
  DataType common = 0;
  for (unsigned i : inputs) {
    if (!hasInput(i))
      continue;
    DataType type = getInputDataType(i);
    if (!isFloatDataType(type))
      return emitError() << "input #" << i << " has the data type "
                         << getDataTypeName(type) << "; a float is expected";
    if (common && type != common)
      return emitError() << "input #" << i << " is " << getDataTypeName(type)
                         << " but an earlier input is "
                         << getDataTypeName(common);
    common = type;
  }
  return common;
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

FailureOr<const AttributeProto *>
NodeImporter::getAttribute(StringRef attr, AttributeProto::AttributeType type) {
  handledAttributes.insert(attr);
  for (const AttributeProto &candidate : node.attribute()) {
    if (candidate.name() != attr)
      continue;
    if (!hasType(candidate, type))
      return emitError() << "attribute '" << attr << "' has the type "
                         << AttributeProto::AttributeType_Name(candidate.type())
                         << "; " << AttributeProto::AttributeType_Name(type)
                         << " is expected";
    return &candidate;
  }
  return static_cast<const AttributeProto *>(nullptr);
}

FailureOr<std::optional<int64_t>> NodeImporter::getOptionalInt(StringRef attr) {
  FailureOr<const AttributeProto *> proto =
      getAttribute(attr, AttributeProto::INT);
  if (failed(proto))
    return failure();
  if (!*proto)
    return std::optional<int64_t>();
  return std::optional<int64_t>((*proto)->i());
}

FailureOr<int64_t> NodeImporter::getInt(StringRef attr, int64_t defaultValue) {
  FailureOr<std::optional<int64_t>> value = getOptionalInt(attr);
  if (failed(value))
    return failure();
  return value->value_or(defaultValue);
}

FailureOr<float> NodeImporter::getFloat(StringRef attr, float defaultValue) {
  FailureOr<const AttributeProto *> proto =
      getAttribute(attr, AttributeProto::FLOAT);
  if (failed(proto))
    return failure();
  return *proto ? (*proto)->f() : defaultValue;
}

FailureOr<std::string> NodeImporter::getString(StringRef attr,
                                               StringRef defaultValue) {
  FailureOr<const AttributeProto *> proto =
      getAttribute(attr, AttributeProto::STRING);
  if (failed(proto))
    return failure();
  return *proto ? (*proto)->s() : defaultValue.str();
}

FailureOr<std::optional<SmallVector<int64_t>>>
NodeImporter::getOptionalInts(StringRef attr) {
  FailureOr<const AttributeProto *> proto =
      getAttribute(attr, AttributeProto::INTS);
  if (failed(proto))
    return failure();
  if (!*proto)
    return std::optional<SmallVector<int64_t>>();
  return std::optional<SmallVector<int64_t>>(
      SmallVector<int64_t>((*proto)->ints().begin(), (*proto)->ints().end()));
}

FailureOr<SmallVector<int64_t>>
NodeImporter::getInts(StringRef attr, ArrayRef<int64_t> defaultValue) {
  FailureOr<std::optional<SmallVector<int64_t>>> value = getOptionalInts(attr);
  if (failed(value))
    return failure();
  if (*value)
    return **value;
  return SmallVector<int64_t>(defaultValue);
}

LogicalResult NodeImporter::checkAttributesHandled() {
  for (const AttributeProto &attr : node.attribute())
    if (!handledAttributes.contains(attr.name()))
      return emitError() << "the attribute '" << attr.name()
                         << "' is not supported";
  return success();
}

FailureOr<int64_t> NodeImporter::normalizeAxis(int64_t axis, int64_t rank,
                                               StringRef what) {
  if (axis < -rank || axis >= rank)
    return emitError() << what << " " << axis
                       << " is out of range for a tensor of rank " << rank;
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// Outputs
//===----------------------------------------------------------------------===//

LogicalResult NodeImporter::setOutputEntry(unsigned i, TensorEntry entry) {
  if (static_cast<int>(i) >= node.output_size() || node.output(i).empty())
    return success(); // An optional output nobody reads.
  return graph.define(node.output(i), entry, loc);
}

LogicalResult NodeImporter::setOutput(unsigned i, Value value, DataType type) {
  TensorEntry entry;
  entry.dataType = type;
  entry.value = value;
  return setOutputEntry(i, entry);
}

LogicalResult NodeImporter::setConstantOutput(unsigned i, ElementsAttr value,
                                              DataType type) {
  TensorEntry entry;
  entry.dataType = type;
  entry.constant = value;
  return setOutputEntry(i, entry);
}

LogicalResult NodeImporter::setQuantizedOutput(unsigned i, Value quantized,
                                               DataType storageType) {
  TensorEntry entry;
  entry.dataType = storageType;
  entry.quantized = quantized;
  return setOutputEntry(i, entry);
}
