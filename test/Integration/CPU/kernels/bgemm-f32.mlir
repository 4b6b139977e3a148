// Execution test of batched f32 GEMMs (linalg.batch_matmul, and the generic
// with B indexed (b, n, k) that attention's q @ k^T becomes) through the
// library's compress_cpu_sgemm_batched, every kernel path forced with
// cpu=..., one and two threads, against numpy (check_kernels.py: within
// 1e-5 of the sum of |products|).
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu portable bgemm-f32 | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu avx2 bgemm-f32 | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu avx512 bgemm-f32 | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu avx512 --threads 2 bgemm-f32 | FileCheck %s
// CHECK-NOT: FAIL
// CHECK-COUNT-8: ok bgemm-f32-
