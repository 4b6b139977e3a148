// Option and data errors of the data-aware options: algorithm=sparsegpt,
// reconstruct=true, score=output-error and algorithm=gptq. The numbers SparseGPT computes are checked against NumPy
// in test/Integration/CPU/prune-sparsegpt.mlir.
//
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t/wrong %t/empty %t/bad
// RUN: echo '{"layers": []}' > %t/bad/index.json
// RUN: %python -c "import numpy as np; np.save('%t/wrong/x.npy', np.zeros((3, 3), np.float32))"
// RUN: not compress-opt %s --compress-prune-magnitude=algorithm=sparsegpt 2>&1 | FileCheck %s --check-prefix=NODATA
// RUN: not compress-opt %s --compress-prune-nm=algorithm=sparsegpt 2>&1 | FileCheck %s --check-prefix=NODATA-NM
// RUN: not compress-opt %s '--compress-prune-magnitude=algorithm=sparsegpt data=%t threshold=0.1' 2>&1 | FileCheck %s --check-prefix=THRESHOLD
// RUN: not compress-opt %s '--compress-prune-magnitude=algorithm=sparsegpt data=%t damp=0' 2>&1 | FileCheck %s --check-prefix=DAMP
// RUN: not compress-opt %s '--compress-prune-nm=algorithm=sparsegpt data=%t block-size=0' 2>&1 | FileCheck %s --check-prefix=BLOCK
// RUN: not compress-opt %s '--compress-prune-nm=algorithm=sparsegpt data=%t admm-budget=-1' 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not compress-opt %s --compress-prune-magnitude=algorithm=obs 2>&1 | FileCheck %s --check-prefix=ALGORITHM
// RUN: not compress-opt %s '--compress-prune-magnitude=algorithm=sparsegpt data=%t/missing' 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not compress-opt %s '--compress-prune-magnitude=algorithm=sparsegpt data=%t/empty' 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not compress-opt %s '--compress-prune-magnitude=algorithm=sparsegpt data=%t/wrong' 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not compress-opt %s --compress-prune-neurons=reconstruct=true 2>&1 | FileCheck %s --check-prefix=RECONSTRUCT
// RUN: not compress-opt %s --compress-prune-filters=score=output-error 2>&1 | FileCheck %s --check-prefix=SCORE
// RUN: not compress-opt %s '--compress-prune-neurons=reconstruct=true data=%t damp=-1' 2>&1 | FileCheck %s --check-prefix=RDAMP
// RUN: not compress-opt %s '--compress-prune-neurons=reconstruct=true data=%t/wrong' 2>&1 | FileCheck %s --check-prefix=RSHAPE
// RUN: not compress-opt %s --compress-quantize-weights=algorithm=gptq 2>&1 | FileCheck %s --check-prefix=GPTQ-NODATA
// RUN: not compress-opt %s '--pass-pipeline=builtin.module(func.func(compress-quantize-weights{algorithm=gptq data=%t}))' 2>&1 | FileCheck %s --check-prefix=GPTQ-FUNC
// RUN: not compress-opt %s '--compress-quantize-weights=algorithm=gptq data=%t/wrong' 2>&1 | FileCheck %s --check-prefix=GPTQ-SHAPE
// RUN: not compress-opt %s '--compress-prune-magnitude=algorithm=sparsegpt data=%t stats=%t' 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: not compress-opt %s '--compress-prune-nm=algorithm=sparsegpt stats=%t/missing' 2>&1 | FileCheck %s --check-prefix=NOSTATS
// RUN: not compress-opt %s '--compress-quantize-weights=algorithm=gptq stats=%t/bad' 2>&1 | FileCheck %s --check-prefix=BADSTATS
// RUN: not compress-opt %s --compress-collect-layer-stats=out=%t/out 2>&1 | FileCheck %s --check-prefix=COLLECT
// RUN: not compress-opt %s --compress-quantize-weights=bias-correction=true 2>&1 | FileCheck %s --check-prefix=BIAS
// RUN: not compress-opt %s --compress-quantize-weights=max-error=-1 2>&1 | FileCheck %s --check-prefix=MAXERR
// RUN: not compress-opt %s --compress-quantize-weights=size=1.5 2>&1 | FileCheck %s --check-prefix=SIZE
// RUN: not compress-opt %s '--compress-quantize-weights=size=0.5 max-error=0.01 data=%t' 2>&1 | FileCheck %s --check-prefix=SIZE-MAXERR
// RUN: not compress-opt %s --compress-quantize-weights=size=0.5 2>&1 | FileCheck %s --check-prefix=SIZE-DATA
// RUN: not compress-opt %s '--compress-quantize-weights=prune=true data=%t' 2>&1 | FileCheck %s --check-prefix=PRUNE-SIZE
// RUN: not compress-opt %s '--compress-quantize-weights=prune=true size=0.5 bits=4 data=%t' 2>&1 | FileCheck %s --check-prefix=PRUNE-BITS
// RUN: not compress-opt %s '--compress-sensitivity=data=%t damp=-1' 2>&1 | FileCheck %s --check-prefix=SDAMP

