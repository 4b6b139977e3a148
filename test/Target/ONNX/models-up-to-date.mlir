// Regenerates the models and references gen_models.py writes into Inputs/
// and compares them with the committed ones, so that they cannot drift from
// the generator. To fix a failure, run
//   /usr/bin/python3 test/Target/ONNX/gen_models.py
// and review the diff.
//
// REQUIRES: onnx-python
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/gen_models.py --out-dir %t | FileCheck %s
// RUN: diff -r %S/Inputs %t

// The generator lists what it wrote; `diff -r` catches files only one side
// has.
// CHECK:      bad_attribute_type.onnx
// CHECK-NEXT: bad_raw_data.onnx
// CHECK-NEXT: cnn.json
// CHECK-NEXT: cnn.onnx
// CHECK-NEXT: convs.json
// CHECK-NEXT: convs.onnx
// CHECK-NEXT: custom_domain.onnx
// CHECK-NEXT: external_data.onnx
// CHECK-NEXT: mlp.json
// CHECK-NEXT: mlp.onnx
// CHECK-NEXT: negative_scale.onnx
// CHECK-NEXT: no_broadcast.onnx
// CHECK-NEXT: qdq.json
// CHECK-NEXT: qdq.onnx
// CHECK-NEXT: qlinear.json
// CHECK-NEXT: qlinear.onnx
// CHECK-NEXT: scale_not_constant.onnx
// CHECK-NEXT: ties.json
// CHECK-NEXT: ties.onnx
// CHECK-NEXT: undefined_input.onnx
// CHECK-NEXT: unknown_attribute.onnx
// CHECK-NEXT: unsupported_op.onnx
// CHECK-NOT:  {{.}}
