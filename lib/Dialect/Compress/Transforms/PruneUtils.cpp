//===- PruneUtils.cpp - shared pieces of the pruning passes ---------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Transforms/PruneUtils.h"
#include "compress/Dialect/Compress/Utils/LayerKinds.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
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

std::vector<float> getFloatValues(const WeightValues &values) {
  return values.toFloats();
}

double zeroFraction(llvm::ArrayRef<float> values) {
  if (values.empty())
    return 0.0;
  int64_t zeros = llvm::count(values, 0.0f); // -0.0 too
  return double(zeros) / double(values.size());
}

void replaceWeightConstant(OpBuilder &builder, const WeightOperand &weight,
                           llvm::ArrayRef<float> values,
                           SparsityAttr sparsity) {
  replaceWeightConstant(builder, weight,
                        buildWeightAttrLike(weight.values, values), sparsity);
}

void replaceWeightConstant(OpBuilder &builder, const WeightOperand &weight,
                           TypedAttr values, SparsityAttr sparsity) {
  arith::ConstantOp old = weight.constant;
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointAfter(old);
  auto constant = arith::ConstantOp::create(builder, old.getLoc(), values);
  if (sparsity)
    constant->setAttr("compress.sparsity", sparsity);
  weight.operand->set(constant);
  if (old->use_empty()) {
    old->erase();
    weight.values.adviseUnused();
  }
}

void zeroElements(llvm::MutableArrayRef<float> values,
                  llvm::ArrayRef<int64_t> indices) {
  for (int64_t i : indices)
    values[i] = 0.0f;
}

void zeroSmallestMagnitudes(llvm::ArrayRef<std::vector<float> *> buffers,
                            int64_t count) {
  if (count <= 0)
    return;
  MagnitudeCut cut = findMagnitudeCut(
      [&](llvm::function_ref<void(llvm::ArrayRef<float>)> visit) {
        for (const std::vector<float> *buffer : buffers)
          visit(*buffer);
      },
      count);
  for (std::vector<float> *buffer : buffers)
    applyMagnitudeCut(cut, *buffer);
}

void keepLargestInGroups(llvm::MutableArrayRef<float> values,
                         llvm::ArrayRef<int64_t> shape, int64_t axis, int64_t n,
                         int64_t m) {
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < int64_t(shape.size()); ++d)
    inner *= shape[d];
  int64_t size = shape[axis];
  llvm::SmallVector<int64_t> group(m);
  // Groups in memory order (i innermost): the m elements of a group are
  // `inner` apart, and neighbouring groups share their cache lines.
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t g = 0; g < size / m; ++g)
      for (int64_t i = 0; i < inner; ++i) {
        for (int64_t j = 0; j < m; ++j)
          group[j] = (o * size + g * m + j) * inner + i;
        // Largest magnitude first (NaN as infinity); ties keep the lower
        // index. An insertion sort: stable, and no allocation per group.
        for (int64_t j = 1; j < m; ++j) {
          int64_t index = group[j];
          uint32_t key = magnitudeKey(values[index]);
          int64_t k = j;
          for (; k > 0 && magnitudeKey(values[group[k - 1]]) < key; --k)
            group[k] = group[k - 1];
          group[k] = index;
        }
        zeroElements(values, llvm::ArrayRef<int64_t>(group).drop_front(n));
      }
}

int64_t pruneCount(double fraction, int64_t total) {
  return int64_t(std::nearbyint(fraction * double(total)));
}

} // namespace mlir::compress
