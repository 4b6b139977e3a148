//===- ManagedHostBuffers.cpp - host allocations in managed memory --------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Host allocations (intermediate and returned buffers, copies of constants)
// become CUDA managed memory, which kernels and host code (memref.copy,
// printing, the caller) can all access. Kernels are launched synchronously,
// so host code never touches a buffer while a kernel writes it. The runtime
// frees memory on a stream, hence the async dealloc between two waits.
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/NVPTX/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::compress {
#define GEN_PASS_DEF_MANAGEDHOSTBUFFERS
#include "compress/Codegen/NVPTX/Passes.h.inc"
} // namespace mlir::compress

#define DEBUG_TYPE "compress-managed-host-buffers"

using namespace mlir;
using namespace mlir::compress;

namespace {

struct ManagedHostBuffersPass
    : public compress::impl::ManagedHostBuffersBase<ManagedHostBuffersPass> {
  void runOnOperation() final {
    IRRewriter rewriter(&getContext());
    getOperation().walk([&](memref::AllocOp alloc) {
      if (alloc->getParentOfType<gpu::GPUModuleOp>())
        return;
      rewriter.setInsertionPoint(alloc);
      auto shared = gpu::AllocOp::create(
          rewriter, alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(),
          /*asyncDependencies=*/ValueRange(), alloc.getDynamicSizes(),
          alloc.getSymbolOperands(), /*hostShared=*/true);
      rewriter.replaceOp(alloc, shared.getMemref());
    });
    auto tokenType = gpu::AsyncTokenType::get(&getContext());
    getOperation().walk([&](memref::DeallocOp dealloc) {
      if (dealloc->getParentOfType<gpu::GPUModuleOp>())
        return;
      Location loc = dealloc.getLoc();
      rewriter.setInsertionPoint(dealloc);
      Value ready = gpu::WaitOp::create(rewriter, loc, tokenType, ValueRange())
                        .getAsyncToken();
      Value freed =
          gpu::DeallocOp::create(rewriter, loc, tokenType, ValueRange{ready},
                                 dealloc.getMemref())
              .getAsyncToken();
      gpu::WaitOp::create(rewriter, loc, Type(), ValueRange{freed});
      rewriter.eraseOp(dealloc);
    });
  }
};

} // namespace
