// RUN: compress-opt %s -split-input-file -verify-diagnostics --convert-compress-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @quantize_per_tensor
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>) -> tensor<4xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[ZP:.*]] = arith.constant -3.000000e+00 : f32
// CHECK-DAG: %[[E:.*]] = tensor.empty() : tensor<4xi8>
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<4xf32>) outs(%[[E]] : tensor<4xi8>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: i8):
// CHECK:   %[[D:.*]] = arith.divf %[[IN]], %[[S]] : f32
// CHECK:   %[[RE:.*]] = math.roundeven %[[D]] : f32
// CHECK:   %[[A:.*]] = arith.addf %[[RE]], %[[ZP]] : f32
// CHECK-DAG: %[[LO:.*]] = arith.constant -1.280000e+02 : f32
// CHECK-DAG: %[[HI:.*]] = arith.constant 1.270000e+02 : f32
// CHECK:   %[[MX:.*]] = arith.maxnumf %[[A]], %[[LO]] : f32
// CHECK:   %[[MN:.*]] = arith.minnumf %[[MX]], %[[HI]] : f32
// CHECK:   %[[NAN:.*]] = arith.cmpf uno, %[[IN]], %[[IN]] : f32
// CHECK:   %[[SEL:.*]] = arith.select %[[NAN]], %[[ZP]], %[[MN]] : f32
// CHECK:   %[[Q:.*]] = arith.fptosi %[[SEL]] : f32 to i8
// CHECK:   linalg.yield %[[Q]] : i8
// CHECK: return %[[R]] : tensor<4xi8>
func.func @quantize_per_tensor(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>> {
  %q = compress.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
}

// -----

// u8 storage converts with fptoui and reads back with extui; f16 is extended
// to f32 before the division.
// CHECK-LABEL: func.func @u8_f16
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.fptoui %{{.*}} : f32 to i8
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.subi
// CHECK: arith.sitofp %{{.*}} : i32 to f32
// CHECK: arith.mulf
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @u8_f16(%x: tensor<4xf16>) -> tensor<4xf16> {
  %q = compress.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<u8:f16, 0.5:128>>
  %d = compress.dequantize %q : tensor<4x!quant.uniform<u8:f16, 0.5:128>> -> tensor<4xf16>
  return %d : tensor<4xf16>
}

// -----

// Per-axis parameters are 1-D tensors read through the quantized dimension.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[AX:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @dequantize_per_axis
// CHECK-SAME: (%[[Q:.*]]: tensor<2x3x?xi8>) -> tensor<2x3x?xf32>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<[1.000000e-01, 2.000000e-01, 3.000000e-01]> : tensor<3xf32>
// CHECK-DAG: %[[ZP:.*]] = arith.constant dense<[0, 5, -2]> : tensor<3xi32>
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK: %[[DIM:.*]] = tensor.dim %[[Q]], %[[C2]]
// CHECK: %[[E:.*]] = tensor.empty(%[[DIM]]) : tensor<2x3x?xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[AX]], #[[AX]], #[[ID]]]
// CHECK-SAME: ins(%[[Q]], %[[S]], %[[ZP]] : tensor<2x3x?xi8>, tensor<3xf32>, tensor<3xi32>)
// CHECK: ^bb0(%[[IN:.*]]: i8, %[[SC:.*]]: f32, %[[Z:.*]]: i32, %{{.*}}: f32):
// CHECK:   %[[W:.*]] = arith.extsi %[[IN]] : i8 to i32
// CHECK:   %[[C:.*]] = arith.subi %[[W]], %[[Z]] : i32
// CHECK:   %[[F:.*]] = arith.sitofp %[[C]] : i32 to f32
// CHECK:   %[[M:.*]] = arith.mulf %[[F]], %[[SC]] : f32
// CHECK:   linalg.yield %[[M]] : f32
func.func @dequantize_per_axis(%q: tensor<2x3x?x!quant.uniform<i8:f32:1, {0.1, 0.2:5, 0.3:-2}>>) -> tensor<2x3x?xf32> {
  %x = compress.dequantize %q : tensor<2x3x?x!quant.uniform<i8:f32:1, {0.1, 0.2:5, 0.3:-2}>> -> tensor<2x3x?xf32>
  return %x : tensor<2x3x?xf32>
}

// -----

// Sub-channel parameters: each blocked dimension is split into (blocks,
// block size) so that the parameter tensors (their unit dimensions dropped)
// are read through a projected permutation; the result is collapsed back.
// Here dimension 0 (8) in blocks of 4, dimension 1 per index (block 1) and
// dimension 2 (whole) sharing its parameters.
// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[BLK:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2)>
// CHECK-LABEL: func.func @dequantize_sub_channel
// CHECK-SAME: (%[[Q:.*]]: tensor<8x2x3xi4>) -> tensor<8x2x3xf32>
// CHECK: %[[X:.*]] = tensor.expand_shape %[[Q]] {{\[\[}}0, 1], [2], [3]] output_shape [2, 4, 2, 3] : tensor<8x2x3xi4> into tensor<2x4x2x3xi4>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<{{\[\[}}1.000000e-01, 2.000000e-01], [3.000000e-01, 4.000000e-01]]> : tensor<2x2xf32>
// CHECK-DAG: %[[ZP:.*]] = arith.constant dense<{{\[\[}}0, 1], [-1, 0]]> : tensor<2x2xi32>
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[ID4]], #[[BLK]], #[[BLK]], #[[ID4]]]
// CHECK-SAME: ins(%[[X]], %[[S]], %[[ZP]] : tensor<2x4x2x3xi4>, tensor<2x2xf32>, tensor<2x2xi32>)
// CHECK: arith.subi
// CHECK: arith.mulf
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[G]] {{\[\[}}0, 1], [2], [3]] : tensor<2x4x2x3xf32> into tensor<8x2x3xf32>
// CHECK: return %[[R]]
!sub = !quant.uniform<i4:f32:{0:4, 1:1}, {{{0.1}, {0.2:1}}, {{0.3:-1}, {0.4}}}>
func.func @dequantize_sub_channel(%q: tensor<8x2x3x!sub>) -> tensor<8x2x3xf32> {
  %x = compress.dequantize %q : tensor<8x2x3x!sub> -> tensor<8x2x3xf32>
  return %x : tensor<8x2x3xf32>
}

