// RUN: compress-opt %s --split-input-file --compress-split-batch="chunk=2 remarks=true" \
// RUN:   --verify-diagnostics | FileCheck %s
// RUN: compress-opt %s --split-input-file --compress-split-batch="max-bytes=2048" \
// RUN:   2>&1 | FileCheck %s --check-prefix=AUTO
// RUN: not compress-opt %s --split-input-file --compress-split-batch="chunk=3" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BADCHUNK
// RUN: not compress-opt %s --compress-split-batch="chunk=-1" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NEGATIVE

// A small CNN at batch 4: padding, a convolution whose accumulator starts
// as the broadcast bias, ReLU, a flatten and a dense layer. The body moves
// into @cnn__chunk2 at batch 2 (every batched type, the bias broadcast
// rebuilt at 2 rows), and @cnn loops over the two chunks.
// CHECK-LABEL: func.func private @cnn__chunk2(
// CHECK-SAME: %[[X:.*]]: tensor<2x3x6x6xf32>) -> tensor<2x5xf32>
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: } : tensor<2x3x6x6xf32> to tensor<2x3x8x8xf32>
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<2x4x6x6xf32>
// CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<4xf32>) outs(%[[EMPTY]] : tensor<2x4x6x6xf32>)
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%[[PAD]], %{{.*}} : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%[[BIAS]] : tensor<2x4x6x6xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[CONV]] : tensor<2x4x6x6xf32>) outs(%{{.*}} : tensor<2x4x6x6xf32>)
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2, 3]] : tensor<2x4x6x6xf32> into tensor<2x144xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x5xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x144xf32>, tensor<144x5xf32>) outs(%{{.*}} : tensor<2x5xf32>)
// CHECK: return %{{.*}} : tensor<2x5xf32>
// CHECK-LABEL: func.func @cnn(
// CHECK-SAME: %[[ARG:.*]]: tensor<4x3x6x6xf32>) -> tensor<4x5xf32>
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[INIT:.*]] = tensor.empty() : tensor<4x5xf32>
// CHECK: %[[R:.*]] = scf.for %[[I:.*]] = %[[C0]] to %[[C4]] step %[[C2]] iter_args(%[[ACC:.*]] = %[[INIT]])
// CHECK: %[[S:.*]] = tensor.extract_slice %[[ARG]][%[[I]], 0, 0, 0] [2, 3, 6, 6] [1, 1, 1, 1]
// CHECK: %[[Y:.*]] = func.call @cnn__chunk2(%[[S]])
// CHECK: %[[U:.*]] = tensor.insert_slice %[[Y]] into %[[ACC]][%[[I]], 0] [2, 5] [1, 1]
// CHECK: scf.yield %[[U]]
// CHECK: return %[[R]] : tensor<4x5xf32>
// With max-bytes=2048: the largest batched tensor, the padded input, has
// 3 x 8 x 8 floats (768 bytes) a sample, so two samples per chunk; the
// weights (the 16-byte bias: splats do not count) do not ask for more.
// AUTO-LABEL: func.func private @cnn__chunk2(
// AUTO-LABEL: func.func @cnn(
// BADCHUNK: error: compress-split-batch: chunk=3 does not divide the batch 4
// NEGATIVE: error: compress-split-batch: chunk and max-bytes must not be negative
func.func @cnn(%x: tensor<4x3x6x6xf32>) -> tensor<4x5xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %fc = arith.constant dense<0.25> : tensor<144x5xf32>
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<4x3x6x6xf32> to tensor<4x3x8x8xf32>
  %e = tensor.empty() : tensor<4x4x6x6xf32>
  %bias = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                          iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<4xf32>) outs(%e : tensor<4x4x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<4x4x6x6xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%padded, %w : tensor<4x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%bias : tensor<4x4x6x6xf32>) -> tensor<4x4x6x6xf32>
  %e2 = tensor.empty() : tensor<4x4x6x6xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                          iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv : tensor<4x4x6x6xf32>) outs(%e2 : tensor<4x4x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x4x6x6xf32>
  %flat = tensor.collapse_shape %relu [[0], [1, 2, 3]] : tensor<4x4x6x6xf32> into tensor<4x144xf32>
  %e3 = tensor.empty() : tensor<4x5xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e3 : tensor<4x5xf32>) -> tensor<4x5xf32>
  %y = linalg.matmul ins(%flat, %fc : tensor<4x144xf32>, tensor<144x5xf32>) outs(%acc : tensor<4x5xf32>) -> tensor<4x5xf32>
  return %y : tensor<4x5xf32>
}

