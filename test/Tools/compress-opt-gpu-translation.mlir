// compress-opt registers the GPU-to-LLVM-IR translations, as mlir-opt does,
// so upstream's NVVM pipeline can serialize GPU modules (PTX text here; no
// CUDA Toolkit needed).
// RUN: compress-opt %s --gpu-kernel-outlining \
// RUN:   --gpu-lower-to-nvvm-pipeline="cubin-chip=sm_90 cubin-features=+ptx80 cubin-format=isa" \
// RUN:   | FileCheck %s
// CHECK: gpu.binary @f_kernel
// CHECK-SAME: .entry f_kernel
func.func @f(%a: memref<4xf32>) {
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%x = %c1, %y = %c1, %z = %c1)
             threads(%tx, %ty, %tz) in (%u = %c1, %v = %c1, %w = %c1) {
    %c0 = arith.constant 0 : index
    %one = arith.constant 1.0 : f32
    memref.store %one, %a[%c0] : memref<4xf32>
    gpu.terminator
  }
  return
}
