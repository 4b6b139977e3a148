// Differential test on the ONNX backend node tests: the models that pass
// under the default CPU pipeline (node-tests.mlir) must pass, against the
// same expected outputs, under each pipeline variant: the generic loops
// without the kernel library and without vector code, the portable and the
// AVX2 kernel paths on two threads, and the whole batch at once
// (split-batch=false: by default a model whose samples are independent
// runs one chunk at a time, which covers most node tests with a batch).
//
// REQUIRES: onnx-import, onnx-python, onnx-testdata, mlir-runner
// RUN: %python %S/run_node_tests.py --jobs 2 --lower-options="vectorize=false microkernels=false" \
// RUN:   --runner-utils %mlir_runner_utils,%mlir_c_runner_utils,%cpu_runtime | FileCheck %s
// RUN: %python %S/run_node_tests.py --jobs 2 --lower-options="cpu=portable threads=2" \
// RUN:   --runner-utils %mlir_runner_utils,%mlir_c_runner_utils,%cpu_runtime | FileCheck %s
// RUN: %python %S/run_node_tests.py --jobs 2 --lower-options="cpu=avx2 threads=2" \
// RUN:   --runner-utils %mlir_runner_utils,%mlir_c_runner_utils,%cpu_runtime | FileCheck %s
// RUN: %python %S/run_node_tests.py --jobs 2 --lower-options="split-batch=false" \
// RUN:   --runner-utils %mlir_runner_utils,%mlir_c_runner_utils,%cpu_runtime | FileCheck %s
// CHECK-NOT: FAIL
// CHECK-NOT: XPASS
// CHECK: onnx quantized-op node tests: 11 passed, 0 failed
// CHECK: onnx node tests: 387 passed, 20 failed (20 expected), 525 skipped (unsupported ops or types)
