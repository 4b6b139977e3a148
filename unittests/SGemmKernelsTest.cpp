//===- SGemmKernelsTest.cpp - fp32 GEMM/convolution kernels ---------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Every kernel path (portable, AVX2, AVX-512: forced through the isa
// argument; a path the host lacks falls back to one it has) and thread
// counts 1 and 2 against a naive double-precision reference, on shapes that
// hit every remainder: M = 1 and tile-row remainders, N not a multiple of
// 16, K = 1 and K past one K block, padded lda/ldc, accumulation into a
// non-zero C.
//
// Error bound: a float sum of K products carries at most gamma_K * sum |a*b|
// of rounding error (Higham, gamma_K = K*u / (1 - K*u), u = 2^-24). The
// check allows twice that, relative to sum |a*b| + |C0|.
//
//===----------------------------------------------------------------------===//

#include "CpuKernels.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace {

constexpr int64_t kIsas[] = {COMPRESS_CPU_ISA_PORTABLE, COMPRESS_CPU_ISA_AVX2,
                             COMPRESS_CPU_ISA_AVX512};
constexpr int64_t kThreads[] = {1, 2};

std::vector<float> randomVector(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

double tolerance(int64_t terms, double absSum) {
  double u = std::ldexp(1.0, -24);
  double gamma = (terms + 1) * u / (1 - (terms + 1) * u);
  return 2 * gamma * absSum + 1e-30;
}

struct GemmShape {
  int64_t M, N, K;
};

const GemmShape kGemmShapes[] = {
    {1, 1, 1},    {1, 15, 7},   {1, 17, 300}, {1, 33, 1},     {1, 70, 300},
    {3, 1, 7},    {3, 15, 300}, {3, 17, 1},   {3, 33, 7},     {3, 70, 300},
    {5, 33, 300}, {13, 1, 300}, {13, 15, 1},  {13, 17, 7},    {13, 33, 300},
    {13, 65, 7},  {15, 48, 30}, {30, 33, 7},  {37, 131, 257}, {64, 600, 5}};

/// Checks C (with its ldc padding) against C0 + A * B in double.
void expectGemm(const GemmShape &s, const std::vector<float> &A, int64_t lda,
                const std::vector<float> &B, const std::vector<float> &C0,
                const std::vector<float> &C, int64_t ldc) {
  for (int64_t m = 0; m < s.M; ++m) {
    for (int64_t n = 0; n < ldc; ++n) {
      float got = C[m * ldc + n], c0 = C0[m * ldc + n];
      if (n >= s.N) {
        ASSERT_EQ(got, c0) << "wrote past N at m=" << m << " n=" << n;
        continue;
      }
      double ref = c0, absSum = std::fabs(c0);
      for (int64_t k = 0; k < s.K; ++k) {
        double p = double(A[m * lda + k]) * double(B[k * s.N + n]);
        ref += p;
        absSum += std::fabs(p);
      }
      ASSERT_NEAR(got, ref, tolerance(s.K, absSum)) << "m=" << m << " n=" << n;
    }
  }
}

/// The zero padding of a packed B adds nothing to the columns below N, so a
/// kernel that wrongly stores past N would leave C unchanged there; garbage
/// in the padding makes such a store visible.
void poisonPadding(const GemmShape &s, std::vector<float> &Bp) {
  int64_t last = s.N / 16;
  for (int64_t n = s.N; n < (s.N + 15) / 16 * 16; ++n)
    for (int64_t k = 0; k < s.K; ++k)
      Bp[last * s.K * 16 + k * 16 + n % 16] = 1.0e6f;
}

TEST(SGemmKernels, PackB16Layout) {
  int64_t K = 5, N = 19;
  std::vector<float> B = randomVector(K * N, 1);
  std::vector<float> Bp(32 * K, -7.0f);
  compress_cpu_pack_b16_f32(K, N, B.data(), N, 1, Bp.data());
  for (int64_t n = 0; n < 32; ++n)
    for (int64_t k = 0; k < K; ++k)
      EXPECT_EQ(Bp[(n / 16) * K * 16 + k * 16 + n % 16],
                n < N ? B[k * N + n] : 0.0f);
}

TEST(SGemmKernels, PackedGemmAllPaths) {
  unsigned seed = 10;
  for (const GemmShape &s : kGemmShapes) {
    int64_t lda = s.K + 3, ldc = s.N + 5;
    std::vector<float> A = randomVector(s.M * lda, ++seed);
    std::vector<float> B = randomVector(s.K * s.N, ++seed);
    std::vector<float> C0 = randomVector(s.M * ldc, ++seed);
    std::vector<float> Bp((s.N + 15) / 16 * 16 * s.K);
    compress_cpu_pack_b16_f32(s.K, s.N, B.data(), s.N, 1, Bp.data());
    poisonPadding(s, Bp);
    for (int64_t isa : kIsas) {
      for (int64_t threads : kThreads) {
        SCOPED_TRACE(testing::Message()
                     << "M=" << s.M << " N=" << s.N << " K=" << s.K
                     << " isa=" << isa << " threads=" << threads);
        std::vector<float> C = C0;
        compress_cpu_sgemm_packed(isa, s.M, s.N, s.K, A.data(), lda, Bp.data(),
                                  C.data(), ldc, threads);
        expectGemm(s, A, lda, B, C0, C, ldc);
      }
    }
  }
}

// A bigger product, so that two threads really split it (small products stay
// on one thread) and N crosses the column blocks.
TEST(SGemmKernels, PackedGemmLargeTwoThreads) {
  GemmShape s{45, 1100, 520};
  int64_t lda = s.K, ldc = s.N;
  std::vector<float> A = randomVector(s.M * lda, 3);
  std::vector<float> B = randomVector(s.K * s.N, 4);
  std::vector<float> C0 = randomVector(s.M * ldc, 5);
  std::vector<float> Bp((s.N + 15) / 16 * 16 * s.K);
  compress_cpu_pack_b16_f32(s.K, s.N, B.data(), s.N, 1, Bp.data());
  for (int64_t isa : kIsas) {
    SCOPED_TRACE(testing::Message() << "isa=" << isa);
    std::vector<float> C = C0;
    compress_cpu_sgemm_packed(isa, s.M, s.N, s.K, A.data(), lda, Bp.data(),
                              C.data(), ldc, 2);
    expectGemm(s, A, lda, B, C0, C, ldc);
  }
}

// The GEMM copies A once for all its tasks and column blocks when several
// read the same rows (wide N, threads), else each block copies its own
// tiles; the thread grid depends on the shape. None of it may change a bit:
// one thread, two threads, and the first 384 columns alone (one block, no
// shared copy) agree exactly.
TEST(SGemmKernels, PackedGemmSplitsAgreeBitwise) {
  GemmShape s{100, 1100, 800};
  const int64_t narrow = 384;
  std::vector<float> A = randomVector(s.M * s.K, 6);
  std::vector<float> B = randomVector(s.K * s.N, 7);
  std::vector<float> Bp((s.N + 15) / 16 * 16 * s.K);
  compress_cpu_pack_b16_f32(s.K, s.N, B.data(), s.N, 1, Bp.data());
  std::vector<float> Bn(narrow * s.K);
  compress_cpu_pack_b16_f32(s.K, narrow, B.data(), s.N, 1, Bn.data());
  for (int64_t isa : kIsas) {
    SCOPED_TRACE(testing::Message() << "isa=" << isa);
    std::vector<float> one(s.M * s.N, 0.0f), two = one;
    std::vector<float> part(s.M * narrow, 0.0f);
    compress_cpu_sgemm_packed(isa, s.M, s.N, s.K, A.data(), s.K, Bp.data(),
                              one.data(), s.N, 1);
    compress_cpu_sgemm_packed(isa, s.M, s.N, s.K, A.data(), s.K, Bp.data(),
                              two.data(), s.N, 2);
    compress_cpu_sgemm_packed(isa, s.M, narrow, s.K, A.data(), s.K, Bn.data(),
                              part.data(), narrow, 1);
    ASSERT_EQ(one, two);
    for (int64_t m = 0; m < s.M; ++m)
      for (int64_t n = 0; n < narrow; ++n)
        ASSERT_EQ(one[m * s.N + n], part[m * narrow + n])
            << "m=" << m << " n=" << n;
  }
}

// B given transposed (strideN = K) goes through the internal packing.
TEST(SGemmKernels, UnpackedGemmStrided) {
  unsigned seed = 100;
  for (const GemmShape &s : kGemmShapes) {
    int64_t lda = s.K + 1, ldc = s.N + 2;
    std::vector<float> A = randomVector(s.M * lda, ++seed);
    std::vector<float> B = randomVector(s.K * s.N, ++seed);
    std::vector<float> Bt(s.K * s.N);
    for (int64_t k = 0; k < s.K; ++k)
      for (int64_t n = 0; n < s.N; ++n)
        Bt[n * s.K + k] = B[k * s.N + n];
    std::vector<float> C0 = randomVector(s.M * ldc, ++seed);
    for (int64_t isa : kIsas) {
      SCOPED_TRACE(testing::Message() << "M=" << s.M << " N=" << s.N
                                      << " K=" << s.K << " isa=" << isa);
      std::vector<float> C = C0;
      compress_cpu_sgemm(isa, s.M, s.N, s.K, A.data(), lda, Bt.data(), 1, s.K,
                         C.data(), ldc, 2);
      expectGemm(s, A, lda, B, C0, C, ldc);
    }
  }
}

struct ConvCase {
  const char *name;
  int64_t N, C, H, W, F, KH, KW, sh, sw, dh, dw, groups;
};

const ConvCase kConvCases[] = {
    {"1x1", 1, 8, 5, 7, 13, 1, 1, 1, 1, 1, 1, 1},
    {"1x1_stride2", 1, 6, 9, 11, 5, 1, 1, 2, 2, 1, 1, 1},
    // 1x1 stride 1 with K past a block (AVX-512 reads the input in place),
    // 70 pixels (a masked last panel), and one of 16 filters x 80 channels
    // (filter panels).
    {"1x1_K_past_block", 1, 300, 7, 10, 20, 1, 1, 1, 1, 1, 1, 1},
    {"1x1_panels", 2, 80, 5, 9, 16, 1, 1, 1, 1, 1, 1, 1},
    {"3x3_batch2", 2, 5, 9, 11, 17, 3, 3, 1, 1, 1, 1, 1},
    {"3x3_stride2", 1, 4, 11, 13, 6, 3, 3, 2, 2, 1, 1, 1},
    {"3x3_dilation2", 1, 3, 12, 10, 5, 3, 3, 1, 1, 2, 2, 1},
    {"3x3_groups2", 1, 6, 8, 9, 10, 3, 3, 1, 1, 1, 1, 2},
    {"depthwise_as_conv", 1, 4, 7, 7, 4, 3, 3, 1, 1, 1, 1, 4},
    {"7x7_stride2", 1, 3, 37, 37, 16, 7, 7, 2, 2, 1, 1, 1},
    {"3x1_stride_2x1", 1, 3, 9, 8, 7, 3, 1, 2, 1, 1, 1, 1},
    {"K_past_block", 1, 40, 10, 10, 20, 3, 3, 1, 1, 1, 1, 1},
    {"pixels_past_block", 1, 3, 30, 30, 8, 3, 3, 1, 1, 1, 1, 1},
    // Three images share the pixel runs of their two blocks.
    {"pixels_past_block_batch3", 3, 2, 31, 29, 5, 3, 3, 1, 1, 1, 1, 1},
    // Whole panels within one row (strides 1 and 2) and a gathered stride.
    {"3x3_wide_rows", 1, 3, 5, 70, 20, 3, 3, 1, 1, 1, 1, 1},
    {"3x3_stride2_wide_rows", 1, 3, 7, 69, 20, 3, 3, 2, 2, 1, 1, 1},
    {"3x3_stride3", 1, 4, 20, 41, 6, 3, 3, 3, 3, 1, 1, 1},
    // Filters packed in panels (F a multiple of 16, K >= 64, windows of
    // several taps): the pixel-row convolution on AVX-512 (strides 1 and
    // 2), the row tiles reading A from the panels otherwise. Rows of 9
    // pixels, 8 (two K blocks, three images), 31 (tiles 11 + 10 + 10, panel
    // pairs 2 + 2 + 1), 7 (tiles of two rows and a last row of one, twelve
    // images in one band), 1, 5 at stride 2 (two rows); strides 2 and 3,
    // dilation; one image of 7x7 and 14x14 pixels, whose filter panels (3
    // and 6) two threads split between them (1 + 2 and 3 + 3: an odd share
    // runs a one-panel tile).
    {"panels_3x3", 1, 8, 9, 11, 32, 3, 3, 1, 1, 1, 1, 1},
    {"panels_K_past_block_batch3", 3, 40, 10, 10, 48, 3, 3, 1, 1, 1, 1, 1},
    {"panels_wide_rows", 1, 8, 5, 33, 80, 3, 3, 1, 1, 1, 1, 1},
    {"panels_7x7_images", 12, 16, 9, 9, 64, 3, 3, 1, 1, 1, 1, 1},
    {"panels_one_wide", 2, 8, 9, 3, 16, 3, 3, 1, 1, 1, 1, 1},
    {"panels_stride2", 2, 8, 15, 17, 16, 3, 3, 2, 2, 1, 1, 1},
    {"panels_two_rows_stride2", 2, 16, 13, 11, 32, 3, 3, 2, 2, 1, 1, 1},
    {"panels_stride3", 1, 8, 13, 14, 16, 3, 3, 3, 3, 1, 1, 1},
    {"panels_dilation2", 1, 8, 12, 12, 16, 3, 3, 1, 1, 2, 2, 1},
    {"panels_7x7_split_filters", 1, 64, 7, 7, 48, 1, 1, 1, 1, 1, 1, 1},
    {"panels_14x14_split_filters", 1, 64, 14, 14, 96, 1, 1, 1, 1, 1, 1, 1},
};

std::vector<float> convReference(const ConvCase &c, int64_t OH, int64_t OW,
                                 const std::vector<float> &in,
                                 const std::vector<float> &w,
                                 const std::vector<float> &out0,
                                 std::vector<double> &absSum) {
  int64_t Cg = c.C / c.groups, Fg = c.F / c.groups;
  std::vector<float> ref(out0.size());
  absSum.assign(out0.size(), 0.0);
  for (int64_t n = 0; n < c.N; ++n)
    for (int64_t f = 0; f < c.F; ++f)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          int64_t o = ((n * c.F + f) * OH + oh) * OW + ow;
          double acc = out0[o], abs = std::fabs(out0[o]);
          int64_t g = f / Fg;
          for (int64_t ci = 0; ci < Cg; ++ci)
            for (int64_t kh = 0; kh < c.KH; ++kh)
              for (int64_t kw = 0; kw < c.KW; ++kw) {
                double p = double(in[((n * c.C + g * Cg + ci) * c.H +
                                      oh * c.sh + kh * c.dh) *
                                         c.W +
                                     ow * c.sw + kw * c.dw]) *
                           double(w[((f * Cg + ci) * c.KH + kh) * c.KW + kw]);
                acc += p;
                abs += std::fabs(p);
              }
          ref[o] = static_cast<float>(acc);
          absSum[o] = abs;
        }
  return ref;
}

