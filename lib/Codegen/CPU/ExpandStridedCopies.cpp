//===- ExpandStridedCopies.cpp - strided memref.copy as loops -------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "compress/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

#define DEBUG_TYPE "compress-cpu-expand-strided-copies"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSCPUEXPANDSTRIDEDCOPIES
#include "compress/Codegen/CPU/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;

namespace {

bool isContiguous(Value memref) {
  auto type = dyn_cast<MemRefType>(memref.getType());
  return type && memref::isStaticShapeAndContiguousRowMajor(type);
}

struct ExpandStridedCopiesPass
    : public compress::impl::CompressCPUExpandStridedCopiesBase<
          ExpandStridedCopiesPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      auto source = dyn_cast<MemRefType>(copy.getSource().getType());
      auto target = dyn_cast<MemRefType>(copy.getTarget().getType());
      if (source && target && source.getRank() > 0 &&
          (!isContiguous(copy.getSource()) || !isContiguous(copy.getTarget())))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    }
  }
};

} // namespace
