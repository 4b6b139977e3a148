// The runtime library's calls that models lowered by --compress-lower-to-nvptx
// do not make: device allocation, memset and memcpy on streams, joining two
// streams (events), an async launch, and loading a cubin or fatbin (with
// mgpuModuleLoad) instead of PTX. The program uses gpu ops directly, which
// the model pipeline does not take as input, so it is lowered by upstream's
// gpu-lower-to-nvvm-pipeline. The kernel adds two device buffers set to 7
// and 100 to the thread index.
//
// REQUIRES: cuda-gpu, ptxas
// RUN: mlir-opt %s --gpu-lower-to-nvvm-pipeline="cubin-chip=%cuda_chip cubin-features= cubin-format=isa" \
// RUN:   | %run_gpu | FileCheck %s
// RUN: mlir-opt %s --gpu-lower-to-nvvm-pipeline="cubin-chip=%cuda_chip cubin-features= cubin-format=bin" \
// RUN:   | %run_gpu | FileCheck %s
// RUN: mlir-opt %s --gpu-lower-to-nvvm-pipeline="cubin-chip=%cuda_chip cubin-features= cubin-format=fatbin" \
// RUN:   | %run_gpu | FileCheck %s

// CHECK: [107, 108, 109, 110, 111, 112, 113, 114]

func.func private @printMemrefI32(memref<*xi32>)

func.func @main() {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %seven = arith.constant 7 : i32
  %hundred = arith.constant 100 : i32
  %host = memref.alloc() : memref<8xi32>

  %s0 = gpu.wait async
  %a, %a_ready = gpu.alloc async [%s0] () : memref<8xi32>
  %a_set = gpu.memset async [%a_ready] %a, %seven : memref<8xi32>, i32
  %s1 = gpu.wait async
  %b, %b_ready = gpu.alloc async [%s1] () : memref<8xi32>
  %b_set = gpu.memset async [%b_ready] %b, %hundred : memref<8xi32>, i32
  %both = gpu.wait async [%a_set, %b_set]

  %done = gpu.launch async [%both] blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%nx = %c8, %ny = %c1, %nz = %c1) {
    %x = memref.load %a[%tx] : memref<8xi32>
    %y = memref.load %b[%tx] : memref<8xi32>
    %t = arith.index_cast %tx : index to i32
    %xy = arith.addi %x, %y : i32
    %sum = arith.addi %xy, %t : i32
    memref.store %sum, %a[%tx] : memref<8xi32>
    gpu.terminator
  }
  %copied = gpu.memcpy async [%done] %host, %a : memref<8xi32>, memref<8xi32>
  %a_freed = gpu.dealloc async [%copied] %a : memref<8xi32>
  %b_freed = gpu.dealloc async [%a_freed] %b : memref<8xi32>
  gpu.wait [%b_freed]

  %u = memref.cast %host : memref<8xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  memref.dealloc %host : memref<8xi32>
  return
}
