//===- QuantTypeUtils.h - helpers over !quant.uniform types -----*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Reading scales and zero points out of upstream quant types, building those
// types, and quantizing constants. Shared by the dialect's verifiers and
// folders, the weight quantization pass and the lowering to linalg.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_UTILS_QUANTTYPEUTILS_H
#define COMPRESS_UTILS_QUANTTYPEUTILS_H

#include "compress/Dialect/Compress/Utils/WeightValues.h"
#include "compress/Utils/QuantParams.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::compress {

/// The parameters of a per-tensor or per-axis `!quant.uniform` type, in one
/// shape: per-tensor types have one scale and one zero point and no axis.
struct UniformQuantInfo {
  llvm::SmallVector<double> scales;
  llvm::SmallVector<int64_t> zeroPoints;
  std::optional<int32_t> axis;
  QuantRange range;
  unsigned storageWidth;
  bool isSigned;
  Type expressedType;

  /// Returns nullopt for anything but UniformQuantizedType and
  /// UniformQuantizedPerAxisType.
  static std::optional<UniformQuantInfo> get(Type elementType);

  bool isPerAxis() const { return axis.has_value(); }
};

/// `tensor<d0 x ... x !quant.uniform<iN...>>` -> `tensor<d0 x ... x iN>`
/// (signless). Non-quantized tensors are returned unchanged.
RankedTensorType getStorageTensorType(RankedTensorType type);

/// Builds a per-tensor (`axis` empty, one entry in `params`) or per-axis
/// uniform quantized type with signed or unsigned storage of `bits` bits and
/// the storage range `range`.
quant::QuantizedType buildUniformQuantType(Type expressedType, unsigned bits,
                                           bool isSigned, QuantRange range,
                                           llvm::ArrayRef<QuantParams> params,
                                           std::optional<int32_t> axis);

/// Index of the quantization parameter that applies to the element at
/// `linearIndex` (row-major) of a tensor of `shape` quantized along `axis`
/// (always 0 for per-tensor).
int64_t paramIndex(int64_t linearIndex, llvm::ArrayRef<int64_t> shape,
                   std::optional<int32_t> axis);

/// Quantizes every element of the float constant `values` with `info` (the
/// parameter of an element is picked by its index along `info.axis`), giving
/// an integer constant of the storage type with the same shape.
DenseElementsAttr quantizeElements(DenseElementsAttr values,
                                   const UniformQuantInfo &info);
/// The same for an f32/f16/bf16 weight read in place (no APFloat or APInt
/// per element).
DenseElementsAttr quantizeElements(const WeightValues &values,
                                   const UniformQuantInfo &info);

/// The scale and zero point `compress.fake_quant` derives from the range
/// [min, max], computed in f32 exactly as its lowering does: the range is
/// widened to contain 0, `scale = (max - min) / (qmax - qmin)` (1 for an
/// empty range, raised to the smallest normal f32), `zp = clamp(qmin -
/// round_half_to_even(min / scale))`. The returned scale is the f32 value.
QuantParams computeFakeQuantParams(float min, float max, QuantRange range);

/// The elements of a float constant as a DenseElementsAttr: `value` itself,
/// or a copy of a `dense_resource` blob's data (how importers store large
/// weights). Returns null for anything else, for non-float element types,
/// and for a resource whose blob is missing or has the wrong size.
DenseElementsAttr getDenseFloatElements(Attribute value);

/// The same for any integer or float element type.
DenseElementsAttr getDenseElements(Attribute value);

/// Minimum and maximum of `values` per index along `axis` (a single pair when
/// `axis` is empty). Returns nullopt if any element is NaN or infinite.
std::optional<llvm::SmallVector<std::pair<double, double>>>
computeValueRanges(const WeightValues &values, std::optional<int32_t> axis);

/// The quantized type compress-quantize-weights gives a weight with `values`:
/// signed storage of `bits` bits, symmetric narrow range (zero point 0) or
/// asymmetric full range, one scale per index along `axis` (or one for
/// all), from the values' ranges. Nullopt when a value is NaN or infinite.
std::optional<quant::QuantizedType>
buildWeightQuantType(const WeightValues &values, std::optional<int32_t> axis,
                     unsigned bits, bool symmetric);

/// The grid value an element of a weight of `shape` takes when quantized
/// with `info` and dequantized: `value` quantized (in f32, as the lowered
/// code does) with the parameters of row-major element `flat`, then
/// dequantized.
double roundToGrid(const UniformQuantInfo &info, llvm::ArrayRef<int64_t> shape,
                   int64_t flat, double value);

/// An `arith.constant` of storage integers reinterpreted as `quantizedType`
/// through `quant.scast`.
Value createQuantizedConstant(OpBuilder &builder, Location loc,
                              DenseElementsAttr storageValues,
                              RankedTensorType quantizedType);

} // namespace mlir::compress

#endif // COMPRESS_UTILS_QUANTTYPEUTILS_H
