// RUN: compress-opt %s --compress-linalg-to-annotated-loops --compress-cpu-parallelize-loops --verify-diagnostics | FileCheck %s

// The module already has a compress_cpu_parallel_for of another type: the
// loop stays serial, with a remark, and the module is left valid.
// CHECK-LABEL: func.func @f
// CHECK-NOT: call @compress_cpu_parallel_for
// CHECK: scf.for
// CHECK: scf.for
// CHECK-NOT: compress.parallel_nest
func.func private @compress_cpu_parallel_for(i32)

#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @f(%a: memref<256x512xf32>, %b: memref<256x512xf32>) {
  %c = arith.constant 0.5 : f32
  // expected-remark @+1 {{compress-cpu-parallelize-loops: the module defines another 'compress_cpu_parallel_for'; the loop stays serial}}
  linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<256x512xf32>) outs(%b : memref<256x512xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %c : f32
    linalg.yield %y : f32
  }
  return
}
