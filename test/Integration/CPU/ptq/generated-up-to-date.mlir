// The committed PTQ tests, model, samples and references are what
// gen_ptq_tests.py generates; rerun it after changing it.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/gen_ptq_tests.py --out-dir %t > %t/written.txt
// RUN: diff %S/Inputs/cnn.mlir %t/Inputs/cnn.mlir
// RUN: diff %S/Inputs/cnn.json %t/Inputs/cnn.json
// RUN: cmp %S/samples/calibration.npy %t/samples/calibration.npy
// RUN: diff %S/ptq-cnn-minmax.mlir %t/ptq-cnn-minmax.mlir
// RUN: diff %S/ptq-cnn-moving-average.mlir %t/ptq-cnn-moving-average.mlir
// RUN: diff %S/ptq-cnn-percentile.mlir %t/ptq-cnn-percentile.mlir
// RUN: diff %S/ptq-cnn-entropy.mlir %t/ptq-cnn-entropy.mlir
// RUN: diff %S/ptq-cnn-mse.mlir %t/ptq-cnn-mse.mlir
// RUN: FileCheck %s < %t/written.txt
// CHECK: Inputs/cnn.mlir
// CHECK-NEXT: samples/calibration.npy
// CHECK-NEXT: Inputs/cnn.json
// CHECK-NEXT: ptq-cnn-minmax.mlir
// CHECK-NEXT: ptq-cnn-moving-average.mlir
// CHECK-NEXT: ptq-cnn-percentile.mlir
// CHECK-NEXT: ptq-cnn-entropy.mlir
// CHECK-NEXT: ptq-cnn-mse.mlir
// CHECK-EMPTY:
