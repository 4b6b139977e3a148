// RUN: compress-opt %s --compress-cpu-select-kernels=cpu=avx512 | FileCheck %s --check-prefix=SELECT
// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx512 threads=1" --mlir-print-ir-after=compress-cpu-lower-kernels -o /dev/null 2>&1 | FileCheck %s --check-prefix=LOWER
// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx512 threads=1 conv-epilogues=false" --mlir-print-ir-after=compress-cpu-lower-kernels -o /dev/null 2>&1 | FileCheck %s --check-prefix=OFF
// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx512 threads=1" | %run_cpu | FileCheck %s --check-prefix=EXEC
// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx2 threads=1" | %run_cpu | FileCheck %s --check-prefix=EXEC
// REQUIRES: mlir-runner

// f32 NCHW max and sum pooling go to compress_cpu_pool2d_nchw_f32 with the
// window, strides and dilations: the max pooling's -inf fill goes (kind 2:
// the call starts from -inf), the sum's 0 stays a fill (kind 1). Other
// element types are left to the loops. conv-epilogues=false keeps the fill
// (kind 0).
// SELECT-LABEL: func.func @pools
// SELECT: linalg.pooling_nchw_max {compress.cpu_kernel = {isa = "avx512", kernel = "max_pool2d_nchw_f32", threads = 1 : i64}
// SELECT: linalg.pooling_nchw_sum {compress.cpu_kernel = {isa = "avx512", kernel = "sum_pool2d_nchw_f32", threads = 1 : i64}
// SELECT: linalg.pooling_nchw_max {dilations
// SELECT-NOT: compress.cpu_kernel
// LOWER-LABEL: func.func @pools
// LOWER-NOT: linalg.fill ins(%{{.*}} : f32)
// LOWER: call @compress_cpu_pool2d_nchw_f32(%{{.*}}, %[[MAX:c2_i64[_0-9]*]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[KH:c2_i64[_0-9]*]]
// LOWER: linalg.fill
// LOWER: call @compress_cpu_pool2d_nchw_f32(%{{.*}}, %[[SUM:c1_i64[_0-9]*]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[KH3:c3_i64[_0-9]*]]
// OFF-LABEL: func.func @pools
// OFF: linalg.fill
// OFF: call @compress_cpu_pool2d_nchw_f32(%{{.*}}, %c0_i64
// Input 0..31 on a 4x8 plane. Max 2x2/2: 9 11 13 15 / 25 27 29 31 (numpy:
// x.reshape(2, 2, 4, 2).max((1, 3))); sum 3x3/1: 0+1+2+8+9+10+16+17+18 =
// 81, then +9 per column and +72 per row; the i32 max over the whole plane
// (the loops): 31.
// EXEC-LABEL: max
// EXEC: [9,{{ +}}11,{{ +}}13,{{ +}}15],
// EXEC-NEXT: [25,{{ +}}27,{{ +}}29,{{ +}}31]]
// EXEC-LABEL: sum
// EXEC: [81,{{ +}}90,{{ +}}99,{{ +}}108,{{ +}}117,{{ +}}126],
// EXEC-NEXT: [153,{{ +}}162,{{ +}}171,{{ +}}180,{{ +}}189,{{ +}}198]]
// EXEC-LABEL: int
// EXEC: [31]
func.func @pools(%x: tensor<1x1x4x8xf32>, %xi: tensor<1x1x4x8xi32>)
    -> (tensor<1x1x2x4xf32>, tensor<1x1x2x6xf32>, tensor<1x1x1x1xi32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %imin = arith.constant -2147483648 : i32
  %w2 = tensor.empty() : tensor<2x2xf32>
  %e1 = tensor.empty() : tensor<1x1x2x4xf32>
  %f1 = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<1x1x2x4xf32>) -> tensor<1x1x2x4xf32>
  %max = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w2 : tensor<1x1x4x8xf32>, tensor<2x2xf32>) outs(%f1 : tensor<1x1x2x4xf32>) -> tensor<1x1x2x4xf32>
  %w3 = tensor.empty() : tensor<3x3xf32>
  %e2 = tensor.empty() : tensor<1x1x2x6xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x1x2x6xf32>) -> tensor<1x1x2x6xf32>
  %sum = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w3 : tensor<1x1x4x8xf32>, tensor<3x3xf32>) outs(%f2 : tensor<1x1x2x6xf32>) -> tensor<1x1x2x6xf32>
  %wi = tensor.empty() : tensor<4x8xi32>
  %e3 = tensor.empty() : tensor<1x1x1x1xi32>
  %f3 = linalg.fill ins(%imin : i32) outs(%e3 : tensor<1x1x1x1xi32>) -> tensor<1x1x1x1xi32>
  %imax = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%xi, %wi : tensor<1x1x4x8xi32>, tensor<4x8xi32>) outs(%f3 : tensor<1x1x1x1xi32>) -> tensor<1x1x1x1xi32>
  return %max, %sum, %imax : tensor<1x1x2x4xf32>, tensor<1x1x2x6xf32>, tensor<1x1x1x1xi32>
}

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func @main() {
  %x0 = tensor.generate {
  ^bb0(%n: index, %c: index, %h: index, %w: index):
    %c8 = arith.constant 8 : index
    %r = arith.muli %h, %c8 : index
    %i = arith.addi %r, %w : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    tensor.yield %f : f32
  } : tensor<1x1x4x8xf32>
  %xi = tensor.generate {
  ^bb0(%n: index, %c: index, %h: index, %w: index):
    %c8 = arith.constant 8 : index
    %r = arith.muli %h, %c8 : index
    %i = arith.addi %r, %w : index
    %ii = arith.index_cast %i : index to i32
    tensor.yield %ii : i32
  } : tensor<1x1x4x8xi32>
  %m, %s, %im = call @pools(%x0, %xi) : (tensor<1x1x4x8xf32>, tensor<1x1x4x8xi32>) -> (tensor<1x1x2x4xf32>, tensor<1x1x2x6xf32>, tensor<1x1x1x1xi32>)
  %mb = bufferization.to_buffer %m : tensor<1x1x2x4xf32> to memref<1x1x2x4xf32>
  %sb = bufferization.to_buffer %s : tensor<1x1x2x6xf32> to memref<1x1x2x6xf32>
  %ib = bufferization.to_buffer %im : tensor<1x1x1x1xi32> to memref<1x1x1x1xi32>
  %mu = memref.cast %mb : memref<1x1x2x4xf32> to memref<*xf32>
  %su = memref.cast %sb : memref<1x1x2x6xf32> to memref<*xf32>
  %iu = memref.cast %ib : memref<1x1x1x1xi32> to memref<*xi32>
  vector.print str "max\n"
  call @printMemrefF32(%mu) : (memref<*xf32>) -> ()
  vector.print str "sum\n"
  call @printMemrefF32(%su) : (memref<*xf32>) -> ()
  vector.print str "int\n"
  call @printMemrefI32(%iu) : (memref<*xi32>) -> ()
  return
}
