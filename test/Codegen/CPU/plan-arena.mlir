// RUN: compress-opt %s --split-input-file --compress-cpu-plan-arena | FileCheck %s

// Three buffers: %a and %b are alive together, %c only after both are
// freed, so it reuses the lowest offset. %b (1024 bytes) is placed first at
// 0, %a (512 bytes) after it at 1024, %c (256 bytes) at 0 again. The arena
// is 1536 bytes; the function pushes it at entry and pops it before it
// returns. The returned buffer stays malloc'd.
// CHECK-DAG: func.func private @compress_cpu_arena_push(i64) -> memref<?xi8> attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @compress_cpu_arena_slot(memref<?xi8>, i64, i64) -> memref<?xi8> attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @compress_cpu_arena_pop()
// CHECK-LABEL: func.func @lifetimes
// CHECK-SAME: attributes {compress.arena_bytes = 1536 : i64}
// CHECK: %[[SIZE:.*]] = arith.constant 1536 : i64
// CHECK: %[[ARENA:.*]] = call @compress_cpu_arena_push(%[[SIZE]]) : (i64) -> memref<?xi8>
// Each buffer is its own slot (offset, bytes) of the arena, viewed from 0.
// CHECK: %[[OA:.*]] = arith.constant 1024 : i64
// CHECK: %[[NA:.*]] = arith.constant 512 : i64
// CHECK: %[[SA:.*]] = call @compress_cpu_arena_slot(%[[ARENA]], %[[OA]], %[[NA]])
// CHECK: %[[ZA:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[SA]][%[[ZA]]][] : memref<?xi8> to memref<128xf32>
// CHECK: %[[OB:.*]] = arith.constant 0 : i64
// CHECK: %[[NB:.*]] = arith.constant 1024 : i64
// CHECK: %[[SB:.*]] = call @compress_cpu_arena_slot(%[[ARENA]], %[[OB]], %[[NB]])
// CHECK: %[[B:.*]] = memref.view %[[SB]][%{{.*}}][] : memref<?xi8> to memref<256xf32>
// CHECK: memref.copy %[[A]], %{{.*}}
// CHECK: %[[OC:.*]] = arith.constant 0 : i64
// CHECK: %[[NC:.*]] = arith.constant 256 : i64
// CHECK: %[[SC:.*]] = call @compress_cpu_arena_slot(%[[ARENA]], %[[OC]], %[[NC]])
// CHECK: %[[C:.*]] = memref.view %[[SC]][%{{.*}}][] : memref<?xi8> to memref<64xf32>
// CHECK: %[[R:.*]] = memref.alloc() : memref<64xf32>
// CHECK-NOT: memref.dealloc
// CHECK: call @compress_cpu_arena_pop() : () -> ()
// CHECK-NEXT: return %[[R]]
func.func @lifetimes(%x: memref<128xf32>, %y: memref<64xf32>) -> memref<64xf32> {
  %a = memref.alloc() {alignment = 64 : i64} : memref<128xf32>
  memref.copy %x, %a : memref<128xf32> to memref<128xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<256xf32>
  %sub = memref.subview %b[0] [128] [1] : memref<256xf32> to memref<128xf32, strided<[1]>>
  memref.copy %a, %sub : memref<128xf32> to memref<128xf32, strided<[1]>>
  memref.dealloc %a : memref<128xf32>
  memref.dealloc %b : memref<256xf32>
  %c = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
  memref.copy %y, %c : memref<64xf32> to memref<64xf32>
  %r = memref.alloc() : memref<64xf32>
  memref.copy %c, %r : memref<64xf32> to memref<64xf32>
  memref.dealloc %c : memref<64xf32>
  return %r : memref<64xf32>
}

// -----

// Left to malloc: a dynamic size, an alloc inside a loop, a buffer returned
// through a view, one passed to a call that returns a memref, sub-byte
// elements, a buffer never freed. Nothing is placed, so no arena.
// CHECK-LABEL: func.func @unplaced
// CHECK-NOT: compress_cpu_arena
// CHECK-NOT: memref.view
// CHECK-COUNT-6: memref.alloc
// CHECK-NOT: compress_cpu_arena
func.func private @opaque(memref<16xf32>) -> memref<16xf32>
func.func @unplaced(%n: index) -> (memref<4x4xf32>, memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %d : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %l = memref.alloc() : memref<16xf32>
    memref.dealloc %l : memref<16xf32>
  }
  %v = memref.alloc() : memref<16xf32>
  %e = memref.expand_shape %v [[0, 1]] output_shape [4, 4] : memref<16xf32> into memref<4x4xf32>
  %o = memref.alloc() : memref<16xf32>
  %p = func.call @opaque(%o) : (memref<16xf32>) -> memref<16xf32>
  memref.dealloc %o : memref<16xf32>
  %bits = memref.alloc() : memref<16xi1>
  memref.dealloc %bits : memref<16xi1>
  %kept = memref.alloc() : memref<16xf32>
  return %e, %p : memref<4x4xf32>, memref<16xf32>
}
