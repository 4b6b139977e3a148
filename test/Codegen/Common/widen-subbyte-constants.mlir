// RUN: compress-opt %s --split-input-file \
// RUN:   --pass-pipeline="builtin.module(func.func(compress-widen-subbyte-constants))" \
// RUN:   | FileCheck %s

// A 4-bit weight read through arith.extsi: the constant becomes i8 with the
// values sign-extended (-8 -> 0xF8, -1 -> 0xFF, 7 -> 0x07), and the body
// extends the i8 directly.
#map0 = affine_map<(i, j, k) -> (i, k)>
#map1 = affine_map<(i, j, k) -> (k, j)>
#map2 = affine_map<(i, j, k) -> (i, j)>
// CHECK-LABEL: func.func @signed_weight
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[}}[-8, 7], [-1, 0]]> : tensor<2x2xi8>
// CHECK-NOT:     i4
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{.*}}, %[[W]] : tensor<3x2xi8>, tensor<2x2xi8>)
// CHECK:         ^bb0(%{{.*}}: i8, %[[B:.*]]: i8, %{{.*}}: i32):
// CHECK:           arith.extsi %[[B]] : i8 to i32
// CHECK-NOT:     i4
// CHECK:         return
func.func @signed_weight(%a: tensor<3x2xi8>) -> tensor<3x2xi32> {
  %w = arith.constant dense<[[-8, 7], [-1, 0]]> : tensor<2x2xi4>
  %zero = arith.constant dense<0> : tensor<3x2xi32>
  %r = linalg.generic {indexing_maps = [#map0, #map1, #map2],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<3x2xi8>, tensor<2x2xi4>) outs(%zero : tensor<3x2xi32>) {
  ^bb0(%x: i8, %y: i4, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i4 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<3x2xi32>
  return %r : tensor<3x2xi32>
}

// -----

// Other uses (here an unsigned extension) read the narrow value back through
// arith.trunci, so the result is unchanged; a splat stays a splat. A user
// that is not a linalg.generic keeps the narrow constant.
#id = affine_map<(i) -> (i)>
// CHECK-LABEL: func.func @unsigned_use
// CHECK-DAG:     %[[NARROW:.*]] = arith.constant dense<-2> : tensor<4xi2>
// CHECK-DAG:     %[[WIDE:.*]] = arith.constant dense<-2> : tensor<4xi8>
// CHECK:         linalg.generic {{.*}} ins(%[[WIDE]] : tensor<4xi8>)
// CHECK:         ^bb0(%[[IN:.*]]: i8, %{{.*}}: i32):
// CHECK-NEXT:      %[[T:.*]] = arith.trunci %[[IN]] : i8 to i2
// CHECK-NEXT:      arith.extui %[[T]] : i2 to i32
// CHECK:         return %{{.*}}, %[[NARROW]]
func.func @unsigned_use() -> (tensor<4xi32>, tensor<4xi2>) {
  %c = arith.constant dense<-2> : tensor<4xi2>
  %init = tensor.empty() : tensor<4xi32>
  %r = linalg.generic {indexing_maps = [#id, #id],
                       iterator_types = ["parallel"]}
      ins(%c : tensor<4xi2>) outs(%init : tensor<4xi32>) {
  ^bb0(%x: i2, %o: i32):
    %e = arith.extui %x : i2 to i32
    linalg.yield %e : i32
  } -> tensor<4xi32>
  return %r, %c : tensor<4xi32>, tensor<4xi2>
}

// -----

// Booleans and byte-sized integers are left alone.
#id = affine_map<(i) -> (i)>
// CHECK-LABEL: func.func @untouched
// CHECK:         arith.constant dense<[true, false]> : tensor<2xi1>
// CHECK:         arith.constant dense<[1, 2]> : tensor<2xi8>
// CHECK:         ^bb0(%{{.*}}: i1, %{{.*}}: i8, %{{.*}}: i8):
func.func @untouched() -> tensor<2xi8> {
  %b = arith.constant dense<[true, false]> : tensor<2xi1>
  %v = arith.constant dense<[1, 2]> : tensor<2xi8>
  %init = tensor.empty() : tensor<2xi8>
  %r = linalg.generic {indexing_maps = [#id, #id, #id],
                       iterator_types = ["parallel"]}
      ins(%b, %v : tensor<2xi1>, tensor<2xi8>) outs(%init : tensor<2xi8>) {
  ^bb0(%x: i1, %y: i8, %o: i8):
    %z = arith.constant 0 : i8
    %s = arith.select %x, %y, %z : i8
    linalg.yield %s : i8
  } -> tensor<2xi8>
  return %r : tensor<2xi8>
}
