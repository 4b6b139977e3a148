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

std::optional<UniformQuantInfo> UniformQuantInfo::get(Type elementType,
                                                      bool allowSubChannel) {
  auto quantType = dyn_cast<quant::QuantizedType>(elementType);
  if (!quantType)
    return std::nullopt;
  UniformQuantInfo info;
  info.isSigned = quantType.isSigned();
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(quantType)) {
    info.scales.push_back(perTensor.getScale());
    info.zeroPoints.push_back(perTensor.getZeroPoint());
  } else if (auto perAxis =
                 dyn_cast<quant::UniformQuantizedPerAxisType>(quantType)) {
    info.scales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
    info.zeroPoints.assign(perAxis.getZeroPoints().begin(),
                           perAxis.getZeroPoints().end());
    info.axis = perAxis.getQuantizedDimension();
  } else if (auto subChannel =
                 dyn_cast<quant::UniformQuantizedSubChannelType>(quantType)) {
    DenseElementsAttr scales = subChannel.getScales();
    DenseElementsAttr zeroPoints = subChannel.getZeroPoints();
    ArrayRef<int64_t> paramShape = scales.getType().getShape();
    if (!allowSubChannel || paramShape.empty() ||
        !isa<FloatType>(scales.getElementType()) ||
        !zeroPoints.getElementType().isInteger() ||
        zeroPoints.getNumElements() != scales.getNumElements())
      return std::nullopt;
    info.paramShape.assign(paramShape.begin(), paramShape.end());
    info.blockSizes.assign(paramShape.size(), 0);
    for (auto [dim, size] : subChannel.getBlockSizeInfo()) {
      if (dim < 0 || dim >= int32_t(paramShape.size()))
        return std::nullopt;
      info.blockSizes[dim] = size;
    }
    for (llvm::APFloat scale : scales.getValues<llvm::APFloat>()) {
      bool losesInfo = false;
      scale.convert(llvm::APFloat::IEEEdouble(),
                    llvm::APFloat::rmNearestTiesToEven, &losesInfo);
      info.scales.push_back(scale.convertToDouble());
    }
    for (const llvm::APInt &zeroPoint : zeroPoints.getValues<llvm::APInt>())
      info.zeroPoints.push_back(info.isSigned
                                    ? zeroPoint.getSExtValue()
                                    : int64_t(zeroPoint.getZExtValue()));
  } else {
    return std::nullopt;
  }
  info.range = {quantType.getStorageTypeMin(), quantType.getStorageTypeMax()};
  info.storageWidth = quantType.getStorageTypeIntegralWidth();
  info.expressedType = quantType.getExpressedType();
  return info;
}

/// The block sizes of per-tensor (no axis) or per-axis parameters.
static SmallVector<int64_t> getAxisBlockSizes(int64_t rank,
                                              std::optional<int32_t> axis) {
  SmallVector<int64_t> blocks(rank, 0);
  if (axis)
    blocks[*axis] = 1;
  return blocks;
}

SmallVector<int64_t> UniformQuantInfo::getBlockSizes(int64_t rank) const {
  if (isSubChannel()) {
    assert(int64_t(blockSizes.size()) == rank &&
           "sub-channel parameters of another rank");
    return blockSizes;
  }
  return getAxisBlockSizes(rank, axis);
}

ParamIndexer::ParamIndexer(ArrayRef<int64_t> shape,
                           ArrayRef<int64_t> blockSizes)
    : shape(shape), blocks(blockSizes), paramStrides(shape.size(), 0) {
  assert(shape.size() == blockSizes.size() && "one block size per dimension");
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    if (blocks[d] <= 0)
      continue;
    paramStrides[d] = numParams;
    numParams *= llvm::divideCeil(shape[d], blocks[d]);
  }
}

int64_t ParamIndexer::paramOf(int64_t flat) const {
  int64_t param = 0;
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    int64_t index = flat % shape[d];
    flat /= shape[d];
    if (blocks[d] > 0)
      param += index / blocks[d] * paramStrides[d];
  }
  return param;
}

