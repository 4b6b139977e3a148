// A linalg op that cannot run as one thread per output element stays on the
// host as loops over managed memory, with a remark that names the reason;
// the rest of the function still becomes kernels.
//
// RUN: compress-opt %s --compress-lower-to-nvptx=chip=sm_90 -verify-diagnostics -o %t.mlir
// RUN: FileCheck %s < %t.mlir

// Every j writes out[i]: with one thread per (i, j), threads would race on
// one element (sequentially, the last j wins). %doubled has two uses, so it
// is not fused into that op and stays a kernel.
// CHECK-LABEL: llvm.func @last_column
// CHECK: gpu.launch_func @last_column_k0_parallel::@last_column_k0_parallel
// CHECK-NOT: gpu.launch_func
// CHECK: llvm.br
// CHECK: llvm.load
// CHECK: llvm.store
// CHECK: llvm.return
func.func @last_column(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %doubled = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                             iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %d = arith.addf %a, %a : f32
    linalg.yield %d : f32
  } -> tensor<4x8xf32>
  %init = tensor.empty() : tensor<4xf32>
  // expected-remark @below {{runs on the host: an output is not indexed by exactly the parallel dimensions}}
  %last = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                          iterator_types = ["parallel", "parallel"]}
      ins(%doubled : tensor<4x8xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<4xf32>
  return %doubled, %last : tensor<4x8xf32>, tensor<4xf32>
}
