// compress-quantize-weights size=S gains=true: the knapsack weighs each
// layer's errors by how much of them reaches the model's output. A linear
// two-layer MLP whose second layer amplifies the first layer's rounding
// errors (and attenuates its signal), under a budget with room for one
// layer at 4 bits: each layer's reported gain equals NumPy's (from the
// 4-bit weights the pass stores), gains=false puts the first layer at 4 bits
// (the smaller layer error), gains=true the second, and NumPy's model
// output error confirms the second choice is the better one. The gain is the
// model output's: with a residual around layer 2, layer 1's gain is NumPy's
// for that model, and with the activations quantized it is the float
// network's. With stats=DIR,
// or a model whose outputs are zero, the gains are not measured, and a remark
// says so.
// See quantize-size-gains.mlir.py.
//
// REQUIRES: numpy
// RUN: rm -rf %t && %python %s.py %t | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: failures: 0
