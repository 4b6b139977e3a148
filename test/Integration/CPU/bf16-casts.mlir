// f32 -> bf16 -> f32 casts in JIT-compiled code (compress-run): LLVM would
// call compiler-rt's __truncsfbf2,
// which the JIT's process and GCC 12's libgcc lack ("Symbols not found"),
// so compress-lower-to-cpu expands the casts into integer operations. The
// results must round to nearest even exactly as NumPy's bit arithmetic
// does: ties (1 + 2^-8 goes to 1, 1 + 3 * 2^-8 to 1 + 2^-6), values just
// above a tie, negatives, subnormals, the largest float (to infinity),
// infinities and NaN (stays NaN), and 4099 spread values (vector and
// scalar remainder loops).
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %s.py make %t/x.npy
// RUN: compress-run %s --input %t/x.npy --output %t/y.npy --quiet
// RUN: %python %s.py check %t/x.npy %t/y.npy | FileCheck %s
// CHECK: ok: 4113 values round to nearest even
// RUN: compress-opt %s --compress-lower-to-cpu | FileCheck %s --check-prefix=LOWERED
// LOWERED-NOT: __truncsfbf2
// LOWERED-NOT: bf16
func.func @main(%x: tensor<4113xf32>) -> tensor<4113xf32> {
  %e = tensor.empty() : tensor<4113xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
       ins(%x : tensor<4113xf32>) outs(%e : tensor<4113xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.truncf %in : f32 to bf16
    %w = arith.extf %t : bf16 to f32
    linalg.yield %w : f32
  } -> tensor<4113xf32>
  return %r : tensor<4113xf32>
}