// -----

// A transformer's reshape folds the sequence into dimension 0 (8 rows a
// sample); the matmul runs over the chunk's 16 rows, and the row-wise
// softmax-like reduction over the last dimension keeps samples apart.
// CHECK-LABEL: func.func private @encoder__chunk2(
// CHECK-SAME: tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<2x8x16xf32> into tensor<16x16xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<16x16xf32>, tensor<16x16xf32>) outs(%{{.*}} : tensor<16x16xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<16x16xf32>) outs(%{{.*}} : tensor<16xf32>)
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [2, 8, 16] : tensor<16x16xf32> into tensor<2x8x16xf32>
// CHECK-LABEL: func.func @encoder(
// CHECK: scf.for
// CHECK: func.call @encoder__chunk2
func.func @encoder(%x: tensor<4x8x16xf32>) -> tensor<4x8x16xf32> {
  %w = arith.constant dense<0.125> : tensor<16x16xf32>
  %zero = arith.constant 0.0 : f32
  %rows = tensor.collapse_shape %x [[0, 1], [2]] : tensor<4x8x16xf32> into tensor<32x16xf32>
  %e = tensor.empty() : tensor<32x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<32x16xf32>) -> tensor<32x16xf32>
  %h = linalg.matmul ins(%rows, %w : tensor<32x16xf32>, tensor<16x16xf32>) outs(%z : tensor<32x16xf32>) -> tensor<32x16xf32>
  %es = tensor.empty() : tensor<32xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<32xf32>) -> tensor<32xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                         iterator_types = ["parallel", "reduction"]}
      ins(%h : tensor<32x16xf32>) outs(%zs : tensor<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<32xf32>
  %e2 = tensor.empty() : tensor<32x16xf32>
  %norm = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>],
                          iterator_types = ["parallel", "parallel"]}
      ins(%h, %sum : tensor<32x16xf32>, tensor<32xf32>) outs(%e2 : tensor<32x16xf32>) {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %d = arith.divf %in, %s : f32
    linalg.yield %d : f32
  } -> tensor<32x16xf32>
  %y = tensor.expand_shape %norm [[0, 1], [2]] output_shape [4, 8, 16] : tensor<32x16xf32> into tensor<4x8x16xf32>
  return %y : tensor<4x8x16xf32>
}

// -----

