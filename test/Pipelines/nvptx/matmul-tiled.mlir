// Matmul-like ops become shared-memory tiled kernels (<function>_k<i>_tiled
// or _tiled_dp4a): 16x16 threads per block, each block staging 16x32 tiles
// of both inputs in 16-byte aligned .shared buffers, bar.sync between
// staging and computing, bounds checks where the sizes are not multiples of
// the tile; i8 x i8 -> i32 kernels read the staged bytes four at a time for
// dp4a. The PTX assembles for sm_80 and sm_90. tensor-cores=false keeps
// the int8 matmuls off mma.sync (int8-mma.mlir tests that).
//
// REQUIRES: ptxas
// RUN: rm -rf %t && mkdir -p %t
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_80 tensor-cores=false dump-ptx=%t/sm80" -o /dev/null
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_90 tensor-cores=false dump-ptx=%t/sm90" -o /dev/null
// RUN: %python %S/assemble_ptx.py %ptxas sm_80 %t/sm80 | FileCheck %s --check-prefix=ASM80
// RUN: %python %S/assemble_ptx.py %ptxas sm_90 %t/sm90 | FileCheck %s --check-prefix=ASM90
// ASM80: assembled 10 PTX files for sm_80
// ASM90: assembled 10 PTX files for sm_90
//
// RUN: FileCheck %s --check-prefix=S8 < %t/sm80/matmul_s8_k1_tiled_dp4a.ptx
// RUN: FileCheck %s --check-prefix=U8 < %t/sm90/matmul_u8s8_k1_tiled_dp4a.ptx
// RUN: FileCheck %s --check-prefix=F32 < %t/sm90/matmul_f32_bt_k1_tiled.ptx
// RUN: FileCheck %s --check-prefix=BATCH < %t/sm90/batch_matmul_s8_k1_tiled_dp4a.ptx
// RUN: FileCheck %s --check-prefix=SMALL < %t/sm90/matmul_small_k1_dp4a.ptx
//
// Other tile shapes, tiling off, and options that cannot work.
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_90 tensor-cores=false tile-size=8 tile-k=16 dump-ptx=%t/t8" -o /dev/null
// RUN: FileCheck %s --check-prefix=T8 < %t/t8/matmul_s8_k1_tiled_dp4a.ptx
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_90 tensor-cores=false matmul-tiling=false dump-ptx=%t/off" -o /dev/null
// RUN: ls %t/off | FileCheck %s --check-prefix=OFF
// RUN: not compress-opt %s --compress-lower-to-nvptx="tile-k=6" 2>&1 | FileCheck %s --check-prefix=BAD-K
// RUN: not compress-opt %s --compress-lower-to-nvptx="tile-size=33" 2>&1 | FileCheck %s --check-prefix=BAD-TILE

// 40x70 times 70x36: 3x3 blocks, three k stages (the last one 6 deep).
// S8: .visible .entry matmul_s8_k1_tiled_dp4a(
// S8: .maxntid 16, 16, 1
// S8: .shared .align 16 .b8 matmul_s8_k1_tiled_dp4a_lhs_tile[512];
// S8: .shared .align 16 .b8 matmul_s8_k1_tiled_dp4a_rhs_tile[512];
// S8: st.shared.b8
// S8: ld.global.b8
// S8: bar.sync 0;
// S8: ld.shared.v4.b32
// S8-COUNT-8: dp4a.s32.s32
// S8: bar.sync 0;
// S8: st.global.b32
// T8: .maxntid 8, 8, 1
// T8: .shared .align 16 .b8 matmul_s8_k1_tiled_dp4a_lhs_tile[128];
// T8: bar.sync 0;
// T8-COUNT-4: dp4a.s32.s32
// OFF: matmul_s8_k1_dp4a.ptx
// OFF: matmul_u8s8_k1_dp4a.ptx
// BAD-K: error: tile-k must be a multiple of 4 in 4..256, not 6
// BAD-TILE: error: tile-size must be in 1..32 (tile-size^2 threads per block), not 33
func.func @matmul_s8(%a: tensor<40x70xi8>, %b: tensor<70x36xi8>) -> tensor<40x36xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<40x36xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<40x36xi32>) -> tensor<40x36xi32>
  %r = linalg.matmul ins(%a, %b : tensor<40x70xi8>, tensor<70x36xi8>)
         outs(%f : tensor<40x36xi32>) -> tensor<40x36xi32>
  return %r : tensor<40x36xi32>
}

// Unsigned activations times signed weights.
// U8: .visible .entry matmul_u8s8_k1_tiled_dp4a(
// U8: bar.sync 0;
// U8: dp4a.u32.s32
func.func @matmul_u8s8(%a: tensor<32x64xi8>, %b: tensor<64x32xi8>) -> tensor<32x32xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<32x32xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<32x32xi32>) -> tensor<32x32xi32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>,
                                        affine_map<(i, j, k) -> (i, j)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<32x64xi8>, tensor<64x32xi8>) outs(%f : tensor<32x32xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<32x32xi32>
  return %r : tensor<32x32xi32>
}

// Float, B transposed (n, k): both staged tiles are k-innermost; the body
// runs for the valid k of each stage, separately rounded as in the untiled
// kernel (no fma).
// F32: .visible .entry matmul_f32_bt_k1_tiled(
// F32: .maxntid 16, 16, 1
// F32: .shared .align 16 .b8 matmul_f32_bt_k1_tiled_lhs_tile[2048];
// F32: bar.sync 0;
// F32-NOT: fma
// F32: ld.shared.v4.b32
// F32: mul.rn.f32
// F32: add.rn.f32
// F32-NOT: fma
// F32: bar.sync 0;
func.func @matmul_f32_bt(%a: tensor<20x50xf32>, %b: tensor<17x50xf32>) -> tensor<20x17xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<20x17xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<20x17xf32>) -> tensor<20x17xf32>
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
         ins(%a, %b : tensor<20x50xf32>, tensor<17x50xf32>)
         outs(%f : tensor<20x17xf32>) -> tensor<20x17xf32>
  return %r : tensor<20x17xf32>
}

// The batch runs over grid z.
// BATCH: .visible .entry batch_matmul_s8_k1_tiled_dp4a(
// BATCH: mov.u32 {{.*}}, %ctaid.z;
// BATCH: bar.sync 0;
// BATCH: dp4a.s32.s32
func.func @batch_matmul_s8(%a: tensor<3x24x64xi8>, %b: tensor<3x64x20xi8>) -> tensor<3x24x20xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<3x24x20xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<3x24x20xi32>) -> tensor<3x24x20xi32>
  %r = linalg.batch_matmul ins(%a, %b : tensor<3x24x64xi8>, tensor<3x64x20xi8>)
         outs(%f : tensor<3x24x20xi32>) -> tensor<3x24x20xi32>
  return %r : tensor<3x24x20xi32>
}

// Narrower than a tile: one thread per output, no shared memory.
// SMALL: .visible .entry matmul_small_k1_dp4a(
// SMALL-NOT: .shared
// SMALL-NOT: bar.sync
// SMALL: dp4a.s32.s32
func.func @matmul_small(%a: tensor<4x64xi8>, %b: tensor<64x32xi8>) -> tensor<4x32xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<4x32xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<4x32xi32>) -> tensor<4x32xi32>
  %r = linalg.matmul ins(%a, %b : tensor<4x64xi8>, tensor<64x32xi8>)
         outs(%f : tensor<4x32xi32>) -> tensor<4x32xi32>
  return %r : tensor<4x32xi32>
}
