// RUN: compress-opt %s '--compress-prune-neurons=ratio=0.5 scope=global' | FileCheck %s --check-prefix=GLOBAL
// RUN: compress-opt %s '--compress-prune-neurons=ratio=0.5 scope=global min-keep=0.5' | FileCheck %s --check-prefix=MINKEEP
// RUN: compress-opt %s --compress-prune-neurons=ratio=0.5 | FileCheck %s --check-prefix=LAYER
// RUN: not compress-opt %s '--compress-prune-neurons=scope=global min-keep=1.5' 2>&1 | FileCheck %s --check-prefix=BAD

// Two chains of 4 neurons each. Outgoing L2 scores: hidden layer 1 (rows of
// %w2) 2, 2, 2, 20 (mean 6.5: 0.31, 0.31, 0.31, 3.08 after dividing by the
// mean), hidden layer 2 (rows of %w3) 1, 2, 3, 4 (mean 2.5: 0.4, 0.8, 1.2,
// 1.6). scope=global removes the 4 lowest of the 8: three of layer 1 and
// one of layer 2. min-keep=0.5 keeps 2 per layer: 2 and 2 go. Per layer,
// 2 and 2 go as well, but not the same ones in layer 2.
// GLOBAL: linalg.matmul {{.*}} -> tensor<1x1xf32>
// GLOBAL: linalg.matmul {{.*}} -> tensor<1x3xf32>
// GLOBAL: arith.constant {{.*}}dense<{{\[}}[2.000000e+00], [3.000000e+00], [4.000000e+00]]> : tensor<3x1xf32>
// MINKEEP: linalg.matmul {{.*}} -> tensor<1x2xf32>
// MINKEEP: linalg.matmul {{.*}} -> tensor<1x2xf32>
// MINKEEP: arith.constant {{.*}}dense<{{\[}}[3.000000e+00], [4.000000e+00]]> : tensor<2x1xf32>
// LAYER: linalg.matmul {{.*}} -> tensor<1x2xf32>
// LAYER: linalg.matmul {{.*}} -> tensor<1x2xf32>
// BAD: compress-prune-neurons: option 'min-keep' must be in [0, 1], got 1.5
func.func @mlp(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %w1 = arith.constant dense<1.0> : tensor<2x4xf32>
  %w2 = arith.constant dense<[[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [10.0, 10.0, 10.0, 10.0]]> : tensor<4x4xf32>
  %w3 = arith.constant dense<[[1.0], [2.0], [3.0], [4.0]]> : tensor<4x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h1 = linalg.matmul ins(%x, %w1 : tensor<1x2xf32>, tensor<2x4xf32>) outs(%f : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h2 = linalg.matmul ins(%h1, %w2 : tensor<1x4xf32>, tensor<4x4xf32>) outs(%f : tensor<1x4xf32>) -> tensor<1x4xf32>
  %eo = tensor.empty() : tensor<1x1xf32>
  %fo = linalg.fill ins(%zero : f32) outs(%eo : tensor<1x1xf32>) -> tensor<1x1xf32>
  %y = linalg.matmul ins(%h2, %w3 : tensor<1x4xf32>, tensor<4x1xf32>) outs(%fo : tensor<1x1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
