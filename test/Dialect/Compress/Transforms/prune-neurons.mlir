// RUN: compress-opt %s -split-input-file -verify-diagnostics --compress-prune-neurons | FileCheck %s
// RUN: compress-opt %s -split-input-file --compress-prune-neurons='score=incoming norm=l1' 2>/dev/null | FileCheck %s --check-prefix=IN-L1
// RUN: compress-opt %s -split-input-file --compress-prune-neurons='score=incoming norm=l2' 2>/dev/null | FileCheck %s --check-prefix=IN-L2

// x(2) -> W1 (2x4) -> +b1 -> ReLU -> W2 (4x1). By hand:
//   outgoing (rows of W2): |0.5| 3 0.1 2 -> remove neurons 2 and 0, keep 1, 3.
//   incoming L1 (columns of W1): 3 4 10 2 -> remove 3 and 0, keep 1, 2.
//   incoming L2: 3 2.83 7.07 1.41 -> remove 3 and 1, keep 0, 2.
!x = tensor<?x2xf32>
// CHECK-LABEL: func.func @mlp(
// CHECK-SAME: %[[X:.*]]: tensor<?x2xf32>) -> tensor<?x1xf32>
// CHECK: %[[W1:.*]] = arith.constant {compress.sparsity = #compress.sparsity<channel, axis = 1, fraction = 5.000000e-01>} dense<{{\[}}[2.000000e+00, 1.000000e+00], [2.000000e+00, 1.000000e+00]]> : tensor<2x2xf32>
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x2xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<?x2xf32>)
// CHECK: %[[H:.*]] = linalg.matmul ins(%[[X]], %[[W1]] : tensor<?x2xf32>, tensor<2x2xf32>) outs(%[[F]] : tensor<?x2xf32>) -> tensor<?x2xf32>
// CHECK: %[[B1:.*]] = arith.constant dense<[2.000000e-01, 4.000000e-01]> : tensor<2xf32>
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%[[H]], %[[B1]] : tensor<?x2xf32>, tensor<2xf32>) outs(%{{.*}} : tensor<?x2xf32>)
// CHECK: arith.maximumf
// CHECK: %[[W2:.*]] = arith.constant {compress.sparsity = #compress.sparsity<channel, axis = 0, fraction = 5.000000e-01>} dense<{{\[}}[-3.000000e+00], [2.000000e+00]]> : tensor<2x1xf32>
// CHECK: linalg.matmul ins(%[[A]], %[[W2]] : tensor<?x2xf32>, tensor<2x1xf32>) outs(%{{.*}} : tensor<?x1xf32>) -> tensor<?x1xf32>
// CHECK-NOT: tensor<?x4xf32>
// IN-L1-LABEL: func.func @mlp(
// IN-L1-DAG: dense<{{\[}}[2.000000e+00, 5.000000e+00], [2.000000e+00, 5.000000e+00]]> : tensor<2x2xf32>
// IN-L1-DAG: dense<[2.000000e-01, 3.000000e-01]> : tensor<2xf32>
// IN-L1-DAG: dense<{{\[}}[-3.000000e+00], [1.000000e-01]]> : tensor<2x1xf32>
// IN-L2-LABEL: func.func @mlp(
// IN-L2-DAG: dense<{{\[}}[3.000000e+00, 5.000000e+00], [0.000000e+00, 5.000000e+00]]> : tensor<2x2xf32>
// IN-L2-DAG: dense<[1.000000e-01, 3.000000e-01]> : tensor<2xf32>
// IN-L2-DAG: dense<{{\[}}[5.000000e-01], [1.000000e-01]]> : tensor<2x1xf32>
func.func @mlp(%x: !x) -> tensor<?x1xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : !x
  %w1 = arith.constant dense<[[3.0, 2.0, 5.0, 1.0], [0.0, 2.0, 5.0, 1.0]]> : tensor<2x4xf32>
  %b1 = arith.constant dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
  %w2 = arith.constant dense<[[0.5], [-3.0], [0.1], [2.0]]> : tensor<4x1xf32>
  %e1 = tensor.empty(%n) : tensor<?x4xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x4xf32>) -> tensor<?x4xf32>
  %h = linalg.matmul ins(%x, %w1 : !x, tensor<2x4xf32>) outs(%f1 : tensor<?x4xf32>) -> tensor<?x4xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
       ins(%h, %b1 : tensor<?x4xf32>, tensor<4xf32>) outs(%e1 : tensor<?x4xf32>) {
  ^bb0(%in: f32, %b: f32, %o: f32):
    %s = arith.addf %in, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<?x4xf32>
  %e2 = tensor.empty(%n) : tensor<?x1xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x1xf32>) -> tensor<?x1xf32>
  // expected-remark @+1 {{neurons not pruned: the channels are returned from the function (they are model outputs)}}
  %y = linalg.matmul ins(%a, %w2 : tensor<?x4xf32>, tensor<4x1xf32>) outs(%f2 : tensor<?x1xf32>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}

