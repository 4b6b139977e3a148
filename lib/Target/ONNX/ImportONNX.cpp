//===- ImportONNX.cpp - ONNX models to MLIR -------------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The model-level driver: parses the protobuf, turns graph inputs into
// function arguments and initializers into constants, converts the nodes in
// order with the registered converters, and returns the graph outputs.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "compress/Dialect/Compress/IR/CompressDialect.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <climits>

using namespace mlir;
using namespace mlir::compress;
using namespace mlir::compress::onnx_import;

namespace {

/// The newest opset the converters account for: what later versions added
/// (attributes, inputs, data types) is rejected by the converters' checks,
/// but a version after this one may change semantics silently.
constexpr int64_t kMaxOpset = 21;

const ConverterMap &getConverters() {
  static const ConverterMap converters = [] {
    ConverterMap map;
    addElementwiseConverters(map);
    addShapeConverters(map);
    addLayerConverters(map);
    addReductionConverters(map);
    addQuantConverters(map);
    return map;
  }();
  return converters;
}

bool isDefaultDomain(StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

/// Imports one model's main graph into a module.
class ModelImporter {
public:
  ModelImporter(ModuleOp module, StringRef fileName,
                const ImportONNXOptions &options)
      : module(module), builder(module.getContext()),
        graph(builder, fileName, options),
        fileLoc(FileLineColRange::get(
            StringAttr::get(module.getContext(), fileName))) {}

  LogicalResult importModel(const onnx::ModelProto &model);

private:
  LogicalResult readOpsets(const onnx::ModelProto &model);
  LogicalResult importInitializers(const onnx::GraphProto &graphProto);
  FailureOr<func::FuncOp> createFunction(const onnx::GraphProto &graphProto);
  LogicalResult importNode(const onnx::NodeProto &node);
  LogicalResult importOutputs(const onnx::GraphProto &graphProto,
                              func::FuncOp func);
  void eraseDeadOps(func::FuncOp func);

  ModuleOp module;
  OpBuilder builder;
  GraphImporter graph;
  Location fileLoc;
  llvm::StringMap<int64_t> opsets;
};

LogicalResult ModelImporter::readOpsets(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import()) {
    std::string domain = isDefaultDomain(opset.domain()) ? "" : opset.domain();
    opsets[domain] = opset.version();
  }
  auto it = opsets.find("");
  if (it == opsets.end())
    return emitError(fileLoc) << "the model imports no version of the ONNX "
                                 "operator set (is the file truncated?)";
  if (it->second < 1 || it->second > kMaxOpset)
    return emitError(fileLoc) << "ONNX opset " << it->second
                              << " is not supported (1 to " << kMaxOpset << ")";
  return success();
}

LogicalResult
ModelImporter::importInitializers(const onnx::GraphProto &graphProto) {
  if (graphProto.sparse_initializer_size() > 0)
    return emitError(fileLoc) << "sparse initializers are not supported";
  for (const onnx::TensorProto &tensor : graphProto.initializer()) {
    Location loc = graph.getLoc(tensor.name());
    if (tensor.name().empty())
      return emitError(loc) << "an initializer has no name";
    FailureOr<ElementsAttr> value =
        importTensor(tensor, loc, graph.getOptions().resourceThresholdBytes,
                     graph.getOptions().externalDataDir);
    if (failed(value))
      return failure();
    TensorEntry entry;
    entry.dataType = tensor.data_type();
    entry.constant = *value;
    if (failed(graph.define(tensor.name(), entry, loc)))
      return failure();
  }
  return success();
}

FailureOr<func::FuncOp>
ModelImporter::createFunction(const onnx::GraphProto &graphProto) {
  SmallVector<Type> argTypes;
  SmallVector<Location> argLocs;
  SmallVector<const onnx::ValueInfoProto *> args;
  for (const onnx::ValueInfoProto &input : graphProto.input()) {
    // Before IR version 4 initializers were listed as inputs too; they are
    // constants here.
    if (graph.lookup(input.name()))
      continue;
    Location loc = graph.getLoc(input.name());
    FailureOr<RankedTensorType> type =
        importValueInfoType(input, loc, graph.getOptions().batchSize);
    if (failed(type))
      return failure();
    args.push_back(&input);
    argTypes.push_back(*type);
    argLocs.push_back(loc);
  }

  builder.setInsertionPointToEnd(module.getBody());
  auto func =
      func::FuncOp::create(builder, fileLoc, graph.getOptions().functionName,
                           builder.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  for (auto [arg, input, loc] :
       llvm::zip_equal(body->getArguments(), args, argLocs)) {
    arg.setLoc(loc);
    TensorEntry entry;
    entry.dataType = input->type().tensor_type().elem_type();
    entry.value = arg;
    if (failed(graph.define(input->name(), entry, loc)))
      return failure();
  }
  builder.setInsertionPointToEnd(body);
  return func;
}

LogicalResult ModelImporter::importNode(const onnx::NodeProto &node) {
  std::string domain = isDefaultDomain(node.domain()) ? "" : node.domain();
  // Only the default domain has converters, and readOpsets checked that the
  // model imports it.
  NodeImporter importer(graph, node, opsets.lookup(""));
  const ConverterMap &converters = getConverters();
  auto converter = converters.find(node.op_type());
  if (!domain.empty() || converter == converters.end()) {
    InFlightDiagnostic diag = importer.emitError()
                              << "the op '" << node.op_type() << "'";
    if (!domain.empty())
      diag << " of the domain '" << node.domain() << "'";
    return diag << " is not supported";
  }
  // Converters may then rely on every given input being defined.
  for (const std::string &input : node.input())
    if (!input.empty() && !graph.lookup(input))
      return importer.emitError() << "the input '" << input
                                  << "' is not defined before the node (the "
                                     "graph must be topologically sorted)";
  if (failed(converter->second(importer)) ||
      failed(importer.checkAttributesHandled()))
    return failure();
  // A converter that forgot an output would leave later nodes with an
  // undefined input; catch it here, at the node responsible.
  for (const std::string &output : node.output())
    if (!output.empty() && !graph.lookup(output))
      return importer.emitError()
             << "the output '" << output << "' is not supported";
  return success();
}

LogicalResult ModelImporter::importOutputs(const onnx::GraphProto &graphProto,
                                           func::FuncOp func) {
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : graphProto.output()) {
    Location loc = graph.getLoc(output.name());
    TensorEntry *entry = graph.lookup(output.name());
    if (!entry)
      return emitError(loc) << "the graph output '" << output.name()
                            << "' is not computed by any node";
    Value value = graph.materialize(*entry, loc);
    // Declared output shapes are checked where they are static: a mismatch
    // means the model contradicts itself.
    auto type = cast<RankedTensorType>(value.getType());
    const onnx::TypeProto::Tensor &declared = output.type().tensor_type();
    if (declared.has_shape()) {
      const auto &dims = declared.shape().dim();
      bool compatible = dims.size() == type.getRank();
      for (int i = 0; compatible && i < dims.size(); ++i)
        compatible = !dims[i].has_dim_value() ||
                     dims[i].dim_value() == type.getDimSize(i);
      if (!compatible)
        return emitError(loc)
               << "the graph output '" << output.name()
               << "' is declared with another shape than the computed " << type;
    }
    results.push_back(value);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setType(builder.getFunctionType(func.getArgumentTypes(),
                                       ValueRange(results).getTypes()));
  return success();
}

void ModelImporter::eraseDeadOps(func::FuncOp func) {
  // Constants materialized for folded shape computations, and nodes whose
  // results nothing reads, are dropped (in reverse order so that a dead op
  // frees its operands' producers).
  Block &body = func.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
}

LogicalResult ModelImporter::importModel(const onnx::ModelProto &model) {
  if (failed(readOpsets(model)))
    return failure();
  if (!model.has_graph())
    return emitError(fileLoc) << "the model has no graph";
  const onnx::GraphProto &graphProto = model.graph();
  if (failed(importInitializers(graphProto)))
    return failure();
  FailureOr<func::FuncOp> func = createFunction(graphProto);
  if (failed(func))
    return failure();
  for (const onnx::NodeProto &node : graphProto.node())
    if (failed(importNode(node)))
      return failure();
  if (failed(importOutputs(graphProto, *func)))
    return failure();
  eraseDeadOps(*func);
  if (failed(verify(module)))
    return emitError(fileLoc) << "internal error: the imported IR does not "
                                 "verify (please report this model)";
  return success();
}

} // namespace

void mlir::compress::registerImportONNXDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, CompressDialect, func::FuncDialect,
                  linalg::LinalgDialect, math::MathDialect, quant::QuantDialect,
                  tensor::TensorDialect>();
}

