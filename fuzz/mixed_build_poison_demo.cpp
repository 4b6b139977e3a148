//===- mixed_build_poison_demo.cpp - ASan in a mixed build ---------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The coverage-guided mlir target links ASan-instrumented compress sources
// against Debian's uninstrumented libMLIR and libLLVM. LLVM's
// BumpPtrAllocator (llvm/Support/Allocator.h, inline) poisons each new slab
// and unpoisons what it hands out, but only where the header was compiled
// with ASan. When instrumented code starts a slab and uninstrumented library
// code then allocates from the same allocator, that memory stays poisoned
// and ASan reports a use-after-poison on a valid program (the target's
// reports in FileLineColRange::get and DenseIntOrFPElementsAttr::getRaw,
// see docs/results/fuzzing.md). This program shows it in a few lines:
//
//   clang++ -g -O1 -std=c++17 -fsanitize=address \
//     -I/usr/lib/llvm-22/include fuzz/mixed_build_poison_demo.cpp \
//     -L/usr/lib/llvm-22/lib -lLLVM -Wl,-rpath,/usr/lib/llvm-22/lib -o demo
//   ./demo                                   # use-after-poison (in memcpy)
//   ASAN_OPTIONS=allow_user_poisoning=0 ./demo   # prints "xhello from libLLVM"
//
// scripts/fuzz.sh therefore runs the targets with allow_user_poisoning=0:
// ASan still finds out-of-bounds and use-after-free on its own redzones and
// quarantine; only the allocator's manual poisoning is ignored.
//
//===----------------------------------------------------------------------===//

#include "llvm/Support/Allocator.h"
#include "llvm/Support/StringSaver.h"

#include <cstdio>

int main() {
  llvm::BumpPtrAllocator allocator;
  // Instrumented: starts a slab, poisons it, unpoisons these 16 bytes.
  char *mine = static_cast<char *>(allocator.Allocate(16, 1));
  mine[0] = 'x';
  // Uninstrumented (StringSaver.cpp in libLLVM): the next bytes of the same
  // slab, left poisoned; the copy into them is where ASan reports.
  llvm::StringSaver saver(allocator);
  llvm::StringRef saved = saver.save("hello from libLLVM");
  std::printf("%c%s\n", mine[0], saved.data());
  return 0;
}
