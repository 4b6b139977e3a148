// RUN: compress-opt %s --compress-fuse-qdq | FileCheck %s

// PyTorch exports QAT weights as QuantizeLinear of a float initializer (a
// dense_resource blob once it is large): the weight is quantized at run
// time. compress-fuse-qdq folds it into a constant first, then fuses the
// chain into an integer matmul.
// Weights [[0.5, -1.0], [0.25, 2.0]] with per-column scales {0.25, 0.5}:
// [[2, -2], [1, 4]].
// CHECK-LABEL: func.func @runtime_quantized_weight
// CHECK-NOT: compress.quantize
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}[2, -2], [1, 4]]> : tensor<2x2xi8>
// CHECK-NOT: compress.dequantize
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[W]] : tensor<3x2xi8>, tensor<2x2xi8>)
// CHECK: compress.requantize
// CHECK-SAME: input_scales = array<f64: 1.250000e-01, 2.500000e-01>
// CHECK-NOT: dense_resource
func.func @runtime_quantized_weight(%xq: tensor<3x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<3x2x!quant.uniform<i8:f32, 0.25>> {
  %xd = compress.dequantize %xq : tensor<3x2x!quant.uniform<i8:f32, 0.5>> -> tensor<3x2xf32>
  %w = arith.constant dense_resource<qat_weight> : tensor<2x2xf32>
  %wq = compress.quantize %w : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<i8:f32:1, {0.25, 0.5}>>
  %wd = compress.dequantize %wq : tensor<2x2x!quant.uniform<i8:f32:1, {0.25, 0.5}>> -> tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<3x2xf32>) -> tensor<3x2xf32>
  %m = linalg.matmul ins(%xd, %wd : tensor<3x2xf32>, tensor<2x2xf32>) outs(%f : tensor<3x2xf32>) -> tensor<3x2xf32>
  %yq = compress.quantize %m : tensor<3x2xf32> -> tensor<3x2x!quant.uniform<i8:f32, 0.25>>
  return %yq : tensor<3x2x!quant.uniform<i8:f32, 0.25>>
}

{-#
  dialect_resources: {
    builtin: {
      qat_weight: "0x040000000000003F000080BF0000803E00000040"
    }
  }
#-}
