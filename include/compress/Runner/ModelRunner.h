//===- ModelRunner.h - JIT-compiling and running a model --------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Runs a tensor-level module (func + linalg/tensor/arith, compress ops
// included) on host data: the module is lowered with compress-lower-to-cpu,
// JIT-compiled with MLIR's ExecutionEngine, and its entry function is called
// through a generated wrapper that takes every argument and result as a
// memref of host data. Results are written straight into caller buffers, so
// running a model batch by batch over a large array copies nothing.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNNER_MODELRUNNER_H
#define COMPRESS_RUNNER_MODELRUNNER_H

#include "compress/Pipelines/Pipelines.h"
#include "compress/Utils/Npy.h"
#include "compress/Utils/Shapes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
namespace compress {

/// How the host sees one argument or result of the entry function.
struct HostTensorType {
  /// The tensor type in the module.
  RankedTensorType type;
  /// The numpy dtype of the host data: "<f4" for f16/bf16/f32 tensors (the
  /// wrapper converts), "|i1", "<i2", "<i4", "<i8" for integers, "|b1" for
  /// i1.
  std::string dtype;
  /// Bytes per element of the host data.
  unsigned elementBytes = 0;
};

/// The host view of `type` (a ranked tensor of f32, f16, bf16, i1, i8,
/// i16, i32 or i64), or nullopt when the runner cannot pass it.
std::optional<HostTensorType> getHostType(Type type);

/// The host views of `entry`'s arguments and results; an error naming `tool`
/// for a type the runner cannot pass, a dynamic result shape, or (with
/// `staticInputs`) a dynamic argument shape.
LogicalResult describeEntry(func::FuncOp entry, StringRef tool,
                            bool staticInputs,
                            SmallVectorImpl<HostTensorType> &inputs,
                            SmallVectorImpl<HostTensorType> &outputs);

/// What compress-run and compress-compile check before compiling `module`
/// for the host: a tensor-level module, an LLVM optimization level 0-3 and
/// valid compress-lower-to-cpu options, which it returns. Errors name `tool`.
FailureOr<std::unique_ptr<LowerToCPUOptions>>
checkHostCompile(ModuleOp module, StringRef tool, unsigned optLevel,
                 StringRef lowerOptions);

/// Drops what the public functions of `module` do not reach, lowers it with
/// compress-lower-to-cpu and registers the LLVM IR translations: the one
/// lowering the JIT and the ahead-of-time libraries share.
LogicalResult lowerForHost(ModuleOp module, const LowerToCPUOptions &options,
                           StringRef tool, Location loc);

/// Adds `name(memref<*xH>... inputs, memref<*xH>... outputs)` to `module`
/// (with its C interface): it converts the host inputs to `entry`'s element
/// types, calls `entry`, and writes each result, converted to the host
/// type, into its output buffer (destination-passing, no copy).
void addHostWrapper(ModuleOp module, func::FuncOp entry,
                    ArrayRef<HostTensorType> inputs,
                    ArrayRef<HostTensorType> outputs, StringRef name);

/// A C-order host array.
struct HostTensor {
  std::string dtype;
  SmallVector<int64_t> shape;
  std::vector<char> bytes;

  int64_t numElements() const;
};

struct RunnerOptions {
  /// The function to run; empty selects the module's only public function
  /// with a body.
  std::string entry;
  /// LLVM optimization level of the JIT (0-3).
  unsigned optLevel = 2;
  /// Options of the compress-lower-to-cpu pipeline the runner applies, in
  /// its textual form ("order-loops=false", say); empty for the defaults.
  std::string lowerOptions;
  /// The tool that diagnostics name ("compress-run").
  std::string tool = "compress-run";
};

/// A module compiled for this process.
class CompiledModel {
public:
  /// Lowers a clone of `module` and JIT-compiles it. Errors (no such entry,
  /// unsupported argument types, dynamic result shapes, lowering failures)
  /// are emitted as diagnostics at the module or the entry function.
  static FailureOr<std::unique_ptr<CompiledModel>>
  compile(ModuleOp module, const RunnerOptions &options);
  ~CompiledModel();

  StringRef getEntryName() const { return entryName; }
  ArrayRef<HostTensorType> getInputs() const { return inputs; }
  ArrayRef<HostTensorType> getOutputs() const { return outputs; }

  /// Calls the entry function once. `inputs[i]` points at C-order data of
  /// shape `inputShapes[i]` (which must fit argument i: the tests are the
  /// caller's, see `runBatched`); `outputs[i]` at room for result i.
  llvm::Error invoke(ArrayRef<const void *> inputData,
                     ArrayRef<ArrayRef<int64_t>> inputShapes,
                     ArrayRef<void *> outputData);

private:
  CompiledModel() = default;

  std::string entryName;
  SmallVector<HostTensorType> inputs, outputs;
  std::unique_ptr<ExecutionEngine> engine;
};

/// How a tool picks the function it runs, and how its diagnostics say so.
struct EntrySelection {
  /// Prefix of every diagnostic ("compress-run").
  llvm::StringRef tool;
  /// How the user names a function ("-e NAME").
  llvm::StringRef option;
  /// What the candidates have in common, for the diagnostic about several
  /// ("" or " that take the samples").
  llvm::StringRef takes;
  /// The diagnostic when no function qualifies.
  std::string none = "the module has no public function with a body";
  /// Whether a public function with a body qualifies (null: all do); a
  /// failure has been reported.
  std::function<FailureOr<bool>(func::FuncOp)> accepts;
};

/// The function `name` (which must have a body), or else the one public
/// function with a body that `how.accepts`; errors at `loc` otherwise.
FailureOr<func::FuncOp> selectEntry(ModuleOp module, llvm::StringRef name,
                                    const EntrySelection &how, Location loc);

/// Whether `shape` fits the tensor type `type` (dynamic dimensions fit any
/// size).
bool fitsShape(ArrayRef<int64_t> shape, RankedTensorType type);

/// k when `shape` stacks k batches of `type` along the leading dimension:
/// `type`'s static leading dimension (the batch size) divides `shape`'s
/// and the other dimensions fit. k is 0 for an empty stack; nullopt when
/// `shape` is no such stack.
std::optional<int64_t> countStackedBatches(ArrayRef<int64_t> shape,
                                           RankedTensorType type);

/// Converts a .npy array to the host data of `type`: float dtypes for float
/// tensors, integer or bool dtypes (range-checked) for integer tensors.
/// Errors name `what` (e.g. "input 0 ('x.npy')").
llvm::Expected<HostTensor>
toHostTensor(const NpyArray &array, const HostTensorType &type, StringRef what);

/// Serializes a host array as a .npy file's contents.
std::string toNpy(const HostTensor &tensor);

/// Timing of one `runBatched` call.
struct BatchTiming {
  /// The entry function's batch size (leading dimension of argument 0), or
  /// the whole input's when the arguments' leading dimension is dynamic.
  int64_t batchSize = 0;
  /// Wall-clock seconds of every call, in order.
  std::vector<double> seconds;
};

/// Runs the model over `inputs`. When every input's leading dimension is the
/// same multiple k of its argument's static leading dimension (the batch
/// size) and the other dimensions fit, the model runs k times, each on one
/// slice, and each result is the k slices' results concatenated along the
/// leading dimension; inputs that fit the arguments as they are run once.
/// `onBatch(done, total)` is called after each call. Shape or dtype
/// mismatches are errors that name the input.
llvm::Expected<SmallVector<HostTensor>>
runBatched(CompiledModel &model, ArrayRef<HostTensor> inputs,
           ArrayRef<std::string> inputNames, BatchTiming &timing,
           const std::function<void(size_t, size_t)> &onBatch = nullptr);

} // namespace compress
} // namespace mlir

#endif // COMPRESS_RUNNER_MODELRUNNER_H
