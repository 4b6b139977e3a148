// RUN: compress-opt %s --split-input-file --compress-cpu-lower-kernels --canonicalize --cse \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=1000 | FileCheck %s
// RUN: compress-opt %s --split-input-file --compress-cpu-lower-kernels --compress-cpu-lower-kernels | FileCheck %s --check-prefix=TWICE
// RUN: compress-opt %s --split-input-file --compress-cpu-lower-kernels=pack-int4=false | FileCheck %s --check-prefix=INT8
// RUN: compress-opt %s --split-input-file --compress-cpu-lower-kernels=sparse-threshold=0.5 --mlir-print-elementsattrs-with-hex-if-larger=1000 | FileCheck %s --check-prefix=SPARSE
// RUN: compress-opt %s --split-input-file --compress-cpu-lower-kernels=sparse-threshold=2 --mlir-print-elementsattrs-with-hex-if-larger=1000 | FileCheck %s --check-prefix=PAIRS

// A constant weight is packed at compile time into 16-column panels (3
// columns -> one zero-padded panel of 16 x 8), the original global goes.
// CHECK-LABEL: module
// CHECK-DAG: memref.global "private" constant @__constant_8x3xf32_b16 : memref<128xf32> = dense<{{\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 0.000000e+00, {{.*}}, 4.000000e+00, 5.000000e+00, 6.000000e+00, 0.000000e+00,
// CHECK-DAG: func.func private @compress_cpu_sgemm_packed(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)
// CHECK-NOT: @__constant_8x3xf32 :
// CHECK-LABEL: func.func @matmul_f32
// CHECK-DAG: %[[ISA:.*]] = arith.constant 2 : i64
// CHECK-DAG: %[[M:.*]] = arith.constant 4 : i64
// CHECK-DAG: %[[N:.*]] = arith.constant 3 : i64
// CHECK-DAG: %[[K:.*]] = arith.constant 8 : i64
// CHECK-DAG: %[[T:.*]] = arith.constant 1 : i64
// CHECK-DAG: %[[PA:.*]] = memref.extract_aligned_pointer_as_index %arg0
// CHECK-DAG: %[[WP:.*]] = memref.get_global @__constant_8x3xf32_b16
// CHECK-DAG: %[[PW:.*]] = memref.extract_aligned_pointer_as_index %[[WP]]
// CHECK-DAG: %[[PC:.*]] = memref.extract_aligned_pointer_as_index %arg1
// CHECK-DAG: %[[A:.*]] = arith.index_cast %[[PA]] : index to i64
// CHECK-DAG: %[[W:.*]] = arith.index_cast %[[PW]] : index to i64
// CHECK-DAG: %[[C:.*]] = arith.index_cast %[[PC]] : index to i64
// CHECK: call @compress_cpu_sgemm_packed(%[[ISA]], %[[M]], %[[N]], %[[K]], %[[A]], %[[K]], %[[W]], %[[C]], %[[N]], %[[T]])
// CHECK-NOT: linalg.matmul
// TWICE: call @compress_cpu_sgemm_packed
// TWICE-NOT: call @compress_cpu_sgemm_packed
module {
  memref.global "private" constant @__constant_8x3xf32 : memref<8x3xf32> = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]>
  func.func @matmul_f32(%a: memref<4x8xf32>, %c: memref<4x3xf32>) {
    %w = memref.get_global @__constant_8x3xf32 : memref<8x3xf32>
    linalg.matmul {compress.cpu_kernel = {isa = "avx512", kernel = "sgemm", threads = 1 : i64}}
        ins(%a, %w : memref<4x8xf32>, memref<8x3xf32>) outs(%c : memref<4x3xf32>)
    return
  }
}

// -----

