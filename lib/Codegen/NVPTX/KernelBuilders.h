//===- KernelBuilders.h - pieces shared by the kernel builders --*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// compress-linalg-to-gpu builds a kernel in one of several ways (one thread
// per output point, shared-memory tiles for matmuls); what they share is
// declared here.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_CONVERSION_LINALGTOGPU_KERNELBUILDERS_H
#define COMPRESS_LIB_CONVERSION_LINALGTOGPU_KERNELBUILDERS_H

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace mlir::compress {

/// A reduction whose body is `out + ext(lhs) * ext(rhs)` with 8-bit inputs
/// and a 32-bit accumulator: the integer matmuls and convolutions of
/// compress-fuse-qdq. dp4a computes four of its steps at once, exactly
/// (32-bit wrapping sums do not depend on the order of the additions).
struct Int8DotProduct {
  OpOperand *lhs;
  NVVM::DotAccumulateType lhsType;
  OpOperand *rhs;
  NVVM::DotAccumulateType rhsType;
};

std::optional<Int8DotProduct> matchInt8DotProduct(linalg::GenericOp op);

/// Clones the body of `op` with its block arguments replaced by `arguments`
/// (null for unused ones) and linalg.index by `ivs` (one value per loop);
/// returns what it yields.
SmallVector<Value> cloneGenericBody(OpBuilder &builder, linalg::GenericOp op,
                                    ArrayRef<Value> arguments,
                                    ArrayRef<Value> ivs);

/// The loops of a matmul-like linalg.generic: one reduction dimension `k`,
/// an `m` dimension that only `lhs` and the output use, an `n` dimension
/// that only `rhs` and the output use, and batch dimensions that all three
/// use.
struct MatmulDims {
  unsigned m, n, k;
  SmallVector<unsigned> batch;
  OpOperand *lhs;
  OpOperand *rhs;
};

/// The dimensions of `op` when it is matmul-like: two inputs and one output
/// on memrefs of integers or floats, projected-permutation indexing maps,
/// one reduction loop, two or three parallel loops as described above.
std::optional<MatmulDims> matchMatmulLike(linalg::GenericOp op);

/// Shape of a shared-memory tiled kernel: blocks of `tile` x `tile` threads,
/// each computing one output point, with `tileK` reduction steps staged in
/// shared memory at a time.
struct TileShape {
  unsigned tile;
  unsigned tileK;
};

/// Replaces `op` by a kernel with one block per `tile` x `tile` output tile
/// (and batch index) that stages `tile` x `tileK` tiles of both inputs in
/// workgroup memory. With `dot`, the reduction runs on the staged bytes with
/// dp4a.
void lowerToTiledKernel(RewriterBase &rewriter, linalg::GenericOp op,
                        const MatmulDims &dims, TileShape shape,
                        const std::optional<Int8DotProduct> &dot,
                        StringRef kernelName);

/// Replaces the i8 x i8 -> i32 matmul-like `op` by a tensor-core kernel
/// (sm_80 or later): blocks of 4 warps each compute a 32 x 32 output tile
/// from 32 x `tileK` staged input tiles (`tileK` a multiple of 32) with
/// mma.sync m16n8k32 (wrapping s32 accumulation, s8 or u8 inputs).
void lowerToMmaKernel(RewriterBase &rewriter, linalg::GenericOp op,
                      const MatmulDims &dims, unsigned tileK,
                      const Int8DotProduct &dot, StringRef kernelName);

} // namespace mlir::compress

#endif // COMPRESS_LIB_CONVERSION_LINALGTOGPU_KERNELBUILDERS_H
