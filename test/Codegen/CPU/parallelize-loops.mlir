// RUN: compress-opt %s --compress-linalg-to-annotated-loops --compress-cpu-parallelize-loops | FileCheck %s
// RUN: compress-opt %s --compress-linalg-to-annotated-loops --compress-cpu-parallelize-loops=threads=1 | FileCheck %s --check-prefix=SERIAL
// RUN: compress-opt %s --compress-linalg-to-annotated-loops --compress-cpu-parallelize-loops=threads=3 | FileCheck %s --check-prefix=THREE
// RUN: not compress-opt %s --compress-cpu-parallelize-loops=min-iterations=0 2>&1 | FileCheck %s --check-prefix=INVALID

// An elementwise op (256 x 512 iterations) and a row reduction (its outer
// dimension parallel, each row its own output) run on the kernels'
// threads: each outer loop becomes a function of an iteration range,
// called through compress_cpu_parallel_for with the memrefs it reads in a
// stack struct and the constants made again inside. The column reduction
// (its outer dimension reduces) and the 4 x 8 op stay loops.

// CHECK-LABEL: func.func private @f_parallel(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %[[BEGIN:.*]]: i64, %[[END:.*]]: i64)
// CHECK: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[P0:.*]] = llvm.getelementptr %{{.*}}[0, 0]
// CHECK: %[[D0:.*]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: %[[A:.*]] = builtin.unrealized_conversion_cast %[[D0]] {{.*}} to memref<256x512xf32>
// CHECK: %[[B:.*]] = builtin.unrealized_conversion_cast %{{.*}} to memref<256x512xf32>
// CHECK: %[[LO:.*]] = arith.index_cast %[[BEGIN]] : i64 to index
// CHECK: %[[HI:.*]] = arith.index_cast %[[END]] : i64 to index
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT: scf.for %[[J:.*]] =
// CHECK-NEXT: %[[X:.*]] = memref.load %[[A]][%[[I]], %[[J]]]
// CHECK-NEXT: %[[Y:.*]] = arith.mulf %[[X]], %[[HALF]]
// CHECK-NEXT: memref.store %[[Y]], %[[B]][%[[I]], %[[J]]]
// CHECK-NEXT: } {llvm.loop_annotation =
// CHECK: return

// CHECK-LABEL: func.func private @f_parallel_0(
// CHECK: memref<256xf32>
// CHECK: scf.for
// CHECK-NEXT: scf.for
// CHECK-NEXT: memref.load
// CHECK-NEXT: memref.load
// CHECK-NEXT: arith.addf
// CHECK-NEXT: memref.store
// CHECK-NEXT: }
// CHECK-NEXT: }

// CHECK-LABEL: func.func @f(
// CHECK-DAG: %[[S1:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>)>
// CHECK-DAG: %[[S2:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>)>
// CHECK: llvm.store %{{.*}}, %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, !llvm.ptr
// CHECK: %[[F1:.*]] = constant @f_parallel : (!llvm.ptr, i64, i64) -> ()
// CHECK-DAG: %[[N:.*]] = arith.constant 256 : i64
// CHECK-DAG: %[[T:.*]] = arith.constant 0 : i64
// CHECK: call @compress_cpu_parallel_for(%[[F1]], %[[S1]], %[[N]], %[[T]])
// CHECK: constant @f_parallel_0
// CHECK: call @compress_cpu_parallel_for
// The column reduction and the small op: plain loops, no marks left.
// CHECK: scf.for
// CHECK: scf.for
// CHECK-NOT: compress.parallel_nest
// CHECK-NOT: call @compress_cpu_parallel_for
// CHECK: return
// CHECK: func.func private @compress_cpu_parallel_for((!llvm.ptr, i64, i64) -> (), !llvm.ptr, i64, i64)

// threads=1: nothing outlined, and the marks are gone.
// SERIAL-NOT: _parallel
// SERIAL-NOT: compress.parallel_nest
// SERIAL: return

// THREE: %[[T:.*]] = arith.constant 3 : i64
// THREE: call @compress_cpu_parallel_for(%{{.*}}, %{{.*}}, %{{.*}}, %[[T]])

// INVALID: compress-cpu-parallelize-loops: option 'min-iterations' must be at least 1

#map = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @f(%a: memref<256x512xf32>, %b: memref<256x512xf32>, %rows: memref<256xf32>,
             %cols: memref<512xf32>, %small: memref<4x8xf32>) {
  %c = arith.constant 0.5 : f32
  linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<256x512xf32>) outs(%b : memref<256x512xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %c : f32
    linalg.yield %y : f32
  }
  linalg.generic {indexing_maps = [#map, #row], iterator_types = ["parallel", "reduction"]}
      ins(%a : memref<256x512xf32>) outs(%rows : memref<256xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.addf %x, %o : f32
    linalg.yield %y : f32
  }
  linalg.generic {indexing_maps = [#map, #col], iterator_types = ["reduction", "parallel"]}
      ins(%a : memref<256x512xf32>) outs(%cols : memref<512xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.addf %x, %o : f32
    linalg.yield %y : f32
  }
  linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}
      ins(%small : memref<4x8xf32>) outs(%small : memref<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %c : f32
    linalg.yield %y : f32
  }
  return
}
