//===- WeightValues.h - reading and writing float weights in place -*- C++ -*-//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The one way compress's passes read and write float weight constants,
// whatever holds them: an inline DenseElementsAttr (splat or not) or a
// `dense_resource` blob, which is how imported models carry their weights.
// Reading goes straight to the raw storage: no copy into the context (a
// DenseElementsAttr made from a resource would be one for the context's
// lifetime) and no APFloat per element. Writing builds the new values in
// the storage of the final constant: a fresh blob for a resource weight
// (never the old one, which a clone of the module may still hold), an
// inline constant otherwise.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_UTILS_WEIGHTVALUES_H
#define COMPRESS_UTILS_WEIGHTVALUES_H

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <vector>

namespace mlir::compress {

/// A read-only view of the elements of a float (f32, f16 or bf16) ranked
/// tensor constant. Null when the attribute is not one, or is a resource
/// whose blob is missing or has the wrong size.
class WeightValues {
public:
  WeightValues() = default;
  /// Views an inline constant (null if it is not a float tensor).
  WeightValues(DenseElementsAttr dense);
  /// Views `value`: a DenseElementsAttr or a DenseResourceElementsAttr.
  static WeightValues get(Attribute value);
  /// Views `values` as a float32 tensor of `shape`'s shape, with no
  /// attribute (for values a pass is still computing): they are not copied
  /// and must outlive the view; getAttr() is null, toDense() copies them.
  static WeightValues view(ShapedType shape, ArrayRef<float> values);

  explicit operator bool() const { return bool(type); }
  /// The viewed attribute (null for a view of values).
  TypedAttr getAttr() const { return attr; }
  RankedTensorType getType() const { return type; }
  Type getElementType() const { return type.getElementType(); }
  int64_t getNumElements() const { return type.getNumElements(); }
  /// Whether the storage holds one element for all.
  bool isSplat() const { return splat; }
  /// Whether the values live in a `dense_resource` blob.
  bool isResource() const;

  /// Elements [begin, begin + out.size()) as floats (exact for f16/bf16).
  void read(int64_t begin, MutableArrayRef<float> out) const;
  /// All elements as floats.
  std::vector<float> toFloats() const;
  /// Calls `fn` on consecutive runs of the elements, in order, as floats:
  /// f32 storage is passed as is, other types through a small buffer.
  void forEachChunk(function_ref<void(ArrayRef<float>)> fn) const;
  /// The same values as a DenseElementsAttr: the viewed one, or (for a
  /// resource) a copy into the context that lives as long as the context.
  /// For the passes that still need one; prefer read().
  DenseElementsAttr toDense() const;

  /// Tells the OS that this pass no longer needs the memory of a resource
  /// weight it has replaced, when that memory is immutable (in practice the
  /// memory-mapped bytecode file the weight was read from): its pages are
  /// reclaimed now instead of staying resident next to the new values. A
  /// hint only (Linux MADV_PAGEOUT): the data stays valid, and whatever
  /// still refers to it reads it back from the file. Does nothing for
  /// inline constants, heap blobs and on other systems.
  void adviseUnused() const;

private:
  TypedAttr attr;
  RankedTensorType type;
  ArrayRef<char> raw;
  bool splat = false;
};

/// New values for a weight, built in the storage of the constant that will
/// hold them, in the form of the weight they replace (`like`): a new
/// `dense_resource` blob when `like` is a resource, an inline constant
/// otherwise. For an f32 resource, values() is the blob itself, so building
/// costs no memory besides the result.
class WeightBuilder {
public:
  explicit WeightBuilder(const WeightValues &like);
  /// The new values, `like.getNumElements()` of them, initially `like`'s.
  MutableArrayRef<float> values() { return data; }
  /// The constant attribute holding values() (converted to f16/bf16 by
  /// rounding to nearest even). Call once.
  TypedAttr finish();

private:
  WeightValues like;
  std::optional<AsmResourceBlob> blob;
  std::vector<float> buffer;
  MutableArrayRef<float> data;
};

/// An inline constant of `type` (f32, f16 or bf16) holding `values`,
/// converted to f16/bf16 by rounding to nearest even.
DenseElementsAttr buildWeightAttr(ShapedType type, ArrayRef<float> values);

/// A constant attribute of `like`'s type holding `values`, in the storage
/// form of `like` (see WeightBuilder).
TypedAttr buildWeightAttrLike(const WeightValues &like, ArrayRef<float> values);
/// The same with another shape: `type` (of `like`'s element type) holding
/// `values`, e.g. a weight with fewer channels.
TypedAttr buildWeightAttrLike(const WeightValues &like, RankedTensorType type,
                              ArrayRef<float> values);

} // namespace mlir::compress

#endif // COMPRESS_UTILS_WEIGHTVALUES_H
