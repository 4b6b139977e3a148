// A sample file may stack batches along the leading dimension: (12, 8) for
// @mlp's tensor<4x8xf32> is three batches of 4, exactly as the (3, 4, 8)
// stack of the same rows (whose ranges calibrate-minmax.mlir checks against
// numpy). Both layouts must record the same ranges; moving-average, which
// depends on the order of the batches, too.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t/rows %t/stack
// RUN: %python -c "import numpy as np; x = np.random.default_rng(3).standard_normal((12, 8)).astype(np.float32); np.save('%t/rows/x.npy', x); np.save('%t/stack/x.npy', x.reshape(3, 4, 8))"
// RUN: compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate="data=%t/rows method=moving-average stats=%t/rows.json" -o /dev/null
// RUN: compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate="data=%t/stack method=moving-average stats=%t/stack.json" -o /dev/null
// RUN: diff %t/rows.json %t/stack.json
// RUN: FileCheck %s < %t/rows.json
// CHECK: "id": 0
// CHECK: "id": 1
// CHECK: "id": 2
