// Regenerates what gen_calibration_tests.py writes into a temporary directory
// and compares it with the committed files (the .npy samples byte for byte),
// so that the expectations cannot go stale: changing the generator without
// regenerating, or editing a generated file by hand, fails here. To fix a
// failure, run
//   /usr/bin/python3 test/Integration/CPU/calibration/gen_calibration_tests.py
// and review the diff.
//
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/gen_calibration_tests.py --out-dir %t | FileCheck %s
// RUN: diff -u %S/Inputs/mlp.mlir %t/Inputs/mlp.mlir
// RUN: cmp %S/Inputs/bad-shape.npy %t/Inputs/bad-shape.npy
// RUN: cmp %S/Inputs/s05-nonfinite.npy %t/Inputs/s05-nonfinite.npy
// RUN: diff -u %S/calibrate-entropy.mlir %t/calibrate-entropy.mlir
// RUN: diff -u %S/calibrate-minmax.mlir %t/calibrate-minmax.mlir
// RUN: diff -u %S/calibrate-moving-average.mlir %t/calibrate-moving-average.mlir
// RUN: diff -u %S/calibrate-mse.mlir %t/calibrate-mse.mlir
// RUN: diff -u %S/calibrate-nonfinite.mlir %t/calibrate-nonfinite.mlir
// RUN: diff -u %S/calibrate-percentile.mlir %t/calibrate-percentile.mlir
// RUN: cmp %S/samples/s00.npy %t/samples/s00.npy
// RUN: cmp %S/samples/s01.npy %t/samples/s01.npy
// RUN: cmp %S/samples/s02-float64.npy %t/samples/s02-float64.npy
// RUN: cmp %S/samples/s03-int16.npy %t/samples/s03-int16.npy
// RUN: cmp %S/samples/s04-stack.npy %t/samples/s04-stack.npy
//
// The committed samples directory must hold exactly the generated samples (a
// stray .npy would become a sample of every test).
// RUN: ls %S/samples | FileCheck %s --check-prefix=SAMPLES

// The generator lists what it wrote. A file it starts writing fails this list
// until a line above compares it.
// CHECK-NOT:  {{.}}
// CHECK:      Inputs/bad-shape.npy
// CHECK-NEXT: Inputs/mlp.mlir
// CHECK-NEXT: Inputs/s05-nonfinite.npy
// CHECK-NEXT: calibrate-entropy.mlir
// CHECK-NEXT: calibrate-minmax.mlir
// CHECK-NEXT: calibrate-moving-average.mlir
// CHECK-NEXT: calibrate-mse.mlir
// CHECK-NEXT: calibrate-nonfinite.mlir
// CHECK-NEXT: calibrate-percentile.mlir
// CHECK-NEXT: samples/s00.npy
// CHECK-NEXT: samples/s01.npy
// CHECK-NEXT: samples/s02-float64.npy
// CHECK-NEXT: samples/s03-int16.npy
// CHECK-NEXT: samples/s04-stack.npy
// CHECK-NOT:  {{.}}

// SAMPLES-NOT:  {{.}}
// SAMPLES:      s00.npy
// SAMPLES-NEXT: s01.npy
// SAMPLES-NEXT: s02-float64.npy
// SAMPLES-NEXT: s03-int16.npy
// SAMPLES-NEXT: s04-stack.npy
// SAMPLES-NOT:  {{.}}
