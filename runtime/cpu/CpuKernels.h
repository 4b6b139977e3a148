//===- CpuKernels.h - CPU micro-kernels called by compiled models
//----------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The C ABI between code lowered by `compress-lower-to-cpu` and the kernel
// library (libcompress_cpu_runtime). The compiler (compress-cpu-microkernels)
// emits calls to these functions with every argument 64 bits wide: sizes and
// strides as int64_t, pointers as the aligned base address plus the element
// offset already applied.
//
// Every GEMM *accumulates*: C += A * B. The compiled IR initializes C (zero,
// a bias, or the zero-point offsets of an int8 kernel) before the call.
//
// `isa` selects the code path. A request the running CPU cannot execute falls
// back to the best path it can (never an illegal instruction, never a wrong
// result); `compress_cpu_effective_isa` says what a request resolves to.
// `threads` <= 0 means all cores; 1 runs on the calling thread.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_RUNTIME_CPU_CPUKERNELS_H
#define COMPRESS_RUNTIME_CPU_CPUKERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COMPRESS_CPU_EXPORT __attribute__((visibility("default")))

// Kernel paths. Numbers are part of the ABI.
enum CompressCpuIsa {
  COMPRESS_CPU_ISA_PORTABLE = 0,    // plain C++, any x86-64 (or other) CPU
  COMPRESS_CPU_ISA_AVX2 = 1,        // AVX2 + FMA
  COMPRESS_CPU_ISA_AVX512 = 2,      // AVX-512 F/BW/VL (+FMA)
  COMPRESS_CPU_ISA_AVX512_VNNI = 3, // AVX-512 VNNI (vpdpbusd) for int8
  COMPRESS_CPU_ISA_AMX = 4,         // AMX-INT8 tiles (tdpbusd/tdpbsud) for int8
};

// The best path this CPU supports (and, for AMX, that the OS permits).
COMPRESS_CPU_EXPORT int64_t compress_cpu_host_isa(void);
// What a request resolves to on this CPU (min of the request and the host,
// with AVX512_VNNI/AMX meaning AVX512 for fp32 kernels).
COMPRESS_CPU_EXPORT int64_t compress_cpu_effective_isa(int64_t isa);

//===----------------------------------------------------------------------===//
// Packed layouts (the compiler packs constant weights in exactly this layout
// at compile time; the runtime packs non-constant operands the same way).
//===----------------------------------------------------------------------===//
//
// fp32 panel layout, "B16": B is K x N. Columns are grouped in panels of 16;
// Np = round_up(N, 16). Bp has Np * K floats:
//   Bp[(n / 16) * K * 16 + k * 16 + (n % 16)] = B(k, n), 0 where n >= N.
//
// int8 panel layout, "B16x4": B is K x N (8-bit). Kp = round_up(K, 64),
// Np = round_up(N, 16). Bp has Np * Kp bytes:
//   Bp[(n / 16) * Kp * 16 + (k / 4) * 64 + (n % 16) * 4 + (k % 4)] = B(k, n),
//   0 where k >= K or n >= N.
// (Each 64-byte row is one vpdpbusd operand, and 16 consecutive rows are one
// AMX B tile.)
//
// 4-bit panel layout, "B16x4/S4": B16x4 of a B whose values all lie in
// [-8, 7], each 64-byte row r (bytes r[0..63]) stored as 32 bytes
//   Bp4[row * 32 + i] = (r[i] & 0xf) | (r[i + 32] << 4),   i < 32,
// so Bp4 has Np * Kp / 2 bytes (two's complement nibbles; the kernels
// sign-extend them in registers).

COMPRESS_CPU_EXPORT void compress_cpu_pack_b16_f32(int64_t K, int64_t N,
                                                   const float *B,
                                                   int64_t strideK,
                                                   int64_t strideN, float *Bp);
COMPRESS_CPU_EXPORT void compress_cpu_pack_b16x4_8(int64_t K, int64_t N,
                                                   const int8_t *B,
                                                   int64_t strideK,
                                                   int64_t strideN, int8_t *Bp);
