// RUN: compress-opt %s --compress-managed-host-buffers | FileCheck %s

// Host allocations move to managed memory (gpu.alloc host_shared, static and
// dynamic sizes kept); deallocations become a gpu.dealloc on a stream
// between two waits. Stack allocations and code in GPU modules stay.
module attributes {gpu.container_module} {
  // CHECK-LABEL: func.func @host_buffers
  // CHECK-SAME: (%[[N:.*]]: index)
  // CHECK-NOT: memref.alloc()
  // CHECK: %[[A:.*]] = gpu.alloc host_shared () : memref<8xi8>
  // CHECK-NEXT: %[[B:.*]] = gpu.alloc host_shared (%[[N]]) : memref<4x?xf32>
  // CHECK-NEXT: %{{.*}} = memref.alloca() : memref<2xf32>
  // CHECK-NEXT: %[[READY:.*]] = gpu.wait async
  // CHECK-NEXT: %[[FREED:.*]] = gpu.dealloc async [%[[READY]]] %[[A]] : memref<8xi8>
  // CHECK-NEXT: gpu.wait [%[[FREED]]]
  // CHECK-NEXT: return %[[B]] : memref<4x?xf32>
  func.func @host_buffers(%n: index) -> memref<4x?xf32> {
    %a = memref.alloc() : memref<8xi8>
    %b = memref.alloc(%n) : memref<4x?xf32>
    %s = memref.alloca() : memref<2xf32>
    memref.dealloc %a : memref<8xi8>
    return %b : memref<4x?xf32>
  }

  // CHECK-LABEL: gpu.module @kernels
  // CHECK: gpu.func @kernel() kernel
  // CHECK-NEXT: %[[T:.*]] = memref.alloc() : memref<4xf32>
  // CHECK-NEXT: memref.dealloc %[[T]] : memref<4xf32>
  // CHECK-NOT: gpu.alloc
  // CHECK-NOT: gpu.dealloc
  // CHECK: gpu.return
  gpu.module @kernels {
    gpu.func @kernel() kernel {
      %t = memref.alloc() : memref<4xf32>
      memref.dealloc %t : memref<4xf32>
      gpu.return
    }
  }
}
