// RUN: compress-opt %s --compress-approximate-exp | FileCheck %s

// f32 exp, scalar or vector, becomes arithmetic (a polynomial and an
// exponent built from integer bits); f64 exp and other math ops are left
// alone.
// CHECK-LABEL: func.func @exp
// CHECK-NOT: math.exp %{{.*}} : f32
// CHECK-NOT: math.exp %{{.*}} : vector<8xf32>
// CHECK: math.fma
// CHECK: arith.shli
// CHECK: math.exp %{{.*}} : f64
// CHECK: math.log %{{.*}} : f32
func.func @exp(%a: f32, %v: vector<8xf32>, %d: f64) -> (f32, vector<8xf32>, f64, f32) {
  %x = math.exp %a : f32
  %y = math.exp %v : vector<8xf32>
  %z = math.exp %d : f64
  %w = math.log %a : f32
  return %x, %y, %z, %w : f32, vector<8xf32>, f64, f32
}
