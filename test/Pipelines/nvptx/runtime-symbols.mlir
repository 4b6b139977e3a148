// Every mgpu* function MLIR's gpu-to-llvm lowering can call (modules, plain
// and cluster launches, streams, events, allocation, copies, fills, host
// registration, the default device) is defined by the runtime library,
// checked by name against runtime/CudaRuntime.cpp without building or
// loading it.
//
// RUN: compress-opt %s --gpu-to-llvm --convert-func-to-llvm --reconcile-unrealized-casts \
// RUN:   | mlir-translate --mlir-to-llvmir -o %t.ll
// RUN: %python %S/check_runtime_symbols.py %t.ll %compress_src_root/runtime/CudaRuntime.cpp \
// RUN:   | FileCheck %s
// CHECK: runtime defines: mgpuEventCreate mgpuEventDestroy mgpuEventRecord
// CHECK-SAME: mgpuLaunchClusterKernel mgpuLaunchKernel mgpuMemAlloc mgpuMemFree
// CHECK-SAME: mgpuMemHostRegisterMemRef mgpuMemHostUnregisterMemRef mgpuMemcpy
// CHECK-SAME: mgpuMemset16 mgpuMemset32 mgpuModuleGetFunction mgpuModuleLoad
// CHECK-SAME: mgpuModuleUnload mgpuSetDefaultDevice mgpuStreamCreate
// CHECK-SAME: mgpuStreamDestroy mgpuStreamSynchronize mgpuStreamWaitEvent

module attributes {gpu.container_module} {
  gpu.binary @kernels [#gpu.object<#nvvm.target, "">]
  func.func @host(%x: memref<4xi32>, %u: memref<*xi32>) {
    %c1 = arith.constant 1 : index
    %c0i = arith.constant 0 : i32
    %c0s = arith.constant 0 : i16
    gpu.host_register %u : memref<*xi32>
    gpu.host_unregister %u : memref<*xi32>
    %t0 = gpu.wait async
    %m, %t1 = gpu.alloc async [%t0] () : memref<4xi32>
    %t2 = gpu.memcpy async [%t1] %m, %x : memref<4xi32>, memref<4xi32>
    %t3 = gpu.memset async [%t2] %m, %c0i : memref<4xi32>, i32
    %h, %t4 = gpu.alloc async [%t3] () : memref<4xi16>
    %t5 = gpu.memset async [%t4] %h, %c0s : memref<4xi16>, i16
    %t6 = gpu.launch_func async [%t5] @kernels::@kern blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<4xi32>)
    %t7 = gpu.wait async [%t6]
    %t8 = gpu.wait async [%t6, %t7]
    %t9 = gpu.dealloc async [%t8] %m : memref<4xi32>
    %t10 = gpu.dealloc async [%t9] %h : memref<4xi16>
    gpu.wait [%t10]
    gpu.launch_func @kernels::@kern clusters in (%c1, %c1, %c1) blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<4xi32>)
    %s = gpu.alloc host_shared () : memref<4xi32>
    %c0 = arith.constant 0 : i32
    gpu.set_default_device %c0
    return
  }
}
