// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx512 threads=1" --mlir-print-ir-after=compress-cpu-lower-kernels -o /dev/null 2>&1 | FileCheck %s
// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx512 threads=1 conv-epilogues=false" --mlir-print-ir-after=compress-cpu-lower-kernels -o /dev/null 2>&1 | FileCheck %s --check-prefix=OFF

// f32 convolutions started from a fill and followed by one elementwise
// epilogue (x + bias) + residual, clamped, become one call that writes the
// epilogue's output: no fill, no epilogue loop, no intermediate buffer. The
// results are checked by test/Integration/CPU/kernels/conv-f32-epilogue.mlir.

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>

// CHECK-LABEL: func.func @bias_relu6
// CHECK: %[[BIAS:.*]] = memref.get_global @{{.*}} : memref<4xf32>
// CHECK-NOT: linalg.fill
// CHECK: memref.extract_aligned_pointer_as_index %[[BIAS]]
// The bits of init 0.0, bias splat -0.0 (unused), no residual, lo 0.0, hi 6.0:
// CHECK: %[[C6:.*]] = arith.constant 1086324736 : i64
// CHECK: call @compress_cpu_conv2d_nchw_f32_fused({{.*}}, %c0_i64{{.*}}, %{{.*}}, %c2147483648_i64{{.*}}, %c0_i64{{.*}}, %c0_i64{{.*}}, %[[C6]], %{{.*}}, %c1_i64{{.*}})
// CHECK-NOT: linalg.generic
// CHECK: return
// OFF-LABEL: func.func @bias_relu6
// OFF: linalg.fill
// OFF: call @compress_cpu_conv2d_nchw_f32(
// OFF: linalg.generic
func.func @bias_relu6(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x6x6xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = arith.constant dense<[1.0, -2.0, 3.0, -4.0]> : tensor<4xf32>
  %z = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%f : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %e2 = tensor.empty() : tensor<1x4x6x6xf32>
  %r = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %b : tensor<1x4x6x6xf32>, tensor<4xf32>) outs(%e2 : tensor<1x4x6x6xf32>) {
  ^bb0(%i: f32, %bb: f32, %o: f32):
    %a = arith.addf %i, %bb : f32
    %m = arith.maximumf %a, %z : f32
    %n = arith.minimumf %m, %six : f32
    linalg.yield %n : f32
  } -> tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// A padded input (tensor.pad, top/left 1 and bottom/right 2, of 0.0) read
// by no one else: the call takes the unpadded 8x8 source and the padding
// (1, 1, 2, 2, bits of 0.0) and pads each image itself; no padded copy.
// CHECK-LABEL: func.func @padded_bias_relu
// CHECK-NOT: memref.copy
// CHECK: call @compress_cpu_conv2d_nchw_f32_padded(%c2_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c3_i64{{[_0-9]*}}, %c8_i64{{[_0-9]*}}, %c8_i64{{[_0-9]*}}, %c4_i64{{[_0-9]*}}, %c3_i64{{[_0-9]*}}, %c3_i64{{[_0-9]*}}, %c9_i64{{[_0-9]*}}, %c9_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c0_i64{{[_0-9]*}},
// CHECK-NOT: memref.copy
// CHECK-NOT: linalg.generic
// CHECK: return
// OFF-LABEL: func.func @padded_bias_relu
// OFF: memref.copy
// OFF: call @compress_cpu_conv2d_nchw_f32(
func.func @padded_bias_relu(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x9x9xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = arith.constant dense<[1.0, -2.0, 3.0, -4.0]> : tensor<4xf32>
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 2, 2] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %z : f32
  } : tensor<1x3x8x8xf32> to tensor<1x3x11x11xf32>
  %e = tensor.empty() : tensor<1x4x9x9xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x4x9x9xf32>) -> tensor<1x4x9x9xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x3x11x11xf32>, tensor<4x3x3x3xf32>) outs(%f : tensor<1x4x9x9xf32>) -> tensor<1x4x9x9xf32>
  %e2 = tensor.empty() : tensor<1x4x9x9xf32>
  %r = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %b : tensor<1x4x9x9xf32>, tensor<4xf32>) outs(%e2 : tensor<1x4x9x9xf32>) {
  ^bb0(%i: f32, %bb: f32, %o: f32):
    %a = arith.addf %i, %bb : f32
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x4x9x9xf32>
  return %r : tensor<1x4x9x9xf32>
}

