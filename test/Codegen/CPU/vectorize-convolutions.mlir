// RUN: compress-opt %s --compress-vectorize-convolutions --split-input-file | FileCheck %s
// RUN: compress-opt %s --compress-vectorize-convolutions=max-channels=4 --split-input-file | FileCheck %s --check-prefix=FOUR
// RUN: not compress-opt %s --compress-vectorize-convolutions=max-channels=0 2>&1 | FileCheck %s --check-prefix=ERR

// A float NCHW convolution: loops over images, 8-channel tiles of the 16
// output channels, output rows and filter rows; each tile is vector code
// over a whole output row.
// CHECK-LABEL: func.func @conv
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK: scf.for %{{.*}} = %c0 to %c16 step %c8
// CHECK: scf.for
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1
// CHECK: vector.transfer_read
// CHECK: vector.contract
// CHECK-SAME: vector<1x8x8xf32>
// CHECK: vector.transfer_write
// CHECK-NOT: linalg.conv
// FOUR-LABEL: func.func @conv
// FOUR: scf.for %{{.*}} = %c0 to %c16 step %c4
// ERR: error: compress-vectorize-convolutions: option 'max-channels' must be at least 1
func.func @conv(%x: tensor<2x4x10x10xf32>, %w: tensor<16x4x3x3xf32>,
                %o: tensor<2x16x8x8xf32>) -> tensor<2x16x8x8xf32> {
  %0 = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<2x4x10x10xf32>, tensor<16x4x3x3xf32>)
                                outs(%o : tensor<2x16x8x8xf32>) -> tensor<2x16x8x8xf32>
  return %0 : tensor<2x16x8x8xf32>
}

// -----

// Dynamic shapes and mixed element types are left alone.
// CHECK-LABEL: func.func @dynamic
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK-LABEL: func.func @mixed
// CHECK: linalg.conv_2d_nchw_fchw
func.func @dynamic(%x: tensor<?x4x10x10xf32>, %w: tensor<16x4x3x3xf32>,
                   %o: tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32> {
  %0 = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<?x4x10x10xf32>, tensor<16x4x3x3xf32>)
                                outs(%o : tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
  return %0 : tensor<?x16x8x8xf32>
}
func.func @mixed(%x: tensor<2x4x10x10xf16>, %w: tensor<16x4x3x3xf16>,
                 %o: tensor<2x16x8x8xf32>) -> tensor<2x16x8x8xf32> {
  %0 = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<2x4x10x10xf16>, tensor<16x4x3x3xf16>)
                                outs(%o : tensor<2x16x8x8xf32>) -> tensor<2x16x8x8xf32>
  return %0 : tensor<2x16x8x8xf32>
}

// -----

// The integer kernel of compress-fuse-qdq (u8 activations, i8 weights, i32
// sums, stride 2): both operands are extended to i32 (unsigned and signed,
// as its body does) and the convolution becomes i32 vector code.
#in = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh * 2 + kh, ow * 2 + kw)>
#fl = affine_map<(n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw)>
#out = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>
// CHECK-LABEL: func.func @int8_conv
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: scf.for %{{.*}} = %c0 to %c8 step %c8
// CHECK: vector.contract {{.*}} into vector<1x1x8xi32>
// CHECK-NOT: linalg.conv
func.func @int8_conv(%x: tensor<1x4x9x9xi8>, %w: tensor<8x4x3x3xi8>,
                     %o: tensor<1x8x4x4xi32>) -> tensor<1x8x4x4xi32> {
  %0 = linalg.generic {indexing_maps = [#in, #fl, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x4x9x9xi8>, tensor<8x4x3x3xi8>) outs(%o : tensor<1x8x4x4xi32>) {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %m = arith.muli %ae, %be : i32
    %s = arith.addi %acc, %m : i32
    linalg.yield %s : i32
  } -> tensor<1x8x4x4xi32>
  return %0 : tensor<1x8x4x4xi32>
}

// -----

// A reduction with convolution maps but another body (a max) is not a
// convolution kernel and stays a generic.
#in2 = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh + kh, ow + kw)>
#fl2 = affine_map<(n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw)>
#out2 = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>
// CHECK-LABEL: func.func @not_a_conv
// CHECK: linalg.generic
// CHECK: arith.maxsi
// CHECK-NOT: vector.contract
func.func @not_a_conv(%x: tensor<1x4x6x6xi8>, %w: tensor<8x4x3x3xi8>,
                      %o: tensor<1x8x4x4xi32>) -> tensor<1x8x4x4xi32> {
  %0 = linalg.generic {indexing_maps = [#in2, #fl2, #out2],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x4x6x6xi8>, tensor<8x4x3x3xi8>) outs(%o : tensor<1x8x4x4xi32>) {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %ae = arith.extui %a : i8 to i32
    %m = arith.maxsi %acc, %ae : i32
    linalg.yield %m : i32
  } -> tensor<1x8x4x4xi32>
  return %0 : tensor<1x8x4x4xi32>
}
