// Every weight pass on an imported model gives the same result whether the
// importer stored its weights as dense_resource blobs (the default for
// tensors over 1 KiB) or as inline dense literals: a residual CNN with a
// depthwise convolution and an MLP head, imported both ways, goes through
// each pass (magnitude, global, SparseGPT, N:M, neuron, filter pruning,
// int8/int4/GPTQ weights, low rank, f16, PTQ), and the two compiled results
// must be bit-identical, while differing from the unchanged model's (the
// pass did something). The same model imported as MLIR bytecode gives the
// same results under the pruning passes. See resource-weights.mlir.py.
//
// REQUIRES: onnx-import, onnx-python
// RUN: rm -rf %t && %python %s.py %t | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: ok: --emit-bytecode writes MLIR bytecode
// CHECK: ok: --compress-prune-nm=n=2 m=4: bytecode and inline weights give identical results
// CHECK: failures: 0