OwningOpRef<ModuleOp>
mlir::compress::importONNXModel(StringRef bytes, StringRef fileName,
                                MLIRContext *context,
                                const ImportONNXOptions &options) {
  DialectRegistry registry;
  registerImportONNXDialects(registry);
  context->appendDialectRegistry(registry);
  context->loadAllAvailableDialects();

  Location fileLoc = FileLineColRange::get(StringAttr::get(context, fileName));
  if (options.batchSize && *options.batchSize < 1) {
    emitError(fileLoc) << "the batch size must be positive, not "
                       << *options.batchSize;
    return nullptr;
  }
  onnx::ModelProto model;
  if (bytes.size() > static_cast<size_t>(INT_MAX) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    emitError(fileLoc) << "not a valid ONNX model: the protobuf cannot be "
                          "parsed (truncated or corrupted file?)";
    return nullptr;
  }
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  // External data is found next to the model file.
  ImportONNXOptions withDir = options;
  if (withDir.externalDataDir.empty() && fileName != "-" &&
      fileName != "<stdin>") {
    SmallString<256> dir(fileName);
    llvm::sys::path::remove_filename(dir);
    withDir.externalDataDir = dir.empty() ? "." : dir.str().str();
  }
  ModelImporter importer(*module, fileName, withDir);
  if (failed(importer.importModel(model)))
    return nullptr;
  return module;
}

