// Imports an MLP as PyTorch exports nn.Linear (Gemm with transB = 1) on a
// symbolic batch: the weights stay the initializers, read through the
// matmul's indexing maps; biases are broadcast linalg.generic adds; options
// and locations; compress-quantize-weights applies to the imported model;
// the numbers match NumPy's (gen_models.py).
//
// REQUIRES: onnx-import
// RUN: compress-translate --import-onnx %S/Inputs/mlp.onnx --batch-size=2 \
// RUN:   | FileCheck %s
// RUN: compress-translate --import-onnx %S/Inputs/mlp.onnx --batch-size=2 \
// RUN:   --func-name=forward --resource-threshold=64 --mlir-print-debuginfo \
// RUN:   | FileCheck %s --check-prefix=OPTIONS
// RUN: compress-translate --import-onnx %S/Inputs/mlp.onnx --batch-size=2 \
// RUN:   --resource-threshold=64 | compress-opt --compress-quantize-weights \
// RUN:   | FileCheck %s --check-prefix=QUANT
// RUN: not compress-translate --import-onnx %S/Inputs/mlp.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DYNAMIC

// CHECK-DAG: #[[ROWS:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[COLUMNS_T:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[CHANNEL:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME:    %[[X:.+]]: tensor<2x4xf32>) -> tensor<2x3xf32>
// CHECK:       %[[W1:.+]] = arith.constant dense<{{.+}}> : tensor<16x4xf32>
// CHECK:       %[[ZERO:.+]] = linalg.fill
// CHECK:       %[[MM1:.+]] = linalg.matmul indexing_maps = [#[[ROWS]], #[[COLUMNS_T]], #[[OUT]]]
// CHECK-SAME:    ins(%[[X]], %[[W1]] : tensor<2x4xf32>, tensor<16x4xf32>) outs(%[[ZERO]] : tensor<2x16xf32>)
// CHECK:       %[[B1:.+]] = arith.constant dense<{{.+}}> : tensor<16xf32>
// CHECK:       %[[FC1:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CHANNEL]], #[[ID]]]
// CHECK-SAME:    ins(%[[MM1]], %[[B1]] : tensor<2x16xf32>, tensor<16xf32>)
// CHECK:         arith.addf
// CHECK:       %[[RELU:.+]] = linalg.generic
// CHECK-SAME:    ins(%[[FC1]] : tensor<2x16xf32>)
// CHECK:         %[[C0:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         arith.maximumf %{{.+}}, %[[C0]] : f32
// CHECK:       %[[MM2:.+]] = linalg.matmul indexing_maps = [#[[ROWS]], #[[COLUMNS_T]], #[[OUT]]]
// CHECK-SAME:    ins(%[[RELU]], %{{.+}} : tensor<2x16xf32>, tensor<3x16xf32>)
// alpha = 0.5 scales the product before the bias is added.
// CHECK:       %[[FC2:.+]] = linalg.generic
// CHECK-SAME:    ins(%[[MM2]], %{{.+}} : tensor<2x3xf32>, tensor<3xf32>)
// CHECK:       ^bb0(%[[ACC:.+]]: f32, %[[BIAS:.+]]: f32, %{{.+}}: f32):
// CHECK:         %[[ALPHA:.+]] = arith.constant 5.000000e-01 : f32
// CHECK:         %[[SCALED:.+]] = arith.mulf %[[ACC]], %[[ALPHA]] : f32
// CHECK:         arith.addf %[[SCALED]], %[[BIAS]] : f32
// CHECK:       return %[[FC2]] : tensor<2x3xf32>

// OPTIONS-DAG: #[[FILE:.+]] = loc("{{.*}}mlp.onnx":0:0)
// OPTIONS-DAG: #[[FC1:.+]] = loc("fc1"(#{{.+}}))
// OPTIONS-LABEL: func.func @forward(
// OPTIONS-SAME:    loc("x"(#{{.+}}))
// OPTIONS:       arith.constant dense_resource<w1> : tensor<16x4xf32>
// OPTIONS:       linalg.matmul {{.+}} loc(#[[FC1]])
// OPTIONS:       arith.constant dense_resource<b1> : tensor<16xf32>
// OPTIONS:       arith.constant dense_resource<w2> : tensor<3x16xf32>
// 12 bytes stay below the threshold of 64.
// OPTIONS:       arith.constant dense<[{{.+}}]> : tensor<3xf32>
// OPTIONS:       dialect_resources
// OPTIONS:       w1: "0x10000000

// Per-output-channel int8 weights (axis 0 of the [N, K] weight, found
// through the transposed indexing map), read out of the dense_resource.
// QUANT-LABEL: func.func @main_graph(
// QUANT:       compress.dequantize %{{.+}} : tensor<16x4x!quant.uniform<i8<-127:127>:f32:0, {{.+}}>> -> tensor<16x4xf32>
// QUANT:       linalg.matmul
// QUANT:       compress.dequantize %{{.+}} : tensor<3x16x!quant.uniform<i8<-127:127>:f32:0, {{.+}}>> -> tensor<3x16xf32>
// QUANT:       linalg.matmul

// DYNAMIC: mlp.onnx:0:0: error: 'x' has the dynamic dimension 0 ('N'); compress imports static shapes only: pass --batch-size=N to fix the batch dimension
// DYNAMIC-NOT: error

// Execution against NumPy's forward pass.
// REQUIRES: mlir-runner, numpy
// RUN: compress-translate --import-onnx %S/Inputs/mlp.onnx --batch-size=2 -o %t.mlir
// RUN: %python %S/driver.py %t.mlir --inputs %S/Inputs/mlp.json \
// RUN:   | compress-opt --compress-lower-to-cpu | %run_cpu \
// RUN:   | %python %S/../../Integration/CPU/check_close.py close - \
// RUN:   --expected %S/Inputs/mlp.json --key output --rtol 1e-5 --atol 1e-6