// B's values must lie in [-8, 7] (only their low 4 bits are kept).
COMPRESS_CPU_EXPORT void
compress_cpu_pack_b16x4_s4(int64_t K, int64_t N, const int8_t *B,
                           int64_t strideK, int64_t strideN, int8_t *Bp);

//===----------------------------------------------------------------------===//
// GEMM: C(m, n) += sum_k A(m, k) * B(k, n)
//   A(m, k) = A[m * lda + k]   (row-major, unit stride along K)
//   C(m, n) = C[m * ldc + n]   (row-major, unit stride along N)
//===----------------------------------------------------------------------===//

// fp32, B packed "B16".
COMPRESS_CPU_EXPORT void
compress_cpu_sgemm_packed(int64_t isa, int64_t M, int64_t N, int64_t K,
                          const float *A, int64_t lda, const float *Bp,
                          float *C, int64_t ldc, int64_t threads);
// fp32, B(k, n) = B[k * strideK + n * strideN] (packed internally).
COMPRESS_CPU_EXPORT void
compress_cpu_sgemm(int64_t isa, int64_t M, int64_t N, int64_t K, const float *A,
                   int64_t lda, const float *B, int64_t strideK,
                   int64_t strideN, float *C, int64_t ldc, int64_t threads);
// `batch` independent products C_i[M x N] += A_i[M x K] * B_i with A_i at
// A + i * strideA (rows lda apart), B_i(k, n) = B[i * strideB + k * strideK +
// n * strideN] and C_i at C + i * strideC (rows ldc apart). Each B_i is
// packed at run time; the batches are shared out between the threads.
COMPRESS_CPU_EXPORT void
compress_cpu_sgemm_batched(int64_t isa, int64_t batch, int64_t M, int64_t N,
                           int64_t K, const float *A, int64_t strideA,
                           int64_t lda, const float *B, int64_t strideB,
                           int64_t strideK, int64_t strideN, float *C,
                           int64_t strideC, int64_t ldc, int64_t threads);

// int8 -> int32, exact (no saturation): A unsigned 8-bit, B signed 8-bit,
// B packed "B16x4".
COMPRESS_CPU_EXPORT void
compress_cpu_igemm_u8s8_packed(int64_t isa, int64_t M, int64_t N, int64_t K,
                               const uint8_t *A, int64_t lda, const int8_t *Bp,
                               int32_t *C, int64_t ldc, int64_t threads);
// compress_cpu_igemm_u8s8_packed, then compress.requantize (fixed-point
// rounding, runtime/cpu/Requantize.h) of C's final values into `out` (row
// stride ldo elements), optionally followed by compress.dequantize to f32.
// The VNNI path applies it tile by tile while the GEMM runs; C still
// receives the i32 accumulators. `params` holds 5 x P values, P = N (per
// column) or 1 (per tensor): the Q31 multipliers, the right shifts, the
// rounding offsets 2^(right - 1) (0 for no shift), the rounding adjustments
// (-1, 0 for no shift) and the left shifts (read only with hasLeftShift).
// The result is clamp(. + zeroPoint, lo, hi), stored as one byte (u8 or i8
// storage), or with `dequantize` as f32((q - dequantZeroPoint)) times the f32
// whose bits are dequantScaleBits.
COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s8_packed_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bp, int32_t *C, int64_t ldc, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads);
// The same without C: the accumulators start from `bias` (N values, the
// same for every row; null for zeros) and only the requantized output is
// written, so that no M x N i32 matrix goes through memory.
COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s8_packed_bias_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bp, const int32_t *bias, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads);
// The three entry points above with B packed "B16x4/S4" (4-bit weights,
// half the bytes): the same results, bit for bit. AVX-512 VNNI hosts (AMX
// hosts included) unpack the nibbles in registers; the portable path
// expands the panels into a buffer first.
COMPRESS_CPU_EXPORT void
compress_cpu_igemm_u8s4_packed(int64_t isa, int64_t M, int64_t N, int64_t K,
                               const uint8_t *A, int64_t lda, const int8_t *Bp,
                               int32_t *C, int64_t ldc, int64_t threads);
COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s4_packed_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bp, int32_t *C, int64_t ldc, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads);
COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s4_packed_bias_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bp, const int32_t *bias, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads);
// Sparse weights for kernels that skip the zeros ("B16x128/windows", a
// layout private to this library, runtime/cpu/SparseB.h): per 128 k of a
// panel, the non-zeros of each column dealt out in rounds of 4 with their
// 7-bit positions. The AVX-512 VNNI kernel (with AVX512_VBMI) permutes 128
// bytes of A per row and round into place (vpermi2b) and does one vpdpbusd
// per round; other hosts expand the panels first. Same results as the
// packed GEMMs, bit for bit. Size the blob (64 bytes more than its data:
// the kernels read whole vectors) with compress_cpu_packed_sparse_size_s8,
// fill it (8-byte aligned) with compress_cpu_pack_sparse_s8.
COMPRESS_CPU_EXPORT int64_t compress_cpu_packed_sparse_size_s8(
    int64_t K, int64_t N, const int8_t *B, int64_t strideK, int64_t strideN);
COMPRESS_CPU_EXPORT void
compress_cpu_pack_sparse_s8(int64_t K, int64_t N, const int8_t *B,
                            int64_t strideK, int64_t strideN, int8_t *Bw);
COMPRESS_CPU_EXPORT void
compress_cpu_igemm_u8s8_sparse(int64_t isa, int64_t M, int64_t N, int64_t K,
                               const uint8_t *A, int64_t lda, const int8_t *Bw,
                               int32_t *C, int64_t ldc, int64_t threads);
COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s8_sparse_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bw, int32_t *C, int64_t ldc, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads);
COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s8_sparse_bias_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bw, const int32_t *bias, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads);

// 2:4 weights (at most two non-zeros in every group of 4 k of a column, K a
// multiple of 4), packed "B16x8/2:4": per panel of 16 columns and octet of
// 8 k (Np * Kp * 5 / 8 bytes in all), 80 bytes: 64 bytes of kept values
// (column c's 4-byte lane holds the two kept values of k = 8o..8o+3, then
// the two of 8o+4..8o+7, each pair in k order) and 16 code bytes (column
// c: i1 | i2 << 2 | j1 << 4 | j2 << 6, the kept positions in each quad;
// a quad with fewer non-zeros keeps zeros). The pack function returns 0,
// or 1 (nothing usable written) when B is not 2:4. The GEMMs compute the
// B16x4 results bit for bit; the VNNI kernel does one vpdpbusd per 8 k
// (A's 8 bytes broadcast and shuffled per column by the codes).
COMPRESS_CPU_EXPORT int64_t compress_cpu_pack_b16x8_2of4(int64_t K, int64_t N,
                                                         const int8_t *B,
                                                         int64_t strideK,
                                                         int64_t strideN,
                                                         int8_t *Bp);
COMPRESS_CPU_EXPORT void
compress_cpu_igemm_u8s8_2of4(int64_t isa, int64_t M, int64_t N, int64_t K,
                             const uint8_t *A, int64_t lda, const int8_t *Bp,
                             int32_t *C, int64_t ldc, int64_t threads);
COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s8_2of4_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bp, int32_t *C, int64_t ldc, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads);
COMPRESS_CPU_EXPORT void compress_cpu_igemm_u8s8_2of4_bias_requantize(
    int64_t isa, int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda,
    const int8_t *Bp, const int32_t *bias, const int64_t *params,
    int64_t paramCount, int64_t hasLeftShift, int64_t zeroPoint, int64_t lo,
    int64_t hi, int64_t dequantize, int64_t dequantZeroPoint,
    int64_t dequantScaleBits, void *out, int64_t ldo, int64_t threads);