// A weight that is not a constant is packed by the library at run time; a
// strided (transposed) view passes its strides. Row strides of subviews are
// passed through.
// CHECK-LABEL: func.func @matmul_runtime_weight
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : i64
// CHECK-DAG: %[[EIGHT:.*]] = arith.constant 8 : i64
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK: call @compress_cpu_sgemm(%[[ONE]], %{{.*}}, %{{.*}}, %[[EIGHT]], %{{.*}}, %[[EIGHT]], %{{.*}}, %[[ONE]], %[[EIGHT]], %{{.*}}, %{{.*}}, %[[ZERO]])
func.func @matmul_runtime_weight(%a: memref<4x8xf32>, %w: memref<8x3xf32, strided<[1, 8]>>, %c: memref<4x3xf32>) {
  linalg.matmul {compress.cpu_kernel = {isa = "avx2", kernel = "sgemm", threads = 0 : i64}}
      ins(%a, %w : memref<4x8xf32>, memref<8x3xf32, strided<[1, 8]>>) outs(%c : memref<4x3xf32>)
  return
}

// -----

// An activation that is not contiguous along K cannot be passed: remark, and
// the op stays (without the mark).
// CHECK-LABEL: func.func @strided_activation
// CHECK: linalg.matmul ins
// CHECK-NOT: call
func.func @strided_activation(%a: memref<4x8xf32, strided<[1, 4]>>, %w: memref<8x3xf32>, %c: memref<4x3xf32>) {
  linalg.matmul {compress.cpu_kernel = {isa = "avx2", kernel = "sgemm", threads = 1 : i64}}
      ins(%a, %w : memref<4x8xf32, strided<[1, 4]>>, memref<8x3xf32>) outs(%c : memref<4x3xf32>)
  return
}

// -----

// int8: the weight is packed 16 columns x 4 deep, K padded to 64.
// CHECK-LABEL: module
// CHECK-DAG: memref.global "private" constant @w_b16x4 : memref<1024xi8>
// CHECK-LABEL: func.func @igemm
// CHECK: call @compress_cpu_igemm_u8s8_packed
module {
  memref.global "private" constant @w : memref<4x3xi8> = dense<[[1, -2, 3], [4, 5, -6], [7, 8, 9], [-10, 11, 12]]>
  func.func @igemm(%a: memref<2x4xi8>, %c: memref<2x3xi32>) {
    %w = memref.get_global @w : memref<4x3xi8>
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%a, %w : memref<2x4xi8>, memref<4x3xi8>) outs(%c : memref<2x3xi32>)
        attrs = {compress.cpu_kernel = {isa = "amx", kernel = "igemm_u8s8", threads = 1 : i64}} {
    ^bb0(%x: i8, %y: i8, %acc: i32):
      %xe = arith.extui %x : i8 to i32
      %ye = arith.extsi %y : i8 to i32
      %p = arith.muli %xe, %ye : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
    return
  }
}

// -----

// int8 weights whose values all fit in 4 bits are packed two per byte
// ("B16x4/S4": low nibbles the first 32 bytes of each 64-byte B16x4 row,
// high nibbles the last 32) for the 4-bit kernels; pack-int4=false keeps
// one byte per value.
// CHECK-LABEL: module
// CHECK-DAG: memref.global "private" constant @w4_b16x4s4 : memref<512xi8> = dense<[1, 4, 7, 15, 14, 5, 8, 0, 3, 10, 2, 6, 0,
// CHECK-LABEL: func.func @igemm_4bit
// CHECK: call @compress_cpu_igemm_u8s4_packed
// INT8-LABEL: func.func @igemm_4bit
// INT8: call @compress_cpu_igemm_u8s8_packed
// With sparse-threshold=0.5 the weight (2 zeros in 12 values) is not
// stored sparse; see @igemm_sparse.
// SPARSE-LABEL: func.func @igemm_4bit
// SPARSE: call @compress_cpu_igemm_u8s4_packed
module {
  memref.global "private" constant @w4 : memref<4x3xi8> = dense<[[1, -2, 3], [4, 5, -6], [7, -8, 2], [-1, 0, 6]]>
  func.func @igemm_4bit(%a: memref<2x4xi8>, %c: memref<2x3xi32>) {
    %w = memref.get_global @w4 : memref<4x3xi8>
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%a, %w : memref<2x4xi8>, memref<4x3xi8>) outs(%c : memref<2x3xi32>)
        attrs = {compress.cpu_kernel = {isa = "avx512-vnni", kernel = "igemm_u8s8", threads = 1 : i64}} {
    ^bb0(%x: i8, %y: i8, %acc: i32):
      %xe = arith.extui %x : i8 to i32
      %ye = arith.extsi %y : i8 to i32
      %p = arith.muli %xe, %ye : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
    return
  }
}

