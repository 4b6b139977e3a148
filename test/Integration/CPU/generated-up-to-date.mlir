// Regenerates the tests that gen_tests.py writes into a temporary directory
// and compares them with the committed ones, so that the expectations cannot
// go stale: changing the generator without regenerating, or editing a
// generated file by hand, fails here. To fix a failure, run
//   /usr/bin/python3 test/Integration/CPU/gen_tests.py
// and review the diff.
//
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/gen_tests.py --out-dir %t | FileCheck %s
// RUN: diff -u %S/quantize-rounding-ties.mlir %t/quantize-rounding-ties.mlir
// RUN: diff -u %S/quantize-saturation.mlir %t/quantize-saturation.mlir
// RUN: diff -u %S/quantize-per-axis.mlir %t/quantize-per-axis.mlir
// RUN: diff -u %S/dequantize.mlir %t/dequantize.mlir
// RUN: diff -u %S/quantize-dequantize-fold.mlir %t/quantize-dequantize-fold.mlir
// RUN: diff -u %S/mlp-quantized-weights.mlir %t/mlp-quantized-weights.mlir
// RUN: diff -u %S/Inputs/mlp-quantized-weights.json %t/Inputs/mlp-quantized-weights.json

// The generator lists what it wrote. A file it starts writing fails this list
// until a diff line above covers it.
// CHECK-NOT:  {{.}}
// CHECK:      Inputs/mlp-quantized-weights.json
// CHECK-NEXT: dequantize.mlir
// CHECK-NEXT: mlp-quantized-weights.mlir
// CHECK-NEXT: quantize-dequantize-fold.mlir
// CHECK-NEXT: quantize-per-axis.mlir
// CHECK-NEXT: quantize-rounding-ties.mlir
// CHECK-NEXT: quantize-saturation.mlir
// CHECK-NOT:  {{.}}
