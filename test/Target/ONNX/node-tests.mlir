// The ONNX backend node tests (Debian's libonnx-testdata): every test whose
// graph uses only supported ops is imported, lowered with
// --compress-lower-to-cpu, run, and compared with ONNX's expected outputs
// (rtol 1e-3 and atol 1e-7 for floats, exact for integers). Known failures
// are listed with their reasons in run_node_tests.py; every QuantizeLinear,
// DequantizeLinear, QLinear* and *Integer test must pass.
//
// REQUIRES: onnx-import, onnx-python, onnx-testdata, mlir-runner
// RUN: %python %S/run_node_tests.py --jobs 2 \
// RUN:   --runner-utils %mlir_runner_utils,%mlir_c_runner_utils,%cpu_runtime | FileCheck %s
//
// The counts are pinned (for Debian 12's libonnx-testdata), so that no test
// drifts from passed to failed or skipped unnoticed: a change that supports
// more ops updates them here.
// CHECK-NOT: FAIL
// CHECK-NOT: XPASS
// CHECK: onnx quantized-op node tests: 11 passed, 0 failed
// CHECK: onnx node tests: 387 passed, 20 failed (20 expected), 525 skipped (unsupported ops or types)
