// compress-linalg-to-gpu on its own: every linalg.generic on buffers becomes
// one gpu.launch named <function>_k<index>_<kind>; i8 x i8 -> i32 reductions
// use dp4a unless dp4a=false; matmuls of at least a tile stage tiles in
// shared memory unless matmul-tiling=false; an op two threads would write one element of
// stays, with a remark; bad options are errors.
//
// RUN: compress-opt %s --compress-linalg-to-gpu -verify-diagnostics | FileCheck %s
// RUN: compress-opt %s --compress-linalg-to-gpu -verify-diagnostics | FileCheck %s --check-prefix=GLOBALS
// RUN: compress-opt %s --pass-pipeline="builtin.module(compress-linalg-to-gpu{block-size=64 dp4a=false})" \
// RUN:   -verify-diagnostics | FileCheck %s --check-prefix=NODP4A
// RUN: compress-opt %s --pass-pipeline="builtin.module(compress-linalg-to-gpu{matmul-tiling=false})" \
// RUN:   -verify-diagnostics | FileCheck %s --check-prefix=UNTILED
// RUN: not compress-opt %s --pass-pipeline="builtin.module(compress-linalg-to-gpu{block-size=0})" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD-BLOCK

// BAD-BLOCK: error: block-size must be in 1..1024, not 0
// UNTILED-NOT: memref.global
// UNTILED-NOT: gpu.barrier
// UNTILED: module(@tiled_matmul_k0_dp4a)

// CHECK-LABEL: func.func @small_matmul
// CHECK: %[[BLOCKS:.*]] = arith.maxui
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %[[BLOCKS]], {{.*}}) threads({{.*}}) in ({{.*}} = %c256, {{.*}}) module(@small_matmul_k0_dp4a) function(@small_matmul_k0_dp4a)
// CHECK: scf.for
// CHECK-COUNT-2: vector.from_elements {{.*}} : vector<4xi8>
// CHECK: nvvm.dot.accumulate.4way %{{.*}} <signed>, %{{.*}} <signed>, %{{.*}} : vector<4xi8>, vector<4xi8>
// CHECK: memref.store {{.*}} : memref<8x8xi32>
// CHECK-NOT: linalg.generic
// NODP4A-LABEL: func.func @small_matmul
// NODP4A: gpu.launch {{.*}} threads({{.*}}) in ({{.*}} = %c64, {{.*}}) module(@small_matmul_k0_reduction)
// NODP4A-NOT: nvvm.dot.accumulate.4way
// NODP4A: arith.muli {{.*}} : i32
func.func @small_matmul(%a: memref<8x32xi8>, %b: memref<32x8xi8>, %c: memref<8x8xi32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>,
                                   affine_map<(i, j, k) -> (i, j)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<8x32xi8>, memref<32x8xi8>) outs(%c : memref<8x8xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// CHECK-LABEL: func.func @two_ops
// CHECK: gpu.launch {{.*}} module(@two_ops_k0_parallel)
// CHECK: arith.addf
// CHECK: gpu.terminator
// CHECK: linalg.generic
func.func @two_ops(%x: memref<4x8xf32>, %y: memref<4x8xf32>, %z: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x8xf32>) outs(%y : memref<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %d = arith.addf %a, %a : f32
    linalg.yield %d : f32
  }
  // expected-remark @below {{runs on the host: an output is not indexed by exactly the parallel dimensions}}
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%y : memref<4x8xf32>) outs(%z : memref<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  return
}

// A matmul at least one 16x16 tile wide: a grid of tiles (n, m, batch),
// 16x16 threads, inputs staged in 16-byte aligned workgroup-memory globals
// with zeros outside the operands, barriers around the dp4a loop, and the
// output stored by in-range threads only; without dp4a, the body runs on the
// staged values.
// GLOBALS-DAG: memref.global "private" @tiled_matmul_k0_tiled_dp4a_lhs_tile : memref<16x32xi8, #gpu.address_space<workgroup>> = uninitialized {alignment = 16 : i64}
// GLOBALS-DAG: memref.global "private" @tiled_matmul_k0_tiled_dp4a_rhs_tile : memref<16x32xi8, #gpu.address_space<workgroup>> = uninitialized {alignment = 16 : i64}
// CHECK-LABEL: func.func @tiled_matmul
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %{{.*}}, {{.*}} = %{{.*}}, {{.*}} = %{{.*}}) threads({{.*}}) in ({{.*}} = %c16{{.*}}, {{.*}} = %c16{{.*}}, {{.*}}) module(@tiled_matmul_k0_tiled_dp4a)
// CHECK: %[[LHS:.*]] = memref.get_global @tiled_matmul_k0_tiled_dp4a_lhs_tile
// CHECK: %[[RHS:.*]] = memref.get_global @tiled_matmul_k0_tiled_dp4a_rhs_tile
// CHECK: scf.for %[[K0:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: scf.if
// CHECK: memref.load %arg0
// CHECK: memref.store {{.*}}, %[[LHS]]
// CHECK: memref.load %arg1
// CHECK: memref.store {{.*}}, %[[RHS]]
// CHECK: gpu.barrier
// CHECK: vector.load %[[LHS]]{{.*}} {alignment = 4 : i64}
// CHECK: vector.load %[[RHS]]{{.*}} {alignment = 4 : i64}
// CHECK: nvvm.dot.accumulate.4way
// CHECK: gpu.barrier
// CHECK: scf.if
// CHECK: memref.store {{.*}}, %arg2
// NODP4A-LABEL: func.func @tiled_matmul
// NODP4A: module(@tiled_matmul_k0_tiled)
// NODP4A: gpu.barrier
// NODP4A: arith.minui
// NODP4A: arith.muli {{.*}} : i32
// NODP4A: gpu.barrier
func.func @tiled_matmul(%a: memref<33x64xi8>, %b: memref<64x20xi8>, %c: memref<33x20xi32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>,
                                   affine_map<(i, j, k) -> (i, j)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<33x64xi8>, memref<64x20xi8>) outs(%c : memref<33x20xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// A full reduction into a rank-0 output is one thread's loop nest.
// CHECK-LABEL: func.func @full_sum
// CHECK: gpu.launch {{.*}} module(@full_sum_k0_reduction)
// CHECK: scf.for
// CHECK: scf.for
// CHECK: memref.store {{.*}} : memref<i64>
func.func @full_sum(%x: memref<?x?xi32>, %s: memref<i64>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>],
                  iterator_types = ["reduction", "reduction"]}
      ins(%x : memref<?x?xi32>) outs(%s : memref<i64>) {
  ^bb0(%a: i32, %acc: i64):
    %e = arith.extsi %a : i32 to i64
    %r = arith.addi %acc, %e : i64
    linalg.yield %r : i64
  }
  return
}
