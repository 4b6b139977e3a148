// RUN: compress-opt %s -split-input-file -verify-diagnostics --compress-fuse-qdq \
// RUN:   | FileCheck %s
// RUN: compress-opt %s -split-input-file -verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(compress-fuse-qdq{rounding=float})' \
// RUN:   | FileCheck %s --check-prefix=FLOAT
// RUN: not compress-opt %s -split-input-file \
// RUN:   --pass-pipeline='builtin.module(compress-fuse-qdq{rounding=nearest})' \
// RUN:   2>&1 | FileCheck %s --check-prefix=OPTION

// OPTION: for the --rounding option: Cannot find option named 'nearest'!

// Expected integers are worked out by hand in the comments of each case.

!qx = !quant.uniform<u8:f32, 0.5:10>
!qw = !quant.uniform<i8<-127:127>:f32:1, {0.25, 0.125, 1.0}>
!qy = !quant.uniform<u8:f32, 0.75:5>
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// u8 activations (zx = 10) x per-channel i8 weights, bias, ReLU.
// Column sums of w: 2, 22, 18, so the zero-point term -10 * sum is
// -20, -220, -180. Bias / (0.5 * s_w): 0.5 / 0.125 = 4, -1 / 0.0625 = -16,
// 2 / 0.5 = 4. Offsets: -16, -236, -176. ReLU: clamp_min = zero point 5.
// CHECK-DAG: #[[BCAST:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul_u8_bias_relu
// CHECK-SAME: (%[[XQ:.*]]: tensor<2x4x!quant.uniform<u8:f32, 5.000000e-01:10>>)
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[}}[1, -2, 3], [4, 5, -6], [7, 8, 9], [-10, 11, 12]]> : tensor<4x3xi8>
// CHECK-DAG: %[[X:.*]] = quant.scast %[[XQ]] : tensor<2x4x!quant.uniform<u8:f32, 5.000000e-01:10>> to tensor<2x4xi8>
// CHECK-DAG: %[[EMPTY:.*]] = tensor.empty() : tensor<2x3xi32>
// CHECK-DAG: %[[OFFSET:.*]] = arith.constant dense<[-16, -236, -176]> : tensor<3xi32>
// CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [#[[BCAST]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[OFFSET]] : tensor<3xi32>) outs(%[[EMPTY]] : tensor<2x3xi32>)
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %[[W]] : tensor<2x4xi8>, tensor<4x3xi8>) outs(%[[INIT]] : tensor<2x3xi32>)
// CHECK: ^bb0(%[[A:.*]]: i8, %[[B:.*]]: i8, %[[C:.*]]: i32):
// CHECK-NEXT: %[[AE:.*]] = arith.extui %[[A]] : i8 to i32
// CHECK-NEXT: %[[BE:.*]] = arith.extsi %[[B]] : i8 to i32
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[AE]], %[[BE]] : i32
// CHECK-NEXT: %[[S:.*]] = arith.addi %[[C]], %[[P]] : i32
// CHECK-NEXT: linalg.yield %[[S]] : i32
// CHECK: %[[Y:.*]] = compress.requantize %[[ACC]] {axis = 1 : i64, clamp_min = 5 : i64, input_scales = array<f64: 1.250000e-01, 6.250000e-02, 5.000000e-01>} : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<u8:f32, 7.500000e-01:5>>
// CHECK-NEXT: return %[[Y]]
// CHECK-NOT: compress.dequantize
// FLOAT-LABEL: func.func @matmul_u8_bias_relu
// FLOAT: compress.requantize %{{.*}} {axis = 1 : i64, clamp_min = 5 : i64, input_scales = array<f64: 1.250000e-01, 6.250000e-02, 5.000000e-01>, rounding = "float"}
func.func @matmul_u8_bias_relu(%xq: tensor<2x4x!qx>) -> tensor<2x3x!qy> {
  %xd = compress.dequantize %xq : tensor<2x4x!qx> -> tensor<2x4xf32>
  %c = arith.constant dense<[[1, -2, 3], [4, 5, -6], [7, 8, 9], [-10, 11, 12]]> : tensor<4x3xi8>
  %wq = quant.scast %c : tensor<4x3xi8> to tensor<4x3x!qw>
  %wd = compress.dequantize %wq : tensor<4x3x!qw> -> tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<2x4xf32>, tensor<4x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  %bias = arith.constant dense<[0.5, -1.0, 2.0]> : tensor<3xf32>
  %b = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %bias : tensor<2x3xf32>, tensor<3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %s = arith.addf %a, %bb : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  %yq = compress.quantize %b : tensor<2x3xf32> -> tensor<2x3x!qy>
  return %yq : tensor<2x3x!qy>
}

// -----

// i8 activations with zero point 0, no bias, no activation: the accumulator
// starts at 0 (a fill), the requantization has no clamp.
// CHECK-LABEL: func.func @matmul_i8_no_epilogue
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-DAG: %[[EMPTY:.*]] = tensor.empty() : tensor<2x3xi32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : i32) outs(%[[EMPTY]] : tensor<2x3xi32>)
// CHECK: linalg.generic {{.*}} outs(%[[INIT]] : tensor<2x3xi32>)
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK-NEXT: arith.extsi %{{.*}} : i8 to i32
// CHECK: compress.requantize %{{.*}} {axis = 1 : i64, input_scales = array<f64: 1.250000e-01, 6.250000e-02, 5.000000e-01>} : tensor<2x3xi32> -> tensor<2x3x!quant.uniform<i8:f32, 2.500000e-01>>
func.func @matmul_i8_no_epilogue(%xq: tensor<2x4x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.25>> {
  %xd = compress.dequantize %xq : tensor<2x4x!quant.uniform<i8:f32, 0.5>> -> tensor<2x4xf32>
  %c = arith.constant dense<[[1, -2, 3], [4, 5, -6], [7, 8, 9], [-10, 11, 12]]> : tensor<4x3xi8>
  %wq = quant.scast %c : tensor<4x3xi8> to tensor<4x3x!quant.uniform<i8<-127:127>:f32:1, {0.25, 0.125, 1.0}>>
  %wd = compress.dequantize %wq : tensor<4x3x!quant.uniform<i8<-127:127>:f32:1, {0.25, 0.125, 1.0}>> -> tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<2x4xf32>, tensor<4x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  %yq = compress.quantize %m : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 0.25>>
  return %yq : tensor<2x3x!quant.uniform<i8:f32, 0.25>>
}

// -----

// ReLU6 as max(0) then min(6): clamp_min = quantize(0) = 3,
// clamp_max = quantize(6) = round(6 / 0.05) + 3 = 123. Per-tensor weight
// scale 0.5: one input scale 0.25 * 0.5 = 0.125, no axis. A bias given as a
// scalar constant inside the body: 0.3 / 0.125 = 2.4 -> 2; with zx = 0 the
// offset is 2 everywhere.
// CHECK-LABEL: func.func @relu6_per_tensor_scalar_bias
// CHECK: %[[OFFSET:.*]] = arith.constant dense<2> : tensor<2xi32>
// CHECK: linalg.generic {{.*}} ins(%[[OFFSET]] : tensor<2xi32>)
// CHECK: compress.requantize %{{.*}} {clamp_max = 123 : i64, clamp_min = 3 : i64, input_scales = array<f64: 1.250000e-01>} : tensor<1x2xi32> -> tensor<1x2x!quant.uniform<u8:f32, 5.000000e-02:3>>
func.func @relu6_per_tensor_scalar_bias(%xq: tensor<1x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x!quant.uniform<u8:f32, 0.05:3>> {
  %xd = compress.dequantize %xq : tensor<1x2x!quant.uniform<i8:f32, 0.25>> -> tensor<1x2xf32>
  %c = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8<-127:127>:f32, 0.5>>
  %wd = compress.dequantize %wq : tensor<2x2x!quant.uniform<i8<-127:127>:f32, 0.5>> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<1x2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    %bias = arith.constant 0.3 : f32
    %s = arith.addf %bias, %a : f32
    %r = arith.maximumf %s, %zero : f32
    %r6 = arith.minimumf %r, %six : f32
    linalg.yield %r6 : f32
  } -> tensor<1x2xf32>
  %yq = compress.quantize %b : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<u8:f32, 0.05:3>>
  return %yq : tensor<1x2x!quant.uniform<u8:f32, 0.05:3>>
}

// -----

// The bias is rounded half to even in units of s_x * s_w = 0.125:
// b / 0.125 = 3.5, -2.4, 2.5, -3.5, 0.6 -> 4, -2, 2, -4, 1 (zx = 0).
// CHECK-LABEL: func.func @bias_rounding
// CHECK: arith.constant dense<[4, -2, 2, -4, 1]> : tensor<5xi32>
func.func @bias_rounding(%xq: tensor<1x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x5x!quant.uniform<i8:f32, 0.125>> {
  %xd = compress.dequantize %xq : tensor<1x2x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2xf32>
  %c = arith.constant dense<1> : tensor<2x5xi8>
  %wq = quant.scast %c : tensor<2x5xi8> to tensor<2x5x!quant.uniform<i8<-127:127>:f32, 0.25>>
  %wd = compress.dequantize %wq : tensor<2x5x!quant.uniform<i8<-127:127>:f32, 0.25>> -> tensor<2x5xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x5xf32>) -> tensor<1x5xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x5xf32>) outs(%f : tensor<1x5xf32>) -> tensor<1x5xf32>
  %bias = arith.constant dense<[0.4375, -0.3, 0.3125, -0.4375, 0.075]> : tensor<5xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m, %bias : tensor<1x5xf32>, tensor<5xf32>) outs(%e : tensor<1x5xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %s = arith.addf %a, %bb : f32
    linalg.yield %s : f32
  } -> tensor<1x5xf32>
  %yq = compress.quantize %b : tensor<1x5xf32> -> tensor<1x5x!quant.uniform<i8:f32, 0.125>>
  return %yq : tensor<1x5x!quant.uniform<i8:f32, 0.125>>
}

