// Models the importer must reject, each with one error naming the node (op
// type and name) or the value at fault, and a non-zero exit status. The
// models are written by gen_models.py.
//
// REQUIRES: onnx-import
// RUN: not compress-translate --import-onnx %S/Inputs/unsupported_op.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNKNOWN-OP
// UNKNOWN-OP: unsupported_op.onnx:0:0: error: Hardmax node 'hardmax_1': the op 'Hardmax' is not supported

// RUN: not compress-translate --import-onnx %S/Inputs/custom_domain.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DOMAIN
// DOMAIN: error: FusedThing node 'fused': the op 'FusedThing' of the domain 'com.example' is not supported

// RUN: not compress-translate --import-onnx %S/Inputs/unknown_attribute.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ATTRIBUTE
// ATTRIBUTE: error: Relu node 'relu': the attribute 'slope' is not supported

// RUN: not compress-translate --import-onnx %S/Inputs/bad_attribute_type.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ATTRIBUTE-TYPE
// ATTRIBUTE-TYPE: error: Softmax node 'softmax': attribute 'axis' has the type FLOAT; INT is expected

// RUN: not compress-translate --import-onnx %S/Inputs/undefined_input.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNDEFINED
// UNDEFINED: error: Add node 'add': the input 'ghost' is not defined before the node (the graph must be topologically sorted)

// RUN: not compress-translate --import-onnx %S/Inputs/no_broadcast.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BROADCAST
// BROADCAST: error: Add node 'add': the input shapes do not broadcast: [2, 3] [4]

// RUN: not compress-translate --import-onnx %S/Inputs/scale_not_constant.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=SCALE
// SCALE: error: QuantizeLinear node 'quantize': output scale ('s') must be a constant (an initializer or a Constant node)

// RUN: not compress-translate --import-onnx %S/Inputs/negative_scale.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NEGATIVE
// NEGATIVE: error: QuantizeLinear node 'quantize': the output scale -5.000000e-01 is not positive and finite

// RUN: not compress-translate --import-onnx %S/Inputs/bad_raw_data.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=RAW
// RAW: error: tensor 'b' has 3 elements (12 bytes) but its raw_data holds 8 bytes

// RUN: not compress-translate --import-onnx %S/Inputs/external_data.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=EXTERNAL
// EXTERNAL: error: tensor 'b': cannot read external data '{{.*}}Inputs{{/|\\}}weights.bin': No such file or directory

// A truncated model and a file that is no model at all.
// RUN: head -c 300 %S/Inputs/cnn.onnx > %t.truncated.onnx
// RUN: not compress-translate --import-onnx %t.truncated.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=TRUNCATED
// RUN: not compress-translate --import-onnx %s 2>&1 \
// RUN:   | FileCheck %s --check-prefix=TRUNCATED
// TRUNCATED: error: not a valid ONNX model: the protobuf cannot be parsed (truncated or corrupted file?)

// RUN: not compress-translate --import-onnx %S/Inputs/mlp.onnx --batch-size=0 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BATCH
// BATCH: error: the batch size must be positive, not 0
