// RUN: compress-opt %s --split-input-file --compress-cpu-lower-kernels -verify-diagnostics

func.func @unknown_isa(%a: memref<4x8xf32>, %w: memref<8x3xf32>, %c: memref<4x3xf32>) {
  // expected-error @+1 {{compress-cpu-lower-kernels: malformed 'compress.cpu_kernel' attribute}}
  linalg.matmul {compress.cpu_kernel = {isa = "sse9", kernel = "sgemm", threads = 1 : i64}}
      ins(%a, %w : memref<4x8xf32>, memref<8x3xf32>) outs(%c : memref<4x3xf32>)
  return
}

// -----

func.func @strided_activation(%a: memref<4x8xf32, strided<[1, 4]>>, %w: memref<8x3xf32>, %c: memref<4x3xf32>) {
  // expected-remark @+1 {{the activation or the result is not contiguous along its rows; left as it is}}
  linalg.matmul {compress.cpu_kernel = {isa = "avx2", kernel = "sgemm", threads = 1 : i64}}
      ins(%a, %w : memref<4x8xf32, strided<[1, 4]>>, memref<8x3xf32>) outs(%c : memref<4x3xf32>)
  return
}

// -----

func.func @runtime_filter(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %o: memref<1x4x6x6xf32>) {
  // expected-remark @+1 {{the filter is not a readable constant; left as it is}}
  linalg.conv_2d_nchw_fchw {compress.cpu_kernel = {isa = "avx512", kernel = "conv2d_nchw_f32", threads = 1 : i64}}
      ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%o : memref<1x4x6x6xf32>)
  return
}

// -----

// A pooling kernel named on an op that is no pooling (a min over bytes).
#in = affine_map<(n, c, h, w, kh, kw) -> (n, c, h + kh, w + kw)>
#win = affine_map<(n, c, h, w, kh, kw) -> (kh, kw)>
#out = affine_map<(n, c, h, w, kh, kw) -> (n, c, h, w)>
func.func @not_a_pooling(%x: memref<1x1x4x4xi8>, %w: memref<2x2xf32>, %o: memref<1x1x3x3xi8>) {
  // expected-remark @+1 {{not a pooling the kernels compute; left as it is}}
  linalg.generic {indexing_maps = [#in, #win, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"], compress.cpu_kernel = {isa = "avx2", kernel = "max_pool2d_nchw_u8", threads = 1 : i64}}
      ins(%x, %w : memref<1x1x4x4xi8>, memref<2x2xf32>) outs(%o : memref<1x1x3x3xi8>) {
  ^bb0(%i: i8, %unused: f32, %acc: i8):
    %m = arith.minui %acc, %i : i8
    linalg.yield %m : i8
  }
  return
}
