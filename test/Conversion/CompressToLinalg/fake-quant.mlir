// RUN: compress-opt %s -split-input-file -verify-diagnostics --convert-compress-to-linalg | FileCheck %s

// Learned per-tensor range (function arguments), u8: one parallel
// linalg.generic reads the 0-D min and max at every point and computes the
// parameters in the body, as the op's description gives them:
//   lo = min(min, 0), hi = max(max, 0)
//   scale = max((hi - lo) / 255, FLT_MIN), or 1 when hi == lo
//   zp = clamp(0 - roundeven(lo / scale), 0, 255), or clamp(0, 0, 255)
//   q = clamp(roundeven(x / scale) + zp, 0, 255), zp for NaN
//   y = (q - zp) * scale
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @per_tensor_learned
// CHECK-SAME: (%[[X:.*]]: tensor<4x16xf32>, %[[MIN:.*]]: tensor<f32>, %[[MAX:.*]]: tensor<f32>) -> tensor<4x16xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x16xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[SCALAR]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[MIN]], %[[MAX]] : tensor<4x16xf32>, tensor<f32>, tensor<f32>) outs(%[[E]] : tensor<4x16xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[LMIN:.*]]: f32, %[[LMAX:.*]]: f32, %{{.*}}: f32):
// CHECK:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:   %[[QMIN:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:   %[[QMAX:.*]] = arith.constant 2.550000e+02 : f32
// CHECK:   %[[TINY:.*]] = arith.constant 1.17549435E-38 : f32
// CHECK:   %[[LO:.*]] = arith.minnumf %[[LMIN]], %[[ZERO]] : f32
// CHECK:   %[[HI:.*]] = arith.maxnumf %[[LMAX]], %[[ZERO]] : f32
// CHECK:   %[[WIDTH:.*]] = arith.subf %[[HI]], %[[LO]] : f32
// CHECK:   %[[STEPS:.*]] = arith.constant 2.550000e+02 : f32
// CHECK:   %[[DIV:.*]] = arith.divf %[[WIDTH]], %[[STEPS]] : f32
// CHECK:   %[[RAWSCALE:.*]] = arith.maxnumf %[[DIV]], %[[TINY]] : f32
// CHECK:   %[[EMPTY:.*]] = arith.cmpf oeq, %[[HI]], %[[LO]] : f32
// CHECK:   %[[SCALE:.*]] = arith.select %[[EMPTY]], %[[ONE]], %[[RAWSCALE]] : f32
// CHECK:   %[[LOS:.*]] = arith.divf %[[LO]], %[[SCALE]] : f32
// CHECK:   %[[SHIFT:.*]] = math.roundeven %[[LOS]] : f32
// CHECK:   %[[ZP0:.*]] = arith.subf %[[QMIN]], %[[SHIFT]] : f32
// CHECK:   %[[ZP1:.*]] = arith.maxnumf %[[ZP0]], %[[QMIN]] : f32
// CHECK:   %[[RAWZP:.*]] = arith.minnumf %[[ZP1]], %[[QMAX]] : f32
// CHECK:   %[[EZP0:.*]] = arith.maxnumf %[[ZERO]], %[[QMIN]] : f32
// CHECK:   %[[EZP:.*]] = arith.minnumf %[[EZP0]], %[[QMAX]] : f32
// CHECK:   %[[ZP:.*]] = arith.select %[[EMPTY]], %[[EZP]], %[[RAWZP]] : f32
// CHECK:   %[[XS:.*]] = arith.divf %[[IN]], %[[SCALE]] : f32
// CHECK:   %[[XR:.*]] = math.roundeven %[[XS]] : f32
// CHECK:   %[[XZ:.*]] = arith.addf %[[XR]], %[[ZP]] : f32
// CHECK:   %[[Q0:.*]] = arith.maxnumf %[[XZ]], %[[QMIN]] : f32
// CHECK:   %[[Q1:.*]] = arith.minnumf %[[Q0]], %[[QMAX]] : f32
// CHECK:   %[[NAN:.*]] = arith.cmpf uno, %[[IN]], %[[IN]] : f32
// CHECK:   %[[Q:.*]] = arith.select %[[NAN]], %[[ZP]], %[[Q1]] : f32
// CHECK:   %[[C:.*]] = arith.subf %[[Q]], %[[ZP]] : f32
// CHECK:   %[[Y:.*]] = arith.mulf %[[C]], %[[SCALE]] : f32
// CHECK:   linalg.yield %[[Y]] : f32
// CHECK: return %[[R]] : tensor<4x16xf32>
// CHECK-NOT: compress.fake_quant
func.func @per_tensor_learned(%x: tensor<4x16xf32>, %min: tensor<f32>, %max: tensor<f32>) -> tensor<4x16xf32> {
  %y = compress.fake_quant %x, %min, %max {bits = 8 : i64} : tensor<4x16xf32>, tensor<f32>
  return %y : tensor<4x16xf32>
}

// -----

