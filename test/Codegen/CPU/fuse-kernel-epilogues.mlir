// RUN: compress-opt %s --split-input-file --compress-cpu-fuse-kernel-epilogues | FileCheck %s
// RUN: compress-opt %s --split-input-file --compress-cpu-fuse-kernel-epilogues=block-bytes=8192 | FileCheck %s --check-prefix=SMALL
// Idempotent: a second run leaves the blocks as they are.
// RUN: compress-opt %s --split-input-file --compress-cpu-fuse-kernel-epilogues --compress-cpu-fuse-kernel-epilogues | FileCheck %s
// RUN: compress-opt %s --split-input-file --compress-cpu-fuse-kernel-epilogues=max-weight-bytes=1048576 | FileCheck %s --check-prefix=LARGE
// RUN: not compress-opt %s --split-input-file --compress-cpu-fuse-kernel-epilogues=block-bytes=0 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not compress-opt %s --split-input-file --compress-cpu-fuse-kernel-epilogues=max-weight-bytes=-1 2>&1 | FileCheck %s --check-prefix=BADW

// BAD: option 'block-bytes' must be positive
// BADW: option 'max-weight-bytes' must not be negative

// A marked GEMM (with its zero fill and its input's elementwise producer) is
// computed block by block with its ReLU epilogue: 64 rows of 256 floats fit
// the default 256 KiB; 8 KiB takes 8 rows (1 KiB each) at a time.
// CHECK-LABEL: func.func @gemm_relu
// CHECK: %[[LOOP:.*]] = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %[[STEP:.*]] iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<128x256xf32>)
// CHECK: %[[XS:.*]] = tensor.extract_slice %arg0[%[[I]], 0] [64, 64] [1, 1]
// CHECK: %[[SCALED:.*]] = linalg.generic {{.*}} ins(%[[XS]] : tensor<64x64xf32>)
// CHECK: %[[FILL:.*]] = linalg.fill {{.*}} -> tensor<64x256xf32>
// CHECK: %[[MM:.*]] = linalg.matmul {compress.cpu_kernel = {isa = "avx512", kernel = "sgemm", threads = 1 : i64}} ins(%[[SCALED]], %{{.*}} : tensor<64x64xf32>, tensor<64x256xf32>) outs(%[[FILL]] : tensor<64x256xf32>)
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[MM]] : tensor<64x256xf32>)
// CHECK: tensor.insert_slice %[[RELU]] into %[[ACC]][%[[I]], 0] [64, 256] [1, 1]
// CHECK: return %[[LOOP]]
// Only the tiled ops are left.
// CHECK-NOT: linalg.matmul
// SMALL-LABEL: func.func @gemm_relu
// SMALL: scf.for
// SMALL: tensor.extract_slice %arg0[%{{.*}}, 0] [8, 64] [1, 1]
func.func @gemm_relu(%x: tensor<128x64xf32>) -> tensor<128x256xf32> {
  %w = arith.constant dense<0.5> : tensor<64x256xf32>
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<128x64xf32>
  %scaled = linalg.generic {indexing_maps = [affine_map<(m, k) -> (m, k)>, affine_map<(m, k) -> (m, k)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<128x64xf32>) outs(%e0 : tensor<128x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %two = arith.constant 2.0 : f32
    %s = arith.mulf %a, %two : f32
    linalg.yield %s : f32
  } -> tensor<128x64xf32>
  %e = tensor.empty() : tensor<128x256xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<128x256xf32>) -> tensor<128x256xf32>
  %mm = linalg.matmul {compress.cpu_kernel = {isa = "avx512", kernel = "sgemm", threads = 1 : i64}}
      ins(%scaled, %w : tensor<128x64xf32>, tensor<64x256xf32>) outs(%f : tensor<128x256xf32>) -> tensor<128x256xf32>
  %e2 = tensor.empty() : tensor<128x256xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<128x256xf32>) outs(%e2 : tensor<128x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<128x256xf32>
  return %r : tensor<128x256xf32>
}

// -----

