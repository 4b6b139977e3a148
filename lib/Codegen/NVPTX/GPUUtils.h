//===- GPUUtils.h - helpers shared by the NVIDIA GPU passes -----*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_CONVERSION_LINALGTOGPU_GPUUTILS_H
#define COMPRESS_LIB_CONVERSION_LINALGTOGPU_GPUUTILS_H

#include "compress/Codegen/NVPTX/NVPTXTarget.h"
#include "mlir/Dialect/GPU/IR/CompilationInterfaces.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace mlir::compress {

inline constexpr int64_t kMaxThreadsPerBlock = 1024;

/// The compilation target that produces a `format`.
gpu::CompilationTarget getCompilationTarget(GPUBinaryFormat format);

/// Whether `value` is a constant memref.global or a view of one made from
/// constants only, i.e. something a kernel can recreate from its own copy of
/// the global.
bool isConstantBuffer(Value value);

/// Clones the ops computing the constant buffer `value` (see
/// isConstantBuffer) at the builder's insertion point.
Value cloneConstantBuffer(OpBuilder &builder, Value value, IRMapping &mapping);

} // namespace mlir::compress

#endif // COMPRESS_LIB_CONVERSION_LINALGTOGPU_GPUUTILS_H