// -----

// A weight with at least sparse-threshold zeros (here 10 of 12; default
// 0.65) is stored as its non-zeros ("B16x128/windows": panels = 1, windows
// of 128 k = 1, K blocks = 1, the block's offset 0, the window's round
// count 1, then the round: 64 bytes of values, column c's lane its
// non-zeros in k order, and 56 bytes of 7-bit positions, lanes 2q and
// 2q + 1 in the 7 bytes at 7q; then 64 bytes of padding): 32 + 1 + 120 +
// 64 = 217 bytes. Column 0 holds -100 at k = 3 (bits 0-6 of the first
// group), column 1 holds 100 at k = 2 (bits 28-34: byte 3 = 0x20).
// CHECK-LABEL: module
// CHECK-DAG: memref.global "private" constant @ws_sparse : memref<217xi8> = dense<[1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, -100, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-LABEL: func.func @igemm_sparse
// CHECK: call @compress_cpu_igemm_u8s8_sparse
// Without sparse storage the same weight, 2:4 along K (at most two
// non-zeros in each group of 4 k of a column), is stored as its kept pairs
// ("B16x8/2:4": per 8 k, 64 bytes of values, column c's 4 bytes the kept
// pair of k 0-3 then of k 4-7, and 16 codes i1 | i2 << 2 | j1 << 4 |
// j2 << 6; K = 4 is padded to 64): column 0 keeps k = 0 and 3 (0, -100:
// code 0x4C with the padding's 0 and 1), column 1 keeps k = 0 and 2 (0,
// 100: 0x48), the others zeros at 0 and 1 (0x44). 16 * 64 * 5 / 8 = 640
// bytes.
// PAIRS-LABEL: module
// PAIRS-DAG: memref.global "private" constant @ws_b16x8p24 : memref<640xi8> = dense<[0, -100, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 76, 72, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68]>
// PAIRS-LABEL: func.func @igemm_sparse
// PAIRS: call @compress_cpu_igemm_u8s8_2of4
module {
  memref.global "private" constant @ws : memref<4x3xi8> = dense<[[0, 0, 0], [0, 0, 0], [0, 100, 0], [-100, 0, 0]]>
  func.func @igemm_sparse(%a: memref<2x4xi8>, %c: memref<2x3xi32>) {
    %w = memref.get_global @ws : memref<4x3xi8>
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%a, %w : memref<2x4xi8>, memref<4x3xi8>) outs(%c : memref<2x3xi32>)
        attrs = {compress.cpu_kernel = {isa = "avx512-vnni", kernel = "igemm_u8s8", threads = 1 : i64}} {
    ^bb0(%x: i8, %y: i8, %acc: i32):
      %xe = arith.extui %x : i8 to i32
      %ye = arith.extsi %y : i8 to i32
      %p = arith.muli %xe, %ye : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
    return
  }
}

// -----

