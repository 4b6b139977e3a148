// The tensor-core (mma.sync, on sm_80 and later) and shared-memory tiled
// dp4a kernels on a GPU compute exactly the integers of a plain int8 matmul,
// for sizes that are not multiples of their tiles (partial tiles in m, n and
// k) and for a batch matmul over grid z; so do the one-thread-per-output
// kernels (tensor-cores=false, matmul-tiling=false). The program prints, per
// product, the sum of its elements and a position-weighted sum, which a
// misplaced element changes; Inputs/tiled_matmul_sums.py computes both
// independently.
//
// REQUIRES: cuda-gpu
// RUN: %python %S/Inputs/tiled_matmul_sums.py > %t.expected
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=%cuda_chip tensor-cores=true" | %run_gpu > %t.tiled
// RUN: diff %t.expected %t.tiled
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=%cuda_chip tensor-cores=false" | %run_gpu > %t.dp4a
// RUN: diff %t.expected %t.dp4a
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=%cuda_chip tensor-cores=false matmul-tiling=false" \
// RUN:   | %run_gpu > %t.untiled
// RUN: diff %t.expected %t.untiled

#id3 = affine_map<(b, i, j) -> (b, i, j)>

func.func private @printI64(i64)
func.func private @printNewline()

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

// Prints sum(c) and sum(c[b, i, j] * (i + 2 j + 1)).
func.func @print_sums(%c: tensor<?x?x?xi32>) {
  %zero = arith.constant 0 : i64
  %e = tensor.empty() : tensor<i64>
  %f = linalg.fill ins(%zero : i64) outs(%e : tensor<i64>) -> tensor<i64>
  %r:2 = linalg.generic {indexing_maps = [#id3, affine_map<(b, i, j) -> ()>, affine_map<(b, i, j) -> ()>],
                         iterator_types = ["reduction", "reduction", "reduction"]}
      ins(%c : tensor<?x?x?xi32>) outs(%f, %f : tensor<i64>, tensor<i64>) {
  ^bb0(%x: i32, %s: i64, %w: i64):
    %xe = arith.extsi %x : i32 to i64
    %s2 = arith.addi %s, %xe : i64
    %i = linalg.index 1 : index
    %j = linalg.index 2 : index
    %j2 = arith.addi %j, %j : index
    %ij = arith.addi %i, %j2 : index
    %c1 = arith.constant 1 : index
    %weight = arith.addi %ij, %c1 : index
    %wi = arith.index_cast %weight : index to i64
    %xw = arith.muli %xe, %wi : i64
    %w2 = arith.addi %w, %xw : i64
    linalg.yield %s2, %w2 : i64, i64
  } -> (tensor<i64>, tensor<i64>)
  %sum = tensor.extract %r#0[] : tensor<i64>
  %weighted = tensor.extract %r#1[] : tensor<i64>
  call @printI64(%sum) : (i64) -> ()
  call @printNewline() : () -> ()
  call @printI64(%weighted) : (i64) -> ()
  call @printNewline() : () -> ()
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
  call @print_sums(%cd) : (tensor<?x?x?xi32>) -> ()

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
  call @print_sums(%bcd) : (tensor<?x?x?xi32>) -> ()
  return
}
