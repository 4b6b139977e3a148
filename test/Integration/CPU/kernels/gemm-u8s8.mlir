// Execution test of the CPU kernel library's gemm-u8s8 kernels through
// compress-cpu-select-kernels / compress-cpu-lower-kernels, every kernel
// path forced with cpu=..., against numpy (check_kernels.py: integers
// exactly, floats within 1e-5 of the sum of |products|). A path the CPU
// running the test lacks falls back at run time to one it has.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu portable gemm-u8s8 | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu avx2 gemm-u8s8 | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu avx512-vnni gemm-u8s8 | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu amx gemm-u8s8 | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu amx --threads 2 gemm-u8s8 | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: ok gemm-u8s8-
