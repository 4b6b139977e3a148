// RUN: compress-opt %s -split-input-file --compress-fuse-elementwise-into-parallel-ops | FileCheck %s

// An elementwise producer with one use is fused into an elementwise consumer:
// one linalg.generic computes both bodies.
// CHECK-LABEL: func.func @elementwise_chain
// CHECK-SAME: (%[[A:.*]]: tensor<4x8xf32>, %[[B:.*]]: tensor<4x8xf32>)
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[S:.*]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT:   %[[M:.*]] = arith.mulf %[[S]], %[[S]] : f32
// CHECK-NEXT:   linalg.yield %[[M]] : f32
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @elementwise_chain(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.addf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.mulf %x, %x : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %m : tensor<4x8xf32>
}

// -----

// The quantization of a matmul's input stays its own op: fused into the
// reduction it would run K times per output, and the matmul's body would no
// longer be the i8 x i8 product that dp4a computes.
// CHECK-LABEL: func.func @not_into_reduction
// CHECK-SAME: (%[[A:.*]]: tensor<4x16xf32>, %[[W:.*]]: tensor<16x8xi8>)
// CHECK: %[[Q:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%[[A]] : tensor<4x16xf32>)
// CHECK: arith.fptosi
// CHECK: %[[FILL:.*]] = linalg.fill
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[Q]], %[[W]] : tensor<4x16xi8>, tensor<16x8xi8>) outs(%[[FILL]] : tensor<4x8xi32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: i8, %[[Y:.*]]: i8, %{{.*}}: i32):
// CHECK-NEXT:   arith.extsi %[[X]] : i8 to i32
// CHECK-NOT: arith.fptosi
// CHECK: linalg.yield
#id = affine_map<(d0, d1) -> (d0, d1)>
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @not_into_reduction(%a: tensor<4x16xf32>, %w: tensor<16x8xi8>) -> tensor<4x8xi32> {
  %e = tensor.empty() : tensor<4x16xi8>
  %q = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x16xf32>) outs(%e : tensor<4x16xi8>) {
  ^bb0(%x: f32, %o: i8):
    %r = arith.fptosi %x : f32 to i8
    linalg.yield %r : i8
  } -> tensor<4x16xi8>
  %c0 = arith.constant 0 : i32
  %e2 = tensor.empty() : tensor<4x8xi32>
  %z = linalg.fill ins(%c0 : i32) outs(%e2 : tensor<4x8xi32>) -> tensor<4x8xi32>
  %mm = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%q, %w : tensor<4x16xi8>, tensor<16x8xi8>) outs(%z : tensor<4x8xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<4x8xi32>
  return %mm : tensor<4x8xi32>
}

// -----

// A producer whose result is also returned is not fused, so that it is not
// computed twice.
// CHECK-LABEL: func.func @not_with_two_uses
// CHECK: %[[N:.*]] = linalg.generic
// CHECK: arith.negf
// CHECK-NOT: math.exp
// CHECK: %[[E:.*]] = linalg.generic
// CHECK-SAME: ins(%[[N]] : tensor<4x8xf32>)
// CHECK-NOT: arith.negf
// CHECK: math.exp
// CHECK: return %[[N]], %[[E]]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @not_with_two_uses(%a: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %n = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.negf %x : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%n : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = math.exp %x : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %n, %m : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// linalg ops on constants fold to constants (here a transpose).
// CHECK-LABEL: func.func @fold_constant_transpose
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<{{\[\[}}1, 4], [2, 5], [3, 6]]> : tensor<3x2xi32>
// CHECK-NEXT: return %[[C]] : tensor<3x2xi32>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @fold_constant_transpose() -> tensor<3x2xi32> {
  %c = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %e = tensor.empty() : tensor<3x2xi32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : tensor<2x3xi32>) outs(%e : tensor<3x2xi32>) {
  ^bb0(%x: i32, %o: i32):
    linalg.yield %x : i32
  } -> tensor<3x2xi32>
  return %t : tensor<3x2xi32>
}

// -----

// linalg.generic canonicalization runs with the fusion: a repeated input is
// read once.
// CHECK-LABEL: func.func @dedup_inputs
// CHECK-SAME: (%[[A:.*]]: tensor<8xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[A]] : tensor<8xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   arith.subf %[[X]], %[[X]] : f32
#id1 = affine_map<(d0) -> (d0)>
func.func @dedup_inputs(%a: tensor<8xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %r = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%a, %a : tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %d = arith.subf %x, %y : f32
    linalg.yield %d : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}
