//===- PruneUtils.h - shared pieces of the pruning passes -------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PRUNEUTILS_H
#define COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PRUNEUTILS_H

#include "compress/Dialect/Compress/IR/CompressAttrs.h"
#include "compress/Dialect/Compress/Utils/WeightUtils.h"
#include "compress/Utils/MagnitudeSelect.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/ArrayRef.h"

#include <string>
#include <vector>

namespace mlir::compress {

/// A layer op with a constant float weight; `index` is its position among
/// all such layers in program order.
struct WeightedLayer {
  linalg::LinalgOp op;
  WeightOperand weight;
  unsigned index;
};

/// Every layer op under `root` with a constant float weight, in program
/// order.
llvm::SmallVector<WeightedLayer> collectWeightedLayers(Operation *root);

/// Whether the layer at position `index` of `count` layers (program order)
/// is named by `skip`: an entry is an index (negative counts from the end,
/// so "0" and "-1" are the first and last layer) or a layer name as
/// getLayerName gives it.
bool isSkippedLayer(Operation *op, unsigned index, unsigned count,
                    llvm::ArrayRef<std::string> skip);

/// Parses every `skip` entry, reporting a malformed one at `loc`.
LogicalResult verifySkipList(Location loc, llvm::StringRef passName,
                             llvm::ArrayRef<std::string> skip);

/// The values of a float (f32, f16 or bf16) constant as floats, which hold
/// every f16/bf16 value exactly. f32 data is copied straight from the
/// constant's raw storage: no per-element APFloat, so that models with
/// hundreds of millions of weights stay fast and small.
std::vector<float> getFloatValues(const WeightValues &values);

/// Fraction of exactly-zero elements.
double zeroFraction(llvm::ArrayRef<float> values);

/// Replaces the weight operand of a layer by a new constant holding `values`
/// (same type; converted back exactly to f16/bf16; a new blob when the old
/// weight was a `dense_resource`) annotated with `sparsity`. The old
/// constant is erased if this was its last use.
void replaceWeightConstant(OpBuilder &builder, const WeightOperand &weight,
                           llvm::ArrayRef<float> values, SparsityAttr sparsity);
/// The same with the new constant's attribute already built (WeightBuilder).
void replaceWeightConstant(OpBuilder &builder, const WeightOperand &weight,
                           TypedAttr values, SparsityAttr sparsity);

/// Sets `values[i]` to +0.0 for every i in `indices`.
void zeroElements(llvm::MutableArrayRef<float> values,
                  llvm::ArrayRef<int64_t> indices);

/// Zeroes the `count` elements of smallest magnitude of the buffers taken as
/// one sequence (in order); ties go to the earlier element, which is pruned
/// first. NaN counts as the largest magnitude. No memory besides the
/// buffers (findMagnitudeCut).
void zeroSmallestMagnitudes(llvm::ArrayRef<std::vector<float> *> buffers,
                            int64_t count);

/// Zeroes all but the `n` largest magnitudes in every group of `m`
/// consecutive elements along `axis` of a tensor of `shape` (ties keep the
/// lower index); a size along `axis` that is not a multiple of `m` leaves
/// the remainder alone.
void keepLargestInGroups(llvm::MutableArrayRef<float> values,
                         llvm::ArrayRef<int64_t> shape, int64_t axis, int64_t n,
                         int64_t m);

/// The number of elements to prune: round_half_to_even(fraction * total), as
/// torch.nn.utils.prune computes it.
int64_t pruneCount(double fraction, int64_t total);

} // namespace mlir::compress

#endif // COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PRUNEUTILS_H
