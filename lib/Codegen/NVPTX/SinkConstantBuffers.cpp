//===- SinkConstantBuffers.cpp - kernels read weights from their module ---===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Kernels read weights from their own copy of the memref.global, which
// gpu-kernel-outlining adds to the GPU module when the kernel body refers to
// the global: the host's copy is not readable by the GPU.
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/NVPTX/Passes.h"

#include "GPUUtils.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::compress {
#define GEN_PASS_DEF_SINKCONSTANTBUFFERS
#include "compress/Codegen/NVPTX/Passes.h.inc"
} // namespace mlir::compress

#define DEBUG_TYPE "compress-sink-constant-buffers"

using namespace mlir;
using namespace mlir::compress;

namespace {

void sinkConstantBuffers(OpBuilder &builder, gpu::LaunchOp launch) {
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(launch.getBody(), captured);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&launch.getBody().front());
  IRMapping mapping;
  for (Value value : captured) {
    if (!isa<MemRefType>(value.getType()) || !isConstantBuffer(value))
      continue;
    Value local = cloneConstantBuffer(builder, value, mapping);
    value.replaceUsesWithIf(local, [&](OpOperand &use) {
      return launch->isProperAncestor(use.getOwner());
    });
  }
}

struct SinkConstantBuffersPass
    : public compress::impl::SinkConstantBuffersBase<SinkConstantBuffersPass> {
  void runOnOperation() final {
    OpBuilder builder(&getContext());
    getOperation().walk(
        [&](gpu::LaunchOp launch) { sinkConstantBuffers(builder, launch); });
  }
};

} // namespace
