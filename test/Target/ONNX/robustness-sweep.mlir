// The robustness sweep: every ONNX backend node-test model compress imports
// (334 with Debian 12's libonnx-testdata) goes through each weight pass
// (magnitude, global, N:M, neuron, filter and head pruning, int8 and int4
// weights, low rank, f16), PTQ calibrated on the test's inputs, and both
// lowerings (CPU and NVPTX), in one process. Every step must end in a
// verified module or an error diagnostic with a location: no crash, no
// other exception, no error without a message. Models that PTQ leaves
// unquantized must still compute the node test's expected output. The run
// counts are pinned like node-tests.mlir's, so that models cannot drift out
// of the sweep unnoticed. See robustness_sweep.py.
//
// REQUIRES: onnx-import, onnx-python, onnx-testdata, python-bindings
// RUN: %python %S/robustness_sweep.py | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: imported models: 334
// CHECK: convert-precision: 334 runs, 0 clean errors
// CHECK: lower-to-cpu: 334 runs, 0 clean errors
// CHECK: lower-to-nvptx: 334 runs, 0 clean errors
// CHECK: prune-filters: 334 runs, 0 clean errors
// CHECK: ptq: 283 runs, 0 clean errors
// CHECK: failures: 0
