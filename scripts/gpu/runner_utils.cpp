//===- runner_utils.cpp - mlir-runner's print functions, without LLVM -----===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The test programs of the GPU execution tests print with the functions of
// MLIR's runner utility libraries (printMemrefI32, printI64, ...). Debian's
// libmlir_c_runner_utils.so links all of libMLIR and libLLVM, which GPU
// machines without an LLVM installation do not have, so scripts/gpu/aot.py
// links the programs it compiles ahead of time against this file instead.
// The output format is MLIR's own: the memref printers are the templates of
// mlir/ExecutionEngine/RunnerUtils.h; the scalar printers write what
// CRunnerUtils.cpp writes.
//
//===----------------------------------------------------------------------===//

#include "mlir/ExecutionEngine/RunnerUtils.h"

#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#define COMPRESS_PRINT_MEMREF(suffix, type)                                    \
  extern "C" void _mlir_ciface_printMemref##suffix(                            \
      UnrankedMemRefType<type> *descriptor) {                                  \
    impl::printMemRef(*descriptor);                                            \
  }                                                                            \
  extern "C" void printMemref##suffix(int64_t rank, void *pointer) {           \
    UnrankedMemRefType<type> descriptor = {rank, pointer};                     \
    impl::printMemRef(descriptor);                                             \
  }

COMPRESS_PRINT_MEMREF(I8, int8_t)
COMPRESS_PRINT_MEMREF(I16, int16_t)
COMPRESS_PRINT_MEMREF(I32, int32_t)
COMPRESS_PRINT_MEMREF(I64, int64_t)
COMPRESS_PRINT_MEMREF(F32, float)
COMPRESS_PRINT_MEMREF(F64, double)

#undef COMPRESS_PRINT_MEMREF

extern "C" void printI64(int64_t value) { std::printf("%" PRId64, value); }
extern "C" void printU64(uint64_t value) { std::printf("%" PRIu64, value); }
extern "C" void printF64(double value) {
  if (std::isnan(value) && std::signbit(value))
    std::printf("-nan");
  else
    std::printf("%g", value);
}
extern "C" void printF32(float value) { printF64(value); }
extern "C" void printString(const char *text) { std::printf("%s", text); }
extern "C" void printOpen() { std::printf("( "); }
extern "C" void printClose() { std::printf(" )"); }
extern "C" void printComma() { std::printf(", "); }
extern "C" void printNewline() { std::printf("\n"); }
extern "C" double rtclock() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

/// memref.copy between layouts that are not both contiguous: element by
/// element in row-major order of the (equal) sizes, each element
/// `elementSize` bytes, with each side's own offset and strides.
extern "C" void memrefCopy(int64_t elementSize, UnrankedMemRefType<char> *src,
                           UnrankedMemRefType<char> *dst) {
  DynamicMemRefType<char> from(*src), to(*dst);
  int64_t rank = from.rank;
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d)
    count *= from.sizes[d];
  if (count == 0)
    return;
  std::vector<int64_t> index(rank, 0);
  int64_t fromOffset = from.offset, toOffset = to.offset;
  for (int64_t element = 0; element < count; ++element) {
    std::memcpy(to.data + toOffset * elementSize,
                from.data + fromOffset * elementSize, elementSize);
    // The next index, innermost dimension first.
    for (int64_t d = rank - 1; d >= 0; --d) {
      fromOffset += from.strides[d];
      toOffset += to.strides[d];
      if (++index[d] < from.sizes[d])
        break;
      fromOffset -= from.strides[d] * from.sizes[d];
      toOffset -= to.strides[d] * to.sizes[d];
      index[d] = 0;
    }
  }
}
