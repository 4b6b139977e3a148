// The done-when of the GPU path: int8 models lower with
// --compress-lower-to-nvptx for sm_80 and sm_90 to PTX whose matmul and
// convolution kernels use dp4a and that ptxas assembles.
//
//  1. An MLP (8 -> 16 -> 3) calibrated on committed samples with i8
//     activations (NVIDIA multiplies s8 by s8), weights quantized, fused.
//  2. The hand-quantized MLP of the CPU tests (u8 activations): dp4a takes
//     u8 x s8 too.
//  3. A CNN through compress-ptq with i8 activations: two convolutions and
//     two matmuls. The first convolution has one input channel and a 3x3
//     window, too small for dp4a; the other three use it.
//
// REQUIRES: ptxas
// RUN: rm -rf %t && mkdir -p %t
// RUN: compress-opt %compress_src_root/test/Integration/CPU/calibration/Inputs/mlp.mlir \
// RUN:   --compress-insert-observers \
// RUN:   --compress-calibrate="data=%compress_src_root/test/Integration/CPU/calibration/samples" \
// RUN:   --compress-fold-calibration=activation-type=i8 \
// RUN:   --compress-quantize-weights --compress-fuse-qdq -o %t/mlp.int8.mlir
// RUN: compress-opt %t/mlp.int8.mlir --compress-lower-to-nvptx="chip=sm_80 dump-ptx=%t/mlp80" -o /dev/null
// RUN: compress-opt %t/mlp.int8.mlir --compress-lower-to-nvptx="chip=sm_90 dump-ptx=%t/mlp90" -o /dev/null
// RUN: cat %t/mlp80/mlp_k*_dp4a.ptx | FileCheck %s --check-prefixes=MLP,MLP80
// RUN: cat %t/mlp90/mlp_k*_dp4a.ptx | FileCheck %s --check-prefixes=MLP,MLP90
// RUN: %python %compress_src_root/test/Pipelines/nvptx/assemble_ptx.py %ptxas sm_80 %t/mlp80 \
// RUN:   | FileCheck %s --check-prefix=MLP-ASM80
// RUN: %python %compress_src_root/test/Pipelines/nvptx/assemble_ptx.py %ptxas sm_90 %t/mlp90 \
// RUN:   | FileCheck %s --check-prefix=MLP-ASM90
//
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/mlp-end-to-end.mlir \
// RUN:   --compress-quantize-weights --compress-fuse-qdq \
// RUN:   --compress-lower-to-nvptx="chip=sm_90 dump-ptx=%t/u8" -o /dev/null
// RUN: cat %t/u8/mlp_k*_dp4a.ptx | FileCheck %s --check-prefix=U8
// RUN: %python %compress_src_root/test/Pipelines/nvptx/assemble_ptx.py %ptxas sm_90 %t/u8 \
// RUN:   | FileCheck %s --check-prefix=U8-ASM
//
// RUN: compress-opt %compress_src_root/test/Integration/CPU/ptq/Inputs/cnn.mlir \
// RUN:   --compress-ptq="data=%compress_src_root/test/Integration/CPU/ptq/samples activation-type=i8 lower=false" \
// RUN:   -o %t/cnn.int8.mlir 2>/dev/null
// RUN: compress-opt %t/cnn.int8.mlir --compress-lower-to-nvptx="chip=sm_80 dump-ptx=%t/cnn80" -o /dev/null
// RUN: compress-opt %t/cnn.int8.mlir --compress-lower-to-nvptx="chip=sm_90 dump-ptx=%t/cnn90" -o /dev/null
// RUN: cat %t/cnn90/cnn_k*_dp4a.ptx | FileCheck %s --check-prefix=CNN
// RUN: cat %t/cnn90/cnn_k*_reduction.ptx | FileCheck %s --check-prefix=CNN-SCALAR
// RUN: %python %compress_src_root/test/Pipelines/nvptx/assemble_ptx.py %ptxas sm_80 %t/cnn80 \
// RUN:   | FileCheck %s --check-prefix=CNN-ASM80
// RUN: %python %compress_src_root/test/Pipelines/nvptx/assemble_ptx.py %ptxas sm_90 %t/cnn90 \
// RUN:   | FileCheck %s --check-prefix=CNN-ASM90

// Both layers: K = 8 (two dp4a) and K = 16 (four), signed x signed.
// MLP80: .target sm_80
// MLP90: .target sm_90
// MLP: .visible .entry mlp_k{{[0-9]+}}_dp4a(
// MLP-COUNT-2: dp4a.s32.s32
// MLP-NOT: dp4a.{{[su]}}32
// MLP: .visible .entry mlp_k{{[0-9]+}}_dp4a(
// MLP-COUNT-4: dp4a.s32.s32
// MLP-NOT: dp4a.{{[su]}}32
// MLP-NOT: .entry
// MLP-ASM80: assembled 7 PTX files for sm_80
// MLP-ASM90: assembled 7 PTX files for sm_90

// u8 activations x s8 weights: K = 16 then K = 32.
// U8: .visible .entry mlp_k{{[0-9]+}}_dp4a(
// U8-COUNT-4: dp4a.u32.s32
// U8: .visible .entry mlp_k{{[0-9]+}}_dp4a(
// U8-COUNT-8: dp4a.u32.s32
// U8-NOT: .entry
// U8-ASM: assembled {{[0-9]+}} PTX files for sm_90

// CNN: .visible .entry cnn_k{{[0-9]+}}_dp4a(
// CNN: dp4a.s32.s32
// CNN: .visible .entry cnn_k{{[0-9]+}}_dp4a(
// CNN: dp4a.s32.s32
// CNN: .visible .entry cnn_k{{[0-9]+}}_dp4a(
// CNN: dp4a.s32.s32
// CNN-NOT: .entry
// CNN-SCALAR: .visible .entry cnn_k{{[0-9]+}}_reduction(
// CNN-SCALAR-NOT: .entry
// CNN-ASM80: assembled 13 PTX files for sm_80
// CNN-ASM90: assembled 13 PTX files for sm_90
