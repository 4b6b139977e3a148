// RUN: compress-opt %s --split-input-file --compress-table-lookup | FileCheck %s
// RUN: compress-opt %s --split-input-file --compress-table-lookup=min-cost=1 | FileCheck %s --check-prefix=SMALL

// A function of one 2-bit value: its table holds the value for the bit
// patterns 0, 1, 2, 3 (sign-extended: 0, 1, -2, -1), 5 * x + 7.
#map = affine_map<(d0) -> (d0)>
// SMALL-LABEL: func.func @two_bits
// SMALL: %[[T:.*]] = arith.constant dense<[7, 12, -3, 2]> : tensor<4xi32>
// SMALL: linalg.generic
// SMALL-NEXT: ^bb0(%[[IN:.*]]: i2, %{{.*}}: i32):
// SMALL-NEXT: %[[I:.*]] = arith.index_castui %[[IN]] : i2 to index
// SMALL-NEXT: %[[V:.*]] = tensor.extract %[[T]][%[[I]]] : tensor<4xi32>
// SMALL-NEXT: linalg.yield %[[V]] : i32
// Three ops cost less than the default's 12: unchanged.
// CHECK-LABEL: func.func @two_bits
// CHECK-NOT: tensor.extract
// CHECK: arith.muli
func.func @two_bits(%x: tensor<8xi2>) -> tensor<8xi32> {
  %c5 = arith.constant 5 : i32
  %c7 = arith.constant 7 : i32
  %e = tensor.empty() : tensor<8xi32>
  %0 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%x : tensor<8xi2>) outs(%e : tensor<8xi32>) {
  ^bb0(%in: i2, %out: i32):
    %1 = arith.extsi %in : i2 to i32
    %2 = arith.muli %1, %c5 : i32
    %3 = arith.addi %2, %c7 : i32
    linalg.yield %3 : i32
  } -> tensor<8xi32>
  return %0 : tensor<8xi32>
}

// -----

// A byte requantized from two inputs (no table: it depends on both) roots a
// chain to an f32 value: the chain becomes a lookup of the 256-entry table
// at that byte, and the op that mixes it with the other input stays. A
// byte result is tabulated as i32 (the loop vectorizer gathers 32-bit
// elements) and truncated. Under buffer semantics the table is a private
// constant global.
#map = affine_map<(d0) -> (d0)>
// CHECK-LABEL: memref.global "private" constant @__compress_table : memref<256xi32> = dense<
// CHECK-SAME: {alignment = 64 : i64}
// CHECK-LABEL: func.func @intermediate_root
// CHECK: %[[T:.*]] = memref.get_global @__compress_table : memref<256xi32>
// CHECK: linalg.generic
// CHECK: arith.addi
// CHECK: %[[B:.*]] = arith.trunci %{{.*}} : i32 to i8
// CHECK-NEXT: %[[I:.*]] = arith.index_castui %[[B]] : i8 to index
// CHECK-NEXT: %[[L:.*]] = memref.load %[[T]][%[[I]]] : memref<256xi32>
// CHECK-NEXT: %[[V:.*]] = arith.trunci %[[L]] : i32 to i8
// CHECK-NEXT: %[[S:.*]] = arith.addi %[[V]], %{{.*}} : i8
// CHECK-NEXT: linalg.yield %[[S]] : i8
func.func @intermediate_root(%x: memref<64xi8>, %y: memref<64xi8>, %o: memref<64xi8>) {
  %s = arith.constant 0.05 : f32
  %c = arith.constant 3.0 : f32
  %lo = arith.constant -128.0 : f32
  %hi = arith.constant 127.0 : f32
  linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
      ins(%x, %y : memref<64xi8>, memref<64xi8>) outs(%o : memref<64xi8>) {
  ^bb0(%a: i8, %b: i8, %out: i8):
    %a32 = arith.extsi %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %sum = arith.addi %a32, %b32 : i32
    %byte = arith.trunci %sum : i32 to i8
    %1 = arith.extsi %byte : i8 to i32
    %2 = arith.sitofp %1 : i32 to f32
    %3 = arith.mulf %2, %s : f32
    %4 = arith.divf %3, %c : f32
    %5 = math.exp %4 : f32
    %6 = arith.divf %5, %s : f32
    %7 = math.roundeven %6 : f32
    %8 = arith.maximumf %7, %lo : f32
    %9 = arith.minimumf %8, %hi : f32
    %10 = arith.fptosi %9 : f32 to i8
    %11 = arith.addi %10, %b : i8
    linalg.yield %11 : i8
  }
  return
}

// -----

// Not tabulated: the value depends on two bytes at once, or on a wide
// input; an op with a region or side effects (here a reduction's
// accumulator is wide) is never evaluated.
#map = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @two_roots
// CHECK-NOT: tensor.extract
// CHECK: arith.divf
// CHECK: arith.divf
func.func @two_roots(%x: tensor<8xi8>, %y: tensor<8xi8>, %z: tensor<8xf32>) -> tensor<8xf32> {
  %c = arith.constant 3.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %0 = linalg.generic {indexing_maps = [#map, #map, #map, #map], iterator_types = ["parallel"]}
      ins(%x, %y, %z : tensor<8xi8>, tensor<8xi8>, tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: i8, %b: i8, %w: f32, %out: f32):
    %1 = arith.sitofp %a : i8 to f32
    %2 = arith.sitofp %b : i8 to f32
    %3 = arith.mulf %1, %2 : f32
    %4 = arith.divf %3, %c : f32
    %5 = arith.divf %w, %4 : f32
    linalg.yield %5 : f32
  } -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Not tabulated: an fptoui of a value out of its range is poison for some
// byte values, which does not fold; the op is left as it is.
#map = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @poison
// CHECK-NOT: tensor.extract
// CHECK: arith.fptoui
func.func @poison(%x: tensor<8xi8>) -> tensor<8xi8> {
  %s = arith.constant 100.0 : f32
  %c = arith.constant 3.0 : f32
  %e = tensor.empty() : tensor<8xi8>
  %0 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%x : tensor<8xi8>) outs(%e : tensor<8xi8>) {
  ^bb0(%a: i8, %out: i8):
    %1 = arith.sitofp %a : i8 to f32
    %2 = arith.mulf %1, %s : f32
    %3 = arith.divf %2, %c : f32
    %4 = arith.divf %3, %c : f32
    %5 = arith.fptoui %4 : f32 to i8
    linalg.yield %5 : i8
  } -> tensor<8xi8>
  return %0 : tensor<8xi8>
}
