//===- IGemmPaths.h - the int8 kernels of each ISA file ---------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// IGemm.cpp (baseline x86-64) enters these only after effectiveIsa() says
// the host runs them; each is defined in the file compiled for its ISA.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNTIME_CPU_IGEMMPATHS_H
#define COMPRESS_RUNTIME_CPU_IGEMMPATHS_H

#include <cstdint>

namespace compress::cpu::int8 {

struct RequantizeEpilogue;

// Block kernels: C[M x N] (i32, ldc) += A[M x K] * B, B packed B16x4 (panel
// stride Kp * 16 bytes). aSigned: A is s8 and B u8 (conv) instead of A u8
// and B s8. aPadded: A may be read, as zeros, up to roundUp(M, 16) rows and
// Kp columns. With `ep`, C's final values also go through the requantizing
// epilogue (Requantize.h), C being the output's rows row0.. and columns
// col0... igemmVnni and igemmAmx also take a null C with `ep`: the
// accumulators then start from ep->rowInit or ep->columnInit (or zeros) and
// live only in the kernel's own buffer.
void igemmVnni(bool aSigned, bool aPadded, int64_t M, int64_t N, int64_t K,
               const uint8_t *A, int64_t lda, const int8_t *Bp, int64_t Kp,
               int32_t *C, int64_t ldc, const RequantizeEpilogue *ep,
               int64_t row0, int64_t col0);
// igemmVnni with B packed "B16x4/S4": each 64-byte B16x4 row stored as 32
// bytes of nibbles (CpuKernels.h), unpacked in registers; aSigned is false.
void igemmVnniS4(bool aSigned, bool aPadded, int64_t M, int64_t N, int64_t K,
                 const uint8_t *A, int64_t lda, const int8_t *Bp, int64_t Kp,
                 int32_t *C, int64_t ldc, const RequantizeEpilogue *ep,
                 int64_t row0, int64_t col0);
// igemmVnni with B packed "B16x8/2:4" (CpuKernels.h); K % 4 == 0.
void igemmVnniPairs(bool aSigned, bool aPadded, int64_t M, int64_t N, int64_t K,
                    const uint8_t *A, int64_t lda, const int8_t *Bp, int64_t Kp,
                    int32_t *C, int64_t ldc, const RequantizeEpilogue *ep,
                    int64_t row0, int64_t col0);
// igemmVnni with B packed "B16x128/windows" (SparseB.h): Bp is the whole
// blob and col0 / 16 the first panel of the rectangle. Needs AVX512_VBMI.
void igemmVnniWindows(bool aSigned, bool aPadded, int64_t M, int64_t N,
                      int64_t K, const uint8_t *A, int64_t lda,
                      const int8_t *Bp, int64_t Kp, int32_t *C, int64_t ldc,
                      const RequantizeEpilogue *ep, int64_t row0, int64_t col0);
// applyRequantize (Requantize.h) as compiled for AVX-512 and for AVX2: the
// vector forms, which the portable file does not have.
void requantizeVnni(const RequantizeEpilogue &ep, const int32_t *C, int64_t ldc,
                    int64_t rows, int64_t cols, int64_t row0, int64_t col0);
void requantizeAvx2(const RequantizeEpilogue &ep, const int32_t *C, int64_t ldc,
                    int64_t rows, int64_t cols, int64_t row0, int64_t col0);
// The AVX2 block kernel (IGemmAvx2.cpp): B16x4 panels, both operands
// widened to i16 (exact); takes any A (aPadded is not needed).
void igemmAvx2(bool aSigned, bool aPadded, int64_t M, int64_t N, int64_t K,
               const uint8_t *A, int64_t lda, const int8_t *Bp, int64_t Kp,
               int32_t *C, int64_t ldc, const RequantizeEpilogue *ep,
               int64_t row0, int64_t col0);
void igemmAmx(bool aSigned, bool aPadded, int64_t M, int64_t N, int64_t K,
              const uint8_t *A, int64_t lda, const int8_t *Bp, int64_t Kp,
              int32_t *C, int64_t ldc, const RequantizeEpilogue *ep,
              int64_t row0, int64_t col0);
// One channel plane of a depthwise convolution; false when the shape is not
// handled (the caller then runs the portable code).
bool depthwisePlaneVnni(int64_t H, int64_t W, int64_t KH, int64_t KW,
                        int64_t OH, int64_t OW, int64_t sh, int64_t sw,
                        int64_t dh, int64_t dw, const uint8_t *in,
                        const int8_t *w, int32_t *out);
// The same for AVX2 (IGemmAvx2.cpp): 8 pixels per vector, each tap's u8
// inputs widened to i32 and multiplied by the broadcast weight (exact);
// the pixels whose loads would leave the plane run as the portable code.
bool depthwisePlaneAvx2(int64_t H, int64_t W, int64_t KH, int64_t KW,
                        int64_t OH, int64_t OW, int64_t sh, int64_t sw,
                        int64_t dh, int64_t dw, const uint8_t *in,
                        const int8_t *w, int32_t *out);
// Eight channels of a 3x3 depthwise convolution (unit dilation, horizontal
// stride 1 or 2) at once, for AVX2 (IGemmAvx2.cpp): the planes in + c * H * W
// (c < 8) padded by padTop/padLeft/padBottom/padRight of the byte padValue,
// filters w + c * 9, accumulated into the i32 planes out + c * OH * OW.
// Vectorized across the channels: each pair of horizontally adjacent taps is
// one vpmaddwd of i16 pairs (exact). False (nothing done) for other windows.
bool depthwiseChannelsAvx2(int64_t H, int64_t W, int64_t padTop,
                           int64_t padLeft, int64_t padBottom, int64_t padRight,
                           uint8_t padValue, int64_t KH, int64_t KW, int64_t OH,
                           int64_t OW, int64_t sh, int64_t sw, int64_t dh,
                           int64_t dw, const uint8_t *in, const int8_t *w,
                           int32_t *out);

// One plane of compress_cpu_max_pool2d_nchw_i8 for AVX2 (IGemmAvx2.cpp):
// for 32 outputs of a row, the window rows' maxima of the columns they read
// (32 bytes at a time, in registers, reading no further than inEnd, the end
// of the input), then the columns' taps from those registers (shifted; at
// stride 2 as 16-bit lanes); wider windows and the input's last rows go
// through a row buffer. The old outputs are taken over the whole plane at
// the end. False (nothing done) for horizontal strides other than 1 and 2,
// or dilated columns.
bool maxPoolPlaneBytesAvx2(bool isSigned, const uint8_t *in,
                           const uint8_t *inEnd, int64_t W, int64_t KH,
                           int64_t KW, uint8_t *out, int64_t OH, int64_t OW,
                           int64_t sh, int64_t sw, int64_t dh, int64_t dw);

} // namespace compress::cpu::int8

#endif // COMPRESS_RUNTIME_CPU_IGEMMPATHS_H
