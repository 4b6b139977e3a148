//===- SparseB.h - the sparse int8 weight layout --------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// "B16x4/sparse": the B16x4 panels of a constant int8 weight with its zero
// bytes left out. Each 64-byte B16x4 row (16 columns x 4 k) is stored as a
// 64-bit mask of its non-zero bytes and those bytes, in order; the VNNI
// kernel rebuilds the row in a register with one masked byte expand
// (vpexpandb), other paths expand the panels into a buffer. The layout is
// private to the library (the compiler packs weights by calling
// compress_cpu_pack_sparse_s8):
//
//   int64_t  panels, quads, blocks      (Np / 16, Kp / 4, the K blocks)
//   int64_t  offsets[panels][blocks]    byte offset in `values` of the first
//                                       value of each block of
//                                       kSparseBlockQuads rows of a panel
//   uint64_t masks[panels][quads]
//   uint8_t  values[]                   panel by panel, row by row, then
//                                       64 bytes of zeros (whole-vector loads)
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNTIME_CPU_SPARSEB_H
#define COMPRESS_RUNTIME_CPU_SPARSEB_H

#include <cstdint>

namespace compress::cpu::int8 {

/// Rows (groups of 4 k) per block of the offset table: the VNNI kernel's K
/// block, so that a block of the kernel starts at a known value offset.
constexpr int64_t kSparseBlockQuads = 512;

struct SparseB {
  int64_t panels = 0, quads = 0, blocks = 0;
  const int64_t *offsets = nullptr;
  const uint64_t *masks = nullptr;
  const uint8_t *values = nullptr;

  static SparseB view(const void *blob) {
    const int64_t *header = static_cast<const int64_t *>(blob);
    SparseB b;
    b.panels = header[0];
    b.quads = header[1];
    b.blocks = header[2];
    b.offsets = header + 3;
    b.masks =
        reinterpret_cast<const uint64_t *>(b.offsets + b.panels * b.blocks);
    b.values = reinterpret_cast<const uint8_t *>(b.masks + b.panels * b.quads);
    return b;
  }
};

/// Where a kernel reads one panel from row q on.
struct SparseCursor {
  const uint64_t *masks;
  const uint8_t *values;
};

} // namespace compress::cpu::int8

#endif // COMPRESS_RUNTIME_CPU_SPARSEB_H
