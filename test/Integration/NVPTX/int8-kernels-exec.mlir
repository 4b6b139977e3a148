// The integer kernels of the CPU tests, run on the GPU and checked against
// the same expected integers: gen_int8_tests.py's exact numpy emulation
// (test/Integration/CPU/int8). Equal integers on both paths is the contract
// for integer kernels: dp4a, the register accumulation and the 64-bit
// fixed-point requantization must reproduce the CPU's arithmetic exactly.
//
// REQUIRES: cuda-gpu
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/matmul.mlir --compress-fuse-qdq \
// RUN:   --compress-lower-to-nvptx=chip=%cuda_chip | %run_gpu \
// RUN:   | FileCheck %compress_src_root/test/Integration/CPU/int8/matmul.mlir \
// RUN:     --check-prefixes=CHECK,FIXED --allow-unused-prefixes
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/matmul.mlir --compress-fuse-qdq=rounding=float \
// RUN:   --compress-lower-to-nvptx=chip=%cuda_chip | %run_gpu \
// RUN:   | FileCheck %compress_src_root/test/Integration/CPU/int8/matmul.mlir \
// RUN:     --check-prefixes=CHECK,FLOAT --allow-unused-prefixes
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/conv.mlir --compress-fuse-qdq \
// RUN:   --compress-lower-to-nvptx=chip=%cuda_chip | %run_gpu \
// RUN:   | FileCheck %compress_src_root/test/Integration/CPU/int8/conv.mlir \
// RUN:     --check-prefixes=CHECK,FIXED --allow-unused-prefixes
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/conv.mlir --compress-fuse-qdq=rounding=float \
// RUN:   --compress-lower-to-nvptx=chip=%cuda_chip | %run_gpu \
// RUN:   | FileCheck %compress_src_root/test/Integration/CPU/int8/conv.mlir \
// RUN:     --check-prefixes=CHECK,FLOAT --allow-unused-prefixes
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/add-pool.mlir --compress-fuse-qdq \
// RUN:   --compress-lower-to-nvptx=chip=%cuda_chip | %run_gpu \
// RUN:   | FileCheck %compress_src_root/test/Integration/CPU/int8/add-pool.mlir \
// RUN:     --check-prefixes=CHECK,FIXED --allow-unused-prefixes
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/negative-clamp.mlir --compress-fuse-qdq \
// RUN:   --compress-lower-to-nvptx=chip=%cuda_chip | %run_gpu \
// RUN:   | FileCheck %compress_src_root/test/Integration/CPU/int8/negative-clamp.mlir \
// RUN:     --check-prefixes=CHECK,FIXED --allow-unused-prefixes
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/requantize-edge-cases.mlir --compress-fuse-qdq \
// RUN:   --compress-lower-to-nvptx=chip=%cuda_chip | %run_gpu \
// RUN:   | FileCheck %compress_src_root/test/Integration/CPU/int8/requantize-edge-cases.mlir
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/mlp-end-to-end.mlir \
// RUN:   --compress-quantize-weights --compress-fuse-qdq \
// RUN:   --compress-lower-to-nvptx=chip=%cuda_chip | %run_gpu \
// RUN:   | FileCheck %compress_src_root/test/Integration/CPU/int8/mlp-end-to-end.mlir \
// RUN:     --check-prefixes=CHECK,FIXED --allow-unused-prefixes
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/mlp-end-to-end.mlir \
// RUN:   --compress-quantize-weights --compress-fuse-qdq=rounding=float \
// RUN:   --compress-lower-to-nvptx=chip=%cuda_chip | %run_gpu \
// RUN:   | FileCheck %compress_src_root/test/Integration/CPU/int8/mlp-end-to-end.mlir \
// RUN:     --check-prefixes=CHECK,FLOAT --allow-unused-prefixes
// The lines above use tensor cores (mma.sync) for the matmuls with M, N >= 32
// and dp4a for the rest; without tensor cores, dp4a computes the same integers.
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/matmul.mlir --compress-fuse-qdq \
// RUN:   --compress-lower-to-nvptx="chip=%cuda_chip tensor-cores=false" | %run_gpu \
// RUN:   | FileCheck %compress_src_root/test/Integration/CPU/int8/matmul.mlir \
// RUN:     --check-prefixes=CHECK,FIXED --allow-unused-prefixes