// compress_cpu_igemm_u8s8_packed with B(k, n) = B[k * strideK + n * strideN]
// (packed internally).
COMPRESS_CPU_EXPORT void
compress_cpu_igemm_u8s8(int64_t isa, int64_t M, int64_t N, int64_t K,
                        const uint8_t *A, int64_t lda, const int8_t *B,
                        int64_t strideK, int64_t strideN, int32_t *C,
                        int64_t ldc, int64_t threads);

// `batch` independent exact integer products of two 8-bit activations with
// zero points (attention's Q K^T and P V after compress-fuse-qdq):
//   C_i(m, n) += sum_k (A_i(m, k) - aZero) * (B_i(k, n) - bZero)
// A_i(m, k) = A[i * strideA + m * lda + k], B_i(k, n) = B[i * strideB +
// k * strideK + n * strideN], C_i at C + i * strideC (rows ldc apart). Each
// operand is read as signed (s8) or unsigned (u8) storage as its flag says;
// i32 sums wrap. Each B_i is packed at run time; the batches are shared out
// between the threads.
COMPRESS_CPU_EXPORT void compress_cpu_igemm_batched(
    int64_t isa, int64_t batch, int64_t M, int64_t N, int64_t K,
    const uint8_t *A, int64_t strideA, int64_t lda, int64_t aSigned,
    int64_t aZero, const uint8_t *B, int64_t strideB, int64_t strideK,
    int64_t strideN, int64_t bSigned, int64_t bZero, int32_t *C,
    int64_t strideC, int64_t ldc, int64_t threads);

//===----------------------------------------------------------------------===//
// Arenas of intermediate buffers (compress-cpu-plan-arena). A compiled
// function takes its buffers from one arena of the calling thread:
// compress_cpu_arena_push(bytes) at entry (called from MLIR as
// `func.call @compress_cpu_arena_push(i64) -> memref<?xi8>` with
// llvm.emit_c_interface, hence the _mlir_ciface_ name and the descriptor
// result), compress_cpu_arena_pop() before it returns. Per thread, one
// grow-only 64-byte aligned block per call depth, kept between calls and
// freed when the thread exits.
//===----------------------------------------------------------------------===//

// The 1-D memref descriptor of MLIR's C interface (memref<?xi8>).
typedef struct {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t size;
  int64_t stride;
} CompressCpuArenaMemRef;

COMPRESS_CPU_EXPORT void
_mlir_ciface_compress_cpu_arena_push(CompressCpuArenaMemRef *result,
                                     int64_t bytes);
// The `bytes` bytes at `offset` of an arena (one buffer), as a memref of
// their own: called once per buffer (`func.call @compress_cpu_arena_slot(
// memref<?xi8>, i64, i64) -> memref<?xi8>`), so that LLVM takes the buffers
// for distinct objects (see compress-cpu-plan-arena).
COMPRESS_CPU_EXPORT void
_mlir_ciface_compress_cpu_arena_slot(CompressCpuArenaMemRef *result,
                                     const CompressCpuArenaMemRef *arena,
                                     int64_t offset, int64_t bytes);
COMPRESS_CPU_EXPORT void compress_cpu_arena_pop(void);

//===----------------------------------------------------------------------===//
// Parallel loops of compiled code (compress-cpu-parallelize-loops): runs
// body(context, begin, end) over [0, iterations) split into one contiguous
// range per thread (`threads` <= 0: all cores), on the kernels' threads.
//===----------------------------------------------------------------------===//
COMPRESS_CPU_EXPORT void compress_cpu_parallel_for(
    void (*body)(void *context, int64_t begin, int64_t end), void *context,
    int64_t iterations, int64_t threads);

//===----------------------------------------------------------------------===//
// Convolutions, NCHW activations, FCHW filters, no padding (the compiled IR
// pads the input beforehand), accumulating into the NCHW output:
//   out[n, g*Fg + f, oh, ow] += sum_{c < Cg, kh, kw}
//       in[n, g*Cg + c, oh*sh + kh*dh, ow*sw + kw*dw] * W[g*Fg + f, c, kh, kw]
// with Cg = C / groups input and Fg = F / groups output channels per group.
// All tensors contiguous. `Wp` is the filter packed at compile time, in a
// layout private to this library: the compiler sizes it with
// compress_cpu_packed_conv_filter_size_* and fills it by calling
// compress_cpu_pack_conv_filter_* on the FCHW filter.
//===----------------------------------------------------------------------===//

