//===- Importer.h - state shared by the ONNX op converters ------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The importer walks the graph's nodes in order. Each node is converted by a
// function registered under its op type, which reads its inputs and
// attributes through a NodeImporter and records its outputs there. What the
// importer knows about a value (its SSA value, a compile-time constant, a
// quantized view) lives in one TensorEntry per ONNX name.
//
//===----------------------------------------------------------------------===//

#ifndef LIB_TARGET_ONNX_IMPORTER_H
#define LIB_TARGET_ONNX_IMPORTER_H

#include "Tensors.h"
#include "compress/Target/ONNX/ImportONNX.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include "onnx/onnx_pb.h"

#include <optional>
#include <string>

namespace mlir::compress::onnx_import {

/// What the importer knows about one ONNX value. At least one of `value`,
/// `constant` and `quantized` is set.
struct TensorEntry {
  DataType dataType = 0;
  /// The tensor; integers hold their signless storage type.
  Value value;
  /// Its compile-time value (initializers, Constant nodes, folded shape
  /// computations). Materialized as an arith.constant when first used as a
  /// tensor, so shape chains that fold away leave no IR behind.
  ElementsAttr constant;
  /// The same tensor as `!quant.uniform`, when a QuantizeLinear (or a
  /// QLinear op) produced it, so that a DequantizeLinear of it reads the
  /// quantized value directly instead of a storage-cast round trip.
  Value quantized;
};

/// The most elements a compile-time parameter (a shape, axes, pads, scales,
/// zero points) may have.
constexpr int64_t kMaxParameterElements = int64_t(1) << 20;

/// Converts one node; reports its own errors.
class NodeImporter;
using ConvertFn = LogicalResult (*)(NodeImporter &node);
using ConverterMap = llvm::StringMap<ConvertFn>;

void addElementwiseConverters(ConverterMap &converters);
void addShapeConverters(ConverterMap &converters);
void addLayerConverters(ConverterMap &converters);
void addPoolingConverters(ConverterMap &converters);
void addNormalizationConverters(ConverterMap &converters);
void addReductionConverters(ConverterMap &converters);
void addQuantConverters(ConverterMap &converters);

/// The graph being imported: the builder inside the function body and the
/// values defined so far.
class GraphImporter {
public:
  GraphImporter(OpBuilder &builder, llvm::StringRef fileName,
                const ImportONNXOptions &options);

  OpBuilder &getBuilder() { return builder; }
  const ImportONNXOptions &getOptions() const { return options; }
  /// A location naming `name` (a node, input or initializer) in the model.
  Location getLoc(llvm::StringRef name) const;

  TensorEntry *lookup(llvm::StringRef name);
  /// Defines `name`; redefining a name is an error reported at `loc`.
  LogicalResult define(llvm::StringRef name, TensorEntry entry, Location loc);
  /// The entry's tensor as an SSA value: materializes a constant, or a
  /// storage view of a quantized value, at the builder's insertion point.
  Value materialize(TensorEntry &entry, Location loc);

private:
  OpBuilder &builder;
  std::string fileName;
  const ImportONNXOptions &options;
  llvm::StringMap<TensorEntry> values;
};

/// One node being converted: typed access to its inputs and attributes,
/// diagnostics naming it, and the recording of its outputs. Every attribute
/// a converter reads is marked handled; importing a node that carries an
/// attribute its converter did not read is an error, so an attribute that
/// changes the semantics is never silently ignored.
class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const onnx::NodeProto &node,
               int64_t opset);

  llvm::StringRef getOpType() const { return node.op_type(); }
  /// The node's name, or "<op type> #<output>" when it has none.
  llvm::StringRef getName() const { return name; }
  /// The opset version of the node's domain the model imports.
  int64_t getOpset() const { return opset; }
  Location getLoc() const { return loc; }
  OpBuilder &getBuilder() { return graph.getBuilder(); }
  MLIRContext *getContext() { return getBuilder().getContext(); }
  GraphImporter &getGraph() { return graph; }

  /// An error at the node, starting with "<OpType> node '<name>': ".
  InFlightDiagnostic emitError();

  //===--- Inputs ---------------------------------------------------------===//

  /// Whether input `i` is given (optional inputs may be absent or empty).
  bool hasInput(unsigned i) const;
  /// Checks that inputs [0, required) are given and none beyond `allowed`.
  LogicalResult checkInputs(unsigned required, unsigned allowed);
  /// Checks that no output beyond the first `allowed` is used.
  LogicalResult checkOutputs(unsigned allowed);

  /// The entry of input `i`; an error when it is absent.
  FailureOr<TensorEntry *> getInputEntry(unsigned i);
  /// The tensor of input `i` (integers as signless storage).
  FailureOr<Value> getInput(unsigned i);
  /// The type of input `i` without materializing it.
  FailureOr<RankedTensorType> getInputType(unsigned i);
  /// The ONNX data type of input `i` (0 when absent).
  DataType getInputDataType(unsigned i);
  /// The compile-time value of input `i`, or null.
  DenseElementsAttr getInputConstant(unsigned i);
  /// The compile-time value of input `i`; an error saying that `what` must
  /// be a constant when it is not, or when it has more than
  /// kMaxParameterElements elements.
  FailureOr<DenseElementsAttr> getRequiredConstant(unsigned i,
                                                   llvm::StringRef what);

  /// Requires every float input among `inputs` to have the same float data
  /// type, returned.
  FailureOr<DataType> getCommonFloatType(llvm::ArrayRef<unsigned> inputs);

  //===--- Attributes -----------------------------------------------------===//

  FailureOr<int64_t> getInt(llvm::StringRef attr, int64_t defaultValue);
  FailureOr<std::optional<int64_t>> getOptionalInt(llvm::StringRef attr);
  FailureOr<float> getFloat(llvm::StringRef attr, float defaultValue);
  FailureOr<std::string> getString(llvm::StringRef attr,
                                   llvm::StringRef defaultValue);
  FailureOr<llvm::SmallVector<int64_t>>
  getInts(llvm::StringRef attr, llvm::ArrayRef<int64_t> defaultValue);
  FailureOr<std::optional<llvm::SmallVector<int64_t>>>
  getOptionalInts(llvm::StringRef attr);
  /// The attribute `attr` of type `type`, or null when absent; an error
  /// when present with another type.
  FailureOr<const onnx::AttributeProto *>
  getAttribute(llvm::StringRef attr, onnx::AttributeProto::AttributeType type);
  /// Fails on an attribute that no getter has read.
  LogicalResult checkAttributesHandled();

  /// `axis` in [-rank, rank) as an index in [0, rank).
  FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                   llvm::StringRef what = "axis");

  //===--- Outputs --------------------------------------------------------===//

  LogicalResult setOutput(unsigned i, Value value, DataType type);
  LogicalResult setConstantOutput(unsigned i, ElementsAttr value,
                                  DataType type);
  /// A quantized result: `quantized` has a `!quant.uniform` element type
  /// whose storage is the ONNX type `storageType`.
  LogicalResult setQuantizedOutput(unsigned i, Value quantized,
                                   DataType storageType);
  LogicalResult setOutputEntry(unsigned i, TensorEntry entry);

private:
  GraphImporter &graph;
  const onnx::NodeProto &node;
  int64_t opset;
  std::string name;
  Location loc;
  llvm::StringSet<> handledAttributes;
};

} // namespace mlir::compress::onnx_import

#endif // LIB_TARGET_ONNX_IMPORTER_H
