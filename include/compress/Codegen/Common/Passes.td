//===- Passes.td - code generation passes of every target --*- tablegen -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CODEGEN_COMMON_PASSES_TD
#define COMPRESS_CODEGEN_COMMON_PASSES_TD

include "mlir/Pass/PassBase.td"

def FuseElementwiseIntoParallelOps
    : Pass<"compress-fuse-elementwise-into-parallel-ops", "ModuleOp"> {
  let summary = "Elementwise linalg fusion, except into reductions.";
  let description = [{
    `linalg-fuse-elementwise-ops` (with constant folding of linalg ops and
    linalg.generic canonicalization) restricted to producers with one use and
    consumers without reduction loops. Fused into a reduction, a producer
    (the quantization of a matmul's input, say) would be recomputed at every
    reduction step, K times per output, and the consumer's body would no
    longer be the plain i8 x i8 product that dp4a, tensor cores and the CPU kernels compute.
    Both `compress-lower-to-cpu` and `compress-lower-to-nvptx` run it
    (`fuse-elementwise=true`).
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::linalg::LinalgDialect",
  ];
}

#endif // COMPRESS_CODEGEN_COMMON_PASSES_TD
