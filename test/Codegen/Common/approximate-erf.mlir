// RUN: compress-opt %s --compress-approximate-erf | FileCheck %s

// f32 erf, scalar or vector, becomes arithmetic; f64 erf is left alone.
// CHECK-LABEL: func.func @erf
// CHECK-NOT: math.erf %{{.*}} : f32
// CHECK-NOT: math.erf %{{.*}} : vector<8xf32>
// CHECK: math.fma
// CHECK: math.erf %{{.*}} : f64
func.func @erf(%a: f32, %v: vector<8xf32>, %d: f64) -> (f32, vector<8xf32>, f64) {
  %x = math.erf %a : f32
  %y = math.erf %v : vector<8xf32>
  %z = math.erf %d : f64
  return %x, %y, %z : f32, vector<8xf32>, f64
}
