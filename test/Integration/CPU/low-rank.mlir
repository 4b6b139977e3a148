// compress-low-rank against NumPy: the product of the factors it writes is
// the truncated SVD of the weight (without data) or the activation-aware
// optimum [W L]_r L^-1 (with data, H + damp = L L^T), at the rank `ratio` or
// `energy` asks for; the factored model, compiled, computes x A B; a strided
// convolution becomes a strided r-channel convolution and a 1x1 one with the
// product filter. See low-rank.mlir.py.
//
// REQUIRES: numpy
// RUN: rm -rf %t && %python %s.py %t | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: failures: 0
