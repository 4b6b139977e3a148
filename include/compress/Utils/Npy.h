//===- Npy.h - reading NumPy .npy files -------------------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Sample data for calibration and for running compiled models comes as .npy
// files. This reader handles the arrays numpy.save writes for numeric data:
// format versions 1-3, C order, little-endian (or byte-sized) float16/32/64,
// signed and unsigned integers and bool, converted to float32 (float64 data
// is also kept exactly).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_UTILS_NPY_H
#define COMPRESS_UTILS_NPY_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::compress {

struct NpyArray {
  /// The dtype as numpy spells it, e.g. "<f4", "|u1".
  std::string dtype;
  llvm::SmallVector<int64_t> shape;
  /// The elements in C order, converted to float32.
  std::vector<float> data;
  /// For integer and bool dtypes, the elements exactly (uint64 values above
  /// INT64_MAX wrap); empty for floating-point dtypes.
  std::vector<int64_t> integers;
  /// For float64 data, the elements exactly; empty otherwise.
  std::vector<double> float64;

  bool isInteger() const { return !dtype.empty() && dtype[1] != 'f'; }

  int64_t numElements() const;
};

/// Parses the contents of a .npy file. Errors say what is wrong (bad magic,
/// truncated header or data, Fortran order, unsupported dtype).
llvm::Expected<NpyArray> parseNpy(llvm::StringRef contents);

/// Reads and parses a .npy file; errors name the file.
llvm::Expected<NpyArray> readNpyFile(llvm::StringRef path);

/// Serializes a float32 array in .npy format version 1.0.
std::string writeNpy(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<float> data);

/// Serializes `bytes`, the C-order elements of an array of numpy dtype
/// `dtype` ("<f4", "<i8", "|i1", ...), in .npy format version 1.0.
std::string writeNpy(llvm::StringRef dtype, llvm::ArrayRef<int64_t> shape,
                     llvm::ArrayRef<char> bytes);

} // namespace mlir::compress

#endif // COMPRESS_UTILS_NPY_H