COMPRESS_CPU_EXPORT void
compress_cpu_pack_conv_filter_f32(int64_t F, int64_t Cg, int64_t KH, int64_t KW,
                                  int64_t groups, const float *W, float *Wp);
COMPRESS_CPU_EXPORT void
compress_cpu_pack_conv_filter_s8(int64_t F, int64_t Cg, int64_t KH, int64_t KW,
                                 int64_t groups, const int8_t *W, int8_t *Wp);
// Number of elements of the packed filter.
COMPRESS_CPU_EXPORT int64_t compress_cpu_packed_conv_filter_size_f32(
    int64_t F, int64_t Cg, int64_t KH, int64_t KW, int64_t groups);
COMPRESS_CPU_EXPORT int64_t compress_cpu_packed_conv_filter_size_s8(
    int64_t F, int64_t Cg, int64_t KH, int64_t KW, int64_t groups);

COMPRESS_CPU_EXPORT void compress_cpu_conv2d_nchw_f32(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t F,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, int64_t groups, const float *in, const float *Wp,
    float *out, int64_t threads);
// The f32 convolution with its elementwise epilogue in the call. `out` is not
// read: it starts as `init` everywhere, the convolution accumulates into it
// as above, and then each element becomes
//   minimumf(maximumf((acc + b[f]) + residual[n, f, oh, ow], lo), hi)
// in this order, where b[f] is bias[f] (one per output channel) or, with a
// null bias, biasSplat, and the residual (out's NCHW shape) is skipped when
// null. maximumf/minimumf propagate NaN and order -0 < +0. The f32 scalars
// come as their bit patterns (low 32 bits): biasSplat = -0.0, lo = -inf and
// hi = +inf leave every value unchanged, so an epilogue without a step passes
// those. The results are bit-identical to the plain call followed by the
// epilogue.
COMPRESS_CPU_EXPORT void compress_cpu_conv2d_nchw_f32_fused(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t F,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, int64_t groups, const float *in, const float *Wp,
    int64_t initBits, const float *bias, int64_t biasSplatBits,
    const float *residual, int64_t loBits, int64_t hiBits, float *out,
    int64_t threads);
// compress_cpu_conv2d_nchw_f32_fused of the input padded by padTop/padLeft/
// padBottom/padRight rows and columns of padValue (bits of an f32): `in` is
// the N x C x H x W tensor before padding, and the window positions index
// the padded one, (H + padTop + padBottom) x (W + padLeft + padRight). Each
// task pads its image's channels in a buffer of its thread, in cache.
COMPRESS_CPU_EXPORT void compress_cpu_conv2d_nchw_f32_padded(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t F,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, int64_t groups, int64_t padTop, int64_t padLeft,
    int64_t padBottom, int64_t padRight, int64_t padValueBits, const float *in,
    const float *Wp, int64_t initBits, const float *bias, int64_t biasSplatBits,
    const float *residual, int64_t loBits, int64_t hiBits, float *out,
    int64_t threads);
// u8 activations, s8 filters, i32 output.
COMPRESS_CPU_EXPORT void compress_cpu_conv2d_nchw_u8s8(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t F,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, int64_t groups, const uint8_t *in, const int8_t *Wp,
    int32_t *out, int64_t threads);
// The same convolution with its accumulators started from `bias` (F i32
// values, one per output channel; null for zeros) and requantized into `out`
// (NCHW bytes, or f32 with `dequantize`) as
// compress_cpu_igemm_u8s8_packed_requantize does, with the parameters per
// output channel (paramCount = F) or per tensor (1). No i32 output is
// written.
COMPRESS_CPU_EXPORT void compress_cpu_conv2d_nchw_u8s8_requantize(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t F,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, int64_t groups, const uint8_t *in, const int8_t *Wp,
    const int32_t *bias, const int64_t *params, int64_t paramCount,
    int64_t hasLeftShift, int64_t zeroPoint, int64_t lo, int64_t hi,
    int64_t dequantize, int64_t dequantZeroPoint, int64_t dequantScaleBits,
    void *out, int64_t threads);

