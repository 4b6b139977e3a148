//===- Passes.h - compress transformation passes ----------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PASSES_H
#define COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PASSES_H

#include "compress/Dialect/Compress/IR/CompressDialect.h"
#include "compress/Dialect/Compress/Transforms/PassOptions.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "llvm/Support/JSON.h"

namespace mlir::compress {

#define GEN_PASS_DECL
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"

/// compress-fuse-qdq's first step, for other compilers: a
/// `tensor.collapse_shape`, `tensor.expand_shape` or `linalg.transpose` of a
/// `compress.dequantize` becomes the dequantize of the reshaped (transposed)
/// storage integers (per-tensor, or per-axis when the axis is reshaped only
/// with unit dimensions; constants stay constants, an 8-bit transposed one
/// is folded), and a per-tensor `compress.quantize` of a single-use reshape
/// becomes the reshape of the quantized source.
void populateSinkDequantizeThroughReshapePatterns(RewritePatternSet &patterns);

/// compress-report's JSON, as a value: `{"layers": [...]}` with one object
/// per weighted layer of `module` (name, op, shape, dtype, params, zeros,
/// sparsity, fp32_bytes, dense_bytes, sparse_bytes, annotation).
llvm::json::Value buildCompressionReport(ModuleOp module);

} // namespace mlir::compress

#endif // COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PASSES_H
