// RUN: compress-opt %s -split-input-file -verify-diagnostics --compress-convert-precision | FileCheck %s --check-prefix=F16
// RUN: compress-opt %s -split-input-file -verify-diagnostics --compress-convert-precision=to=bf16 | FileCheck %s --check-prefix=BF16
// RUN: not compress-opt %s --compress-convert-precision=to=f64 2>&1 | FileCheck %s --check-prefix=ERR

// ERR: for the --to option: Cannot find option named 'f64'!

// 0.1 rounds to f16 0x2E66 = 0.0999755859375 and to bf16 0x3DCD =
// 0.10009765625; 65520 overflows f16 to infinity.
// F16-LABEL: func.func @mlp(
// F16-SAME: %{{.*}}: tensor<2x2xf16>) -> tensor<2x2xf16>
// F16: arith.constant dense<{{\[}}[9.997550e-02, 6.550400e+04], [0x7C00, -2.000000e+00]]> : tensor<2x2xf16>
// F16: arith.constant 0.000000e+00 : f16
// F16: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x2xf16>, tensor<2x2xf16>) outs(%{{.*}} : tensor<2x2xf16>) -> tensor<2x2xf16>
// F16: ^bb0(%{{.*}}: f16, %{{.*}}: f16):
// F16: arith.maximumf %{{.*}}, %{{.*}} : f16
// F16-NOT: f32
// BF16-LABEL: func.func @mlp(
// BF16: arith.constant dense<{{\[}}[1.000980e-01, 6.553600e+04], [6.553600e+04, -2.000000e+00]]> : tensor<2x2xbf16>
func.func @mlp(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[0.1, 65504.0], [65520.0, -2.0]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
       ins(%m : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    %y = arith.maximumf %a, %zero : f32
    linalg.yield %y : f32
  } -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}

// -----

func.func @quantized(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{compress-convert-precision converts float models; this op already has a quantized type}}
  %q = compress.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  %d = compress.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Casts between f32 and another 16-bit float: after conversion to f16 a
// bf16 -> f32 extension would be bf16 -> f16 and an f32 -> bf16 truncation
// f16 -> bf16, neither a valid extf or truncf; they go through f32, which
// holds both exactly. Converting to bf16 makes them no-ops.
// F16-LABEL: func.func @other_16_bit_float
// F16: %[[E:.*]] = arith.extf %{{.*}} : tensor<4xbf16> to tensor<4xf32>
// F16: %[[N:.*]] = arith.truncf %[[E]] : tensor<4xf32> to tensor<4xf16>
// F16: %[[S:.*]] = arith.addf %[[N]], %[[N]] : tensor<4xf16>
// F16: %[[W:.*]] = arith.extf %[[S]] : tensor<4xf16> to tensor<4xf32>
// F16: arith.truncf %[[W]] : tensor<4xf32> to tensor<4xbf16>
// BF16-LABEL: func.func @other_16_bit_float
// BF16-NOT: arith.extf
// BF16-NOT: arith.truncf
// BF16: arith.addf %{{.*}}, %{{.*}} : tensor<4xbf16>
// BF16-NEXT: return
func.func @other_16_bit_float(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  %e = arith.extf %x : tensor<4xbf16> to tensor<4xf32>
  %s = arith.addf %e, %e : tensor<4xf32>
  %t = arith.truncf %s : tensor<4xf32> to tensor<4xbf16>
  return %t : tensor<4xbf16>
}