// Pooling over NCHW planes, accumulating into the NCHW output (which holds
// the initial values, e.g. -inf for max and 0 for sum), like
// linalg.pooling_nchw_max / _sum:
//   out[n, c, oh, ow] = op(out[n, c, oh, ow],
//                          in[n, c, oh*sh + kh*dh, ow*sw + kw*dw])
// for kh < KH, kw < KW in that order; op is maximumf (NaN propagates, -0 <
// +0) for COMPRESS_CPU_POOL_MAX and + for COMPRESS_CPU_POOL_SUM.
#define COMPRESS_CPU_POOL_MAX 0
#define COMPRESS_CPU_POOL_SUM 1
// A max pooling whose output starts at -inf (the fill the compiler drops):
// the output's values are not read, and the result is bit for bit that of
// COMPRESS_CPU_POOL_MAX on an output filled with -inf.
#define COMPRESS_CPU_POOL_MAX_FRESH 2
COMPRESS_CPU_EXPORT void compress_cpu_pool2d_nchw_f32(
    int64_t isa, int64_t kind, int64_t N, int64_t C, int64_t H, int64_t W,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, const float *in, float *out, int64_t threads);

// compress_cpu_pool2d_nchw_f32 on the H x W input padded by top, left,
// bottom and right rows/columns of the f32 whose bits are padBits (a max
// pooling's -inf, say): each plane is padded in a buffer of its thread, in
// cache, instead of a padded copy of the whole tensor. OH and OW index the
// padded plane. The same values in the same order, so the same bits.
COMPRESS_CPU_EXPORT void compress_cpu_pool2d_nchw_f32_padded(
    int64_t isa, int64_t kind, int64_t N, int64_t C, int64_t H, int64_t W,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, int64_t top, int64_t left, int64_t bottom,
    int64_t right, int64_t padBits, const float *in, float *out,
    int64_t threads);

// compress_cpu_conv2d_nchw_f32_padded (padTop..padRight may all be 0)
// followed by compress_cpu_pool2d_nchw_f32_padded (kind, window PKH x PKW,
// output POH x POW, strides psh/psw, dilations pdh/pdw, padding poolTop..
// poolRight of the f32 whose bits are poolPadBits, which may all be 0) on
// the convolution's N x F x OH x OW output, which is never written out: a
// few images at a time are convolved into a buffer of their thread that
// stays in cache, and pooled from there into `out` (N x F x POH x POW).
// With fewer such groups of images than threads (a batch of one), the
// convolution runs on every thread, then the pooling. A 2x2 stride-2
// pooling (kind COMPRESS_CPU_POOL_MAX_FRESH, no padding, even OH and OW, no
// residual) of a convolution with filters in panels pools the sums on
// AVX-512 before the epilogue, which then finishes a quarter of the
// outputs. The same bits as the two calls.
COMPRESS_CPU_EXPORT void compress_cpu_conv2d_pool_nchw_f32(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t F,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, int64_t groups, int64_t padTop, int64_t padLeft,
    int64_t padBottom, int64_t padRight, int64_t padValueBits, const float *in,
    const float *Wp, int64_t initBits, const float *bias, int64_t biasSplatBits,
    const float *residual, int64_t loBits, int64_t hiBits, int64_t kind,
    int64_t PKH, int64_t PKW, int64_t POH, int64_t POW, int64_t psh,
    int64_t psw, int64_t pdh, int64_t pdw, int64_t poolTop, int64_t poolLeft,
    int64_t poolBottom, int64_t poolRight, int64_t poolPadBits, float *out,
    int64_t threads);

