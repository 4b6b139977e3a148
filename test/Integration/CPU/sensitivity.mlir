// compress-sensitivity: each layer's output error per setting (bits, rounding
// or GPTQ; sparsity, magnitude or SparseGPT; 2:4), checked against NumPy's
// errors for the data-free settings and ordered sensibly for the others; and
// compress-quantize-weights max-error picks per layer the fewest bits whose
// reported error is within the bound. See sensitivity.mlir.py.
//
// REQUIRES: numpy
// RUN: rm -rf %t && %python %s.py %t | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: failures: 0
