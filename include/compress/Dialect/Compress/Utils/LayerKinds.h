//===- LayerKinds.h - the linalg ops compress treats as layers --*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// One list of the op families the passes quantize, prune, observe and fuse,
// so that a new kind of layer is added in one place.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_UTILS_LAYERKINDS_H
#define COMPRESS_DIALECT_COMPRESS_UTILS_LAYERKINDS_H

namespace mlir {
class Operation;
namespace compress {

/// linalg.matmul, batch_matmul, matvec, vecmat: dense layers.
bool isMatmulLayer(Operation *op);
/// The 2-D convolutions with a weight operand: linalg.conv_2d and the
/// NHWC/NCHW, plain and depthwise named forms.
bool isConvolutionLayer(Operation *op);
/// Convolutions whose filters are output channels of their own (not
/// depthwise, not the channel-less linalg.conv_2d): what filter pruning
/// removes.
bool isFilterConvolution(Operation *op);
/// Dense layers and convolutions: the ops with a weight operand.
bool isWeightedLayer(Operation *op);
bool isMaxPooling(Operation *op);
bool isSumPooling(Operation *op);

} // namespace compress
} // namespace mlir

#endif // COMPRESS_DIALECT_COMPRESS_UTILS_LAYERKINDS_H