// Constant per-axis ranges, signed 8 bits with narrow_range: the lowering
// does not fold constants (--compress-fold-fake-quant does); the 1-D ranges
// are read through the axis dimension, and [qmin, qmax] = [-127, 127], so
// 254 steps.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[AX:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @per_axis_constant
// CHECK-SAME: (%[[W:.*]]: tensor<16x8xf32>) -> tensor<16x8xf32>
// CHECK-DAG: %[[MINS:.*]] = arith.constant dense<-1.000000e+00> : tensor<8xf32>
// CHECK-DAG: %[[MAXS:.*]] = arith.constant dense<2.000000e+00> : tensor<8xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<16x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[AX]], #[[AX]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[W]], %[[MINS]], %[[MAXS]] : tensor<16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%[[E]] : tensor<16x8xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[LMIN:.*]]: f32, %[[LMAX:.*]]: f32, %{{.*}}: f32):
// CHECK:   %[[QMIN:.*]] = arith.constant -1.270000e+02 : f32
// CHECK:   %[[QMAX:.*]] = arith.constant 1.270000e+02 : f32
// CHECK:   arith.minnumf %[[LMIN]], %{{.*}} : f32
// CHECK:   arith.maxnumf %[[LMAX]], %{{.*}} : f32
// CHECK:   %[[STEPS:.*]] = arith.constant 2.540000e+02 : f32
// CHECK:   arith.divf %{{.*}}, %[[STEPS]] : f32
// CHECK:   %[[SHIFT:.*]] = math.roundeven
// CHECK:   arith.subf %[[QMIN]], %[[SHIFT]] : f32
// CHECK:   %[[Q1:.*]] = arith.minnumf %{{.*}}, %[[QMAX]] : f32
// CHECK:   arith.cmpf uno, %[[IN]], %[[IN]] : f32
// CHECK:   linalg.yield
// CHECK-NOT: compress.fake_quant
func.func @per_axis_constant(%w: tensor<16x8xf32>) -> tensor<16x8xf32> {
  %mins = arith.constant dense<-1.0> : tensor<8xf32>
  %maxs = arith.constant dense<2.0> : tensor<8xf32>
  %z = compress.fake_quant %w, %mins, %maxs {bits = 8 : i64, axis = 1 : i64, is_signed, narrow_range} : tensor<16x8xf32>, tensor<8xf32>
  return %z : tensor<16x8xf32>
}

// -----

// Per-axis on the first dimension of a 3-D tensor.
// CHECK-DAG: #[[AX0:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-LABEL: func.func @per_axis_learned_axis0
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[AX0]], #[[AX0]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: tensor<2x3x4xf32>, tensor<2xf32>, tensor<2xf32>
func.func @per_axis_learned_axis0(%x: tensor<2x3x4xf32>, %mins: tensor<2xf32>, %maxs: tensor<2xf32>) -> tensor<2x3x4xf32> {
  %y = compress.fake_quant %x, %mins, %maxs {bits = 8 : i64, axis = 0 : i64, is_signed} : tensor<2x3x4xf32>, tensor<2xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// f16 inputs with a dynamic dimension: the output is sized from the input,
// the element is extended to f32 before and truncated after; 4 signed bits
// give [-8, 7] in 15 steps.
// CHECK-LABEL: func.func @f16_dynamic_4bit
// CHECK-SAME: (%[[X:.*]]: tensor<?x3xf16>, %[[MIN:.*]]: tensor<f32>, %[[MAX:.*]]: tensor<f32>) -> tensor<?x3xf16>
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[DIM:.*]] = tensor.dim %[[X]], %[[C0]] : tensor<?x3xf16>
// CHECK: %[[E:.*]] = tensor.empty(%[[DIM]]) : tensor<?x3xf16>
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[X]], %[[MIN]], %[[MAX]] : tensor<?x3xf16>, tensor<f32>, tensor<f32>) outs(%[[E]] : tensor<?x3xf16>)
// CHECK: ^bb0(%[[IN:.*]]: f16, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f16):
// CHECK:   %[[WIDE:.*]] = arith.extf %[[IN]] : f16 to f32
// CHECK:   arith.constant -8.000000e+00 : f32
// CHECK:   arith.constant 7.000000e+00 : f32
// CHECK:   arith.constant 1.500000e+01 : f32
// CHECK:   arith.divf %[[WIDE]], %{{.*}} : f32
// CHECK:   arith.cmpf uno, %[[WIDE]], %[[WIDE]] : f32
// CHECK:   %[[Y:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK:   %[[NARROW:.*]] = arith.truncf %[[Y]] : f32 to f16
// CHECK:   linalg.yield %[[NARROW]] : f16
func.func @f16_dynamic_4bit(%x: tensor<?x3xf16>, %min: tensor<f32>, %max: tensor<f32>) -> tensor<?x3xf16> {
  %y = compress.fake_quant %x, %min, %max {bits = 4 : i64, is_signed} : tensor<?x3xf16>, tensor<f32>
  return %y : tensor<?x3xf16>
}
