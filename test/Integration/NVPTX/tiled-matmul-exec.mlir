// The tensor-core (mma.sync, on sm_80 and later) and shared-memory tiled
// dp4a kernels on a GPU compute exactly the integers of a plain int8 matmul,
// for sizes that are not multiples of their tiles (partial tiles in m, n and
// k) and for a batch matmul over grid z; so do the one-thread-per-output
// kernels (tensor-cores=false, matmul-tiling=false). The program prints both
// products; Inputs/tiled_matmul_check.py computes them independently and
// compares every element (a misplaced one is reported with its position).
//
// REQUIRES: cuda-gpu
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=%cuda_chip tensor-cores=true" | %run_gpu > %t.tiled
// RUN: %python %S/Inputs/tiled_matmul_check.py %t.tiled | FileCheck %s
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=%cuda_chip tensor-cores=false" | %run_gpu > %t.dp4a
// RUN: %python %S/Inputs/tiled_matmul_check.py %t.dp4a | FileCheck %s
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=%cuda_chip tensor-cores=false matmul-tiling=false" \
// RUN:   | %run_gpu > %t.untiled
// RUN: %python %S/Inputs/tiled_matmul_check.py %t.untiled | FileCheck %s
// CHECK: ok: 5760 elements

#id3 = affine_map<(b, i, j) -> (b, i, j)>

func.func private @printMemrefI32(memref<*xi32>)

// (p i + q j + r batch) mod 256 - 128, as i8.
func.func @pattern(%t: tensor<?x?x?xi8>, %p: index, %q: index, %r: index) -> tensor<?x?x?xi8> {
  %out = linalg.generic {indexing_maps = [#id3], iterator_types = ["parallel", "parallel", "parallel"]}
      outs(%t : tensor<?x?x?xi8>) {
  ^bb0(%o: i8):
    %b = linalg.index 0 : index
    %i = linalg.index 1 : index
    %j = linalg.index 2 : index
    %pi = arith.muli %i, %p : index
    %qj = arith.muli %j, %q : index
    %rb = arith.muli %b, %r : index
    %s0 = arith.addi %pi, %qj : index
    %s = arith.addi %s0, %rb : index
    %c256 = arith.constant 256 : index
    %m = arith.remui %s, %c256 : index
    %v = arith.index_cast %m : index to i32
    %c128 = arith.constant 128 : i32
    %w = arith.subi %v, %c128 : i32
    %x = arith.trunci %w : i32 to i8
    linalg.yield %x : i8
  } -> tensor<?x?x?xi8>
  return %out : tensor<?x?x?xi8>
}

func.func @print(%c: tensor<?x?x?xi32>) {
  %m = bufferization.to_buffer %c : tensor<?x?x?xi32> to memref<?x?x?xi32>
  %u = memref.cast %m : memref<?x?x?xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}

func.func @matmul(%a: tensor<40x70xi8>, %b: tensor<70x36xi8>) -> tensor<40x36xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<40x36xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<40x36xi32>) -> tensor<40x36xi32>
  %r = linalg.matmul ins(%a, %b : tensor<40x70xi8>, tensor<70x36xi8>)
         outs(%f : tensor<40x36xi32>) -> tensor<40x36xi32>
  return %r : tensor<40x36xi32>
}

func.func @batch_matmul(%a: tensor<3x40x64xi8>, %b: tensor<3x64x36xi8>) -> tensor<3x40x36xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<3x40x36xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<3x40x36xi32>) -> tensor<3x40x36xi32>
  %r = linalg.batch_matmul ins(%a, %b : tensor<3x40x64xi8>, tensor<3x64x36xi8>)
         outs(%f : tensor<3x40x36xi32>) -> tensor<3x40x36xi32>
  return %r : tensor<3x40x36xi32>
}

func.func @main() {
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c7 = arith.constant 7 : index
  %c11 = arith.constant 11 : index
  %c13 = arith.constant 13 : index
  %c17 = arith.constant 17 : index

  %ea = tensor.empty() : tensor<1x40x70xi8>
  %da = tensor.cast %ea : tensor<1x40x70xi8> to tensor<?x?x?xi8>
  %pa = call @pattern(%da, %c7, %c3, %c13) : (tensor<?x?x?xi8>, index, index, index) -> tensor<?x?x?xi8>
  %sa = tensor.cast %pa : tensor<?x?x?xi8> to tensor<1x40x70xi8>
  %a = tensor.collapse_shape %sa [[0, 1], [2]] : tensor<1x40x70xi8> into tensor<40x70xi8>
  %eb = tensor.empty() : tensor<1x70x36xi8>
  %db = tensor.cast %eb : tensor<1x70x36xi8> to tensor<?x?x?xi8>
  %pb = call @pattern(%db, %c5, %c11, %c17) : (tensor<?x?x?xi8>, index, index, index) -> tensor<?x?x?xi8>
  %sb = tensor.cast %pb : tensor<?x?x?xi8> to tensor<1x70x36xi8>
  %b = tensor.collapse_shape %sb [[0, 1], [2]] : tensor<1x70x36xi8> into tensor<70x36xi8>
  %c = call @matmul(%a, %b) : (tensor<40x70xi8>, tensor<70x36xi8>) -> tensor<40x36xi32>
  %c3d = tensor.expand_shape %c [[0, 1], [2]] output_shape [1, 40, 36] : tensor<40x36xi32> into tensor<1x40x36xi32>
  %cd = tensor.cast %c3d : tensor<1x40x36xi32> to tensor<?x?x?xi32>
  call @print(%cd) : (tensor<?x?x?xi32>) -> ()

  %eba = tensor.empty() : tensor<3x40x64xi8>
  %dba = tensor.cast %eba : tensor<3x40x64xi8> to tensor<?x?x?xi8>
  %pba = call @pattern(%dba, %c7, %c3, %c13) : (tensor<?x?x?xi8>, index, index, index) -> tensor<?x?x?xi8>
  %ba = tensor.cast %pba : tensor<?x?x?xi8> to tensor<3x40x64xi8>
  %ebb = tensor.empty() : tensor<3x64x36xi8>
  %dbb = tensor.cast %ebb : tensor<3x64x36xi8> to tensor<?x?x?xi8>
  %pbb = call @pattern(%dbb, %c5, %c11, %c17) : (tensor<?x?x?xi8>, index, index, index) -> tensor<?x?x?xi8>
  %bb = tensor.cast %pbb : tensor<?x?x?xi8> to tensor<3x64x36xi8>
  %bc = call @batch_matmul(%ba, %bb) : (tensor<3x40x64xi8>, tensor<3x64x36xi8>) -> tensor<3x40x36xi32>
  %bcd = tensor.cast %bc : tensor<3x40x36xi32> to tensor<?x?x?xi32>
  call @print(%bcd) : (tensor<?x?x?xi32>) -> ()
  return
}
