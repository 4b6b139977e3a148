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

/// The parameters of a per-tensor, per-axis or sub-channel (blockwise)
/// `!quant.uniform` type, in one shape: per-tensor types have one scale and
/// one zero point and no axis; sub-channel types have a parameter tensor of
/// shape `paramShape`, stored row-major in `scales` and `zeroPoints`.
struct UniformQuantInfo {
  llvm::SmallVector<double> scales;
  llvm::SmallVector<int64_t> zeroPoints;
  std::optional<int32_t> axis;
  /// Sub-channel types only (else empty): per dimension of the quantized
  /// tensor, the number of consecutive elements along it that share a
  /// parameter (0: all of them), and the parameter tensor's size along it.
  llvm::SmallVector<int64_t> blockSizes;
  llvm::SmallVector<int64_t> paramShape;
  QuantRange range;
  unsigned storageWidth;
  bool isSigned;
  Type expressedType;

  /// Returns nullopt for anything but UniformQuantizedType and
  /// UniformQuantizedPerAxisType, and for UniformQuantizedSubChannelType
  /// unless `allowSubChannel`: callers that only know the first two ask for
  /// them alone, so a blockwise type never passes for a per-tensor one.
  static std::optional<UniformQuantInfo> get(Type elementType,
                                             bool allowSubChannel = false);

  bool isPerAxis() const { return axis.has_value(); }
  bool isSubChannel() const { return !paramShape.empty(); }

  /// The block size of every dimension of a tensor of rank `rank` quantized
  /// with these parameters (0: one parameter along the whole dimension).
  llvm::SmallVector<int64_t> getBlockSizes(int64_t rank) const;
};

/// Maps the elements of a tensor to their quantization parameter, given the
/// block size of each dimension (0: the whole dimension shares parameters;
/// per-tensor: all 0; per-axis: 1 on the axis). Parameters are numbered
/// row-major over the parameter tensor, of size ceil(dim / block) along a
/// blocked dimension and 1 along the others.
class ParamIndexer {
public:
  ParamIndexer(llvm::ArrayRef<int64_t> shape,
               llvm::ArrayRef<int64_t> blockSizes);
  ParamIndexer(llvm::ArrayRef<int64_t> shape, const UniformQuantInfo &info)
      : ParamIndexer(shape, info.getBlockSizes(shape.size())) {}

  int64_t getNumParams() const { return numParams; }
  /// The parameter of the element at row-major index `flat`.
  int64_t paramOf(int64_t flat) const;
  /// How many elements from `flat` on (within its innermost row) share its
  /// parameter.
  int64_t runLength(int64_t flat) const;

private:
  llvm::SmallVector<int64_t> shape, blocks, paramStrides;
  int64_t numParams = 1;
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

/// Builds a sub-channel (blockwise) uniform quantized type for a tensor of
/// `shape`, with one entry of `params` per parameter of
/// `ParamIndexer(shape, blockSizes)` (row-major). Every blocked dimension
/// must be a multiple of its block size.
quant::QuantizedType
buildSubChannelQuantType(Type expressedType, unsigned bits, bool isSigned,
                         QuantRange range, llvm::ArrayRef<QuantParams> params,
                         llvm::ArrayRef<int64_t> shape,
                         llvm::ArrayRef<int64_t> blockSizes);

/// Quantizes every element of the float constant `values` with `info` (the
/// parameter of an element is the one ParamIndexer gives it), giving
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
/// The same per parameter of `params` (see ParamIndexer).
std::optional<llvm::SmallVector<std::pair<double, double>>>
computeValueRanges(const WeightValues &values, const ParamIndexer &params);

/// Groups of consecutive weights along a reduction dimension that share a
/// scale (group-wise, "sub-channel" quantization).
struct WeightGroups {
  int32_t axis;
  int64_t size;
};

/// How buildWeightQuantType sets the range each scale covers.
enum class WeightRange {
  /// The minimum and maximum of the values the scale serves.
  MinMax,
  /// The minimum and maximum times the factor among 1, 0.99, ..., 0.21 (the
  /// first of equals) whose rounding error, the sum of (w - q(w))^2 over
  /// those values, is least: the largest values are clipped where finer
  /// steps for the others pay for it, as they do at 4 bits and below.
  Mse,
};

/// The range compress-quantize-weights' default, `range=auto`, gives
/// `bits`-bit weights: clipped (Mse) for GPTQ below 8 bits, else MinMax.
inline WeightRange autoWeightRange(unsigned bits, bool gptq) {
  return gptq && bits < 8 ? WeightRange::Mse : WeightRange::MinMax;
}

/// The quantized type compress-quantize-weights gives a weight with `values`:
/// signed storage of `bits` bits, symmetric narrow range (zero point 0) or
/// asymmetric full range, one scale per index along `axis` (or one for
/// all), from the values' ranges (as `method` sets them). With `groups`
/// (which needs `axis`), one scale per index along `axis` and group of
/// `groups->size` along `groups->axis`: a sub-channel type. Nullopt when a
/// value is NaN or infinite.
std::optional<quant::QuantizedType>
buildWeightQuantType(const WeightValues &values, std::optional<int32_t> axis,
                     unsigned bits, bool symmetric,
                     std::optional<WeightGroups> groups = std::nullopt,
                     WeightRange method = WeightRange::MinMax);

/// The grid value an element of a weight takes when quantized with `info`
/// and dequantized: `value` quantized (in f32, as the lowered code does) with
/// the parameters of row-major element `flat` (`params` is the weight's
/// ParamIndexer for `info`), then dequantized.
double roundToGrid(const UniformQuantInfo &info, const ParamIndexer &params,
                   int64_t flat, double value);

/// An `arith.constant` of storage integers reinterpreted as `quantizedType`
/// through `quant.scast`.
Value createQuantizedConstant(OpBuilder &builder, Location loc,
                              DenseElementsAttr storageValues,
                              RankedTensorType quantizedType);

} // namespace mlir::compress

#endif // COMPRESS_UTILS_QUANTTYPEUTILS_H