// A requantizing epilogue (compress-cpu-fuse-requantize's marking) right
// after an int8 GEMM, with only an allocation between them, goes into the
// kernel call: its integers become a constant global, its scalars
// arguments, and the generic disappears. The second GEMM's epilogue reads
// the accumulators after a store to them, so it stays a loop.
// CHECK-LABEL: module
// CHECK: memref.global "private" constant @__compress_requantize_0 : memref<5xi64> = dense<[1717986918, 3, 4, -1, 0]>
// CHECK-LABEL: func.func @requantize
// CHECK: %[[OUT:.*]] = memref.alloc() : memref<2x3xf32>
// CHECK: memref.get_global @__compress_requantize_0
// CHECK: call @compress_cpu_igemm_u8s8_packed_requantize(
// CHECK-NOT: linalg.generic
// CHECK: return %[[OUT]]
// CHECK-LABEL: func.func @not_after_a_store
// CHECK: call @compress_cpu_igemm_u8s8_packed(
// CHECK: memref.store
// CHECK: linalg.generic
module {
  memref.global "private" constant @w : memref<4x3xi8> = dense<[[1, -2, 3], [4, 5, -6], [7, 8, 9], [-10, 11, 12]]>
  func.func @requantize(%a: memref<2x4xi8>, %c: memref<2x3xi32>) -> memref<2x3xf32> {
    %w = memref.get_global @w : memref<4x3xi8>
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%a, %w : memref<2x4xi8>, memref<4x3xi8>) outs(%c : memref<2x3xi32>)
        attrs = {compress.cpu_kernel = {isa = "avx512-vnni", kernel = "igemm_u8s8", threads = 1 : i64}} {
    ^bb0(%x: i8, %y: i8, %acc: i32):
      %xe = arith.extui %x : i8 to i32
      %ye = arith.extsi %y : i8 to i32
      %p = arith.muli %xe, %ye : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
    %out = memref.alloc() : memref<2x3xf32>
    // (The body is a stand-in: the marking says what the kernel computes.)
    linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel"]}
        ins(%c : memref<2x3xi32>) outs(%out : memref<2x3xf32>)
        attrs = {compress.cpu_requantize = {dequantize_scale = 1.000000e-01 : f32, dequantize_zero_point = 5 : i64, has_left_shift = false, hi = 255 : i64, lo = 0 : i64, params = array<i64: 1717986918, 3, 4, -1, 0>, zero_point = 5 : i64}} {
    ^bb0(%in: i32, %o: f32):
      %f = arith.sitofp %in : i32 to f32
      linalg.yield %f : f32
    }
    return %out : memref<2x3xf32>
  }
  func.func @not_after_a_store(%a: memref<2x4xi8>, %c: memref<2x3xi32>, %out: memref<2x3xf32>) {
    %w = memref.get_global @w : memref<4x3xi8>
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%a, %w : memref<2x4xi8>, memref<4x3xi8>) outs(%c : memref<2x3xi32>)
        attrs = {compress.cpu_kernel = {isa = "avx512-vnni", kernel = "igemm_u8s8", threads = 1 : i64}} {
    ^bb0(%x: i8, %y: i8, %acc: i32):
      %xe = arith.extui %x : i8 to i32
      %ye = arith.extsi %y : i8 to i32
      %p = arith.muli %xe, %ye : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
    %c0 = arith.constant 0 : index
    %zero = arith.constant 0 : i32
    memref.store %zero, %c[%c0, %c0] : memref<2x3xi32>
    linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel"]}
        ins(%c : memref<2x3xi32>) outs(%out : memref<2x3xf32>)
        attrs = {compress.cpu_requantize = {has_left_shift = false, hi = 255 : i64, lo = 0 : i64, params = array<i64: 1717986918, 3, 4, -1, 0>, zero_point = 5 : i64}} {
    ^bb0(%in: i32, %o: f32):
      %f = arith.sitofp %in : i32 to f32
      linalg.yield %f : f32
    }
    return
  }
}

// -----

