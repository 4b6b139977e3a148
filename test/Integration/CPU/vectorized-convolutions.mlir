// NCHW convolutions of several shapes, strides and dilations, float and the
// int8 kernel form of compress-fuse-qdq, run through compress-lower-to-cpu
// (vectorized by compress-vectorize-convolutions) and compared with numpy
// (check_vectorized_convs.py): float within 1e-4 of the largest output,
// integers exactly.
// REQUIRES: numpy
// RUN: %python %S/check_vectorized_convs.py %t | FileCheck %s
// CHECK-COUNT-10: : ok (max error
// CHECK: mismatches: 0
