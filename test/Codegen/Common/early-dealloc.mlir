// RUN: compress-opt %s --split-input-file --compress-early-dealloc | FileCheck %s

// Two layers: each buffer is freed right after its last use (through a
// view, and through the address a kernel call takes), not at the end.
// CHECK-LABEL: func.func @layers
// CHECK: %[[A:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK: linalg.fill {{.*}} outs(%[[A]]
// CHECK: %[[B:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK: %[[V:.*]] = memref.collapse_shape %[[A]]
// CHECK: linalg.generic {{.*}} ins(%[[V]]
// CHECK-NEXT: ^bb0
// CHECK: }
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK: %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[B]]
// CHECK: %[[I:.*]] = arith.index_cast %[[P]]
// CHECK: call @kernel(%[[I]])
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK: %[[C:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK: return %[[C]]
func.func private @kernel(i64)
func.func @layers(%x: memref<4x8xf32>) -> memref<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %a = memref.alloc() : memref<4x8xf32>
  linalg.fill ins(%zero : f32) outs(%a : memref<4x8xf32>)
  %b = memref.alloc() : memref<4x8xf32>
  %va = memref.collapse_shape %a [[0, 1]] : memref<4x8xf32> into memref<32xf32>
  %vb = memref.collapse_shape %b [[0, 1]] : memref<4x8xf32> into memref<32xf32>
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%va : memref<32xf32>) outs(%vb : memref<32xf32>) {
  ^bb0(%in: f32, %o: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  }
  %p = memref.extract_aligned_pointer_as_index %b : memref<4x8xf32> -> index
  %i = arith.index_cast %p : index to i64
  call @kernel(%i) : (i64) -> ()
  %c = memref.alloc() : memref<4x8xf32>
  memref.copy %x, %c : memref<4x8xf32> to memref<4x8xf32>
  memref.dealloc %a : memref<4x8xf32>
  memref.dealloc %b : memref<4x8xf32>
  return %c : memref<4x8xf32>
}

// -----

// Left where they are: a buffer passed as a memref to a call (the callee may
// keep it), and one used in a loop that carries its address out.
// CHECK-LABEL: func.func @kept
// CHECK: call @keep
// CHECK: scf.for
// CHECK: arith.constant 1.0
// CHECK: memref.dealloc
// CHECK-NEXT: memref.dealloc
// CHECK-NEXT: return
func.func private @keep(memref<4xf32>)
func.func @kept(%n: index) -> index {
  %a = memref.alloc() : memref<4xf32>
  call @keep(%a) : (memref<4xf32>) -> ()
  %b = memref.alloc() : memref<4xf32>
  %p = memref.extract_aligned_pointer_as_index %b : memref<4xf32> -> index
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%q = %p) -> (index) {
    scf.yield %q : index
  }
  %one = arith.constant 1.0 : f32
  memref.dealloc %a : memref<4xf32>
  memref.dealloc %b : memref<4xf32>
  return %r : index
}
