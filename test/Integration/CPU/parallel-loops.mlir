// Execution test of compress-cpu-parallelize-loops: a large elementwise op,
// a row reduction (compress-vectorize-matmuls' tile loops, rows split
// between threads) and a column reduction (its outer loop reduces: it stays
// on the calling thread), on one thread, on two and on three (more threads than the 2-core CI machine
// has cores still gives each its range), and on two with
// parallel-loops=false. Every run must give the same bits; the elementwise
// result must equal NumPy's float32 evaluation exactly, and the row sums
// NumPy's in-order sums within float32 rounding (the vector reduction adds
// lanes as a tree).
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/a.npy', np.random.default_rng(3).standard_normal((384, 512)).astype(np.float32))"
// RUN: compress-run %s --threads=1 --input %t/a.npy --output %t/t1.e.npy --output %t/t1.r.npy --output %t/t1.c.npy --quiet
// RUN: compress-run %s --threads=2 --input %t/a.npy --output %t/t2.e.npy --output %t/t2.r.npy --output %t/t2.c.npy --quiet
// RUN: compress-run %s --threads=3 --input %t/a.npy --output %t/t3.e.npy --output %t/t3.r.npy --output %t/t3.c.npy --quiet
// RUN: compress-run %s --threads=2 --lower-options=parallel-loops=false --input %t/a.npy --output %t/off.e.npy --output %t/off.r.npy --output %t/off.c.npy --quiet
// RUN: %python %S/Inputs/check_parallel_loops.py %t | FileCheck %s
// CHECK: ok: e identical in t1 t2 t3 off
// CHECK: ok: r identical in t1 t2 t3 off
// CHECK: ok: c identical in t1 t2 t3 off
// CHECK: ok: e equals numpy, r within rounding
// The two-thread lowering calls the runtime for the elementwise op and the
// row reduction; one thread and parallel-loops=false do not call it.
// RUN: compress-opt %s --compress-lower-to-cpu=threads=2 | FileCheck %s --check-prefix=LOWERED
// RUN: compress-opt %s --compress-lower-to-cpu=threads=1 | FileCheck %s --check-prefix=SERIAL
// RUN: compress-opt %s --compress-lower-to-cpu="threads=2 parallel-loops=false" | FileCheck %s --check-prefix=SERIAL
// LOWERED-COUNT-2: llvm.call @compress_cpu_parallel_for(
// LOWERED-NOT: llvm.call @compress_cpu_parallel_for(
// SERIAL-NOT: compress_cpu_parallel_for
#map = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @main(%a: tensor<384x512xf32>)
    -> (tensor<384x512xf32>, tensor<384xf32>, tensor<512xf32>) {
  %c = arith.constant 0.75 : f32
  %d = arith.constant 3.0 : f32
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<384x512xf32>
  %e = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<384x512xf32>) outs(%e0 : tensor<384x512xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %c : f32
    %z = arith.divf %y, %d : f32
    %w = arith.addf %z, %x : f32
    linalg.yield %w : f32
  } -> tensor<384x512xf32>
  %r0 = tensor.empty() : tensor<384xf32>
  %rf = linalg.fill ins(%zero : f32) outs(%r0 : tensor<384xf32>) -> tensor<384xf32>
  %r = linalg.generic {indexing_maps = [#map, #row], iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<384x512xf32>) outs(%rf : tensor<384xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.addf %o, %x : f32
    linalg.yield %y : f32
  } -> tensor<384xf32>
  %c0 = tensor.empty() : tensor<512xf32>
  %cf = linalg.fill ins(%zero : f32) outs(%c0 : tensor<512xf32>) -> tensor<512xf32>
  %s = linalg.generic {indexing_maps = [#map, #col], iterator_types = ["reduction", "parallel"]}
      ins(%a : tensor<384x512xf32>) outs(%cf : tensor<512xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.addf %o, %x : f32
    linalg.yield %y : f32
  } -> tensor<512xf32>
  return %e, %r, %s : tensor<384x512xf32>, tensor<384xf32>, tensor<512xf32>
}