TEST(SGemmKernels, Conv2dAllPaths) {
  unsigned seed = 200;
  for (const ConvCase &c : kConvCases) {
    int64_t OH = (c.H - c.dh * (c.KH - 1) - 1) / c.sh + 1;
    int64_t OW = (c.W - c.dw * (c.KW - 1) - 1) / c.sw + 1;
    int64_t Cg = c.C / c.groups;
    std::vector<float> in = randomVector(c.N * c.C * c.H * c.W, ++seed);
    std::vector<float> w = randomVector(c.F * Cg * c.KH * c.KW, ++seed);
    std::vector<float> out0 = randomVector(c.N * c.F * OH * OW, ++seed);
    std::vector<float> wp(compress_cpu_packed_conv_filter_size_f32(
        c.F, Cg, c.KH, c.KW, c.groups));
    compress_cpu_pack_conv_filter_f32(c.F, Cg, c.KH, c.KW, c.groups, w.data(),
                                      wp.data());
    std::vector<double> absSum;
    std::vector<float> ref = convReference(c, OH, OW, in, w, out0, absSum);
    for (int64_t isa : kIsas) {
      for (int64_t threads : kThreads) {
        SCOPED_TRACE(testing::Message()
                     << c.name << " isa=" << isa << " threads=" << threads);
        std::vector<float> out = out0;
        compress_cpu_conv2d_nchw_f32(isa, c.N, c.C, c.H, c.W, c.F, c.KH, c.KW,
                                     OH, OW, c.sh, c.sw, c.dh, c.dw, c.groups,
                                     in.data(), wp.data(), out.data(), threads);
        for (size_t i = 0; i < out.size(); ++i)
          ASSERT_NEAR(out[i], ref[i], tolerance(Cg * c.KH * c.KW, absSum[i]))
              << "at " << i;
      }
    }
  }
}

