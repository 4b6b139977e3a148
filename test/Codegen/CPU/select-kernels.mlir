// RUN: compress-opt %s --split-input-file --compress-cpu-select-kernels=cpu=avx512-vnni | FileCheck %s --check-prefix=VNNI
// RUN: compress-opt %s --split-input-file --compress-cpu-select-kernels="cpu=portable threads=2" | FileCheck %s --check-prefix=PORTABLE
// RUN: compress-opt %s --split-input-file --compress-cpu-select-kernels=cpu=amx | FileCheck %s --check-prefix=AMX
// RUN: compress-opt %s --split-input-file --compress-cpu-select-kernels=cpu=haswell | FileCheck %s --check-prefix=HASWELL
// RUN: compress-opt %s --split-input-file --compress-cpu-select-kernels=cpu=sapphirerapids | FileCheck %s --check-prefix=AMX
// RUN: compress-opt %s --split-input-file --compress-cpu-select-kernels=cpu=+avx2,+fma | FileCheck %s --check-prefix=HASWELL
// RUN: not compress-opt %s --split-input-file --compress-cpu-select-kernels=cpu=pentium-pro 2>&1 | FileCheck %s --check-prefix=BADCPU
// RUN: not compress-opt %s --split-input-file --compress-cpu-select-kernels=threads=-1 2>&1 | FileCheck %s --check-prefix=BADTHREADS

// BADCPU: error: compress-cpu-select-kernels: unknown cpu 'pentium-pro'
// BADTHREADS: error: compress-cpu-select-kernels: option 'threads' must be 0 (all cores) or positive, got -1

