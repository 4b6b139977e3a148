// Imports a CNN as exporters write it (gen_models.py): Conv -> BatchNorm ->
// Relu -> MaxPool -> depthwise Conv -> Clip -> GlobalAveragePool -> the
// Shape/Gather/Unsqueeze/Concat/Reshape flatten chain -> MatMul -> Add ->
// Softmax. The shape chain folds away at import (a collapse_shape is left);
// compress-prune-filters follows the imported layers; the numbers match
// NumPy's.
//
// REQUIRES: onnx-import
// RUN: compress-translate --import-onnx %S/Inputs/cnn.onnx --batch-size=2 \
// RUN:   | FileCheck %s
// RUN: compress-translate --import-onnx %S/Inputs/cnn.onnx --batch-size=2 \
// RUN:   | compress-opt --compress-prune-filters=ratio=0.5 \
// RUN:   | FileCheck %s --check-prefix=PRUNED

// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CHANNEL:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME:    %[[X:.+]]: tensor<2x1x6x6xf32>) -> tensor<2x3xf32>
// CHECK-NOT:   tensor.reshape
// CHECK:       %[[W1:.+]] = arith.constant dense<{{.+}}> : tensor<4x1x3x3xf32>
// CHECK:       %[[PADDED:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:       %[[CONV1:.+]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME:    ins(%[[PADDED]], %[[W1]] : tensor<2x1x8x8xf32>, tensor<4x1x3x3xf32>)
// CHECK:       %[[BIAS1:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CHANNEL]], #[[ID]]]
// CHECK-SAME:    ins(%[[CONV1]], %{{.+}} : tensor<2x4x6x6xf32>, tensor<4xf32>)
// Inference batch normalization: scale * (x - mean) / sqrt(var + eps) + B.
// CHECK:       %[[BN:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CHANNEL]], #[[CHANNEL]], #[[CHANNEL]], #[[CHANNEL]], #[[ID]]]
// CHECK-SAME:    ins(%[[BIAS1]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK:       ^bb0(%[[V:.+]]: f32, %[[SCALE:.+]]: f32, %[[B:.+]]: f32, %[[MEAN:.+]]: f32, %[[VAR:.+]]: f32, %{{.+}}: f32):
// CHECK:         %[[EPS:.+]] = arith.constant 1.000000e-03 : f32
// CHECK:         %[[CENTERED:.+]] = arith.subf %[[V]], %[[MEAN]] : f32
// CHECK:         %[[SCALED:.+]] = arith.mulf %[[SCALE]], %[[CENTERED]] : f32
// CHECK:         %[[SUM:.+]] = arith.addf %[[VAR]], %[[EPS]] : f32
// CHECK:         %[[STDDEV:.+]] = math.sqrt %[[SUM]] : f32
// CHECK:         %[[NORMALIZED:.+]] = arith.divf %[[SCALED]], %[[STDDEV]] : f32
// CHECK:         arith.addf %[[NORMALIZED]], %[[B]] : f32
// CHECK:       %[[RELU:.+]] = linalg.generic
// CHECK:         arith.maximumf
// CHECK:       %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK:       %[[POOL_INIT:.+]] = linalg.fill ins(%[[NEG_INF]] : f32)
// CHECK:       %[[POOL:.+]] = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME:    ins(%[[RELU]], %{{.+}} : tensor<2x4x6x6xf32>, tensor<2x2xf32>) outs(%[[POOL_INIT]] : tensor<2x4x3x3xf32>)
// group = channels: the filter loses its unit dimension.
// CHECK:       %[[W2:.+]] = arith.constant dense<{{.+}}> : tensor<4x2x2xf32>
// CHECK:       %[[DW:.+]] = linalg.depthwise_conv_2d_nchw_chw
// CHECK-SAME:    ins(%[[POOL]], %[[W2]] : tensor<2x4x3x3xf32>, tensor<4x2x2xf32>)
// Clip with constant bounds: scalar constants in the body (a fusable clamp).
// CHECK:       %[[CLIP:.+]] = linalg.generic
// CHECK-SAME:    ins(%[[DW]] : tensor<2x4x2x2xf32>)
// CHECK:         %[[LO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[MAX:.+]] = arith.maximumf %{{.+}}, %[[LO]] : f32
// CHECK:         %[[HI:.+]] = arith.constant 6.000000e+00 : f32
// CHECK:         arith.minimumf %[[MAX]], %[[HI]] : f32
// CHECK:       %[[SUMPOOL:.+]] = linalg.pooling_nchw_sum
// CHECK-SAME:    ins(%[[CLIP]], %{{.+}} : tensor<2x4x2x2xf32>, tensor<2x2xf32>) outs(%{{.+}} : tensor<2x4x1x1xf32>)
// CHECK:       %[[GAP:.+]] = linalg.generic
// CHECK:         %[[COUNT:.+]] = arith.constant 4.000000e+00 : f32
// CHECK:         arith.divf %{{.+}}, %[[COUNT]] : f32
// The folded Shape -> Gather -> Unsqueeze -> Concat chain: Reshape to [2, -1].
// CHECK:       %[[FLAT:.+]] = tensor.collapse_shape %[[GAP]] {{\[}}[0], [1, 2, 3]] : tensor<2x4x1x1xf32> into tensor<2x4xf32>
// CHECK:       %[[W3:.+]] = arith.constant dense<{{.+}}> : tensor<4x3xf32>
// CHECK:       %[[FC:.+]] = linalg.matmul ins(%[[FLAT]], %[[W3]] : tensor<2x4xf32>, tensor<4x3xf32>)
// CHECK:       %[[LOGITS:.+]] = linalg.generic
// CHECK-SAME:    ins(%[[FC]], %{{.+}} : tensor<2x3xf32>, tensor<3xf32>)
// Softmax over the last axis: max, exp(x - max), sum, divide.
// CHECK:       %[[ROWMAX:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]} ins(%[[LOGITS]] : tensor<2x3xf32>)
// CHECK:         arith.maximumf
// CHECK:       linalg.generic
// CHECK:         arith.subf
// CHECK:       %[[EXP:.+]] = linalg.generic
// CHECK:         math.exp
// CHECK:       %[[ROWSUM:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]} ins(%[[EXP]] : tensor<2x3xf32>)
// CHECK:       %[[Y:.+]] = linalg.generic {{.+}} ins(%[[EXP]], %[[ROWSUM]] : tensor<2x3xf32>, tensor<2xf32>)
// CHECK:         arith.divf
// CHECK:       return %[[Y]] : tensor<2x3xf32>

// Filter pruning follows conv1 through its bias, the batch normalization,
// ReLU, pooling and the depthwise convolution, and the flatten into the
// dense layer, and removes half of the filters everywhere.
// PRUNED-LABEL: func.func @main_graph(
// PRUNED:       linalg.conv_2d_nchw_fchw {{.+}} tensor<2x1x3x3xf32>) outs(%{{.+}} : tensor<2x2x6x6xf32>)
// PRUNED:       linalg.generic {{.+}} ins(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : tensor<2x2x6x6xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
// PRUNED:       linalg.depthwise_conv_2d_nchw_chw {{.+}} tensor<2x2x2xf32>)
// PRUNED:       linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<2x2xf32>, tensor<2x3xf32>)

// REQUIRES: mlir-runner, numpy
// RUN: compress-translate --import-onnx %S/Inputs/cnn.onnx --batch-size=2 -o %t.mlir
// RUN: %python %S/driver.py %t.mlir --inputs %S/Inputs/cnn.json \
// RUN:   | compress-opt --compress-lower-to-cpu | %run_cpu \
// RUN:   | %python %S/../../Integration/CPU/check_close.py close - \
// RUN:   --expected %S/Inputs/cnn.json --key output --rtol 1e-5 --atol 1e-6