TEST(SGemmKernels, DepthwiseAllPaths) {
  // F and groups are set to C below.
  const ConvCase cases[] = {
      {"3x3", 1, 3, 10, 37, 3, 3, 3, 1, 1, 1, 1, 0},
      {"3x3_stride2", 2, 3, 11, 40, 3, 3, 3, 2, 2, 1, 1, 0},
      {"3x3_dilation2", 1, 2, 12, 21, 2, 3, 3, 1, 1, 2, 2, 0},
      {"5x5", 1, 2, 9, 20, 2, 5, 5, 1, 1, 1, 1, 0},
      {"3x3_stride3", 1, 2, 13, 50, 2, 3, 3, 3, 3, 1, 1, 0},
      {"1x1", 1, 2, 4, 5, 2, 1, 1, 1, 1, 1, 1, 0},
      // Eight channels at a time (rows up to 128 outputs with AVX2, 32 on an
      // AVX-512 CPU), with planes left over.
      {"3x3_channels_stride2", 2, 11, 9, 13, 11, 3, 3, 2, 2, 1, 1, 0},
      {"5x5_channels_dilation2", 1, 16, 14, 15, 16, 5, 5, 1, 1, 2, 2, 0},
      {"3x3_channels_7x7", 1, 8, 7, 7, 8, 3, 3, 1, 1, 1, 1, 0},
      // 38 outputs a row: channels with AVX2, planes with AVX-512.
      {"3x3_channels_wide_rows", 1, 9, 6, 40, 9, 3, 3, 1, 1, 1, 1, 0},
      // 49 taps: more than the channel kernel takes, planes instead.
      {"7x7_channels_fallback", 1, 9, 12, 13, 9, 7, 7, 1, 1, 1, 1, 0},
      // Several groups of eight channels and planes left over (stride 1,
      // 14 wide), five groups at stride 2, and two groups of 7-wide
      // outputs in more than one band of 8 rows.
      {"3x3_channels16", 2, 29, 16, 16, 29, 3, 3, 1, 1, 1, 1, 0},
      {"3x3_channels16_stride2", 1, 40, 15, 29, 40, 3, 3, 2, 2, 1, 1, 0},
      {"3x3_channels16_tall", 1, 16, 20, 9, 16, 3, 3, 1, 1, 1, 1, 0},
  };
  unsigned seed = 300;
  for (ConvCase c : cases) {
    c.F = c.groups = c.C;
    int64_t OH = (c.H - c.dh * (c.KH - 1) - 1) / c.sh + 1;
    int64_t OW = (c.W - c.dw * (c.KW - 1) - 1) / c.sw + 1;
    std::vector<float> in = randomVector(c.N * c.C * c.H * c.W, ++seed);
    std::vector<float> w = randomVector(c.C * c.KH * c.KW, ++seed);
    std::vector<float> out0 = randomVector(c.N * c.C * OH * OW, ++seed);
    std::vector<double> absSum;
    std::vector<float> ref = convReference(c, OH, OW, in, w, out0, absSum);
    for (int64_t isa : kIsas) {
      for (int64_t threads : kThreads) {
        SCOPED_TRACE(testing::Message()
                     << c.name << " isa=" << isa << " threads=" << threads);
        std::vector<float> out = out0;
        compress_cpu_depthwise_conv2d_nchw_f32(
            isa, c.N, c.C, c.H, c.W, c.KH, c.KW, OH, OW, c.sh, c.sw, c.dh, c.dw,
            in.data(), w.data(), out.data(), threads);
        for (size_t i = 0; i < out.size(); ++i)
          ASSERT_NEAR(out[i], ref[i], tolerance(c.KH * c.KW, absSum[i]))
              << "at " << i;
      }
    }
  }
}

