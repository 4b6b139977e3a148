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

//===----------------------------------------------------------------------===//
// "B16x64/windows": sparse weights for kernels that skip the zeros. Per
// panel of 16 columns and window of 64 k, the non-zeros of each column in k
// order are dealt out in rounds of 4: round r gives column c's lane its
// non-zeros 4r..4r+3 (zeros and index 0 past its count); the window has as
// many rounds as its fullest column needs (none when all 16 are zero). A
// round is 112 bytes: 64 bytes of values (lane c, 4 bytes) and 48 bytes of
// indices within the window (lane c: 3 bytes, i0 | i1 << 6 | i2 << 12 |
// i3 << 18). The kernel permutes each row's 64 bytes of A by the indices
// (vpermb) and does one vpdpbusd per round:
//
//   int64_t  panels, windows, blocks
//   int64_t  offsets[panels][blocks]   byte offset in `rounds data` of the
//                                      first window of each block of
//                                      kWindowsPerBlock windows of a panel
//   uint8_t  counts[panels][windows]   rounds per window
//   int8_t   rounds data[]             panel by panel, window by window,
//                                      then 64 bytes of zeros
//===----------------------------------------------------------------------===//

/// Windows (64 k) per block of the offset table: the VNNI kernel's K block.
constexpr int64_t kWindowsPerBlock = kSparseBlockQuads / 16;
constexpr int64_t kWindowRoundBytes = 112;

struct WindowsB {
  int64_t panels = 0, windows = 0, blocks = 0;
  const int64_t *offsets = nullptr;
  const uint8_t *counts = nullptr;
  const int8_t *data = nullptr;

  static WindowsB view(const void *blob) {
    const int64_t *header = static_cast<const int64_t *>(blob);
    WindowsB b;
    b.panels = header[0];
    b.windows = header[1];
    b.blocks = header[2];
    b.offsets = header + 3;
    b.counts = reinterpret_cast<const uint8_t *>(b.offsets +
                                                 b.panels * b.blocks);
    b.data = reinterpret_cast<const int8_t *>(b.counts +
                                              b.panels * b.windows);
    return b;
  }
};

/// Where a kernel reads one panel from a window on.
struct WindowCursor {
  const uint8_t *counts;
  const int8_t *data;
};

} // namespace compress::cpu::int8

#endif // COMPRESS_RUNTIME_CPU_SPARSEB_H