// A sum over the batch mixes samples: left unchanged.
// CHECK-LABEL: func.func @batch_sum(
// CHECK-NOT: scf.for
// CHECK-NOT: __chunk
func.func @batch_sum(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  // expected-remark @below {{compress-split-batch: batch_sum not split: a reduction over the batch}}
  %s = linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (c)>],
                       iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%z : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<8xf32>
  %e2 = tensor.empty() : tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (c)>, affine_map<(n, c) -> (n, c)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %s : tensor<4x8xf32>, tensor<8xf32>) outs(%e2 : tensor<4x8xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %d = arith.subf %in, %m : f32
    linalg.yield %d : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Padding the batch dimension makes rows that belong to no sample.
// CHECK-LABEL: func.func @pad_batch(
// CHECK-NOT: __chunk
func.func @pad_batch(%x: tensor<4x8xf32>) -> tensor<4x10xf32> {
  %zero = arith.constant 0.0 : f32
  // expected-remark @below {{compress-split-batch: pad_batch not split: padding of the batch dimension}}
  %p = tensor.pad %x low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<4x8xf32> to tensor<6x10xf32>
  %s = tensor.extract_slice %p[0, 0] [4, 10] [1, 1] : tensor<6x10xf32> to tensor<4x10xf32>
  return %s : tensor<4x10xf32>
}

// -----

// A call may do anything with the samples.
// CHECK-LABEL: func.func @calls(
// CHECK-NOT: __chunk
func.func private @observe(tensor<4x8xf32>) -> tensor<4x8xf32>
func.func @calls(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-remark @below {{compress-split-batch: calls not split: an op that this pass does not know to keep samples apart}}
  %y = func.call @observe(%x) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// A body that reads the batch index computes a different function of each
// chunk's rows.
// CHECK-LABEL: func.func @reads_index(
// CHECK-NOT: __chunk
func.func @reads_index(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  // expected-remark @below {{compress-split-batch: reads_index not split: a body that reads the batch index}}
  %y = linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (n, c)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = linalg.index 0 : index
    %i = arith.index_cast %n : index to i32
    %f = arith.sitofp %i : i32 to f32
    %a = arith.addf %in, %f : f32
    linalg.yield %a : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// A constant with the batch's rows is not the same in every chunk.
// CHECK-LABEL: func.func @batched_constant(
// CHECK-NOT: __chunk
func.func @batched_constant(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %c = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  // expected-remark @below {{compress-split-batch: batched_constant not split: an unbatched operand indexed by the batch loop}}
  %y = linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (n, c)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %c : tensor<4x2xf32>, tensor<4x2xf32>) outs(%e : tensor<4x2xf32>) {
  ^bb0(%in: f32, %k: f32, %out: f32):
    %a = arith.addf %in, %k : f32
    linalg.yield %a : f32
  } -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Batch 1, or arguments of different batch sizes: nothing to split.
// CHECK-LABEL: func.func @single(
// CHECK-NOT: __chunk
func.func @single(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  return %x : tensor<1x8xf32>
}
// expected-remark @below {{compress-split-batch: mixed not split: arguments and results of different batch sizes}}
func.func @mixed(%x: tensor<4x8xf32>, %y: tensor<8xf32>) -> tensor<4x8xf32> {
  return %x : tensor<4x8xf32>
}

// -----

// An ONNX Reshape through a flat vector: the collapse puts 12 rows a sample
// into dimension 0, the expand takes them back to one.
// CHECK-LABEL: func.func private @flat_reshape__chunk2(
// CHECK-SAME: tensor<2x3x4xf32>) -> tensor<2x6x2xf32>
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1, 2]] output_shape [2, 6, 2] : tensor<24xf32> into tensor<2x6x2xf32>
func.func @flat_reshape(%x: tensor<4x3x4xf32>) -> tensor<4x6x2xf32> {
  %flat = tensor.collapse_shape %x [[0, 1, 2]] : tensor<4x3x4xf32> into tensor<48xf32>
  %y = tensor.expand_shape %flat [[0, 1, 2]] output_shape [4, 6, 2] : tensor<48xf32> into tensor<4x6x2xf32>
  return %y : tensor<4x6x2xf32>
}

// -----

// A reshape that moves rows between samples ([4, 6] -> [3, 8]) is refused.
// CHECK-LABEL: func.func @mixing_reshape(
// CHECK-NOT: __chunk
func.func @mixing_reshape(%x: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %flat = tensor.collapse_shape %x [[0, 1]] : tensor<4x6xf32> into tensor<24xf32>
  // expected-remark @below {{compress-split-batch: mixing_reshape not split: a reshape that splits a sample's rows}}
  %y = tensor.expand_shape %flat [[0, 1]] output_shape [3, 8] : tensor<24xf32> into tensor<3x8xf32>
  %z = tensor.collapse_shape %y [[0, 1]] : tensor<3x8xf32> into tensor<24xf32>
  %w = tensor.expand_shape %z [[0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
  return %w : tensor<4x6xf32>
}
