// Execution test of the residual-bias split in compress-cpu-lower-kernels:
// a ResNet downsampling block, relu((a + biasA) + (b + biasB)) with `a` a
// padded 3x3 convolution and `b` a 1x1 stride-2 convolution computed after
// it. `a + biasA` moves into a's call, the rest into b's: two fused calls,
// no elementwise loop. Same bits as conv-epilogues=false (one and two
// threads, AVX-512 and AVX2 paths), and NumPy's float64 convolution within
// float32 rounding.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/residual_bias_split.py write %t
// RUN: compress-run %t/block.mlir --threads=1 --input %t/x.npy --output %t/fused1.npy --quiet
// RUN: compress-run %t/block.mlir --threads=2 --input %t/x.npy --output %t/fused2.npy --quiet
// RUN: compress-run %t/block.mlir --threads=1 --lower-options=cpu=avx2 --input %t/x.npy --output %t/avx2.npy --quiet
// RUN: compress-run %t/block.mlir --threads=1 --lower-options=conv-epilogues=false --input %t/x.npy --output %t/off.npy --quiet
// RUN: %python %S/Inputs/residual_bias_split.py check %t | FileCheck %s
// CHECK: ok: fused1 fused2 avx2 identical to off
// CHECK: ok: off equals numpy within rounding
// RUN: compress-opt %t/block.mlir --compress-lower-to-cpu="cpu=avx512 threads=1" | FileCheck %s --check-prefix=LOWERED
// LOWERED-NOT: compress_cpu_conv2d_nchw_f32(
// LOWERED-COUNT-2: llvm.call @compress_cpu_conv2d_nchw_f32_{{fused|padded}}(
// LOWERED-NOT: compress_cpu_conv2d_nchw_f32
// The block is written by Inputs/residual_bias_split.py (random weights).
