// RUN: compress-opt %s --compress-cpu-select-kernels=cpu=avx2 | FileCheck %s --check-prefix=SELECT
// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx2 threads=1" --mlir-print-ir-after=compress-cpu-lower-kernels -o /dev/null 2>&1 | FileCheck %s --check-prefix=LOWER
// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx2 threads=1" | %run_cpu | FileCheck %s --check-prefix=EXEC
// RUN: compress-opt %s --compress-lower-to-cpu="cpu=portable threads=1" | %run_cpu | FileCheck %s --check-prefix=EXEC
// RUN: compress-opt %s --compress-lower-to-cpu="microkernels=false" | %run_cpu | FileCheck %s --check-prefix=EXEC
// REQUIRES: mlir-runner

// The i8 max pooling compress-fuse-qdq leaves (a linalg.generic whose body
// is arith.maxui or arith.maxsi of the output and the input) goes to
// compress_cpu_max_pool2d_nchw_i8 (isa, signedness, N, C, H, W, KH, KW, OH,
// OW, strides, dilations); the init stays a fill. A generic with another
// body (a min) is left to the loops.
// SELECT-LABEL: func.func @pools
// SELECT: linalg.generic {{.*}}compress.cpu_kernel = {isa = "avx2", kernel = "max_pool2d_nchw_u8", threads = 1 : i64}
// SELECT: linalg.generic {{.*}}compress.cpu_kernel = {isa = "avx2", kernel = "max_pool2d_nchw_s8", threads = 1 : i64}
// SELECT: linalg.generic {{.*}}compress.cpu_kernel = {isa = "avx2", kernel = "max_pool2d_nchw_u8", threads = 1 : i64}
// SELECT: arith.minui
// SELECT-NOT: compress.cpu_kernel
// LOWER-LABEL: func.func @pools
// LOWER: call @compress_cpu_max_pool2d_nchw_i8(%c1_i64{{[_0-9]*}}, %c0_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c4_i64{{[_0-9]*}}, %c8_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c4_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}},
// LOWER: call @compress_cpu_max_pool2d_nchw_i8(%c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c4_i64{{[_0-9]*}}, %c8_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c4_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}},
// LOWER: call @compress_cpu_max_pool2d_nchw_i8(%c1_i64{{[_0-9]*}}, %c0_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c4_i64{{[_0-9]*}}, %c8_i64{{[_0-9]*}}, %c3_i64{{[_0-9]*}}, %c3_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c6_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}},
// LOWER: arith.minui
// Input: byte (i * 37) mod 256 at flat index i of a 1x2x4x8 tensor. The
// expected values are numpy's: x.reshape(1, 2, 2, 2, 4, 2).max((3, 5)) on
// the bytes as uint8, then as int8 (x.view(np.int8)); the 3x3 stride-1 max
// of channel 0 as uint8; its min over the whole plane: 0.
// EXEC-LABEL: u8
// EXEC: {{\[}}[77,{{ +}}151,{{ +}}225,{{ +}}222],
// EXEC-NEXT: [157,{{ +}}231,{{ +}}228,{{ +}}123]],
// EXEC-NEXT: {{\[}}[237,{{ +}}234,{{ +}}129,{{ +}}203],
// EXEC-NEXT: [240,{{ +}}135,{{ +}}209,{{ +}}246]]]]
// EXEC-LABEL: s8
// EXEC: {{\[}}[77,{{ +}}114,{{ +}}-31,{{ +}}43],
// EXEC-NEXT: [120,{{ +}}-25,{{ +}}49,{{ +}}123]],
// EXEC-NEXT: {{\[}}[-19,{{ +}}55,{{ +}}92,{{ +}}126],
// EXEC-NEXT: [61,{{ +}}98,{{ +}}-47,{{ +}}27]]]]
// EXEC-LABEL: u8_3x3
// EXEC: [154,{{ +}}191,{{ +}}228,{{ +}}228,{{ +}}228,{{ +}}225],
// EXEC-NEXT: [194,{{ +}}231,{{ +}}231,{{ +}}231,{{ +}}228,{{ +}}225]]]]
// EXEC-LABEL: min
// EXEC: [0]
#in2 = affine_map<(n, c, h, w, kh, kw) -> (n, c, h * 2 + kh, w * 2 + kw)>
#in1 = affine_map<(n, c, h, w, kh, kw) -> (n, c, h + kh, w + kw)>
#win = affine_map<(n, c, h, w, kh, kw) -> (kh, kw)>
#out = affine_map<(n, c, h, w, kh, kw) -> (n, c, h, w)>
func.func @pools(%x: tensor<1x2x4x8xi8>)
    -> (tensor<1x2x2x4xi8>, tensor<1x2x2x4xi8>, tensor<1x1x2x6xi8>, tensor<1x1x1x1xi8>) {
  %zero = arith.constant 0 : i8
  %smin = arith.constant -128 : i8
  %umax = arith.constant -1 : i8
  %w2 = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2x2x4xi8>
  %fu = linalg.fill ins(%zero : i8) outs(%e : tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8>
  %u = linalg.generic {indexing_maps = [#in2, #win, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w2 : tensor<1x2x4x8xi8>, tensor<2x2xf32>) outs(%fu : tensor<1x2x2x4xi8>) {
  ^bb0(%in: i8, %unused: f32, %acc: i8):
    %m = arith.maxui %acc, %in : i8
    linalg.yield %m : i8
  } -> tensor<1x2x2x4xi8>
  %fs = linalg.fill ins(%smin : i8) outs(%e : tensor<1x2x2x4xi8>) -> tensor<1x2x2x4xi8>
  %s = linalg.generic {indexing_maps = [#in2, #win, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w2 : tensor<1x2x4x8xi8>, tensor<2x2xf32>) outs(%fs : tensor<1x2x2x4xi8>) {
  ^bb0(%in: i8, %unused: f32, %acc: i8):
    %m = arith.maxsi %in, %acc : i8
    linalg.yield %m : i8
  } -> tensor<1x2x2x4xi8>
  %x0 = tensor.extract_slice %x[0, 0, 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : tensor<1x2x4x8xi8> to tensor<1x1x4x8xi8>
  %w3 = tensor.empty() : tensor<3x3xf32>
  %e3 = tensor.empty() : tensor<1x1x2x6xi8>
  %f3 = linalg.fill ins(%zero : i8) outs(%e3 : tensor<1x1x2x6xi8>) -> tensor<1x1x2x6xi8>
  %u3 = linalg.generic {indexing_maps = [#in1, #win, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x0, %w3 : tensor<1x1x4x8xi8>, tensor<3x3xf32>) outs(%f3 : tensor<1x1x2x6xi8>) {
  ^bb0(%in: i8, %unused: f32, %acc: i8):
    %m = arith.maxui %acc, %in : i8
    linalg.yield %m : i8
  } -> tensor<1x1x2x6xi8>
  %w48 = tensor.empty() : tensor<4x8xf32>
  %e4 = tensor.empty() : tensor<1x1x1x1xi8>
  %f4 = linalg.fill ins(%umax : i8) outs(%e4 : tensor<1x1x1x1xi8>) -> tensor<1x1x1x1xi8>
  %mn = linalg.generic {indexing_maps = [#in1, #win, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x0, %w48 : tensor<1x1x4x8xi8>, tensor<4x8xf32>) outs(%f4 : tensor<1x1x1x1xi8>) {
  ^bb0(%in: i8, %unused: f32, %acc: i8):
    %m = arith.minui %acc, %in : i8
    linalg.yield %m : i8
  } -> tensor<1x1x1x1xi8>
  return %u, %s, %u3, %mn : tensor<1x2x2x4xi8>, tensor<1x2x2x4xi8>, tensor<1x1x2x6xi8>, tensor<1x1x1x1xi8>
}

func.func private @printMemrefI32(memref<*xi32>)
func.func @print(%t: tensor<?x?x?x?xi32>) {
  %b = bufferization.to_buffer %t : tensor<?x?x?x?xi32> to memref<?x?x?x?xi32>
  %u = memref.cast %b : memref<?x?x?x?xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}
func.func @main() {
  %x = tensor.generate {
  ^bb0(%n: index, %c: index, %h: index, %w: index):
    %c8 = arith.constant 8 : index
    %c32 = arith.constant 32 : index
    %c37 = arith.constant 37 : index
    %cc = arith.muli %c, %c32 : index
    %r = arith.muli %h, %c8 : index
    %i0 = arith.addi %cc, %r : index
    %i = arith.addi %i0, %w : index
    %v = arith.muli %i, %c37 : index
    %vi = arith.index_cast %v : index to i64
    %b = arith.trunci %vi : i64 to i8
    tensor.yield %b : i8
  } : tensor<1x2x4x8xi8>
  %u, %s, %u3, %mn = call @pools(%x) : (tensor<1x2x4x8xi8>) -> (tensor<1x2x2x4xi8>, tensor<1x2x2x4xi8>, tensor<1x1x2x6xi8>, tensor<1x1x1x1xi8>)
  %uw = arith.extui %u : tensor<1x2x2x4xi8> to tensor<1x2x2x4xi32>
  %sw = arith.extsi %s : tensor<1x2x2x4xi8> to tensor<1x2x2x4xi32>
  %u3w = arith.extui %u3 : tensor<1x1x2x6xi8> to tensor<1x1x2x6xi32>
  %mnw = arith.extui %mn : tensor<1x1x1x1xi8> to tensor<1x1x1x1xi32>
  %a = tensor.cast %uw : tensor<1x2x2x4xi32> to tensor<?x?x?x?xi32>
  %b = tensor.cast %sw : tensor<1x2x2x4xi32> to tensor<?x?x?x?xi32>
  %c = tensor.cast %u3w : tensor<1x1x2x6xi32> to tensor<?x?x?x?xi32>
  %d = tensor.cast %mnw : tensor<1x1x1x1xi32> to tensor<?x?x?x?xi32>
  vector.print str "u8\n"
  call @print(%a) : (tensor<?x?x?x?xi32>) -> ()
  vector.print str "s8\n"
  call @print(%b) : (tensor<?x?x?x?xi32>) -> ()
  vector.print str "u8_3x3\n"
  call @print(%c) : (tensor<?x?x?x?xi32>) -> ()
  vector.print str "min\n"
  call @print(%d) : (tensor<?x?x?x?xi32>) -> ()
  return
}