// -----

// A clamp spread over two generics (min then max, the first one updating the
// matmul's result in place): clamp(y, -0.5, 0.25) on a u8 output with scale
// 0.125 and zero point 100: bounds -4 + 100 = 96 and 2 + 100 = 102.
// CHECK-LABEL: func.func @clamp_in_two_generics
// CHECK-NOT: linalg.generic {{.*}} f32
// CHECK: compress.requantize %{{.*}} {clamp_max = 102 : i64, clamp_min = 96 : i64, input_scales = array<f64: 1.250000e-01>}
func.func @clamp_in_two_generics(%xq: tensor<1x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x!quant.uniform<u8:f32, 0.125:100>> {
  %xd = compress.dequantize %xq : tensor<1x2x!quant.uniform<i8:f32, 0.25>> -> tensor<1x2xf32>
  %c = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8<-127:127>:f32, 0.5>>
  %wd = compress.dequantize %wq : tensor<2x2x!quant.uniform<i8<-127:127>:f32, 0.5>> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %hi = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      outs(%m : tensor<1x2xf32>) {
  ^bb0(%a: f32):
    %bound = arith.constant 0.25 : f32
    %r = arith.minnumf %a, %bound : f32
    linalg.yield %r : f32
  } -> tensor<1x2xf32>
  %lo = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%hi : tensor<1x2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    %bound = arith.constant -0.5 : f32
    %r = arith.maxnumf %a, %bound : f32
    linalg.yield %r : f32
  } -> tensor<1x2xf32>
  %yq = compress.quantize %lo : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<u8:f32, 0.125:100>>
  return %yq : tensor<1x2x!quant.uniform<u8:f32, 0.125:100>>
}

// -----

// Weight zero points 0, 5, -7 per column: the kernel multiplies by w - zw,
// which needs i16 (the first column holds -127 - 0, the third 127 + 7 = 134).
// Column sums of w - zw: 0: -127 + 1 = -126; 1: (2 - 5) + (3 - 5) = -5;
// 2: (127 + 7) + (4 + 7) = 145. zx = 2: offsets 252, 10, -290.
// CHECK-LABEL: func.func @weight_zero_points
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[}}[-127, -3, 134], [1, -2, 11]]> : tensor<2x3xi16>
// CHECK-DAG: %[[OFFSET:.*]] = arith.constant dense<[252, 10, -290]> : tensor<3xi32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[W]] : tensor<1x2xi8>, tensor<2x3xi16>)
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK-NEXT: arith.extsi %{{.*}} : i16 to i32
func.func @weight_zero_points(%xq: tensor<1x2x!quant.uniform<u8:f32, 0.5:2>>) -> tensor<1x3x!quant.uniform<u8:f32, 0.5>> {
  %xd = compress.dequantize %xq : tensor<1x2x!quant.uniform<u8:f32, 0.5:2>> -> tensor<1x2xf32>
  %c = arith.constant dense<[[-127, 2, 127], [1, 3, 4]]> : tensor<2x3xi8>
  %wq = quant.scast %c : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:1, {0.1:0, 0.2:5, 0.3:-7}>>
  %wd = compress.dequantize %wq : tensor<2x3x!quant.uniform<i8:f32:1, {0.1:0, 0.2:5, 0.3:-7}>> -> tensor<2x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x3xf32>) outs(%f : tensor<1x3xf32>) -> tensor<1x3xf32>
  %yq = compress.quantize %m : tensor<1x3xf32> -> tensor<1x3x!quant.uniform<u8:f32, 0.5>>
  return %yq : tensor<1x3x!quant.uniform<u8:f32, 0.5>>
}

// -----

// matvec: the weight is the left operand and its channel (axis 0) is the
// output's only dimension. Row sums 3 and -1, zx = 4: offsets -12, 4.
// CHECK-LABEL: func.func @matvec_weight_lhs
// CHECK: %[[OFFSET:.*]] = arith.constant dense<[-12, 4]> : tensor<2xi32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<2x2xi8>, tensor<2xi8>)
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK-NEXT: arith.extui %{{.*}} : i8 to i32
// CHECK: compress.requantize %{{.*}} {axis = 0 : i64, input_scales = array<f64: 1.000000e-01, 2.000000e-01>} : tensor<2xi32>
func.func @matvec_weight_lhs(%xq: tensor<2x!quant.uniform<u8:f32, 1.0:4>>) -> tensor<2x!quant.uniform<u8:f32, 0.5>> {
  %xd = compress.dequantize %xq : tensor<2x!quant.uniform<u8:f32, 1.0:4>> -> tensor<2xf32>
  %c = arith.constant dense<[[1, 2], [-3, 2]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>>
  %wd = compress.dequantize %wq : tensor<2x2x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2xf32>) -> tensor<2xf32>
  %m = linalg.matvec ins(%wd, %xd : tensor<2x2xf32>, tensor<2xf32>) outs(%f : tensor<2xf32>) -> tensor<2xf32>
  %yq = compress.quantize %m : tensor<2xf32> -> tensor<2x!quant.uniform<u8:f32, 0.5>>
  return %yq : tensor<2x!quant.uniform<u8:f32, 0.5>>
}

// -----

// A transposed weight (N x K through indexing_maps): the kernel keeps the
// maps, the channel is weight axis 0 = output dimension 1. Row sums 3, -1;
// zx = 2: offsets -6, 2.
// CHECK-DAG: #[[WT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @matmul_transposed_weight
// CHECK: arith.constant dense<[-6, 2]> : tensor<2xi32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[WT]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<3x2xi8>, tensor<2x2xi8>)
// CHECK: compress.requantize %{{.*}} {axis = 1 : i64, input_scales = array<f64: 1.000000e-01, 2.000000e-01>} : tensor<3x2xi32>
func.func @matmul_transposed_weight(%xq: tensor<3x2x!quant.uniform<u8:f32, 1.0:2>>) -> tensor<3x2x!quant.uniform<u8:f32, 0.5>> {
  %xd = compress.dequantize %xq : tensor<3x2x!quant.uniform<u8:f32, 1.0:2>> -> tensor<3x2xf32>
  %c = arith.constant dense<[[1, 2], [-3, 2]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>>
  %wd = compress.dequantize %wq : tensor<2x2x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<3x2xf32>) -> tensor<3x2xf32>
  %m = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
         ins(%xd, %wd : tensor<3x2xf32>, tensor<2x2xf32>) outs(%f : tensor<3x2xf32>) -> tensor<3x2xf32>
  %yq = compress.quantize %m : tensor<3x2xf32> -> tensor<3x2x!quant.uniform<u8:f32, 0.5>>
  return %yq : tensor<3x2x!quant.uniform<u8:f32, 0.5>>
}

// -----

