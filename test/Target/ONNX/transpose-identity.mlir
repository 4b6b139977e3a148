// Transposes that move nothing import as their input. A scalar Transpose
// (the onnx fuzz target's input, a rank-0 tensor with the default perm)
// once reached upstream's linalg.transpose verifier, which then asked for
// 6.5 GB; an identity perm on a matrix gives no op either, and a real one
// still a linalg.transpose.
//
// REQUIRES: onnx-import, onnx-python
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import onnx; from onnx import helper as h, TensorProto as T; \
// RUN:   g = h.make_graph([h.make_node('Transpose', ['x'], ['y'])], 'g', \
// RUN:     [h.make_tensor_value_info('x', T.FLOAT, [])], \
// RUN:     [h.make_tensor_value_info('y', T.FLOAT, [])]); \
// RUN:   onnx.save(h.make_model(g, opset_imports=[h.make_opsetid('', 13)]), '%t/s.onnx')"
// RUN: compress-translate --import-onnx %t/s.onnx | FileCheck %s --check-prefix=SCALAR
// The fuzz target's own input (fuzz/corpus/onnx/transpose_scalar.onnx).
// RUN: compress-translate --import-onnx %S/../../../fuzz/corpus/onnx/transpose_scalar.onnx \
// RUN:   | FileCheck %s --check-prefix=SCALAR
// SCALAR: func.func @main_graph(%[[X:.*]]: tensor<f32>) -> tensor<f32>
// SCALAR-NEXT: return %[[X]] : tensor<f32>
//
// RUN: %python -c "import onnx; from onnx import helper as h, TensorProto as T; \
// RUN:   g = h.make_graph([h.make_node('Transpose', ['x'], ['i'], perm=[0, 1]), \
// RUN:                     h.make_node('Transpose', ['i'], ['y'], perm=[1, 0])], 'g', \
// RUN:     [h.make_tensor_value_info('x', T.FLOAT, [2, 3])], \
// RUN:     [h.make_tensor_value_info('y', T.FLOAT, [3, 2])]); \
// RUN:   onnx.save(h.make_model(g, opset_imports=[h.make_opsetid('', 13)]), '%t/t.onnx')"
// RUN: compress-translate --import-onnx %t/t.onnx | FileCheck %s
// CHECK: func.func @main_graph(%[[X:.*]]: tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK-COUNT-1: linalg.transpose ins(%[[X]] : tensor<2x3xf32>)
// CHECK-SAME: permutation = [1, 0]
// CHECK-NOT: linalg.transpose