/// maximumf as the reference: NaN in either operand gives NaN, -0 < +0.
float referenceMaximum(float a, float b) {
  if (std::isnan(a) || std::isnan(b))
    return std::nanf("");
  if (a == 0.0f && b == 0.0f)
    return std::signbit(a) && std::signbit(b) ? -0.0f : 0.0f;
  return a > b ? a : b;
}

/// minimumf as the reference: NaN in either operand gives NaN, -0 < +0.
float referenceMinimum(float a, float b) {
  if (std::isnan(a) || std::isnan(b))
    return std::nanf("");
  if (a == 0.0f && b == 0.0f)
    return std::signbit(a) || std::signbit(b) ? -0.0f : 0.0f;
  return a < b ? a : b;
}

uint32_t bitsOf(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  return bits;
}

float floatOfBits(uint32_t bits) {
  float v;
  std::memcpy(&v, &bits, sizeof(v));
  return v;
}

/// The fused convolution and depthwise calls, whose epilogue runs on the
/// accumulators in registers with shortcuts for the clamp bounds, against
/// the same ISA's plain call followed by the epilogue written out here with
/// the reference maximumf/minimumf: the same bits for every bound the
/// shortcuts treat differently (+0, -0, infinities, NaN, lo > hi), with
/// NaN and infinite inputs and residuals. Shapes: a 16-channel 1x1
/// convolution (the K of MobileNet's projections; a partial last panel),
/// 16 depthwise channels (two groups of eight on AVX2) and 3 (planes).
TEST(SGemmKernels, FusedEpilogueClampsAllPaths) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::nanf("");
  const std::pair<float, float> bounds[] = {
      {0.0f, 6.0f},  {-inf, inf}, {0.0f, inf},  {-inf, -0.0f},
      {-0.0f, 0.0f}, {nan, inf},  {-1.0f, nan}, {2.0f, 1.0f}};
  struct Case {
    bool depthwise;
    int64_t C, H, W, F, K;
  };
  // The fourth case has more channels than pixels and enough work for two
  // threads, which then split its channels (with their bias and residual
  // rows); the last two pack their filters in panels (the pixel-row
  // convolution on AVX-512), and the last one's single output row has two
  // threads split its filter panels.
  const Case cases[] = {{false, 16, 5, 7, 13, 1}, {true, 16, 6, 9, 16, 3},
                        {true, 3, 6, 9, 3, 3},    {false, 64, 6, 6, 100, 3},
                        {false, 16, 6, 9, 32, 3}, {false, 32, 3, 9, 128, 3}};
  unsigned seed = 700;
  for (const Case &c : cases) {
    const int64_t OH = c.H - c.K + 1, OW = c.W - c.K + 1, P = OH * OW;
    std::vector<float> in = randomVector(c.C * c.H * c.W, ++seed);
    in[in.size() / 2] = nan;
    in[in.size() / 3] = inf;
    for (size_t i = 0; i < in.size(); i += 7)
      in[i] = 0.0f;
    // Three zero rows per plane: the outputs of the first row sum only
    // zeros (+0), where hi = -0 must give -0.
    for (int64_t ch = 0; ch < c.C; ++ch)
      std::fill_n(in.begin() + ch * c.H * c.W, 3 * c.W, 0.0f);
    const int64_t taps = c.depthwise ? c.K * c.K : c.C * c.K * c.K;
    std::vector<float> w = randomVector(c.F * taps, ++seed);
    std::vector<float> bias = randomVector(c.F, ++seed);
    bias[0] = -0.0f;
    bias[1] = 0.0f;
    std::vector<float> residual = randomVector(c.F * P, ++seed);
    for (size_t i = 0; i < residual.size(); i += 11)
      residual[i] = i % 2 ? nan : -inf;
    std::vector<float> wp;
    if (!c.depthwise) {
      wp.resize(
          compress_cpu_packed_conv_filter_size_f32(c.F, c.C, c.K, c.K, 1));
      compress_cpu_pack_conv_filter_f32(c.F, c.C, c.K, c.K, 1, w.data(),
                                        wp.data());
    }
    const float init = 0.0f;
    for (int64_t isa : kIsas)
      for (auto [lo, hi] : bounds)
        for (bool withResidual : {false, true})
          for (int64_t threads : kThreads) {
            SCOPED_TRACE(testing::Message()
                         << (c.depthwise ? "depthwise" : "conv") << " C=" << c.C
                         << " isa=" << isa << " lo=" << lo << " hi=" << hi
                         << " residual=" << withResidual
                         << " threads=" << threads);
            std::vector<float> ref(c.F * P, init);
            if (c.depthwise)
              compress_cpu_depthwise_conv2d_nchw_f32(
                  isa, 1, c.C, c.H, c.W, c.K, c.K, OH, OW, 1, 1, 1, 1,
                  in.data(), w.data(), ref.data(), 1);
            else
              compress_cpu_conv2d_nchw_f32(isa, 1, c.C, c.H, c.W, c.F, c.K, c.K,
                                           OH, OW, 1, 1, 1, 1, 1, in.data(),
                                           wp.data(), ref.data(), 1);
            for (int64_t f = 0; f < c.F; ++f)
              for (int64_t p = 0; p < P; ++p) {
                float &v = ref[f * P + p];
                v = v + bias[f];
                if (withResidual)
                  v = v + residual[f * P + p];
                v = referenceMinimum(referenceMaximum(v, lo), hi);
              }
            std::vector<float> out(c.F * P, 123.0f);
            const float *res = withResidual ? residual.data() : nullptr;
            if (c.depthwise)
              compress_cpu_depthwise_conv2d_nchw_f32_fused(
                  isa, 1, c.C, c.H, c.W, c.K, c.K, OH, OW, 1, 1, 1, 1, 0, 0, 0,
                  0, 0, in.data(), w.data(), bitsOf(init), bias.data(),
                  bitsOf(-0.0f), res, bitsOf(lo), bitsOf(hi), out.data(),
                  threads);
            else
              compress_cpu_conv2d_nchw_f32_fused(
                  isa, 1, c.C, c.H, c.W, c.F, c.K, c.K, OH, OW, 1, 1, 1, 1, 1,
                  in.data(), wp.data(), bitsOf(init), bias.data(),
                  bitsOf(-0.0f), res, bitsOf(lo), bitsOf(hi), out.data(),
                  threads);
            for (size_t i = 0; i < out.size(); ++i) {
              ASSERT_EQ(std::isnan(out[i]), std::isnan(ref[i])) << "at " << i;
              if (!std::isnan(ref[i])) {
                ASSERT_EQ(bitsOf(out[i]), bitsOf(ref[i]))
                    << "at " << i << ": " << out[i] << " vs " << ref[i];
              }
            }
          }
  }
}

/// The f32 conv filter `w` (F x Cg x KH x KW) packed for the kernels.
std::vector<float> packConvFilter(const std::vector<float> &w, int64_t F,
                                  int64_t Cg, int64_t KH, int64_t KW,
                                  int64_t groups = 1) {
  std::vector<float> wp(
      compress_cpu_packed_conv_filter_size_f32(F, Cg, KH, KW, groups));
  compress_cpu_pack_conv_filter_f32(F, Cg, KH, KW, groups, w.data(), wp.data());
  return wp;
}

