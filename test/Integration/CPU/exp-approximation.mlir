// Execution test of compress-approximate-exp (on by default in
// compress-lower-to-cpu): exp of 200001 points on [-87, 88] (every exact
// value a normal f32), of a dense sample of [-1, 1] (softmax's typical
// inputs), and of +-inf and NaN, against NumPy's exp in float64. The
// approximation stays within a relative 1e-7 of the exact values (8.1e-8
// measured), libm's expf (approximate-exp=false) too (6e-8).
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; x = np.concatenate([np.linspace(-87, 88, 200001), np.linspace(-1, 1, 100000)]).astype(np.float32)[:300001]; x[:3] = [np.inf, -np.inf, np.nan]; np.save('%t/x.npy', x)"
// RUN: compress-run %s --input %t/x.npy --output %t/approx.npy --quiet
// RUN: compress-run %s --lower-options=approximate-exp=false --input %t/x.npy --output %t/libm.npy --quiet
// RUN: %python %S/Inputs/check_exp.py %t/x.npy %t/approx.npy 1e-7 | FileCheck %s
// RUN: %python %S/Inputs/check_exp.py %t/x.npy %t/libm.npy 1e-7 | FileCheck %s
// CHECK: ok exp
// The default pipeline calls no libm expf; approximate-exp=false does.
// RUN: compress-opt %s --compress-lower-to-cpu | FileCheck %s --check-prefix=LOWERED
// RUN: compress-opt %s --compress-lower-to-cpu=approximate-exp=false | FileCheck %s --check-prefix=LIBM
// LOWERED-NOT: llvm.intr.exp
// LOWERED-NOT: @expf
// LIBM: llvm.intr.exp
func.func @main(%x: tensor<300001xf32>) -> tensor<300001xf32> {
  %e = tensor.empty() : tensor<300001xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<300001xf32>) outs(%e : tensor<300001xf32>) {
  ^bb0(%a: f32, %o: f32):
    %y = math.exp %a : f32
    linalg.yield %y : f32
  } -> tensor<300001xf32>
  return %r : tensor<300001xf32>
}
