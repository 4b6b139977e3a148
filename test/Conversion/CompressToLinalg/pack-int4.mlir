// RUN: compress-opt %s -split-input-file --convert-compress-to-linalg=pack-int4=true | FileCheck %s
// RUN: compress-opt %s -split-input-file --convert-compress-to-linalg | FileCheck %s --check-prefix=PLAIN

// A per-axis 4-bit constant: two nibbles per byte (element 2i low, 2i+1
// high: [1, -2] -> 0xE1, [3, -8] -> 0x83, [7, 0] -> 0x07, [-1, 5] -> 0x5F);
// the quantized dimension, the innermost one, is split in (pairs, 2) in the
// parameters too.
// CHECK-DAG: #[[DATA:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[PARAM:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @per_axis
// CHECK-DAG: %[[BYTES:.*]] = arith.constant dense<{{\[\[}}-31, 7], [-125, 95]]> : tensor<2x2xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 2.500000e-01], [1.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[ZP:.*]] = arith.constant dense<{{\[\[}}0, 1], [0, -1]]> : tensor<2x2xi32>
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[DATA]], #[[PARAM]], #[[PARAM]], #[[ID]]]
// CHECK-SAME: ins(%[[BYTES]], %[[S]], %[[ZP]] : tensor<2x2xi8>, tensor<2x2xf32>, tensor<2x2xi32>)
// CHECK: ^bb0(%[[B:.*]]: i8, %{{.*}}: f32, %{{.*}}: i32, %{{.*}}: f32):
// CHECK:   %[[I:.*]] = linalg.index 2 : index
// CHECK:   %[[LOW:.*]] = arith.cmpi eq, %[[I]], %{{.*}} : index
// CHECK:   %[[AMOUNT:.*]] = arith.select %[[LOW]], %[[C4:.*]], %{{.*}} : i8
// CHECK:   %[[TOP:.*]] = arith.shli %[[B]], %[[AMOUNT]] : i8
// CHECK:   %[[Q:.*]] = arith.shrsi %[[TOP]], %[[C4]] : i8
// CHECK:   arith.extsi %[[Q]] : i8 to i32
// CHECK: tensor.collapse_shape %[[G]] {{\[\[}}0], [1, 2]] : tensor<2x2x2xf32> into tensor<2x4xf32>
// PLAIN-LABEL: func.func @per_axis
// PLAIN: arith.constant dense<{{\[\[}}1, -2, 7, 0], [3, -8, -1, 5]]> : tensor<2x4xi4>
// PLAIN-NOT: linalg.index
func.func @per_axis() -> tensor<2x4xf32> {
  %c = arith.constant dense<[[1, -2, 7, 0], [3, -8, -1, 5]]> : tensor<2x4xi4>
  %q = quant.scast %c : tensor<2x4xi4> to tensor<2x4x!quant.uniform<i4:f32:1, {0.5, 0.25:1, 1.0, 2.0:-1}>>
  %x = compress.dequantize %q : tensor<2x4x!quant.uniform<i4:f32:1, {0.5, 0.25:1, 1.0, 2.0:-1}>> -> tensor<2x4xf32>
  return %x : tensor<2x4xf32>
}

// -----

// Unsigned storage: a logical shift extends the nibble. Sub-channel blocks
// along the innermost dimension (blocks of 4) are split in (blocks, 2, 2).
// CHECK-LABEL: func.func @unsigned_blocks
// CHECK: ins(%{{.*}} : tensor<1x2x2xi8>, tensor<2xf32>, tensor<2xi32>)
// CHECK: arith.shrui
// CHECK: arith.extui
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<1x2x2x2xf32> into tensor<1x8xf32>
func.func @unsigned_blocks() -> tensor<1x8xf32> {
  %c = arith.constant dense<[[1, 15, 7, 0, 3, 8, 12, 5]]> : tensor<1x8xi4>
  %q = quant.scast %c : tensor<1x8xi4> to tensor<1x8x!quant.uniform<u4:f32:{1:4}, {{0.5:8, 0.25:7}}>>
  %x = compress.dequantize %q : tensor<1x8x!quant.uniform<u4:f32:{1:4}, {{0.5:8, 0.25:7}}>> -> tensor<1x8xf32>
  return %x : tensor<1x8xf32>
}

// -----

// 3-bit storage takes a nibble too, sign-extended to 4 bits: [-4, 3] ->
// 0x3C = 60, [-1, 2] -> 0x2F = 47.
// CHECK-LABEL: func.func @three_bits
// CHECK: arith.constant dense<[60, 47]> : tensor<2xi8>
// CHECK: arith.shrsi
// PLAIN-LABEL: func.func @three_bits
// PLAIN: arith.constant dense<[-4, 3, -1, 2]> : tensor<4xi3>
func.func @three_bits() -> tensor<4xf32> {
  %c = arith.constant dense<[-4, 3, -1, 2]> : tensor<4xi3>
  %q = quant.scast %c : tensor<4xi3> to tensor<4x!quant.uniform<i3:f32, 0.5>>
  %x = compress.dequantize %q : tensor<4x!quant.uniform<i3:f32, 0.5>> -> tensor<4xf32>
  return %x : tensor<4xf32>
}

// -----

// An odd innermost dimension stays one nibble per byte (the i4 constant).
// CHECK-LABEL: func.func @odd
// CHECK: arith.constant dense<[1, 2, 3]> : tensor<3xi4>
// CHECK-NOT: linalg.index
func.func @odd() -> tensor<3xf32> {
  %c = arith.constant dense<[1, 2, 3]> : tensor<3xi4>
  %q = quant.scast %c : tensor<3xi4> to tensor<3x!quant.uniform<i4:f32, 0.5>>
  %x = compress.dequantize %q : tensor<3x!quant.uniform<i4:f32, 0.5>> -> tensor<3xf32>
  return %x : tensor<3xf32>
}
