//===- Pipelines.h - compress pass pipelines --------------------*- C++ -*-===//

#ifndef COMPRESS_PIPELINES_PIPELINES_H
#define COMPRESS_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::compress {

/// Options of the `compress-lower-to-cpu` pipeline.
struct LowerToCPUOptions : public PassPipelineOptions<LowerToCPUOptions> {
  PassOptions::Option<bool> fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Fuse producer/consumer elementwise linalg ops before "
                     "bufferization"),
      llvm::cl::init(true)};
};

/// compress ops are converted to linalg first (convert-compress-to-linalg),
/// then linalg (and tensor/arith/math) on tensors, float or integer, down to
/// the LLVM dialect: elementwise fusion, one-shot bufferization with ownership
/// based deallocation, loops, and the conversions to LLVM. The result runs
/// under `mlir-runner` with the runner-utils libraries.
void buildLowerToCPUPipeline(OpPassManager &pm,
                             const LowerToCPUOptions &options);

/// Registers every compress pipeline under its command-line name.
void registerCompressPipelines();

} // namespace mlir::compress

#endif // COMPRESS_PIPELINES_PIPELINES_H
