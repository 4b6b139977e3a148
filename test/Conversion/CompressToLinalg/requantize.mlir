// RUN: compress-opt %s -split-input-file -verify-diagnostics --convert-compress-to-linalg | FileCheck %s

// Fixed point, per-tensor: m = 0.125 / 0.5 = 0.25 = 0.5 * 2^-1, so
// M0 = 2^30, no left shift (none is emitted), right shift 1. Everything is
// computed in i64: SaturatingRoundingDoublingHighMul as (acc * M0 + 2^30) >>
// 31 (gemmlowp's nudge and truncating division give the same result);
// RoundingDivideByPOT as (x + 2^(right - 1) + (x < 0 ? -1 : 0)) >> right
// with the offset and the adjustment per channel; + zero point; clamp to
// [qmin, qmax]; truncation to the storage width.
// CHECK-LABEL: func.func @fixed_point_per_tensor
// CHECK-SAME: (%[[ACC:.*]]: tensor<4xi32>) -> tensor<4xi8>
// CHECK: %[[M0:.*]] = arith.constant 1073741824 : i64
// CHECK: %[[RIGHT:.*]] = arith.constant 1 : i64
// CHECK: %[[OFFSET:.*]] = arith.constant 1 : i64
// CHECK: %[[ADJUST:.*]] = arith.constant -1 : i64
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<4xi8>
// CHECK: linalg.generic {{.*}} ins(%[[ACC]] : tensor<4xi32>) outs(%[[EMPTY]] : tensor<4xi8>)
// CHECK: ^bb0(%[[IN:.*]]: i32, %{{.*}}: i8):
// CHECK-NEXT:   %[[WIDE:.*]] = arith.extsi %[[IN]] : i32 to i64
// CHECK-NEXT:   %[[HALF:.*]] = arith.constant 1073741824 : i64
// CHECK-NEXT:   %[[C31:.*]] = arith.constant 31 : i64
// CHECK-NEXT:   %[[PROD:.*]] = arith.muli %[[WIDE]], %[[M0]] : i64
// CHECK-NEXT:   %[[NUDGED:.*]] = arith.addi %[[PROD]], %[[HALF]] : i64
// CHECK-NEXT:   %[[HIGH:.*]] = arith.shrsi %[[NUDGED]], %[[C31]] : i64
// CHECK-NEXT:   %[[C63:.*]] = arith.constant 63 : i64
// CHECK-NEXT:   %[[SIGN:.*]] = arith.shrsi %[[HIGH]], %[[C63]] : i64
// CHECK-NEXT:   %[[NEGADJ:.*]] = arith.andi %[[SIGN]], %[[ADJUST]] : i64
// CHECK-NEXT:   %[[ROUNDED:.*]] = arith.addi %[[HIGH]], %[[OFFSET]] : i64
// CHECK-NEXT:   %[[ADJUSTED:.*]] = arith.addi %[[ROUNDED]], %[[NEGADJ]] : i64
// CHECK-NEXT:   %[[R:.*]] = arith.shrsi %[[ADJUSTED]], %[[RIGHT]] : i64
// CHECK-NEXT:   %[[ZP:.*]] = arith.constant -3 : i64
// CHECK-NEXT:   %[[Y:.*]] = arith.addi %[[R]], %[[ZP]] : i64
// CHECK-NEXT:   %[[LO:.*]] = arith.constant -128 : i64
// CHECK-NEXT:   %[[HI:.*]] = arith.constant 127 : i64
// CHECK-NEXT:   %[[YLO:.*]] = arith.maxsi %[[Y]], %[[LO]] : i64
// CHECK-NEXT:   %[[YHI:.*]] = arith.minsi %[[YLO]], %[[HI]] : i64
// CHECK-NEXT:   %[[T:.*]] = arith.trunci %[[YHI]] : i64 to i8
// CHECK-NEXT:   linalg.yield %[[T]] : i8
func.func @fixed_point_per_tensor(%acc: tensor<4xi32>) -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>> {
  %y = compress.requantize %acc {input_scales = array<f64: 0.125>} : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
}

// -----