/// `planes` H x W planes padded by top/left/bottom/right rows and columns
/// of `value`.
std::vector<float> padPlanes(const std::vector<float> &in, int64_t planes,
                             int64_t H, int64_t W, int64_t top, int64_t left,
                             int64_t bottom, int64_t right, float value) {
  const int64_t Hp = H + top + bottom, Wp = W + left + right;
  std::vector<float> padded(planes * Hp * Wp, value);
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w)
        padded[(p * Hp + h + top) * Wp + w + left] = in[(p * H + h) * W + w];
  return padded;
}

// The padding copy every padded call makes, seen through a 1x1 sum pooling
// at stride 1 (out = 0 + padded input, exactly): rows narrower and wider
// than a vector, left and right padding from none to more than a vector,
// rows that start in the middle of a vector, on every ISA.
TEST(SGemmKernels, PaddingCopiesEveryShape) {
  const int64_t widths[] = {1, 5, 14, 16, 17, 40};
  const std::pair<int64_t, int64_t> sides[] = {
      {0, 0}, {1, 1}, {3, 0}, {0, 5}, {15, 2}, {16, 1}, {17, 18}, {2, 30}};
  const int64_t planes = 3, H = 4, top = 1, bottom = 2;
  const float value = 0.75f;
  unsigned seed = 1400;
  for (int64_t W : widths)
    for (auto [left, right] : sides) {
      std::vector<float> in = randomVector(planes * H * W, ++seed);
      std::vector<float> ref =
          padPlanes(in, planes, H, W, top, left, bottom, right, value);
      const int64_t Hp = H + top + bottom, Wp = W + left + right;
      for (int64_t isa : kIsas) {
        SCOPED_TRACE(testing::Message()
                     << "W=" << W << " left=" << left << " right=" << right
                     << " isa=" << isa);
        std::vector<float> out(ref.size(), 0.0f);
        compress_cpu_pool2d_nchw_f32_padded(
            isa, COMPRESS_CPU_POOL_SUM, 1, planes, H, W, 1, 1, Hp, Wp, 1, 1, 1,
            1, top, left, bottom, right, bitsOf(value), in.data(), out.data(),
            1);
        for (size_t i = 0; i < out.size(); ++i)
          ASSERT_EQ(bitsOf(out[i]), bitsOf(ref[i])) << "at " << i;
      }
    }
}

// compress_cpu_conv2d_pool_nchw_f32 against the convolution and the pooling
// as two calls: the same bits. Groups of images that fill the chunk buffer
// and one that does not (13 images of 50 KB and of 25 KB of outputs), a
// batch of one on two threads (convolution, then pooling, on both), a
// padded stem with a residual and a padded 3x3 pooling, and the three
// pooling kinds (an accumulating one onto outputs that hold values). On
// AVX-512 the 2x2 stride-2 poolings of the pixel-row convolution (filters
// in panels, no residual) pool its sums before the epilogue: bands of an
// odd number of rows rounded to whole windows (10-pixel rows), bands
// across images, three panels (a lone last one), two-row tiles (6-pixel
// rows), a stride-2 convolution, and NaN inputs (two payloads: the
// pooling's order of maximumf decides which one wins). Filters of fewer
// than 64 taps (9: the first case; 27 in two panels: the last), packed in
// rows, are copied into panels for the pixel-row convolution.
TEST(SGemmKernels, ConvPoolMatchesTwoCalls) {
  struct Case {
    int64_t N, C, H, F, K, s, pad, PK, ps, poolPad, kind;
    bool residual, nans = false;
  };
  const Case cases[] = {
      {13, 1, 28, 16, 3, 1, 1, 2, 2, 0, COMPRESS_CPU_POOL_MAX_FRESH, false},
      {13, 16, 14, 32, 3, 1, 1, 2, 2, 0, COMPRESS_CPU_POOL_MAX_FRESH, true},
      {1, 16, 14, 32, 3, 1, 1, 2, 2, 0, COMPRESS_CPU_POOL_MAX_FRESH, false},
      {3, 3, 20, 16, 7, 2, 3, 3, 2, 1, COMPRESS_CPU_POOL_MAX_FRESH, true},
      {4, 8, 12, 16, 3, 1, 1, 3, 2, 0, COMPRESS_CPU_POOL_MAX, false},
      {4, 8, 12, 16, 3, 1, 1, 2, 2, 0, COMPRESS_CPU_POOL_SUM, false},
      {13, 16, 14, 32, 3, 1, 1, 2, 2, 0, COMPRESS_CPU_POOL_MAX_FRESH, false},
      {5, 16, 10, 32, 3, 1, 1, 2, 2, 0, COMPRESS_CPU_POOL_MAX_FRESH, false},
      {3, 16, 20, 48, 3, 2, 1, 2, 2, 0, COMPRESS_CPU_POOL_MAX_FRESH, false},
      {4, 16, 6, 32, 3, 1, 1, 2, 2, 0, COMPRESS_CPU_POOL_MAX_FRESH, false},
      {3, 16, 10, 32, 3, 1, 1, 2, 2, 0, COMPRESS_CPU_POOL_MAX_FRESH, false,
       true},
      {2, 3, 16, 32, 3, 1, 1, 2, 2, 0, COMPRESS_CPU_POOL_MAX_FRESH, false},
  };
  unsigned seed = 1500;
  for (const Case &c : cases) {
    const int64_t OH = (c.H + 2 * c.pad - c.K) / c.s + 1;
    const int64_t POH = (OH + 2 * c.poolPad - c.PK) / c.ps + 1;
    std::vector<float> in = randomVector(c.N * c.C * c.H * c.H, ++seed);
    if (c.nans) {
      const uint32_t payloads[] = {0x7fc01234u, 0xffc05678u};
      for (int i = 0; i < 2; ++i)
        std::memcpy(&in[37 + i], &payloads[i], sizeof(float));
    }
    std::vector<float> w = randomVector(c.F * c.C * c.K * c.K, ++seed);
    std::vector<float> wp = packConvFilter(w, c.F, c.C, c.K, c.K);
    std::vector<float> bias = randomVector(c.F, ++seed);
    std::vector<float> residual = randomVector(c.N * c.F * OH * OH, ++seed);
    std::vector<float> start = randomVector(c.N * c.F * POH * POH, ++seed);
    const float *res = c.residual ? residual.data() : nullptr;
    const int64_t lo = bitsOf(0.0f), hi = bitsOf(6.0f), zero = bitsOf(0.0f);
    const int64_t minusInf = bitsOf(-std::numeric_limits<float>::infinity());
    const int64_t poolPadBits = c.poolPad ? minusInf : 0;
    for (int64_t isa : kIsas)
      for (int64_t threads : kThreads) {
        SCOPED_TRACE(testing::Message()
                     << "N=" << c.N << " C=" << c.C << " K=" << c.K << " kind="
                     << c.kind << " isa=" << isa << " threads=" << threads);
        std::vector<float> conv(c.N * c.F * OH * OH);
        std::vector<float> ref = start, out = start;
        compress_cpu_conv2d_nchw_f32_padded(
            isa, c.N, c.C, c.H, c.H, c.F, c.K, c.K, OH, OH, c.s, c.s, 1, 1, 1,
            c.pad, c.pad, c.pad, c.pad, zero, in.data(), wp.data(), zero,
            bias.data(), bitsOf(-0.0f), res, lo, hi, conv.data(), 1);
        compress_cpu_pool2d_nchw_f32_padded(
            isa, c.kind, c.N, c.F, OH, OH, c.PK, c.PK, POH, POH, c.ps, c.ps, 1,
            1, c.poolPad, c.poolPad, c.poolPad, c.poolPad, poolPadBits,
            conv.data(), ref.data(), 1);
        compress_cpu_conv2d_pool_nchw_f32(
            isa, c.N, c.C, c.H, c.H, c.F, c.K, c.K, OH, OH, c.s, c.s, 1, 1, 1,
            c.pad, c.pad, c.pad, c.pad, zero, in.data(), wp.data(), zero,
            bias.data(), bitsOf(-0.0f), res, lo, hi, c.kind, c.PK, c.PK, POH,
            POH, c.ps, c.ps, 1, 1, c.poolPad, c.poolPad, c.poolPad, c.poolPad,
            poolPadBits, out.data(), threads);
        for (size_t i = 0; i < out.size(); ++i)
          ASSERT_EQ(bitsOf(out[i]), bitsOf(ref[i])) << "at " << i;
      }
  }
}

