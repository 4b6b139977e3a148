//===- PTQ.cpp - the compress-ptq pipeline --------------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Calibration/Passes.h"
#include "compress/Conversion/Passes.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Pipelines/Pipelines.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace mlir::compress;

void mlir::compress::buildPTQPipeline(OpPassManager &pm,
                                      const PTQOptions &options) {
  pm.addPass(createCompressInsertObservers());

  CompressCalibrateOptions calibrate;
  calibrate.data = options.data;
  calibrate.method = options.method;
  calibrate.entry = options.entry;
  calibrate.stats = options.stats;
  calibrate.percentile = options.percentile;
  pm.addPass(createCompressCalibrate(calibrate));

  CompressFoldCalibrationOptions fold;
  fold.activationType = options.activationType;
  fold.symmetric = options.symmetric;
  pm.addPass(createCompressFoldCalibration(fold));

  CompressQuantizeWeightsOptions weights;
  weights.bits = options.weightBits;
  weights.granularity = options.granularity;
  weights.groupSize = options.weightGroupSize;
  weights.range = options.weightRange;
  weights.algorithm = options.weightAlgorithm;
  weights.maxError = options.weightMaxError;
  weights.size = options.weightSize;
  weights.prune = options.weightPrune;
  weights.gains = options.weightGains;
  if (options.weightAlgorithm == WeightQuantAlgorithm::GPTQ ||
      options.weightMaxError > 0.0 || options.weightSize > 0.0) {
    weights.data = options.data;
    weights.entry = options.entry;
  }
  pm.addPass(createCompressQuantizeWeights(weights));

  CompressFuseQDQOptions fuse;
  fuse.rounding = options.rounding;
  pm.addPass(createCompressFuseQDQ(fuse));

  // lower=true: compress-lower-to-cpu converts the compress ops itself,
  // after compress-cpu-fuse-requantize has made each GEMM's and
  // convolution's requantization its kernel's epilogue (converting them
  // here first would leave the requantization a separate loop).
  if (options.lower)
    buildLowerToCPUPipeline(pm, LowerToCPUOptions());
  else if (options.toLinalg)
    pm.addPass(createConvertCompressToLinalg());
}

void mlir::compress::buildAutoPipeline(OpPassManager &pm,
                                       const AutoOptions &options) {
  PTQOptions ptq;
  ptq.data = options.data;
  ptq.entry = options.entry;
  ptq.weightAlgorithm = WeightQuantAlgorithm::GPTQ;
  // An error bound, when given, replaces the size budget.
  ptq.weightMaxError = options.maxError;
  ptq.weightSize = options.maxError > 0.0 ? 0.0 : double(options.size);
  ptq.weightPrune = options.prune && ptq.weightSize > 0.0;
  ptq.weightGains = options.gains;
  ptq.lower = options.lower;
  buildPTQPipeline(pm, ptq);
}

void mlir::compress::registerPTQPipeline() {
  PassPipelineRegistration<PTQOptions>(
      "compress-ptq",
      "Post-training quantization: compress-insert-observers, "
      "compress-calibrate, compress-fold-calibration, "
      "compress-quantize-weights, compress-fuse-qdq, then "
      "compress-lower-to-cpu (lower=true, which converts the compress ops "
      "after fusing each kernel's requantization), or with lower=false "
      "convert-compress-to-linalg (to-linalg=true) or nothing "
      "(to-linalg=false: the fused compress ops stay for compress-compile).",
      buildPTQPipeline);
  PassPipelineRegistration<AutoOptions>(
      "compress-auto",
      "Post-training quantization with per-layer weight widths: "
      "compress-ptq with GPTQ weights of 2, 3, 4 or 8 bits per layer that "
      "fit the fraction `size` (0.6) of int8's bits with the least summed "
      "squared layer output error on the data (with prune=true, the "
      "default, matmul layers may instead be pruned by SparseGPT to 2:4, "
      "4:16, 2:16, 75% or 90% zeros at 8 bits), or with max-error=E each "
      "layer at the "
      "fewest bits whose output error is within E.",
      buildAutoPipeline);
}
