//===- WeightValues.cpp - reading and writing float weights in place ------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Utils/WeightValues.h"

#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Process.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <algorithm>
#include <cstring>

namespace mlir::compress {

namespace {

/// Bytes per element of a compressible float type.
size_t elementBytes(Type type) { return type.isF32() ? 4 : 2; }

float bitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

/// An IEEE half as a float (exact).
float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in a float.
    float magnitude = float(mantissa) * 0x1p-24f;
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 31)
    return bitsToFloat(sign | 0x7f800000u | (mantissa << 13));
  return bitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

/// Decodes `out.size()` elements of `type` from `raw` (little-endian).
void decode(Type type, const char *raw, MutableArrayRef<float> out) {
  if (type.isF32()) {
    std::memcpy(out.data(), raw, out.size() * sizeof(float));
    return;
  }
  for (size_t i = 0; i < out.size(); ++i) {
    uint16_t bits;
    std::memcpy(&bits, raw + 2 * i, 2);
    out[i] =
        type.isBF16() ? bitsToFloat(uint32_t(bits) << 16) : halfToFloat(bits);
  }
}

/// Encodes `values` as elements of `type` into `raw`, rounding to nearest
/// even for f16/bf16.
void encode(Type type, ArrayRef<float> values, char *raw) {
  if (type.isF32()) {
    std::memcpy(raw, values.data(), values.size() * sizeof(float));
    return;
  }
  const llvm::fltSemantics &semantics =
      cast<FloatType>(type).getFloatSemantics();
  for (size_t i = 0; i < values.size(); ++i) {
    llvm::APFloat x(values[i]);
    bool losesInfo = false;
    x.convert(semantics, llvm::APFloat::rmNearestTiesToEven, &losesInfo);
    uint16_t bits = uint16_t(x.bitcastToAPInt().getZExtValue());
    std::memcpy(raw + 2 * i, &bits, 2);
  }
}

bool isFloatTensor(RankedTensorType type) {
  if (!type)
    return false;
  Type element = type.getElementType();
  return element.isF32() || element.isF16() || element.isBF16();
}

/// The alignment of the blobs this file makes.
constexpr size_t kBlobAlignment = 64;

} // namespace

WeightValues::WeightValues(DenseElementsAttr dense) {
  if (!dense)
    return;
  auto tensorType = dyn_cast<RankedTensorType>(dense.getType());
  if (!isFloatTensor(tensorType))
    return;
  attr = dense;
  type = tensorType;
  raw = dense.getRawData();
  splat = dense.isSplat();
}

WeightValues WeightValues::get(Attribute value) {
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(value))
    return WeightValues(dense);
  auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(value);
  if (!resource)
    return {};
  auto tensorType = dyn_cast<RankedTensorType>(resource.getType());
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!isFloatTensor(tensorType) || !blob)
    return {};
  ArrayRef<char> data = blob->getData();
  size_t bytes = elementBytes(tensorType.getElementType());
  size_t expected = size_t(tensorType.getNumElements()) * bytes;
  bool isSplat = data.size() == bytes && expected != bytes;
  if (data.size() != expected && !isSplat)
    return {};
  WeightValues view;
  view.attr = resource;
  view.type = tensorType;
  view.raw = data;
  view.splat = isSplat || tensorType.getNumElements() == 1;
  return view;
}

WeightValues WeightValues::view(ShapedType shape, ArrayRef<float> values) {
  assert(shape.getNumElements() == int64_t(values.size()) &&
         "a view of as many values as the shape holds");
  WeightValues view;
  view.type = RankedTensorType::get(shape.getShape(),
                                    Float32Type::get(shape.getContext()));
  view.raw = ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                            values.size() * sizeof(float));
  return view;
}

bool WeightValues::isResource() const {
  return isa_and_nonnull<DenseResourceElementsAttr>(attr);
}

void WeightValues::read(int64_t begin, MutableArrayRef<float> out) const {
  assert(begin >= 0 && begin + int64_t(out.size()) <= getNumElements() &&
         "reading past the end of a weight");
  Type element = getElementType();
  if (splat) {
    float value;
    decode(element, raw.data(), MutableArrayRef<float>(&value, 1));
    std::fill(out.begin(), out.end(), value);
    return;
  }
  decode(element, raw.data() + begin * elementBytes(element), out);
}

