// Execution test of exact integer batched GEMMs of two 8-bit activations
// with zero points (the generic compress-fuse-qdq makes of attention's
// batched matmuls; A and B signed or unsigned, B indexed (b, k, n) or
// (b, n, k)) through the library's compress_cpu_igemm_batched, every kernel
// path forced with cpu=..., one and two threads, against numpy exactly.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu portable bgemm-int8 | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu avx2 bgemm-int8 | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu avx512-vnni bgemm-int8 | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu amx bgemm-int8 | FileCheck %s
// RUN: %python %S/check_kernels.py --compress-run compress-run --compress-opt compress-opt --out %t --cpu avx512-vnni --threads 2 bgemm-int8 | FileCheck %s
// CHECK-NOT: FAIL
// CHECK-COUNT-8: ok bgemm-int8-