void mlir::compress::registerImportONNXTranslation() {
  static llvm::cl::opt<int64_t> batchSize(
      "batch-size",
      llvm::cl::desc("Replace a dynamic leading (batch) dimension of the "
                     "ONNX graph inputs by this size"),
      llvm::cl::init(0));
  static llvm::cl::opt<std::string> funcName(
      "func-name",
      llvm::cl::desc("Name of the function the ONNX graph becomes"),
      llvm::cl::init(ImportONNXOptions().functionName));
  static llvm::cl::opt<int64_t> resourceThreshold(
      "resource-threshold",
      llvm::cl::desc("Float initializers of at least this many bytes become "
                     "dense_resource blobs"),
      llvm::cl::init(ImportONNXOptions().resourceThresholdBytes));

  static llvm::cl::opt<bool> emitBytecode(
      "emit-bytecode",
      llvm::cl::desc("Write MLIR bytecode instead of text: weights as raw "
                     "bytes, which tools memory-map instead of parsing hex"),
      llvm::cl::init(false));

  // The registration for MLIR-producing translations prints text only; this
  // one prints the imported module itself, as text or bytecode.
  TranslateRegistration registration(
      "import-onnx", "Import an ONNX model (a binary .onnx ModelProto)",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
         llvm::raw_ostream &output, MLIRContext *context) -> LogicalResult {
        const llvm::MemoryBuffer *buffer =
            sourceMgr->getMemoryBuffer(sourceMgr->getMainFileID());
        ImportONNXOptions options;
        options.functionName = funcName;
        options.resourceThresholdBytes = resourceThreshold;
        if (batchSize.getNumOccurrences() > 0)
          options.batchSize = batchSize;
        OwningOpRef<ModuleOp> module =
            importONNXModel(buffer->getBuffer(), buffer->getBufferIdentifier(),
                            context, options);
        if (!module)
          return failure();
        if (emitBytecode)
          return writeBytecodeToFile(*module, output);
        module->print(output);
        return success();
      });
}
