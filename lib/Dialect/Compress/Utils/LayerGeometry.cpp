//===- LayerGeometry.cpp - a layer's weight as matrices over its input ----===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Utils/LayerGeometry.h"

namespace mlir::compress {

int64_t LayerGeometry::colStride(int32_t weightDim) const {
  int64_t stride = 1;
  for (int64_t i = int64_t(colWeightDims.size()) - 1; i >= 0; --i) {
    if (colWeightDims[i] == weightDim)
      return stride;
    stride *= colExtents[i];
  }
  return -1;
}

namespace {

SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// Every combination of `loops` (the last fastest) as the sum of each loop's
/// index times its stride in `strides` (indexed by loop).
std::vector<int64_t> enumerateOffsets(ArrayRef<int64_t> loops,
                                      ArrayRef<int64_t> extents,
                                      ArrayRef<int64_t> strides) {
  std::vector<int64_t> offsets{0};
  for (int64_t loop : loops) {
    std::vector<int64_t> next;
    next.reserve(offsets.size() * extents[loop]);
    for (int64_t base : offsets)
      for (int64_t i = 0; i < extents[loop]; ++i)
        next.push_back(base + i * strides[loop]);
    offsets = std::move(next);
  }
  return offsets;
}

} // namespace

FailureOr<LayerGeometry> analyzeLayerGeometry(linalg::LinalgOp op,
                                              const WeightOperand &weight,
                                              std::string &why) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1) {
    why = "the layer does not have exactly two inputs and one output";
    return failure();
  }
  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  auto weightType = cast<ShapedType>(weight.operand->get().getType());
  auto inputType = dyn_cast<ShapedType>(weight.other->get().getType());
  if (!inputType || !inputType.hasStaticShape() ||
      !weightType.hasStaticShape() ||
      llvm::any_of(extents, ShapedType::isDynamic)) {
    why = "dynamic shapes";
    return failure();
  }
  AffineMap weightMap = op.getMatchingIndexingMap(weight.operand);
  AffineMap inputMap = op.getMatchingIndexingMap(weight.other);
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (!weightMap.isProjectedPermutation() ||
      !outputMap.isProjectedPermutation()) {
    why = "the weight or the output is not indexed by plain loop dimensions";
    return failure();
  }
  if (inputMap.getNumSymbols() != 0 ||
      !llvm::all_of(inputMap.getResults(),
                    [](AffineExpr e) { return e.isPureAffine(); })) {
    why = "the input is not indexed by sums of loop dimensions times "
          "constants";
    return failure();
  }

  // Each loop's stride in the weight and in the input. The input's index
  // expressions are linear, so a loop's stride is the change of the flat
  // offset when that loop alone goes from 0 to 1.
  int64_t numLoops = extents.size();
  SmallVector<int64_t> weightStrides = rowMajorStrides(weightType.getShape());
  SmallVector<int64_t> inputStrides = rowMajorStrides(inputType.getShape());
  SmallVector<int64_t> weightLoopStride(numLoops, 0);
  for (auto [d, expr] : llvm::enumerate(weightMap.getResults()))
    weightLoopStride[cast<AffineDimExpr>(expr).getPosition()] =
        weightStrides[d];
  auto flatInput = [&](ArrayRef<int64_t> point) {
    SmallVector<int64_t> index = inputMap.compose(point);
    int64_t flat = 0;
    for (auto [i, stride] : llvm::zip(index, inputStrides))
      flat += i * stride;
    return flat;
  };
  SmallVector<int64_t> point(numLoops, 0);
  int64_t inputBase = flatInput(point);
  SmallVector<int64_t> inputLoopStride(numLoops, 0);
  for (int64_t l = 0; l < numLoops; ++l) {
    point[l] = 1;
    inputLoopStride[l] = flatInput(point) - inputBase;
    point[l] = 0;
  }

  SmallVector<int64_t> groupLoops, rowLoops, colLoops, positionLoops;
  for (int64_t l = 0; l < numLoops; ++l) {
    bool inWeight = weightMap.isFunctionOfDim(l);
    bool inInput = inputMap.isFunctionOfDim(l);
    bool inOutput = outputMap.isFunctionOfDim(l);
    if (inWeight && inInput && inOutput)
      groupLoops.push_back(l);
    else if (inWeight && inOutput)
      rowLoops.push_back(l);
    else if (inWeight && inInput)
      colLoops.push_back(l);
    else if (inInput && inOutput)
      positionLoops.push_back(l);
    else if (extents[l] != 1) {
      why = "loop " + std::to_string(l) +
            (inInput ? " sums over the input without the weight"
                     : " is not a channel, reduction or position loop");
      return failure();
    }
  }

  LayerGeometry g;
  g.weightGroup = enumerateOffsets(groupLoops, extents, weightLoopStride);
  g.weightRow = enumerateOffsets(rowLoops, extents, weightLoopStride);
  g.weightCol = enumerateOffsets(colLoops, extents, weightLoopStride);
  g.inputGroup = enumerateOffsets(groupLoops, extents, inputLoopStride);
  g.inputPosition = enumerateOffsets(positionLoops, extents, inputLoopStride);
  g.inputCol = enumerateOffsets(colLoops, extents, inputLoopStride);
  g.inputBase = inputBase;
  g.inputShape.assign(inputType.getShape().begin(), inputType.getShape().end());
  for (int64_t l : colLoops) {
    for (auto [d, expr] : llvm::enumerate(weightMap.getResults()))
      if (cast<AffineDimExpr>(expr).getPosition() == l)
        g.colWeightDims.push_back(d);
    g.colExtents.push_back(extents[l]);
  }
  return g;
}

} // namespace mlir::compress
