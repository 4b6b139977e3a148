// RUN: compress-opt %s --compress-order-constant-globals | FileCheck %s

// The globals of bufferized constants get names and places by first use;
// other globals and symbols keep theirs, and a new name avoids them.

// CHECK-LABEL: module
// CHECK-NEXT: memref.global "private" constant @__constant_2xi32 : memref<2xi32> = dense<[5, 6]>
// CHECK-NEXT: memref.global "private" constant @__constant_2xi32_2 : memref<2xi32> = dense<[1, 2]>
// CHECK-NEXT: memref.global "private" constant @__constant_3xf32 : memref<3xf32> = dense<1.000000e+00>
// CHECK-NEXT: memref.global "private" constant @__constant_2xi32_3 : memref<2xi32> = dense<[7, 8]>
// CHECK-NEXT: memref.global "private" constant @__constant_2xi32_4 : memref<2xi32> = dense<[3, 4]>
// CHECK-NEXT: memref.global "private" @__constant_2xi32_1 : memref<2xi32> = dense<0>
// CHECK-LABEL: func.func @first
// CHECK-NEXT: memref.get_global @__constant_2xi32 :
// CHECK-NEXT: memref.get_global @__constant_2xi32_2 :
// CHECK-NEXT: memref.get_global @__constant_2xi32 :
// CHECK-NEXT: memref.get_global @__constant_2xi32_1 :
// CHECK-LABEL: func.func @second
// CHECK-NEXT: memref.get_global @__constant_3xf32 :
// CHECK-NEXT: memref.get_global @__constant_2xi32_3 :
module {
  memref.global "private" constant @__constant_2xi32_4 : memref<2xi32> = dense<[7, 8]>
  memref.global "private" constant @__constant_2xi32 : memref<2xi32> = dense<[1, 2]>
  memref.global "private" constant @__constant_3xf32 : memref<3xf32> = dense<1.0>
  memref.global "private" constant @__constant_2xi32_8 : memref<2xi32> = dense<[5, 6]>
  // Not constant: not bufferization's, kept, and its name is taken.
  memref.global "private" @__constant_2xi32_1 : memref<2xi32> = dense<0>
  // Used by nothing: after the used ones.
  memref.global "private" constant @__constant_2xi32_9 : memref<2xi32> = dense<[3, 4]>

  func.func @first() -> (memref<2xi32>, memref<2xi32>, memref<2xi32>, memref<2xi32>) {
    %a = memref.get_global @__constant_2xi32_8 : memref<2xi32>
    %b = memref.get_global @__constant_2xi32 : memref<2xi32>
    %c = memref.get_global @__constant_2xi32_8 : memref<2xi32>
    %d = memref.get_global @__constant_2xi32_1 : memref<2xi32>
    return %a, %b, %c, %d : memref<2xi32>, memref<2xi32>, memref<2xi32>, memref<2xi32>
  }
  func.func @second() -> (memref<3xf32>, memref<2xi32>) {
    %a = memref.get_global @__constant_3xf32 : memref<3xf32>
    %b = memref.get_global @__constant_2xi32_4 : memref<2xi32>
    return %a, %b : memref<3xf32>, memref<2xi32>
  }
}
