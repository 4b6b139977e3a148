// Whole int8 models on the GPU print exactly what the CPU path prints: the
// calibrated MLP and the compress-ptq CNN, both with i8 activations (the
// models of mlp-int8-ptx.mlir, whose kernels use dp4a). The CPU path is
// checked against numpy in test/Integration/CPU; the outputs are
// dequantized floats computed from identical integers by identically
// rounded float operations (the device code does not contract into fma).
//
// REQUIRES: cuda-gpu
// RUN: rm -rf %t && mkdir -p %t
// RUN: compress-opt %compress_src_root/test/Integration/CPU/calibration/Inputs/mlp.mlir \
// RUN:   --compress-insert-observers \
// RUN:   --compress-calibrate="data=%compress_src_root/test/Integration/CPU/calibration/samples" \
// RUN:   --compress-fold-calibration=activation-type=i8 \
// RUN:   --compress-quantize-weights --compress-fuse-qdq -o %t/mlp.int8.mlir
// RUN: compress-opt %t/mlp.int8.mlir --compress-lower-to-cpu | %run_cpu > %t/mlp.cpu.txt
// RUN: compress-opt %t/mlp.int8.mlir --compress-lower-to-nvptx=chip=%cuda_chip | %run_gpu > %t/mlp.gpu.txt
// RUN: FileCheck %s --check-prefix=PRINTED < %t/mlp.gpu.txt
// RUN: grep -v base@ %t/mlp.cpu.txt > %t/mlp.cpu.values
// RUN: grep -v base@ %t/mlp.gpu.txt > %t/mlp.gpu.values
// RUN: diff %t/mlp.cpu.values %t/mlp.gpu.values
//
// RUN: compress-opt %compress_src_root/test/Integration/CPU/ptq/Inputs/cnn.mlir \
// RUN:   --compress-ptq="data=%compress_src_root/test/Integration/CPU/ptq/samples activation-type=i8 lower=false" \
// RUN:   -o %t/cnn.int8.mlir 2>/dev/null
// RUN: compress-opt %t/cnn.int8.mlir --compress-lower-to-cpu | %run_cpu > %t/cnn.cpu.txt
// RUN: compress-opt %t/cnn.int8.mlir --compress-lower-to-nvptx=chip=%cuda_chip | %run_gpu > %t/cnn.gpu.txt
// RUN: FileCheck %s --check-prefix=PRINTED < %t/cnn.gpu.txt
// RUN: grep -v base@ %t/cnn.cpu.txt > %t/cnn.cpu.values
// RUN: grep -v base@ %t/cnn.gpu.txt > %t/cnn.gpu.values
// RUN: diff %t/cnn.cpu.values %t/cnn.gpu.values

// Something was printed, so that two empty outputs cannot compare equal
// (the lines compared leave out the buffers' addresses).
// PRINTED: Unranked Memref base@ = {{.*}} rank = 2 {{.*}} data =
// PRINTED-NEXT: [
