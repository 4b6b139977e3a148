//===- Shapes.cpp - how compress prints shapes ----------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "compress/Utils/Shapes.h"

#include "llvm/ADT/STLExtras.h"

std::string mlir::compress::formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text;
  for (auto [i, d] : llvm::enumerate(shape))
    text += (i ? "x" : "") + std::to_string(d);
  return text.empty() ? "scalar" : text;
}

std::string mlir::compress::formatNpyShape(llvm::ArrayRef<int64_t> shape) {
  std::string text = "(";
  for (auto [i, d] : llvm::enumerate(shape))
    text += (i ? ", " : "") + std::to_string(d);
  if (shape.size() == 1)
    text += ",";
  return text + ")";
}
