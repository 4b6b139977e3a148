// RUN: compress-opt %s --compress-vectorize-matmuls --split-input-file | FileCheck %s
// RUN: compress-opt %s --compress-vectorize-matmuls="max-columns=4 max-chunk=16" --split-input-file | FileCheck %s --check-prefix=SMALL
// RUN: not compress-opt %s --compress-vectorize-matmuls=max-chunk=0 2>&1 | FileCheck %s --check-prefix=ERR

// The integer kernel of compress-fuse-qdq with a transposed weight (as ONNX
// Gemm imports): tiles of 1 row x 8 columns x 32 of the reduction (which
// divide 4 x 16 x 64) become vector code with one reduction per output.
#a = affine_map<(i, j, k) -> (i, k)>
#b = affine_map<(i, j, k) -> (j, k)>
#c = affine_map<(i, j, k) -> (i, j)>
// CHECK-LABEL: func.func @int8_dense
// CHECK: scf.for %{{.*}} = %{{.*}} to %c4 step %c1
// CHECK: scf.for %{{.*}} = %{{.*}} to %c16 step %c8
// CHECK: scf.for %{{.*}} = %{{.*}} to %c64 step %c32
// CHECK: vector.transfer_read {{.*}} vector<1x8x32xi8>
// CHECK: arith.extui {{.*}} : vector<1x8x32xi8> to vector<1x8x32xi32>
// CHECK: arith.extsi {{.*}} : vector<1x8x32xi8> to vector<1x8x32xi32>
// CHECK: arith.muli {{.*}} : vector<1x8x32xi32>
// CHECK: vector.multi_reduction <add>, {{.*}} [2] : vector<1x8x32xi32> to vector<1x8xi32>
// CHECK-NOT: linalg.generic
// The outer tile loop (rows: each writes its own outputs) is marked for
// compress-cpu-parallelize-loops with the elements of one tile, 1 x 8 x 32.
// CHECK: } {compress.parallel_nest = 256 : i64}
// SMALL-LABEL: func.func @int8_dense
// SMALL: scf.for %{{.*}} = %{{.*}} to %c16 step %c4
// SMALL: scf.for %{{.*}} = %{{.*}} to %c64 step %c16
// ERR: error: compress-vectorize-matmuls: options 'max-columns' and 'max-chunk' must be at least 1
func.func @int8_dense(%x: tensor<4x64xi8>, %w: tensor<16x64xi8>,
                      %acc: tensor<4x16xi32>) -> tensor<4x16xi32> {
  %0 = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x64xi8>, tensor<16x64xi8>) outs(%acc : tensor<4x16xi32>) {
  ^bb0(%p: i8, %q: i8, %s: i32):
    %pe = arith.extui %p : i8 to i32
    %qe = arith.extsi %q : i8 to i32
    %m = arith.muli %pe, %qe : i32
    %r = arith.addi %s, %m : i32
    linalg.yield %r : i32
  } -> tensor<4x16xi32>
  return %0 : tensor<4x16xi32>
}

// -----

// A float matmul whose sizes only 1 divides in places (7 columns, 10 of
// reduction: chunks of 10) still vectorizes; a dynamic one and a
// convolution (two reduction dimensions) are left alone.
// CHECK-LABEL: func.func @float_matmul
// CHECK: scf.for %{{.*}} = %{{.*}} to %c7 step %c7
// CHECK: vector.multi_reduction <add>, {{.*}} : vector<1x7x10xf32> to vector<1x7xf32>
// CHECK-LABEL: func.func @dynamic
// CHECK: linalg.matmul
// CHECK-LABEL: func.func @conv
// CHECK: linalg.conv_2d_nchw_fchw
func.func @float_matmul(%a: tensor<3x10xf32>, %b: tensor<10x7xf32>,
                        %c: tensor<3x7xf32>) -> tensor<3x7xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<3x10xf32>, tensor<10x7xf32>)
                     outs(%c : tensor<3x7xf32>) -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}
func.func @dynamic(%a: tensor<?x10xf32>, %b: tensor<10x7xf32>,
                   %c: tensor<?x7xf32>) -> tensor<?x7xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<?x10xf32>, tensor<10x7xf32>)
                     outs(%c : tensor<?x7xf32>) -> tensor<?x7xf32>
  return %0 : tensor<?x7xf32>
}
func.func @conv(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32>,
                %o: tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32> {
  %0 = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>)
                                outs(%o : tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
  return %0 : tensor<1x3x3x3xf32>
}

// -----

// A dense layer that reads a flattened NCHW activation reduces over c, h
// and w; both operands walk them as one run of 2 x 4 x 4 = 32 values, so
// they merge into one reduction dimension, chunked by 32.
#x4 = affine_map<(n, f, c, h, w) -> (n, c, h, w)>
#w4 = affine_map<(n, f, c, h, w) -> (f, c, h, w)>
#o4 = affine_map<(n, f, c, h, w) -> (n, f)>
// CHECK-LABEL: func.func @flattened_dense
// CHECK: vector.multi_reduction <add>, {{.*}} [2] : vector<1x8x32xi32> to vector<1x8xi32>
func.func @flattened_dense(%x: tensor<2x2x4x4xi8>, %w: tensor<8x2x4x4xi8>,
                           %acc: tensor<2x8xi32>) -> tensor<2x8xi32> {
  %0 = linalg.generic {indexing_maps = [#x4, #w4, #o4],
                       iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<2x2x4x4xi8>, tensor<8x2x4x4xi8>) outs(%acc : tensor<2x8xi32>) {
  ^bb0(%p: i8, %q: i8, %s: i32):
    %pe = arith.extui %p : i8 to i32
    %qe = arith.extsi %q : i8 to i32
    %m = arith.muli %pe, %qe : i32
    %r = arith.addi %s, %m : i32
    linalg.yield %r : i32
  } -> tensor<2x8xi32>
  return %0 : tensor<2x8xi32>
}

// -----

// A max pooling's window dimensions are not a run of memory: left alone.
// CHECK-LABEL: func.func @pool
// CHECK: linalg.pooling_nchw_max
// CHECK-NOT: vector.
func.func @pool(%x: tensor<1x2x4x4xf32>, %o: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %window = tensor.empty() : tensor<2x2xf32>
  %0 = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
         ins(%x, %window : tensor<1x2x4x4xf32>, tensor<2x2xf32>) outs(%o : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}
