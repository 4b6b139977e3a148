// RUN: compress-opt %s --compress-copy-constant-call-arguments | FileCheck %s

// A constant buffer passed to a function with a body is replaced by a copy in
// a new allocation; everything else is passed as it is.

memref.global "private" constant @weights : memref<2x3xf32> = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]>
memref.global "private" @state : memref<2x3xf32> = dense<0.0>

func.func private @print(memref<2x3xf32>)
func.func @layer(%a: memref<2x3xf32>) {
  return
}
func.func @layer_dynamic(%a: memref<?xf32>) {
  return
}
func.func @layer_strided(%a: memref<3xf32, strided<[1], offset: 3>>) {
  return
}

// CHECK-LABEL: func.func @constant_global
// CHECK: %[[W:.*]] = memref.get_global @weights : memref<2x3xf32>
// CHECK-NEXT: %[[COPY:.*]] = memref.alloc() : memref<2x3xf32>
// CHECK-NEXT: memref.copy %[[W]], %[[COPY]] : memref<2x3xf32> to memref<2x3xf32>
// CHECK-NEXT: call @layer(%[[COPY]]) : (memref<2x3xf32>) -> ()
// Each call gets its own copy.
// CHECK-NEXT: %[[COPY2:.*]] = memref.alloc() : memref<2x3xf32>
// CHECK-NEXT: memref.copy %[[W]], %[[COPY2]]
// CHECK-NEXT: call @layer(%[[COPY2]])
// CHECK-NEXT: return
func.func @constant_global() {
  %w = memref.get_global @weights : memref<2x3xf32>
  call @layer(%w) : (memref<2x3xf32>) -> ()
  call @layer(%w) : (memref<2x3xf32>) -> ()
  return
}

// A mutable global and an argument are not constants.
// CHECK-LABEL: func.func @not_constant
// CHECK-SAME: (%[[ARG:.*]]: memref<2x3xf32>)
// CHECK-NOT: memref.alloc
// CHECK: %[[S:.*]] = memref.get_global @state
// CHECK-NOT: memref.alloc
// CHECK: call @layer(%[[S]])
// CHECK-NOT: memref.alloc
// CHECK: call @layer(%[[ARG]])
// CHECK-NEXT: return
func.func @not_constant(%arg: memref<2x3xf32>) {
  %s = memref.get_global @state : memref<2x3xf32>
  call @layer(%s) : (memref<2x3xf32>) -> ()
  call @layer(%arg) : (memref<2x3xf32>) -> ()
  return
}

// External functions (printing helpers) run on the host only.
// CHECK-LABEL: func.func @external_callee
// CHECK: %[[W:.*]] = memref.get_global @weights
// CHECK-NOT: memref.alloc
// CHECK: call @print(%[[W]])
func.func @external_callee() {
  %w = memref.get_global @weights : memref<2x3xf32>
  call @print(%w) : (memref<2x3xf32>) -> ()
  return
}

// A pure view of a constant is a constant too; a dynamic size of the copy is
// read from the view.
// CHECK-LABEL: func.func @view_with_dynamic_size
// CHECK: %[[CAST:.*]] = memref.cast %{{.*}} : memref<6xf32> to memref<?xf32>
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[DIM:.*]] = memref.dim %[[CAST]], %[[C0]] : memref<?xf32>
// CHECK-NEXT: %[[COPY:.*]] = memref.alloc(%[[DIM]]) : memref<?xf32>
// CHECK-NEXT: memref.copy %[[CAST]], %[[COPY]] : memref<?xf32> to memref<?xf32>
// CHECK-NEXT: call @layer_dynamic(%[[COPY]]) : (memref<?xf32>) -> ()
func.func @view_with_dynamic_size() {
  %w = memref.get_global @weights : memref<2x3xf32>
  %flat = memref.collapse_shape %w [[0, 1]] : memref<2x3xf32> into memref<6xf32>
  %dynamic = memref.cast %flat : memref<6xf32> to memref<?xf32>
  call @layer_dynamic(%dynamic) : (memref<?xf32>) -> ()
  return
}

// Views with a non-identity layout are passed as they are.
// CHECK-LABEL: func.func @strided_view
// CHECK: %[[ROW:.*]] = memref.subview
// CHECK-NOT: memref.alloc
// CHECK: call @layer_strided(%[[ROW]])
func.func @strided_view() {
  %w = memref.get_global @weights : memref<2x3xf32>
  %row = memref.subview %w[1, 0] [1, 3] [1, 1] : memref<2x3xf32> to memref<3xf32, strided<[1], offset: 3>>
  call @layer_strided(%row) : (memref<3xf32, strided<[1], offset: 3>>) -> ()
  return
}
