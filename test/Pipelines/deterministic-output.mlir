// The same input compiles to the same output: one-shot bufferization names
// and orders the globals of constants by pointer values (fixed by
// compress-order-constant-globals) and GPU serialization records compile
// times (dropped by compress-serialize-gpu-modules). Three compilations each,
// of a file with several functions that do not call each other.
//
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/matmul.mlir --compress-fuse-qdq \
// RUN:   --compress-lower-to-cpu -o %t.cpu1
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/matmul.mlir --compress-fuse-qdq \
// RUN:   --compress-lower-to-cpu -o %t.cpu2
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/matmul.mlir --compress-fuse-qdq \
// RUN:   --compress-lower-to-cpu -o %t.cpu3
// RUN: diff %t.cpu1 %t.cpu2
// RUN: diff %t.cpu1 %t.cpu3
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/matmul.mlir --compress-fuse-qdq \
// RUN:   --compress-lower-to-nvptx=chip=sm_80 -o %t.gpu1
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/matmul.mlir --compress-fuse-qdq \
// RUN:   --compress-lower-to-nvptx=chip=sm_80 -o %t.gpu2
// RUN: compress-opt %compress_src_root/test/Integration/CPU/int8/matmul.mlir --compress-fuse-qdq \
// RUN:   --compress-lower-to-nvptx=chip=sm_80 -o %t.gpu3
// RUN: diff %t.gpu1 %t.gpu2
// RUN: diff %t.gpu1 %t.gpu3
// RUN: FileCheck %s --input-file=%t.gpu1

// CHECK-NOT: TimeInMs
