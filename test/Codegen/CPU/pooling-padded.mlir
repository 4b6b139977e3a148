// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx512 threads=1" --mlir-print-ir-after=compress-cpu-lower-kernels -o /dev/null 2>&1 | FileCheck %s --check-prefix=LOWER
// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx512 threads=1 conv-epilogues=false" --mlir-print-ir-after=compress-cpu-lower-kernels -o /dev/null 2>&1 | FileCheck %s --check-prefix=OFF
// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx512 threads=1" | %run_cpu | FileCheck %s --check-prefix=EXEC
// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx2 threads=2" | %run_cpu | FileCheck %s --check-prefix=EXEC
// RUN: compress-opt %s --compress-lower-to-cpu="cpu=avx512 threads=1 conv-epilogues=false" | %run_cpu | FileCheck %s --check-prefix=EXEC
// REQUIRES: mlir-runner

// An f32 pooling whose input is a padded copy (tensor.pad) that nothing
// else reads calls compress_cpu_pool2d_nchw_f32_padded with the unpadded
// source, its sizes and the padding (top, left, bottom, right, the value's
// bits): the padded copy goes away. conv-epilogues=false keeps the copy.
// LOWER-LABEL: func.func @pools
// LOWER-NOT: memref.copy
// The max pooling (kind 2: from -inf, its fill gone): source 5x6, window
// 3x3, output 3x3, strides 2, padding 1 on every side, -inf (0xFF800000 =
// 4286578688).
// LOWER: call @compress_cpu_pool2d_nchw_f32_padded(%{{.*}}, %c2_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c5_i64{{[_0-9]*}}, %c6_i64{{[_0-9]*}}, %c3_i64{{[_0-9]*}}, %c3_i64{{[_0-9]*}}, %c3_i64{{[_0-9]*}}, %c3_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c4286578688_i64{{[_0-9]*}},
// The sum pooling: padding top 1, left 2 of 1.0 (1065353216).
// LOWER: call @compress_cpu_pool2d_nchw_f32_padded(%{{.*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c5_i64{{[_0-9]*}}, %c6_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c5_i64{{[_0-9]*}}, %c7_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}}, %c2_i64{{[_0-9]*}}, %c0_i64{{[_0-9]*}}, %c0_i64{{[_0-9]*}}, %c1065353216_i64{{[_0-9]*}},
// LOWER-NOT: memref.copy
// OFF-LABEL: func.func @pools
// OFF: memref.copy
// OFF: call @compress_cpu_pool2d_nchw_f32(
// Input 0..59 as 1x2x5x6. Expected values from NumPy (np.pad, then the
// window max / sum).
// EXEC-LABEL: max
// EXEC: {{\[}}[7,{{ +}}9,{{ +}}11],
// EXEC-NEXT: [19,{{ +}}21,{{ +}}23],
// EXEC-NEXT: [25,{{ +}}27,{{ +}}29]],
// EXEC: {{\[}}[37,{{ +}}39,{{ +}}41],
// EXEC-NEXT: [49,{{ +}}51,{{ +}}53],
// EXEC-NEXT: [55,{{ +}}57,{{ +}}59]]]]
// EXEC-LABEL: sum
// EXEC: {{\[}}[4,{{ +}}3,{{ +}}3,{{ +}}5,{{ +}}7,{{ +}}9,{{ +}}11],
// EXEC-NEXT: [4,{{ +}}8,{{ +}}14,{{ +}}18,{{ +}}22,{{ +}}26,{{ +}}30],
// EXEC-NEXT: [4,{{ +}}20,{{ +}}38,{{ +}}42,{{ +}}46,{{ +}}50,{{ +}}54],
// EXEC-NEXT: [4,{{ +}}32,{{ +}}62,{{ +}}66,{{ +}}70,{{ +}}74,{{ +}}78],
// EXEC-NEXT: [4,{{ +}}44,{{ +}}86,{{ +}}90,{{ +}}94,{{ +}}98,{{ +}}102]],
// EXEC: {{\[}}[4,{{ +}}33,{{ +}}63,{{ +}}65,{{ +}}67,{{ +}}69,{{ +}}71],
// EXEC-NEXT: [4,{{ +}}68,{{ +}}134,{{ +}}138,{{ +}}142,{{ +}}146,{{ +}}150],
// EXEC-NEXT: [4,{{ +}}80,{{ +}}158,{{ +}}162,{{ +}}166,{{ +}}170,{{ +}}174],
// EXEC-NEXT: [4,{{ +}}92,{{ +}}182,{{ +}}186,{{ +}}190,{{ +}}194,{{ +}}198],
// EXEC-NEXT: [4,{{ +}}104,{{ +}}206,{{ +}}210,{{ +}}214,{{ +}}218,{{ +}}222]]]]
func.func @pools(%x: tensor<1x2x5x6xf32>)
    -> (tensor<1x2x3x3xf32>, tensor<1x2x5x7xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %p1 = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %ninf : f32
  } : tensor<1x2x5x6xf32> to tensor<1x2x7x8xf32>
  %w3 = tensor.empty() : tensor<3x3xf32>
  %e1 = tensor.empty() : tensor<1x2x3x3xf32>
  %f1 = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %max = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%p1, %w3 : tensor<1x2x7x8xf32>, tensor<3x3xf32>) outs(%f1 : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %p2 = tensor.pad %x low[0, 0, 1, 2] high[0, 0, 0, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %one : f32
  } : tensor<1x2x5x6xf32> to tensor<1x2x6x8xf32>
  %w2 = tensor.empty() : tensor<2x2xf32>
  %e2 = tensor.empty() : tensor<1x2x5x7xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x2x5x7xf32>) -> tensor<1x2x5x7xf32>
  %sum = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p2, %w2 : tensor<1x2x6x8xf32>, tensor<2x2xf32>) outs(%f2 : tensor<1x2x5x7xf32>) -> tensor<1x2x5x7xf32>
  return %max, %sum : tensor<1x2x3x3xf32>, tensor<1x2x5x7xf32>
}

func.func private @printMemrefF32(memref<*xf32>)
func.func @main() {
  %x0 = tensor.generate {
  ^bb0(%n: index, %c: index, %h: index, %w: index):
    %c30 = arith.constant 30 : index
    %c6 = arith.constant 6 : index
    %a = arith.muli %c, %c30 : index
    %r = arith.muli %h, %c6 : index
    %i0 = arith.addi %a, %r : index
    %i = arith.addi %i0, %w : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    tensor.yield %f : f32
  } : tensor<1x2x5x6xf32>
  %m, %s = call @pools(%x0) : (tensor<1x2x5x6xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x5x7xf32>)
  %mb = bufferization.to_buffer %m : tensor<1x2x3x3xf32> to memref<1x2x3x3xf32>
  %sb = bufferization.to_buffer %s : tensor<1x2x5x7xf32> to memref<1x2x5x7xf32>
  %mu = memref.cast %mb : memref<1x2x3x3xf32> to memref<*xf32>
  %su = memref.cast %sb : memref<1x2x5x7xf32> to memref<*xf32>
  vector.print str "max\n"
  call @printMemrefF32(%mu) : (memref<*xf32>) -> ()
  vector.print str "sum\n"
  call @printMemrefF32(%su) : (memref<*xf32>) -> ()
  return
}
