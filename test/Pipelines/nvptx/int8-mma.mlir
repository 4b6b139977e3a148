// i8 x i8 -> i32 matmuls of at least 32 x 32 outputs run on tensor cores on
// sm_80 and later: blocks of 4 warps (128 threads), 32 x 32 staged tiles,
// each warp two mma.sync m16n8k32 per 32 k, wrapping s32 sums (no
// .satfinite), .s8 or .u8 per operand as the body extends it. Smaller ones,
// older chips and tensor-cores=false keep dp4a. The PTX assembles for sm_80
// and sm_90.
//
// REQUIRES: ptxas
// RUN: rm -rf %t && mkdir -p %t
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_80 tensor-cores=true dump-ptx=%t/sm80" -o /dev/null
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_90 tensor-cores=true dump-ptx=%t/sm90" -o /dev/null
// RUN: %python %S/assemble_ptx.py %ptxas sm_80 %t/sm80 | FileCheck %s --check-prefix=ASM80
// RUN: %python %S/assemble_ptx.py %ptxas sm_90 %t/sm90 | FileCheck %s --check-prefix=ASM90
// ASM80: assembled 8 PTX files for sm_80
// ASM90: assembled 8 PTX files for sm_90
// RUN: FileCheck %s --check-prefix=S8 < %t/sm80/mma_s8_k1_mma.ptx
// RUN: FileCheck %s --check-prefix=S8 < %t/sm90/mma_s8_k1_mma.ptx
// RUN: FileCheck %s --check-prefix=U8 < %t/sm90/mma_u8s8_k1_mma.ptx
// RUN: FileCheck %s --check-prefix=BATCH < %t/sm90/mma_batch_k1_mma.ptx
// RUN: FileCheck %s --check-prefix=NARROW < %t/sm90/narrow_k1_tiled_dp4a.ptx
//
// Before sm_80 (even when asked for) and with tensor-cores=false: the tiled
// dp4a kernel.
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_75 tensor-cores=true dump-ptx=%t/sm75" -o /dev/null
// RUN: ls %t/sm75 | FileCheck %s --check-prefix=OLD
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_90 tensor-cores=false dump-ptx=%t/off" -o /dev/null
// RUN: ls %t/off | FileCheck %s --check-prefix=OLD
// Tensor cores are the default since they ran on an H200 (scripts/gpu-check.sh).
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_90 dump-ptx=%t/default" -o /dev/null
// RUN: ls %t/default | FileCheck %s --check-prefix=DEFAULT
//
// The kernel as compress-linalg-to-gpu{mma-sync=true} builds it.
// RUN: compress-opt %s --pass-pipeline="builtin.module(one-shot-bufferize{bufferize-function-boundaries}, \
// RUN:   linalg-generalize-named-ops, compress-linalg-to-gpu{mma-sync=true})" | FileCheck %s --check-prefix=IR

// 48 x 70 times 70 x 40: 2 x 2 blocks of 32 x 32, three 32-deep k stages
// (the last one 6 deep, zero padded), partial tiles in m and n. Operands:
// D (4 x s32), A (4 x .b32 of 4 bytes), B (2 x .b32), C (4 x s32).
// S8: .visible .entry mma_s8_k1_mma(
// S8: .maxntid 128, 1, 1
// S8: .shared .align 16 .b8 mma_s8_k1_mma_lhs_tile[1024];
// S8: .shared .align 16 .b8 mma_s8_k1_mma_rhs_tile[1024];
// S8: bar.sync 0;
// S8: ld.shared.b32
// S8: mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32
// S8-NEXT: {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}},
// S8-NEXT: {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}},
// S8-NEXT: {%r{{[0-9]+}}, %r{{[0-9]+}}},
// S8-NEXT: {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}};
// S8: mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32
// S8: bar.sync 0;
// S8: st.global.b32
// S8-NOT: satfinite
// S8-NOT: dp4a
func.func @mma_s8(%a: tensor<48x70xi8>, %b: tensor<70x40xi8>) -> tensor<48x40xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<48x40xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<48x40xi32>) -> tensor<48x40xi32>
  %r = linalg.matmul ins(%a, %b : tensor<48x70xi8>, tensor<70x40xi8>)
         outs(%f : tensor<48x40xi32>) -> tensor<48x40xi32>
  return %r : tensor<48x40xi32>
}