// batch_matmul with a 3-D constant weight: the correction depends on the
// batch and the column, so the offset is a 2x2 constant read through
// (d0, d2). Sums over K: [[3, -1], [0, 7]]; zx = 1.
// CHECK-DAG: #[[BATCH_COL:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @batch_matmul
// CHECK: %[[OFFSET:.*]] = arith.constant dense<{{\[}}[-3, 1], [0, -7]]> : tensor<2x2xi32>
// CHECK: linalg.generic {indexing_maps = [#[[BATCH_COL]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[OFFSET]]
// CHECK: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK: compress.requantize %{{.*}} {axis = 2 : i64, input_scales = array<f64: 1.000000e-01, 2.000000e-01>} : tensor<2x3x2xi32>
func.func @batch_matmul(%xq: tensor<2x3x2x!quant.uniform<u8:f32, 1.0:1>>) -> tensor<2x3x2x!quant.uniform<u8:f32, 0.5>> {
  %xd = compress.dequantize %xq : tensor<2x3x2x!quant.uniform<u8:f32, 1.0:1>> -> tensor<2x3x2xf32>
  %c = arith.constant dense<[[[1, 2], [2, -3]], [[0, 3], [0, 4]]]> : tensor<2x2x2xi8>
  %wq = quant.scast %c : tensor<2x2x2xi8> to tensor<2x2x2x!quant.uniform<i8<-127:127>:f32:2, {0.1, 0.2}>>
  %wd = compress.dequantize %wq : tensor<2x2x2x!quant.uniform<i8<-127:127>:f32:2, {0.1, 0.2}>> -> tensor<2x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  %m = linalg.batch_matmul ins(%xd, %wd : tensor<2x3x2xf32>, tensor<2x2x2xf32>) outs(%f : tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  %yq = compress.quantize %m : tensor<2x3x2xf32> -> tensor<2x3x2x!quant.uniform<u8:f32, 0.5>>
  return %yq : tensor<2x3x2x!quant.uniform<u8:f32, 0.5>>
}

// -----

// Two activations (no constant operand): both zero points are subtracted in
// the kernel, and a dynamic batch size is read from the left operand.
// CHECK-LABEL: func.func @two_activations_dynamic
// CHECK-SAME: (%[[A:.*]]: tensor<?x4x!quant.uniform<u8:f32, 5.000000e-01:3>>, %[[B:.*]]: tensor<4x2x!quant.uniform<i8:f32, 2.500000e-01:-2>>)
// CHECK-DAG: %[[AS:.*]] = quant.scast %[[A]] {{.*}} to tensor<?x4xi8>
// CHECK-DAG: %[[BS:.*]] = quant.scast %[[B]] {{.*}} to tensor<4x2xi8>
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[DIM:.*]] = tensor.dim %[[AS]], %[[C0]] : tensor<?x4xi8>
// CHECK: %[[EMPTY:.*]] = tensor.empty(%[[DIM]]) : tensor<?x2xi32>
// CHECK: linalg.generic {{.*}} ins(%[[AS]], %[[BS]] : tensor<?x4xi8>, tensor<4x2xi8>)
// CHECK: %[[AE:.*]] = arith.extui %{{.*}} : i8 to i32
// CHECK-NEXT: %[[ZA:.*]] = arith.constant 3 : i32
// CHECK-NEXT: %[[AC:.*]] = arith.subi %[[AE]], %[[ZA]] : i32
// CHECK-NEXT: %[[BE:.*]] = arith.extsi %{{.*}} : i8 to i32
// CHECK-NEXT: %[[ZB:.*]] = arith.constant -2 : i32
// CHECK-NEXT: %[[BC:.*]] = arith.subi %[[BE]], %[[ZB]] : i32
// CHECK-NEXT: arith.muli %[[AC]], %[[BC]] : i32
// CHECK: compress.requantize %{{.*}} {input_scales = array<f64: 1.250000e-01>} : tensor<?x2xi32> -> tensor<?x2x!quant.uniform<i8:f32, 1.000000e+00>>
func.func @two_activations_dynamic(%a: tensor<?x4x!quant.uniform<u8:f32, 0.5:3>>, %b: tensor<4x2x!quant.uniform<i8:f32, 0.25:-2>>) -> tensor<?x2x!quant.uniform<i8:f32, 1.0>> {
  %ad = compress.dequantize %a : tensor<?x4x!quant.uniform<u8:f32, 0.5:3>> -> tensor<?x4xf32>
  %bd = compress.dequantize %b : tensor<4x2x!quant.uniform<i8:f32, 0.25:-2>> -> tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %ad, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %m = linalg.matmul ins(%ad, %bd : tensor<?x4xf32>, tensor<4x2xf32>) outs(%f : tensor<?x2xf32>) -> tensor<?x2xf32>
  %yq = compress.quantize %m : tensor<?x2xf32> -> tensor<?x2x!quant.uniform<i8:f32, 1.0>>
  return %yq : tensor<?x2x!quant.uniform<i8:f32, 1.0>>
}

// -----

