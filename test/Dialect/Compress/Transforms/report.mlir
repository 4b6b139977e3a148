// RUN: compress-opt %s --compress-report='json=%t.json table=%t.txt' | FileCheck %s --check-prefix=IR
// RUN: FileCheck %s --check-prefix=TABLE < %t.txt
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// RUN: not compress-opt %s --compress-report='json=%t.missing/dir/report.json' 2>&1 | FileCheck %s --check-prefix=ERR

// The report does not change the IR.
// IR-LABEL: func.func @model
// IR: linalg.matmul
// IR: linalg.matmul
// IR: linalg.matmul

// By hand:
//   fc1: 4x2 f32, 4 zeros; 2:4 keeps 4 values: 16 bytes + 4 x 2 bits = 17.
//   fc2: 2x3 i8 per-axis, zero points (1, 0, -2): elements equal to their
//        column's zero point are 1, 0, 0, -2 -> 4 of 6; sparse 2 + 2 x 4 = 10.
//   fc3: 3x2 f32, 2 zeros; sparse 4 x 4 + 4 x 4 = 32, so dense (24) is smaller.
// TABLE: compress-report: 3 layer(s)
// TABLE: 0 fc1 linalg.matmul 4x2 8 f32 50.00% 32 32 17
// TABLE: 1 fc2 linalg.matmul 2x3 6 i8 66.67% 24 6 10
// TABLE: 2 fc3 linalg.matmul 3x2 6 f32 33.33% 24 24 32
// TABLE: total: 20 params, 50.00% zero, 80 bytes as fp32, 62 bytes dense now, 47 bytes with the smaller of dense and sparse storage per layer

// JSON: "layers": [
// JSON: "annotation": "structured",
// JSON: "dense_bytes": 32,
// JSON: "name": "fc1",
// JSON: "sparse_bytes": 17,
// JSON: "dtype": "i8",
// JSON: "name": "fc2",
// JSON: "sparsity": 0.66666
// JSON: "zeros": 4

// ERR: error: compress-report: cannot write '{{.*}}report.json'

!q = !quant.uniform<i8:f32:1, {0.5:1, 0.5:0, 0.5:-2}>
func.func @model(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant {compress.sparsity = #compress.sparsity<structured[2, 4], axis = 0, fraction = 0.5>}
        dense<[[0.0, -8.0], [-4.0, 0.0], [3.0, 0.0], [0.0, -7.0]]> : tensor<4x2xf32>
  %c2 = arith.constant dense<[[1, 0, -2], [5, 0, 3]]> : tensor<2x3xi8>
  %q2 = quant.scast %c2 : tensor<2x3xi8> to tensor<2x3x!q>
  %w2 = compress.dequantize %q2 : tensor<2x3x!q> -> tensor<2x3xf32>
  %w3 = arith.constant dense<[[0.0, 1.0], [2.0, 0.0], [1.0, 1.0]]> : tensor<3x2xf32>
  %e1 = tensor.empty() : tensor<1x2xf32>
  %e2 = tensor.empty() : tensor<1x3xf32>
  %h1 = linalg.matmul ins(%x, %w1 : tensor<1x4xf32>, tensor<4x2xf32>) outs(%e1 : tensor<1x2xf32>) -> tensor<1x2xf32> loc("fc1")
  %h2 = linalg.matmul ins(%h1, %w2 : tensor<1x2xf32>, tensor<2x3xf32>) outs(%e2 : tensor<1x3xf32>) -> tensor<1x3xf32> loc("fc2")
  %y = linalg.matmul ins(%h2, %w3 : tensor<1x3xf32>, tensor<3x2xf32>) outs(%e1 : tensor<1x2xf32>) -> tensor<1x2xf32> loc("fc3")
  return %y : tensor<1x2xf32>
}