// A residual block's end: relu((x + 0.0) + skip), on a depthwise convolution.
// CHECK-LABEL: func.func @depthwise_residual_relu
// CHECK-NOT: linalg.fill
// CHECK: call @compress_cpu_depthwise_conv2d_nchw_f32_fused(
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @depthwise_residual_relu(%x: tensor<1x4x8x8xf32>, %skip: tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %c = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x4x8x8xf32>, tensor<4x3x3xf32>) outs(%f : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %e2 = tensor.empty() : tensor<1x4x6x6xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %skip : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) outs(%e2 : tensor<1x4x6x6xf32>) {
  ^bb0(%i: f32, %s: f32, %o: f32):
    %a = arith.addf %i, %z : f32
    %a2 = arith.addf %s, %a : f32
    %m = arith.maximumf %a2, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// Not fused: the residual is added before the bias (another rounding order),
// and an epilogue that multiplies. Both stay plain calls and loops.
// CHECK-LABEL: func.func @not_fused
// CHECK: linalg.fill
// CHECK: call @compress_cpu_conv2d_nchw_f32(
// CHECK: linalg.generic
// CHECK: linalg.fill
// CHECK: call @compress_cpu_conv2d_nchw_f32(
// CHECK: linalg.generic
// CHECK-NOT: _fused
// CHECK: return
func.func @not_fused(%x: tensor<1x3x8x8xf32>, %skip: tensor<1x4x6x6xf32>) -> (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = arith.constant dense<[1.0, -2.0, 3.0, -4.0]> : tensor<4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%f : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %e2 = tensor.empty() : tensor<1x4x6x6xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %skip, %b : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>, tensor<4xf32>) outs(%e2 : tensor<1x4x6x6xf32>) {
  ^bb0(%i: f32, %s: f32, %bb: f32, %o: f32):
    %a = arith.addf %i, %s : f32
    %a2 = arith.addf %a, %bb : f32
    linalg.yield %a2 : f32
  } -> tensor<1x4x6x6xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %c2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%f2 : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %r2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c2 : tensor<1x4x6x6xf32>) outs(%e2 : tensor<1x4x6x6xf32>) {
  ^bb0(%i: f32, %o: f32):
    %m = arith.mulf %i, %i : f32
    linalg.yield %m : f32
  } -> tensor<1x4x6x6xf32>
  return %r, %r2 : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>
}

// The padded input of a fused depthwise convolution: the kernel pads each
// plane itself (pads 1, 1, 1, 1 of 0.0), so the padded buffer, its fill and
// the copy into it are gone, and the call reads the unpadded 8x8 tensor.
// CHECK-LABEL: func.func @depthwise_padded
// CHECK-NOT: memref.copy
// CHECK-NOT: linalg.map
// CHECK: call @compress_cpu_depthwise_conv2d_nchw_f32_fused(%{{[^,]*}}, %{{[^,]*}}, %c4_i64{{[^,]*}}, %c8_i64{{[^,]*}}, %c8_i64{{[^,]*}}, %c3_i64{{[^,]*}}, %c3_i64{{[^,]*}}, %c8_i64{{[^,]*}}, %c8_i64{{[^,]*}}, %c1_i64{{[^,]*}}, %c1_i64{{[^,]*}}, %c1_i64{{[^,]*}}, %c1_i64{{[^,]*}}, %c1_i64{{[^,]*}}, %c1_i64{{[^,]*}}, %c1_i64{{[^,]*}}, %c1_i64{{[^,]*}}, %c0_i64
// CHECK-NOT: memref.copy
// CHECK: return
// OFF-LABEL: func.func @depthwise_padded
// OFF: memref.copy
// OFF: call @compress_cpu_depthwise_conv2d_nchw_f32(
func.func @depthwise_padded(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3x3xf32>
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %z : f32
  } : tensor<1x4x8x8xf32> to tensor<1x4x10x10xf32>
  %e = tensor.empty() : tensor<1x4x8x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %c = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x4x10x10xf32>, tensor<4x3x3xf32>) outs(%f : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %e2 = tensor.empty() : tensor<1x4x8x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c : tensor<1x4x8x8xf32>) outs(%e2 : tensor<1x4x8x8xf32>) {
  ^bb0(%i: f32, %o: f32):
    %m = arith.maximumf %i, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}