// conv_2d_nhwc_hwcf with stride 2: the kernel keeps the convolution's maps;
// the offset is per output channel F (sum over KH, KW, C of the filter:
// 1 + 2 + 3 + 4 = 10 and -4, zx = 5: -50 and 20).
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 * 2 + d4, d2 * 2 + d5, d6)>
// CHECK-DAG: #[[FILTER:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
// CHECK-LABEL: func.func @conv_nhwc
// CHECK: %[[OFFSET:.*]] = arith.constant dense<[-50, 20]> : tensor<2xi32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[FILTER]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK: compress.requantize %{{.*}} {axis = 3 : i64, input_scales = array<f64: 1.000000e-01, 2.000000e-01>} : tensor<1x2x2x2xi32>
func.func @conv_nhwc(%xq: tensor<1x5x5x1x!quant.uniform<u8:f32, 1.0:5>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.5>> {
  %xd = compress.dequantize %xq : tensor<1x5x5x1x!quant.uniform<u8:f32, 1.0:5>> -> tensor<1x5x5x1xf32>
  %c = arith.constant dense<[[[[1, -1]], [[2, -1]]], [[[3, -1]], [[4, -1]]]]> : tensor<2x2x1x2xi8>
  %wq = quant.scast %c : tensor<2x2x1x2xi8> to tensor<2x2x1x2x!quant.uniform<i8<-127:127>:f32:3, {0.1, 0.2}>>
  %wd = compress.dequantize %wq : tensor<2x2x1x2x!quant.uniform<i8<-127:127>:f32:3, {0.1, 0.2}>> -> tensor<2x2x1x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %m = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
         ins(%xd, %wd : tensor<1x5x5x1xf32>, tensor<2x2x1x2xf32>) outs(%f : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %yq = compress.quantize %m : tensor<1x2x2x2xf32> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.5>>
  return %yq : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.5>>
}

// -----

// conv_2d_nchw_fchw: the output channel is dimension 1 of the result; the
// bias generic reads it through (d1). Filter sums 6 and 0, zx = 2; bias
// 0.25 / 0.05 = 5 and -0.5 / 0.1 = -5: offsets -7, -5.
// CHECK-DAG: #[[CHANNEL:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @conv_nchw
// CHECK: %[[OFFSET:.*]] = arith.constant dense<[-7, -5]> : tensor<2xi32>
// CHECK: linalg.generic {indexing_maps = [#[[CHANNEL]], #{{.*}}], {{.*}} ins(%[[OFFSET]]
// CHECK: compress.requantize %{{.*}} {axis = 1 : i64, clamp_min = 128 : i64, input_scales = array<f64: 5.000000e-02, 1.000000e-01>} : tensor<1x2x1x1xi32>
func.func @conv_nchw(%xq: tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:2>>) -> tensor<1x2x1x1x!quant.uniform<u8:f32, 0.5:128>> {
  %xd = compress.dequantize %xq : tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:2>> -> tensor<1x1x2x2xf32>
  %c = arith.constant dense<[[[[1, 2], [1, 2]]], [[[1, -1], [1, -1]]]]> : tensor<2x1x2x2xi8>
  %wq = quant.scast %c : tensor<2x1x2x2xi8> to tensor<2x1x2x2x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>>
  %wd = compress.dequantize %wq : tensor<2x1x2x2x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>> -> tensor<2x1x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x1x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %m = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%xd, %wd : tensor<1x1x2x2xf32>, tensor<2x1x2x2xf32>) outs(%f : tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %bias = arith.constant dense<[0.25, -0.5]> : tensor<2xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%m, %bias : tensor<1x2x1x1xf32>, tensor<2xf32>) outs(%e : tensor<1x2x1x1xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %s = arith.addf %a, %bb : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x2x1x1xf32>
  %yq = compress.quantize %b : tensor<1x2x1x1xf32> -> tensor<1x2x1x1x!quant.uniform<u8:f32, 0.5:128>>
  return %yq : tensor<1x2x1x1x!quant.uniform<u8:f32, 0.5:128>>
}

// -----

// Depthwise NHWC/HWC: the channel is shared by input, filter and output; the
// offset is the per-channel filter sum (3 and -2) times -zx = -1.
// The float input is zero-padded by tensor.pad: the storage integers are
// padded with the zero point 1, which dequantizes to exactly 0.0.
// CHECK-LABEL: func.func @depthwise_padded
// CHECK-NOT: arith.constant {{.*}} : f32
// CHECK: %[[X:.*]] = quant.scast %{{.*}} to tensor<1x2x2x2xi8>
// CHECK: %[[PAD:.*]] = arith.constant 1 : i8
// CHECK: %[[XP:.*]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[PAD]] : i8
// CHECK: } : tensor<1x2x2x2xi8> to tensor<1x4x4x2xi8>
// CHECK: %[[OFFSET:.*]] = arith.constant dense<[-3, 2]> : tensor<2xi32>
// CHECK: linalg.generic {{.*}} ins(%[[XP]], %{{.*}} : tensor<1x4x4x2xi8>, tensor<2x2x2xi8>)
// CHECK: compress.requantize %{{.*}} {axis = 3 : i64, input_scales = array<f64: 2.500000e-01, 5.000000e-01>} : tensor<1x3x3x2xi32>
func.func @depthwise_padded(%xq: tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25:1>>) -> tensor<1x3x3x2x!quant.uniform<u8:f32, 0.5>> {
  %xd = compress.dequantize %xq : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25:1>> -> tensor<1x2x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %xp = tensor.pad %xd low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x2x2x2xf32> to tensor<1x4x4x2xf32>
  %c = arith.constant dense<[[[1, -1], [1, -1]], [[1, 0], [0, 0]]]> : tensor<2x2x2xi8>
  %wq = quant.scast %c : tensor<2x2x2xi8> to tensor<2x2x2x!quant.uniform<i8<-127:127>:f32:2, {1.0, 2.0}>>
  %wd = compress.dequantize %wq : tensor<2x2x2x!quant.uniform<i8<-127:127>:f32:2, {1.0, 2.0}>> -> tensor<2x2x2xf32>
  %e = tensor.empty() : tensor<1x3x3x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %m = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%xp, %wd : tensor<1x4x4x2xf32>, tensor<2x2x2xf32>) outs(%f : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %yq = compress.quantize %m : tensor<1x3x3x2xf32> -> tensor<1x3x3x2x!quant.uniform<u8:f32, 0.5>>
  return %yq : tensor<1x3x3x2x!quant.uniform<u8:f32, 0.5>>
}

// -----

// Elementwise add: s_c = max(0.5, 0.25) / 2^N with |a - 10| <= 245 and
// |b + 3| <= 131: N = 21, multipliers 2^21 and 2^20, s_c = 2^-22.
// The ReLU after the add is clamp_min = 7.
// CHECK-LABEL: func.func @add_relu
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<4xi32>
// CHECK-NOT: linalg.fill
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<4xi8>, tensor<4xi8>) outs(%[[EMPTY]] : tensor<4xi32>)
// CHECK: arith.extui
// CHECK: arith.constant 2097152 : i32
// CHECK: arith.muli
// CHECK: arith.extsi
// CHECK: arith.constant 1048576 : i32
// CHECK: arith.muli
// CHECK: %[[SUM:.*]] = arith.addi
// CHECK-NEXT: linalg.yield %[[SUM]] : i32
// CHECK: compress.requantize %{{.*}} {clamp_min = 7 : i64, input_scales = array<f64: 2.384185791015625E-7>} : tensor<4xi32> -> tensor<4x!quant.uniform<u8:f32, 1.000000e+00:7>>
func.func @add_relu(%a: tensor<4x!quant.uniform<u8:f32, 0.5:10>>, %b: tensor<4x!quant.uniform<i8:f32, 0.25:-3>>) -> tensor<4x!quant.uniform<u8:f32, 1.0:7>> {
  %ad = compress.dequantize %a : tensor<4x!quant.uniform<u8:f32, 0.5:10>> -> tensor<4xf32>
  %bd = compress.dequantize %b : tensor<4x!quant.uniform<i8:f32, 0.25:-3>> -> tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%ad, %bd : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %sum = arith.addf %x, %y : f32
    %zero = arith.constant 0.0 : f32
    %r = arith.maximumf %sum, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %yq = compress.quantize %s : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 1.0:7>>
  return %yq : tensor<4x!quant.uniform<u8:f32, 1.0:7>>
}

// -----

// linalg.add of two dequantized tensors is an elementwise add too; a scale
// applied afterwards (mulf by 2) multiplies the requantization's input scale:
// both inputs have scale 0.5, so s_c = 0.5 / 2^N with 2^N = 2^21
// (255 * 2^21 * 2 <= 2^30), times 2: 2^-21.
// CHECK-LABEL: func.func @linalg_add_scaled
// CHECK: arith.constant 2097152 : i32
// CHECK: compress.requantize %{{.*}} {input_scales = array<f64: 4.76837158203125E-7>} : tensor<4xi32>
func.func @linalg_add_scaled(%a: tensor<4x!quant.uniform<u8:f32, 0.5>>, %b: tensor<4x!quant.uniform<u8:f32, 0.5>>) -> tensor<4x!quant.uniform<u8:f32, 1.0>> {
  %ad = compress.dequantize %a : tensor<4x!quant.uniform<u8:f32, 0.5>> -> tensor<4xf32>
  %bd = compress.dequantize %b : tensor<4x!quant.uniform<u8:f32, 0.5>> -> tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %s = linalg.add ins(%ad, %bd : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %m = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%s : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %two = arith.constant 2.0 : f32
    %r = arith.mulf %two, %x : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %yq = compress.quantize %m : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 1.0>>
  return %yq : tensor<4x!quant.uniform<u8:f32, 1.0>>
}

// -----

// Max pooling with equal input and output types runs on the storage
// integers (unsigned max for u8); the -inf initial value quantizes to 0.
// CHECK-LABEL: func.func @max_pool_u8
// CHECK: %[[INIT:.*]] = arith.constant 0 : i8
// CHECK: linalg.fill ins(%[[INIT]] : i8)
// CHECK: linalg.generic
// CHECK: arith.maxui
// CHECK: quant.scast %{{.*}} : tensor<1x2x2x1xi8> to tensor<1x2x2x1x!quant.uniform<u8:f32, 5.000000e-01:3>>
// CHECK-NOT: compress.requantize
func.func @max_pool_u8(%xq: tensor<1x3x3x1x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x2x1x!quant.uniform<u8:f32, 0.5:3>> {
  %xd = compress.dequantize %xq : tensor<1x3x3x1x!quant.uniform<u8:f32, 0.5:3>> -> tensor<1x3x3x1xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %window = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2x2x1xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%xd, %window : tensor<1x3x3x1xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %yq = compress.quantize %p : tensor<1x2x2x1xf32> -> tensor<1x2x2x1x!quant.uniform<u8:f32, 0.5:3>>
  return %yq : tensor<1x2x2x1x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// Max pooling over a -inf padded input: max commutes with quantization, so
// the storage integers are padded with quantize(-inf) = -128 (i8) even though
// no integer dequantizes to -inf.
// CHECK-LABEL: func.func @max_pool_padded_i8
// CHECK: %[[X:.*]] = quant.scast %{{.*}} to tensor<1x2x2x1xi8>
// CHECK: %[[PADV:.*]] = arith.constant -128 : i8
// CHECK: %[[XP:.*]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[PADV]] : i8
// CHECK: linalg.generic {{.*}} ins(%[[XP]], %{{.*}} : tensor<1x4x4x1xi8>, tensor<2x2xf32>)
// CHECK: arith.maxsi
func.func @max_pool_padded_i8(%xq: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<1x3x3x1x!quant.uniform<i8:f32, 0.5:3>> {
  %xd = compress.dequantize %xq : tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:3>> -> tensor<1x2x2x1xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %xp = tensor.pad %xd low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %ninf : f32
  } : tensor<1x2x2x1xf32> to tensor<1x4x4x1xf32>
  %window = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x3x3x1xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x3x3x1xf32>) -> tensor<1x3x3x1xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%xp, %window : tensor<1x4x4x1xf32>, tensor<2x2xf32>) outs(%f : tensor<1x3x3x1xf32>) -> tensor<1x3x3x1xf32>
  %yq = compress.quantize %p : tensor<1x3x3x1xf32> -> tensor<1x3x3x1x!quant.uniform<i8:f32, 0.5:3>>
  return %yq : tensor<1x3x3x1x!quant.uniform<i8:f32, 0.5:3>>
}

// -----

// Average pooling: the sum of centered integers (zero point subtracted in the
// kernel), requantized with scale 0.5 / 4.
// CHECK-LABEL: func.func @avg_pool
// CHECK: linalg.generic
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK-NEXT: arith.constant 3 : i32
// CHECK-NEXT: arith.subi
// CHECK-NEXT: arith.addi
// CHECK: compress.requantize %{{.*}} {input_scales = array<f64: 1.250000e-01>} : tensor<1x2x2x1xi32> -> tensor<1x2x2x1x!quant.uniform<i8:f32, 2.500000e-01>>
func.func @avg_pool(%xq: tensor<1x3x3x1x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.25>> {
  %xd = compress.dequantize %xq : tensor<1x3x3x1x!quant.uniform<i8:f32, 0.5:3>> -> tensor<1x3x3x1xf32>
  %zero = arith.constant 0.0 : f32
  %window = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2x2x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %p = linalg.pooling_nhwc_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%xd, %window : tensor<1x3x3x1xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %avg = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%p : tensor<1x2x2x1xf32>) outs(%e : tensor<1x2x2x1xf32>) {
  ^bb0(%s: f32, %o: f32):
    %four = arith.constant 4.0 : f32
    %mean = arith.divf %s, %four : f32
    linalg.yield %mean : f32
  } -> tensor<1x2x2x1xf32>
  %yq = compress.quantize %avg : tensor<1x2x2x1xf32> -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.25>>
  return %yq : tensor<1x2x2x1x!quant.uniform<i8:f32, 0.25>>
}

// -----

// Chains that stay in float, each with the reason at the op that prevents
// fusion.

// A pad value that no storage integer dequantizes to exactly.
// CHECK-LABEL: func.func @inexact_pad
// CHECK: linalg.depthwise_conv_2d_nhwc_hwc
// CHECK: compress.quantize
func.func @inexact_pad(%xq: tensor<1x2x2x1x!quant.uniform<u8:f32, 0.25:1>>) -> tensor<1x3x3x1x!quant.uniform<u8:f32, 0.5>> {
  %xd = compress.dequantize %xq : tensor<1x2x2x1x!quant.uniform<u8:f32, 0.25:1>> -> tensor<1x2x2x1xf32>
  %zero = arith.constant 0.0 : f32
  %pv = arith.constant 0.3 : f32
  // expected-remark @+1 {{not fused into integer arithmetic: pad value 3.000000e-01 is not exactly representable in 'tensor<1x2x2x1x!quant.uniform<u8:f32, 2.500000e-01:1>>'}}
  %xp = tensor.pad %xd low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %pv : f32
  } : tensor<1x2x2x1xf32> to tensor<1x4x4x1xf32>
  %c = arith.constant dense<1> : tensor<2x2x1xi8>
  %wq = quant.scast %c : tensor<2x2x1xi8> to tensor<2x2x1x!quant.uniform<i8<-127:127>:f32:2, {1.0}>>
  %wd = compress.dequantize %wq : tensor<2x2x1x!quant.uniform<i8<-127:127>:f32:2, {1.0}>> -> tensor<2x2x1xf32>
  %e = tensor.empty() : tensor<1x3x3x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x1xf32>) -> tensor<1x3x3x1xf32>
  %m = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%xp, %wd : tensor<1x4x4x1xf32>, tensor<2x2x1xf32>) outs(%f : tensor<1x3x3x1xf32>) -> tensor<1x3x3x1xf32>
  %yq = compress.quantize %m : tensor<1x3x3x1xf32> -> tensor<1x3x3x1x!quant.uniform<u8:f32, 0.5>>
  return %yq : tensor<1x3x3x1x!quant.uniform<u8:f32, 0.5>>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5:10>
