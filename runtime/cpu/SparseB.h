//===- SparseB.h - the sparse int8 weight layout --------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The layout of sparse int8 GEMM weights, private to the library (the
// compiler packs weights by calling compress_cpu_pack_sparse_s8).
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNTIME_CPU_SPARSEB_H
#define COMPRESS_RUNTIME_CPU_SPARSEB_H

#include <cstdint>

namespace compress::cpu::int8 {

/// Groups of 4 k per K block of the VNNI kernel, which starts each block at
/// a value offset the layout records.
constexpr int64_t kSparseBlockQuads = 512;

//===----------------------------------------------------------------------===//
// "B16x128/windows": sparse weights for kernels that skip the zeros. Per
// panel of 16 columns and window of 128 k, the non-zeros of each column in
// k order are dealt out in rounds of 4: round r gives column c's lane its
// non-zeros 4r..4r+3 (zeros and position 0 past its count); the window has
// as many rounds as its fullest column needs (none when all 16 are zero).
// A round is 120 bytes: 64 bytes of values (lane c, 4 bytes) and 56 bytes
// of positions within the window, 7 bits each: lanes 2q and 2q + 1 share
// the 7 bytes at 7q, a 56-bit little-endian group with lane 2q's four
// positions at bits 0, 7, 14, 21 and lane 2q + 1's at 28, 35, 42, 49. The
// kernel permutes each row's 128 bytes of A by the positions (vpermi2b)
// and does one vpdpbusd per round:
//
//   int64_t  panels, windows, blocks
//   int64_t  offsets[panels][blocks]   byte offset in `rounds data` of the
//                                      first window of each block of
//                                      kWindowsPerBlock windows of a panel
//   uint8_t  counts[panels][windows]   rounds per window
//   int8_t   rounds data[]             panel by panel, window by window,
//                                      then 64 bytes of zeros
//===----------------------------------------------------------------------===//

/// k per window, windows per block of the offset table (the VNNI kernel's
/// K block), bytes per round.
constexpr int64_t kWindowK = 128;
constexpr int64_t kWindowsPerBlock = kSparseBlockQuads * 4 / kWindowK;
constexpr int64_t kWindowRoundBytes = 120;

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
    b.counts =
        reinterpret_cast<const uint8_t *>(b.offsets + b.panels * b.blocks);
    b.data = reinterpret_cast<const int8_t *>(b.counts + b.panels * b.windows);
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