// Accumulators that start as a row broadcast (the bias and zero-point
// corrections), zeros or another constant, in a buffer nothing else reads:
// the call takes the row (a null pointer for zeros, a constant global for
// other values) and no C; the buffer and its initialization go away. When
// something else reads the buffer, the call keeps it.
// CHECK-LABEL: module
// CHECK-DAG: memref.global "private" constant @__compress_accumulator_init_3_7 : memref<3xi32> = dense<7>
// CHECK-LABEL: func.func @bias_row
// CHECK-NOT: memref.alloc() : memref<2x3xi32>
// CHECK: %[[BIAS:.*]] = memref.extract_aligned_pointer_as_index %arg1 : memref<3xi32>
// CHECK: %[[ROW:.*]] = arith.index_cast %[[BIAS]] : index to i64
// CHECK: call @compress_cpu_igemm_u8s8_packed_bias_requantize(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[ROW]],
// CHECK-NOT: linalg.generic
// CHECK: return
// CHECK-LABEL: func.func @zeros
// CHECK-NOT: linalg.fill
// CHECK: %[[NULL:.*]] = arith.constant 0 : i64
// CHECK: call @compress_cpu_igemm_u8s8_packed_bias_requantize(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[NULL]],
// CHECK-LABEL: func.func @sevens
// CHECK: memref.get_global @__compress_accumulator_init_3_7
// CHECK: call @compress_cpu_igemm_u8s8_packed_bias_requantize(
// CHECK-LABEL: func.func @read_elsewhere
// CHECK: linalg.fill
// CHECK: call @compress_cpu_igemm_u8s8_packed_requantize(
// CHECK: memref.load
module {
  memref.global "private" constant @w : memref<4x3xi8> = dense<[[1, -2, 3], [4, 5, -6], [7, 8, 9], [-10, 11, 12]]>
  func.func @bias_row(%a: memref<2x4xi8>, %bias: memref<3xi32>) -> memref<2x3xf32> {
    %w = memref.get_global @w : memref<4x3xi8>
    %c = memref.alloc() : memref<2x3xi32>
    linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel"]}
        ins(%bias : memref<3xi32>) outs(%c : memref<2x3xi32>) {
    ^bb0(%in: i32, %o: i32):
      linalg.yield %in : i32
    }
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%a, %w : memref<2x4xi8>, memref<4x3xi8>) outs(%c : memref<2x3xi32>)
        attrs = {compress.cpu_kernel = {isa = "avx512-vnni", kernel = "igemm_u8s8", threads = 1 : i64}} {
    ^bb0(%x: i8, %y: i8, %acc: i32):
      %xe = arith.extui %x : i8 to i32
      %ye = arith.extsi %y : i8 to i32
      %p = arith.muli %xe, %ye : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
    %out = memref.alloc() : memref<2x3xf32>
    linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel"]}
        ins(%c : memref<2x3xi32>) outs(%out : memref<2x3xf32>)
        attrs = {compress.cpu_requantize = {has_left_shift = false, hi = 255 : i64, lo = 0 : i64, params = array<i64: 1717986918, 3, 4, -1, 0>, zero_point = 5 : i64}} {
    ^bb0(%in: i32, %o: f32):
      %f = arith.sitofp %in : i32 to f32
      linalg.yield %f : f32
    }
    memref.dealloc %c : memref<2x3xi32>
    return %out : memref<2x3xf32>
  }
  func.func @zeros(%a: memref<2x4xi8>) -> memref<2x3xf32> {
    %w = memref.get_global @w : memref<4x3xi8>
    %c = memref.alloc() : memref<2x3xi32>
    %zero = arith.constant 0 : i32
    linalg.fill ins(%zero : i32) outs(%c : memref<2x3xi32>)
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%a, %w : memref<2x4xi8>, memref<4x3xi8>) outs(%c : memref<2x3xi32>)
        attrs = {compress.cpu_kernel = {isa = "avx512-vnni", kernel = "igemm_u8s8", threads = 1 : i64}} {
    ^bb0(%x: i8, %y: i8, %acc: i32):
      %xe = arith.extui %x : i8 to i32
      %ye = arith.extsi %y : i8 to i32
      %p = arith.muli %xe, %ye : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
    %out = memref.alloc() : memref<2x3xf32>
    linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel"]}
        ins(%c : memref<2x3xi32>) outs(%out : memref<2x3xf32>)
        attrs = {compress.cpu_requantize = {has_left_shift = false, hi = 255 : i64, lo = 0 : i64, params = array<i64: 1717986918, 3, 4, -1, 0>, zero_point = 5 : i64}} {
    ^bb0(%in: i32, %o: f32):
      %f = arith.sitofp %in : i32 to f32
      linalg.yield %f : f32
    }
    return %out : memref<2x3xf32>
  }
  func.func @sevens(%a: memref<2x4xi8>) -> memref<2x3xf32> {
    %w = memref.get_global @w : memref<4x3xi8>
    %c = memref.alloc() : memref<2x3xi32>
    %seven = arith.constant 7 : i32
    linalg.fill ins(%seven : i32) outs(%c : memref<2x3xi32>)
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%a, %w : memref<2x4xi8>, memref<4x3xi8>) outs(%c : memref<2x3xi32>)
        attrs = {compress.cpu_kernel = {isa = "avx512-vnni", kernel = "igemm_u8s8", threads = 1 : i64}} {
    ^bb0(%x: i8, %y: i8, %acc: i32):
      %xe = arith.extui %x : i8 to i32
      %ye = arith.extsi %y : i8 to i32
      %p = arith.muli %xe, %ye : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
    %out = memref.alloc() : memref<2x3xf32>
    linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel"]}
        ins(%c : memref<2x3xi32>) outs(%out : memref<2x3xf32>)
        attrs = {compress.cpu_requantize = {has_left_shift = false, hi = 255 : i64, lo = 0 : i64, params = array<i64: 1717986918, 3, 4, -1, 0>, zero_point = 5 : i64}} {
    ^bb0(%in: i32, %o: f32):
      %f = arith.sitofp %in : i32 to f32
      linalg.yield %f : f32
    }
    return %out : memref<2x3xf32>
  }
  func.func @read_elsewhere(%a: memref<2x4xi8>) -> (memref<2x3xf32>, i32) {
    %w = memref.get_global @w : memref<4x3xi8>
    %c = memref.alloc() : memref<2x3xi32>
    %zero = arith.constant 0 : i32
    linalg.fill ins(%zero : i32) outs(%c : memref<2x3xi32>)
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%a, %w : memref<2x4xi8>, memref<4x3xi8>) outs(%c : memref<2x3xi32>)
        attrs = {compress.cpu_kernel = {isa = "avx512-vnni", kernel = "igemm_u8s8", threads = 1 : i64}} {
    ^bb0(%x: i8, %y: i8, %acc: i32):
      %xe = arith.extui %x : i8 to i32
      %ye = arith.extsi %y : i8 to i32
      %p = arith.muli %xe, %ye : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
    %out = memref.alloc() : memref<2x3xf32>
    linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                    iterator_types = ["parallel", "parallel"]}
        ins(%c : memref<2x3xi32>) outs(%out : memref<2x3xf32>)
        attrs = {compress.cpu_requantize = {has_left_shift = false, hi = 255 : i64, lo = 0 : i64, params = array<i64: 1717986918, 3, 4, -1, 0>, zero_point = 5 : i64}} {
    ^bb0(%in: i32, %o: f32):
      %f = arith.sitofp %in : i32 to f32
      linalg.yield %f : f32
    }
    %i = arith.constant 1 : index
    %v = memref.load %c[%i, %i] : memref<2x3xi32>
    return %out, %v : memref<2x3xf32>, i32
  }
}