// NODATA: error: compress-prune-magnitude: algorithm=sparsegpt needs calibration data: give data=DIR (a directory of .npy samples)
// NODATA-NM: error: compress-prune-nm: algorithm=sparsegpt needs calibration data
// THRESHOLD: error: compress-prune-magnitude: 'threshold' prunes by magnitude alone; it does not combine with algorithm=sparsegpt
// DAMP: error: compress-prune-magnitude: option 'damp' must be positive, got 0
// BLOCK: error: compress-prune-nm: option 'block-size' must be at least 1
// BUDGET: error: compress-prune-nm: option 'admm-budget' must be a finite number of GFLOP (>= 0), got -1
// ALGORITHM: for the --algorithm option: Cannot find option named 'obs'!
// MISSING: error: compress-prune-magnitude: {{.*}}missing
// EMPTY: error: compress-prune-magnitude: {{.*}}empty
// SHAPE: error: compress-prune-magnitude: no public function takes the samples
// RECONSTRUCT: error: compress-prune-neurons: reconstruct=true needs calibration data: give data=DIR (a directory of .npy samples)
// SCORE: error: compress-prune-filters: score=output-error needs the data of reconstruct=true data=DIR
// RDAMP: error: compress-prune-neurons: option 'damp' must be positive, got -1
// RSHAPE: error: compress-prune-neurons: no public function takes the samples
// GPTQ-NODATA: error: compress-quantize-weights: algorithm=gptq needs calibration data: give data=DIR (a directory of .npy samples)
// GPTQ-FUNC: error: compress-quantize-weights: algorithm=gptq runs the whole model: run the pass on builtin.module, not on func.func
// GPTQ-SHAPE: error: compress-quantize-weights: no public function takes the samples
// BIAS: error: compress-quantize-weights: bias-correction needs calibration data
// MAXERR: error: compress-quantize-weights: option 'max-error' must be non-negative, got -1
// SIZE: error: compress-quantize-weights: option 'size' must be in [0, 1] (a fraction of the weights' bits at 'bits'), got 1.5
// SIZE-MAXERR: error: compress-quantize-weights: options 'size' and 'max-error' exclude each other
// SIZE-DATA: error: compress-quantize-weights: size needs calibration data
// PRUNE-SIZE: error: compress-quantize-weights: option 'prune' adds sparsity to the search of 'size': give 'size' too
// PRUNE-BITS: error: compress-quantize-weights: option 'prune' weighs 8-bit pruned weights: it needs 'bits' of at least 8, got 4
// SDAMP: error: compress-sensitivity: option 'damp' must be positive (or 0: each method's default), got -1
// BOTH: error: compress-prune-magnitude: give data=DIR or stats=DIR, not both
// NOSTATS: error: compress-prune-nm: cannot read '{{.*}}missing{{.*}}index.json': {{.*}} (write it with compress-collect-layer-stats)
// BADSTATS: error: compress-quantize-weights: '{{.*}}index.json' is not a compress layer statistics index
// COLLECT: error: compress-collect-layer-stats: options 'data' (a directory of .npy samples) and 'out' (the directory to write) are required
// Two layers, so that neuron pruning has a chain to measure.
func.func @dense(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[1.0, -2.0], [0.5, 4.0], [-3.0, 0.25], [2.0, 1.0]]> : tensor<4x2xf32>
  %w2 = arith.constant dense<[[1.0, -1.0], [2.0, 0.5]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %h = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  %y = linalg.matmul ins(%h, %w2 : tensor<2x2xf32>, tensor<2x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

