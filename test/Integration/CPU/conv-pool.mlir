// Execution test of the convolution-pooling fusion in
// compress-cpu-lower-kernels: an f32 convolution with its epilogue whose
// output only a max pooling reads becomes one call,
// compress_cpu_conv2d_pool_nchw_f32, that pools a few images at a time
// from a buffer in cache (the convolution's output is never written out).
// Three such blocks (a padded 3x3 convolution and 2x2 pooling on 13 images;
// a 7x7 stride-2 stem and a 3x3 pooling padded with -inf; 16 channels into
// 32 filters, ReLU6 and 2x2 pooling, pooled on AVX-512 before the epilogue)
// and one whose convolution output is also returned (not fused). Same bits as
// conv-epilogues=false (one and two threads, AVX-512 and AVX2 paths), and
// NumPy's float64 evaluation within float32 rounding.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/conv_pool.py write %t
// RUN: compress-run %t/net.mlir --threads=1 --input %t/x.npy --input %t/s.npy --input %t/y.npy --output %t/fused10.npy --output %t/fused11.npy --output %t/fused12.npy --output %t/fused13.npy --output %t/fused14.npy --quiet
// RUN: compress-run %t/net.mlir --threads=2 --input %t/x.npy --input %t/s.npy --input %t/y.npy --output %t/fused20.npy --output %t/fused21.npy --output %t/fused22.npy --output %t/fused23.npy --output %t/fused24.npy --quiet
// RUN: compress-run %t/net.mlir --threads=1 --lower-options=cpu=avx2 --input %t/x.npy --input %t/s.npy --input %t/y.npy --output %t/avx20.npy --output %t/avx21.npy --output %t/avx22.npy --output %t/avx23.npy --output %t/avx24.npy --quiet
// RUN: compress-run %t/net.mlir --threads=1 --lower-options=conv-epilogues=false --input %t/x.npy --input %t/s.npy --input %t/y.npy --output %t/off0.npy --output %t/off1.npy --output %t/off2.npy --output %t/off3.npy --output %t/off4.npy --quiet
// RUN: %python %S/Inputs/conv_pool.py check %t | FileCheck %s
// CHECK: ok: fused1 fused2 avx2 identical to off
// CHECK: ok: off equals numpy within rounding
// RUN: compress-opt %t/net.mlir --compress-lower-to-cpu="cpu=avx512 threads=1" | FileCheck %s --check-prefix=LOWERED
// LOWERED-COUNT-2: llvm.call @compress_cpu_conv2d_pool_nchw_f32(
// LOWERED: llvm.call @compress_cpu_conv2d_nchw_f32_padded(
// LOWERED: llvm.call @compress_cpu_pool2d_nchw_f32(
// LOWERED: llvm.call @compress_cpu_conv2d_pool_nchw_f32(
// LOWERED-NOT: llvm.call @compress_cpu_{{.*}}pool
// The program is written by Inputs/conv_pool.py (random weights).
