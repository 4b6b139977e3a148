// RUN: compress-opt %s --pass-pipeline='builtin.module(compress-prune-magnitude)' | FileCheck %s --check-prefix=LAYER
// RUN: compress-opt %s --pass-pipeline='builtin.module(compress-prune-magnitude{scope=global})' | FileCheck %s --check-prefix=GLOBAL
// RUN: compress-opt %s --pass-pipeline='builtin.module(compress-prune-magnitude{threshold=0.25})' | FileCheck %s --check-prefix=THRESH
// RUN: compress-opt %s --pass-pipeline='builtin.module(compress-prune-magnitude{skip=0,-1 sparsity=0.75})' | FileCheck %s --check-prefix=SKIP

// Expected values by hand. Layers in program order: @two_layers L1, L2, then
// @ties L3.
// layer, 0.5: L1 [0.1, 0.2, 0.9, 0.8] loses 0.1, 0.2; L2 [5, 6, 0.3, 7]
//   loses 0.3, 5; L3 all ties: the lower indices go first.
// global, 0.5 of 12 = 6: sorted 0.1 0.2 0.3 0.8 0.9 1.0(x4): L1 loses all
//   four, L2 loses 0.3, L3 loses its first 1.0 (ties: lower index first).
// threshold 0.25: |w| < 0.25 -> 0.1, 0.2.
// skip first and last, 0.75: only L2: 3 of 4 -> keeps 7.

// LAYER-LABEL: func.func @two_layers
// LAYER: arith.constant {compress.sparsity = #compress.sparsity<unstructured, fraction = 5.000000e-01>} dense<{{\[}}[0.000000e+00, 0.000000e+00, 0.899999976, 8.000000e-01]]> : tensor<1x4xf32>
// LAYER: arith.constant {compress.sparsity = #compress.sparsity<unstructured, fraction = 5.000000e-01>} dense<{{\[}}[0.000000e+00], [6.000000e+00], [0.000000e+00], [7.000000e+00]]> : tensor<4x1xf32>
// GLOBAL-LABEL: func.func @two_layers
// GLOBAL: arith.constant {compress.sparsity = #compress.sparsity<unstructured, fraction = 1.000000e+00>} dense<0.000000e+00> : tensor<1x4xf32>
// GLOBAL: arith.constant {compress.sparsity = #compress.sparsity<unstructured, fraction = 2.500000e-01>} dense<{{\[}}[5.000000e+00], [6.000000e+00], [0.000000e+00], [7.000000e+00]]> : tensor<4x1xf32>
// THRESH-LABEL: func.func @two_layers
// THRESH: dense<{{\[}}[0.000000e+00, 0.000000e+00, 0.899999976, 8.000000e-01]]> : tensor<1x4xf32>
// THRESH: {compress.sparsity = #compress.sparsity<unstructured, fraction = 0.000000e+00>} dense<{{\[}}[5.000000e+00], [6.000000e+00], [3.000000e-01], [7.000000e+00]]> : tensor<4x1xf32>
// SKIP-LABEL: func.func @two_layers
// SKIP: arith.constant dense<{{\[}}[1.000000e-01, 2.000000e-01, 0.899999976, 8.000000e-01]]> : tensor<1x4xf32>
// SKIP: fraction = 7.500000e-01>} dense<{{\[}}[0.000000e+00], [0.000000e+00], [0.000000e+00], [7.000000e+00]]> : tensor<4x1xf32>
func.func @two_layers(%x: tensor<2x1xf32>) -> tensor<2x1xf32> {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[0.1, 0.2, 0.9, 0.8]]> : tensor<1x4xf32>
  %w2 = arith.constant dense<[[5.0], [6.0], [0.3], [7.0]]> : tensor<4x1xf32>
  %e1 = tensor.empty() : tensor<2x4xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<2x1xf32>, tensor<1x4xf32>) outs(%f1 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<2x1xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x1xf32>) -> tensor<2x1xf32>
  %y = linalg.matmul ins(%h, %w2 : tensor<2x4xf32>, tensor<4x1xf32>) outs(%f2 : tensor<2x1xf32>) -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

// LAYER-LABEL: func.func @ties
// LAYER: dense<{{\[}}[0.000000e+00, 0.000000e+00], [1.000000e+00, -1.000000e+00]]> : tensor<2x2xf32>
// GLOBAL-LABEL: func.func @ties
// GLOBAL: fraction = 2.500000e-01>} dense<{{\[}}[0.000000e+00, -1.000000e+00], [1.000000e+00, -1.000000e+00]]> : tensor<2x2xf32>
// SKIP-LABEL: func.func @ties
// SKIP: arith.constant dense<{{\[}}[1.000000e+00, -1.000000e+00], [1.000000e+00, -1.000000e+00]]> : tensor<2x2xf32>
func.func @ties(%x: tensor<2x2xf32>, %init: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[1.0, -1.0], [1.0, -1.0]]> : tensor<2x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