// Fixed point, per-channel along axis 1, with clamps: the Q31 multipliers,
// shifts and rounding constants are 1-D constants read through the channel
// dimension; some channels shift left, so the left shift and saturation are
// emitted.
//   m = 0.05 / 0.1 = 0.5:        M0 = 2^30, left 0, right 0
//   m = 0.3 / 0.1 = 3 = 0.75 * 4: M0 = 0.75 * 2^31 = 1610612736, left 2
//   m = 2^40 / 0.1 = 0.625 * 2^44: M0 = 0.625 * 2^31 = 1342177280, shift 44,
//                                   left shift capped at 32
//   m = 1e-12 / 0.1 = 1e-11:     below 2^-32, M0 = 0
// clamp_min 10 and clamp_max 200 narrow [0, 255].
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @fixed_point_per_channel
// CHECK-DAG: %[[M0:.*]] = arith.constant dense<[1073741824, 1610612736, 1342177280, 0]> : tensor<4xi64>
// CHECK-DAG: %[[LEFT:.*]] = arith.constant dense<[0, 2, 32, 0]> : tensor<4xi64>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %[[M0]], %{{.*}}, %{{.*}}, %{{.*}}, %[[LEFT]] : tensor<2x4xi32>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>)
// CHECK: ^bb0(%{{.*}}: i32, %[[BM0:.*]]: i64, %[[BRIGHT:.*]]: i64, %[[BOFFSET:.*]]: i64, %[[BADJUST:.*]]: i64, %[[BLEFT:.*]]: i64, %{{.*}}: i8):
// CHECK: %[[SHL:.*]] = arith.shli %{{.*}}, %[[BLEFT]] : i64
// CHECK: arith.constant -2147483648 : i64
// CHECK: arith.constant 2147483647 : i64
// CHECK: arith.maxsi %[[SHL]]
// CHECK: arith.muli %{{.*}}, %[[BM0]] : i64
// CHECK: arith.andi %{{.*}}, %[[BADJUST]] : i64
// CHECK: arith.addi %{{.*}}, %[[BOFFSET]] : i64
// CHECK: arith.shrsi %{{.*}}, %[[BRIGHT]] : i64
// CHECK: %[[LO:.*]] = arith.constant 10 : i64
// CHECK: %[[HI:.*]] = arith.constant 200 : i64
// CHECK: arith.maxsi %{{.*}}, %[[LO]] : i64
// CHECK: arith.minsi %{{.*}}, %[[HI]] : i64
func.func @fixed_point_per_channel(%acc: tensor<2x4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:128>> {
  %y = compress.requantize %acc {input_scales = array<f64: 0.05, 0.3, 1099511627776.0, 1.0e-12>, axis = 1 : i64, clamp_min = 10 : i64, clamp_max = 200 : i64}
         : tensor<2x4xi32> -> tensor<2x4x!quant.uniform<u8:f32, 0.1:128>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 0.1:128>>
}

// -----

// A signed clamp: clamp_min -10 is read as a signed value (zero point -20).
// CHECK-LABEL: func.func @negative_clamp
// CHECK: %[[LO:.*]] = arith.constant -10 : i64
// CHECK: %[[HI:.*]] = arith.constant 127 : i64
// CHECK: arith.maxsi %{{.*}}, %[[LO]] : i64
// CHECK: arith.minsi %{{.*}}, %[[HI]] : i64
func.func @negative_clamp(%acc: tensor<4xi32>) -> tensor<4x!quant.uniform<i8:f32, 0.5:-20>> {
  %y = compress.requantize %acc {input_scales = array<f64: 0.125>, clamp_min = -10 : i64} : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 0.5:-20>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.5:-20>>
}

// -----

// Float rounding, per-channel: f64 multipliers s_in / s_out, roundeven, zero
// point and clamp in f64, then through i32 to the storage width (u8 values
// above 127 do not convert to i8 directly).
// CHECK-LABEL: func.func @float_per_channel
// CHECK-DAG: %[[M:.*]] = arith.constant dense<[2.500000e-01, 2.000000e+00, 6.000000e+00]> : tensor<3xf64>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[M]] : tensor<2x3xi32>, tensor<3xf64>)
// CHECK: ^bb0(%[[IN:.*]]: i32, %[[MUL:.*]]: f64, %{{.*}}: i8):
// CHECK:   %[[ZP:.*]] = arith.constant 1.280000e+02 : f64
// CHECK:   %[[LO:.*]] = arith.constant 1.300000e+02 : f64
// CHECK:   %[[HI:.*]] = arith.constant 2.550000e+02 : f64
// CHECK:   %[[F:.*]] = arith.sitofp %[[IN]] : i32 to f64
// CHECK:   %[[P:.*]] = arith.mulf %[[F]], %[[MUL]] : f64
// CHECK:   %[[R:.*]] = math.roundeven %[[P]] : f64
// CHECK:   %[[S:.*]] = arith.addf %[[R]], %[[ZP]] : f64
// CHECK:   %[[C1:.*]] = arith.maxnumf %[[S]], %[[LO]] : f64
// CHECK:   %[[C2:.*]] = arith.minnumf %[[C1]], %[[HI]] : f64
// CHECK:   %[[I:.*]] = arith.fptosi %[[C2]] : f64 to i32
// CHECK:   %[[T:.*]] = arith.trunci %[[I]] : i32 to i8
// CHECK:   linalg.yield %[[T]] : i8
func.func @float_per_channel(%acc: tensor<2x3xi32>) -> tensor<2x3x!quant.uniform<u8:f32, 0.5:128>> {
  %y = compress.requantize %acc {input_scales = array<f64: 0.125, 1.0, 3.0>, axis = 1 : i64, rounding = "float", clamp_min = 130 : i64}
         : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<u8:f32, 0.5:128>>
  return %y : tensor<2x3x!quant.uniform<u8:f32, 0.5:128>>
}

// -----

// Dynamic shapes: the result's sizes are read from the accumulator.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%[[ACC:.*]]: tensor<?x3xi32>) -> tensor<?x3xi16>
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[D:.*]] = tensor.dim %[[ACC]], %[[C0]] : tensor<?x3xi32>
// CHECK: tensor.empty(%[[D]]) : tensor<?x3xi16>
// CHECK: arith.trunci %{{.*}} : i64 to i16
func.func @dynamic(%acc: tensor<?x3xi32>) -> tensor<?x3x!quant.uniform<i16:f32, 0.5>> {
  %y = compress.requantize %acc {input_scales = array<f64: 0.125>} : tensor<?x3xi32> -> tensor<?x3x!quant.uniform<i16:f32, 0.5>>
  return %y : tensor<?x3x!quant.uniform<i16:f32, 0.5>>
}

// -----

// A multiplier that overflows f64 has no encoding; the conversion fails.
func.func @multiplier_overflow(%acc: tensor<4xi32>) -> tensor<4x!quant.uniform<i8:f32, 1.0e-30>> {
  // expected-error @+2 {{'compress.requantize' op multiplier 1.000000e+300 / 1.000000e-30 overflows f64}}
  // expected-error @+1 {{failed to legalize operation 'compress.requantize'}}
  %y = compress.requantize %acc {input_scales = array<f64: 1.0e300>} : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0e-30>>
  return %y : tensor<4x!quant.uniform<i8:f32, 1.0e-30>>
}