// VNNI-LABEL: func.func @matmul_f32
// VNNI: linalg.matmul {compress.cpu_kernel = {isa = "avx512", kernel = "sgemm", threads = 1 : i64}}
// PORTABLE-LABEL: func.func @matmul_f32
// PORTABLE: linalg.matmul {compress.cpu_kernel = {isa = "portable", kernel = "sgemm", threads = 2 : i64}}
// AMX-LABEL: func.func @matmul_f32
// AMX: linalg.matmul {compress.cpu_kernel = {isa = "avx512", kernel = "sgemm", threads = 1 : i64}}
// HASWELL-LABEL: func.func @matmul_f32
// HASWELL: linalg.matmul {compress.cpu_kernel = {isa = "avx2", kernel = "sgemm", threads = 1 : i64}}
func.func @matmul_f32(%a: tensor<4x8xf32>, %init: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %w = arith.constant dense<1.0> : tensor<8x3xf32>
  %r = linalg.matmul ins(%a, %w : tensor<4x8xf32>, tensor<8x3xf32>) outs(%init : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// -----

// A transposed weight (ONNX Gemm transB=1) is a GEMM as well.
// VNNI-LABEL: func.func @matmul_transposed_b
// VNNI: linalg.matmul {{.*}}compress.cpu_kernel = {isa = "avx512", kernel = "sgemm"
func.func @matmul_transposed_b(%a: tensor<4x8xf32>, %w: tensor<3x8xf32>, %init: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %w : tensor<4x8xf32>, tensor<3x8xf32>) outs(%init : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// -----

// The integer kernels of compress-fuse-qdq: u8 activations x s8 weights.
// VNNI-LABEL: func.func @igemm
// VNNI: linalg.generic {{.*}}compress.cpu_kernel = {isa = "avx512-vnni", kernel = "igemm_u8s8", threads = 1 : i64}
// AMX-LABEL: func.func @igemm
// AMX: compress.cpu_kernel = {isa = "amx", kernel = "igemm_u8s8"
// HASWELL-LABEL: func.func @igemm
// HASWELL: compress.cpu_kernel = {isa = "avx2", kernel = "igemm_u8s8"
#A = affine_map<(d0, d1, d2) -> (d0, d2)>
#B = affine_map<(d0, d1, d2) -> (d2, d1)>
#C = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @igemm(%a: tensor<2x4xi8>, %init: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %w = arith.constant dense<1> : tensor<4x3xi8>
  %r = linalg.generic {indexing_maps = [#A, #B, #C], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<2x4xi8>, tensor<4x3xi8>) outs(%init : tensor<2x3xi32>) {
  ^bb0(%x: i8, %y: i8, %c: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %c, %p : i32
    linalg.yield %s : i32
  } -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}

// -----

// s8 x s8 (activation-type=i8) has no kernel: left alone.
// VNNI-LABEL: func.func @igemm_signed_activations
// VNNI-NOT: compress.cpu_kernel
#A = affine_map<(d0, d1, d2) -> (d0, d2)>
#B = affine_map<(d0, d1, d2) -> (d2, d1)>
#C = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @igemm_signed_activations(%a: tensor<2x4xi8>, %w: tensor<4x3xi8>, %init: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %r = linalg.generic {indexing_maps = [#A, #B, #C], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<2x4xi8>, tensor<4x3xi8>) outs(%init : tensor<2x3xi32>) {
  ^bb0(%x: i8, %y: i8, %c: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %c, %p : i32
    linalg.yield %s : i32
  } -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}

// -----

// Dynamic shapes stay on the generic path; static batch matmuls go to the
// batched f32 GEMM (on the AVX-512 path: f32 kernels never use VNNI).
// VNNI-LABEL: func.func @dynamic_and_batch
// VNNI: linalg.matmul ins
// VNNI-NOT: compress.cpu_kernel
// VNNI: linalg.batch_matmul {compress.cpu_kernel = {isa = "avx512", kernel = "sgemm_batched", threads = 1 : i64}}
func.func @dynamic_and_batch(%a: tensor<?x8xf32>, %w: tensor<8x3xf32>, %init: tensor<?x3xf32>,
                             %ba: tensor<2x4x8xf32>, %bw: tensor<2x8x3xf32>, %binit: tensor<2x4x3xf32>) -> (tensor<?x3xf32>, tensor<2x4x3xf32>) {
  %r = linalg.matmul ins(%a, %w : tensor<?x8xf32>, tensor<8x3xf32>) outs(%init : tensor<?x3xf32>) -> tensor<?x3xf32>
  %b = linalg.batch_matmul ins(%ba, %bw : tensor<2x4x8xf32>, tensor<2x8x3xf32>) outs(%binit : tensor<2x4x3xf32>) -> tensor<2x4x3xf32>
  return %r, %b : tensor<?x3xf32>, tensor<2x4x3xf32>
}

// -----

// VNNI-LABEL: func.func @convolutions
// VNNI: linalg.conv_2d_nchw_fchw {compress.cpu_kernel = {isa = "avx512", kernel = "conv2d_nchw_f32", threads = 1 : i64}
// VNNI: linalg.depthwise_conv_2d_nchw_chw {compress.cpu_kernel = {isa = "avx512", kernel = "depthwise_conv2d_nchw_f32", threads = 1 : i64}
// VNNI: linalg.conv_2d_ngchw_gfchw {compress.cpu_kernel = {isa = "avx512", kernel = "conv2d_nchw_f32", threads = 1 : i64}
// A filter computed at run time is not packed: no kernel.
// VNNI: linalg.conv_2d_nchw_fchw
// VNNI-NOT: compress.cpu_kernel
// VNNI-SAME: -> tensor<1x4x6x6xf32>
func.func @convolutions(%x: tensor<1x3x8x8xf32>, %init: tensor<1x4x6x6xf32>,
                        %dinit: tensor<1x3x6x6xf32>, %gx: tensor<1x2x2x8x8xf32>,
                        %ginit: tensor<1x2x3x6x6xf32>, %wf: tensor<4x3x3x3xf32>)
    -> (tensor<1x4x6x6xf32>, tensor<1x3x6x6xf32>, tensor<1x2x3x6x6xf32>, tensor<1x4x6x6xf32>) {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %dw = arith.constant dense<0.5> : tensor<3x3x3xf32>
  %gw = arith.constant dense<0.5> : tensor<2x3x2x3x3xf32>
  %c = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%init : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %d = linalg.depthwise_conv_2d_nchw_chw ins(%x, %dw : tensor<1x3x8x8xf32>, tensor<3x3x3xf32>) outs(%dinit : tensor<1x3x6x6xf32>) -> tensor<1x3x6x6xf32>
  %g = linalg.conv_2d_ngchw_gfchw ins(%gx, %gw : tensor<1x2x2x8x8xf32>, tensor<2x3x2x3x3xf32>) outs(%ginit : tensor<1x2x3x6x6xf32>) -> tensor<1x2x3x6x6xf32>
  %v = linalg.conv_2d_nchw_fchw ins(%x, %wf : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%init : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %c, %d, %g, %v : tensor<1x4x6x6xf32>, tensor<1x3x6x6xf32>, tensor<1x2x3x6x6xf32>, tensor<1x4x6x6xf32>
}

// -----

// The NCHW integer convolution kernel of compress-fuse-qdq (stride 2).
// VNNI-LABEL: func.func @int8_conv
// VNNI: linalg.generic {{.*}}compress.cpu_kernel = {isa = "avx512-vnni", kernel = "conv2d_nchw_u8s8", threads = 1 : i64}
func.func @int8_conv(%x: tensor<1x2x9x9xi8>, %init: tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32> {
  %w = arith.constant dense<3> : tensor<4x2x3x3xi8>
  %r = linalg.generic {indexing_maps = [
        affine_map<(n, f, h, w, c, i, j) -> (n, c, h * 2 + i, w * 2 + j)>,
        affine_map<(n, f, h, w, c, i, j) -> (f, c, i, j)>,
        affine_map<(n, f, h, w, c, i, j) -> (n, f, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x2x9x9xi8>, tensor<4x2x3x3xi8>) outs(%init : tensor<1x4x4x4xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %p = arith.muli %ae, %be : i32
    %q = arith.addi %c, %p : i32
    linalg.yield %q : i32
  } -> tensor<1x4x4x4xi32>
  return %r : tensor<1x4x4x4xi32>
}

// -----

// compress-fuse-qdq's product of two activations (attention): an integer
// batch matmul with zero points goes to the integer batched GEMM (VNNI
// where available); one with a body the kernel does not compute (the
// product of three terms) stays generic.
// VNNI-LABEL: func.func @int8_batched
// VNNI: linalg.generic {{.*}}compress.cpu_kernel = {isa = "avx512-vnni", kernel = "igemm_batched", threads = 1 : i64}
// VNNI: linalg.generic
// VNNI-NOT: compress.cpu_kernel
// VNNI: return
// PORTABLE-LABEL: func.func @int8_batched
// PORTABLE: compress.cpu_kernel = {isa = "portable", kernel = "igemm_batched", threads = 2 : i64}
#ba = affine_map<(b, m, n, k) -> (b, m, k)>
#bb = affine_map<(b, m, n, k) -> (b, k, n)>
#bc = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @int8_batched(%a: tensor<2x4x8xi8>, %b: tensor<2x8x3xi8>, %init: tensor<2x4x3xi32>) -> (tensor<2x4x3xi32>, tensor<2x4x3xi32>) {
  %r = linalg.generic {indexing_maps = [#ba, #bb, #bc], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<2x4x8xi8>, tensor<2x8x3xi8>) outs(%init : tensor<2x4x3xi32>) {
  ^bb0(%x: i8, %y: i8, %c: i32):
    %xe = arith.extui %x : i8 to i32
    %za = arith.constant 121 : i32
    %xc = arith.subi %xe, %za : i32
    %ye = arith.extui %y : i8 to i32
    %yc = arith.subi %ye, %za : i32
    %p = arith.muli %xc, %yc : i32
    %s = arith.addi %c, %p : i32
    linalg.yield %s : i32
  } -> tensor<2x4x3xi32>
  %q = linalg.generic {indexing_maps = [#ba, #bb, #bc], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<2x4x8xi8>, tensor<2x8x3xi8>) outs(%init : tensor<2x4x3xi32>) {
  ^bb0(%x: i8, %y: i8, %c: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %p2 = arith.muli %p, %ye : i32
    %s = arith.addi %c, %p2 : i32
    linalg.yield %s : i32
  } -> tensor<2x4x3xi32>
  return %r, %q : tensor<2x4x3xi32>, tensor<2x4x3xi32>
}
