//===- Shapes.h - how compress prints shapes --------------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// One spelling of a shape per audience, used by every tool and report.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_UTILS_SHAPES_H
#define COMPRESS_UTILS_SHAPES_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <string>

namespace mlir::compress {

/// MLIR's spelling: "2x3x4"; "scalar" for rank 0.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// numpy's spelling, for messages about .npy files: "(2, 3)", "(5,)", "()".
std::string formatNpyShape(llvm::ArrayRef<int64_t> shape);

} // namespace mlir::compress

#endif // COMPRESS_UTILS_SHAPES_H