// compress_cpu_conv2d_nchw_f32_padded, which pads each image in cache,
// against compress_cpu_conv2d_nchw_f32_fused on the input padded
// beforehand: the same bits (the same products in the same order).
TEST(SGemmKernels, PaddedConvMatchesPaddedInput) {
  struct Case {
    int64_t N, C, H, W, F, K, s, groups, top, left, bottom, right;
    float value;
  };
  const Case cases[] = {
      {2, 6, 9, 11, 10, 3, 1, 2, 1, 1, 1, 1, 0.0f},  // batch, groups
      {1, 3, 17, 15, 16, 7, 2, 1, 3, 3, 3, 3, 0.0f}, // a 7x7/2 stem
      {1, 4, 8, 13, 7, 3, 2, 1, 0, 2, 1, 0, 0.75f},  // uneven, not zero
      {1, 64, 6, 6, 100, 3, 1, 1, 1, 1, 1, 1, 0.0f}, // two threads, rows
      {3, 8, 14, 14, 16, 3, 1, 1, 1, 1, 1, 1, 0.0f}, // images on threads
  };
  unsigned seed = 900;
  for (const Case &c : cases) {
    const int64_t Hp = c.H + c.top + c.bottom, Wp = c.W + c.left + c.right;
    const int64_t OH = (Hp - c.K) / c.s + 1, OW = (Wp - c.K) / c.s + 1;
    const int64_t Cg = c.C / c.groups;
    std::vector<float> in = randomVector(c.N * c.C * c.H * c.W, ++seed);
    std::vector<float> padded = padPlanes(in, c.N * c.C, c.H, c.W, c.top,
                                          c.left, c.bottom, c.right, c.value);
    std::vector<float> w = randomVector(c.F * Cg * c.K * c.K, ++seed);
    std::vector<float> wp(
        compress_cpu_packed_conv_filter_size_f32(c.F, Cg, c.K, c.K, c.groups));
    compress_cpu_pack_conv_filter_f32(c.F, Cg, c.K, c.K, c.groups, w.data(),
                                      wp.data());
    std::vector<float> bias = randomVector(c.F, ++seed);
    std::vector<float> residual = randomVector(c.N * c.F * OH * OW, ++seed);
    const int64_t lo = bitsOf(0.0f), hi = bitsOf(6.0f), zero = bitsOf(0.0f);
    for (int64_t isa : kIsas)
      for (int64_t threads : kThreads) {
        SCOPED_TRACE(testing::Message()
                     << "N=" << c.N << " C=" << c.C << " K=" << c.K
                     << " isa=" << isa << " threads=" << threads);
        std::vector<float> ref(c.N * c.F * OH * OW, 0.0f), out(ref.size());
        compress_cpu_conv2d_nchw_f32_fused(
            isa, c.N, c.C, Hp, Wp, c.F, c.K, c.K, OH, OW, c.s, c.s, 1, 1,
            c.groups, padded.data(), wp.data(), zero, bias.data(),
            bitsOf(-0.0f), residual.data(), lo, hi, ref.data(), 1);
        compress_cpu_conv2d_nchw_f32_padded(
            isa, c.N, c.C, c.H, c.W, c.F, c.K, c.K, OH, OW, c.s, c.s, 1, 1,
            c.groups, c.top, c.left, c.bottom, c.right, bitsOf(c.value),
            in.data(), wp.data(), zero, bias.data(), bitsOf(-0.0f),
            residual.data(), lo, hi, out.data(), threads);
        for (size_t i = 0; i < out.size(); ++i)
          ASSERT_EQ(bitsOf(out[i]), bitsOf(ref[i])) << "at " << i;
      }
  }
}

