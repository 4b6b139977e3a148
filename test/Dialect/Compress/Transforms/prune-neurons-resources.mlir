// RUN: compress-opt %s --compress-prune-neurons 2>&1 | FileCheck %s

// Weights and biases as dense_resource blobs, as compress-translate imports
// tensors over 1 KiB: the same MLP as prune-neurons.mlir's first case prunes
// the same neurons (1 and 3 kept by their outgoing L2 norms), reading the
// blobs' data, and writes the shrunk weights as new blobs: w1 keeps
// [[2, 1], [2, 1]] and w2 [[-3], [2]] (hex below, after a 64-byte alignment
// word); the bias becomes an inline constant.
// CHECK-LABEL: func.func @mlp_resources(
// CHECK: arith.constant {compress.sparsity = #compress.sparsity<channel, axis = 1, fraction = 5.000000e-01>} dense_resource<[[W1:w1_[0-9]+]]> : tensor<2x2xf32>
// CHECK: arith.constant dense<[2.000000e-01, 4.000000e-01]> : tensor<2xf32>
// CHECK: arith.constant {compress.sparsity = #compress.sparsity<channel, axis = 0, fraction = 5.000000e-01>} dense_resource<[[W2:w2_[0-9]+]]> : tensor<2x1xf32>
// CHECK-DAG: [[W1]]: "0x40000000000000400000803F000000400000803F"
// CHECK-DAG: [[W2]]: "0x40000000000040C000000040"
// CHECK-NOT: not a constant
// CHECK-NOT: tensor<?x4xf32>
!x = tensor<?x2xf32>
func.func @mlp_resources(%x: !x) -> tensor<?x1xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : !x
  %w1 = arith.constant dense_resource<w1> : tensor<2x4xf32>
  %b1 = arith.constant dense_resource<b1> : tensor<4xf32>
  %w2 = arith.constant dense_resource<w2> : tensor<4x1xf32>
  %e1 = tensor.empty(%n) : tensor<?x4xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x4xf32>) -> tensor<?x4xf32>
  %h = linalg.matmul ins(%x, %w1 : !x, tensor<2x4xf32>) outs(%f1 : tensor<?x4xf32>) -> tensor<?x4xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
       ins(%h, %b1 : tensor<?x4xf32>, tensor<4xf32>) outs(%e1 : tensor<?x4xf32>) {
  ^bb0(%in: f32, %b: f32, %o: f32):
    %s = arith.addf %in, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<?x4xf32>
  %e2 = tensor.empty(%n) : tensor<?x1xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x1xf32>) -> tensor<?x1xf32>
  %y = linalg.matmul ins(%a, %w2 : tensor<?x4xf32>, tensor<4x1xf32>) outs(%f2 : tensor<?x1xf32>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w1: "0x0400000000004040000000400000A0400000803F00000000000000400000A0400000803F",
      b1: "0x04000000CDCCCC3DCDCC4C3E9A99993ECDCCCC3E",
      w2: "0x040000000000003F000040C0CDCCCC3D00000040"
    }
  }
#-}
