// RUN: compress-opt %s -split-input-file -verify-diagnostics --compress-prune-heads=ratio=0.5 | FileCheck %s
// RUN: not compress-opt %s --compress-prune-heads=ratio=1.0 2>&1 | FileCheck %s --check-prefix=RATIO

// RATIO: compress-prune-heads: option 'ratio' must be in [0, 1), got 1

// Self-attention over 4 tokens, hidden size 8, 2 heads of 4. The search
// starts at the V projection (the last projection first), joins Q and K at
// Q K^T, and ends at the output projection. Head scores (rows of %wo): head
// 0 has norm 4 (16 ones), head 1 norm 8 (16 twos): head 0 goes, i.e.
// columns 0-3 of every projection and rows 0-3 of %wo.
// CHECK-LABEL: func.func @attention
// CHECK-COUNT-3: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8x4xf32>) outs(%{{.*}} : tensor<4x4xf32>)
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<1x4x4xf32>, tensor<1x4x4xf32>) outs(%{{.*}} : tensor<1x4x4xf32>)
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<1x4x4xf32>, tensor<1x4x4xf32>) outs(%{{.*}} : tensor<1x4x4xf32>)
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2]] : tensor<4x1x4xf32> into tensor<4x4xf32>
// CHECK: %[[WO:.*]] = arith.constant {{.*}}dense<2.000000e+00> : tensor<4x8xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %[[WO]] : tensor<4x4xf32>, tensor<4x8xf32>)
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#scalar3 = affine_map<(d0, d1, d2) -> ()>
func.func @attention(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %wq = arith.constant dense<0.5> : tensor<8x8xf32>
  %wk = arith.constant dense<0.25> : tensor<8x8xf32>
  %wv = arith.constant dense<1.0> : tensor<8x8xf32>
  %wo = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]]> : tensor<8x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %q = linalg.matmul ins(%x, %wq : tensor<4x8xf32>, tensor<8x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  %k = linalg.matmul ins(%x, %wk : tensor<4x8xf32>, tensor<8x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  %v = linalg.matmul ins(%x, %wv : tensor<4x8xf32>, tensor<8x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  %qs = tensor.expand_shape %q [[0], [1, 2]] output_shape [4, 2, 4] : tensor<4x8xf32> into tensor<4x2x4xf32>
  %ks = tensor.expand_shape %k [[0], [1, 2]] output_shape [4, 2, 4] : tensor<4x8xf32> into tensor<4x2x4xf32>
  %vs = tensor.expand_shape %v [[0], [1, 2]] output_shape [4, 2, 4] : tensor<4x8xf32> into tensor<4x2x4xf32>
  %e3 = tensor.empty() : tensor<2x4x4xf32>
  %qh = linalg.transpose ins(%qs : tensor<4x2x4xf32>) outs(%e3 : tensor<2x4x4xf32>) permutation = [1, 0, 2]
  %kh = linalg.transpose ins(%ks : tensor<4x2x4xf32>) outs(%e3 : tensor<2x4x4xf32>) permutation = [1, 2, 0]
  %vh = linalg.transpose ins(%vs : tensor<4x2x4xf32>) outs(%e3 : tensor<2x4x4xf32>) permutation = [1, 0, 2]
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%qh, %kh : tensor<2x4x4xf32>, tensor<2x4x4xf32>) outs(%f3 : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %p = linalg.generic {indexing_maps = [#id3, #scalar3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s, %half : tensor<2x4x4xf32>, tensor<f32>) outs(%e3 : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %c = linalg.batch_matmul ins(%p, %vh : tensor<2x4x4xf32>, tensor<2x4x4xf32>) outs(%f3 : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %e4 = tensor.empty() : tensor<4x2x4xf32>
  %ct = linalg.transpose ins(%c : tensor<2x4x4xf32>) outs(%e4 : tensor<4x2x4xf32>) permutation = [1, 0, 2]
  %cm = tensor.collapse_shape %ct [[0], [1, 2]] : tensor<4x2x4xf32> into tensor<4x8xf32>
  // No head split after the output projection: not a candidate, no remark.
  %y = linalg.matmul ins(%cm, %wo : tensor<4x8xf32>, tensor<8x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// The heads' outputs escape the function before the output projection: the
// group cannot shrink, and the projection the search started from says why.
// CHECK-LABEL: func.func @escaping_heads
// CHECK: tensor<8x8xf32>
func.func @escaping_heads(%x: tensor<4x8xf32>) -> tensor<4x2x4xf32> {
  %wq = arith.constant dense<0.5> : tensor<8x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  // expected-remark @+1 {{heads not pruned: the channels are returned from the function (they are model outputs)}}
  %q = linalg.matmul ins(%x, %wq : tensor<4x8xf32>, tensor<8x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  %qs = tensor.expand_shape %q [[0], [1, 2]] output_shape [4, 2, 4] : tensor<4x8xf32> into tensor<4x2x4xf32>
  return %qs : tensor<4x2x4xf32>
}

// -----

// A feed-forward block whose rows (batch x tokens = 8) happen to have the
// hidden size's length: the expand_shape splits the rows, not the channels,
// so there are no heads here and nothing changes (no remark either).
// CHECK-LABEL: func.func @rows_split_not_heads
// CHECK: linalg.matmul {{.*}} tensor<4x8xf32>
// CHECK: linalg.matmul {{.*}} tensor<8x4xf32>
#id3r = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @rows_split_not_heads(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %w1 = arith.constant dense<1.0> : tensor<4x8xf32>
  %w2 = arith.constant dense<2.0> : tensor<8x4xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<8x8xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<8x8xf32>) -> tensor<8x8xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<8x4xf32>, tensor<4x8xf32>) outs(%f1 : tensor<8x8xf32>) -> tensor<8x8xf32>
  %hs = tensor.expand_shape %h [[0, 1], [2]] output_shape [2, 4, 8] : tensor<8x8xf32> into tensor<2x4x8xf32>
  %e3 = tensor.empty() : tensor<2x4x8xf32>
  %r = linalg.generic {indexing_maps = [#id3r, #id3r], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%hs : tensor<2x4x8xf32>) outs(%e3 : tensor<2x4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x4x8xf32>
  %rc = tensor.collapse_shape %r [[0, 1], [2]] : tensor<2x4x8xf32> into tensor<8x8xf32>
  %e2 = tensor.empty() : tensor<8x4xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<8x4xf32>) -> tensor<8x4xf32>
  %y = linalg.matmul ins(%rc, %w2 : tensor<8x8xf32>, tensor<8x4xf32>) outs(%f2 : tensor<8x4xf32>) -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}
