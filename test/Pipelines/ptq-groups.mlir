// compress-ptq weight-group-size=G quantizes weights with one scale per G
// input channels of each output channel (compress-quantize-weights
// group-size): the same module as the passes chained by hand. Layers whose
// input channels are not a multiple of G keep one scale per channel, and
// the group-wise layers are not fused into integer kernels (which take one
// scale per channel); both say so in a remark.
//
// RUN: compress-opt %S/../Integration/CPU/ptq/Inputs/cnn.mlir \
// RUN:   --compress-ptq="data=%S/../Integration/CPU/ptq/samples weight-bits=4 weight-group-size=4 lower=false to-linalg=false" \
// RUN:   -o %t.ptq.mlir 2>&1 | FileCheck %s --check-prefix=REMARKS
// RUN: compress-opt %S/../Integration/CPU/ptq/Inputs/cnn.mlir \
// RUN:   --pass-pipeline="builtin.module(compress-insert-observers,compress-calibrate{data=%S/../Integration/CPU/ptq/samples},compress-fold-calibration,compress-quantize-weights{bits=4 group-size=4},compress-fuse-qdq)" \
// RUN:   -o %t.passes.mlir 2>/dev/null
// RUN: diff %t.ptq.mlir %t.passes.mlir
// RUN: FileCheck %s --input-file=%t.ptq.mlir
// A group size without per-channel scales is refused.
// RUN: not compress-opt %S/../Integration/CPU/ptq/Inputs/cnn.mlir \
// RUN:   --compress-ptq="data=%S/../Integration/CPU/ptq/samples weight-group-size=4 granularity=per-tensor lower=false" \
// RUN:   -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// REMARKS: cnn.mlir:15:11: remark: weight quantized with one scale per channel, not in groups: its input-channel dimension (1) is not a multiple of group-size 4
// REMARKS: cnn.mlir:28:11: remark: not fused into integer arithmetic: operand #1 has group-wise (sub-channel) scales
// REMARKS: cnn.mlir:42:11: remark: not fused into integer arithmetic: operand #1 has group-wise (sub-channel) scales
// REMARKS: cnn.mlir:55:11: remark: not fused into integer arithmetic: operand #1 has group-wise (sub-channel) scales

// The first convolution (one input channel): 4-bit with one scale per
// output channel, fused into an integer kernel (its weight is plain i4
// storage now). The second: groups of 4 input channels (HWCF: along C), one
// per filter. The dense layers: groups of 4 along K, one per output column.
// CHECK: tensor<3x3x1x4xi4>
// CHECK: tensor<3x3x4x8x!quant.uniform<i4<-7:7>:f32:{2:4, 3:1}
// CHECK: tensor<128x16x!quant.uniform<i4<-7:7>:f32:{0:4, 1:1}
// CHECK: tensor<16x10x!quant.uniform<i4<-7:7>:f32:{0:4, 1:1}

// BAD: option 'group-size' needs granularity=per-channel
