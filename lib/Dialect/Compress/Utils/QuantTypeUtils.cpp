//===- QuantTypeUtils.cpp - helpers over !quant.uniform types -------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlir::compress {

std::optional<UniformQuantInfo> UniformQuantInfo::get(Type elementType) {
  auto quantType = dyn_cast<quant::QuantizedType>(elementType);
  if (!quantType)
    return std::nullopt;
  UniformQuantInfo info;
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(quantType)) {
    info.scales.push_back(perTensor.getScale());
    info.zeroPoints.push_back(perTensor.getZeroPoint());
  } else if (auto perAxis =
                 dyn_cast<quant::UniformQuantizedPerAxisType>(quantType)) {
    info.scales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
    info.zeroPoints.assign(perAxis.getZeroPoints().begin(),
                           perAxis.getZeroPoints().end());
    info.axis = perAxis.getQuantizedDimension();
  } else {
    return std::nullopt;
  }
  info.range = {quantType.getStorageTypeMin(), quantType.getStorageTypeMax()};
  info.storageWidth = quantType.getStorageTypeIntegralWidth();
  info.isSigned = quantType.isSigned();
  info.expressedType = quantType.getExpressedType();
  return info;
}

RankedTensorType getStorageTensorType(RankedTensorType type) {
  auto quantType = dyn_cast<quant::QuantizedType>(type.getElementType());
  if (!quantType)
    return type;
  auto storage = IntegerType::get(type.getContext(),
                                  quantType.getStorageTypeIntegralWidth());
  return RankedTensorType::get(type.getShape(), storage);
}

quant::QuantizedType buildUniformQuantType(Type expressedType, unsigned bits,
                                           bool isSigned, QuantRange range,
                                           llvm::ArrayRef<QuantParams> params,
                                           std::optional<int32_t> axis) {
  MLIRContext *ctx = expressedType.getContext();
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  auto storage = IntegerType::get(ctx, bits);
  if (!axis) {
    return quant::UniformQuantizedType::get(
        flags, storage, expressedType, params.front().scale,
        params.front().zeroPoint, range.qmin, range.qmax);
  }
  llvm::SmallVector<double> scales;
  llvm::SmallVector<int64_t> zeroPoints;
  for (const QuantParams &p : params) {
    scales.push_back(p.scale);
    zeroPoints.push_back(p.zeroPoint);
  }
  return quant::UniformQuantizedPerAxisType::get(flags, storage, expressedType,
                                                 scales, zeroPoints, *axis,
                                                 range.qmin, range.qmax);
}

int64_t paramIndex(int64_t linearIndex, ArrayRef<int64_t> shape,
                   std::optional<int32_t> axis) {
  if (!axis)
    return 0;
  int64_t stride = 1;
  for (int64_t d = shape.size() - 1; d > *axis; --d)
    stride *= shape[d];
  return (linearIndex / stride) % shape[*axis];
}

/// Calls `fn(index, parameter)` for the elements of `values` with the index
/// of their quantization parameter along `axis`, run by run.
static void
forEachWithParam(const WeightValues &values, std::optional<int32_t> axis,
                 function_ref<void(ArrayRef<float>, int64_t, int64_t)> fn) {
  ArrayRef<int64_t> shape = values.getType().getShape();
  int64_t stride = 1, count = axis ? shape[*axis] : 1;
  if (axis)
    for (int64_t d = shape.size() - 1; d > *axis; --d)
      stride *= shape[d];
  int64_t index = 0;
  values.forEachChunk([&](ArrayRef<float> run) {
    // Pieces of the run that share a parameter.
    while (!run.empty()) {
      int64_t length = std::min<int64_t>(run.size(), stride - index % stride);
      fn(run.take_front(length), index, (index / stride) % count);
      run = run.drop_front(length);
      index += length;
    }
  });
}

DenseElementsAttr quantizeElements(const WeightValues &values,
                                   const UniformQuantInfo &info) {
  RankedTensorType floatType = values.getType();
  auto storageType =
      IntegerType::get(floatType.getContext(), info.storageWidth);
  auto resultType = RankedTensorType::get(floatType.getShape(), storageType);
  // DenseElementsAttr stores integers in whole bytes, little-endian.
  unsigned bytes = (info.storageWidth + 7) / 8;
  uint64_t mask = info.storageWidth >= 64
                      ? ~uint64_t(0)
                      : (uint64_t(1) << info.storageWidth) - 1;
  std::vector<char> raw(values.getNumElements() * bytes);
  forEachWithParam(
      values, info.axis, [&](ArrayRef<float> run, int64_t index, int64_t p) {
        float scale = float(info.scales[p]);
        for (auto [i, v] : llvm::enumerate(run)) {
          uint64_t q = uint64_t(quantizeValue(v, scale, info.zeroPoints[p],
                                              info.range)) &
                       mask;
          for (unsigned b = 0; b < bytes; ++b)
            raw[(index + i) * bytes + b] = char(q >> (8 * b));
        }
      });
  return DenseElementsAttr::getFromRawBuffer(resultType, raw);
}

