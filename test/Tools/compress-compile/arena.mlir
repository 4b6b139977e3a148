// The header reports the bytes of arena a call uses for intermediate
// buffers (NAME_ARENA_BYTES), summed over call depths.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: compress-compile %s -o %t/whole.so --emit-header=%t/whole.h
// RUN: FileCheck %s --check-prefix=WHOLE < %t/whole.h
// RUN: compress-compile %s -o %t/split.so --emit-header=%t/split.h \
// RUN:   --lower-options=batch-chunk=1
// RUN: FileCheck %s --check-prefix=SPLIT < %t/split.h
// RUN: compress-compile %s -o %t/malloc.so --emit-header=%t/malloc.h \
// RUN:   --lower-options=arena=false
// RUN: FileCheck %s --check-prefix=MALLOC < %t/malloc.h
//
// Two dense layers at batch 4: the hidden activation before and after the
// ReLU (4 x 64 floats, 1024 bytes each, alive together: the ReLU is a loop
// between the two matmul calls) are the intermediate buffers; the result
// is the caller's (written in place). One sample at a time
// (compress-split-batch) the chunk's two buffers are 256 bytes each, and
// the loop over the chunks assembles the 4 x 16 result (256 bytes) in its
// arena before copying it out (a loop-carried buffer, which
// results-to-destinations does not replace by the destination); with
// arena=false there is none.
// WHOLE: #define NET_ARENA_BYTES 2048
// SPLIT: #define NET_ARENA_BYTES 768
// MALLOC: #define NET_ARENA_BYTES 0

func.func @net(%x: tensor<4x32xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<0.03125> : tensor<32x64xf32>
  %w2 = arith.constant dense<0.015625> : tensor<64x16xf32>
  %e1 = tensor.empty() : tensor<4x64xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4x64xf32>) -> tensor<4x64xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<4x32xf32>, tensor<32x64xf32>) outs(%f1 : tensor<4x64xf32>) -> tensor<4x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%h : tensor<4x64xf32>) outs(%e1 : tensor<4x64xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.maximumf %v, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x64xf32>
  %e2 = tensor.empty() : tensor<4x16xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul ins(%r, %w2 : tensor<4x64xf32>, tensor<64x16xf32>) outs(%f2 : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
