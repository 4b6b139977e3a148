//===- LayerKinds.cpp - the linalg ops compress treats as layers ----------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Utils/LayerKinds.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;

bool mlir::compress::isMatmulLayer(Operation *op) {
  return isa<linalg::MatmulOp, linalg::BatchMatmulOp, linalg::MatvecOp,
             linalg::VecmatOp>(op);
}

bool mlir::compress::isFilterConvolution(Operation *op) {
  return isa<linalg::Conv2DNhwcHwcfOp, linalg::Conv2DNhwcFhwcOp,
             linalg::Conv2DNchwFchwOp>(op);
}

bool mlir::compress::isConvolutionLayer(Operation *op) {
  return isFilterConvolution(op) ||
         isa<linalg::Conv2DOp, linalg::DepthwiseConv2DNhwcHwcOp,
             linalg::DepthwiseConv2DNchwChwOp>(op);
}

bool mlir::compress::isWeightedLayer(Operation *op) {
  return isMatmulLayer(op) || isConvolutionLayer(op);
}

bool mlir::compress::isMaxPooling(Operation *op) {
  return isa<linalg::PoolingNhwcMaxOp, linalg::PoolingNchwMaxOp>(op);
}

bool mlir::compress::isSumPooling(Operation *op) {
  return isa<linalg::PoolingNhwcSumOp, linalg::PoolingNchwSumOp>(op);
}