!qw = !quant.uniform<i8<-127:127>:f32:1, {0.25, 0.125}>
!qy = !quant.uniform<u8:f32, 0.75:5>

// The float result is also returned: the float matmul has to stay.
// CHECK-LABEL: func.func @two_uses
// CHECK: linalg.matmul
func.func @two_uses(%xq: tensor<1x2x!qx>) -> (tensor<1x2x!qy>, tensor<1x2xf32>) {
  %xd = compress.dequantize %xq : tensor<1x2x!qx> -> tensor<1x2xf32>
  %c = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!qw>
  %wd = compress.dequantize %wq : tensor<2x2x!qw> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: the float result has more than one use}}
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %yq = compress.quantize %m : tensor<1x2xf32> -> tensor<1x2x!qy>
  return %yq, %m : tensor<1x2x!qy>, tensor<1x2xf32>
}

// The result is not quantized (the model's float output).
// CHECK-LABEL: func.func @float_output
// CHECK: linalg.matmul
func.func @float_output(%xq: tensor<1x2x!qx>) -> tensor<1x2xf32> {
  %xd = compress.dequantize %xq : tensor<1x2x!qx> -> tensor<1x2xf32>
  %c = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!qw>
  %wd = compress.dequantize %wq : tensor<2x2x!qw> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: its result reaches 'func.return' instead of compress.quantize}}
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// A float weight (not quantized).
// CHECK-LABEL: func.func @float_weight
// CHECK: linalg.matmul
func.func @float_weight(%xq: tensor<1x2x!qx>) -> tensor<1x2x!qy> {
  %xd = compress.dequantize %xq : tensor<1x2x!qx> -> tensor<1x2xf32>
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: operand #1 is not the result of compress.dequantize}}
  %m = linalg.matmul ins(%xd, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %yq = compress.quantize %m : tensor<1x2xf32> -> tensor<1x2x!qy>
  return %yq : tensor<1x2x!qy>
}

// The accumulator starts from something other than zero.
// CHECK-LABEL: func.func @nonzero_init
// CHECK: linalg.matmul
func.func @nonzero_init(%xq: tensor<1x2x!qx>) -> tensor<1x2x!qy> {
  %xd = compress.dequantize %xq : tensor<1x2x!qx> -> tensor<1x2xf32>
  %c = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!qw>
  %wd = compress.dequantize %wq : tensor<2x2x!qw> -> tensor<2x2xf32>
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%one : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: the accumulator does not start at zero}}
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %yq = compress.quantize %m : tensor<1x2xf32> -> tensor<1x2x!qy>
  return %yq : tensor<1x2x!qy>
}

// An activation that is not a bias add, scale or clamp.
// CHECK-LABEL: func.func @unsupported_activation
// CHECK: linalg.matmul
func.func @unsupported_activation(%xq: tensor<1x2x!qx>) -> tensor<1x2x!qy> {
  %xd = compress.dequantize %xq : tensor<1x2x!qx> -> tensor<1x2xf32>
  %c = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!qw>
  %wd = compress.dequantize %wq : tensor<2x2x!qw> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<1x2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    // expected-remark @+1 {{not fused into integer arithmetic: 'math.tanh' is not a bias add, positive scale, ReLU or clamp}}
    %r = math.tanh %a : f32
    linalg.yield %r : f32
  } -> tensor<1x2xf32>
  %yq = compress.quantize %t : tensor<1x2xf32> -> tensor<1x2x!qy>
  return %yq : tensor<1x2x!qy>
}

// A bias added after the ReLU.
// CHECK-LABEL: func.func @bias_after_clamp
// CHECK: linalg.matmul
func.func @bias_after_clamp(%xq: tensor<1x2x!qx>) -> tensor<1x2x!qy> {
  %xd = compress.dequantize %xq : tensor<1x2x!qx> -> tensor<1x2xf32>
  %c = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!qw>
  %wd = compress.dequantize %wq : tensor<2x2x!qw> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<1x2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %r = arith.maximumf %a, %zero : f32
    // expected-remark @+1 {{not fused into integer arithmetic: a second bias add, or a bias add after a clamp}}
    %s = arith.addf %r, %one : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32>
  %yq = compress.quantize %t : tensor<1x2xf32> -> tensor<1x2x!qy>
  return %yq : tensor<1x2x!qy>
}

