// compress-insert-observers' layer-outputs: a feed-forward layer whose
// output (after its bias) a GELU reads in several places (x / sqrt(2) into
// erf, and x times (1 + erf(...))) becomes integer arithmetic after the
// quantization passes, because every reader shares the layer's observer
// (the quantize/dequantize pair of onnxruntime's QDQ format); with
// layer-outputs=false only the mul reads it, the float result has a second
// reader and the matmul stays float. The ranges are given as a stats file.
//
// RUN: echo '{"observers": [{"id": 0, "min": -2.0, "max": 2.0}, {"id": 1, "min": -4.0, "max": 4.0}, {"id": 2, "min": 0.0, "max": 2.0}, {"id": 3, "min": -0.25, "max": 4.0}, {"id": 4, "min": -2.0, "max": 6.0}]}' > %t.json
// RUN: compress-opt %s --compress-insert-observers --compress-fold-calibration=stats=%t.json \
// RUN:   --compress-quantize-weights --compress-fuse-qdq 2>&1 | FileCheck %s
// RUN: compress-opt %s --compress-insert-observers=layer-outputs=false --compress-fold-calibration=stats=%t.json \
// RUN:   --compress-quantize-weights --compress-fuse-qdq 2>&1 | FileCheck %s --check-prefix=FLOAT

// CHECK-NOT: linalg.matmul
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<4x8xi8>, tensor<8x16xi8>) outs(%{{.*}} : tensor<4x16xi32>)
// CHECK: %[[Q:.*]] = compress.requantize %[[ACC]] {{.*}} : tensor<4x16xi32> -> tensor<4x16x!quant.uniform<u8:f32, 0.031372549019607843:128>>
// CHECK: %[[X:.*]] = compress.dequantize %[[Q]]
// CHECK: linalg.generic {{.*}} ins(%[[X]], %{{.*}} : tensor<4x16xf32>, tensor<f32>)
// CHECK: math.erf
// CHECK: ins(%{{.*}}, %{{.*}} : tensor<4x16xi8>, tensor<16x4xi8>) outs(%{{.*}} : tensor<4x4xi32>)
// CHECK-NOT: linalg.matmul

// FLOAT: remark: not fused into integer arithmetic: the float result has more than one use
// FLOAT: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8x16xf32>)
#id2 = affine_map<(i, j) -> (i, j)>
#bias = affine_map<(i, j) -> (j)>
#scalar = affine_map<(i, j) -> ()>
func.func @ffn(%x: tensor<4x8xf32>) -> tensor<4x4xf32> {
  %w1 = arith.constant dense<[[0.5, -0.25, 0.125, 1.0, -1.0, 0.75, 0.0, 0.25, -0.5, 0.5, 0.25, -0.75, 1.0, 0.5, -0.125, 0.375], [0.25, 0.5, -0.5, 0.125, 0.75, -0.25, 1.0, -1.0, 0.5, 0.0, -0.375, 0.25, 0.5, -0.5, 0.25, 0.125], [-0.5, 0.25, 0.5, -0.125, 0.25, 0.5, -0.75, 0.5, 0.125, -0.25, 0.5, 1.0, -0.5, 0.25, 0.75, -0.25], [1.0, -0.5, 0.25, 0.5, -0.25, 0.125, 0.5, -0.5, 0.75, 0.25, -1.0, 0.5, 0.25, -0.75, 0.5, 0.0], [0.125, 0.75, -0.25, -0.5, 0.5, 1.0, 0.25, 0.125, -0.5, 0.75, 0.5, -0.25, 0.0, 0.5, -1.0, 0.25], [-0.25, 0.5, 1.0, 0.25, -0.125, -0.5, 0.5, 0.75, 0.25, -0.5, 0.125, 0.5, 0.75, 0.0, 0.25, -0.5], [0.75, 0.0, -0.5, 0.25, 0.5, 0.25, -0.125, -0.25, 1.0, 0.5, 0.25, -0.5, -0.25, 0.125, 0.5, 0.75], [0.5, 0.25, 0.75, -1.0, 0.0, -0.5, 0.25, 0.5, -0.25, 0.125, 0.75, 0.25, 0.5, -0.5, 0.0, 1.0]]> : tensor<8x16xf32>
  %b1 = arith.constant dense<0.125> : tensor<16xf32>
  %w2 = arith.constant dense<0.25> : tensor<16x4xf32>
  %rsqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m = linalg.matmul ins(%x, %w1 : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %h = linalg.generic {indexing_maps = [#id2, #bias, #id2], iterator_types = ["parallel", "parallel"]}
       ins(%m, %b1 : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  %d = linalg.generic {indexing_maps = [#id2, #scalar, #id2], iterator_types = ["parallel", "parallel"]}
       ins(%h, %rsqrt2 : tensor<4x16xf32>, tensor<f32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.divf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
       ins(%d : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = math.erf %a : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  %p = linalg.generic {indexing_maps = [#id2, #scalar, #id2], iterator_types = ["parallel", "parallel"]}
       ins(%r, %one : tensor<4x16xf32>, tensor<f32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  %g = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
       ins(%h, %p : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.mulf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  %g2 = linalg.generic {indexing_maps = [#id2, #scalar, #id2], iterator_types = ["parallel", "parallel"]}
       ins(%g, %half : tensor<4x16xf32>, tensor<f32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.mulf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  %e2 = tensor.empty() : tensor<4x4xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %y = linalg.matmul ins(%g2, %w2 : tensor<4x16xf32>, tensor<16x4xf32>) outs(%f2 : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}
