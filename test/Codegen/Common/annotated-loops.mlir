// RUN: compress-opt %s --compress-linalg-to-annotated-loops | FileCheck %s
// RUN: compress-opt %s --compress-linalg-to-annotated-loops --convert-scf-to-cf \
// RUN:   --finalize-memref-to-llvm --convert-func-to-llvm --convert-cf-to-llvm \
// RUN:   --convert-arith-to-llvm --reconcile-unrealized-casts \
// RUN:   --compress-attach-loop-access-groups | FileCheck %s --check-prefix=LLVM
// RUN: compress-opt %s --compress-linalg-to-annotated-loops --convert-scf-to-cf \
// RUN:   --finalize-memref-to-llvm --convert-func-to-llvm --convert-cf-to-llvm \
// RUN:   --convert-arith-to-llvm --reconcile-unrealized-casts \
// RUN:   --compress-attach-loop-access-groups | mlir-translate --mlir-to-llvmir \
// RUN:   | FileCheck %s --check-prefix=IR

// The elementwise op's innermost loop carries the annotation (with its own
// access group); the outer loop and the reduction's loops do not.
// CHECK-DAG: #[[GROUP:.*]] = #llvm.access_group<id = distinct[0]<>>
// CHECK-DAG: #[[ANN:.*]] = #llvm.loop_annotation<parallelAccesses = #[[GROUP]]>
// CHECK-LABEL: func.func @f
// CHECK: scf.for
// CHECK-NEXT: scf.for
// CHECK-NEXT: memref.load
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: memref.store
// CHECK-NEXT: } {llvm.loop_annotation = #[[ANN]]}
// CHECK-NEXT: }
// CHECK-NEXT: scf.for
// CHECK-NEXT: scf.for
// CHECK-NOT: llvm.loop_annotation
// CHECK: return

// On the LLVM dialect the latch branch has the annotation as its own
// attribute, and the loop's load and store are in the group; the
// reduction's are not.
// LLVM-DAG: #[[GROUP:.*]] = #llvm.access_group<id = distinct[0]<>>
// LLVM-DAG: #[[ANN:.*]] = #llvm.loop_annotation<parallelAccesses = #[[GROUP]]>
// LLVM-LABEL: llvm.func @f
// LLVM: llvm.load %{{.*}} {access_groups = [#[[GROUP]]]} : !llvm.ptr -> f32
// LLVM: llvm.store %{{.*}} {access_groups = [#[[GROUP]]]} : f32, !llvm.ptr
// LLVM: llvm.br ^{{.*}} {loop_annotation = #[[ANN]]}
// LLVM-NOT: access_groups
// LLVM-NOT: loop_annotation
// LLVM: llvm.return

// Translated: llvm.loop.parallel_accesses on the loop, its accesses in the
// group.
// IR: load float, ptr %{{.*}}, align 4, !llvm.access.group ![[G:[0-9]+]]
// IR: store float %{{.*}}, ptr %{{.*}}, align 4, !llvm.access.group ![[G]]
// IR: br label %{{.*}}, !llvm.loop ![[L:[0-9]+]]
// IR: ![[L]] = distinct !{![[L]], ![[P:[0-9]+]]}
// IR: ![[P]] = !{!"llvm.loop.parallel_accesses", ![[G]]}
#map = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @f(%a: memref<4x64xf32>, %b: memref<4x64xf32>, %s: memref<4xf32>) {
  linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<4x64xf32>) outs(%b : memref<4x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %x : f32
    linalg.yield %y : f32
  }
  linalg.generic {indexing_maps = [#map, #row], iterator_types = ["parallel", "reduction"]}
      ins(%a : memref<4x64xf32>) outs(%s : memref<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.addf %x, %o : f32
    linalg.yield %y : f32
  }
  return
}
