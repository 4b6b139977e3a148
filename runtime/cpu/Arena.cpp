//===- Arena.cpp - per-thread arenas of compiled models' buffers ---------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// compress-cpu-plan-arena places a function's intermediate buffers at fixed
// offsets of one arena and brackets the body with push / pop. Each thread
// keeps a stack of grow-only blocks, one per call depth (a compiled function
// that calls another public function pushes a second frame). A block is
// allocated the first time its depth needs that many bytes and kept, so that
// steady-state calls neither allocate nor touch fresh pages; the blocks are
// freed when the thread exits.
//
//===----------------------------------------------------------------------===//

#include "CpuKernels.h"

#include <cstdlib>
#include <vector>

namespace {

struct Block {
  void *data = nullptr;
  int64_t bytes = 0;
};

struct ArenaStack {
  std::vector<Block> blocks;
  size_t depth = 0;

  ~ArenaStack() {
    for (Block &block : blocks)
      std::free(block.data);
  }
};

thread_local ArenaStack arenas;

} // namespace

extern "C" {

COMPRESS_CPU_EXPORT void
_mlir_ciface_compress_cpu_arena_push(CompressCpuArenaMemRef *result,
                                     int64_t bytes) {
  if (arenas.depth == arenas.blocks.size())
    arenas.blocks.emplace_back();
  Block &block = arenas.blocks[arenas.depth];
  if (block.bytes < bytes) {
    // Nothing lives in this depth's block between calls: replace it.
    std::free(block.data);
    int64_t rounded = (bytes + 63) / 64 * 64;
    block.data = std::aligned_alloc(64, static_cast<size_t>(rounded));
    if (!block.data)
      std::abort(); // as the malloc of a compiled alloc would fail
    block.bytes = rounded;
  }
  ++arenas.depth;
  result->allocated = block.data;
  result->aligned = block.data;
  result->offset = 0;
  result->size = bytes;
  result->stride = 1;
}

COMPRESS_CPU_EXPORT void
_mlir_ciface_compress_cpu_arena_slot(CompressCpuArenaMemRef *result,
                                     const CompressCpuArenaMemRef *arena,
                                     int64_t offset, int64_t bytes) {
  result->allocated = arena->allocated;
  result->aligned =
      static_cast<char *>(arena->aligned) + arena->offset + offset;
  result->offset = 0;
  result->size = bytes;
  result->stride = 1;
}

COMPRESS_CPU_EXPORT void compress_cpu_arena_pop(void) {
  if (arenas.depth > 0)
    --arenas.depth;
}

} // extern "C"