// Images of few pixels (not a whole number of 16-pixel panels) run as one
// block of GEMM columns; each output must get the bits it gets when its
// image runs alone (N = 1): plain (accumulating onto the output), fused
// (bias, residual, clamp) and padded, on every path and two threads, with
// more images than one block takes (kNc = 512 columns: 10 images of 49).
TEST(SGemmKernels, BatchedImagesMatchOneByOne) {
  struct Case {
    int64_t N, C, H, W, F, K, pad;
  };
  const Case cases[] = {
      {12, 16, 9, 9, 24, 3, 0}, // 7x7 outputs, 49 pixels: 10 + 2 images
      {3, 8, 14, 14, 20, 3, 1}, // 14x14 padded, 196 pixels: 2 + 1 images
      {5, 6, 5, 7, 33, 1, 0},   // 1x1, 35 pixels, F not a multiple of 16
      // Filters in panels: bands of several images.
      {12, 16, 9, 9, 32, 3, 0},
      {3, 8, 14, 14, 32, 3, 1},
  };
  unsigned seed = 1100;
  for (const Case &c : cases) {
    const int64_t Hp = c.H + 2 * c.pad, Wp = c.W + 2 * c.pad;
    const int64_t OH = Hp - c.K + 1, OW = Wp - c.K + 1, P = OH * OW;
    const int64_t image = c.C * c.H * c.W, outImage = c.F * P;
    std::vector<float> in = randomVector(c.N * image, ++seed);
    std::vector<float> w = randomVector(c.F * c.C * c.K * c.K, ++seed);
    std::vector<float> wp = packConvFilter(w, c.F, c.C, c.K, c.K);
    std::vector<float> bias = randomVector(c.F, ++seed);
    std::vector<float> residual = randomVector(c.N * outImage, ++seed);
    std::vector<float> out0 = randomVector(c.N * outImage, ++seed);
    const int64_t lo = bitsOf(0.0f), hi = bitsOf(6.0f), zero = bitsOf(0.0f);
    // kind 0: accumulate onto out0; 1: fused epilogue; 2: padded + fused.
    auto run = [&](int kind, int64_t isa, int64_t n0, int64_t images,
                   float *out, int64_t threads) {
      const float *x = in.data() + n0 * image;
      const float *r = residual.data() + n0 * outImage;
      if (kind == 0)
        compress_cpu_conv2d_nchw_f32(isa, images, c.C, c.H, c.W, c.F, c.K, c.K,
                                     c.H - c.K + 1, c.W - c.K + 1, 1, 1, 1, 1,
                                     1, x, wp.data(), out, threads);
      else if (kind == 1)
        compress_cpu_conv2d_nchw_f32_fused(
            isa, images, c.C, c.H, c.W, c.F, c.K, c.K, c.H - c.K + 1,
            c.W - c.K + 1, 1, 1, 1, 1, 1, x, wp.data(), zero, bias.data(),
            bitsOf(-0.0f), r, lo, hi, out, threads);
      else
        compress_cpu_conv2d_nchw_f32_padded(
            isa, images, c.C, c.H, c.W, c.F, c.K, c.K, OH, OW, 1, 1, 1, 1, 1,
            c.pad, c.pad, c.pad, c.pad, bitsOf(0.25f), x, wp.data(), zero,
            bias.data(), bitsOf(-0.0f), r, lo, hi, out, threads);
    };
    for (int kind = 0; kind < 3; ++kind) {
      if ((kind == 2) != (c.pad > 0))
        continue;
      for (int64_t isa : kIsas)
        for (int64_t threads : kThreads) {
          SCOPED_TRACE(testing::Message()
                       << "N=" << c.N << " K=" << c.K << " kind=" << kind
                       << " isa=" << isa << " threads=" << threads);
          std::vector<float> one = out0, all = out0;
          for (int64_t n = 0; n < c.N; ++n)
            run(kind, isa, n, 1, one.data() + n * outImage, 1);
          run(kind, isa, 0, c.N, all.data(), threads);
          for (size_t i = 0; i < all.size(); ++i)
            ASSERT_EQ(bitsOf(all[i]), bitsOf(one[i])) << "at " << i;
        }
    }
  }
}

// Every AVX-512 path (the pixel-row convolution, 1x1 kernels reading their
// input in place, the row tiles on packed im2col panels) and the AVX2 row
// tiles compute each output as the same chain of FMAs: the same bits,
// accumulating onto the output as well as with an epilogue, on every
// ungrouped case. (On a host without AVX-512 both run the AVX2 path.)
TEST(SGemmKernels, ConvPathsAgree) {
  unsigned seed = 300;
  for (const ConvCase &c : kConvCases) {
    if (c.groups != 1)
      continue;
    int64_t OH = (c.H - c.dh * (c.KH - 1) - 1) / c.sh + 1;
    int64_t OW = (c.W - c.dw * (c.KW - 1) - 1) / c.sw + 1;
    std::vector<float> in = randomVector(c.N * c.C * c.H * c.W, ++seed);
    std::vector<float> w = randomVector(c.F * c.C * c.KH * c.KW, ++seed);
    std::vector<float> out0 = randomVector(c.N * c.F * OH * OW, ++seed);
    std::vector<float> bias = randomVector(c.F, ++seed);
    std::vector<float> wp(
        compress_cpu_packed_conv_filter_size_f32(c.F, c.C, c.KH, c.KW, 1));
    compress_cpu_pack_conv_filter_f32(c.F, c.C, c.KH, c.KW, 1, w.data(),
                                      wp.data());
    for (bool fused : {false, true})
      for (int64_t threads : kThreads) {
        SCOPED_TRACE(testing::Message()
                     << c.name << " fused=" << fused << " threads=" << threads);
        std::vector<float> outs[2] = {out0, out0};
        for (int path = 0; path < 2; ++path) {
          int64_t isa =
              path == 0 ? COMPRESS_CPU_ISA_AVX2 : COMPRESS_CPU_ISA_AVX512;
          if (fused)
            compress_cpu_conv2d_nchw_f32_fused(
                isa, c.N, c.C, c.H, c.W, c.F, c.KH, c.KW, OH, OW, c.sh, c.sw,
                c.dh, c.dw, 1, in.data(), wp.data(), bitsOf(0.0f), bias.data(),
                bitsOf(-0.0f), out0.data(), bitsOf(-0.5f), bitsOf(0.5f),
                outs[path].data(), threads);
          else
            compress_cpu_conv2d_nchw_f32(isa, c.N, c.C, c.H, c.W, c.F, c.KH,
                                         c.KW, OH, OW, c.sh, c.sw, c.dh, c.dw,
                                         1, in.data(), wp.data(),
                                         outs[path].data(), threads);
        }
        for (size_t i = 0; i < out0.size(); ++i)
          ASSERT_EQ(bitsOf(outs[0][i]), bitsOf(outs[1][i])) << "at " << i;
      }
  }
}

// The depthwise call that pads its input (each plane into a buffer of its
// thread) against the same call on the input padded beforehand: the same
// bits. Rows wider than the eight-channel kernel takes (plane kernels),
// five channels (three left over from a group of eight), strides 1 and 2,
// dilation 2, uneven padding of a value that is not zero, planes wide
// enough to be padded in several bands of rows.
TEST(SGemmKernels, DepthwisePaddedMatchesPaddedInput) {
  struct Case {
    int64_t N, C, H, W, s, d, top, left, bottom, right;
    float value;
  };
  const Case cases[] = {
      {2, 5, 9, 40, 1, 1, 1, 1, 1, 1, 0.0f},
      {1, 5, 11, 75, 2, 1, 1, 1, 1, 1, 0.0f},
      {1, 3, 8, 37, 1, 2, 2, 0, 1, 3, 0.75f},
      {1, 9, 12, 70, 2, 1, 0, 2, 3, 1, -1.5f},
      // Planes padded band by band (rows of 302 and 202 floats: 13 and 20
      // input rows a band), strides 1 and 2.
      {1, 3, 20, 300, 1, 1, 1, 1, 1, 1, 0.5f},
      {2, 2, 45, 200, 2, 1, 1, 1, 1, 1, 0.0f},
  };
  unsigned seed = 1300;
  for (const Case &c : cases) {
    const int64_t Hp = c.H + c.top + c.bottom, Wp = c.W + c.left + c.right;
    const int64_t OH = (Hp - c.d * 2 - 1) / c.s + 1;
    const int64_t OW = (Wp - c.d * 2 - 1) / c.s + 1;
    std::vector<float> in = randomVector(c.N * c.C * c.H * c.W, ++seed);
    std::vector<float> padded = padPlanes(in, c.N * c.C, c.H, c.W, c.top,
                                          c.left, c.bottom, c.right, c.value);
    std::vector<float> w = randomVector(c.C * 9, ++seed);
    std::vector<float> bias = randomVector(c.C, ++seed);
    std::vector<float> residual = randomVector(c.N * c.C * OH * OW, ++seed);
    const int64_t lo = bitsOf(-0.5f), hi = bitsOf(6.0f), zero = bitsOf(0.0f);
    for (int64_t isa : kIsas)
      for (int64_t threads : kThreads) {
        SCOPED_TRACE(testing::Message()
                     << "C=" << c.C << " W=" << c.W << " s=" << c.s
                     << " isa=" << isa << " threads=" << threads);
        std::vector<float> ref(c.N * c.C * OH * OW), out(ref.size());
        compress_cpu_depthwise_conv2d_nchw_f32_fused(
            isa, c.N, c.C, Hp, Wp, 3, 3, OH, OW, c.s, c.s, c.d, c.d, 0, 0, 0, 0,
            0, padded.data(), w.data(), zero, bias.data(), bitsOf(-0.0f),
            residual.data(), lo, hi, ref.data(), 1);
        compress_cpu_depthwise_conv2d_nchw_f32_fused(
            isa, c.N, c.C, c.H, c.W, 3, 3, OH, OW, c.s, c.s, c.d, c.d, c.top,
            c.left, c.bottom, c.right, bitsOf(c.value), in.data(), w.data(),
            zero, bias.data(), bitsOf(-0.0f), residual.data(), lo, hi,
            out.data(), threads);
        for (size_t i = 0; i < out.size(); ++i)
          ASSERT_EQ(bitsOf(out[i]), bitsOf(ref[i])) << "at " << i;
      }
  }
}

