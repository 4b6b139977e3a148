// RUN: compress-opt %s --split-input-file --compress-lower-to-cpu="cpu=avx512 threads=1" --mlir-print-ir-after=compress-cpu-lower-kernels -o /dev/null 2>&1 | FileCheck %s

// relu((a + biasA) + (b + biasB)), `a` computed first: `a + biasA` becomes
// the epilogue of a's call (no residual, no clamp), the rest b's (residual:
// a's new buffer; clamp at 0). No elementwise op is left. The values are
// checked by test/Integration/CPU/residual-bias-split.mlir.
// CHECK-LABEL: func.func @split
// CHECK-NOT: linalg.generic
// CHECK: call @compress_cpu_conv2d_nchw_f32_fused(
// CHECK-NOT: linalg.generic
// CHECK: call @compress_cpu_conv2d_nchw_f32_fused(
// CHECK-NOT: linalg.generic
// CHECK: return
#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>
func.func @split(%x: tensor<1x4x6x6xf32>) -> tensor<1x4x4x4xf32> {
  %wa = arith.constant dense<0.5> : tensor<4x4x3x3xf32>
  %wb = arith.constant dense<0.25> : tensor<4x4x3x3xf32>
  %ba = arith.constant dense<[1.0, -2.0, 3.0, -4.0]> : tensor<4xf32>
  %bb = arith.constant dense<[0.5, 0.5, -0.5, -0.5]> : tensor<4xf32>
  %z = arith.constant 0.0 : f32
  %ea = tensor.empty() : tensor<1x4x4x4xf32>
  %fa = linalg.fill ins(%z : f32) outs(%ea : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %a = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %wa : tensor<1x4x6x6xf32>, tensor<4x4x3x3xf32>) outs(%fa : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %eb = tensor.empty() : tensor<1x4x4x4xf32>
  %fb = linalg.fill ins(%z : f32) outs(%eb : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %b = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %wb : tensor<1x4x6x6xf32>, tensor<4x4x3x3xf32>) outs(%fb : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #ch, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a, %b, %ba, %bb : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x4x4xf32>) {
  ^bb0(%va: f32, %vb: f32, %qa: f32, %qb: f32, %o: f32):
    %sa = arith.addf %va, %qa : f32
    %sb = arith.addf %vb, %qb : f32
    %s = arith.addf %sa, %sb : f32
    %m = arith.maximumf %s, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x4xf32>
  return %r : tensor<1x4x4x4xf32>
}

// -----

// `a` is also returned: its buffer has another reader, so nothing is split;
// both convolutions stay plain calls and the elementwise op stays.
// CHECK-LABEL: func.func @other_use
// CHECK-NOT: compress_cpu_conv2d_nchw_f32_fused
// CHECK: call @compress_cpu_conv2d_nchw_f32(
// CHECK-NOT: compress_cpu_conv2d_nchw_f32_fused
// CHECK: call @compress_cpu_conv2d_nchw_f32(
// CHECK-NOT: compress_cpu_conv2d_nchw_f32_fused
// CHECK: linalg.generic
// CHECK: return
#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>
func.func @other_use(%x: tensor<1x4x6x6xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) {
  %wa = arith.constant dense<0.5> : tensor<4x4x3x3xf32>
  %wb = arith.constant dense<0.25> : tensor<4x4x3x3xf32>
  %ba = arith.constant dense<[1.0, -2.0, 3.0, -4.0]> : tensor<4xf32>
  %z = arith.constant 0.0 : f32
  %ea = tensor.empty() : tensor<1x4x4x4xf32>
  %fa = linalg.fill ins(%z : f32) outs(%ea : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %a = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %wa : tensor<1x4x6x6xf32>, tensor<4x4x3x3xf32>) outs(%fa : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %eb = tensor.empty() : tensor<1x4x4x4xf32>
  %fb = linalg.fill ins(%z : f32) outs(%eb : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %b = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %wb : tensor<1x4x6x6xf32>, tensor<4x4x3x3xf32>) outs(%fb : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a, %b, %ba : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x4x4xf32>) {
  ^bb0(%va: f32, %vb: f32, %qa: f32, %o: f32):
    %sa = arith.addf %va, %qa : f32
    %s = arith.addf %sa, %vb : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x4xf32>
  return %r, %a : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
}