DenseElementsAttr quantizeElements(DenseElementsAttr values,
                                   const UniformQuantInfo &info) {
  if (WeightValues weight{values})
    return quantizeElements(weight, info);
  auto floatType = cast<ShapedType>(values.getType());
  auto storageType =
      IntegerType::get(floatType.getContext(), info.storageWidth);
  auto resultType = RankedTensorType::get(floatType.getShape(), storageType);
  ArrayRef<int64_t> shape = floatType.getShape();

  llvm::SmallVector<float> scales(info.scales.begin(), info.scales.end());
  llvm::SmallVector<llvm::APInt> quantized;
  quantized.reserve(values.getNumElements());
  int64_t linearIndex = 0;
  for (llvm::APFloat value : values.getValues<llvm::APFloat>()) {
    bool losesInfo = false;
    value.convert(llvm::APFloat::IEEEsingle(),
                  llvm::APFloat::rmNearestTiesToEven, &losesInfo);
    int64_t p = paramIndex(linearIndex++, shape, info.axis);
    int64_t q = quantizeValue(value.convertToFloat(), scales[p],
                              info.zeroPoints[p], info.range);
    quantized.emplace_back(info.storageWidth, uint64_t(q), info.isSigned,
                           /*implicitTrunc=*/true);
  }
  return DenseElementsAttr::get(resultType, quantized);
}

QuantParams computeFakeQuantParams(float min, float max, QuantRange range) {
  min = std::min(min, 0.0f);
  max = std::max(max, 0.0f);
  if (max == min)
    return {1.0, std::clamp<int64_t>(0, range.qmin, range.qmax)};
  float scale = (max - min) / float(range.qmax - range.qmin);
  scale = std::max(scale, std::numeric_limits<float>::min());
  float zeroPoint = float(range.qmin) - std::nearbyint(min / scale);
  zeroPoint = std::clamp(zeroPoint, float(range.qmin), float(range.qmax));
  return {double(scale), int64_t(zeroPoint)};
}

DenseElementsAttr getDenseFloatElements(Attribute value) {
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed)
    return {};
  auto type = dyn_cast<RankedTensorType>(typed.getType());
  if (!type || !isa<FloatType>(type.getElementType()))
    return {};
  return getDenseElements(value);
}

DenseElementsAttr getDenseElements(Attribute value) {
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed)
    return {};
  auto type = dyn_cast<RankedTensorType>(typed.getType());
  if (!type || !type.getElementType().isIntOrFloat())
    return {};
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense;
  auto resource = dyn_cast<DenseResourceElementsAttr>(value);
  if (!resource)
    return {};
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return {};
  ArrayRef<char> data = blob->getData();
  bool detectedSplat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, data, detectedSplat))
    return {};
  return DenseElementsAttr::getFromRawBuffer(type, data);
}

std::optional<llvm::SmallVector<std::pair<double, double>>>
computeValueRanges(const WeightValues &values, std::optional<int32_t> axis) {
  ArrayRef<int64_t> shape = values.getType().getShape();
  int64_t numRanges = axis ? shape[*axis] : 1;
  llvm::SmallVector<std::pair<double, double>> ranges(
      numRanges, {std::numeric_limits<double>::infinity(),
                  -std::numeric_limits<double>::infinity()});
  bool finite = true;
  forEachWithParam(values, axis, [&](ArrayRef<float> run, int64_t, int64_t p) {
    std::pair<double, double> &range = ranges[p];
    for (float v : run) {
      finite &= std::isfinite(v);
      range.first = std::min(range.first, double(v));
      range.second = std::max(range.second, double(v));
    }
  });
  if (!finite)
    return std::nullopt;
  return ranges;
}

Value createQuantizedConstant(OpBuilder &builder, Location loc,
                              DenseElementsAttr storageValues,
                              RankedTensorType quantizedType) {
  Value storage = arith::ConstantOp::create(builder, loc, storageValues);
  return quant::StorageCastOp::create(builder, loc, quantizedType, storage);
}

std::optional<quant::QuantizedType>
buildWeightQuantType(const WeightValues &values, std::optional<int32_t> axis,
                     unsigned bits, bool symmetric) {
  std::optional<SmallVector<std::pair<double, double>>> ranges =
      computeValueRanges(values, axis);
  if (!ranges)
    return std::nullopt;
  QuantRange range = symmetric ? QuantRange::narrowSigned(bits)
                               : QuantRange::full(bits, /*isSigned=*/true);
  SmallVector<QuantParams> params;
  for (auto [min, max] : *ranges) {
    std::optional<QuantParams> p =
        symmetric ? computeSymmetricParams(
                        std::max(std::abs(min), std::abs(max)), range)
                  : computeAsymmetricParams(min, max, range);
    params.push_back(*p); // Ranges are finite, so parameters exist.
  }
  auto type = cast<ShapedType>(values.getType());
  return buildUniformQuantType(type.getElementType(), bits, /*isSigned=*/true,
                               range, params, axis);
}

double roundToGrid(const UniformQuantInfo &info, ArrayRef<int64_t> shape,
                   int64_t flat, double value) {
  int64_t p = paramIndex(flat, shape, info.axis);
  float scale = float(info.scales[p]);
  int64_t zeroPoint = info.zeroPoints[p];
  return dequantizeValue(
      quantizeValue(float(value), scale, zeroPoint, info.range), scale,
      zeroPoint);
}

} // namespace mlir::compress
