// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx512-vnni threads=1" --mlir-print-ir-after=compress-cpu-lower-kernels -o /dev/null 2>&1 | FileCheck %s
// RUN: compress-opt %s --compress-lower-to-cpu="cpu=portable threads=1" --mlir-print-ir-after=compress-cpu-lower-kernels -o /dev/null 2>&1 | FileCheck %s
// No i32 buffer anywhere in the lowered function (the whole output):
// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx512-vnni threads=1" --mlir-print-ir-after=compress-cpu-lower-kernels -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOI32
// NOI32-LABEL: func.func @conv_bias_requantize
// NOI32-NOT: memref.alloc() {{.*}}xi32>
// NOI32: return

// An int8 NCHW convolution started from its per-channel bias and followed by
// a per-channel requantization becomes one call that takes the bias row and
// writes only the requantized bytes: no i32 buffer, no broadcast, no
// epilogue loop. (Its results are checked exactly by
// test/Integration/CPU/int8/conv.mlir and the unit tests.)
// CHECK-LABEL: func.func @conv_bias_requantize
// CHECK: %[[BIAS:.*]] = memref.get_global @{{.*}} : memref<2xi32>
// CHECK: %[[ROW:.*]] = memref.extract_aligned_pointer_as_index %[[BIAS]]
// CHECK: call @compress_cpu_conv2d_nchw_u8s8_requantize(
// CHECK-NOT: linalg.generic
// CHECK-NOT: call @compress_cpu_conv2d_nchw_u8s8(
// CHECK: return
#in = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh + kh, ow + kw)>
#flt = affine_map<(n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw)>
#out = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>
#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>
func.func @conv_bias_requantize(%x: tensor<1x1x4x4xi8>) -> tensor<1x2x3x3xi8> {
  %w = arith.constant dense<[[[[1, -2], [3, 4]]], [[[-5, 6], [7, -8]]]]> : tensor<2x1x2x2xi8>
  %bias = arith.constant dense<[100, -200]> : tensor<2xi32>
  %e = tensor.empty() : tensor<1x2x3x3xi32>
  %c = linalg.generic {indexing_maps = [#ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bias : tensor<2xi32>) outs(%e : tensor<1x2x3x3xi32>) {
  ^bb0(%b: i32, %o: i32):
    linalg.yield %b : i32
  } -> tensor<1x2x3x3xi32>
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
         : tensor<1x2x3x3xi32> -> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.1:3>>
  %s = quant.scast %q : tensor<1x2x3x3x!quant.uniform<u8:f32, 0.1:3>> to tensor<1x2x3x3xi8>
  return %s : tensor<1x2x3x3xi8>
}