// A bias that varies along the rows (M), which the weight does not index.
// CHECK-LABEL: func.func @bias_along_rows
// CHECK: linalg.matmul
func.func @bias_along_rows(%xq: tensor<1x2x!qx>) -> tensor<1x2x!qy> {
  %xd = compress.dequantize %xq : tensor<1x2x!qx> -> tensor<1x2xf32>
  %c = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!qw>
  %wd = compress.dequantize %wq : tensor<2x2x!qw> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: the bias varies along output dimension 0, which the weight does not index}}
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %bias = arith.constant dense<[0.5]> : tensor<1xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m, %bias : tensor<1x2xf32>, tensor<1xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32>
  %yq = compress.quantize %t : tensor<1x2xf32> -> tensor<1x2x!qy>
  return %yq : tensor<1x2x!qy>
}

// A bias too large for the i32 accumulator: 1e10 / (0.5 * 0.25).
// CHECK-LABEL: func.func @huge_bias
// CHECK: linalg.matmul
func.func @huge_bias(%xq: tensor<1x2x!qx>) -> tensor<1x2x!qy> {
  %xd = compress.dequantize %xq : tensor<1x2x!qx> -> tensor<1x2xf32>
  %c = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!qw>
  %wd = compress.dequantize %wq : tensor<2x2x!qw> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: bias 1.000000e+10 / scale 1.250000e-01 does not fit in i32}}
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %bias = arith.constant dense<[1.0e10, 0.5]> : tensor<2xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m, %bias : tensor<1x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32>
  %yq = compress.quantize %t : tensor<1x2xf32> -> tensor<1x2x!qy>
  return %yq : tensor<1x2x!qy>
}

// The requantization produces per-tensor types only.
// CHECK-LABEL: func.func @per_axis_output
// CHECK: linalg.matmul
func.func @per_axis_output(%xq: tensor<1x2x!qx>) -> tensor<1x2x!quant.uniform<u8:f32:1, {0.5, 0.25}>> {
  %xd = compress.dequantize %xq : tensor<1x2x!qx> -> tensor<1x2xf32>
  %c = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!qw>
  %wd = compress.dequantize %wq : tensor<2x2x!qw> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: per-axis output quantization (the requantization is per-tensor)}}
  %yq = compress.quantize %m : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<u8:f32:1, {0.5, 0.25}>>
  return %yq : tensor<1x2x!quant.uniform<u8:f32:1, {0.5, 0.25}>>
}

// A weight quantized per row (K): its scales cannot leave the sum.
// CHECK-LABEL: func.func @weight_per_reduction_axis
// CHECK: linalg.matmul
func.func @weight_per_reduction_axis(%xq: tensor<1x2x!qx>) -> tensor<1x2x!qy> {
  %xd = compress.dequantize %xq : tensor<1x2x!qx> -> tensor<1x2xf32>
  %c = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  %wd = compress.dequantize %wq : tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: the weight is quantized per channel along a reduction dimension}}
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %yq = compress.quantize %m : tensor<1x2xf32> -> tensor<1x2x!qy>
  return %yq : tensor<1x2x!qy>
}

// A per-axis quantized activation.
// CHECK-LABEL: func.func @per_axis_activation
// CHECK: linalg.matmul
func.func @per_axis_activation(%xq: tensor<1x2x!quant.uniform<u8:f32:1, {0.5, 0.25}>>) -> tensor<1x2x!qy> {
  %xd = compress.dequantize %xq : tensor<1x2x!quant.uniform<u8:f32:1, {0.5, 0.25}>> -> tensor<1x2xf32>
  %c = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!qw>
  %wd = compress.dequantize %wq : tensor<2x2x!qw> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: operand #0 is a per-axis quantized activation}}
  %m = linalg.matmul ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %yq = compress.quantize %m : tensor<1x2xf32> -> tensor<1x2x!qy>
  return %yq : tensor<1x2x!qy>
}

// Both operands are constants.
// CHECK-LABEL: func.func @both_constant
// CHECK: linalg.matmul
func.func @both_constant() -> tensor<1x2x!qy> {
  %a = arith.constant dense<[[1, 2]]> : tensor<1x2xi8>
  %aq = quant.scast %a : tensor<1x2xi8> to tensor<1x2x!qx>
  %ad = compress.dequantize %aq : tensor<1x2x!qx> -> tensor<1x2xf32>
  %c = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!qw>
  %wd = compress.dequantize %wq : tensor<2x2x!qw> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: both inputs are constants (fold the op instead)}}
  %m = linalg.matmul ins(%ad, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %yq = compress.quantize %m : tensor<1x2xf32> -> tensor<1x2x!qy>
  return %yq : tensor<1x2x!qy>
}

// Max pooling into a different quantized type.
// CHECK-LABEL: func.func @max_pool_retyped
// CHECK: linalg.pooling_nhwc_max
func.func @max_pool_retyped(%xq: tensor<1x2x2x1x!qx>) -> tensor<1x1x1x1x!qy> {
  %xd = compress.dequantize %xq : tensor<1x2x2x1x!qx> -> tensor<1x2x2x1xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %window = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x1x1x1xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: input and output quantized types differ}}
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%xd, %window : tensor<1x2x2x1xf32>, tensor<2x2xf32>) outs(%f : tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %yq = compress.quantize %p : tensor<1x1x1x1xf32> -> tensor<1x1x1x1x!qy>
  return %yq : tensor<1x1x1x1x!qy>
}

// -----

// The largest possible accumulator, 65535 * 300 * 127, exceeds i32.
// CHECK-LABEL: func.func @accumulator_overflow
// CHECK: linalg.matmul
func.func @accumulator_overflow(%xq: tensor<1x300x!quant.uniform<u16:f32, 0.5>>) -> tensor<1x2x!quant.uniform<i16:f32, 1.0>> {
  %xd = compress.dequantize %xq : tensor<1x300x!quant.uniform<u16:f32, 0.5>> -> tensor<1x300xf32>
  %c = arith.constant dense<127> : tensor<300x2xi8>
  %wq = quant.scast %c : tensor<300x2xi8> to tensor<300x2x!quant.uniform<i8<-127:127>:f32, 0.5>>
  %wd = compress.dequantize %wq : tensor<300x2x!quant.uniform<i8<-127:127>:f32, 0.5>> -> tensor<300x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: the i32 accumulator can overflow (up to 2496883500 in magnitude)}}
  %m = linalg.matmul ins(%xd, %wd : tensor<1x300xf32>, tensor<300x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %yq = compress.quantize %m : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<i16:f32, 1.0>>
  return %yq : tensor<1x2x!quant.uniform<i16:f32, 1.0>>
}

// -----

// Dynamic spatial output sizes cannot be read from the inputs (the input's
// H is oh + kh there, not oh).
// CHECK-LABEL: func.func @dynamic_spatial
// CHECK: linalg.conv_2d_nhwc_hwcf
func.func @dynamic_spatial(%xq: tensor<1x?x?x1x!quant.uniform<u8:f32, 1.0:5>>, %init: tensor<1x?x?x1xf32>) -> tensor<1x?x?x1x!quant.uniform<u8:f32, 0.5>> {
  %xd = compress.dequantize %xq : tensor<1x?x?x1x!quant.uniform<u8:f32, 1.0:5>> -> tensor<1x?x?x1xf32>
  %c = arith.constant dense<1> : tensor<2x2x1x1xi8>
  %wq = quant.scast %c : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!quant.uniform<i8<-127:127>:f32:3, {0.1}>>
  %wd = compress.dequantize %wq : tensor<2x2x1x1x!quant.uniform<i8<-127:127>:f32:3, {0.1}>> -> tensor<2x2x1x1xf32>
  %zero = arith.constant 0.0 : f32
  %f = linalg.fill ins(%zero : f32) outs(%init : tensor<1x?x?x1xf32>) -> tensor<1x?x?x1xf32>
  // expected-remark @+1 {{not fused into integer arithmetic: dynamic output dimension 1 has no input dimension of the same size}}
  %m = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%xd, %wd : tensor<1x?x?x1xf32>, tensor<2x2x1x1xf32>) outs(%f : tensor<1x?x?x1xf32>) -> tensor<1x?x?x1xf32>
  %yq = compress.quantize %m : tensor<1x?x?x1xf32> -> tensor<1x?x?x1x!quant.uniform<u8:f32, 0.5>>
  return %yq : tensor<1x?x?x1x!quant.uniform<u8:f32, 0.5>>
}

// -----

