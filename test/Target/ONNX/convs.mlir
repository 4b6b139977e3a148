// The convolution forms the CNN test does not cover (gen_models.py, convs):
// a grouped convolution becomes linalg.conv_2d_ngchw_gfchw on reshaped
// operands, auto_pad SAME_UPPER becomes explicit padding, and a 1-D
// convolution (with dilation) is computed as a 2-D one of height 1. The
// numbers match NumPy's.
//
// REQUIRES: onnx-import
// RUN: compress-translate --import-onnx %S/Inputs/convs.onnx | FileCheck %s

// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME:    %[[X:.+]]: tensor<1x4x5x5xf32>) -> tensor<1x2x7xf32>
// SAME_UPPER with stride 2 over 5: 3 outputs, padding 1 before and 1 after.
// CHECK:       %[[PADDED:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:       %[[GROUPED:.+]] = tensor.expand_shape %[[PADDED]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 7, 7]
// CHECK:       %[[FILTER:.+]] = arith.constant dense<{{.+}}> : tensor<2x3x2x3x3xf32>
// CHECK:       %[[CONV:.+]] = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME:    ins(%[[GROUPED]], %[[FILTER]] : tensor<1x2x2x7x7xf32>, tensor<2x3x2x3x3xf32>) outs(%{{.+}} : tensor<1x2x3x3x3xf32>)
// CHECK:       tensor.collapse_shape %[[CONV]] {{.+}} into tensor<1x6x3x3xf32>
// CHECK:       tensor.pad %{{.+}} low[0, 0, 0, 1] high[0, 0, 0, 1]
// CHECK:       linalg.conv_2d_nchw_fchw {dilations = dense<[1, 2]> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME:    tensor<1x6x1x11xf32>, tensor<2x6x1x3xf32>) outs(%{{.+}} : tensor<1x2x1x7xf32>)

// REQUIRES: mlir-runner, numpy
// RUN: compress-translate --import-onnx %S/Inputs/convs.onnx -o %t.mlir
// RUN: %python %S/driver.py %t.mlir --inputs %S/Inputs/convs.json \
// RUN:   | compress-opt --compress-lower-to-cpu | %run_cpu \
// RUN:   | %python %S/../../Integration/CPU/check_close.py close - \
// RUN:   --expected %S/Inputs/convs.json --key output --rtol 1e-5 --atol 1e-6
