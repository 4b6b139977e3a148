// Regenerates the tests that gen_int8_tests.py writes into a temporary
// directory and compares them with the committed ones, so that the
// expectations cannot go stale: changing the generator without regenerating,
// or editing a generated file by hand, fails here. To fix a failure, run
//   /usr/bin/python3 test/Integration/CPU/int8/gen_int8_tests.py
// and review the diff.
//
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/gen_int8_tests.py --out-dir %t | FileCheck %s
// RUN: diff -u %S/add-pool.mlir %t/add-pool.mlir
// RUN: diff -u %S/conv.mlir %t/conv.mlir
// RUN: diff -u %S/matmul.mlir %t/matmul.mlir
// RUN: diff -u %S/mlp-end-to-end.mlir %t/mlp-end-to-end.mlir
// RUN: diff -u %S/negative-clamp.mlir %t/negative-clamp.mlir
// RUN: diff -u %S/requantize-edge-cases.mlir %t/requantize-edge-cases.mlir

// The generator lists what it wrote. A file it starts writing fails this list
// until a diff line above covers it.
// CHECK-NOT:  {{.}}
// CHECK:      add-pool.mlir
// CHECK-NEXT: conv.mlir
// CHECK-NEXT: matmul.mlir
// CHECK-NEXT: mlp-end-to-end.mlir
// CHECK-NEXT: negative-clamp.mlir
// CHECK-NEXT: requantize-edge-cases.mlir
// CHECK-NOT:  {{.}}
