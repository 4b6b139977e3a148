// GPTQ weight quantization (compress-quantize-weights algorithm=gptq): every
// stored integer of an MLP's and a convolution's weights against an
// independent NumPy GPTQ (4 and 3 bits, per-channel, per-tensor and in groups
// along the input channels, symmetric and asymmetric, with and without
// act-order), the group-wise model run by compress-run against NumPy, and
// each layer's output error on the data below round-to-nearest's. See
// quantize-gptq.mlir.py.
//
// REQUIRES: numpy
// RUN: rm -rf %t && %python %s.py %t | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: failures: 0