std::vector<float> WeightValues::toFloats() const {
  std::vector<float> values(getNumElements());
  read(0, values);
  return values;
}

void WeightValues::forEachChunk(function_ref<void(ArrayRef<float>)> fn) const {
  int64_t size = getNumElements();
  bool direct = !splat && getElementType().isF32() &&
                reinterpret_cast<uintptr_t>(raw.data()) % alignof(float) == 0;
  if (direct) {
    fn(ArrayRef<float>(reinterpret_cast<const float *>(raw.data()), size));
    return;
  }
  constexpr int64_t kChunk = 4096;
  float buffer[kChunk];
  for (int64_t begin = 0; begin < size; begin += kChunk) {
    MutableArrayRef<float> chunk(buffer, std::min(kChunk, size - begin));
    read(begin, chunk);
    fn(chunk);
  }
}

DenseElementsAttr WeightValues::toDense() const {
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(attr))
    return dense;
  if (!type)
    return {};
  return DenseElementsAttr::getFromRawBuffer(type, raw);
}

void WeightValues::adviseUnused() const {
#if defined(__linux__) && defined(MADV_PAGEOUT)
  auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(attr);
  AsmResourceBlob *blob =
      resource ? resource.getRawHandle().getBlob() : nullptr;
  if (!blob || blob->isMutable())
    return;
  // Only the pages that lie wholly inside the blob.
  uint64_t page = llvm::sys::Process::getPageSizeEstimate();
  uint64_t begin = llvm::alignTo(reinterpret_cast<uint64_t>(raw.data()), page);
  uint64_t end = llvm::alignDown(
      reinterpret_cast<uint64_t>(raw.data()) + raw.size(), page);
  if (begin < end)
    (void)::madvise(reinterpret_cast<void *>(begin), end - begin, MADV_PAGEOUT);
#endif
}

WeightBuilder::WeightBuilder(const WeightValues &like) : like(like) {
  assert(like && "building values like a null weight");
  int64_t size = like.getNumElements();
  if (like.isResource() && like.getElementType().isF32()) {
    blob = HeapAsmResourceBlob::allocate(size * sizeof(float), kBlobAlignment);
    data = MutableArrayRef<float>(
        reinterpret_cast<float *>(blob->getMutableData().data()), size);
  } else {
    buffer.resize(size);
    data = buffer;
  }
  like.read(0, data);
}

TypedAttr WeightBuilder::finish() {
  RankedTensorType type = like.getType();
  Type element = type.getElementType();
  if (like.isResource()) {
    if (!blob) {
      blob = HeapAsmResourceBlob::allocate(data.size() * elementBytes(element),
                                           kBlobAlignment);
      encode(element, data, blob->getMutableData().data());
    }
    // A new entry: the manager makes the name unique. The old blob stays,
    // unchanged, for whatever else refers to it.
    StringRef name =
        cast<DenseResourceElementsAttr>(like.getAttr()).getRawHandle().getKey();
    return DenseResourceElementsAttr::get(type, name, std::move(*blob));
  }
  return buildWeightAttr(type, data);
}

DenseElementsAttr buildWeightAttr(ShapedType type, ArrayRef<float> values) {
  Type element = type.getElementType();
  std::vector<char> bytes(values.size() * elementBytes(element));
  encode(element, values, bytes.data());
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

TypedAttr buildWeightAttrLike(const WeightValues &like,
                              ArrayRef<float> values) {
  return buildWeightAttrLike(like, like.getType(), values);
}

TypedAttr buildWeightAttrLike(const WeightValues &like, RankedTensorType type,
                              ArrayRef<float> values) {
  assert(int64_t(values.size()) == type.getNumElements() &&
         type.getElementType() == like.getElementType() &&
         "values that do not fit the type");
  if (!like.isResource())
    return buildWeightAttr(type, values);
  Type element = type.getElementType();
  AsmResourceBlob blob = HeapAsmResourceBlob::allocate(
      values.size() * elementBytes(element), kBlobAlignment);
  encode(element, values, blob.getMutableData().data());
  StringRef name =
      cast<DenseResourceElementsAttr>(like.getAttr()).getRawHandle().getKey();
  return DenseResourceElementsAttr::get(type, name, std::move(blob));
}

} // namespace mlir::compress
