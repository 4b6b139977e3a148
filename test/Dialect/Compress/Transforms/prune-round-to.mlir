// RUN: compress-opt %s --compress-prune-neurons=ratio=0.5 | FileCheck %s --check-prefix=PLAIN
// RUN: compress-opt %s '--compress-prune-neurons=ratio=0.5 round-to=4' | FileCheck %s --check-prefix=FOUR
// RUN: compress-opt %s '--compress-prune-neurons=ratio=0.5 round-to=8' | FileCheck %s --check-prefix=ALL
// RUN: not compress-opt %s --compress-prune-neurons=round-to=0 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not compress-opt %s --compress-prune-heads=round-to=-2 2>&1 | FileCheck %s --check-prefix=BADHEADS
// RUN: not compress-opt %s --compress-prune-filters=round-to=0 2>&1 | FileCheck %s --check-prefix=BADFILTERS

// round-to keeps a multiple of N neurons, rounding the kept count up: 6
// hidden neurons at ratio 0.5 keep 3; with round-to=4 they keep 4 (the
// neurons with the largest outgoing norms: rows 1, 3, 4, 5 of %w2); with
// round-to=8 all 6 stay (fewer than 8).
// PLAIN: linalg.matmul {{.*}} -> tensor<2x3xf32>
// FOUR: linalg.matmul {{.*}} -> tensor<2x4xf32>
// FOUR: arith.constant {{.*}}dense<{{\[}}[2.000000e+00], [4.000000e+00], [5.000000e+00], [6.000000e+00]]> : tensor<4x1xf32>
// ALL: linalg.matmul {{.*}} -> tensor<2x6xf32>
// BAD: compress-prune-neurons: option 'round-to' must be at least 1, got 0
// BADHEADS: compress-prune-heads: option 'round-to' must be at least 1, got -2
// BADFILTERS: compress-prune-filters: option 'round-to' must be at least 1, got 0
func.func @mlp(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %w1 = arith.constant dense<1.0> : tensor<3x6xf32>
  %w2 = arith.constant dense<[[1.0], [2.0], [0.5], [4.0], [5.0], [6.0]]> : tensor<6x1xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<2x6xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<2x6xf32>) -> tensor<2x6xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<2x3xf32>, tensor<3x6xf32>) outs(%f1 : tensor<2x6xf32>) -> tensor<2x6xf32>
  %e2 = tensor.empty() : tensor<2x1xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x1xf32>) -> tensor<2x1xf32>
  %y = linalg.matmul ins(%h, %w2 : tensor<2x6xf32>, tensor<6x1xf32>) outs(%f2 : tensor<2x1xf32>) -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}
