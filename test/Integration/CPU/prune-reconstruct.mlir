// Neuron pruning with reconstruct=true: the next layer's kept weights and its
// bias are refit by least squares (with an intercept) on calibration data,
// checked against NumPy's solution of the same normal equations; the refit
// layer's output error on the data must be well below plain removal's; with
// two consumers of the hidden layer (a dependency group), each is refit on
// its own. See
// prune-reconstruct.mlir.py. It also checks compress-quantize-weights
// bias-correction=true: each bias (one in a bias + ReLU op) loses the mean
// output change of the quantized weights on the data, as NumPy computes it.
//
// REQUIRES: numpy
// RUN: rm -rf %t && %python %s.py %t | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: failures: 0
