// A float layer, y = relu(x W + b): the matmul is a reduction kernel that
// accumulates in a register in the order of k, with separately rounded
// multiplies and adds (no contraction into fma, as on the CPU path, so both
// round alike); bias and ReLU are one fused elementwise kernel. Weights and
// bias are globals of the kernels' GPU modules.
//
// REQUIRES: ptxas
// RUN: rm -rf %t && mkdir -p %t
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_80 dump-ptx=%t/sm80" -o /dev/null
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_90 dump-ptx=%t/sm90" -o /dev/null
// RUN: %python %S/assemble_ptx.py %ptxas sm_80 %t/sm80 | FileCheck %s --check-prefix=ASM80
// RUN: %python %S/assemble_ptx.py %ptxas sm_90 %t/sm90 | FileCheck %s --check-prefix=ASM90
// RUN: FileCheck %s --check-prefix=MATMUL < %t/sm90/layer_k1_reduction.ptx
// RUN: FileCheck %s --check-prefix=EPILOGUE < %t/sm90/layer_k2_parallel.ptx
// ASM80: assembled 3 PTX files for sm_80
// ASM90: assembled 3 PTX files for sm_90

// MATMUL: .global .align 64 .b8 __constant_8x4xf32[128]
// MATMUL: .visible .entry layer_k1_reduction(
// MATMUL-NOT: fma
// MATMUL-COUNT-8: add.rn.f32
// MATMUL-NOT: fma
// MATMUL: st.global.b32

// EPILOGUE: .global .align 64 .b8 __constant_4xf32[16]
// EPILOGUE: .visible .entry layer_k2_parallel(
// EPILOGUE: add.rn.f32
// EPILOGUE: max.NaN.f32 {{.*}}, 0f00000000;
#id = affine_map<(i, j) -> (i, j)>
#bias = affine_map<(i, j) -> (j)>
func.func @layer(%x: tensor<4x8xf32>) -> tensor<4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[0.5, -0.25, 1.0, 0.0], [-1.0, 0.75, 0.5, 2.0], [0.25, 0.25, -0.5, 1.5],
                             [1.0, -1.0, 0.0, 0.5], [-0.5, 0.5, 1.0, -2.0], [2.0, 0.0, -0.25, 0.25],
                             [0.0, 1.5, 0.75, -1.0], [-0.75, -0.5, 0.25, 1.0]]> : tensor<8x4xf32>
  %b = arith.constant dense<[0.5, -1.0, 0.0, 0.25]> : tensor<4xf32>
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #bias, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<4x4xf32>, tensor<4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}