int64_t ParamIndexer::runLength(int64_t flat) const {
  if (shape.empty())
    return 1;
  int64_t inner = shape.back(), index = flat % inner;
  if (blocks.back() > 0)
    return std::min(blocks.back() - index % blocks.back(), inner - index);
  return inner - index;
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

quant::QuantizedType buildSubChannelQuantType(Type expressedType, unsigned bits,
                                              bool isSigned, QuantRange range,
                                              ArrayRef<QuantParams> params,
                                              ArrayRef<int64_t> shape,
                                              ArrayRef<int64_t> blockSizes) {
  MLIRContext *ctx = expressedType.getContext();
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  auto storage = IntegerType::get(ctx, bits);
  SmallVector<int64_t> paramShape;
  SmallVector<int32_t> dims;
  SmallVector<int64_t> sizes;
  for (auto [d, block] : llvm::enumerate(blockSizes)) {
    paramShape.push_back(block > 0 ? shape[d] / block : 1);
    if (block > 0) {
      dims.push_back(int32_t(d));
      sizes.push_back(block);
    }
  }
  const llvm::fltSemantics &semantics =
      cast<FloatType>(expressedType).getFloatSemantics();
  SmallVector<llvm::APFloat> scales;
  SmallVector<llvm::APInt> zeroPoints;
  for (const QuantParams &p : params) {
    llvm::APFloat scale(p.scale);
    bool losesInfo = false;
    scale.convert(semantics, llvm::APFloat::rmNearestTiesToEven, &losesInfo);
    scales.push_back(scale);
    zeroPoints.emplace_back(bits, uint64_t(p.zeroPoint), isSigned,
                            /*implicitTrunc=*/true);
  }
  auto scalesAttr = DenseElementsAttr::get(
      RankedTensorType::get(paramShape, expressedType), scales);
  auto zeroPointsAttr = DenseElementsAttr::get(
      RankedTensorType::get(paramShape, storage), zeroPoints);
  return quant::UniformQuantizedSubChannelType::get(
      flags, storage, expressedType, scalesAttr, zeroPointsAttr, dims, sizes,
      range.qmin, range.qmax);
}

/// Calls `fn(run, index, parameter)` for the elements of `values`, run by
/// run, each piece sharing the parameter `params` gives it.
static void
forEachWithParam(const WeightValues &values, const ParamIndexer &params,
                 function_ref<void(ArrayRef<float>, int64_t, int64_t)> fn) {
  int64_t index = 0;
  values.forEachChunk([&](ArrayRef<float> run) {
    while (!run.empty()) {
      int64_t length = std::min<int64_t>(run.size(), params.runLength(index));
      fn(run.take_front(length), index, params.paramOf(index));
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
  forEachWithParam(values, ParamIndexer(floatType.getShape(), info),
                   [&](ArrayRef<float> run, int64_t index, int64_t p) {
                     float scale = float(info.scales[p]);
                     for (auto [i, v] : llvm::enumerate(run)) {
                       uint64_t q =
                           uint64_t(quantizeValue(v, scale, info.zeroPoints[p],
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
  ParamIndexer params(shape, info);
  llvm::SmallVector<llvm::APInt> quantized;
  quantized.reserve(values.getNumElements());
  int64_t linearIndex = 0;
  for (llvm::APFloat value : values.getValues<llvm::APFloat>()) {
    bool losesInfo = false;
    value.convert(llvm::APFloat::IEEEsingle(),
                  llvm::APFloat::rmNearestTiesToEven, &losesInfo);
    int64_t p = params.paramOf(linearIndex++);
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
computeValueRanges(const WeightValues &values, const ParamIndexer &params) {
  llvm::SmallVector<std::pair<double, double>> ranges(
      params.getNumParams(), {std::numeric_limits<double>::infinity(),
                              -std::numeric_limits<double>::infinity()});
  bool finite = true;
  forEachWithParam(values, params,
                   [&](ArrayRef<float> run, int64_t, int64_t p) {
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

std::optional<llvm::SmallVector<std::pair<double, double>>>
computeValueRanges(const WeightValues &values, std::optional<int32_t> axis) {
  RankedTensorType type = values.getType();
  return computeValueRanges(
      values,
      ParamIndexer(type.getShape(), getAxisBlockSizes(type.getRank(), axis)));
}

Value createQuantizedConstant(OpBuilder &builder, Location loc,
                              DenseElementsAttr storageValues,
                              RankedTensorType quantizedType) {
  Value storage = arith::ConstantOp::create(builder, loc, storageValues);
  return quant::StorageCastOp::create(builder, loc, quantizedType, storage);
}

std::optional<quant::QuantizedType>
buildWeightQuantType(const WeightValues &values, std::optional<int32_t> axis,
                     unsigned bits, bool symmetric,
                     std::optional<WeightGroups> groups, WeightRange method) {
  ArrayRef<int64_t> shape = values.getType().getShape();
  SmallVector<int64_t> blocks = getAxisBlockSizes(shape.size(), axis);
  assert((!groups || (axis && groups->axis != *axis && groups->size > 0 &&
                      shape[groups->axis] % groups->size == 0)) &&
         "groups need an output channel axis and must tile their axis");
  if (groups)
    blocks[groups->axis] = groups->size;
  ParamIndexer indexer(shape, blocks);
  std::optional<SmallVector<std::pair<double, double>>> ranges =
      computeValueRanges(values, indexer);
  if (!ranges)
    return std::nullopt;
  QuantRange range = symmetric ? QuantRange::narrowSigned(bits)
                               : QuantRange::full(bits, /*isSigned=*/true);
  // Parameters for every range scaled by `factor`.
  auto paramsAt = [&](double factor) {
    SmallVector<QuantParams> params;
    for (auto [min, max] : *ranges) {
      std::optional<QuantParams> p =
          symmetric
              ? computeSymmetricParams(
                    factor * std::max(std::abs(min), std::abs(max)), range)
              : computeAsymmetricParams(factor * min, factor * max, range);
      params.push_back(*p); // Ranges are finite, so parameters exist.
    }
    return params;
  };
  SmallVector<QuantParams> params = paramsAt(1.0);
  if (method == WeightRange::Mse) {
    // The values and the parameter each belongs to, gathered once: the
    // runs sharing a parameter are one element long in the common layouts
    // (per output channel along the innermost dimension).
    std::vector<float> flat;
    std::vector<uint32_t> owner;
    flat.reserve(values.getNumElements());
    owner.reserve(values.getNumElements());
    forEachWithParam(values, indexer,
                     [&](ArrayRef<float> run, int64_t, int64_t p) {
                       for (float v : run) {
                         flat.push_back(v);
                         owner.push_back(uint32_t(p));
                       }
                     });
    SmallVector<double> best(params.size(),
                             std::numeric_limits<double>::infinity());
    SmallVector<float> scales(params.size());
    SmallVector<double> error(params.size());
    for (int step = 0; step < 80; ++step) {
      SmallVector<QuantParams> candidate = paramsAt(1.0 - 0.01 * step);
      for (auto [p, c] : llvm::enumerate(candidate))
        scales[p] = float(c.scale);
      std::fill(error.begin(), error.end(), 0.0);
      for (auto [v, p] : llvm::zip(flat, owner)) {
        int64_t zeroPoint = candidate[p].zeroPoint;
        double d =
            double(v) - double(dequantizeValue(
                            quantizeValue(v, scales[p], zeroPoint, range),
                            scales[p], zeroPoint));
        error[p] += d * d;
      }
      for (auto [p, e] : llvm::enumerate(error))
        if (e < best[p]) {
          best[p] = e;
          params[p] = candidate[p];
        }
    }
  }
  Type expressedType = values.getType().getElementType();
  if (groups)
    return buildSubChannelQuantType(expressedType, bits, /*isSigned=*/true,
                                    range, params, shape, blocks);
  return buildUniformQuantType(expressedType, bits, /*isSigned=*/true, range,
                               params, axis);
}

double roundToGrid(const UniformQuantInfo &info, const ParamIndexer &params,
                   int64_t flat, double value) {
  int64_t p = params.paramOf(flat);
  float scale = float(info.scales[p]);
  int64_t zeroPoint = info.zeroPoints[p];
  return dequantizeValue(
      quantizeValue(float(value), scale, zeroPoint, info.range), scale,
      zeroPoint);
}

} // namespace mlir::compress
