// Regenerates the tests that gen_prune_tests.py writes into a temporary
// directory and compares them with the committed ones, so that the
// expectations cannot go stale: changing the generator without regenerating,
// or editing a generated file by hand, fails here. To fix a failure, run
//   /usr/bin/python3 test/Integration/CPU/gen_prune_tests.py
// and review the diff.
//
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/gen_prune_tests.py --out-dir %t | FileCheck %s
// RUN: diff -u %S/prune-magnitude-mlp.mlir %t/prune-magnitude-mlp.mlir
// RUN: diff -u %S/prune-nm-mlp.mlir %t/prune-nm-mlp.mlir
// RUN: diff -u %S/prune-neurons-exact.mlir %t/prune-neurons-exact.mlir
// RUN: diff -u %S/prune-neurons-mlp.mlir %t/prune-neurons-mlp.mlir
// RUN: diff -u %S/prune-filters-cnn.mlir %t/prune-filters-cnn.mlir
// RUN: diff -u %S/Inputs/prune-magnitude-mlp.json %t/Inputs/prune-magnitude-mlp.json
// RUN: diff -u %S/Inputs/prune-nm-mlp.json %t/Inputs/prune-nm-mlp.json
// RUN: diff -u %S/Inputs/prune-neurons-exact.json %t/Inputs/prune-neurons-exact.json
// RUN: diff -u %S/Inputs/prune-neurons-mlp.json %t/Inputs/prune-neurons-mlp.json
// RUN: diff -u %S/Inputs/prune-filters-cnn.json %t/Inputs/prune-filters-cnn.json

// The generator lists what it wrote. A file it starts writing fails this list
// until a diff line above covers it.
// CHECK-NOT:  {{.}}
// CHECK:      Inputs/prune-filters-cnn.json
// CHECK-NEXT: Inputs/prune-magnitude-mlp.json
// CHECK-NEXT: Inputs/prune-neurons-exact.json
// CHECK-NEXT: Inputs/prune-neurons-mlp.json
// CHECK-NEXT: Inputs/prune-nm-mlp.json
// CHECK-NEXT: prune-filters-cnn.mlir
// CHECK-NEXT: prune-magnitude-mlp.mlir
// CHECK-NEXT: prune-neurons-exact.mlir
// CHECK-NEXT: prune-neurons-mlp.mlir
// CHECK-NEXT: prune-nm-mlp.mlir
// CHECK-NOT:  {{.}}
