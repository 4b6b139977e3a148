//===- Instrumentation.h - JIT-running a model with recorders ---*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// What the calibration engines (observer ranges, layer statistics) share:
// an instrumented clone of the module whose probes call a recorder in this
// process, JIT-compiled, run on samples. Internal to lib/Calibration.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_CALIBRATION_INSTRUMENTATION_H
#define COMPRESS_LIB_CALIBRATION_INSTRUMENTATION_H

#include "compress/Runner/Samples.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <vector>

namespace mlir::compress {

/// Copies a strided memref into `out` (appended) in row-major order.
void gatherRowMajor(const DynamicMemRefType<float> &m, std::vector<float> &out);

/// Declares the recorder `void NAME(i64, memref<*xf32>)` in `module` (private,
/// with a C interface) and returns it.
func::FuncOp declareRecorder(ModuleOp module, StringRef name);

/// Inserts before `before` a call of `recorder` with `id` and `value` (a
/// ranked float tensor, extended to f32 if narrower).
void insertRecorderCall(OpBuilder &builder, Operation *before,
                        func::FuncOp recorder, int64_t id, Value value);

/// Clones `module`, lets `instrument` put probes into the clone, adds an
/// entry wrapper taking every argument of `entry` as memref<*xf32>, lowers
/// it to LLVM and JIT-compiles it with `recorderName`'s C interface bound to
/// `recorder`. Diagnostics start with `tool`.
FailureOr<std::unique_ptr<ExecutionEngine>>
compileInstrumented(ModuleOp module, func::FuncOp entry,
                    llvm::function_ref<void(ModuleOp)> instrument,
                    StringRef recorderName, void *recorder, StringRef tool);

/// Runs the wrapper of an engine from compileInstrumented on one sample.
llvm::Error invokeInstrumented(ExecutionEngine &engine, const Sample &sample);

} // namespace mlir::compress

#endif // COMPRESS_LIB_CALIBRATION_INSTRUMENTATION_H
