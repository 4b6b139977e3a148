// Float and mixed programs on the GPU: the CPU pipeline's own test program
// (an i8 x i8 -> i32 matmul computed by hand, elementwise ops on a dynamic
// shape), checked against its expected values, and the float MLP of the
// weight-quantization test, checked against numpy within the CPU test's
// tolerance, float and with quantized weights.
//
// REQUIRES: cuda-gpu, numpy
// RUN: compress-opt %compress_src_root/test/Pipelines/lower-to-cpu.mlir \
// RUN:   --compress-lower-to-nvptx=chip=%cuda_chip | %run_gpu \
// RUN:   | FileCheck %compress_src_root/test/Pipelines/lower-to-cpu.mlir --check-prefix=EXEC
// RUN: compress-opt %compress_src_root/test/Integration/CPU/mlp-quantized-weights.mlir \
// RUN:   --compress-lower-to-nvptx=chip=%cuda_chip | %run_gpu > %t.float
// RUN: %python %compress_src_root/test/Integration/CPU/check_close.py close %t.float \
// RUN:   --expected %compress_src_root/test/Integration/CPU/Inputs/mlp-quantized-weights.json \
// RUN:   --key float --rtol 0.0001 --atol 0.0001
// RUN: compress-opt %compress_src_root/test/Integration/CPU/mlp-quantized-weights.mlir \
// RUN:   --compress-quantize-weights --compress-lower-to-nvptx=chip=%cuda_chip | %run_gpu > %t.quantized
// RUN: %python %compress_src_root/test/Integration/CPU/check_close.py close %t.quantized \
// RUN:   --expected %compress_src_root/test/Integration/CPU/Inputs/mlp-quantized-weights.json \
// RUN:   --key quantized --rtol 0.0001 --atol 0.0001
