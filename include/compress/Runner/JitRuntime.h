//===- JitRuntime.h - symbols JIT-compiled models call ----------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Lowered models call a few runtime functions that MLIR's own runners get
// from libmlir_c_runner_utils (memrefCopy, for copies between strided
// buffers, as bufferized tensor.pad and insert_slice produce). Every
// ExecutionEngine of compress resolves them to this process's copies.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNNER_JITRUNTIME_H
#define COMPRESS_RUNNER_JITRUNTIME_H

#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace mlir {
class ExecutionEngine;
class Operation;
namespace compress {

/// The arguments of a packed call (ExecutionEngine::invokePacked) to a
/// `llvm.emit_c_interface` function that takes unranked memrefs: each added
/// host buffer (C order, no offset) becomes a ranked descriptor
/// {allocated, aligned, offset, sizes..., strides...} behind an unranked
/// memref {rank, descriptor}.
class PackedMemRefArguments {
public:
  void add(const void *data, ArrayRef<int64_t> shape);
  /// The pointers invokePacked takes; valid while this object lives.
  MutableArrayRef<void *> get() { return packed; }

private:
  struct Argument {
    std::vector<int64_t> descriptor;
    ::UnrankedMemRefType<char> unranked;
    ::UnrankedMemRefType<char> *pointer;
  };
  std::vector<std::unique_ptr<Argument>> arguments;
  SmallVector<void *> packed;
};

/// Makes the runtime functions a lowered model may call resolvable in
/// `engine`. Call it before the first lookup.
void registerJitRuntimeSymbols(ExecutionEngine &engine);

/// JIT-compiles `module` (LLVM dialect) for this machine's CPU: LLVM's
/// optimization pipeline at `optLevel` with the host's target information
/// (without it the loop vectorizer sees no vector registers and leaves the
/// elementwise loops scalar), the runtime symbols registered.
llvm::Expected<std::unique_ptr<ExecutionEngine>>
createHostExecutionEngine(Operation *module, unsigned optLevel);

} // namespace compress
} // namespace mlir

#endif // COMPRESS_RUNNER_JITRUNTIME_H
