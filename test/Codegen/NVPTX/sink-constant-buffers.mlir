// RUN: compress-opt %s --compress-sink-constant-buffers | FileCheck %s

// Constant globals a gpu.launch uses from above, and pure views of them with
// constant offsets and sizes, are recomputed inside the launch; the host's
// ops stay for host uses. Mutable globals and views with run-time offsets
// are still captured.

memref.global "private" constant @weights : memref<4x8xi8> = dense<1>
memref.global "private" @state : memref<4x8xi8> = dense<0>

// CHECK-LABEL: func.func @launch
// CHECK-SAME: (%[[OUT:.*]]: memref<8xi8>, %[[I:.*]]: index)
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[W:.*]] = memref.get_global @weights : memref<4x8xi8>
// CHECK: %[[S:.*]] = memref.get_global @state : memref<4x8xi8>
// CHECK: memref.subview %[[W]]
// CHECK: %[[DYN:.*]] = memref.subview %[[W]][%[[I]], 0]
// CHECK: gpu.launch blocks
// CHECK-SAME: threads(%[[TX:[^,]*]],
// The global is fetched once and the view rebuilt from the kernel's copy.
// CHECK-NEXT: %[[KW:.*]] = memref.get_global @weights : memref<4x8xi8>
// CHECK-NEXT: %[[KC2:.*]] = arith.constant 2 : index
// CHECK-NEXT: %[[KROW:.*]] = memref.subview %[[KW]][%[[KC2]], 0] [1, 8] [1, 1]
// CHECK-NEXT: memref.load %[[KW]][%[[C1]], %[[TX]]]
// CHECK-NEXT: memref.load %[[S]][%[[C1]], %[[TX]]]
// CHECK-NEXT: memref.load %[[KROW]][%[[TX]]]
// CHECK-NEXT: memref.load %[[DYN]][%[[TX]]]
// CHECK: gpu.terminator
// CHECK-NEXT: }
// CHECK-NEXT: memref.load %[[W]][%[[C1]], %[[C1]]]
func.func @launch(%out: memref<8xi8>, %i: index) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %w = memref.get_global @weights : memref<4x8xi8>
  %s = memref.get_global @state : memref<4x8xi8>
  %row = memref.subview %w[%c2, 0] [1, 8] [1, 1] : memref<4x8xi8> to memref<8xi8, strided<[1], offset: ?>>
  %dyn = memref.subview %w[%i, 0] [1, 8] [1, 1] : memref<4x8xi8> to memref<8xi8, strided<[1], offset: ?>>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %a = memref.load %w[%c1, %tx] : memref<4x8xi8>
    %b = memref.load %s[%c1, %tx] : memref<4x8xi8>
    %c = memref.load %row[%tx] : memref<8xi8, strided<[1], offset: ?>>
    %d = memref.load %dyn[%tx] : memref<8xi8, strided<[1], offset: ?>>
    %ab = arith.addi %a, %b : i8
    %cd = arith.addi %c, %d : i8
    %r = arith.addi %ab, %cd : i8
    memref.store %r, %out[%tx] : memref<8xi8>
    gpu.terminator
  }
  %h = memref.load %w[%c1, %c1] : memref<4x8xi8>
  memref.store %h, %out[%c1] : memref<8xi8>
  return
}

// Each launch gets its own copy.
// CHECK-LABEL: func.func @two_launches
// CHECK: %[[W:.*]] = memref.get_global @weights
// CHECK: gpu.launch
// CHECK-NEXT: %[[K1:.*]] = memref.get_global @weights
// CHECK-NEXT: memref.load %[[K1]]
// CHECK: gpu.launch
// CHECK-NEXT: %[[K2:.*]] = memref.get_global @weights
// CHECK-NEXT: memref.load %[[K2]]
func.func @two_launches(%out: memref<8xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %w = memref.get_global @weights : memref<4x8xi8>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %a = memref.load %w[%c0, %tx] : memref<4x8xi8>
    memref.store %a, %out[%tx] : memref<8xi8>
    gpu.terminator
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %a = memref.load %w[%c1, %tx] : memref<4x8xi8>
    memref.store %a, %out[%tx] : memref<8xi8>
    gpu.terminator
  }
  return
}
