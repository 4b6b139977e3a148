// SparseGPT pruning (compress-prune-magnitude and compress-prune-nm with
// algorithm=sparsegpt) checked weight by weight against an independent NumPy
// implementation, on an MLP (layer scope with several column blocks, global
// scope, 2:4, a dead input) and on a strided convolution followed by a
// depthwise one (a Gram matrix per channel; 2:4 along the input channels);
// the same with the ADMM mask refinement (the default) against a NumPy ADMM,
// and admm-budget's fallback to the sweep. The driver also checks that each
// layer's output error on the calibration data is well below magnitude
// pruning's, and ADMM's below the sweep's. See prune-sparsegpt.mlir.py.
//
// REQUIRES: numpy
// RUN: rm -rf %t && %python %s.py %t | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: failures: 0
