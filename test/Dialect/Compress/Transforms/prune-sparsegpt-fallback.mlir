// The layers SparseGPT leaves to magnitude pruning.
//
// RUN: compress-opt %s '--compress-prune-magnitude=algorithm=sparsegpt data=%t-missing' \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=-1 2>&1 | FileCheck %s

// A layer with dynamic shapes has no fixed geometry: it is pruned by
// magnitude (half of its weights, the smallest), with a remark, and the data
// are not read.
// CHECK: remark: pruned by magnitude: SparseGPT does not support this layer: dynamic shapes
// CHECK-LABEL: func.func @dynamic
// CHECK: dense<{{\[\[}}0.000000e+00, -2.000000e+00], [0.000000e+00, 4.000000e+00], [-3.000000e+00, 0.000000e+00], [2.000000e+00, 0.000000e+00]]>
func.func @dynamic(%x: tensor<?x4xf32>, %f: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[1.0, -2.0], [0.5, 4.0], [-3.0, 0.25], [2.0, 1.0]]> : tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<?x4xf32>, tensor<4x2xf32>) outs(%f : tensor<?x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