TEST(SGemmKernels, PoolingAllPaths) {
  struct PoolCase {
    const char *name;
    int64_t N, C, H, W, KH, KW, sh, sw, dh, dw;
  };
  const PoolCase cases[] = {
      {"2x2_stride2", 2, 3, 28, 28, 2, 2, 2, 2, 1, 1},
      {"3x3_stride2_odd", 1, 2, 15, 37, 3, 3, 2, 2, 1, 1},
      {"3x3_stride1", 1, 3, 9, 40, 3, 3, 1, 1, 1, 1},
      {"2x3_stride3_dilated", 1, 2, 13, 50, 2, 3, 3, 3, 2, 2},
      {"7x7_global", 1, 4, 7, 7, 7, 7, 1, 1, 1, 1},
      // Windows that tile the rows exactly: the planes pooled as one tall
      // plane (3x3 at stride 3 on 27 rows, 2x2 at stride 2 on many small
      // planes), and an odd height that does not qualify.
      {"3x3_stride3_tiling", 2, 5, 27, 20, 3, 3, 3, 3, 1, 1},
      {"2x2_stride2_small_planes", 4, 9, 6, 10, 2, 2, 2, 2, 1, 1},
      {"2x2_stride2_odd_height", 2, 3, 27, 28, 2, 2, 2, 2, 1, 1},
      // Rows of one tap (from -inf: filled, then accumulated).
      {"3x1_stride1", 1, 2, 9, 20, 3, 1, 1, 1, 1, 1},
  };
  unsigned seed = 500;
  for (const PoolCase &c : cases) {
    int64_t OH = (c.H - c.dh * (c.KH - 1) - 1) / c.sh + 1;
    int64_t OW = (c.W - c.dw * (c.KW - 1) - 1) / c.sw + 1;
    std::vector<float> in = randomVector(c.N * c.C * c.H * c.W, ++seed);
    // Signed zeros next to each other, and NaNs, for max's edge cases.
    for (size_t i = 0; i + 1 < in.size(); i += 17) {
      in[i] = -0.0f;
      in[i + 1] = 0.0f;
    }
    in[in.size() / 3] = std::nanf("");
    // A signaling NaN with a payload: maximumf quiets it.
    in[in.size() / 2] = floatOfBits(0x7f800123);
    std::vector<float> out0 = randomVector(c.N * c.C * OH * OW, ++seed);
    for (size_t i = 0; i < out0.size(); i += 5)
      out0[i] = -0.0f;
    for (int64_t kind : {COMPRESS_CPU_POOL_MAX, COMPRESS_CPU_POOL_SUM}) {
      std::vector<float> ref = out0;
      for (int64_t p = 0; p < c.N * c.C; ++p)
        for (int64_t oh = 0; oh < OH; ++oh)
          for (int64_t ow = 0; ow < OW; ++ow) {
            float &acc = ref[(p * OH + oh) * OW + ow];
            for (int64_t kh = 0; kh < c.KH; ++kh)
              for (int64_t kw = 0; kw < c.KW; ++kw) {
                float v = in[(p * c.H + oh * c.sh + kh * c.dh) * c.W +
                             ow * c.sw + kw * c.dw];
                acc = kind == COMPRESS_CPU_POOL_MAX ? referenceMaximum(acc, v)
                                                    : acc + v;
              }
          }
      for (int64_t isa : kIsas)
        for (int64_t threads : kThreads) {
          SCOPED_TRACE(testing::Message()
                       << c.name << " kind=" << kind << " isa=" << isa
                       << " threads=" << threads);
          std::vector<float> out = out0;
          compress_cpu_pool2d_nchw_f32(isa, kind, c.N, c.C, c.H, c.W, c.KH,
                                       c.KW, OH, OW, c.sh, c.sw, c.dh, c.dw,
                                       in.data(), out.data(), threads);
          // Exact: the same operations in the same order (NaN as NaN, and
          // the sign of zero).
          for (size_t i = 0; i < out.size(); ++i) {
            ASSERT_EQ(std::isnan(out[i]), std::isnan(ref[i])) << "at " << i;
            if (!std::isnan(ref[i])) {
              ASSERT_EQ(out[i], ref[i]) << "at " << i;
              ASSERT_EQ(std::signbit(out[i]), std::signbit(ref[i]))
                  << "at " << i;
            }
          }
        }
    }
    // A max pooling from -inf (COMPRESS_CPU_POOL_MAX_FRESH: the outputs
    // are not read) gives the bits of the accumulating one on outputs
    // filled with -inf, NaN payloads included.
    std::vector<float> filled(out0.size(),
                              -std::numeric_limits<float>::infinity());
    for (int64_t isa : kIsas)
      for (int64_t threads : kThreads) {
        SCOPED_TRACE(testing::Message() << c.name << " fresh isa=" << isa
                                        << " threads=" << threads);
        std::vector<float> ref = filled, out = out0;
        compress_cpu_pool2d_nchw_f32(isa, COMPRESS_CPU_POOL_MAX, c.N, c.C, c.H,
                                     c.W, c.KH, c.KW, OH, OW, c.sh, c.sw, c.dh,
                                     c.dw, in.data(), ref.data(), 1);
        compress_cpu_pool2d_nchw_f32(
            isa, COMPRESS_CPU_POOL_MAX_FRESH, c.N, c.C, c.H, c.W, c.KH, c.KW,
            OH, OW, c.sh, c.sw, c.dh, c.dw, in.data(), out.data(), threads);
        for (size_t i = 0; i < out.size(); ++i)
          ASSERT_EQ(bitsOf(out[i]), bitsOf(ref[i])) << "at " << i;
      }
  }
}

} // namespace