// -----

// Three layers: both hidden layers shrink (the middle layer is consumer of
// the first chain and producer of the second).
// CHECK-LABEL: func.func @three_layers
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x4xf32>, tensor<4x2xf32>) {{.*}} -> tensor<1x2xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x2xf32>, tensor<2x3xf32>) {{.*}} -> tensor<1x3xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x3xf32>, tensor<3x2xf32>) {{.*}} -> tensor<1x2xf32>
func.func @three_layers(%x: tensor<1x4xf32>, %i1: tensor<1x4xf32>, %i2: tensor<1x6xf32>, %i3: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]> : tensor<4x4xf32>
  %w2 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [6.0, 5.0, 4.0, 3.0, 2.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0]]> : tensor<4x6xf32>
  %w3 = arith.constant dense<[[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [4.0, 4.0], [5.0, 5.0], [6.0, 6.0]]> : tensor<6x2xf32>
  %e1 = tensor.empty() : tensor<1x4xf32>
  %e2 = tensor.empty() : tensor<1x6xf32>
  %e3 = tensor.empty() : tensor<1x2xf32>
  %h1 = linalg.matmul ins(%x, %w1 : tensor<1x4xf32>, tensor<4x4xf32>) outs(%e1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h2 = linalg.matmul ins(%h1, %w2 : tensor<1x4xf32>, tensor<4x6xf32>) outs(%e2 : tensor<1x6xf32>) -> tensor<1x6xf32>
  %y = linalg.matmul ins(%h2, %w3 : tensor<1x6xf32>, tensor<6x2xf32>) outs(%e3 : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @-1 {{neurons not pruned}}
  return %y : tensor<1x2xf32>
}

// -----

// A residual connection (the hidden value feeds two ops) is left alone.
// CHECK-LABEL: func.func @residual
// CHECK: tensor<2x4xf32>
func.func @residual(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %init = tensor.empty() : tensor<2x4xf32>
  %w1 = arith.constant dense<1.0> : tensor<4x4xf32>
  %w2 = arith.constant dense<2.0> : tensor<4x4xf32>
  // expected-remark @+1 {{neurons not pruned: the channels reach 'arith.addf', which is not elementwise along them nor a layer}}
  %h = linalg.matmul ins(%x, %w1 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%init : tensor<2x4xf32>) -> tensor<2x4xf32>
  // expected-remark @+1 {{neurons not pruned}}
  %y = linalg.matmul ins(%h, %w2 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%init : tensor<2x4xf32>) -> tensor<2x4xf32>
  %r = arith.addf %y, %h : tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// A non-constant tensor joining the hidden value is left alone.
// CHECK-LABEL: func.func @joins_argument
// CHECK-NOT: compress.sparsity
func.func @joins_argument(%x: tensor<2x4xf32>, %other: tensor<2x4xf32>, %init: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w1 = arith.constant dense<1.0> : tensor<4x4xf32>
  %w2 = arith.constant dense<2.0> : tensor<4x4xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  // expected-remark @+1 {{neurons not pruned: 'linalg.generic' combines the channels with a tensor that is not a constant (e.g. a residual connection)}}
  %h = linalg.matmul ins(%x, %w1 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
       ins(%h, %other : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %t = arith.addf %a, %b : f32
    linalg.yield %t : f32
  } -> tensor<2x4xf32>
  // expected-remark @+1 {{neurons not pruned}}
  %y = linalg.matmul ins(%s, %w2 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%init : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// A softmax-like reduction over the neurons mixes them: left alone.
// CHECK-LABEL: func.func @reduces_over_neurons
// CHECK-NOT: compress.sparsity
func.func @reduces_over_neurons(%x: tensor<2x4xf32>, %acc: tensor<2xf32>) -> tensor<2xf32> {
  %init = tensor.empty() : tensor<2x4xf32>
  %w1 = arith.constant dense<1.0> : tensor<4x4xf32>
  // expected-remark @+1 {{neurons not pruned: 'linalg.generic' reduces over the channels but is not a layer with a constant weight}}
  %h = linalg.matmul ins(%x, %w1 : tensor<2x4xf32>, tensor<4x4xf32>) outs(%init : tensor<2x4xf32>) -> tensor<2x4xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
       ins(%h : tensor<2x4xf32>) outs(%acc : tensor<2xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.addf %a, %o : f32
    linalg.yield %t : f32
  } -> tensor<2xf32>
  return %s : tensor<2xf32>
}

// -----

// A 3-D MatMul (collapse -> matmul -> expand) and a GELU-like branch that
// uses the hidden value twice and joins again (h * f(h)): every value of the
// chain shrinks. Outgoing L2 scores of the 4 neurons: rows of %w2, 1, 0, 3,
// 0.5: neurons 1 and 3 go.
// CHECK-LABEL: func.func @branch_and_join
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<6x3xf32>, tensor<3x2xf32>) outs(%{{.*}} : tensor<6x2xf32>)
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [2, 3, 2] : tensor<6x2xf32> into tensor<2x3x2xf32>
// CHECK: math.erf
// CHECK: arith.mulf
// CHECK: } -> tensor<2x3x2xf32>
// CHECK: tensor.collapse_shape %{{.*}} : tensor<2x3x2xf32> into tensor<6x2xf32>
// CHECK: arith.constant {{.*}}dense<{{\[}}[1.000000e+00, 1.000000e+00], [3.000000e+00, 3.000000e+00]]> : tensor<2x2xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<6x2xf32>, tensor<2x2xf32>)
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @branch_and_join(%x: tensor<2x3x3xf32>) -> tensor<6x2xf32> {
  %w1 = arith.constant dense<1.0> : tensor<3x4xf32>
  %w2 = arith.constant dense<[[1.0, 1.0], [0.0, 0.0], [3.0, 3.0], [0.5, 0.5]]> : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %xf = tensor.collapse_shape %x [[0, 1], [2]] : tensor<2x3x3xf32> into tensor<6x3xf32>
  %e1 = tensor.empty() : tensor<6x4xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<6x4xf32>) -> tensor<6x4xf32>
  %h2 = linalg.matmul ins(%xf, %w1 : tensor<6x3xf32>, tensor<3x4xf32>) outs(%f1 : tensor<6x4xf32>) -> tensor<6x4xf32>
  %h = tensor.expand_shape %h2 [[0, 1], [2]] output_shape [2, 3, 4] : tensor<6x4xf32> into tensor<2x3x4xf32>
  %e = tensor.empty() : tensor<2x3x4xf32>
  %g = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%h : tensor<2x3x4xf32>) outs(%e : tensor<2x3x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.erf %a : f32
    linalg.yield %r : f32
  } -> tensor<2x3x4xf32>
  %m = linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%h, %g : tensor<2x3x4xf32>, tensor<2x3x4xf32>) outs(%e : tensor<2x3x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x3x4xf32>
  %mf = tensor.collapse_shape %m [[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
  %e2 = tensor.empty() : tensor<6x2xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<6x2xf32>) -> tensor<6x2xf32>
  // expected-remark @+1 {{neurons not pruned: the channels are returned from the function (they are model outputs)}}
  %y = linalg.matmul ins(%mf, %w2 : tensor<6x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<6x2xf32>) -> tensor<6x2xf32>
  return %y : tensor<6x2xf32>
}

// -----

// Splitting the channels (attention heads: 4 -> 2 x 2) is not a
// per-channel reshape.
// CHECK-LABEL: func.func @split_into_heads
// CHECK: tensor<3x4xf32>
func.func @split_into_heads(%x: tensor<2x3xf32>) -> tensor<2x2x2xf32> {
  %w1 = arith.constant dense<1.0> : tensor<3x4xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<2x4xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<2x4xf32>) -> tensor<2x4xf32>
  // expected-remark @+1 {{neurons not pruned: 'tensor.expand_shape' splits the channel dimension}}
  %h = linalg.matmul ins(%x, %w1 : tensor<2x3xf32>, tensor<3x4xf32>) outs(%f1 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %s = tensor.expand_shape %h [[0], [1, 2]] output_shape [2, 2, 2] : tensor<2x4xf32> into tensor<2x2x2xf32>
  return %s : tensor<2x2x2xf32>
}
