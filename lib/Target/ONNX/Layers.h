//===- Layers.h - convolutions and matrix products --------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The layer structure shared by the float ops (Conv, MatMul, Gemm) and the
// integer ones (QLinearConv, ConvInteger, QLinearMatMul, MatMulInteger):
// window geometry from the ONNX attributes, and the linalg named ops that
// compute the products, on float or i32 tensors alike.
//
//===----------------------------------------------------------------------===//

#ifndef LIB_TARGET_ONNX_LAYERS_H
#define LIB_TARGET_ONNX_LAYERS_H

#include "Importer.h"

namespace mlir::compress::onnx_import {

/// A convolution or pooling window over the spatial dimensions.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, padsBegin, padsEnd;
  /// The output's spatial sizes.
  SmallVector<int64_t> output;
  /// Padding past padsEnd that ceil_mode needs to compute its last, partial
  /// window; it is not padding in ONNX's sense (an average does not count
  /// it).
  SmallVector<int64_t> ceilPadding;

  size_t getRank() const { return kernel.size(); }
};

/// Reads auto_pad, pads, strides, dilations, kernel_shape and, when
/// `isPooling`, ceil_mode, for an input with the spatial sizes
/// `inputSpatial`. A convolution passes its filter's spatial sizes as
/// `filterKernel` (kernel_shape must agree with them when given).
FailureOr<Window> readWindow(NodeImporter &node, ArrayRef<int64_t> inputSpatial,
                             std::optional<ArrayRef<int64_t>> filterKernel,
                             bool isPooling);

/// The 2-D window that computes the 1-D `window` on inputs of height 1.
Window liftTo2D(const Window &window);

/// Checks that `type` is an N x C x spatial tensor with 1 or 2 spatial
/// dimensions (the ones the importer lowers).
LogicalResult checkSpatialInput(NodeImporter &node, RankedTensorType type,
                                StringRef what);

/// The convolution of the N x C x spatial input `x` with the M x C/group x
/// kernel filter `w`, zero padded, without bias, accumulated in
/// `resultType` (the float type, or i32 for the integer ops, whose inputs
/// may be narrower signed integers the named op sign-extends):
/// linalg.conv_2d_nchw_fchw, depthwise_conv_2d_nchw_chw when every channel
/// is its own group, conv_2d_ngchw_gfchw otherwise. 1-D convolutions are
/// computed as 2-D ones of height 1.
FailureOr<Value> buildConvolution(NodeImporter &node, Value x, Value w,
                                  const Window &window, int64_t group,
                                  Type resultType);

/// `x + bias[c]` over dimension 1 of `x`.
Value addChannelBias(OpBuilder &b, Location loc, Value x, Value bias);

/// numpy.matmul of `a` and `b` accumulated in `resultType` (as for
/// buildConvolution): linalg.matmul when `b` is a matrix (batch dimensions
/// of `a` are folded into its rows), otherwise linalg.batch_matmul over the
/// broadcast batch dimensions.
FailureOr<Value> buildMatMul(NodeImporter &node, Value a, Value b,
                             Type resultType);

} // namespace mlir::compress::onnx_import

#endif // LIB_TARGET_ONNX_LAYERS_H
