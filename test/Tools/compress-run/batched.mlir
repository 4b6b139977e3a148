// compress-run runs a function batch by batch over stacked inputs and
// concatenates the results; float, i64 and i1 data pass exactly. The
// reference is numpy's (batched.py), on the same inputs.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/batched.py inputs %t
// RUN: compress-run %s -e model --input %t/x.npy --input %t/n.npy \
// RUN:   --output %t/y.npy --output %t/m.npy --output %t/p.npy \
// RUN:   --timing-json %t/timing.json --progress=off 2>&1 | FileCheck %s
// RUN: %python %S/batched.py check %t 5
// The same with the wrapper copying each result into the output buffers
// instead of the model writing them (compress-lower-to-cpu's
// results-to-destinations off): the variants agree with numpy alike.
// RUN: rm %t/y.npy %t/m.npy %t/p.npy
// RUN: compress-run %s -e model --input %t/x.npy --input %t/n.npy \
// RUN:   --output %t/y.npy --output %t/m.npy --output %t/p.npy \
// RUN:   --lower-options=results-to-destinations=false --quiet
// RUN: %python %S/batched.py check %t 5
// One batch: the inputs fit the arguments as they are.
// RUN: compress-run %s -e model --input %t/x1.npy --input %t/n1.npy \
// RUN:   --output %t/y.npy --output %t/m.npy --output %t/p.npy \
// RUN:   --timing-json %t/timing.json --quiet
// RUN: %python %S/batched.py check %t 1
// A result without --output is summarized.
// RUN: compress-run %s -e model --input %t/x.npy --input %t/n.npy \
// RUN:   --warmup 2 --repeat 3 2>&1 | FileCheck %s --check-prefix=SUMMARY

// CHECK: compress-run: @model: 5 batch(es) of 2 x 1 run(s): {{[0-9.]+}} ms mean

// SUMMARY: result 0: 10x4 <f4 (not written; pass --output)
// SUMMARY: result 1: 10 <i8
// SUMMARY: result 2: 10x3 |b1
// SUMMARY: @model: 5 batch(es) of 2 x 3 run(s)

func.func @model(%x: tensor<2x3xf32>, %n: tensor<2xi64>)
    -> (tensor<2x4xf32>, tensor<2xi64>, tensor<2x3xi1>) {
  %w = arith.constant dense<[[1.0, -2.0, 0.5, 0.0],
                             [0.25, 1.0, -1.0, 2.0],
                             [-0.5, 0.0, 3.0, 1.0]]> : tensor<3x4xf32>
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<2x4xf32>)
      -> tensor<2x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x3xf32>, tensor<3x4xf32>)
                     outs(%acc : tensor<2x4xf32>) -> tensor<2x4xf32>
  %three = arith.constant dense<3> : tensor<2xi64>
  %one = arith.constant dense<1> : tensor<2xi64>
  %n3 = arith.muli %n, %three : tensor<2xi64>
  %m = arith.addi %n3, %one : tensor<2xi64>
  %zeros = arith.constant dense<0.0> : tensor<2x3xf32>
  %p = arith.cmpf ogt, %x, %zeros : tensor<2x3xf32>
  return %y, %m, %p : tensor<2x4xf32>, tensor<2xi64>, tensor<2x3xi1>
}

// Not called by compress-run: it would need the runner-utils library.
func.func private @printMemrefF32(memref<*xf32>)
func.func @main() {
  return
}
