// RUN: compress-opt %s -split-input-file -verify-diagnostics --compress-prune-neurons='skip=0' | FileCheck %s
// RUN: compress-opt %s -split-input-file --compress-prune-neurons='skip=-2' 2>/dev/null | FileCheck %s --check-prefix=MIDDLE
// RUN: compress-opt %s -split-input-file --compress-prune-neurons='skip=1' 2>/dev/null | FileCheck %s --check-prefix=MIDDLE
// RUN: not compress-opt %s -split-input-file --compress-prune-neurons='skip=,' 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not compress-opt %s -split-input-file --compress-prune-filters='skip=,' 2>&1 | FileCheck %s --check-prefix=EMPTY-FILTERS

// compress-prune-neurons skip=...: the layers it names keep their units
// (indices among the weighted layers in program order, negative from the
// end); the other chains are pruned as without it.

// Three layers (weighted layers 0, 1, 2). skip=0: the first hidden layer
// keeps its 4 neurons, the second loses half of its 6 (as without skip).
// skip=-2 (= 1): the first loses half, the second keeps its 6.
// CHECK-LABEL: func.func @three_layers
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x4xf32>, tensor<4x4xf32>) {{.*}} -> tensor<1x4xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x4xf32>, tensor<4x3xf32>) {{.*}} -> tensor<1x3xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x3xf32>, tensor<3x2xf32>) {{.*}} -> tensor<1x2xf32>
// CHECK-NOT: compress_prune_skip
// MIDDLE-LABEL: func.func @three_layers
// MIDDLE: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x4xf32>, tensor<4x2xf32>) {{.*}} -> tensor<1x2xf32>
// MIDDLE: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x2xf32>, tensor<2x6xf32>) {{.*}} -> tensor<1x6xf32>
// MIDDLE: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x6xf32>, tensor<6x2xf32>) {{.*}} -> tensor<1x2xf32>
func.func @three_layers(%x: tensor<1x4xf32>, %i1: tensor<1x4xf32>, %i2: tensor<1x6xf32>, %i3: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]> : tensor<4x4xf32>
  %w2 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [6.0, 5.0, 4.0, 3.0, 2.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0]]> : tensor<4x6xf32>
  %w3 = arith.constant dense<[[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [4.0, 4.0], [5.0, 5.0], [6.0, 6.0]]> : tensor<6x2xf32>
  %e1 = tensor.empty() : tensor<1x4xf32>
  %e2 = tensor.empty() : tensor<1x6xf32>
  %e3 = tensor.empty() : tensor<1x2xf32>
  // expected-remark @+1 {{neurons not pruned: option 'skip' names this layer}}
  %h1 = linalg.matmul ins(%x, %w1 : tensor<1x4xf32>, tensor<4x4xf32>) outs(%e1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h2 = linalg.matmul ins(%h1, %w2 : tensor<1x4xf32>, tensor<4x6xf32>) outs(%e2 : tensor<1x6xf32>) -> tensor<1x6xf32>
  %y = linalg.matmul ins(%h2, %w3 : tensor<1x6xf32>, tensor<6x2xf32>) outs(%e3 : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @-1 {{neurons not pruned: the channels are returned from the function}}
  return %y : tensor<1x2xf32>
}

// EMPTY: error: compress-prune-neurons: empty entry in option 'skip'
// EMPTY-FILTERS: error: compress-prune-filters: empty entry in option 'skip'