// Max pooling of 8-bit integers (a quantized max pooling after
// compress-fuse-qdq), accumulating into `out` like
// compress_cpu_pool2d_nchw_f32:
//   out[n, c, oh, ow] = max(out[n, c, oh, ow],
//                           in[n, c, oh*sh + kh*dh, ow*sw + kw*dw])
// over kh < KH, kw < KW, the bytes compared as signed (isSigned != 0) or
// unsigned integers. Exact on every path.
COMPRESS_CPU_EXPORT void compress_cpu_max_pool2d_nchw_i8(
    int64_t isa, int64_t isSigned, int64_t N, int64_t C, int64_t H, int64_t W,
    int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, const int8_t *in, int8_t *out, int64_t threads);

// Depthwise (groups == C == F), unpacked CHW filter W[c, kh, kw]:
//   out[n, c, oh, ow] += sum_{kh, kw} in[n, c, oh*sh+kh*dh, ow*sw+kw*dw] *
//                        W[c, kh, kw]
COMPRESS_CPU_EXPORT void compress_cpu_depthwise_conv2d_nchw_f32(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t KH,
    int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw, int64_t dh,
    int64_t dw, const float *in, const float *Wt, float *out, int64_t threads);
// The depthwise convolution with the epilogue of
// compress_cpu_conv2d_nchw_f32_fused (b[c] per channel), of the input padded
// by padTop/padLeft/padBottom/padRight rows and columns of padValue (bits of
// an f32): `in` is the N x C x H x W tensor before padding, and the window
// positions index the padded one, (H + padTop + padBottom) x (W + padLeft +
// padRight). Each thread pads a band of a channel plane's rows at a time
// in a buffer of its own, in L1; on AVX-512, 3x3 windows (dilation 1,
// strides 1 or 2) of an input that fits in cache (up to 8 MiB) are padded
// on the fly instead (the padding value loaded in the lanes outside the
// plane), with the same bits.
COMPRESS_CPU_EXPORT void compress_cpu_depthwise_conv2d_nchw_f32_fused(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t KH,
    int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw, int64_t dh,
    int64_t dw, int64_t padTop, int64_t padLeft, int64_t padBottom,
    int64_t padRight, int64_t padValueBits, const float *in, const float *Wt,
    int64_t initBits, const float *bias, int64_t biasSplatBits,
    const float *residual, int64_t loBits, int64_t hiBits, float *out,
    int64_t threads);
COMPRESS_CPU_EXPORT void compress_cpu_depthwise_conv2d_nchw_u8s8(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t KH,
    int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw, int64_t dh,
    int64_t dw, const uint8_t *in, const int8_t *Wt, int32_t *out,
    int64_t threads);
// The same depthwise convolution of the input padded by padTop/padLeft/
// padBottom/padRight rows and columns of the byte padValue (`in` is the
// tensor before padding; each thread pads one plane at a time in a buffer of
// its own), its accumulators started from bias[c] (null: zeros) and
// requantized into `out` as compress_cpu_conv2d_nchw_u8s8_requantize does
// (parameters per channel, paramCount = C, or per tensor). No i32 output is
// written.
COMPRESS_CPU_EXPORT void compress_cpu_depthwise_conv2d_nchw_u8s8_requantize(
    int64_t isa, int64_t N, int64_t C, int64_t H, int64_t W, int64_t KH,
    int64_t KW, int64_t OH, int64_t OW, int64_t sh, int64_t sw, int64_t dh,
    int64_t dw, int64_t padTop, int64_t padLeft, int64_t padBottom,
    int64_t padRight, int64_t padValue, const uint8_t *in, const int8_t *Wt,
    const int32_t *bias, const int64_t *params, int64_t paramCount,
    int64_t hasLeftShift, int64_t zeroPoint, int64_t lo, int64_t hi,
    int64_t dequantize, int64_t dequantZeroPoint, int64_t dequantScaleBits,
    void *out, int64_t threads);

#ifdef __cplusplus
}
#endif

#endif // COMPRESS_RUNTIME_CPU_CPUKERNELS_H
