//===- CompressMLIRModule.cpp - the compress_mlir Python extension --------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// `compress_mlir._compress_mlir`: modules, pipelines, ONNX import, in-memory
// calibration, reports and JIT-compiled models over compress's C++ API.
// The Python package (compress_mlir/__init__.py) adds the keyword-argument
// conveniences on top.
//
// Every compiler call runs under one lock on one shared MLIRContext, with the
// GIL released; its diagnostics are collected and become a CompileError
// (errors) or Python warnings (warnings). Compiled models run without the
// lock.
//
//===----------------------------------------------------------------------===//

#include "compress/Calibration/Calibration.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Registration.h"
#include "compress/Runner/ModelRunner.h"
#include "compress/Runner/Samples.h"
#ifdef COMPRESS_ENABLE_ONNX
#include "compress/Target/ONNX/ImportONNX.h"
#endif
#include "compress/Utils/Npy.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <csignal>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace py = pybind11;
using namespace mlir;
using namespace mlir::compress;

namespace {

//===----------------------------------------------------------------------===//
// The shared context and its diagnostics
//===----------------------------------------------------------------------===//

/// (severity, location, message), as CompileError.diagnostics lists them.
using Diagnostic = std::tuple<std::string, std::string, std::string>;

/// A failed compiler call: its message and every diagnostic it produced.
struct CompressError {
  std::string message;
  std::vector<Diagnostic> diagnostics;
};

MLIRContext &getContext() {
  static MLIRContext *context = [] {
    DialectRegistry registry;
    registerAllDialects(registry);
    registerAllExtensions(registry);
    registerAllCompressDialects(registry);
    // One thread: crash recovery (see `guarded`) covers the calling thread
    // only.
    auto *ctx = new MLIRContext(registry, MLIRContext::Threading::DISABLED);
    ctx->loadAllAvailableDialects();
    return ctx;
  }();
  return *context;
}

/// Serializes the compiler calls: the context's diagnostic handler is one
/// for all threads.
std::mutex &getCompilerLock() {
  static std::mutex lock;
  return lock;
}

/// "file:line:col" of the first file location inside `loc`, else its
/// printed form.
std::string formatLocation(Location loc) {
  std::string result;
  loc->walk([&](Location inner) {
    if (auto file = dyn_cast<FileLineColLoc>(inner)) {
      result =
          (file.getFilename().getValue() + ":" + llvm::Twine(file.getLine()) +
           ":" + llvm::Twine(file.getColumn()))
              .str();
      return WalkResult::interrupt();
    }
    if (auto range = dyn_cast<FileLineColRange>(inner)) {
      result = range.getFilename().getValue().str();
      if (range.getStartLine())
        result += ":" + std::to_string(range.getStartLine()) + ":" +
                  std::to_string(range.getStartColumn());
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (auto name = dyn_cast<NameLoc>(loc))
    result = "'" + name.getName().str() + "'" +
             (result.empty() ? "" : " (" + result + ")");
  if (result.empty()) {
    llvm::raw_string_ostream os(result);
    loc.print(os);
  }
  return result;
}

/// Collects the diagnostics of one compiler call. It holds the compiler lock,
/// so it must be created with the GIL released: a thread never waits for the
/// lock while holding the GIL.
class CompilerCall {
public:
  CompilerCall()
      : guard(getCompilerLock()),
        handler(&getContext(), [this](mlir::Diagnostic &diag) {
          record(diag);
          return success();
        }) {}

  /// The error for a failed call, with `message` first.
  [[noreturn]] void fail(const std::string &message) {
    CompressError error{message, diagnostics};
    for (const Diagnostic &d : diagnostics)
      if (std::get<0>(d) == "error") {
        error.message += ": " + std::get<2>(d);
        break;
      }
    throw error;
  }

  /// The diagnostics so far, for `warn` once the call has ended.
  std::vector<Diagnostic> takeDiagnostics() { return std::move(diagnostics); }

private:
  void record(mlir::Diagnostic &diag) {
    const char *severity = "note";
    switch (diag.getSeverity()) {
    case DiagnosticSeverity::Error:
      severity = "error";
      break;
    case DiagnosticSeverity::Warning:
      severity = "warning";
      break;
    case DiagnosticSeverity::Remark:
      severity = "remark";
      break;
    case DiagnosticSeverity::Note:
      break;
    }
    diagnostics.emplace_back(severity, formatLocation(diag.getLocation()),
                             diag.str());
    for (mlir::Diagnostic &note : diag.getNotes())
      diagnostics.emplace_back("note", formatLocation(note.getLocation()),
                               note.str());
  }

  std::lock_guard<std::mutex> guard;
  ScopedDiagnosticHandler handler;
  std::vector<Diagnostic> diagnostics;
};

/// Runs `work` (which must not throw) so that a crash or an LLVM fatal error
/// inside it fails the call with a CompileError instead of ending the Python
/// process.
void guarded(CompilerCall &call, llvm::function_ref<void()> work) {
  llvm::CrashRecoveryContext recovery;
  if (!recovery.RunSafely(work))
    call.fail("internal compiler error: compress crashed or hit a fatal "
              "error, and the process recovered; its state may be "
              "inconsistent, so restart the interpreter (and please report "
              "the input)");
}

/// Issues the warnings among `diagnostics` as Python warnings (with the GIL).
void warn(const std::vector<Diagnostic> &diagnostics) {
  for (const Diagnostic &d : diagnostics)
    if (std::get<0>(d) == "warning" &&
        PyErr_WarnEx(PyExc_UserWarning,
                     (std::get<1>(d) + ": " + std::get<2>(d)).c_str(), 1))
      throw py::error_already_set();
}

//===----------------------------------------------------------------------===//
// Module
//===----------------------------------------------------------------------===//

struct PyModule {
  // OwningOpRef's accessors are not const; reading the IR is.
  mutable OwningOpRef<ModuleOp> module;
};

PyModule parseModule(const std::string &text) {
  py::gil_scoped_release release;
  CompilerCall call;
  ParserConfig config(&getContext());
  OwningOpRef<ModuleOp> module;
  guarded(call, [&] {
    module = parseSourceString<ModuleOp>(text, config, "<string>");
  });
  if (!module)
    call.fail("cannot parse the module");
  return PyModule{std::move(module)};
}

std::string printModule(const PyModule &self) {
  std::string text;
  llvm::raw_string_ostream os(text);
  py::gil_scoped_release release;
  std::lock_guard<std::mutex> guard(getCompilerLock());
  self.module->print(os);
  return text;
}

PyModule cloneModule(const PyModule &self) {
  py::gil_scoped_release release;
  std::lock_guard<std::mutex> guard(getCompilerLock());
  return PyModule{OwningOpRef<ModuleOp>(self.module->clone())};
}

/// Adds the textual pipeline `text` (a bare list of passes or
/// `builtin.module(...)`) to `pm`.
void parsePipeline(StringRef text, PassManager &pm, CompilerCall &call) {
  StringRef inner = text.trim();
  if (inner.consume_front("builtin.module")) {
    inner = inner.trim();
    if (!inner.consume_front("(") || !inner.consume_back(")"))
      call.fail("malformed pipeline '" + text.str() +
                "': expected builtin.module(PASS,...)");
  }
  std::string errors;
  llvm::raw_string_ostream os(errors);
  if (failed(parsePassPipeline(inner, pm, os)))
    call.fail("invalid pipeline '" + text.str() + "': " + errors);
}

/// Runs `pipeline` on a clone of the module and swaps the result in on
/// success, so a failure leaves the module as it was.
void runPipeline(PyModule &self, const std::string &pipeline) {
  std::vector<Diagnostic> diagnostics;
  {
    py::gil_scoped_release release;
    CompilerCall call;
    PassManager pm(&getContext());
    parsePipeline(pipeline, pm, call);
    OwningOpRef<ModuleOp> clone = self.module->clone();
    LogicalResult result = failure();
    guarded(call, [&] { result = pm.run(*clone); });
    if (failed(result))
      call.fail("pipeline '" + pipeline + "' failed");
    self.module = std::move(clone);
    diagnostics = call.takeDiagnostics();
  }
  warn(diagnostics);
}

py::object reportModule(const PyModule &self) {
  std::string json;
  {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> guard(getCompilerLock());
    llvm::raw_string_ostream os(json);
    os << buildCompressionReport(*self.module);
  }
  return py::module_::import("json").attr("loads")(json);
}

std::vector<std::string> listFunctions(const PyModule &self) {
  std::vector<std::string> names;
  for (auto function : self.module->getOps<func::FuncOp>())
    if (function.isPublic() && !function.isExternal())
      names.push_back(function.getSymName().str());
  return names;
}

/// The names of `entry`'s arguments: an argument's name location (ONNX
/// input names), else "argN".
std::vector<std::string> argumentNames(func::FuncOp entry) {
  std::vector<std::string> names;
  for (BlockArgument arg : entry.getArguments()) {
    if (auto name = dyn_cast<NameLoc>(arg.getLoc()))
      names.push_back(name.getName().str());
    else
      names.push_back("arg" + std::to_string(arg.getArgNumber()));
  }
  return names;
}

//===----------------------------------------------------------------------===//
// ONNX import
//===----------------------------------------------------------------------===//

PyModule importOnnx(const py::bytes &bytes, const std::string &fileName,
                    std::optional<int64_t> batchSize,
                    const std::string &externalDataDir) {
#ifdef COMPRESS_ENABLE_ONNX
  std::string data = bytes;
  py::gil_scoped_release release;
  CompilerCall call;
  ImportONNXOptions options;
  options.batchSize = batchSize;
  options.externalDataDir = externalDataDir;
  OwningOpRef<ModuleOp> module;
  guarded(call, [&] {
    module = importONNXModel(data, fileName, &getContext(), options);
  });
  if (!module)
    call.fail("cannot import '" + fileName + "'");
  return PyModule{std::move(module)};
#else
  throw std::runtime_error("compress_mlir was built without the ONNX "
                           "importer (libonnx-dev was missing)");
#endif
}

//===----------------------------------------------------------------------===//
// Quantization with in-memory calibration
//===----------------------------------------------------------------------===//

CalibrationMethod parseMethod(const std::string &name) {
  if (std::optional<CalibrationMethod> method = parseCalibrationMethod(name))
    return *method;
  throw py::value_error("unknown calibration method '" + name +
                        "': expected minmax, moving-average, percentile, "
                        "entropy or mse");
}

/// A float32 C-order copy of `array` as a .npy array.
NpyArray toNpyArray(const py::array &array) {
  auto floats =
      py::array_t<float, py::array::c_style | py::array::forcecast>(array);
  NpyArray result;
  result.dtype = "<f4";
  result.shape.assign(floats.shape(), floats.shape() + floats.ndim());
  result.data.assign(floats.data(), floats.data() + floats.size());
  return result;
}

/// Quantizes a clone of `self`: observers, calibration on `samples` (each a
/// list with one array per argument of the entry function), range folding,
/// weight quantization and integer kernel fusion.
PyModule quantizeModule(const PyModule &self, const py::list &samples,
                        const std::string &method, double percentile,
                        const std::string &entryName,
                        const std::string &foldPipeline,
                        const py::object &progress) {
  CalibrationConfig config;
  config.method = parseMethod(method);
  config.percentile = percentile;
  if (samples.empty())
    throw py::value_error("quantize: calibration_data holds no samples");

  std::vector<SmallVector<NpyArray>> arrays;
  for (py::handle sample : samples) {
    SmallVector<NpyArray> args;
    for (py::handle item : sample.cast<py::list>())
      args.push_back(toNpyArray(item.cast<py::array>()));
    arrays.push_back(std::move(args));
  }

  // Progress and Ctrl-C: the callback runs between samples with the GIL. A
  // Python exception (KeyboardInterrupt, or one the progress callback
  // raises) stops the calibration and is raised again once it has returned.
  std::optional<py::error_already_set> pythonError;
  config.onSample = [&](size_t done, size_t total, bool histograms) {
    py::gil_scoped_acquire acquire;
    try {
      if (PyErr_CheckSignals() != 0)
        throw py::error_already_set();
      if (!progress.is_none())
        progress(done, total, histograms ? "histograms" : "ranges");
    } catch (py::error_already_set &error) {
      pythonError.emplace(std::move(error));
      return failure();
    }
    return success();
  };

  OwningOpRef<ModuleOp> result;
  std::vector<Diagnostic> diagnostics;
  {
    py::gil_scoped_release release;
    CompilerCall call;
    result = self.module->clone();
    Location loc = result->getLoc();
    PassManager observe(&getContext());
    observe.addPass(createCompressInsertObservers());
    LogicalResult observed = failure();
    guarded(call, [&] { observed = observe.run(*result); });
    if (failed(observed))
      call.fail("quantize: inserting observers failed");

    SmallVector<SmallVector<int64_t>> firstShapes;
    for (const NpyArray &array : arrays.front())
      firstShapes.push_back(array.shape);
    FailureOr<func::FuncOp> entry = selectCalibrationEntry(
        *result, entryName, firstShapes, "calibration_data[0]", loc);
    if (failed(entry))
      call.fail("quantize: no function takes the calibration data");
    std::vector<Sample> split;
    for (auto [index, args] : llvm::enumerate(arrays)) {
      std::string name = "calibration_data[" + std::to_string(index) + "]";
      std::vector<std::string> names;
      for (size_t i = 0; i < args.size(); ++i)
        names.push_back(name + "[" + std::to_string(i) + "]");
      if (failed(
              appendSamples(args, names, *entry, name, "quantize", loc, split)))
        call.fail("quantize: the calibration data does not fit @" +
                  entry->getSymName().str());
    }
    arrays.clear();
    LogicalResult calibrated = failure();
    guarded(call, [&] {
      calibrated = calibrateObservers(*result, *entry, split, config);
    });
    if (succeeded(calibrated)) {
      PassManager fold(&getContext());
      parsePipeline(foldPipeline, fold, call);
      LogicalResult folded = failure();
      guarded(call, [&] { folded = fold.run(*result); });
      if (failed(folded))
        call.fail("quantize: quantizing the calibrated model failed");
    } else if (!pythonError) {
      call.fail("quantize: calibration failed");
    }
    diagnostics = call.takeDiagnostics();
  }
  if (pythonError)
    throw std::move(*pythonError);
  warn(diagnostics);
  return PyModule{std::move(result)};
}

std::vector<std::string> entryArgumentNames(const PyModule &self,
                                            const std::string &entryName) {
  py::gil_scoped_release release;
  CompilerCall call;
  EntrySelection how;
  how.tool = "compress_mlir";
  how.option = "entry=NAME";
  FailureOr<func::FuncOp> entry =
      selectEntry(*self.module, entryName, how, self.module->getLoc());
  if (failed(entry))
    call.fail("no entry function");
  return argumentNames(*entry);
}

//===----------------------------------------------------------------------===//
// Compiled models
//===----------------------------------------------------------------------===//

struct PyCompiledModel {
  std::unique_ptr<CompiledModel> model;
};

py::dtype toDtype(const HostTensorType &type) { return py::dtype(type.dtype); }

py::list describeTensors(ArrayRef<HostTensorType> types) {
  py::list list;
  for (const HostTensorType &type : types) {
    py::list shape;
    for (int64_t dim : type.type.getShape())
      shape.append(ShapedType::isDynamic(dim) ? py::object(py::none())
                                              : py::object(py::int_(dim)));
    list.append(py::make_tuple(py::tuple(shape), toDtype(type)));
  }
  return list;
}

PyCompiledModel compileModule(const PyModule &self, const std::string &entry,
                              unsigned optLevel,
                              const std::string &lowerOptions) {
  std::unique_ptr<CompiledModel> model;
  std::vector<Diagnostic> diagnostics;
  {
    py::gil_scoped_release release;
    CompilerCall call;
    RunnerOptions options;
    options.entry = entry;
    options.optLevel = optLevel;
    options.lowerOptions = lowerOptions;
    options.tool = "compress_mlir.compile";
    FailureOr<std::unique_ptr<CompiledModel>> compiled = failure();
    guarded(call,
            [&] { compiled = CompiledModel::compile(*self.module, options); });
    if (failed(compiled))
      call.fail("cannot compile the module");
    model = std::move(*compiled);
    diagnostics = call.takeDiagnostics();
  }
  warn(diagnostics);
  return PyCompiledModel{std::move(model)};
}

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "(";
  for (auto [i, dim] : llvm::enumerate(shape)) {
    if (i)
      text += ", ";
    text += ShapedType::isDynamic(dim) ? "?" : std::to_string(dim);
  }
  return text + (shape.size() == 1 ? ",)" : ")");
}

/// Runs the model on `arrays` (already of the right dtypes and C-contiguous,
/// see the package's CompiledModel.__call__). An input may also stack k
/// batches along its leading dimension; the model then runs k times.
py::object callModel(PyCompiledModel &self, const py::list &arrays) {
  CompiledModel &model = *self.model;
  ArrayRef<HostTensorType> inputs = model.getInputs();
  ArrayRef<HostTensorType> outputs = model.getOutputs();
  if (arrays.size() != inputs.size())
    throw py::type_error("@" + model.getEntryName().str() + " takes " +
                         std::to_string(inputs.size()) + " input(s), got " +
                         std::to_string(arrays.size()));
  std::vector<py::array> held;
  std::optional<int64_t> stacks;
  for (auto [i, type] : llvm::enumerate(inputs)) {
    auto array = arrays[i].cast<py::array>();
    std::string what = "input " + std::to_string(i);
    if (!array.dtype().attr("__eq__")(toDtype(type)).cast<bool>())
      throw py::type_error(
          what + " has dtype " + py::str(array.dtype()).cast<std::string>() +
          ", expected " + py::str(toDtype(type)).cast<std::string>());
    if (!(array.flags() & py::array::c_style))
      throw py::value_error(what + " is not C-contiguous");
    SmallVector<int64_t> shape(array.shape(), array.shape() + array.ndim());
    int64_t count = 1;
    if (!fitsShape(shape, type.type)) {
      std::optional<int64_t> k = countStackedBatches(shape, type.type);
      if (!k || *k == 0)
        throw py::value_error(
            what + " has shape " + formatShape(shape) + ", expected " +
            formatShape(type.type.getShape()) + " or a stack of such batches");
      count = *k;
    }
    if (stacks && *stacks != count)
      throw py::value_error("the inputs stack different numbers of batches");
    stacks = count;
    held.push_back(array);
  }
  int64_t count = stacks.value_or(1);

  std::vector<py::array> results;
  for (const HostTensorType &type : outputs) {
    std::vector<py::ssize_t> shape(type.type.getShape().begin(),
                                   type.type.getShape().end());
    if (!shape.empty())
      shape[0] *= count;
    else if (count != 1)
      throw py::value_error("the model has a scalar result: pass one batch");
    results.emplace_back(toDtype(type), shape);
  }

  std::vector<SmallVector<int64_t>> sliceShapes;
  for (auto [i, array] : llvm::enumerate(held)) {
    SmallVector<int64_t> shape(array.shape(), array.shape() + array.ndim());
    if (count != 1)
      shape[0] /= count;
    sliceShapes.push_back(shape);
  }
  {
    py::gil_scoped_release release;
    for (int64_t k = 0; k < count; ++k) {
      SmallVector<const void *> in;
      SmallVector<ArrayRef<int64_t>> inShapes;
      for (auto [i, array] : llvm::enumerate(held)) {
        size_t bytes = array.nbytes() / count;
        in.push_back(static_cast<const char *>(array.data()) + k * bytes);
        inShapes.push_back(sliceShapes[i]);
      }
      SmallVector<void *> out;
      for (py::array &result : results)
        out.push_back(static_cast<char *>(result.mutable_data()) +
                      k * (result.nbytes() / count));
      // A crash of the compiled code ends the call, not the process.
      std::string message;
      llvm::CrashRecoveryContext recovery;
      if (!recovery.RunSafely([&] {
            if (llvm::Error error = model.invoke(in, inShapes, out))
              message = llvm::toString(std::move(error));
          }))
        message = "the compiled code crashed (the process recovered; restart "
                  "the interpreter before relying on it)";
      if (!message.empty()) {
        py::gil_scoped_acquire acquire;
        throw std::runtime_error("running @" + model.getEntryName().str() +
                                 " failed: " + message);
      }
      // Ctrl-C stops a long run between two batches.
      if (k + 1 < count) {
        py::gil_scoped_acquire acquire;
        if (PyErr_CheckSignals() != 0)
          throw py::error_already_set();
      }
    }
  }
  if (results.size() == 1)
    return results.front();
  py::tuple tuple(results.size());
  for (auto [i, result] : llvm::enumerate(results))
    tuple[i] = result;
  return tuple;
}

} // namespace

/// For the tests of crash recovery: a fatal error or a segmentation fault
/// inside a compiler call.
void crashForTesting(const std::string &kind) {
  if (kind != "fatal" && kind != "segfault")
    throw py::value_error("kind must be 'fatal' or 'segfault'");
  py::gil_scoped_release release;
  CompilerCall call;
  guarded(call, [&] {
    if (kind == "fatal")
      llvm::report_fatal_error("compress_mlir: a fatal error for testing");
    std::raise(SIGSEGV);
  });
}

PYBIND11_MODULE(_compress_mlir, m) {
  m.doc() = "compress: an MLIR compiler that prunes and quantizes neural "
            "networks (native part of compress_mlir)";
  registerAllPasses();
  registerAllCompressPasses();
  llvm::CrashRecoveryContext::Enable();

  static py::exception<CompressError> compileError(m, "CompileError",
                                                   PyExc_RuntimeError);
  compileError.doc() =
      "A compiler call failed. `.diagnostics` lists its (severity, "
      "location, message) tuples.";
  py::register_exception_translator([](std::exception_ptr pointer) {
    try {
      if (pointer)
        std::rethrow_exception(pointer);
    } catch (const CompressError &error) {
      py::gil_scoped_acquire acquire;
      py::list diagnostics;
      for (const auto &[severity, location, message] : error.diagnostics)
        diagnostics.append(py::make_tuple(severity, location, message));
      py::object instance =
          py::reinterpret_borrow<py::object>(compileError)(error.message);
      instance.attr("diagnostics") = diagnostics;
      PyErr_SetObject(compileError.ptr(), instance.ptr());
    }
  });

  py::class_<PyModule>(m, "Module", "An MLIR module (compress's IR).")
      .def_static("parse", &parseModule, py::arg("text"),
                  "Parses MLIR text into a Module; CompileError on invalid "
                  "IR.")
      .def("__str__", &printModule, "The module as MLIR text.")
      .def("clone", &cloneModule, "A deep copy of the module.")
      .def(
          "run_pipeline",
          [](PyModule &self, const std::string &pipeline) -> PyModule & {
            runPipeline(self, pipeline);
            return self;
          },
          py::arg("pipeline"), py::return_value_policy::reference,
          "Runs a pass pipeline (a bare pass list or builtin.module(...)) "
          "in place and returns self. On failure the module is unchanged "
          "and CompileError is raised.")
      .def("report", &reportModule,
           "The compression report: a dict with a 'layers' list, the fields "
           "of --compress-report's JSON.")
      .def_property_readonly("functions", &listFunctions,
                             "Names of the public functions with a body.")
      .def("_argument_names", &entryArgumentNames, py::arg("entry") = "");

  py::class_<PyCompiledModel>(m, "_CompiledModel")
      .def_property_readonly("entry",
                             [](const PyCompiledModel &self) {
                               return self.model->getEntryName().str();
                             })
      .def_property_readonly("inputs",
                             [](const PyCompiledModel &self) {
                               return describeTensors(self.model->getInputs());
                             })
      .def_property_readonly("outputs",
                             [](const PyCompiledModel &self) {
                               return describeTensors(self.model->getOutputs());
                             })
      .def("_call", &callModel, py::arg("arrays"));

  m.def("_import_onnx", &importOnnx, py::arg("data"), py::arg("file_name"),
        py::arg("batch_size"), py::arg("external_data_dir"));
  m.def("_quantize", &quantizeModule, py::arg("module"), py::arg("samples"),
        py::arg("method"), py::arg("percentile"), py::arg("entry"),
        py::arg("fold_pipeline"), py::arg("progress"));
  m.def("_crash_for_testing", &crashForTesting, py::arg("kind"));
  m.def("_compile", &compileModule, py::arg("module"), py::arg("entry"),
        py::arg("opt_level"), py::arg("lower_options"));
}
