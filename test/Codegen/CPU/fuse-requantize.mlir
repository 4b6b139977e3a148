// RUN: compress-opt %s --split-input-file --compress-cpu-fuse-requantize | FileCheck %s

// A u8 x s8 GEMM, per-column requantization, per-tensor dequantization to
// f32: one elementwise generic with f32 results, marked with the kernel's
// integers. m = 0.01 / 0.1 = 0.1 = 0.8 * 2^-3: Q31 1717986918, right shift
// 3 (offset 4, adjustment -1); m = 0.4 / 0.1 = 4 = 0.5 * 2^3: Q31 2^30,
// left shift 3 (no right shift: offset 0, adjustment 0).
// CHECK-LABEL: func.func @dequantized
// CHECK: %[[GEMM:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: %[[MUL:.*]] = arith.constant dense<[1717986918, 1073741824]> : tensor<2xi64>
// CHECK: %[[EPI:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} ins(%[[GEMM]], %[[MUL]], {{.*}}) outs(%{{.*}} : tensor<3x2xf32>)
// CHECK-SAME: compress.cpu_requantize = {dequantize_scale = 1.000000e-01 : f32, dequantize_zero_point = 5 : i64, has_left_shift = true, hi = 255 : i64, lo = 0 : i64, params = array<i64: 1717986918, 1073741824, 3, 0, 4, 0, -1, 0, 0, 3>, zero_point = 5 : i64}
// CHECK: arith.shli
// CHECK: arith.muli
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: } -> tensor<3x2xf32>
// CHECK-NOT: compress.requantize
// CHECK-NOT: compress.dequantize
// CHECK: return %[[EPI]]
#mapA = affine_map<(m, n, k) -> (m, k)>
#mapB = affine_map<(m, n, k) -> (k, n)>
#mapC = affine_map<(m, n, k) -> (m, n)>
func.func @dequantized(%a: tensor<3x4xi8>) -> tensor<3x2xf32> {
  %w = arith.constant dense<[[1, -2], [3, 4], [-5, 6], [7, -8]]> : tensor<4x2xi8>
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<3x2xi32>
  %c = linalg.fill ins(%zero : i32) outs(%e : tensor<3x2xi32>) -> tensor<3x2xi32>
  %acc = linalg.generic {indexing_maps = [#mapA, #mapB, #mapC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<3x4xi8>, tensor<4x2xi8>) outs(%c : tensor<3x2xi32>) {
  ^bb0(%x: i8, %y: i8, %s: i32):
    %x32 = arith.extui %x : i8 to i32
    %y32 = arith.extsi %y : i8 to i32
    %p = arith.muli %x32, %y32 : i32
    %r = arith.addi %s, %p : i32
    linalg.yield %r : i32
  } -> tensor<3x2xi32>
  %q = compress.requantize %acc {input_scales = array<f64: 0.01, 0.4>, axis = 1 : i64}
         : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<u8:f32, 0.1:5>>
  %d = compress.dequantize %q : tensor<3x2x!quant.uniform<u8:f32, 0.1:5>> -> tensor<3x2xf32>
  return %d : tensor<3x2xf32>
}

// -----

// Per-tensor, the requantized storage kept (for the next int8 layer): the
// integers are scalars in the body, and a quant.scast gives the quantized
// type back.
// CHECK-LABEL: func.func @storage
// CHECK: %[[EPI:.*]] = linalg.generic {{.*}}ins(%{{.*}} : tensor<3x2xi32>) outs(%{{.*}} : tensor<3x2xi8>)
// CHECK-SAME: compress.cpu_requantize = {has_left_shift = false, hi = 127 : i64, lo = -10 : i64, params = array<i64: 1717986918, 3, 4, -1, 0>, zero_point = -3 : i64}
// CHECK-NOT: arith.shli
// CHECK: } -> tensor<3x2xi8>
// CHECK: %[[Q:.*]] = quant.scast %[[EPI]] : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32, 1.000000e-01:-3>>
// CHECK: return %[[Q]]
#mapA = affine_map<(m, n, k) -> (m, k)>
#mapB = affine_map<(m, n, k) -> (k, n)>
#mapC = affine_map<(m, n, k) -> (m, n)>
func.func @storage(%a: tensor<3x4xi8>, %w: tensor<4x2xi8>) -> tensor<3x2x!quant.uniform<i8:f32, 0.1:-3>> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<3x2xi32>
  %c = linalg.fill ins(%zero : i32) outs(%e : tensor<3x2xi32>) -> tensor<3x2xi32>
  %acc = linalg.generic {indexing_maps = [#mapA, #mapB, #mapC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<3x4xi8>, tensor<4x2xi8>) outs(%c : tensor<3x2xi32>) {
  ^bb0(%x: i8, %y: i8, %s: i32):
    %x32 = arith.extui %x : i8 to i32
    %y32 = arith.extsi %y : i8 to i32
    %p = arith.muli %x32, %y32 : i32
    %r = arith.addi %s, %p : i32
    linalg.yield %r : i32
  } -> tensor<3x2xi32>
  %q = compress.requantize %acc {input_scales = array<f64: 0.01>, clamp_min = -10 : i64}
         : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<i8:f32, 0.1:-3>>
  return %q : tensor<3x2x!quant.uniform<i8:f32, 0.1:-3>>
}

// -----

// Left alone: float rounding (the kernel's epilogue is fixed point), and an
// i8 x i8 GEMM (no kernel computes it).
// CHECK-LABEL: func.func @left_alone
// CHECK: compress.requantize %{{.*}} {input_scales = array<f64: 1.000000e-02>, rounding = "float"}
// CHECK: compress.requantize
// CHECK-NOT: compress.cpu_requantize
#mapA = affine_map<(m, n, k) -> (m, k)>
#mapB = affine_map<(m, n, k) -> (k, n)>
#mapC = affine_map<(m, n, k) -> (m, n)>
func.func @left_alone(%a: tensor<3x4xi8>, %w: tensor<4x2xi8>, %c: tensor<3x2xi32>)
    -> (tensor<3x2x!quant.uniform<i8:f32, 0.1>>, tensor<3x2x!quant.uniform<i8:f32, 0.1>>) {
  %acc = linalg.generic {indexing_maps = [#mapA, #mapB, #mapC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<3x4xi8>, tensor<4x2xi8>) outs(%c : tensor<3x2xi32>) {
  ^bb0(%x: i8, %y: i8, %s: i32):
    %x32 = arith.extui %x : i8 to i32
    %y32 = arith.extsi %y : i8 to i32
    %p = arith.muli %x32, %y32 : i32
    %r = arith.addi %s, %p : i32
    linalg.yield %r : i32
  } -> tensor<3x2xi32>
  %q = compress.requantize %acc {input_scales = array<f64: 0.01>, rounding = "float"}
         : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<i8:f32, 0.1>>
  %acc2 = linalg.generic {indexing_maps = [#mapA, #mapB, #mapC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<3x4xi8>, tensor<4x2xi8>) outs(%c : tensor<3x2xi32>) {
  ^bb0(%x: i8, %y: i8, %s: i32):
    %x32 = arith.extsi %x : i8 to i32
    %y32 = arith.extsi %y : i8 to i32
    %p = arith.muli %x32, %y32 : i32
    %r = arith.addi %s, %p : i32
    linalg.yield %r : i32
  } -> tensor<3x2xi32>
  %q2 = compress.requantize %acc2 {input_scales = array<f64: 0.01>}
         : tensor<3x2xi32> -> tensor<3x2x!quant.uniform<i8:f32, 0.1>>
  return %q, %q2 : tensor<3x2x!quant.uniform<i8:f32, 0.1>>, tensor<3x2x!quant.uniform<i8:f32, 0.1>>
}

// -----

// An NCHW u8 x s8 convolution (compress-fuse-qdq's form) with per-channel
// requantization: the rank-4 epilogue reads the per-channel integers along
// dimension 1 and is marked for compress_cpu_conv2d_nchw_u8s8_requantize.
// m = 0.01 / 0.1 = 0.8 * 2^-3 for channel 0; 0.02 / 0.1 = 0.8 * 2^-2 for
// channel 1.
// CHECK-LABEL: func.func @conv_nchw
// CHECK: %[[CONV:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK: %[[SHIFT:.*]] = arith.constant dense<[3, 2]> : tensor<2xi64>
// CHECK: linalg.generic {indexing_maps = [#{{[a-z0-9]*}}, #[[CHANNEL:[a-z0-9]*]], #[[CHANNEL]], #{{[a-z0-9]*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[CONV]], %[[SHIFT]], {{.*}}) outs(%{{.*}} : tensor<1x2x3x3xi8>)
// CHECK-SAME: compress.cpu_requantize = {has_left_shift = false, hi = 127 : i64, lo = -128 : i64, params = array<i64: 1717986918, 1717986918, 3, 2, 4, 2, -1, -1, 0, 0>, zero_point = 0 : i64}
#in = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh + kh, ow + kw)>
#flt = affine_map<(n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw)>
#out = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>
func.func @conv_nchw(%x: tensor<1x1x4x4xi8>) -> tensor<1x2x3x3xi8> {
  %w = arith.constant dense<[[[[1, -2], [3, 4]]], [[[-5, 6], [7, -8]]]]> : tensor<2x1x2x2xi8>
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x2x3x3xi32>
  %c = linalg.fill ins(%zero : i32) outs(%e : tensor<1x2x3x3xi32>) -> tensor<1x2x3x3xi32>
  %acc = linalg.generic {indexing_maps = [#in, #flt, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x1x4x4xi8>, tensor<2x1x2x2xi8>) outs(%c : tensor<1x2x3x3xi32>) {
  ^bb0(%a: i8, %b: i8, %s: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %s, %p : i32
    linalg.yield %r : i32
  } -> tensor<1x2x3x3xi32>
  %q = compress.requantize %acc {input_scales = array<f64: 0.01, 0.02>, axis = 1 : i64}
         : tensor<1x2x3x3xi32> -> tensor<1x2x3x3x!quant.uniform<i8:f32, 0.1>>
  %s = quant.scast %q : tensor<1x2x3x3x!quant.uniform<i8:f32, 0.1>> to tensor<1x2x3x3xi8>
  return %s : tensor<1x2x3x3xi8>
}
