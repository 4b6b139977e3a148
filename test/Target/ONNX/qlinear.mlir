// Imports a QOperator model (gen_models.py): QLinearConv with a per-channel
// int8 filter, an int32 bias and padding, a Reshape of its uint8 result, and
// QLinearMatMul with a per-column int8 weight. Each becomes an i32 linalg
// named op on the storage integers (uint8 inputs centered on their zero
// point, int8 weights with zero point 0 as they are) followed by
// compress.requantize with ONNX's float rounding; the result matches
// NumPy's integer reference exactly.
//
// REQUIRES: onnx-import
// RUN: compress-translate --import-onnx %S/Inputs/qlinear.onnx | FileCheck %s

// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME:    %[[X:.+]]: tensor<1x2x4x4xi8>) -> tensor<1x5xi8>
// CHECK:       %[[XC:.+]] = linalg.generic {{.+}} ins(%[[X]] : tensor<1x2x4x4xi8>) outs(%{{.+}} : tensor<1x2x4x4xi32>)
// CHECK:         %[[WIDE:.+]] = arith.extui %{{.+}} : i8 to i32
// CHECK:         %[[ZX:.+]] = arith.constant 100 : i32
// CHECK:         arith.subi %[[WIDE]], %[[ZX]] : i32
// CHECK:       %[[W:.+]] = arith.constant dense<{{.+}}> : tensor<3x2x3x3xi8>
// Padding the centered input with 0 pads the input with its zero point.
// CHECK:       %[[PADDED:.+]] = tensor.pad %[[XC]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:       %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {{.+}} ins(%[[PADDED]], %[[W]] : tensor<1x2x6x6xi32>, tensor<3x2x3x3xi8>) outs(%{{.+}} : tensor<1x3x4x4xi32>)
// CHECK:       %[[BIAS:.+]] = arith.constant dense<[-1775, -1672, 1890]> : tensor<3xi32>
// CHECK:       %[[ACC:.+]] = linalg.generic {{.+}} ins(%[[CONV]], %[[BIAS]] : tensor<1x3x4x4xi32>, tensor<3xi32>)
// CHECK:         arith.addi
// Input scales s_x * s_w[c], per output channel.
// CHECK:       %[[Q:.+]] = compress.requantize %[[ACC]] {axis = 1 : i64, input_scales = array<f64: 9.9999995529651691E-5, 1.9999999105930338E-4, 1.6000000402331335E-4>, rounding = "float"} : tensor<1x3x4x4xi32> -> tensor<1x3x4x4x!quant.uniform<u8:f32, 0.10000000149011612:90>>
// CHECK:       %[[STORAGE:.+]] = quant.scast %[[Q]] : tensor<1x3x4x4x!quant.uniform<u8:f32, 0.10000000149011612:90>> to tensor<1x3x4x4xi8>
// CHECK:       %[[FLAT:.+]] = tensor.collapse_shape %[[STORAGE]] {{\[}}[0], [1, 2, 3]] : tensor<1x3x4x4xi8> into tensor<1x48xi8>
// CHECK:       %[[A:.+]] = linalg.generic {{.+}} ins(%[[FLAT]] : tensor<1x48xi8>)
// CHECK:         arith.extui
// CHECK:         arith.constant 90 : i32
// CHECK:       %[[M:.+]] = arith.constant dense<"0x{{[0-9A-F]+}}"> : tensor<48x5xi8>
// CHECK:       %[[MM:.+]] = linalg.matmul ins(%[[A]], %[[M]] : tensor<1x48xi32>, tensor<48x5xi8>) outs(%{{.+}} : tensor<1x5xi32>)
// CHECK:       %[[Y:.+]] = compress.requantize %[[MM]] {axis = 1 : i64, input_scales = array<f64: {{.+}}>, rounding = "float"} : tensor<1x5xi32> -> tensor<1x5x!quant.uniform<u8:f32, 0.20000000298023224:120>>
// CHECK:       %[[OUT:.+]] = quant.scast %[[Y]]
// CHECK:       return %[[OUT]] : tensor<1x5xi8>

// REQUIRES: mlir-runner, numpy
// RUN: compress-translate --import-onnx %S/Inputs/qlinear.onnx -o %t.mlir
// RUN: %python %S/driver.py %t.mlir --inputs %S/Inputs/qlinear.json \
// RUN:   --unsigned-results \
// RUN:   | compress-opt --compress-lower-to-cpu | %run_cpu \
// RUN:   | %python %S/../../Integration/CPU/check_close.py close - \
// RUN:   --expected %S/Inputs/qlinear.json --key output --rtol 0 --atol 0

// Rounding ties and saturation (gen_models.py, ties): QuantizeLinear of
// values at k + 0.5 steps and beyond the uint8 range, then a QLinearMatMul
// whose rescale is exactly 0.5. ONNX rounds half to even; rounding half away
// from zero gives another result.
// RUN: compress-translate --import-onnx %S/Inputs/ties.onnx -o %t.ties.mlir
// RUN: %python %S/driver.py %t.ties.mlir --inputs %S/Inputs/ties.json \
// RUN:   --unsigned-results \
// RUN:   | compress-opt --compress-lower-to-cpu | %run_cpu \
// RUN:   | %python %S/../../Integration/CPU/check_close.py close - \
// RUN:   --expected %S/Inputs/ties.json --key output --rtol 0 --atol 0
