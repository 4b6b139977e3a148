// RUN: compress-opt %s --compress-prune-nm="n=2 m=4" | FileCheck %s

// 2:4 pruning of a weight held in a dense_resource blob: the new values go
// to a new blob, the old one is left for @keep. w (4x2, K = 4 rows) keeps
// the 2 largest magnitudes of each column: [[0.5, -3], [2, 0.1],
// [-0.2, 4], [1, -1]] -> [[0, -3], [2, 0], [0, 4], [1, 0]].
// CHECK-LABEL: func.func @layer(
// CHECK: arith.constant {compress.sparsity = #compress.sparsity<structured[2, 4], axis = 0, fraction = 5.000000e-01>} dense_resource<[[NEW:w_[0-9]+]]> : tensor<4x2xf32>
// CHECK-LABEL: func.func @keep(
// CHECK: arith.constant dense_resource<w> : tensor<4x2xf32>
// CHECK-DAG: w: "0x040000000000003F000040C000000040CDCCCC3DCDCC4CBE000080400000803F000080BF"
// CHECK-DAG: [[NEW]]: "0x4000000000000000000040C0000000400000000000000000000080400000803F00000000"

func.func @layer(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense_resource<w> : tensor<4x2xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<3x2xf32>) -> tensor<3x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x2xf32>) outs(%f : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

func.func @keep() -> tensor<4x2xf32> {
  %w = arith.constant dense_resource<w> : tensor<4x2xf32>
  return %w : tensor<4x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000003F000040C000000040CDCCCC3DCDCC4CBE000080400000803F000080BF"
    }
  }
#-}