// Unsigned activations: A is .u8, B .s8.
// U8: mma.sync.aligned.m16n8k32.row.col.s32.u8.s8.s32
// IR-LABEL: func.func @mma_u8s8
// IR: gpu.launch {{.*}} threads({{.*}}) in ({{.*}} = %c128{{.*}}, {{.*}} = %c1{{.*}}, {{.*}}) module(@mma_u8s8_k1_mma)
// IR: memref.get_global @mma_u8s8_k1_mma_lhs_tile : memref<32x32xi8, #gpu.address_space<workgroup>>
// IR: gpu.barrier
// IR: vector.load {{.*}} {alignment = 4 : i64} : memref<32x32xi8, #gpu.address_space<workgroup>>, vector<4xi8>
// IR: vector.bitcast {{.*}} : vector<4xi8> to vector<1xi32>
// IR: nvvm.mma.sync A[{{.*}}, {{.*}}, {{.*}}, {{.*}}] B[{{.*}}, {{.*}}] C[{{.*}}, {{.*}}, {{.*}}, {{.*}}]
// IR-SAME: intOverflowBehavior = #nvvm.mma_int_overflow<wrapped>
// IR-SAME: layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>
// IR-SAME: multiplicandAPtxType = #nvvm.mma_type<u8>, multiplicandBPtxType = #nvvm.mma_type<s8>
// IR-SAME: shape = #nvvm.shape<m = 16, n = 8, k = 32>
// IR: nvvm.mma.sync
// IR: gpu.barrier
func.func @mma_u8s8(%a: tensor<32x64xi8>, %b: tensor<64x32xi8>) -> tensor<32x32xi32> {
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

// The batch over grid z.
// BATCH: mov.u32 {{.*}}, %ctaid.z;
// BATCH: mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32
func.func @mma_batch(%a: tensor<2x32x96xi8>, %b: tensor<2x96x64xi8>) -> tensor<2x32x64xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2x32x64xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<2x32x64xi32>) -> tensor<2x32x64xi32>
  %r = linalg.batch_matmul ins(%a, %b : tensor<2x32x96xi8>, tensor<2x96x64xi8>)
         outs(%f : tensor<2x32x64xi32>) -> tensor<2x32x64xi32>
  return %r : tensor<2x32x64xi32>
}

// Fewer than 32 rows: no mma (a 16-row tile would leave half of each block
// idle), the shared-memory dp4a kernel instead.
// NARROW: .visible .entry narrow_k1_tiled_dp4a(
// NARROW-NOT: mma.sync
// NARROW: dp4a.s32.s32
func.func @narrow(%a: tensor<16x64xi8>, %b: tensor<64x64xi8>) -> tensor<16x64xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<16x64xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<16x64xi32>) -> tensor<16x64xi32>
  %r = linalg.matmul ins(%a, %b : tensor<16x64xi8>, tensor<64x64xi8>)
         outs(%f : tensor<16x64xi32>) -> tensor<16x64xi32>
  return %r : tensor<16x64xi32>
}

// OLD: mma_batch_k1_tiled_dp4a.ptx
// OLD: mma_s8_k1_tiled_dp4a.ptx
// OLD: mma_u8s8_k1_tiled_dp4a.ptx
// OLD: narrow_k1_tiled_dp4a.ptx
// DEFAULT: mma_batch_k1_mma.ptx
// DEFAULT: mma_s8_k1_mma.ptx
// DEFAULT: mma_u8s8_k1_mma.ptx
// DEFAULT: narrow_k1_tiled_dp4a.ptx
