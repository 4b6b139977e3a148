// RUN: compress-opt %s -split-input-file --compress-insert-observers | FileCheck %s
// RUN: compress-opt %s -split-input-file --compress-insert-observers='ops=conv inputs=false' | FileCheck %s --check-prefix=CONV
// RUN: not compress-opt %s --compress-insert-observers='ops=softmax' 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: compress-opt %s -split-input-file --compress-insert-observers='layer-outputs=false' | FileCheck %s --check-prefix=NOLAYER

// ERR: error: compress-insert-observers: unknown op kind 'softmax' in option 'ops'; expected matmul, conv, add, mul or pool

// The input, the activation after the bias/ReLU generic (the second
// matmul's input) and the returned value are observed; weights are not, and
// the bias add (one constant operand) is part of the layer, not an add.
// CHECK-LABEL: func.func @mlp
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>)
// CHECK: %[[OX:.*]] = compress.observe %[[X]] {id = 0 : i64} : tensor<2x4xf32>
// CHECK: linalg.matmul ins(%[[OX]], %{{.*}} : tensor<2x4xf32>, tensor<4x3xf32>)
// CHECK: %[[H:.*]] = linalg.generic
// CHECK: %[[OH:.*]] = compress.observe %[[H]] {id = 1 : i64} : tensor<2x3xf32>
// CHECK: %[[Y:.*]] = linalg.matmul ins(%[[OH]], %{{.*}} : tensor<2x3xf32>, tensor<3x2xf32>)
// CHECK: %[[OY:.*]] = compress.observe %[[Y]] {id = 2 : i64} : tensor<2x2xf32>
// CHECK: return %[[OY]]
// CONV-LABEL: func.func @mlp
// CONV-NOT: compress.observe %arg0
// CONV: compress.observe %{{.*}} {id = 0 : i64} : tensor<2x2xf32>
func.func @mlp(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w1 = arith.constant dense<1.0> : tensor<4x3xf32>
  %b1 = arith.constant dense<0.5> : tensor<3xf32>
  %w2 = arith.constant dense<2.0> : tensor<3x2xf32>
  %e1 = tensor.empty() : tensor<2x3xf32>
  %e2 = tensor.empty() : tensor<2x2xf32>
  %m = linalg.matmul ins(%x, %w1 : tensor<2x4xf32>, tensor<4x3xf32>) outs(%e1 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %h = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
       ins(%m, %b1 : tensor<2x3xf32>, tensor<3xf32>) outs(%e1 : tensor<2x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x3xf32>
  %y = linalg.matmul ins(%h, %w2 : tensor<2x3xf32>, tensor<3x2xf32>) outs(%e2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// A residual add of two activations is quantizable: both operands are
// observed, each once, and the value used twice gets one observer.
// CHECK-LABEL: func.func @residual
// CHECK: %[[OX:.*]] = compress.observe %arg0 {id = 0 : i64}
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[OX]], %{{.*}} :
// CHECK: %[[OC:.*]] = compress.observe %[[C]] {id = 1 : i64}
// CHECK: linalg.add ins(%[[OC]], %[[OX]] :
// CHECK-NOT: compress.observe %[[C]]
func.func @residual(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %f = arith.constant dense<1.0> : tensor<1x1x2x2xf32>
  %e = tensor.empty() : tensor<1x4x4x2xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %f : tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>) outs(%e : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %s = linalg.add ins(%c, %x : tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) outs(%e : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %s : tensor<1x4x4x2xf32>
}

// -----

// Padding is observed through: the observer sits on the pooled activation,
// before the tensor.pad of the next convolution (compress-fuse-qdq pads the
// storage integers), so the max pooling's result reaches a quantize
// directly and pools on integers. The function's input is likewise observed
// once, before its pad.
// CHECK-LABEL: func.func @pad
// CHECK: %[[OX:.*]] = compress.observe %arg0 {id = 0 : i64}
// CHECK: tensor.pad %[[OX]]
// CHECK: %[[C:.*]] = linalg.conv_2d_nchw_fchw
// CHECK: %[[OC:.*]] = compress.observe %[[C]] {id = 1 : i64}
// CHECK: %[[P:.*]] = linalg.pooling_nchw_max {{.*}} ins(%[[OC]],
// CHECK: %[[OP:.*]] = compress.observe %[[P]] {id = 2 : i64}
// CHECK: tensor.pad %[[OP]]
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK-NOT: compress.observe {{.*}} {id = 4
// CHECK-NOT: compress.observe {{.*}} : tensor<2x2xf32>
func.func @pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<1x1x3x3xf32>
  %px = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x4x4xf32> to tensor<1x1x6x6xf32>
  %e = tensor.empty() : tensor<1x1x4x4xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%px, %w : tensor<1x1x6x6xf32>, tensor<1x1x3x3xf32>) outs(%e : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %window = tensor.empty() : tensor<2x2xf32>
  %ep = tensor.empty() : tensor<1x1x2x2xf32>
  %p = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
         ins(%c, %window : tensor<1x1x4x4xf32>, tensor<2x2xf32>) outs(%ep : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %pp = tensor.pad %p low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x2x2xf32> to tensor<1x1x4x4xf32>
  %e2 = tensor.empty() : tensor<1x1x2x2xf32>
  %c2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%pp, %w : tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) outs(%e2 : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %c2 : tensor<1x1x2x2xf32>
}

// -----

// A feed-forward layer's output (matmul, expand, bias add) read by a GELU in
// two places: the quantizable mul and a tanh. The observer the mul gets is
// shared by the tanh (layer-outputs, the default), so that the layer's float
// result has one reader; with layer-outputs=false the tanh reads the float.
// The tanh's output, read by the mul and by the returned sub, is no layer's
// output: only the mul reads its observer.
// CHECK-LABEL: func.func @gelu_reads_layer_output
// CHECK: %[[M:.*]] = linalg.matmul
// CHECK: %[[E:.*]] = tensor.expand_shape %[[M]]
// CHECK: %[[H:.*]] = linalg.generic {{.*}} ins(%[[E]], %{{.*}} :
// CHECK: %[[OH:.*]] = compress.observe %[[H]] {id = 1 : i64}
// CHECK: %[[T:.*]] = linalg.generic {{.*}} ins(%[[OH]] :
// CHECK: %[[OT:.*]] = compress.observe %[[T]] {id = 2 : i64}
// CHECK: %[[G:.*]] = linalg.generic {{.*}} ins(%[[OH]], %[[OT]] :
// CHECK: linalg.generic {{.*}} ins(%[[G]], %[[T]] :
// NOLAYER-LABEL: func.func @gelu_reads_layer_output
// NOLAYER: %[[H:.*]] = linalg.generic
// NOLAYER: %[[OH:.*]] = compress.observe %[[H]] {id = 1 : i64}
// NOLAYER: %[[T:.*]] = linalg.generic {{.*}} ins(%[[H]] :
// NOLAYER: %[[OT:.*]] = compress.observe %[[T]] {id = 2 : i64}
// NOLAYER: linalg.generic {{.*}} ins(%[[OH]], %[[OT]] :
#id2 = affine_map<(i, j) -> (i, j)>
#id3 = affine_map<(n, s, j) -> (n, s, j)>
#bias3 = affine_map<(n, s, j) -> (j)>
func.func @gelu_reads_layer_output(%x: tensor<4x8xf32>) -> tensor<2x2x16xf32> {
  %w = arith.constant dense<0.25> : tensor<8x16xf32>
  %b = arith.constant dense<0.5> : tensor<16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m3 = tensor.expand_shape %m [[0, 1], [2]] output_shape [2, 2, 16] : tensor<4x16xf32> into tensor<2x2x16xf32>
  %e3 = tensor.empty() : tensor<2x2x16xf32>
  %h = linalg.generic {indexing_maps = [#id3, #bias3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
       ins(%m3, %b : tensor<2x2x16xf32>, tensor<16xf32>) outs(%e3 : tensor<2x2x16xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<2x2x16xf32>
  %t = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
       ins(%h : tensor<2x2x16xf32>) outs(%e3 : tensor<2x2x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %y = math.tanh %a : f32
    linalg.yield %y : f32
  } -> tensor<2x2x16xf32>
  %g = linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
       ins(%h, %t : tensor<2x2x16xf32>, tensor<2x2x16xf32>) outs(%e3 : tensor<2x2x16xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %y = arith.mulf %a, %c : f32
    linalg.yield %y : f32
  } -> tensor<2x2x16xf32>
  %r = linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
       ins(%g, %t : tensor<2x2x16xf32>, tensor<2x2x16xf32>) outs(%e3 : tensor<2x2x16xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %y = arith.subf %a, %c : f32
    linalg.yield %y : f32
  } -> tensor<2x2x16xf32>
  return %r : tensor<2x2x16xf32>
}
