// Execution test of the CPU kernel library's conv-f32 kernels through
// compress-cpu-select-kernels / compress-cpu-lower-kernels, every kernel
// path forced with cpu=..., against numpy (check_kernels.py: integers
// exactly, floats within 1e-5 of the sum of |products|). A path the CPU
// running the test lacks falls back at run time to one it has.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu portable conv-f32 | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu avx2 conv-f32 | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu avx512 conv-f32 | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu avx512 --threads 2 conv-f32 | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: ok conv-f32-
