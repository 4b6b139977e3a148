// RUN: compress-opt %s --compress-prune-magnitude=sparsity=0.5 | FileCheck %s
// RUN: compress-opt %s --compress-prune-magnitude="sparsity=0.5 scope=global" | FileCheck %s --check-prefix=GLOBAL

// Weights held in dense_resource blobs, as compress-translate imports every
// tensor over 1 KiB. The pruned values go to a new blob in the same form
// (f32 or bf16), read and written without a copy into the context. The old
// blob is left as it was: @keep still refers to it (so would a clone of the
// module), and must still see the unpruned weights.
//
// w = [[0.5, -3, 2, 0.1], [-0.2, 4, 1, -1]]: the four smallest magnitudes
// are 0.1, 0.2, 0.5 and one of the two 1s, the earlier one (ties go to the
// earlier element).
// CHECK-LABEL: func.func @layer(
// CHECK: %[[W:.*]] = arith.constant {compress.sparsity = #compress.sparsity<unstructured, fraction = 5.000000e-01>} dense_resource<[[NEW:w_[0-9]+]]> : tensor<2x4xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %[[W]] :
// CHECK-LABEL: func.func @layer_bf16(
// CHECK: arith.constant {compress.sparsity = #compress.sparsity<unstructured, fraction = 5.000000e-01>} dense_resource<[[NEWB:wb_[0-9]+]]> : tensor<2x4xbf16>
// CHECK-LABEL: func.func @keep(
// CHECK: arith.constant dense_resource<w> : tensor<2x4xf32>
// CHECK-DAG: w: "0x040000000000003F000040C000000040CDCCCC3DCDCC4CBE000080400000803F000080BF"
// CHECK-DAG: [[NEW]]: "0x4000000000000000000040C00000004000000000000000000000804000000000000080BF"
// CHECK-DAG: [[NEWB]]: "0x40000000000040C00040000000008040000080BF"

// scope=global ranks the 16 weights of both layers together and 8 go:
// 0.1, 0.2 and 0.5 of each layer (bf16 0.1 and -0.2 are a little larger
// than f32's), then two of the four 1s, the earliest: both of the f32
// layer's.
// GLOBAL: dense_resource<[[NEW:w_[0-9]+]]> : tensor<2x4xf32>
// GLOBAL: dense_resource<[[NEWB:wb_[0-9]+]]> : tensor<2x4xbf16>
// GLOBAL-DAG: [[NEW]]: "0x4000000000000000000040C0000000400000000000000000000080400000000000000000"
// GLOBAL-DAG: [[NEWB]]: "0x40000000000040C00040000000008040803F80BF"

!x = tensor<3x2xf32>
func.func @layer(%x: !x) -> tensor<3x4xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense_resource<w> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<3x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<3x4xf32>) -> tensor<3x4xf32>
  %y = linalg.matmul ins(%x, %w : !x, tensor<2x4xf32>) outs(%f : tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

func.func @layer_bf16(%x: tensor<3x2xbf16>) -> tensor<3x4xbf16> {
  %zero = arith.constant 0.0 : bf16
  %w = arith.constant dense_resource<wb> : tensor<2x4xbf16>
  %e = tensor.empty() : tensor<3x4xbf16>
  %f = linalg.fill ins(%zero : bf16) outs(%e : tensor<3x4xbf16>) -> tensor<3x4xbf16>
  %y = linalg.matmul ins(%x, %w : tensor<3x2xbf16>, tensor<2x4xbf16>) outs(%f : tensor<3x4xbf16>) -> tensor<3x4xbf16>
  return %y : tensor<3x4xbf16>
}

func.func @keep() -> tensor<2x4xf32> {
  %w = arith.constant dense_resource<w> : tensor<2x4xf32>
  return %w : tensor<2x4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000003F000040C000000040CDCCCC3DCDCC4CBE000080400000803F000080BF",
      wb: "0x02000000003F40C00040CD3D4DBE8040803F80BF"
    }
  }
#-}