// Left alone: an unmarked matmul, a GEMM whose result has two users, and a
// GEMM of 8 rows (nothing to split).
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: scf.for
func.func @left_alone(%x: tensor<128x64xf32>, %y: tensor<8x64xf32>, %w: tensor<64x32xf32>,
                      %i: tensor<128x32xf32>, %j: tensor<8x32xf32>)
    -> (tensor<128x32xf32>, tensor<128x32xf32>, tensor<128x32xf32>, tensor<8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %a = linalg.matmul ins(%x, %w : tensor<128x64xf32>, tensor<64x32xf32>) outs(%i : tensor<128x32xf32>) -> tensor<128x32xf32>
  %ra = linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<128x32xf32>) outs(%i : tensor<128x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.maximumf %v, %zero : f32
    linalg.yield %m : f32
  } -> tensor<128x32xf32>
  %b = linalg.matmul {compress.cpu_kernel = {isa = "avx512", kernel = "sgemm", threads = 1 : i64}}
      ins(%x, %w : tensor<128x64xf32>, tensor<64x32xf32>) outs(%i : tensor<128x32xf32>) -> tensor<128x32xf32>
  %rb = linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<128x32xf32>) outs(%i : tensor<128x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.maximumf %v, %zero : f32
    linalg.yield %m : f32
  } -> tensor<128x32xf32>
  %c = linalg.matmul {compress.cpu_kernel = {isa = "avx512", kernel = "sgemm", threads = 1 : i64}}
      ins(%y, %w : tensor<8x64xf32>, tensor<64x32xf32>) outs(%j : tensor<8x32xf32>) -> tensor<8x32xf32>
  %rc = linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%c : tensor<8x32xf32>) outs(%j : tensor<8x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.maximumf %v, %zero : f32
    linalg.yield %m : f32
  } -> tensor<8x32xf32>
  return %ra, %rb, %b, %rc : tensor<128x32xf32>, tensor<128x32xf32>, tensor<128x32xf32>, tensor<8x32xf32>
}

// -----

// A requantization compress-cpu-fuse-requantize marked for the int8 kernel's
// own epilogue stays whole: the kernel applies it tile by tile, and blocks of
// rows would only stream the weight again for each block.
// CHECK-LABEL: func.func @kernel_requantizes
// CHECK-NOT: scf.for
// CHECK: linalg.generic {{.*}}compress.cpu_kernel
// CHECK: linalg.generic {{.*}}compress.cpu_requantize
// SMALL-LABEL: func.func @kernel_requantizes
// SMALL-NOT: scf.for
func.func @kernel_requantizes(%x: tensor<128x64xi8>, %w: tensor<64x256xi8>) -> tensor<128x256xi8> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<128x256xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<128x256xi32>) -> tensor<128x256xi32>
  %mm = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<128x64xi8>, tensor<64x256xi8>) outs(%f : tensor<128x256xi32>)
      attrs = {compress.cpu_kernel = {isa = "avx512-vnni", kernel = "igemm_u8s8", threads = 1 : i64}} {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %p = arith.muli %ae, %be : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<128x256xi32>
  %e2 = tensor.empty() : tensor<128x256xi8>
  %q = linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<128x256xi32>) outs(%e2 : tensor<128x256xi8>)
      attrs = {compress.cpu_requantize = {has_left_shift = false, hi = 255 : i64, lo = 0 : i64, params = array<i64: 1717986918, 3, 4, -1, 0>, zero_point = 5 : i64}} {
  ^bb0(%a: i32, %o: i8):
    %t = arith.trunci %a : i32 to i8
    linalg.yield %t : i8
  } -> tensor<128x256xi8>
  return %q : tensor<128x256xi8>
}

// -----

// A weight larger than max-weight-bytes (256 KiB by default) would be read
// again by every block: the GEMM keeps its epilogue whole. 128x1024 floats
// are 512 KiB; with the limit raised the rows are blocked again.
// CHECK-LABEL: func.func @large_weight
// CHECK-NOT: scf.for
// CHECK: linalg.matmul {compress.cpu_kernel
// CHECK-SAME: tensor<128x128xf32>, tensor<128x1024xf32>
// SMALL-LABEL: func.func @large_weight
// SMALL-NOT: scf.for
// LARGE-LABEL: func.func @large_weight
// LARGE: scf.for
// LARGE: linalg.matmul {compress.cpu_kernel = {{.*}} ins(%{{.*}}, %{{.*}} : tensor<64x128xf32>, tensor<128x1024xf32>)
func.func @large_weight(%x: tensor<128x128xf32>, %w: tensor<128x1024xf32>) -> tensor<128x1024xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<128x1024xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<128x1024xf32>) -> tensor<128x1024xf32>
  %mm = linalg.matmul {compress.cpu_kernel = {isa = "avx2", kernel = "sgemm", threads = 1 : i64}}
      ins(%x, %w : tensor<128x128xf32>, tensor<128x1024xf32>) outs(%f : tensor<128x1024xf32>) -> tensor<128x1024xf32>
  %e2 = tensor.empty() : tensor<128x1024xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<128x1024xf32>) outs(%e2 : tensor<128x1024xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<128x1024xf32>
  return %r : tensor<128x1024xf32>
}
