//===- PackedWeights.h - constant weights in the kernels' layouts -*- C++
//-*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Packs constant weights at compile time, with the packing functions of the
// CPU kernel library itself (runtime/cpu), so that the compiler and the
// kernels can never disagree on a layout.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_CODEGEN_CPU_PACKEDWEIGHTS_H
#define COMPRESS_LIB_CODEGEN_CPU_PACKEDWEIGHTS_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <vector>

namespace mlir::compress {

/// The row-major bytes of a constant of 8- or 32-bit elements (dense,
/// splat or dense_resource); nullopt when they are not available.
std::optional<std::vector<char>> getConstantBytes(ElementsAttr attr);

/// A K x N matrix B(k, n) = data[k * strideK + n * strideN] packed for the
/// GEMM kernels: 16-column panels of floats ("B16"), or of 8-bit values four
/// deep ("B16x4").
std::vector<char> packGemmWeightF32(ArrayRef<char> data, int64_t k, int64_t n,
                                    int64_t strideK, int64_t strideN);
std::vector<char> packGemmWeightS8(ArrayRef<char> data, int64_t k, int64_t n,
                                   int64_t strideK, int64_t strideN);

/// Whether every byte of `data`, as int8, lies in [-8, 7].
bool fitsInFourBits(ArrayRef<char> data);
/// packGemmWeightS8's panels with each 64-byte row stored as 32 bytes of
/// nibbles ("B16x4/S4"); the values must fit in four bits.
std::vector<char> packGemmWeightS4(ArrayRef<char> data, int64_t k, int64_t n,
                                   int64_t strideK, int64_t strideN);
/// The fraction of zero bytes of `data`.
double zeroFraction(ArrayRef<char> data);
/// The weight's non-zeros and their positions ("B16x128/windows", the
/// library's private layout for the sparse kernels).
std::vector<char> packGemmWeightSparse(ArrayRef<char> data, int64_t k,
                                       int64_t n, int64_t strideK,
                                       int64_t strideN);
/// The weight as "B16x8/2:4" (kept pairs and their positions, 5/8 of
/// packGemmWeightS8's bytes), or nullopt when some group of 4 k of a column
/// has more than two non-zeros or K is not a multiple of 4.
std::optional<std::vector<char>> packGemmWeight2of4(ArrayRef<char> data,
                                                    int64_t k, int64_t n,
                                                    int64_t strideK,
                                                    int64_t strideN);
/// An FCHW filter (F = groups * Fg, Cg channels per group) packed for the
/// convolution kernels.
std::vector<char> packConvFilterF32(ArrayRef<char> data, int64_t f, int64_t cg,
                                    int64_t kh, int64_t kw, int64_t groups);
std::vector<char> packConvFilterS8(ArrayRef<char> data, int64_t f, int64_t cg,
                                   int64_t kh, int64_t kw, int64_t groups);

} // namespace mlir::compress

#endif // COMPRESS_LIB_CODEGEN_CPU_PACKEDWEIGHTS_H
