// compress-quantize-weights size=S prune=true: sparsity in the size search.
// A two-layer MLP under a budget below what 4-bit weights reach: SparseGPT
// prunes both layers, every stored weight pattern is what the remark names,
// the bits counted as the CPU kernels store them (NumPy's count) fit the
// budget, layer 1's reported output error equals NumPy's from the stored
// integers and scales, the budget without prune warns, and the int8 model
// gives the same outputs through the sparse and the dense kernels. A layer
// that is 2:4 already gets the 2:4 option at size=0.7 and runs in the 2:4
// kernel as in the dense one. See quantize-size-prune.mlir.py.
//
// REQUIRES: numpy
// RUN: rm -rf %t && %python %s.py %t | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: failures: 0