// -----

// CHECK-LABEL: func.func @conv
// CHECK: memref.get_global @f_conv_f32
// CHECK: call @compress_cpu_conv2d_nchw_f32
// CHECK-LABEL: func.func @depthwise
// CHECK: call @compress_cpu_depthwise_conv2d_nchw_f32
module {
  memref.global "private" constant @f : memref<4x3x3x3xf32> = dense<0.5>
  func.func @conv(%x: memref<1x3x8x8xf32>, %o: memref<1x4x6x6xf32>) {
    %w = memref.get_global @f : memref<4x3x3x3xf32>
    linalg.conv_2d_nchw_fchw {compress.cpu_kernel = {isa = "avx512", kernel = "conv2d_nchw_f32", threads = 1 : i64}}
        ins(%x, %w : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>) outs(%o : memref<1x4x6x6xf32>)
    return
  }
  func.func @depthwise(%x: memref<1x3x8x8xf32>, %w: memref<3x3x3xf32>, %o: memref<1x3x6x6xf32>) {
    linalg.depthwise_conv_2d_nchw_chw {compress.cpu_kernel = {isa = "avx512", kernel = "depthwise_conv2d_nchw_f32", threads = 1 : i64}}
        ins(%x, %w : memref<1x3x8x8xf32>, memref<3x3x3xf32>) outs(%o : memref<1x3x6x6xf32>)
    return
  }
}


