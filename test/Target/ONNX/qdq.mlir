// Imports a QDQ model (gen_models.py): QuantizeLinear/DequantizeLinear
// become compress.quantize/compress.dequantize on !quant.uniform types (the
// int8 weight per output channel: a storage cast of the initializer), so
// compress-fuse-qdq turns the float layer into an integer kernel; both run
// and match ONNX's semantics computed by NumPy.
//
// REQUIRES: onnx-import
// RUN: compress-translate --import-onnx %S/Inputs/qdq.onnx | FileCheck %s
// RUN: compress-translate --import-onnx %S/Inputs/qdq.onnx \
// RUN:   | compress-opt --compress-fuse-qdq | FileCheck %s --check-prefix=FUSED

// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME:    %[[X:.+]]: tensor<1x8xf32>) -> tensor<1x4xf32>
// CHECK:       %[[XQ:.+]] = compress.quantize %[[X]] : tensor<1x8xf32> -> tensor<1x8x!quant.uniform<u8:f32, 0.05000000074505806:128>>
// The dequantize reads the quantized value itself, not a storage round trip.
// CHECK:       %[[XD:.+]] = compress.dequantize %[[XQ]] : tensor<1x8x!quant.uniform<u8:f32, 0.05000000074505806:128>> -> tensor<1x8xf32>
// CHECK:       %[[WQ:.+]] = arith.constant dense<{{\[}}[-34, 9, -50, -26]{{.+}}> : tensor<8x4xi8>
// CHECK:       %[[WC:.+]] = quant.scast %[[WQ]] : tensor<8x4xi8> to tensor<8x4x!quant.uniform<i8:f32:1, {0.0099999997764825821,0.019999999552965164,0.014999999664723873,0.029999999329447746}>>
// CHECK:       %[[W:.+]] = compress.dequantize %[[WC]]
// CHECK:       %[[MM:.+]] = linalg.matmul ins(%[[XD]], %[[W]] : tensor<1x8xf32>, tensor<8x4xf32>)
// CHECK:       %[[BIAS:.+]] = linalg.generic {{.+}} ins(%[[MM]], %{{.+}} : tensor<1x4xf32>, tensor<4xf32>)
// CHECK:       %[[RELU:.+]] = linalg.generic {{.+}} ins(%[[BIAS]] : tensor<1x4xf32>)
// A zero point of 0 is not printed.
// CHECK:       %[[YQ:.+]] = compress.quantize %[[RELU]] : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<u8:f32, 0.10000000149011612>>
// CHECK:       %[[Y:.+]] = compress.dequantize %[[YQ]]
// CHECK:       return %[[Y]] : tensor<1x4xf32>

// FUSED-LABEL: func.func @main_graph(
// FUSED:       compress.quantize
// FUSED-NOT:   linalg.matmul
// FUSED:       linalg.generic
// FUSED:         arith.extui %{{.+}} : i8 to i32
// FUSED:         arith.extsi %{{.+}} : i8 to i32
// FUSED:       compress.requantize %{{.+}} {axis = 1 : i64, input_scales = array<f64: {{.+}}>} : tensor<1x4xi32> -> tensor<1x4x!quant.uniform<u8:f32, 0.10000000149011612>>

// The float program reproduces ONNX's quantized levels (the generator keeps
// the results away from rounding ties; the tolerance only covers the 6
// digits printMemrefF32 prints, a step is 0.1); the fused integer program
// is within one step (its bias is rounded to the accumulator's units).
// REQUIRES: mlir-runner, numpy
// RUN: compress-translate --import-onnx %S/Inputs/qdq.onnx -o %t.mlir
// RUN: %python %S/driver.py %t.mlir --inputs %S/Inputs/qdq.json \
// RUN:   | compress-opt --compress-lower-to-cpu | %run_cpu \
// RUN:   | %python %S/../../Integration/CPU/check_close.py close - \
// RUN:   --expected %S/Inputs/qdq.json --key output --rtol 1e-6 --atol 1e-7
// RUN: %python %S/driver.py %t.mlir --inputs %S/Inputs/qdq.json \
// RUN:   | compress-opt --compress-fuse-qdq --compress-lower-to-cpu | %run_cpu \
// RUN:   | %python %S/../../Integration/CPU/check_close.py close - \
// RUN:   --expected %S/Inputs/qdq.json --key output --rtol 0 --atol 0.1001
