//===- WeightUtils.cpp - finding and reading layer weights ----------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Utils/WeightUtils.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::compress {

bool isCompressibleFloat(Type type) {
  return type.isF32() || type.isF16() || type.isBF16();
}

FailureOr<WeightOperand> findWeightOperand(linalg::LinalgOp op,
                                           NoWeightReason *reason) {
  SmallVector<WeightOperand> found;
  for (OpOperand *input : op.getDpsInputOperands()) {
    auto constant = input->get().getDefiningOp<arith::ConstantOp>();
    if (!constant)
      continue;
    WeightValues values = WeightValues::get(constant.getValue());
    if (!values)
      continue;
    found.push_back({input, nullptr, constant, values});
  }
  if (found.size() != 1) {
    if (reason)
      *reason = found.empty() ? NoWeightReason::NoConstantInput
                              : NoWeightReason::BothInputsConstant;
    return failure();
  }
  for (OpOperand *input : op.getDpsInputOperands())
    if (input != found.front().operand)
      found.front().other = input;
  return found.front();
}

std::optional<int32_t> findOutputChannelAxis(linalg::LinalgOp op,
                                             const WeightOperand &weight) {
  AffineMap weightMap = op.getMatchingIndexingMap(weight.operand);
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  AffineMap otherMap = op.getMatchingIndexingMap(weight.other);
  SmallVector<int32_t> inOutput, onlyInOutput;
  for (auto [i, expr] : llvm::enumerate(weightMap.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim || !outputMap.isFunctionOfDim(dim.getPosition()))
      continue;
    inOutput.push_back(i);
    if (!otherMap.isFunctionOfDim(dim.getPosition()))
      onlyInOutput.push_back(i);
  }
  if (onlyInOutput.size() == 1)
    return onlyInOutput.front();
  if (inOutput.size() == 1)
    return inOutput.front();
  return std::nullopt;
}

std::optional<int32_t> findReductionChannelAxis(linalg::LinalgOp op,
                                                const WeightOperand &weight) {
  AffineMap weightMap = op.getMatchingIndexingMap(weight.operand);
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  AffineMap otherMap = op.getMatchingIndexingMap(weight.other);
  for (auto [i, expr] : llvm::enumerate(weightMap.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim || outputMap.isFunctionOfDim(dim.getPosition()))
      continue;
    bool plainInOther = llvm::any_of(otherMap.getResults(), [&](AffineExpr e) {
      auto d = dyn_cast<AffineDimExpr>(e);
      return d && d.getPosition() == dim.getPosition();
    });
    if (plainInOther)
      return i;
  }
  return std::nullopt;
}

std::string getLayerName(Operation *op, unsigned index) {
  std::string name;
  llvm::raw_string_ostream os(name);
  Location loc = op->getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc);
      fused && !fused.getLocations().empty())
    loc = fused.getLocations().front();
  if (auto named = dyn_cast<NameLoc>(loc)) {
    os << named.getName().getValue();
  } else if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    os << llvm::sys::path::filename(file.getFilename().getValue()) << ":"
       << file.getLine() << ":" << file.getColumn();
  } else {
    os << op->getName().getStringRef() << "#" << index;
  }
  return name;
}

OpOperand *findBiasOperand(linalg::LinalgOp layer, const WeightOperand &weight,
                           int64_t rows) {
  if (layer->getNumResults() != 1 || !layer->getResult(0).hasOneUse())
    return nullptr;
  // The result dimension of the output channel: the one loop in the weight
  // and the output but not the input.
  AffineMap weightMap = layer.getMatchingIndexingMap(weight.operand);
  AffineMap inputMap = layer.getMatchingIndexingMap(weight.other);
  AffineMap outputMap =
      layer.getMatchingIndexingMap(layer.getDpsInitOperand(0));
  std::optional<unsigned> channelDim;
  for (auto [d, expr] : llvm::enumerate(outputMap.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim || !weightMap.isFunctionOfDim(dim.getPosition()) ||
        inputMap.isFunctionOfDim(dim.getPosition()))
      continue;
    if (channelDim)
      return nullptr;
    channelDim = d;
  }
  auto add =
      dyn_cast<linalg::GenericOp>(*layer->getResult(0).getUsers().begin());
  if (!channelDim || !add || add.getNumDpsInputs() != 2 ||
      add.getNumDpsInits() != 1 ||
      add.getNumParallelLoops() != add.getNumLoops())
    return nullptr;
  // The body adds the two inputs (and may go on: bias + ReLU in one op);
  // each input is used by that addition only, so shifting the bias shifts
  // the layer's output before anything else.
  Block &body = add.getRegion().front();
  Value resultArg = body.getArgument(0), biasArg = body.getArgument(1);
  if (!resultArg.hasOneUse() || !biasArg.hasOneUse())
    return nullptr;
  auto addf = dyn_cast<arith::AddFOp>(*resultArg.getUsers().begin());
  if (!addf || *biasArg.getUsers().begin() != addf.getOperation())
    return nullptr;
  OpOperand *result = add.getDpsInputOperand(0),
            *bias = add.getDpsInputOperand(1);
  if (result->get() != layer->getResult(0))
    std::swap(result, bias);
  if (result->get() != layer->getResult(0) || bias->get() == result->get() ||
      !add.getMatchingIndexingMap(result).isIdentity())
    return nullptr;
  auto constant = bias->get().getDefiningOp<arith::ConstantOp>();
  DenseElementsAttr values =
      constant ? getDenseFloatElements(constant.getValue()) : nullptr;
  AffineMap biasMap = add.getMatchingIndexingMap(bias);
  if (!values || !values.getElementType().isF32() ||
      values.getNumElements() != rows || biasMap.getNumResults() != 1 ||
      biasMap.getResult(0) != getAffineDimExpr(*channelDim, layer.getContext()))
    return nullptr;
  return bias;
}

} // namespace mlir::compress
