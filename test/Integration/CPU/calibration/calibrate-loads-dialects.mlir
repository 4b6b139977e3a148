// Regression test: --compress-calibrate builds bufferization.to_buffer and
// memref.cast ops in its instrumented clone and must load those dialects
// itself; a module that uses neither used to crash the pass.
//
// RUN: compress-opt %s --compress-insert-observers \
// RUN:   --compress-calibrate=data=%S/samples | FileCheck %s
// CHECK: compress.observe %arg0 {id = 0 : i64, max = {{.*}} : f64, min = {{.*}} : f64} : tensor<4x8xf32>

func.func @identity(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  return %x : tensor<4x8xf32>
}
