//===- JitRuntime.h - symbols JIT-compiled models call ----------*- C++ -*-===//
//
// Lowered models call a few runtime functions that MLIR's own runners get
// from libmlir_c_runner_utils (memrefCopy, for copies between strided
// buffers, as bufferized tensor.pad and insert_slice produce). Every
// ExecutionEngine of compress resolves them to this process's copies.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNNER_JITRUNTIME_H
#define COMPRESS_RUNNER_JITRUNTIME_H

namespace mlir {
class ExecutionEngine;
namespace compress {

/// Makes the runtime functions a lowered model may call resolvable in
/// `engine`. Call it before the first lookup.
void registerJitRuntimeSymbols(ExecutionEngine &engine);

} // namespace compress
} // namespace mlir

#endif // COMPRESS_RUNNER_JITRUNTIME_H