// A depthwise filter imported from ONNX is [C, 1, KH, KW], dequantized per
// channel, then collapsed to [C, KH, KW]: the collapse moves to the storage
// constant (the channel axis stays 0), so the filter is still a quantized
// constant and the convolution becomes an integer kernel. Offsets: -zx times
// each channel's filter sum, zx = 2: 1+1+1+1 = 4 -> -8, -(1+2+3+4) = -10 -> 20.
// CHECK-LABEL: func.func @depthwise_collapsed_filter
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}[1, 1], [1, 1]], {{\[}}[-1, -2], [-3, -4]]]> : tensor<2x2x2xi8>
// CHECK-DAG: %[[OFFSET:.*]] = arith.constant dense<[-8, 20]> : tensor<2xi32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[W]] : tensor<1x2x3x3xi8>, tensor<2x2x2xi8>)
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK-NEXT: arith.extsi %{{.*}} : i8 to i32
// CHECK: compress.requantize %{{.*}} {axis = 1 : i64, input_scales = array<f64: 1.000000e-01, 2.000000e-01>} : tensor<1x2x2x2xi32>
// CHECK-NOT: compress.dequantize
func.func @depthwise_collapsed_filter(%xq: tensor<1x2x3x3x!quant.uniform<u8:f32, 1.0:2>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.5>> {
  %xd = compress.dequantize %xq : tensor<1x2x3x3x!quant.uniform<u8:f32, 1.0:2>> -> tensor<1x2x3x3xf32>
  %c = arith.constant dense<[[[[1, 1], [1, 1]]], [[[-1, -2], [-3, -4]]]]> : tensor<2x1x2x2xi8>
  %wq = quant.scast %c : tensor<2x1x2x2xi8> to tensor<2x1x2x2x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>>
  %wd = compress.dequantize %wq : tensor<2x1x2x2x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>> -> tensor<2x1x2x2xf32>
  %w = tensor.collapse_shape %wd [[0], [1, 2], [3]] : tensor<2x1x2x2xf32> into tensor<2x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %m = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%xd, %w : tensor<1x2x3x3xf32>, tensor<2x2x2xf32>) outs(%f : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %yq = compress.quantize %m : tensor<1x2x2x2xf32> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.5>>
  return %yq : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.5>>
}

// -----

// An ONNX MatMul of 3-D activations is collapse -> matmul -> expand: the
// dequantize sinks below the collapse and the quantize rises above the
// expand, so the matmul meets both and becomes an integer kernel; the expand
// then reshapes the requantized storage integers. Column sums of w: 3, -1;
// zx = 2: offsets -6, 2.
// CHECK-LABEL: func.func @matmul_3d_activations
// CHECK-SAME: (%[[XQ:.*]]: tensor<2x3x2x!quant.uniform<u8:f32, 5.000000e-01:2>>)
// CHECK: %[[XS:.*]] = quant.scast %[[XQ]] {{.*}} to tensor<2x3x2xi8>
// CHECK: %[[XC:.*]] = tensor.collapse_shape %[[XS]] {{\[}}[0, 1], [2]] : tensor<2x3x2xi8> into tensor<6x2xi8>
// CHECK: %[[OFFSET:.*]] = arith.constant dense<[-6, 2]> : tensor<2xi32>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<6x2xi8>, tensor<2x2xi8>) outs(%{{.*}} : tensor<6x2xi32>)
// CHECK: %[[Y:.*]] = compress.requantize %[[ACC]] {input_scales = array<f64: 5.000000e-01>} : tensor<6x2xi32> -> tensor<6x2x!quant.uniform<u8:f32, 2.500000e-01:3>>
// CHECK: %[[YS:.*]] = quant.scast %[[Y]] {{.*}} to tensor<6x2xi8>
// CHECK: %[[YE:.*]] = tensor.expand_shape %[[YS]] {{\[}}[0, 1], [2]] output_shape [2, 3, 2] : tensor<6x2xi8> into tensor<2x3x2xi8>
// CHECK: %[[R:.*]] = quant.scast %[[YE]] {{.*}} to tensor<2x3x2x!quant.uniform<u8:f32, 2.500000e-01:3>>
// CHECK-NOT: compress.dequantize
// CHECK: return %[[R]]
func.func @matmul_3d_activations(%xq: tensor<2x3x2x!quant.uniform<u8:f32, 0.5:2>>) -> tensor<2x3x2x!quant.uniform<u8:f32, 0.25:3>> {
  %xd = compress.dequantize %xq : tensor<2x3x2x!quant.uniform<u8:f32, 0.5:2>> -> tensor<2x3x2xf32>
  %x = tensor.collapse_shape %xd [[0, 1], [2]] : tensor<2x3x2xf32> into tensor<6x2xf32>
  %c = arith.constant dense<[[1, 2], [2, -3]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8<-127:127>:f32, 1.0>>
  %wd = compress.dequantize %wq : tensor<2x2x!quant.uniform<i8<-127:127>:f32, 1.0>> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<6x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<6x2xf32>) -> tensor<6x2xf32>
  %m = linalg.matmul ins(%x, %wd : tensor<6x2xf32>, tensor<2x2xf32>) outs(%f : tensor<6x2xf32>) -> tensor<6x2xf32>
  %y = tensor.expand_shape %m [[0, 1], [2]] output_shape [2, 3, 2] : tensor<6x2xf32> into tensor<2x3x2xf32>
  %yq = compress.quantize %y : tensor<2x3x2xf32> -> tensor<2x3x2x!quant.uniform<u8:f32, 0.25:3>>
  return %yq : tensor<2x3x2x!quant.uniform<u8:f32, 0.25:3>>
}

// -----

// compress-ptq's observers quantize an attention projection after its bias
// add, its expand to 3-D and the transpose into heads: the expand folds
// into the bias add (which then runs on the matmul's 2-D result) and the
// quantize rises above the transpose and the expand, so the matmul, its
// bias and the quantize fuse; the transpose and the expand then move
// storage integers. Column sums of w: 3, -1; zx = 2; bias [0.5, -1.0] in
// units of 0.5: 1, -2; offsets -6 + 1 = -5 and 2 - 2 = 0.
// CHECK-LABEL: func.func @matmul_bias_heads
// CHECK: %[[XC:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<2x3x2xi8> into tensor<6x2xi8>
// CHECK: arith.constant dense<[-5, 0]> : tensor<2xi32>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<6x2xi8>, tensor<2x2xi8>) outs(%{{.*}} : tensor<6x2xi32>)
// CHECK: %[[Y:.*]] = compress.requantize %[[ACC]] {input_scales = array<f64: 5.000000e-01>} : tensor<6x2xi32> -> tensor<6x2x!quant.uniform<u8:f32, 2.500000e-01:3>>
// CHECK: %[[YS:.*]] = quant.scast %[[Y]] {{.*}} to tensor<6x2xi8>
// CHECK: %[[YE:.*]] = tensor.expand_shape %[[YS]] {{\[}}[0, 1], [2]] output_shape [2, 3, 2] : tensor<6x2xi8> into tensor<2x3x2xi8>
// CHECK: %[[YT:.*]] = linalg.transpose ins(%[[YE]] : tensor<2x3x2xi8>) outs(%{{.*}} : tensor<2x2x3xi8>) permutation = [0, 2, 1]
// CHECK: %[[R:.*]] = quant.scast %[[YT]] {{.*}} to tensor<2x2x3x!quant.uniform<u8:f32, 2.500000e-01:3>>
// CHECK-NOT: compress.dequantize
// CHECK: return %[[R]]
func.func @matmul_bias_heads(%xq: tensor<2x3x2x!quant.uniform<u8:f32, 0.5:2>>) -> tensor<2x2x3x!quant.uniform<u8:f32, 0.25:3>> {
  %xd = compress.dequantize %xq : tensor<2x3x2x!quant.uniform<u8:f32, 0.5:2>> -> tensor<2x3x2xf32>
  %x = tensor.collapse_shape %xd [[0, 1], [2]] : tensor<2x3x2xf32> into tensor<6x2xf32>
  %c = arith.constant dense<[[1, 2], [2, -3]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8<-127:127>:f32, 1.0>>
  %wd = compress.dequantize %wq : tensor<2x2x!quant.uniform<i8<-127:127>:f32, 1.0>> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<6x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<6x2xf32>) -> tensor<6x2xf32>
  %m = linalg.matmul ins(%x, %wd : tensor<6x2xf32>, tensor<2x2xf32>) outs(%f : tensor<6x2xf32>) -> tensor<6x2xf32>
  %y = tensor.expand_shape %m [[0, 1], [2]] output_shape [2, 3, 2] : tensor<6x2xf32> into tensor<2x3x2xf32>
  %b = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %e3 = tensor.empty() : tensor<2x3x2xf32>
  %yb = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (k)>, affine_map<(i, j, k) -> (i, j, k)>, affine_map<(i, j, k) -> (i, j, k)>],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %y : tensor<2xf32>, tensor<2x3x2xf32>) outs(%e3 : tensor<2x3x2xf32>) {
  ^bb0(%bias: f32, %v: f32, %o: f32):
    %s = arith.addf %bias, %v : f32
    linalg.yield %s : f32
  } -> tensor<2x3x2xf32>
  %et = tensor.empty() : tensor<2x2x3xf32>
  %t = linalg.transpose ins(%yb : tensor<2x3x2xf32>) outs(%et : tensor<2x2x3xf32>) permutation = [0, 2, 1]
  %yq = compress.quantize %t : tensor<2x2x3xf32> -> tensor<2x2x3x!quant.uniform<u8:f32, 0.25:3>>
  return %yq : tensor<2x2x3x!quant.uniform<u8:f32, 0.25:3>>
}

