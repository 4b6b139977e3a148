// format=bin assembles each GPU module with the CUDA Toolkit's ptxas into a
// cubin inside gpu.binary (loaded with mgpuModuleLoad); format=fatbin wraps
// it with fatbinary. dump-ptx still writes the PTX that was assembled.
//
// REQUIRES: ptxas
// RUN: rm -rf %t
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_90 format=bin toolkit=%cuda_root dump-ptx=%t" \
// RUN:   | FileCheck %s --check-prefix=BIN
// RUN: FileCheck %s --check-prefix=PTX < %t/matmul_k1_dp4a.ptx
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_90 format=bin toolkit=%cuda_root" \
// RUN:   | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LOAD
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_80 format=fatbin toolkit=%cuda_root" \
// RUN:   | FileCheck %s --check-prefix=FATBIN

// The serializer's compile times are dropped, so output depends on input only.
// BIN: gpu.binary @matmul_k1_dp4a [#gpu.object<#nvvm.target<O = 3, chip = "sm_90">, bin = "\7FELF
// PTX: .target sm_90
// PTX: dp4a.s32.s32
// LOAD: call ptr @mgpuModuleLoad(ptr @matmul_k1_dp4a_binary, i64
// FATBIN: gpu.binary @matmul_k1_dp4a [#gpu.object<#nvvm.target<O = 3, chip = "sm_80">, "

func.func @matmul(%a: tensor<8x32xi8>, %b: tensor<32x8xi8>) -> tensor<8x8xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<8x8xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<8x8xi32>) -> tensor<8x8xi32>
  %r = linalg.matmul ins(%a, %b : tensor<8x32xi8>, tensor<32x8xi8>)
         outs(%f : tensor<8x8xi32>) -> tensor<8x8xi32>
  return %r : tensor<8x8xi32>
}
