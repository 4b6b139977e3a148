// Fake quantization run with ranges known only at run time (function
// arguments, as in a training graph) and with constant ranges, both lowered
// directly and after --compress-fold-fake-quant: all give the same values.
// RUN: compress-opt %s --compress-lower-to-cpu | %run_cpu | FileCheck %s
// RUN: compress-opt %s --compress-fold-fake-quant --compress-lower-to-cpu 2>/dev/null | %run_cpu | FileCheck %s

// By hand, range [-1, 2] on u8: scale = f32(3/255), zero point 85.
//   0 -> 85 -> 0;  1 -> 85 + 85 -> 1;  -2 -> clamps at 0 -> -85 * s = -1;
//   5 -> clamps at 255 -> 170 * s = 2;  NaN -> the zero point -> 0;
//   0.5 -> 42.5 ties to 42 -> 42 * s = 0.494118 (printed to 6 digits).
// With the range [0.5, 2] widened to [0, 2]: scale f32(2/255) =
//   0.0078431377, zero point 0, so -2 -> 0, 0.5 -> 63.75 -> 64 * s =
//   0.501961, and 1 -> 1 / s = 127.49999 in f32 (just below the tie) -> 127
//   -> 0.996078.
// CHECK: [0, 1, -1, 2, 0, 0.494118]
// CHECK: [0, 1, -1, 2, 0, 0.494118]
// CHECK: [0, 0.996078, 0, 2, 0, 0.501961]

func.func @runtime_range(%x: tensor<6xf32>, %min: tensor<f32>, %max: tensor<f32>) -> tensor<6xf32> {
  %y = compress.fake_quant %x, %min, %max : tensor<6xf32>, tensor<f32>
  return %y : tensor<6xf32>
}

func.func @constant_range(%x: tensor<6xf32>) -> tensor<6xf32> {
  %min = arith.constant dense<-1.0> : tensor<f32>
  %max = arith.constant dense<2.0> : tensor<f32>
  %y = compress.fake_quant %x, %min, %max : tensor<6xf32>, tensor<f32>
  return %y : tensor<6xf32>
}

func.func private @printMemrefF32(memref<*xf32>)

func.func @print(%t: tensor<6xf32>) {
  %m = bufferization.to_buffer %t : tensor<6xf32> to memref<6xf32>
  %u = memref.cast %m : memref<6xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<[0.0, 1.0, -2.0, 5.0, 0x7FC00000, 0.5]> : tensor<6xf32>
  %min = arith.constant dense<-1.0> : tensor<f32>
  %max = arith.constant dense<2.0> : tensor<f32>
  %a = call @runtime_range(%x, %min, %max) : (tensor<6xf32>, tensor<f32>, tensor<f32>) -> tensor<6xf32>
  call @print(%a) : (tensor<6xf32>) -> ()
  %b = call @constant_range(%x) : (tensor<6xf32>) -> tensor<6xf32>
  call @print(%b) : (tensor<6xf32>) -> ()
  %min2 = arith.constant dense<0.5> : tensor<f32>
  %c = call @runtime_range(%x, %min2, %max) : (tensor<6xf32>, tensor<f32>, tensor<f32>) -> tensor<6xf32>
  call @print(%c) : (tensor<6xf32>) -> ()
  return
}
