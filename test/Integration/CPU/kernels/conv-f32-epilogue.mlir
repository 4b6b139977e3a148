// Execution test of the f32 convolution kernels with their elementwise
// epilogue in the call (compress-cpu-lower-kernels' fuse-epilogues): every
// CONV_SHAPES convolution of check_kernels.py started from a constant fill and
// followed by a bias (per channel or constant), a residual (with NaNs) and
// clamps, in the forms the lowering fuses; most inputs padded by
// tensor.pad, which the fused call pads itself (per image, or per plane). Each kernel path forced with
// cpu=...; against numpy, and bit for bit against conv-epilogues=false.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu portable conv-f32-epilogue | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu avx2 conv-f32-epilogue | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu avx512 conv-f32-epilogue | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu avx512 --threads 2 conv-f32-epilogue | FileCheck %s
// CHECK-NOT: FAIL
// CHECK-COUNT-13: ok conv-f32-epilogue
