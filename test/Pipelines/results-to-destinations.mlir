// compress-lower-to-cpu's results-to-destinations step, on memref IR: a
// private function's static result becomes an out-parameter that it writes
// in place, and a whole copy of a fresh buffer into a host wrapper's
// destination (or into such an out-parameter) makes the buffer's writers
// write the destination. Public functions, dynamic results, destinations
// that are read elsewhere and copies with later uses of the source stay.
//
// RUN: compress-opt %s --compress-cpu-results-to-destinations \
// RUN:   --split-input-file | FileCheck %s

// The model's result is its buffer %r: it becomes the out-parameter; the
// wrapper passes its destination, and neither copies.
// CHECK-LABEL: func.func private @model(
// CHECK-SAME:      %[[X:.*]]: memref<4xf32>, %[[OUT:.*]]: memref<4xf32>) {
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.generic
// CHECK-SAME:      outs(%[[OUT]] : memref<4xf32>)
// CHECK-NOT:     memref.copy
// CHECK:         return
// CHECK-LABEL: func.func @wrapper(
// CHECK-SAME:      %[[IN:.*]]: memref<*xf32>, %[[DEST:.*]]: memref<*xf32>)
// CHECK:         %[[D:.*]] = memref.cast %[[DEST]]
// CHECK:         %[[I:.*]] = memref.cast %[[IN]]
// CHECK-NOT:     memref.alloc
// CHECK:         call @model(%[[I]], %[[D]])
// CHECK-NOT:     memref.copy
// CHECK:         return
#id = affine_map<(i) -> (i)>
func.func private @model(%x: memref<4xf32>) -> memref<4xf32> {
  %r = memref.alloc() : memref<4xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<4xf32>) outs(%r : memref<4xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  }
  return %r : memref<4xf32>
}
func.func @wrapper(%in: memref<*xf32>, %dest: memref<*xf32>)
    attributes {compress.host_wrapper} {
  %d = memref.cast %dest : memref<*xf32> to memref<4xf32>
  %i = memref.cast %in : memref<*xf32> to memref<4xf32>
  %r = call @model(%i) : (memref<4xf32>) -> memref<4xf32>
  memref.copy %r, %d : memref<4xf32> to memref<4xf32>
  return
}

// -----

// A destination read after the call (here by a second copy) keeps the copy;
// so does a function that is not a host wrapper, and a public function
// keeps its result.
// CHECK-LABEL: func.func private @model(
// CHECK-SAME:      memref<4xf32>, %{{.*}}: memref<4xf32>)
// CHECK-LABEL: func.func @wrapper(
// CHECK:         %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK:         call @model(%{{.*}}, %[[A]])
// CHECK:         memref.copy %[[A]], %[[D:.*]] :
// CHECK:         memref.copy %[[D]], %{{.*}} :
// CHECK-LABEL: func.func @not_wrapper(
// CHECK:         %[[B:.*]] = memref.alloc() : memref<4xf32>
// CHECK:         call @model(%{{.*}}, %[[B]])
// CHECK:         memref.copy %[[B]], %{{.*}} :
// CHECK-LABEL: func.func @public(%{{.*}}: memref<4xf32>) -> memref<4xf32>
func.func private @model(%x: memref<4xf32>) -> memref<4xf32> {
  %r = memref.alloc() : memref<4xf32>
  memref.copy %x, %r : memref<4xf32> to memref<4xf32>
  return %r : memref<4xf32>
}
func.func @wrapper(%in: memref<*xf32>, %dest: memref<*xf32>,
                   %dest2: memref<*xf32>) attributes {compress.host_wrapper} {
  %d = memref.cast %dest : memref<*xf32> to memref<4xf32>
  %d2 = memref.cast %dest2 : memref<*xf32> to memref<4xf32>
  %i = memref.cast %in : memref<*xf32> to memref<4xf32>
  %r = call @model(%i) : (memref<4xf32>) -> memref<4xf32>
  memref.copy %r, %d : memref<4xf32> to memref<4xf32>
  memref.copy %d, %d2 : memref<4xf32> to memref<4xf32>
  return
}
func.func @not_wrapper(%in: memref<4xf32>, %dest: memref<4xf32>) {
  %r = call @model(%in) : (memref<4xf32>) -> memref<4xf32>
  memref.copy %r, %dest : memref<4xf32> to memref<4xf32>
  return
}
func.func @public(%x: memref<4xf32>) -> memref<4xf32> {
  %r = memref.alloc() : memref<4xf32>
  memref.copy %x, %r : memref<4xf32> to memref<4xf32>
  return %r : memref<4xf32>
}

// -----

// A dynamic result stays a result.
// CHECK-LABEL: func.func private @dynamic(
// CHECK-SAME:      %{{.*}}: memref<?xf32>) -> memref<?xf32>
func.func private @dynamic(%x: memref<?xf32>) -> memref<?xf32> {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  %r = memref.alloc(%n) : memref<?xf32>
  memref.copy %x, %r : memref<?xf32> to memref<?xf32>
  return %r : memref<?xf32>
}
func.func @use(%x: memref<?xf32>) -> memref<?xf32> {
  %r = call @dynamic(%x) : (memref<?xf32>) -> memref<?xf32>
  return %r : memref<?xf32>
}
