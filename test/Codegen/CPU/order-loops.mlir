// RUN: compress-opt %s --compress-order-loops --split-input-file | FileCheck %s

// A float matmul: k (a float reduction) may not be innermost; j is
// contiguous in B and C and invariant in A. (i, j, k) becomes (i, k, j).
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @matmul
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @matmul(%a: tensor<8x16xf32>, %b: tensor<16x32xf32>,
                  %c: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x32xf32>)
                     outs(%c : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %0 : tensor<8x32xf32>
}

// -----

// An NCHW convolution: output columns (ow) run innermost; the reduction
// dimensions keep their order (c, kh, kw), so each output adds its terms in
// the same order as before.
// CHECK-LABEL: func.func @conv
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]
func.func @conv(%x: tensor<2x4x10x10xf32>, %w: tensor<8x4x3x3xf32>,
                %o: tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> {
  %0 = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<2x4x10x10xf32>, tensor<8x4x3x3xf32>)
                                outs(%o : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32>
  return %0 : tensor<2x8x8x8xf32>
}

// -----

// An integer matmul with a transposed weight (as ONNX Gemm imports): the
// i32 reduction k is contiguous in both inputs, so it stays innermost (LLVM
// vectorizes integer reductions) and the op is left as it is.
#lhs = affine_map<(i, j, k) -> (i, k)>
#rhs = affine_map<(i, j, k) -> (j, k)>
#out = affine_map<(i, j, k) -> (i, j)>
// CHECK-LABEL: func.func @int_matmul_transposed
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
func.func @int_matmul_transposed(%a: tensor<4x64xi8>, %b: tensor<16x64xi8>,
                                 %c: tensor<4x16xi32>) -> tensor<4x16xi32> {
  %0 = linalg.generic {indexing_maps = [#lhs, #rhs, #out],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<4x64xi8>, tensor<16x64xi8>) outs(%c : tensor<4x16xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %m = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %m : i32
    linalg.yield %s : i32
  } -> tensor<4x16xi32>
  return %0 : tensor<4x16xi32>
}

// -----

// An integer convolution keeps its order: its output columns (8 here) are
// too short a loop to move inside the reduction.
// CHECK-LABEL: func.func @int_conv
// CHECK: linalg.conv_2d_nchw_fchw
func.func @int_conv(%x: tensor<2x4x10x10xi32>, %w: tensor<8x4x3x3xi32>,
                    %o: tensor<2x8x8x8xi32>) -> tensor<2x8x8x8xi32> {
  %0 = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<2x4x10x10xi32>, tensor<8x4x3x3xi32>)
                                outs(%o : tensor<2x8x8x8xi32>) -> tensor<2x8x8x8xi32>
  return %0 : tensor<2x8x8x8xi32>
}

// -----

// An integer matmul whose columns are a long loop (128) with a strided
// reduction operand: j goes innermost.
// CHECK-LABEL: func.func @int_matmul_long
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
func.func @int_matmul_long(%a: tensor<4x64xi32>, %b: tensor<64x128xi32>,
                           %c: tensor<4x128xi32>) -> tensor<4x128xi32> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x64xi32>, tensor<64x128xi32>)
                     outs(%c : tensor<4x128xi32>) -> tensor<4x128xi32>
  return %0 : tensor<4x128xi32>
}

// -----

// Elementwise ops (no reduction) and named ops whose order stays are not
// touched.
// CHECK-LABEL: func.func @untouched
// CHECK: linalg.add
// CHECK: linalg.matvec
func.func @untouched(%a: tensor<8x8xi32>, %v: tensor<8xi32>,
                     %o: tensor<8xi32>) -> (tensor<8x8xi32>, tensor<8xi32>) {
  %0 = linalg.add ins(%a, %a : tensor<8x8xi32>, tensor<8x8xi32>)
                  outs(%a : tensor<8x8xi32>) -> tensor<8x8xi32>
  %1 = linalg.matvec ins(%a, %v : tensor<8x8xi32>, tensor<8xi32>)
                     outs(%o : tensor<8xi32>) -> tensor<8xi32>
  return %0, %1 : tensor<8x8xi32>, tensor<8xi32>
}
