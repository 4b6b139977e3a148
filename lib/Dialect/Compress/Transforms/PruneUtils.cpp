//===- PruneUtils.cpp - shared pieces of the pruning passes ---------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Transforms/PruneUtils.h"
#include "compress/Dialect/Compress/Utils/LayerKinds.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mlir::compress {

llvm::SmallVector<WeightedLayer> collectWeightedLayers(Operation *root) {
  llvm::SmallVector<WeightedLayer> layers;
  root->walk([&](linalg::LinalgOp op) {
    if (!isWeightedLayer(op))
      return;
    FailureOr<WeightOperand> weight = findWeightOperand(op);
    if (succeeded(weight))
      layers.push_back({op, *weight, unsigned(layers.size())});
  });
  return layers;
}

static std::optional<int64_t> parseIndex(llvm::StringRef entry) {
  int64_t index;
  if (entry.getAsInteger(10, index))
    return std::nullopt;
  return index;
}

bool isSkippedLayer(Operation *op, unsigned index, unsigned count,
                    llvm::ArrayRef<std::string> skip) {
  std::string name = getLayerName(op, index);
  for (const std::string &entry : skip) {
    if (std::optional<int64_t> i = parseIndex(entry)) {
      int64_t resolved = *i < 0 ? int64_t(count) + *i : *i;
      if (resolved == int64_t(index))
        return true;
    } else if (entry == name) {
      return true;
    }
  }
  return false;
}

LogicalResult verifySkipList(Location loc, llvm::StringRef passName,
                             llvm::ArrayRef<std::string> skip) {
  for (const std::string &entry : skip)
    if (entry.empty())
      return emitError(loc) << passName
                            << ": empty entry in option 'skip'; give layer "
                               "indices (0, -1) or layer names";
  return success();
}

std::vector<llvm::APFloat> getFloatValues(DenseElementsAttr values) {
  auto range = values.getValues<llvm::APFloat>();
  return std::vector<llvm::APFloat>(range.begin(), range.end());
}

double zeroFraction(llvm::ArrayRef<llvm::APFloat> values) {
  if (values.empty())
    return 0.0;
  int64_t zeros =
      llvm::count_if(values, [](const llvm::APFloat &v) { return v.isZero(); });
  return double(zeros) / double(values.size());
}

void replaceWeightConstant(OpBuilder &builder, const WeightOperand &weight,
                           llvm::ArrayRef<llvm::APFloat> values,
                           SparsityAttr sparsity) {
  auto type = cast<ShapedType>(weight.values.getType());
  arith::ConstantOp old = weight.constant;
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointAfter(old);
  auto constant = arith::ConstantOp::create(
      builder, old.getLoc(), DenseElementsAttr::get(type, values));
  if (sparsity)
    constant->setAttr("compress.sparsity", sparsity);
  weight.operand->set(constant);
  if (old->use_empty())
    old->erase();
}

void zeroElements(std::vector<llvm::APFloat> &values,
                  llvm::ArrayRef<int64_t> indices) {
  for (int64_t i : indices)
    values[i] = llvm::APFloat::getZero(values[i].getSemantics());
}

std::vector<int64_t> smallestMagnitudes(llvm::ArrayRef<llvm::APFloat> values,
                                        int64_t count) {
  std::vector<double> magnitudes(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    magnitudes[i] = std::abs(values[i].convertToDouble());
  std::vector<int64_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  auto byMagnitudeThenIndex = [&](int64_t a, int64_t b) {
    return magnitudes[a] != magnitudes[b] ? magnitudes[a] < magnitudes[b]
                                          : a < b;
  };
  count = std::clamp<int64_t>(count, 0, values.size());
  std::nth_element(order.begin(), order.begin() + count, order.end(),
                   byMagnitudeThenIndex);
  order.resize(count);
  return order;
}

int64_t pruneCount(double fraction, int64_t total) {
  return int64_t(std::nearbyint(fraction * double(total)));
}

} // namespace mlir::compress
