// compress-collect-layer-stats on shards of the calibration data, merged by
// scripts/merge-layer-stats.py: the same Gram matrices, sums and counts as
// one run over all samples (both exactly NumPy's), and the data-aware passes
// given stats=MERGED produce the module data=ALL produces. See
// layer-stats-shards.mlir.py.
//
// REQUIRES: numpy
// RUN: rm -rf %t && %python %s.py %t %compress_src_root | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: failures: 0
