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

std::vector<float> getFloatValues(DenseElementsAttr values) {
  auto type = cast<ShapedType>(values.getType());
  std::vector<float> result(type.getNumElements());
  if (type.getElementType().isF32()) {
    ArrayRef<char> raw = values.getRawData();
    if (values.isSplat())
      std::fill(result.begin(), result.end(),
                *reinterpret_cast<const float *>(raw.data()));
    else
      std::memcpy(result.data(), raw.data(), result.size() * sizeof(float));
    return result;
  }
  size_t i = 0;
  for (const llvm::APFloat &v : values.getValues<llvm::APFloat>())
    result[i++] = v.convertToFloat(); // exact for f16 and bf16
  return result;
}

double zeroFraction(llvm::ArrayRef<float> values) {
  if (values.empty())
    return 0.0;
  int64_t zeros = llvm::count(values, 0.0f); // -0.0 too
  return double(zeros) / double(values.size());
}

DenseElementsAttr buildWeightAttr(ShapedType type,
                                  llvm::ArrayRef<float> values) {
  DenseElementsAttr attr;
  if (type.getElementType().isF32()) {
    attr = DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                             values.size() * sizeof(float)));
  } else {
    const llvm::fltSemantics &semantics =
        cast<FloatType>(type.getElementType()).getFloatSemantics();
    std::vector<llvm::APFloat> converted;
    converted.reserve(values.size());
    bool losesInfo = false;
    for (float v : values) {
      llvm::APFloat x(v);
      x.convert(semantics, llvm::APFloat::rmNearestTiesToEven, &losesInfo);
      converted.push_back(x);
    }
    attr = DenseElementsAttr::get(type, converted);
  }
  return attr;
}

void replaceWeightConstant(OpBuilder &builder, const WeightOperand &weight,
                           llvm::ArrayRef<float> values,
                           SparsityAttr sparsity) {
  DenseElementsAttr attr =
      buildWeightAttr(cast<ShapedType>(weight.values.getType()), values);
  arith::ConstantOp old = weight.constant;
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointAfter(old);
  auto constant = arith::ConstantOp::create(builder, old.getLoc(), attr);
  if (sparsity)
    constant->setAttr("compress.sparsity", sparsity);
  weight.operand->set(constant);
  if (old->use_empty())
    old->erase();
}

void zeroElements(std::vector<float> &values, llvm::ArrayRef<int64_t> indices) {
  for (int64_t i : indices)
    values[i] = 0.0f;
}

/// |v|, with NaN as the largest magnitude.
static float magnitude(float v) {
  return std::isnan(v) ? std::numeric_limits<float>::infinity() : std::abs(v);
}

void zeroSmallestMagnitudes(llvm::ArrayRef<std::vector<float> *> buffers,
                            int64_t count) {
  size_t total = 0;
  for (const std::vector<float> *buffer : buffers)
    total += buffer->size();
  count = std::clamp<int64_t>(count, 0, int64_t(total));
  if (count == 0)
    return;
  // The count-th smallest magnitude t: everything below it goes, and of the
  // elements equal to it, the earliest ones until `count` is reached.
  std::vector<float> magnitudes;
  magnitudes.reserve(total);
  for (const std::vector<float> *buffer : buffers)
    for (float v : *buffer)
      magnitudes.push_back(magnitude(v));
  std::nth_element(magnitudes.begin(), magnitudes.begin() + (count - 1),
                   magnitudes.end());
  float threshold = magnitudes[count - 1];
  magnitudes = std::vector<float>();
  int64_t below = 0;
  for (const std::vector<float> *buffer : buffers)
    for (float v : *buffer)
      below += magnitude(v) < threshold;
  int64_t equalToZero = count - below;
  for (std::vector<float> *buffer : buffers)
    for (float &v : *buffer) {
      float m = magnitude(v);
      if (m < threshold) {
        v = 0.0f;
      } else if (m == threshold && equalToZero > 0) {
        v = 0.0f;
        --equalToZero;
      }
    }
}

void keepLargestInGroups(std::vector<float> &values,
                         llvm::ArrayRef<int64_t> shape, int64_t axis, int64_t n,
                         int64_t m) {
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < int64_t(shape.size()); ++d)
    inner *= shape[d];
  int64_t size = shape[axis];
  llvm::SmallVector<int64_t> group(m);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i)
      for (int64_t g = 0; g < size / m; ++g) {
        for (int64_t j = 0; j < m; ++j)
          group[j] = (o * size + g * m + j) * inner + i;
        // Largest magnitude first; ties keep the lower index.
        std::stable_sort(group.begin(), group.end(), [&](int64_t a, int64_t b) {
          return std::abs(values[a]) > std::abs(values[b]);
        });
        zeroElements(values, llvm::ArrayRef<int64_t>(group).drop_front(n));
      }
}

int64_t pruneCount(double fraction, int64_t total) {
  return int64_t(std::nearbyint(fraction * double(total)));
}

} // namespace mlir::compress
