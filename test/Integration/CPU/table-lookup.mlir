// Execution test of compress-table-lookup (on by default in
// compress-lower-to-cpu). Three byte-valued chains over every i8 value
// (x holds each of the 256 four times) and random bytes y:
//   gelu: a quantized GELU (dequantize, / sqrt 2, erf, quantize, + 1,
//         dequantize, times the dequantized input, quantize); one table;
//   square: dequantize, square, / 3, round half to even, clamp, to i8;
//   mixed: a byte requantized from x + y roots a chain of its own (an f32
//         table), while (x - 5) / 7 has a table on x; their product is f32.
// The default pipeline, table-lookup=false and vectorize=false must give
// the same bits, and square and mixed must equal NumPy's float32
// evaluation exactly (erf's polynomial is the pipeline's own, so gelu is
// checked between the variants only).
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/check_table_lookup.py make %t
// RUN: compress-run %s --input %t/x.npy --input %t/y.npy --output %t/default.gelu.npy --output %t/default.square.npy --output %t/default.mixed.npy --quiet
// RUN: compress-run %s --lower-options=table-lookup=false --input %t/x.npy --input %t/y.npy --output %t/off.gelu.npy --output %t/off.square.npy --output %t/off.mixed.npy --quiet
// RUN: compress-run %s --lower-options=vectorize=false --input %t/x.npy --input %t/y.npy --output %t/scalar.gelu.npy --output %t/scalar.square.npy --output %t/scalar.mixed.npy --quiet
// RUN: %python %S/Inputs/check_table_lookup.py check %t | FileCheck %s
// CHECK: ok: gelu default == off == scalar
// CHECK: ok: square default == off == scalar == numpy
// CHECK: ok: mixed default == off == scalar == numpy
// The default pipeline has the tables; table-lookup=false has none.
// RUN: compress-opt %s --compress-lower-to-cpu | FileCheck %s --check-prefix=TABLES
// RUN: compress-opt %s --compress-lower-to-cpu=table-lookup=false | FileCheck %s --check-prefix=NONE
// TABLES-COUNT-4: llvm.mlir.global private constant @__compress_table
// TABLES-NOT: llvm.mlir.global private constant @__compress_table
// NONE-NOT: __compress_table
#map = affine_map<(d0) -> (d0)>
func.func @main(%x: tensor<1024xi8>, %y: tensor<1024xi8>)
    -> (tensor<1024xi8>, tensor<1024xi8>, tensor<1024xf32>) {
  %zp = arith.constant 3.0 : f32
  %s = arith.constant 0.05 : f32
  %sqrt2 = arith.constant 1.41421354 : f32
  %es = arith.constant 0.0078125 : f32
  %one = arith.constant 128.0 : f32
  %os = arith.constant 0.025 : f32
  %three = arith.constant 3.0 : f32
  %seven = arith.constant 7.0 : f32
  %five = arith.constant 5 : i32
  %lo = arith.constant -128.0 : f32
  %hi = arith.constant 127.0 : f32
  %tenth = arith.constant 0.1 : f32
  %e = tensor.empty() : tensor<1024xi8>
  %ef = tensor.empty() : tensor<1024xf32>
  %gelu = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%x : tensor<1024xi8>) outs(%e : tensor<1024xi8>) {
  ^bb0(%a: i8, %out: i8):
    %0 = arith.sitofp %a : i8 to f32
    %1 = arith.subf %0, %zp : f32
    %2 = arith.mulf %1, %s : f32
    %3 = arith.divf %2, %sqrt2 : f32
    %4 = math.erf %3 : f32
    %5 = arith.divf %4, %es : f32
    %6 = math.roundeven %5 : f32
    %7 = arith.addf %6, %one : f32
    %8 = arith.mulf %7, %es : f32
    %9 = arith.mulf %8, %2 : f32
    %10 = arith.divf %9, %os : f32
    %11 = math.roundeven %10 : f32
    %12 = arith.maximumf %11, %lo : f32
    %13 = arith.minimumf %12, %hi : f32
    %14 = arith.fptosi %13 : f32 to i8
    linalg.yield %14 : i8
  } -> tensor<1024xi8>
  %square = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%x : tensor<1024xi8>) outs(%e : tensor<1024xi8>) {
  ^bb0(%a: i8, %out: i8):
    %0 = arith.sitofp %a : i8 to f32
    %1 = arith.subf %0, %zp : f32
    %2 = arith.mulf %1, %s : f32
    %3 = arith.mulf %2, %2 : f32
    %4 = arith.divf %3, %three : f32
    %5 = arith.divf %4, %s : f32
    %6 = math.roundeven %5 : f32
    %7 = arith.maximumf %6, %lo : f32
    %8 = arith.minimumf %7, %hi : f32
    %9 = arith.fptosi %8 : f32 to i8
    linalg.yield %9 : i8
  } -> tensor<1024xi8>
  %mixed = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
      ins(%x, %y : tensor<1024xi8>, tensor<1024xi8>) outs(%ef : tensor<1024xf32>) {
  ^bb0(%a: i8, %b: i8, %out: f32):
    %a32 = arith.extsi %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %sum = arith.addi %a32, %b32 : i32
    %shifted = arith.shrsi %sum, %five : i32
    %byte = arith.trunci %shifted : i32 to i8
    %0 = arith.sitofp %byte : i8 to f32
    %1 = arith.mulf %0, %tenth : f32
    %2 = arith.divf %1, %three : f32
    %3 = arith.mulf %2, %2 : f32
    %4 = arith.divf %3, %seven : f32
    %5 = arith.sitofp %a : i8 to f32
    %6 = arith.subf %5, %zp : f32
    %7 = arith.divf %6, %seven : f32
    %8 = arith.divf %7, %three : f32
    %9 = arith.mulf %4, %8 : f32
    linalg.yield %9 : f32
  } -> tensor<1024xf32>
  return %gelu, %square, %mixed : tensor<1024xi8>, tensor<1024xi8>, tensor<1024xf32>
}
