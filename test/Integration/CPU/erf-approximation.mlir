// Execution test of compress-approximate-erf (on by default in
// compress-lower-to-cpu): erf of 20001 points on [-5, 5], and of +-inf and
// NaN, against Python's math.erf. The approximation stays within 2.5e-7 of
// the exact values; libm's erff (approximate-erf=false) within 1e-7.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; x = np.linspace(-5, 5, 20001).astype(np.float32); x[:3] = [np.inf, -np.inf, np.nan]; np.save('%t/x.npy', x)"
// RUN: compress-run %s --input %t/x.npy --output %t/approx.npy --quiet
// RUN: compress-run %s --lower-options=approximate-erf=false --input %t/x.npy --output %t/libm.npy --quiet
// RUN: %python %S/Inputs/check_erf.py %t/x.npy %t/approx.npy 2.5e-7 | FileCheck %s
// RUN: %python %S/Inputs/check_erf.py %t/x.npy %t/libm.npy 1e-7 | FileCheck %s
// CHECK: ok erf
// The default pipeline calls no libm erff; approximate-erf=false does.
// RUN: compress-opt %s --compress-lower-to-cpu | FileCheck %s --check-prefix=LOWERED
// RUN: compress-opt %s --compress-lower-to-cpu=approximate-erf=false | FileCheck %s --check-prefix=LIBM
// LOWERED-NOT: @erff
// LIBM: llvm.call @erff
func.func @main(%x: tensor<20001xf32>) -> tensor<20001xf32> {
  %e = tensor.empty() : tensor<20001xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<20001xf32>) outs(%e : tensor<20001xf32>) {
  ^bb0(%a: f32, %o: f32):
    %y = math.erf %a : f32
    linalg.yield %y : f32
  } -> tensor<20001xf32>
  return %r : tensor<20001xf32>
}