// -----

// A batched f32 GEMM (attention's q @ k^T: B indexed (b, n, k)) becomes one
// compress_cpu_sgemm_batched call with the batch strides of A, B and C; for
// the transposed B, strideK = 1 and strideN = K.
// CHECK-LABEL: func.func @batched_transposed
// CHECK: call @compress_cpu_sgemm_batched(%{{.*}}, %c4_i64, %c8_i64, %c16_i64, %c32_i64, %{{.*}}, %c256_i64, %c32_i64, %{{.*}}, %c512_i64, %c1_i64, %c32_i64, %{{.*}}, %c128_i64, %c16_i64, %c1_i64)
// CHECK-NOT: linalg.generic
#qa = affine_map<(b, m, n, k) -> (b, m, k)>
#kb = affine_map<(b, m, n, k) -> (b, n, k)>
#sc = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @batched_transposed(%q: memref<4x8x32xf32>, %k: memref<4x16x32xf32>, %s: memref<4x8x16xf32>) {
  linalg.generic {indexing_maps = [#qa, #kb, #sc], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %k : memref<4x8x32xf32>, memref<4x16x32xf32>) outs(%s : memref<4x8x16xf32>)
      attrs = {compress.cpu_kernel = {isa = "avx512", kernel = "sgemm_batched", threads = 1 : i64}} {
  ^bb0(%x: f32, %y: f32, %c: f32):
    %p = arith.mulf %x, %y : f32
    %a = arith.addf %c, %p : f32
    linalg.yield %a : f32
  }
  return
}

// -----

// An integer batched GEMM of two activations with zero points becomes one
// compress_cpu_igemm_batched call: after A's strides its signedness (0) and
// zero point (121), after B's its signedness (1) and zero point (-3).
// CHECK-LABEL: func.func @int8_batched_transposed
// CHECK: call @compress_cpu_igemm_batched(%{{.*}}, %c4_i64, %c8_i64, %c16_i64, %c32_i64, %{{.*}}, %c256_i64, %c32_i64, %c0_i64, %c121_i64, %{{.*}}, %c512_i64, %c1_i64, %c32_i64, %c1_i64, %c-3_i64, %{{.*}}, %c128_i64, %c16_i64, %c1_i64)
// CHECK-NOT: linalg.generic
#qa = affine_map<(b, m, n, k) -> (b, m, k)>
#kb = affine_map<(b, m, n, k) -> (b, n, k)>
#sc = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @int8_batched_transposed(%q: memref<4x8x32xi8>, %k: memref<4x16x32xi8>, %s: memref<4x8x16xi32>) {
  linalg.generic {indexing_maps = [#qa, #kb, #sc], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %k : memref<4x8x32xi8>, memref<4x16x32xi8>) outs(%s : memref<4x8x16xi32>)
      attrs = {compress.cpu_kernel = {isa = "avx512-vnni", kernel = "igemm_batched", threads = 1 : i64}} {
  ^bb0(%x: i8, %y: i8, %c: i32):
    %xe = arith.extui %x : i8 to i32
    %za = arith.constant 121 : i32
    %xc = arith.subi %xe, %za : i32
    %ye = arith.extsi %y : i8 to i32
    %zb = arith.constant -3 : i32
    %yc = arith.subi %ye, %zb : i32
    %p = arith.muli %xc, %yc : i32
    %a = arith.addi %c, %p : i32
    linalg.yield %a : i32
  }
  return
}
