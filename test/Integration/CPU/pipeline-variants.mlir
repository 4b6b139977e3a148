// Differential test: one program, every CPU pipeline variant, the same
// results. The PTQ test CNN (convolution, pooling, dense layers) with its
// weights quantized to 8 and to 4 bits (dequantized in the program; a 4-bit
// model once went wrong only when vectorized), to 4 and 3 bits in groups of
// 4 input channels (w4g, w3g), and with compress-ptq's
// integer kernels runs with the kernel library (default, portable path, AVX2
// path, two threads, with and without the generated loops on both threads),
// without it (microkernels=false), with and without vectorized
// loops, and with its buffers malloc'd instead of placed in the arena
// (arena=false), and with 4-bit weights stored one per byte instead of two
// (pack-int4=false: the int8 model with 4-bit weights, int8w4, runs the
// 4-bit kernels otherwise, and the float models' 4- and 3-bit constants,
// w4, w4g and w3g, are dequantized from nibble pairs), and with the
// functions of one byte computed rather than looked up in tables
// (table-lookup=false), and one image at a time (batch-chunk=1, on one and
// on two threads: compress-split-batch). Integer programs must print
// identical values; float ones agree
// with the plain loops (vectorize=false, microkernels=false) within 1e-5
// relative (summation order differs) plus 1e-6.
//
// REQUIRES: mlir-runner
// RUN: rm -rf %t && mkdir -p %t
// RUN: compress-opt %S/ptq/Inputs/cnn.mlir --compress-quantize-weights=bits=8 -o %t/w8.mlir
// RUN: compress-opt %S/ptq/Inputs/cnn.mlir --compress-quantize-weights=bits=4 -o %t/w4.mlir
// RUN: compress-opt %S/ptq/Inputs/cnn.mlir --compress-quantize-weights="bits=4 group-size=4" \
// RUN:   -o %t/w4g.mlir 2>/dev/null
// RUN: compress-opt %S/ptq/Inputs/cnn.mlir --compress-quantize-weights="bits=3 group-size=4" \
// RUN:   -o %t/w3g.mlir 2>/dev/null
// RUN: compress-opt %S/ptq/Inputs/cnn.mlir \
// RUN:   --compress-ptq="data=%S/ptq/samples activation-type=i8 lower=false" -o %t/int8.mlir 2>/dev/null
// RUN: compress-opt %S/ptq/Inputs/cnn.mlir \
// RUN:   --compress-ptq="data=%S/ptq/samples activation-type=i8 weight-bits=4 lower=false" -o %t/int8w4.mlir 2>/dev/null
//
// RUN: %python %s.py %t %python %S/check_close.py | FileCheck %s
// CHECK-COUNT-72: check_close.py: ok:
// CHECK-NOT: mismatch