// -----

// Attention's head split: dequantize -> expand -> transpose -> quantize with
// the same type moves bytes: the expand and the transpose apply to the
// storage integers, and quantize(dequantize(q)) folds to q.
// CHECK-LABEL: func.func @split_heads
// CHECK-SAME: (%[[XQ:.*]]: tensor<2x4x!quant.uniform<i8:f32, 1.250000e-01:-1>>)
// CHECK: %[[XS:.*]] = quant.scast %[[XQ]] {{.*}} to tensor<2x4xi8>
// CHECK: %[[XE:.*]] = tensor.expand_shape %[[XS]] {{\[}}[0], [1, 2]] output_shape [2, 2, 2] : tensor<2x4xi8> into tensor<2x2x2xi8>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[XE]] : tensor<2x2x2xi8>) outs(%{{.*}} : tensor<2x2x2xi8>) permutation = [1, 0, 2]
// CHECK: %[[R:.*]] = quant.scast %[[T]] {{.*}} to tensor<2x2x2x!quant.uniform<i8:f32, 1.250000e-01:-1>>
// CHECK-NOT: compress.
// CHECK: return %[[R]]
func.func @split_heads(%xq: tensor<2x4x!quant.uniform<i8:f32, 0.125:-1>>) -> tensor<2x2x2x!quant.uniform<i8:f32, 0.125:-1>> {
  %xd = compress.dequantize %xq : tensor<2x4x!quant.uniform<i8:f32, 0.125:-1>> -> tensor<2x4xf32>
  %x = tensor.expand_shape %xd [[0], [1, 2]] output_shape [2, 2, 2] : tensor<2x4xf32> into tensor<2x2x2xf32>
  %e = tensor.empty() : tensor<2x2x2xf32>
  %t = linalg.transpose ins(%x : tensor<2x2x2xf32>) outs(%e : tensor<2x2x2xf32>) permutation = [1, 0, 2]
  %yq = compress.quantize %t : tensor<2x2x2xf32> -> tensor<2x2x2x!quant.uniform<i8:f32, 0.125:-1>>
  return %yq : tensor<2x2x2x!quant.uniform<i8:f32, 0.125:-1>>
}

// -----

// A per-axis weight transposed before use is transposed at compile time
// and keeps its scales on the moved axis (0 -> 1), so the matmul still sees
// a per-channel quantized constant.
// CHECK-LABEL: func.func @transposed_per_axis_weight
// CHECK: %[[WT:.*]] = arith.constant dense<{{\[}}[1, 3], [-2, 4]]> : tensor<2x2xi8>
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[WT]] : tensor<1x2xi8>, tensor<2x2xi8>)
// CHECK: compress.requantize %{{.*}} {axis = 1 : i64, input_scales = array<f64: 1.000000e-01, 2.000000e-01>}
func.func @transposed_per_axis_weight(%xq: tensor<1x2x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x2x!quant.uniform<i8:f32, 1.0>> {
  %xd = compress.dequantize %xq : tensor<1x2x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2xf32>
  %c = arith.constant dense<[[1, -2], [3, 4]]> : tensor<2x2xi8>
  %wq = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>>
  %wd = compress.dequantize %wq : tensor<2x2x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>> -> tensor<2x2xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  %w = linalg.transpose ins(%wd : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %oe = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%oe : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%xd, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %yq = compress.quantize %m : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  return %yq : tensor<1x2x!quant.uniform<i8:f32, 1.0>>
}

// -----

// The bias add of an ONNX MatMul -> Add (onnxruntime's QDQ models quantize
// the bias as a u8 tensor): one input broadcast along the rows. The kernel
// keeps the add's maps; both scales are 0.5, so s_c = 0.5 / 2^21.
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @add_broadcast_bias
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<3x2xi32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%{{.*}}, %{{.*}} : tensor<3x2xi8>, tensor<2xi8>) outs(%[[EMPTY]] : tensor<3x2xi32>)
// CHECK: compress.requantize %{{.*}} {input_scales = array<f64: 2.384185791015625E-7>} : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<u8:f32, 1.000000e+00:4>>
func.func @add_broadcast_bias(%xq: tensor<3x2x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<3x2x!quant.uniform<u8:f32, 1.0:4>> {
  %xd = compress.dequantize %xq : tensor<3x2x!quant.uniform<u8:f32, 0.5:10>> -> tensor<3x2xf32>
  %c = arith.constant dense<[3, -7]> : tensor<2xi8>
  %bq = quant.scast %c : tensor<2xi8> to tensor<2x!quant.uniform<u8:f32, 0.5:128>>
  %bd = compress.dequantize %bq : tensor<2x!quant.uniform<u8:f32, 0.5:128>> -> tensor<2xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%xd, %bd : tensor<3x2xf32>, tensor<2xf32>) outs(%e : tensor<3x2xf32>) {
  ^bb0(%x: f32, %b: f32, %o: f32):
    %sum = arith.addf %x, %b : f32
    linalg.yield %sum : f32
  } -> tensor<3x2xf32>
  %yq = compress.quantize %s : tensor<3x2xf32> -> tensor<3x2x!quant.uniform<u8:f32, 1.0:4>>
  return %yq : tensor<3x2x!quant.uniform<u8:f32, 1.0:4>>
}

// -----

// A per-column bias after an add of two activations: the kernel reads the
// quantized bias (0.5 and 1.0 in units of s_c = 0.5 / 2^21) as a third
// input and never its output tensor.
// CHECK-DAG: #[[COLS:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_then_bias
// CHECK-DAG: %[[BIAS:.*]] = arith.constant dense<[2097152, 4194304]> : tensor<2xi32>
// CHECK-DAG: %[[EMPTY:.*]] = tensor.empty() : tensor<2x2xi32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #[[COLS]], #{{.*}}], {{.*}} ins(%{{.*}}, %{{.*}}, %[[BIAS]] : tensor<2x2xi8>, tensor<2x2xi8>, tensor<2xi32>) outs(%[[EMPTY]] : tensor<2x2xi32>)
// CHECK: ^bb0(%{{.*}}: i8, %{{.*}}: i8, %[[B:.*]]: i32, %{{.*}}: i32):
// CHECK: %[[T:.*]] = arith.addi %{{.*}}, %{{.*}} : i32
// CHECK-NEXT: %[[S:.*]] = arith.addi %[[B]], %[[T]] : i32
// CHECK-NEXT: linalg.yield %[[S]] : i32
func.func @add_then_bias(%a: tensor<2x2x!quant.uniform<u8:f32, 0.5>>, %b: tensor<2x2x!quant.uniform<u8:f32, 0.5>>) -> tensor<2x2x!quant.uniform<u8:f32, 1.0>> {
  %ad = compress.dequantize %a : tensor<2x2x!quant.uniform<u8:f32, 0.5>> -> tensor<2x2xf32>
  %bd = compress.dequantize %b : tensor<2x2x!quant.uniform<u8:f32, 0.5>> -> tensor<2x2xf32>
  %bias = arith.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%ad, %bd : tensor<2x2xf32>, tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %sum = arith.addf %x, %y : f32
    linalg.yield %sum : f32
  } -> tensor<2x2xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%s, %bias : tensor<2x2xf32>, tensor<2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%x: f32, %c: f32, %o: f32):
    %r = arith.addf %x, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x2xf32>
  %yq = compress.quantize %t : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<u8:f32, 1.0>>
  return %yq : tensor<2x2x!quant.uniform<u8:f32, 1.0>>
}
