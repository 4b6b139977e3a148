// The host side of --compress-lower-to-nvptx: one launch per linalg op,
// buffers in managed memory, weights inside the GPU module, constant call
// arguments copied, dynamic shapes sizing the grid at run time, and LLVM IR
// that needs only functions the runtime library defines.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_90 dump-ptx=%t/ptx" -o %t/host.mlir
// RUN: FileCheck %s --check-prefix=HOST < %t/host.mlir
// RUN: FileCheck %s --check-prefix=WEIGHTS < %t/ptx/layer_k1_dp4a.ptx
// RUN: FileCheck %s --check-prefix=MAIN < %t/ptx/main_k0_parallel.ptx
// RUN: mlir-translate --mlir-to-llvmir %t/host.mlir -o %t/host.ll
// RUN: FileCheck %s --check-prefix=LLVM < %t/host.ll
// RUN: %python %S/check_runtime_symbols.py %t/host.ll %compress_src_root/runtime/CudaRuntime.cpp \
// RUN:   | FileCheck %s --check-prefix=SYMBOLS

// A layer with constant weights: a fill kernel and a dp4a kernel, the output
// allocated in managed memory (mgpuMemAlloc's last argument, host_shared, is
// 1), and the weights a global of the kernel's GPU module, not an argument.
// HOST-LABEL: llvm.func @layer(
// HOST: %[[SHARED:.*]] = llvm.mlir.constant(1 : i8) : i8
// HOST: %[[OUT:.*]] = llvm.call @mgpuMemAlloc(%{{.*}}, %{{.*}}, %[[SHARED]])
// HOST: gpu.launch_func @layer_k0_parallel::@layer_k0_parallel
// HOST-SAME: threads in (%{{.*}}, %{{.*}}, %{{.*}}) : i64 args(%[[OUT]] : !llvm.ptr, %[[OUT]] : !llvm.ptr,
// HOST: gpu.launch_func @layer_k1_dp4a::@layer_k1_dp4a
// HOST-NOT: __constant_8x4xi8
// HOST: llvm.return
// WEIGHTS: .global .align 64 .b8 __constant_8x4xi8[32] = {1, 254, 3, 252,
func.func @layer(%x: tensor<2x8xi8>) -> tensor<2x4xi32> {
  %w = arith.constant dense<[[1, -2, 3, -4], [5, -6, 7, -8], [9, -10, 11, -12], [13, -14, 15, -16],
                             [17, -18, 19, -20], [21, -22, 23, -24], [25, -26, 27, -28], [29, -30, 31, -32]]> : tensor<8x4xi8>
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2x4xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<2x4xi32>) -> tensor<2x4xi32>
  %r = linalg.matmul ins(%x, %w : tensor<2x8xi8>, tensor<8x4xi8>) outs(%f : tensor<2x4xi32>) -> tensor<2x4xi32>
  return %r : tensor<2x4xi32>
}

// A dynamic size: the grid is ceil(n / 256) blocks (at least one), computed
// on the host.
// HOST-LABEL: llvm.func @relu(
// HOST-DAG: %[[C255:.*]] = llvm.mlir.constant(255 : index) : i64
// HOST-DAG: %[[C256:.*]] = llvm.mlir.constant(256 : index) : i64
// HOST-DAG: %[[C1:.*]] = llvm.mlir.constant(1 : index) : i64
// HOST: %[[UP:.*]] = llvm.add %{{.*}}, %[[C255]] : i64
// HOST: %[[DIV:.*]] = llvm.udiv %[[UP]], %[[C256]] : i64
// HOST: %[[GRID:.*]] = llvm.intr.umax(%[[DIV]], %[[C1]])
// HOST: gpu.launch_func @relu_k0_parallel::@relu_k0_parallel blocks in (%[[GRID]], %[[C1]], %[[C1]]) threads in (%[[C256]], %[[C1]], %[[C1]])
func.func @relu(%x: tensor<?xf32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// The constant input lives in the host image, which kernels cannot read:
// @main passes a copy in managed memory, and its own kernel, which reads the
// same constant, reads it from its GPU module (CSE must not merge that
// memref.get_global with the host's, which the copy still uses).
// HOST-LABEL: llvm.func @main()
// HOST: %[[INPUT:.*]] = llvm.mlir.addressof @__constant_2x8xi8
// HOST: %[[SRC:.*]] = llvm.getelementptr %[[INPUT]][0, 0, 0]
// HOST: %[[COPY:.*]] = llvm.call @mgpuMemAlloc(
// HOST: "llvm.intr.memcpy"(%[[COPY]], %[[SRC]], %{{.*}})
// HOST: llvm.call @layer(%[[COPY]], %[[COPY]],
// HOST: llvm.call @printMemrefI32(
// HOST: gpu.launch_func @main_k0_parallel::@main_k0_parallel
// HOST: llvm.call @mgpuMemFree(%[[COPY]],
// MAIN: .global .align 64 .b8 __constant_2x8xi8[16] = {1, 2, 3, 4, 5, 6, 7, 8, 255, 254,
func.func private @printMemrefI32(memref<*xi32>)
func.func @main() {
  %x = arith.constant dense<[[1, 2, 3, 4, 5, 6, 7, 8], [-1, -2, -3, -4, -5, -6, -7, -8]]> : tensor<2x8xi8>
  %y = call @layer(%x) : (tensor<2x8xi8>) -> tensor<2x4xi32>
  %m = bufferization.to_buffer %y : tensor<2x4xi32> to memref<2x4xi32>
  %u = memref.cast %m : memref<2x4xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  %e = tensor.empty() : tensor<2x8xi32>
  %wide = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                          iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x8xi8>) outs(%e : tensor<2x8xi32>) {
  ^bb0(%a: i8, %o: i32):
    %v = arith.extsi %a : i8 to i32
    linalg.yield %v : i32
  } -> tensor<2x8xi32>
  %wm = bufferization.to_buffer %wide : tensor<2x8xi32> to memref<2x8xi32>
  %wu = memref.cast %wm : memref<2x8xi32> to memref<*xi32>
  call @printMemrefI32(%wu) : (memref<*xi32>) -> ()
  return
}

// Kernels are launched through the runtime; each GPU module is loaded by a
// global constructor when the program starts, as PTX that the driver compiles
// (at the pipeline's opt-level, 3).
// LLVM: call ptr @mgpuModuleGetFunction(ptr %{{.*}}, ptr @layer_k0_parallel_layer_k0_parallel_name)
// LLVM: call void @mgpuLaunchKernel(
// LLVM: call ptr @mgpuModuleLoadJIT(ptr @layer_k1_dp4a_binary, i32 3)
// SYMBOLS: runtime defines: mgpuLaunchKernel mgpuMemAlloc mgpuMemFree
// SYMBOLS-SAME: mgpuModuleGetFunction mgpuModuleLoadJIT mgpuModuleUnload
// SYMBOLS-SAME: mgpuStreamCreate mgpuStreamDestroy mgpuStreamSynchronize