// -----

// Quantizing to a sub-channel type reads the same parameter tensors.
// CHECK-LABEL: func.func @quantize_sub_channel
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [3, 2, 2] : tensor<3x4xf32> into tensor<3x2x2xf32>
// CHECK: linalg.generic
// CHECK-SAME: tensor<3x2x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>
// CHECK: math.roundeven
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2]] : tensor<3x2x2xi8> into tensor<3x4xi8>
!sub2 = !quant.uniform<i8:f32:{0:1, 1:2}, {{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}>
func.func @quantize_sub_channel(%x: tensor<3x4xf32>) -> tensor<3x4x!sub2> {
  %q = compress.quantize %x : tensor<3x4xf32> -> tensor<3x4x!sub2>
  return %q : tensor<3x4x!sub2>
}

// -----

// Quantized constants (quant.scast of storage integers) become the integers.
// CHECK-LABEL: func.func @quantized_constant
// CHECK: %[[C:.*]] = arith.constant dense<[1, -2]> : tensor<2xi8>
// CHECK-NOT: quant.scast
// CHECK: linalg.generic {{.*}} ins(%[[C]] : tensor<2xi8>)
func.func @quantized_constant() -> tensor<2xf32> {
  %c = arith.constant dense<[1, -2]> : tensor<2xi8>
  %q = quant.scast %c : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.5>>
  %x = compress.dequantize %q : tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<2xf32>
  return %x : tensor<2xf32>
}

// -----

// Calls, returns and shape-only tensor ops are retyped to storage tensors.
// CHECK-LABEL: func.func private @callee(tensor<2x2xi8>) -> tensor<4xi8>
// CHECK-LABEL: func.func @calls_and_reshapes
// CHECK-SAME: (%[[A:.*]]: tensor<2x2xi8>) -> (tensor<2x2xi8>, tensor<8xi8>)
// CHECK: %[[R:.*]] = call @callee(%[[A]]) : (tensor<2x2xi8>) -> tensor<4xi8>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[R]] {{\[\[}}0, 1]] output_shape [2, 2] : tensor<4xi8> into tensor<2x2xi8>
// CHECK: %[[C:.*]] = tensor.concat dim(0) %[[R]], %[[R]] : (tensor<4xi8>, tensor<4xi8>) -> tensor<8xi8>
// CHECK: return %[[E]], %[[C]] : tensor<2x2xi8>, tensor<8xi8>
!q = !quant.uniform<i8:f32, 0.5>
func.func private @callee(tensor<2x2x!q>) -> tensor<4x!q>
func.func @calls_and_reshapes(%a: tensor<2x2x!q>) -> (tensor<2x2x!q>, tensor<8x!q>) {
  %r = call @callee(%a) : (tensor<2x2x!q>) -> tensor<4x!q>
  %e = tensor.expand_shape %r [[0, 1]] output_shape [2, 2] : tensor<4x!q> into tensor<2x2x!q>
  %c = tensor.concat dim(0) %r, %r : (tensor<4x!q>, tensor<4x!q>) -> tensor<8x!q>
  return %e, %c : tensor<2x2x!q>, tensor<8x!q>
}

// -----

// An op that computes on quantized values without a lowering is an error,
// not a silently wrong program.
func.func @unsupported_user(%a: tensor<2x!quant.uniform<i8:f32, 0.5>>) -> tensor<3x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{failed to legalize operation 'tensor.pad'}}
  %p = tensor.pad %a low[0] high[1] {
  ^bb0(%i: index):
    %z = arith.constant 0 : i8
    %zq = quant.scast %z : i8 to !quant.uniform<i8:f32, 0.5>
    tensor.yield %zq : !quant.uniform<i8:f32, 0.5>
  } : tensor<2x!quant.uniform<i8:f32, 0.5>> to tensor<3x!quant.uniform<i8:f32, 0.5>>
  return %p : tensor<3x!quant.uniform<i8:f32, 0.5>>
}
