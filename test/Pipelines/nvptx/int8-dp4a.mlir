// i8 x i8 -> i32 reductions (the kernels compress-fuse-qdq produces) become
// kernels that use dp4a; the PTX assembles for sm_80 and sm_90. Kernels are
// named <function>_k<index>_<kind>: k0 fills the accumulator, k1 reduces.
// matmul-tiling=false keeps the 16x32 matmul one thread per output here;
// matmul-tiled.mlir tests the shared-memory kernels.
//
// REQUIRES: ptxas
// RUN: rm -rf %t && mkdir -p %t
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_80 matmul-tiling=false dump-ptx=%t/sm80" -o /dev/null
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_90 matmul-tiling=false dump-ptx=%t/sm90" -o /dev/null
// RUN: %python %S/assemble_ptx.py %ptxas sm_80 %t/sm80 | FileCheck %s --check-prefix=ASM80
// RUN: %python %S/assemble_ptx.py %ptxas sm_90 %t/sm90 | FileCheck %s --check-prefix=ASM90
// ASM80: assembled 12 PTX files for sm_80
// ASM90: assembled 12 PTX files for sm_90
//
// RUN: FileCheck %s --check-prefixes=S8S8,SM80 < %t/sm80/matmul_s8s8_k1_dp4a.ptx
// RUN: FileCheck %s --check-prefixes=S8S8,SM90 < %t/sm90/matmul_s8s8_k1_dp4a.ptx
// RUN: FileCheck %s --check-prefix=U8S8 < %t/sm90/matmul_u8s8_k1_dp4a.ptx
// RUN: FileCheck %s --check-prefix=TAIL < %t/sm90/matmul_k10_k1_dp4a.ptx
// RUN: FileCheck %s --check-prefix=CONV < %t/sm90/conv_nhwc_k1_dp4a.ptx
// RUN: FileCheck %s --check-prefix=CHAN1 < %t/sm90/conv_one_channel_k1_reduction.ptx
// RUN: FileCheck %s --check-prefix=I16 < %t/sm90/matmul_i16_k1_reduction.ptx

// The lowest PTX version for the chip unless ptx-version says otherwise.
// SM80: .version 7.0
// SM80: .target sm_80
// SM90: .version 7.8
// SM90: .target sm_90

// Signed x signed, K = 64: sixteen dp4a per output, one thread per output.
// S8S8: .visible .entry matmul_s8s8_k1_dp4a(
// S8S8: .maxntid 256, 1, 1
// S8S8: dp4a.s32.s32
// S8S8-NOT: mul.wide.s16
// S8S8: st.global.b32
func.func @matmul_s8s8(%a: tensor<16x64xi8>, %b: tensor<64x32xi8>) -> tensor<16x32xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<16x32xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<16x32xi32>) -> tensor<16x32xi32>
  %r = linalg.matmul ins(%a, %b : tensor<16x64xi8>, tensor<64x32xi8>)
         outs(%f : tensor<16x32xi32>) -> tensor<16x32xi32>
  return %r : tensor<16x32xi32>
}

// Unsigned activations (u8 storage, zero-extended) x signed weights, as
// compress-fold-calibration's default u8 activations produce.
// U8S8: .visible .entry matmul_u8s8_k1_dp4a(
// U8S8: dp4a.u32.s32
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @matmul_u8s8(%a: tensor<4x36xi8>, %b: tensor<36x8xi8>) -> tensor<4x8xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<4x8xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<4x8xi32>) -> tensor<4x8xi32>
  %r = linalg.generic {indexing_maps = [#lhs, #rhs, #out],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<4x36xi8>, tensor<36x8xi8>) outs(%f : tensor<4x8xi32>) {
  ^bb0(%x: i8, %w: i8, %acc: i32):
    %xe = arith.extui %x : i8 to i32
    %we = arith.extsi %w : i8 to i32
    %p = arith.muli %xe, %we : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<4x8xi32>
  return %r : tensor<4x8xi32>
}

// K = 10: two dp4a steps, then two scalar steps (16-bit widening multiplies)
// for the rest.
// TAIL: .visible .entry matmul_k10_k1_dp4a(
// TAIL-COUNT-2: dp4a.s32.s32
// TAIL-NOT: dp4a
// TAIL-COUNT-2: mul.wide.s16
// TAIL-NOT: dp4a
func.func @matmul_k10(%a: tensor<4x10xi8>, %b: tensor<10x8xi8>) -> tensor<4x8xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<4x8xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<4x8xi32>) -> tensor<4x8xi32>
  %r = linalg.matmul ins(%a, %b : tensor<4x10xi8>, tensor<10x8xi8>)
         outs(%f : tensor<4x8xi32>) -> tensor<4x8xi32>
  return %r : tensor<4x8xi32>
}

// NHWC x HWCF convolution with 8 input channels: dp4a steps through the
// channels, inside the 3x3 window loops.
// CONV: .visible .entry conv_nhwc_k1_dp4a(
// CONV: dp4a.s32.s32
func.func @conv_nhwc(%x: tensor<1x6x6x8xi8>, %w: tensor<3x3x8x4xi8>) -> tensor<1x4x4x4xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x4x4x4xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x6x8xi8>, tensor<3x3x8x4xi8>)
         outs(%f : tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32>
  return %r : tensor<1x4x4x4xi32>
}

// A one-channel image with a 3x3 window: no reduction dimension reaches 4,
// so the kernel is a plain reduction.
// CHAN1: .visible .entry conv_one_channel_k1_reduction(
// CHAN1-NOT: dp4a
// CHAN1: mul.wide.s16
// CHAN1-NOT: dp4a
func.func @conv_one_channel(%x: tensor<1x6x6x1xi8>, %w: tensor<3x3x1x4xi8>) -> tensor<1x4x4x4xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x4x4x4xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x6x1xi8>, tensor<3x3x1x4xi8>)
         outs(%f : tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32>
  return %r : tensor<1x4x4x4xi32>
}

// 16-bit inputs are not what dp4a multiplies.
// I16: .visible .entry matmul_i16_k1_reduction(
// I16-NOT: dp4a
// I16: mul.wide.s16
// I16-NOT: dp4a
func.func @matmul_i16(%a: tensor<4x16xi16>, %b: tensor<16x8xi16>) -> tensor<4x8xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<4x8xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<4x8xi32>) -> tensor<4x8xi32>
  %r = linalg.matmul ins(%a, %b : tensor<4x16xi16>, tensor<16x8xi16>)
         outs(%f : tensor<4x8xi32>) -> tensor<4x8xi32>
  return %r : tensor<4x8xi32>
}
