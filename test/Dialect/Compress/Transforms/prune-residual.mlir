// RUN: compress-opt %s -split-input-file --compress-prune-neurons=ratio=0.5 2>/dev/null | FileCheck %s
// RUN: compress-opt %s -split-input-file -verify-diagnostics --compress-prune-neurons=ratio=0.5 > /dev/null

// A residual stream: A writes it, the block B1 -> ReLU -> B2 adds to it,
// and B1 and C read it. {A, B2} is one dependency group (the addition ties
// their channels), read by {B1, C}. The group's outgoing L2 scores sum over
// both readers' rows: 3.25, 0.02, 6.25, 0.02, so channels 1 and 3 go from
// A's and B2's columns, the bias, and B1's and C's rows. Then the block's
// own chain (B1 -> B2, two neurons scored by B2's rows) loses neuron 1.
// CHECK-LABEL: func.func @residual_stream
// CHECK: dense<{{\[}}[1.000000e+00, 3.000000e+00], [5.000000e+00, 7.000000e+00], [9.000000e+00, 1.100000e+01]]> : tensor<3x2xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3x2xf32>) outs(%{{.*}} : tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: dense<[1.000000e-01, 3.000000e-01]> : tensor<2xf32>
// CHECK: } -> tensor<2x2xf32>
// CHECK: dense<{{\[}}[1.000000e+00], [2.000000e+00]]> : tensor<2x1xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x2xf32>, tensor<2x1xf32>) outs(%{{.*}} : tensor<2x1xf32>) -> tensor<2x1xf32>
// CHECK: } -> tensor<2x1xf32>
// CHECK: dense<{{\[}}[1.000000e+00, 3.000000e+00]]> : tensor<1x2xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x1xf32>, tensor<1x2xf32>) outs(%{{.*}} : tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: } -> tensor<2x2xf32>
// CHECK: dense<1.000000e+00> : tensor<2x2xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x2xf32>, tensor<2x2xf32>) outs(%{{.*}} : tensor<2x2xf32>) -> tensor<2x2xf32>
#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>
func.func @residual_stream(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %wa = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]]> : tensor<3x4xf32>
  %ba = arith.constant dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
  %w1 = arith.constant dense<[[1.0, 0.5], [0.0, 0.1], [2.0, 0.5], [0.1, 0.0]]> : tensor<4x2xf32>
  %w2 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [0.1, 0.1, 0.1, 0.1]]> : tensor<2x4xf32>
  %wc = arith.constant dense<[[1.0, 1.0], [0.0, 0.1], [1.0, 1.0], [0.1, 0.0]]> : tensor<4x2xf32>
  %e4 = tensor.empty() : tensor<2x4xf32>
  %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<2x2xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  %a = linalg.matmul ins(%x, %wa : tensor<2x3xf32>, tensor<3x4xf32>) outs(%f4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %ra = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
       ins(%a, %ba : tensor<2x4xf32>, tensor<4xf32>) outs(%e4 : tensor<2x4xf32>) {
  ^bb0(%in: f32, %b: f32, %o: f32):
    %s = arith.addf %in, %b : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x4xf32>
  %h = linalg.matmul ins(%ra, %w1 : tensor<2x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  %hr = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
       ins(%h : tensor<2x2xf32>) outs(%e2 : tensor<2x2xf32>) {
  ^bb0(%in: f32, %o: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x2xf32>
  %b = linalg.matmul ins(%hr, %w2 : tensor<2x2xf32>, tensor<2x4xf32>) outs(%f4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
       ins(%b, %ra : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e4 : tensor<2x4xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  // expected-remark @+1 {{neurons not pruned: the channels are returned from the function (they are model outputs)}}
  %y = linalg.matmul ins(%sum, %wc : tensor<2x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// y = a + W a: W both reads and writes the group's channels; left alone,
// and the remark says why on both members.
// CHECK-LABEL: func.func @residual_around_one_layer
// CHECK-NOT: compress.sparsity
#id = affine_map<(i, j) -> (i, j)>
func.func @residual_around_one_layer(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %wa = arith.constant dense<1.0> : tensor<3x4xf32>
  %wb = arith.constant dense<2.0> : tensor<4x4xf32>
  %wc = arith.constant dense<3.0> : tensor<4x2xf32>
  %e4 = tensor.empty() : tensor<2x4xf32>
  %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<2x2xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-remark @+1 {{neurons not pruned: 'linalg.matmul' both reads and writes the channels (a residual connection around a single layer)}}
  %a = linalg.matmul ins(%x, %wa : tensor<2x3xf32>, tensor<3x4xf32>) outs(%f4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  // expected-remark @+1 {{neurons not pruned: 'linalg.matmul' both reads and writes the channels (a residual connection around a single layer)}}
  %b = linalg.matmul ins(%a, %wb : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
       ins(%b, %a : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e4 : tensor<2x4xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  // expected-remark @+1 {{neurons not pruned: the channels are returned from the function (they are model outputs)}}
  %y = linalg.matmul ins(%sum, %wc : tensor<2x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
