// The C API (include/compress-c, libCompressCAPI.so) from a C program built
// with cc: the dialect handle, the pass registration, a compress op parsed
// and lowered by a compress pass.
// REQUIRES: capi
// RUN: rm -rf %t && mkdir -p %t
// RUN: cc -std=c11 -Wall -Werror -I%compress_src_root/include -I%mlir_include_dir \
// RUN:   -o %t/capi %S/capi.c -L%compress_obj_root/lib -lCompressCAPI \
// RUN:   -Wl,-rpath,%compress_obj_root/lib
// RUN: %t/capi | FileCheck %s
// RUN: ldd %compress_obj_root/lib/libCompressCAPI.so | FileCheck %s --check-prefix=DEPS

// CHECK: compress.quantize %{{.*}} : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK: // -----
// CHECK-NOT: compress.quantize
// CHECK: linalg.generic
// CHECK: arith.fptosi
// CHECK: no-such-pass
// CHECK: // unknown pass rejected: 1

// One copy of MLIR: the shared library.
// DEPS: libMLIR.so
