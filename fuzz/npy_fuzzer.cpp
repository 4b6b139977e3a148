//===- npy_fuzzer.cpp - libFuzzer target for the .npy reader
//---------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Any bytes given to parseNpy must give an array or an error, never a crash,
// a sanitizer report or an array that contradicts itself. Built and run by
// scripts/fuzz.sh (clang's libFuzzer with ASan and UBSan).
//
//===----------------------------------------------------------------------===//

#include "compress/Utils/Npy.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::Expected<mlir::compress::NpyArray> array = mlir::compress::parseNpy(
      llvm::StringRef(reinterpret_cast<const char *>(data), size));
  if (!array) {
    llvm::consumeError(array.takeError());
    return 0;
  }
  // What a successful parse promises: one float per element, and for
  // integer dtypes one exact integer per element.
  int64_t count = array->numElements();
  if (count < 0 || static_cast<size_t>(count) != array->data.size())
    std::abort();
  if (array->isInteger() && array->integers.size() != array->data.size())
    std::abort();
  // Writing it back and reading that again gives the same elements.
  std::string again = mlir::compress::writeNpy(array->shape, array->data);
  llvm::Expected<mlir::compress::NpyArray> reread =
      mlir::compress::parseNpy(again);
  if (!reread) {
    llvm::consumeError(reread.takeError());
    std::abort();
  }
  if (reread->shape != array->shape ||
      reread->data.size() != array->data.size())
    std::abort();
  return 0;
}
