//===- AotCompiler.h - ahead-of-time compilation to a C ABI -----*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// What compress-compile does, as a library: a tensor-level module is lowered
// for the host CPU exactly as compress-run lowers it (the same host wrapper
// per function, the same compress-lower-to-cpu pipeline, the same LLVM
// optimization level and CPU), then emitted as an object file instead of
// being JIT-compiled. A small C file (the "shim") gives each compiled
// function the plain C ABI
//
//   int NAME(const T0 *arg0, ..., T_last *result0, ...);
//
// one contiguous row-major pointer per argument, then one caller-allocated
// pointer per result; 0 on success, non-zero on failure (a null pointer).
// The header declares these functions with their shapes.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNNER_AOTCOMPILER_H
#define COMPRESS_RUNNER_AOTCOMPILER_H

#include "compress/Runner/ModelRunner.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <string>
#include <tuple>

namespace mlir::compress {

struct AotOptions {
  /// Functions to compile; empty: every public function with a body.
  SmallVector<std::string> entries;
  /// LLVM optimization level (0-3), as compress-run's -O.
  unsigned optLevel = 2;
  /// compress-lower-to-cpu options, as compress-run's --lower-options.
  std::string lowerOptions;
};

/// The constant data the compiled code holds, by layout: the weights the
/// CPU lowering packed (fp32 panels, int8, 4-bit, 2:4, sparse) and every
/// other constant (biases, requantization parameters, filters, ...), in
/// bytes, after LLVM dropped what nothing reads.
struct AotConstantBytes {
  /// (layout, bytes, count of globals), in a fixed order.
  SmallVector<std::tuple<std::string, uint64_t, unsigned>> layouts;
  uint64_t total = 0;
};

/// One compiled function: its C name and host types.
struct AotFunction {
  std::string name;
  SmallVector<HostTensorType> inputs, outputs;
  /// Bytes of the per-thread arena blocks a call uses for intermediate
  /// buffers (compress-cpu-plan-arena): at each call depth, the largest
  /// arena of a function it reaches there, summed over the depths. Buffers
  /// left to malloc (results, dynamic shapes, allocs in loops) are not in
  /// it.
  int64_t arenaBytes = 0;
};

/// Lowers the selected functions of `module` (left unchanged) for the host
/// CPU and appends the object code to `object`. Emits diagnostics and fails
/// on bad options, names that are not C identifiers, types the ABI cannot
/// pass, dynamic shapes, or lowering errors.
FailureOr<SmallVector<AotFunction>>
compileToObject(ModuleOp module, const AotOptions &options,
                SmallVectorImpl<char> &object,
                AotConstantBytes *constants = nullptr);

/// The C source of the ABI functions, calling the object's wrappers.
std::string emitAbiSource(ArrayRef<AotFunction> functions);

/// The C header declaring the ABI functions; `guard` names its include
/// guard, `source` is recorded in a comment.
std::string emitAbiHeader(ArrayRef<AotFunction> functions, StringRef guard,
                          StringRef source);

/// The C type of the host data of `type` ("float", "int32_t", ...).
StringRef getCElementType(const HostTensorType &type);

} // namespace mlir::compress

#endif // COMPRESS_RUNNER_AOTCOMPILER_H
