//===- IGemmKernelsTest.cpp - int8 CPU kernels against a naive reference --===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Every int8 path (portable, AVX-512 VNNI, AMX: forced through the isa
// argument, skipped where the host lacks it) must reproduce an int64
// reference exactly: odd shapes, extreme values, strides, accumulation into a
// non-zero C, one and two threads, and convolutions through the same kernels.
//
//===----------------------------------------------------------------------===//

#include "CpuKernels.h"
#include "compress/Utils/QuantParams.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

/// The AMX kernel on every shape, however short K (the library leaves K
/// below 512 to VNNI otherwise): read once, before the first GEMM.
[[maybe_unused]] const bool kAmxOnAllShapes = [] {
  setenv("COMPRESS_CPU_AMX_MIN_K", "0", /*overwrite=*/1);
  return true;
}();

constexpr int64_t kIsas[] = {COMPRESS_CPU_ISA_PORTABLE, COMPRESS_CPU_ISA_AVX2,
                             COMPRESS_CPU_ISA_AVX512_VNNI,
                             COMPRESS_CPU_ISA_AMX};

bool hostRuns(int64_t isa) {
#if defined(COMPRESS_AMX_EMULATE) // development builds emulate the tiles
  if (isa == COMPRESS_CPU_ISA_AMX)
    return compress_cpu_effective_isa(COMPRESS_CPU_ISA_AVX512_VNNI) ==
           COMPRESS_CPU_ISA_AVX512_VNNI;
#endif
  return compress_cpu_effective_isa(isa) == isa;
}

enum class Fill { Random, Extreme };

template <typename T>
std::vector<T> makeData(size_t n, Fill fill, std::mt19937 &rng, int lo, int hi,
                        T extreme) {
  std::vector<T> v(n);
  std::uniform_int_distribution<int> d(lo, hi);
  for (T &x : v)
    x = fill == Fill::Extreme ? extreme : static_cast<T>(d(rng));
  return v;
}

struct GemmCase {
  int64_t M, N, K;
};

class IGemmPaths : public ::testing::TestWithParam<int64_t> {
protected:
  void SetUp() override {
    if (!hostRuns(GetParam()))
      GTEST_SKIP() << "host lacks isa " << GetParam();
  }
};

/// Runs C += A * B through the packed and the unpacked entry points and
/// compares with the reference. lda/ldc get padding, C starts non-zero.
/// With `s4` B's values lie in [-8, 7] and the B16x4/S4 entry point is
/// checked too; with `zeros` in (0, 1] that fraction of B's values is zero
/// (1: all of them) and the B16x4/sparse entry point is checked too.
void checkGemm(int64_t isa, GemmCase g, Fill fill, int64_t threads,
               bool transposedB, uint32_t seed, bool s4 = false,
               double zeros = 0.0) {
  std::mt19937 rng(seed);
  const int64_t lda = g.K + 7, ldc = g.N + 5;
  // A ends right after its last valid element: reads past K are caught by
  // sanitizers.
  auto A = makeData<uint8_t>((g.M - 1) * lda + g.K, fill, rng, 0, 255, 255);
  auto B = s4 ? makeData<int8_t>(g.K * g.N, fill, rng, -8, 7, -8)
              : makeData<int8_t>(g.K * g.N, fill, rng, -128, 127, -128);
  if (zeros > 0.0) {
    std::bernoulli_distribution zero(zeros);
    for (int8_t &b : B)
      if (zero(rng))
        b = 0;
  }
  auto C0 = makeData<int32_t>(g.M * ldc, Fill::Random, rng, -1000, 1000, 0);
  // B(k, n) = B[k * strideK + n * strideN]
  const int64_t strideK = transposedB ? 1 : g.N;
  const int64_t strideN = transposedB ? g.K : 1;
  std::vector<int32_t> ref = C0;
  for (int64_t m = 0; m < g.M; ++m)
    for (int64_t n = 0; n < g.N; ++n) {
      int64_t acc = ref[m * ldc + n];
      for (int64_t k = 0; k < g.K; ++k)
        acc += int64_t(A[m * lda + k]) * B[k * strideK + n * strideN];
      ref[m * ldc + n] = static_cast<int32_t>(acc);
    }
  const std::string what =
      "M=" + std::to_string(g.M) + " N=" + std::to_string(g.N) +
      " K=" + std::to_string(g.K) + " threads=" + std::to_string(threads) +
      (transposedB ? " Bt" : "");

  std::vector<int32_t> C = C0;
  compress_cpu_igemm_u8s8(isa, g.M, g.N, g.K, A.data(), lda, B.data(), strideK,
                          strideN, C.data(), ldc, threads);
  ASSERT_EQ(C, ref) << "unpacked " << what;

  const int64_t Kp = (g.K + 63) / 64 * 64, Np = (g.N + 15) / 16 * 16;
  std::vector<int8_t> Bp(Kp * Np, 99);
  compress_cpu_pack_b16x4_8(g.K, g.N, B.data(), strideK, strideN, Bp.data());
  for (int64_t k = 0; k < Kp; ++k)
    for (int64_t n = 0; n < Np; ++n) {
      int8_t want = k < g.K && n < g.N ? B[k * strideK + n * strideN] : 0;
      ASSERT_EQ(Bp[(n / 16) * Kp * 16 + (k / 4) * 64 + (n % 16) * 4 + k % 4],
                want)
          << "pack k=" << k << " n=" << n << " " << what;
    }
  C = C0;
  compress_cpu_igemm_u8s8_packed(isa, g.M, g.N, g.K, A.data(), lda, Bp.data(),
                                 C.data(), ldc, threads);
  ASSERT_EQ(C, ref) << "packed " << what;
  if (zeros > 0.0) {
    // B16x128/windows: per panel and 128 k, as many rounds of 4
    // non-zeros per column (120 bytes each) as the fullest column needs.
    int64_t size = compress_cpu_packed_sparse_size_s8(g.K, g.N, B.data(),
                                                      strideK, strideN);
    const int64_t panels = Np / 16, windows = (g.K + 127) / 128,
                  blocks = (windows + 15) / 16;
    int64_t rounds = 0;
    for (int64_t p = 0; p < panels; ++p)
      for (int64_t w = 0; w < windows; ++w) {
        int64_t most = 0;
        for (int64_t n = 16 * p; n < std::min(g.N, 16 * p + 16); ++n) {
          int64_t count = 0;
          for (int64_t k = 128 * w; k < std::min(g.K, 128 * w + 128); ++k)
            count += B[k * strideK + n * strideN] != 0;
          most = std::max(most, count);
        }
        rounds += (most + 3) / 4;
      }
    ASSERT_EQ(size,
              8 * (3 + panels * blocks) + panels * windows + 120 * rounds + 64)
        << "sparse size " << what;
    std::vector<int64_t> storage((size + 7) / 8 + 1);
    auto *Bs = reinterpret_cast<int8_t *>(storage.data());
    compress_cpu_pack_sparse_s8(g.K, g.N, B.data(), strideK, strideN, Bs);
    C = C0;
    compress_cpu_igemm_u8s8_sparse(isa, g.M, g.N, g.K, A.data(), lda, Bs,
                                   C.data(), ldc, threads);
    ASSERT_EQ(C, ref) << "sparse " << what << " zeros=" << zeros;
  }
  // B16x8/2:4, where B is 2:4 along K (K a multiple of 4).
  bool twoOfFour = g.K % 4 == 0;
  for (int64_t n = 0; n < g.N && twoOfFour; ++n)
    for (int64_t q = 0; q < g.K / 4 && twoOfFour; ++q) {
      int count = 0;
      for (int64_t i = 0; i < 4; ++i)
        count += B[(4 * q + i) * strideK + n * strideN] != 0;
      twoOfFour = count <= 2;
    }
  std::vector<int8_t> Bp24(Kp * Np * 5 / 8, 99);
  int64_t status = compress_cpu_pack_b16x8_2of4(g.K, g.N, B.data(), strideK,
                                                strideN, Bp24.data());
  if (g.K % 4 == 0) {
    ASSERT_EQ(status, twoOfFour ? 0 : 1) << "2:4 pack status " << what;
  }
  if (twoOfFour) {
    C = C0;
    compress_cpu_igemm_u8s8_2of4(isa, g.M, g.N, g.K, A.data(), lda, Bp24.data(),
                                 C.data(), ldc, threads);
    ASSERT_EQ(C, ref) << "2:4 " << what;
  }
  if (!s4)
    return;

  // B16x4/S4: each 64-byte row of the B16x4 panels as 32 bytes of nibbles.
  std::vector<int8_t> Bp4(Kp * Np / 2, 99);
  compress_cpu_pack_b16x4_s4(g.K, g.N, B.data(), strideK, strideN, Bp4.data());
  for (int64_t row = 0; row < Kp * Np / 64; ++row)
    for (int64_t i = 0; i < 32; ++i) {
      auto byte = static_cast<uint8_t>(Bp4[row * 32 + i]);
      ASSERT_EQ(static_cast<int8_t>(byte << 4) >> 4, Bp[row * 64 + i])
          << "S4 pack, low nibble of row " << row << " byte " << i << " "
          << what;
      ASSERT_EQ(static_cast<int8_t>(byte) >> 4, Bp[row * 64 + i + 32])
          << "S4 pack, high nibble of row " << row << " byte " << i << " "
          << what;
    }
  C = C0;
  compress_cpu_igemm_u8s4_packed(isa, g.M, g.N, g.K, A.data(), lda, Bp4.data(),
                                 C.data(), ldc, threads);
  ASSERT_EQ(C, ref) << "packed S4 " << what;
}

TEST_P(IGemmPaths, OddShapes) {
  const int64_t Ms[] = {1, 3, 17, 33};
  const int64_t Ns[] = {1, 15, 17, 33};
  const int64_t Ks[] = {1, 3, 5, 63, 65, 300};
  uint32_t seed = 1;
  for (int64_t M : Ms)
    for (int64_t N : Ns)
      for (int64_t K : Ks)
        checkGemm(GetParam(), {M, N, K}, Fill::Random, 1, false, seed++);
}

TEST_P(IGemmPaths, ExtremeValues) {
  for (GemmCase g :
       {GemmCase{1, 17, 300}, GemmCase{33, 33, 65}, GemmCase{64, 64, 1024},
        GemmCase{32, 48, 2112}, GemmCase{3, 130, 4099}})
    checkGemm(GetParam(), g, Fill::Extreme, 1, false, 7);
}

TEST_P(IGemmPaths, LargerAndThreaded) {
  for (int64_t threads : {1, 2})
    for (GemmCase g : {GemmCase{96, 160, 256}, GemmCase{100, 200, 300},
                       GemmCase{128, 96, 2500}, GemmCase{7, 300, 129},
                       GemmCase{128, 256, 512}})
      checkGemm(GetParam(), g, Fill::Random, threads, false, 11);
}

#if defined(_OPENMP)
// Called from inside a parallel region, the kernels get a team of one thread
// (nested parallelism is off) and must still compute all of C.
TEST_P(IGemmPaths, InsideParallelRegion) {
#pragma omp parallel num_threads(2)
  checkGemm(GetParam(), {128, 256, 512}, Fill::Random, 2, false, 5);
}
#endif

TEST_P(IGemmPaths, FourBitWeights) {
  uint32_t seed = 40;
  for (int64_t M : {1, 3, 8, 17})
    for (int64_t N : {1, 17, 48, 130})
      for (int64_t K : {3, 64, 65, 300})
        checkGemm(GetParam(), {M, N, K}, Fill::Random, 1, false, seed++, true);
  checkGemm(GetParam(), {33, 33, 2112}, Fill::Extreme, 1, false, 7, true);
  checkGemm(GetParam(), {8, 300, 4099}, Fill::Extreme, 1, false, 8, true);
  for (int64_t threads : {1, 2})
    checkGemm(GetParam(), {128, 256, 512}, Fill::Random, threads, true, 9,
              true);
}

TEST_P(IGemmPaths, SparseWeights) {
  uint32_t seed = 60;
  for (double zeros : {0.5, 0.9, 1.0})
    for (int64_t M : {1, 3, 8, 17})
      for (int64_t N : {1, 17, 48, 130})
        for (int64_t K : {3, 65, 300})
          checkGemm(GetParam(), {M, N, K}, Fill::Random, 1, false, seed++,
                    false, zeros);
  // Several K blocks of the offset table (2048 k each), odd K, threads.
  checkGemm(GetParam(), {8, 300, 4099}, Fill::Random, 1, false, 61, false, 0.9);
  for (int64_t threads : {1, 2})
    checkGemm(GetParam(), {64, 200, 2500}, Fill::Random, threads, true, 62,
              false, 0.7);
}

/// 2:4 along K, with random or extreme values in the kept places (and some
/// groups with fewer than two non-zeros).
void checkTwoOfFour(int64_t isa, GemmCase g, Fill fill, int64_t threads,
                    bool transposedB, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int8_t> B(g.K * g.N);
  std::uniform_int_distribution<int> value(-128, 127), position(0, 3);
  const int64_t strideK = transposedB ? 1 : g.N;
  const int64_t strideN = transposedB ? g.K : 1;
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t q = 0; q < g.K / 4; ++q)
      for (int kept = 0; kept < 2; ++kept)
        B[(4 * q + position(rng)) * strideK + n * strideN] =
            fill == Fill::Extreme ? -128 : static_cast<int8_t>(value(rng));
  const int64_t lda = g.K + 5, ldc = g.N + 3;
  auto A = makeData<uint8_t>((g.M - 1) * lda + g.K, fill, rng, 0, 255, 255);
  auto C0 = makeData<int32_t>(g.M * ldc, Fill::Random, rng, -1000, 1000, 0);
  std::vector<int32_t> ref = C0;
  for (int64_t m = 0; m < g.M; ++m)
    for (int64_t n = 0; n < g.N; ++n) {
      int64_t acc = ref[m * ldc + n];
      for (int64_t k = 0; k < g.K; ++k)
        acc += int64_t(A[m * lda + k]) * B[k * strideK + n * strideN];
      ref[m * ldc + n] = static_cast<int32_t>(acc);
    }
  const int64_t Kp = (g.K + 63) / 64 * 64, Np = (g.N + 15) / 16 * 16;
  std::vector<int8_t> Bp(Kp * Np * 5 / 8);
  ASSERT_EQ(compress_cpu_pack_b16x8_2of4(g.K, g.N, B.data(), strideK, strideN,
                                         Bp.data()),
            0);
  std::vector<int32_t> C = C0;
  compress_cpu_igemm_u8s8_2of4(isa, g.M, g.N, g.K, A.data(), lda, Bp.data(),
                               C.data(), ldc, threads);
  ASSERT_EQ(C, ref) << "2:4 M=" << g.M << " N=" << g.N << " K=" << g.K
                    << " threads=" << threads;
}

TEST_P(IGemmPaths, TwoOfFourWeights) {
  uint32_t seed = 80;
  for (int64_t M : {1, 2, 3, 8, 17})
    for (int64_t N : {1, 17, 48, 70, 130})
      for (int64_t K : {4, 12, 64, 100, 2052}) {
        uint32_t caseSeed = seed++;
        checkTwoOfFour(GetParam(), {M, N, K}, Fill::Random, 1,
                       caseSeed % 2 == 0, caseSeed);
      }
  checkTwoOfFour(GetParam(), {8, 300, 4100}, Fill::Extreme, 1, false, 81);
  for (int64_t threads : {1, 2})
    checkTwoOfFour(GetParam(), {64, 200, 2500}, Fill::Random, threads, true,
                   82);
  // A weight that is not 2:4 is refused.
  std::vector<int8_t> dense(8 * 16, 1), out(64 * 16 * 5 / 8);
  EXPECT_EQ(
      compress_cpu_pack_b16x8_2of4(8, 16, dense.data(), 16, 1, out.data()), 1);
}

TEST_P(IGemmPaths, StridedB) {
  checkGemm(GetParam(), {17, 33, 65}, Fill::Random, 1, true, 3);
  checkGemm(GetParam(), {40, 50, 130}, Fill::Random, 2, true, 4);
}

/// compress_cpu_igemm_u8s8_packed_requantize against the GEMM reference
/// followed by Utils/QuantParams.cpp's requantization (gemmlowp's arithmetic
/// as written there) and, with `dequantize`, f32((q - dzp)) * scale.
/// With `vectorForm` the multipliers are all below 1/2 and not tiny (right
/// shifts 1..9, no left shift), the form the AVX-512 epilogue handles, the
/// output range is signed, and the products small, so that most results are
/// not clamped and many land on rounding ties; otherwise some multipliers
/// need left shifts or shifts beyond 31 (the scalar epilogue).
/// `init` says where the accumulators start: a C matrix (the function with
/// C), or without C a bias row (the same for every row) or zeros.
enum class Init { Matrix, Bias, Zero };

void checkRequantize(int64_t isa, GemmCase g, bool perColumn, bool dequantize,
                     int64_t threads, uint32_t seed, bool vectorForm, Init init,
                     int layout) {
  const bool s4 = layout == 1, sparse = layout == 2 || layout == 3,
             pairs = layout == 3 && g.K % 4 == 0;
  std::mt19937 rng(seed);
  const int64_t lda = g.K + 3, ldc = g.N + 1, ldo = g.N + 9;
  const int aMax = vectorForm ? 1 : 255, bMax = vectorForm ? 1 : (s4 ? 7 : 127);
  auto A = makeData<uint8_t>(g.M * lda, Fill::Random, rng, 0, aMax, 0);
  auto B = makeData<int8_t>(g.K * g.N, Fill::Random, rng, -bMax - !vectorForm,
                            bMax, 0);
  if (sparse) // 2:4 along K
    for (int64_t k = 0; k < g.K; ++k)
      for (int64_t n = 0; n < g.N; ++n)
        if ((k + n) % 4 < 2)
          B[k * g.N + n] = 0;
  auto C0 = makeData<int32_t>(g.M * ldc, Fill::Random, rng, -5000, 5000, 0);
  for (int64_t m = 1; m < g.M && init != Init::Matrix; ++m)
    std::copy_n(C0.begin(), g.N, C0.begin() + m * ldc);
  if (init == Init::Zero)
    std::fill(C0.begin(), C0.end(), 0);
  // Multipliers around the accumulators' scale, some above 1 (left shifts)
  // and a few too tiny for any shift (multiplier 0).
  const int64_t P = perColumn ? g.N : 1;
  std::uniform_real_distribution<double> logScale(vectorForm ? -9.0 : -22.0,
                                                  vectorForm ? -1.5 : 1.0);
  std::vector<mlir::compress::QuantizedMultiplier> encoded;
  std::vector<int64_t> params(5 * P);
  for (int64_t c = 0; c < P; ++c) {
    double m = c % 7 == 3 && !vectorForm ? 1e-12 : std::exp2(logScale(rng));
    auto q = *mlir::compress::computeQuantizedMultiplier(m);
    encoded.push_back(q);
    int64_t left = std::clamp<int64_t>(q.shift, 0, 32);
    int64_t right = std::max<int64_t>(-q.shift, 0);
    params[c] = q.multiplier;
    params[P + c] = right;
    params[2 * P + c] = (int64_t(1) << right) >> 1;
    params[3 * P + c] = right > 0 ? -1 : 0;
    params[4 * P + c] = left;
  }
  // One column rounding down (offset and adjustment 0) instead of to
  // nearest: not the form the vector lanes compute, so the kernel must take
  // the scalar code for it.
  const int64_t odd = vectorForm && perColumn && g.N > 5 ? 5 : -1;
  if (odd >= 0) {
    params[P + odd] = 4;
    params[2 * P + odd] = 0;
    params[3 * P + odd] = 0;
    params[odd] = encoded[odd].multiplier = 1 << 30;
  }
  bool hasLeft = std::any_of(params.begin() + 4 * P, params.end(),
                             [](int64_t v) { return v > 0; });
  const int64_t zp = vectorForm ? -3 : 7, lo = vectorForm ? -128 : 0,
                hi = vectorForm ? 127 : 200, dzp = vectorForm ? -5 : 11;
  const float scale = 0.0625f;
  uint32_t scaleBits;
  std::memcpy(&scaleBits, &scale, sizeof(scale));

  std::vector<uint8_t> wantBytes(g.M * ldo, 0xAB), gotBytes(g.M * ldo, 0xAB);
  std::vector<float> wantFloats(g.M * ldo, -1.0f), gotFloats(g.M * ldo, -1.0f);
  for (int64_t m = 0; m < g.M; ++m)
    for (int64_t n = 0; n < g.N; ++n) {
      int64_t acc = C0[m * ldc + n];
      for (int64_t k = 0; k < g.K; ++k)
        acc += int64_t(A[m * lda + k]) * B[k * g.N + n];
      int64_t q = mlir::compress::multiplyByQuantizedMultiplier(
                      static_cast<int32_t>(acc), encoded[perColumn ? n : 0]) +
                  zp;
      if (n == odd) // floor(h / 16), h = SRDHM(acc, 2^30) = round(acc / 2)
        q = (mlir::compress::saturatingRoundingDoublingHighMul(
                 static_cast<int32_t>(acc), 1 << 30) >>
             4) +
            zp;
      q = std::clamp(q, lo, hi);
      wantBytes[m * ldo + n] = static_cast<uint8_t>(q);
      wantFloats[m * ldo + n] =
          static_cast<float>(static_cast<int32_t>(q - dzp)) * scale;
    }
  const int64_t Kp = (g.K + 63) / 64 * 64, Np = (g.N + 15) / 16 * 16;
  std::vector<int8_t> Bp(s4 ? Kp * Np / 2 : Kp * Np);
  std::vector<int64_t> sparseStorage;
  if (s4) {
    compress_cpu_pack_b16x4_s4(g.K, g.N, B.data(), g.N, 1, Bp.data());
  } else if (pairs) {
    ASSERT_EQ(
        compress_cpu_pack_b16x8_2of4(g.K, g.N, B.data(), g.N, 1, Bp.data()), 0);
  } else if (sparse) {
    sparseStorage.resize(
        compress_cpu_packed_sparse_size_s8(g.K, g.N, B.data(), g.N, 1) / 8 + 1);
    compress_cpu_pack_sparse_s8(
        g.K, g.N, B.data(), g.N, 1,
        reinterpret_cast<int8_t *>(sparseStorage.data()));
  } else {
    compress_cpu_pack_b16x4_8(g.K, g.N, B.data(), g.N, 1, Bp.data());
  }
  const int8_t *packedB =
      sparse && !pairs ? reinterpret_cast<const int8_t *>(sparseStorage.data())
                       : Bp.data();
  std::vector<int32_t> C = C0;
  void *out = dequantize ? static_cast<void *>(gotFloats.data())
                         : static_cast<void *>(gotBytes.data());
  if (init == Init::Matrix)
    (s4       ? compress_cpu_igemm_u8s4_packed_requantize
     : pairs  ? compress_cpu_igemm_u8s8_2of4_requantize
     : sparse ? compress_cpu_igemm_u8s8_sparse_requantize
              : compress_cpu_igemm_u8s8_packed_requantize)(
        isa, g.M, g.N, g.K, A.data(), lda, packedB, C.data(), ldc,
        params.data(), P, hasLeft, zp, lo, hi, dequantize, dzp, scaleBits, out,
        ldo, threads);
  else
    (s4       ? compress_cpu_igemm_u8s4_packed_bias_requantize
     : pairs  ? compress_cpu_igemm_u8s8_2of4_bias_requantize
     : sparse ? compress_cpu_igemm_u8s8_sparse_bias_requantize
              : compress_cpu_igemm_u8s8_packed_bias_requantize)(
        isa, g.M, g.N, g.K, A.data(), lda, packedB,
        init == Init::Bias ? C0.data() : nullptr, params.data(), P, hasLeft, zp,
        lo, hi, dequantize, dzp, scaleBits, out, ldo, threads);
  const std::string what =
      "M=" + std::to_string(g.M) + " N=" + std::to_string(g.N) +
      " K=" + std::to_string(g.K) + " threads=" + std::to_string(threads) +
      (perColumn ? " per-column" : " per-tensor") +
      (vectorForm ? " vector-form" : "") +
      (init == Init::Bias   ? " bias"
       : init == Init::Zero ? " no-bias"
                            : "") +
      (dequantize ? " f32" : " bytes") + (s4 ? " S4" : "") +
      (pairs    ? " 2:4"
       : sparse ? " sparse"
                : "");
  if (dequantize)
    ASSERT_EQ(gotFloats, wantFloats) << what;
  else
    ASSERT_EQ(gotBytes, wantBytes) << what;
}

TEST_P(IGemmPaths, RequantizeEpilogue) {
  uint32_t seed = 21;
  for (int64_t threads : {1, 2})
    for (GemmCase g : {GemmCase{1, 17, 33}, GemmCase{13, 50, 70},
                       GemmCase{64, 96, 300}, GemmCase{20, 33, 2500},
                       GemmCase{530, 40, 1100}, GemmCase{8, 400, 3000}})
      for (bool perColumn : {true, false})
        for (bool dequantize : {false, true})
          for (bool vectorForm : {false, true})
            for (Init init : {Init::Matrix, Init::Bias, Init::Zero})
              for (int layout : {0, 1, 2, 3})
                checkRequantize(GetParam(), g, perColumn, dequantize, threads,
                                seed++, vectorForm, init, layout);
}

struct ConvCase {
  int64_t N, C, H, W, F, KH, KW, sh, sw, dh, dw, groups;
};

void checkConv(int64_t isa, ConvCase c, Fill fill, int64_t threads) {
  std::mt19937 rng(static_cast<uint32_t>(c.C * 131 + c.F * 7 + c.KH));
  const int64_t OH = (c.H - (c.KH - 1) * c.dh - 1) / c.sh + 1;
  const int64_t OW = (c.W - (c.KW - 1) * c.dw - 1) / c.sw + 1;
  const int64_t Cg = c.C / c.groups, Fg = c.F / c.groups;
  auto in = makeData<uint8_t>(c.N * c.C * c.H * c.W, fill, rng, 0, 255, 255);
  auto w = makeData<int8_t>(c.F * Cg * c.KH * c.KW, fill, rng, -128, 127, -128);
  auto out0 =
      makeData<int32_t>(c.N * c.F * OH * OW, Fill::Random, rng, -500, 500, 0);
  std::vector<int32_t> ref = out0;
  for (int64_t n = 0; n < c.N; ++n)
    for (int64_t f = 0; f < c.F; ++f)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          int64_t g = f / Fg;
          int32_t *o = &ref[((n * c.F + f) * OH + oh) * OW + ow];
          int64_t acc = *o;
          for (int64_t ci = 0; ci < Cg; ++ci)
            for (int64_t kh = 0; kh < c.KH; ++kh)
              for (int64_t kw = 0; kw < c.KW; ++kw)
                acc += int64_t(in[((n * c.C + g * Cg + ci) * c.H + oh * c.sh +
                                   kh * c.dh) *
                                      c.W +
                                  ow * c.sw + kw * c.dw]) *
                       w[((f * Cg + ci) * c.KH + kh) * c.KW + kw];
          *o = static_cast<int32_t>(acc);
        }
  const std::string what =
      "C=" + std::to_string(c.C) + " F=" + std::to_string(c.F) +
      " k=" + std::to_string(c.KH) + "x" + std::to_string(c.KW) +
      " s=" + std::to_string(c.sh) + " d=" + std::to_string(c.dh) +
      " g=" + std::to_string(c.groups) + " threads=" + std::to_string(threads);

  std::vector<int32_t> out = out0;
  if (c.groups == c.C && c.F == c.C) {
    compress_cpu_depthwise_conv2d_nchw_u8s8(
        isa, c.N, c.C, c.H, c.W, c.KH, c.KW, OH, OW, c.sh, c.sw, c.dh, c.dw,
        in.data(), w.data(), out.data(), threads);
    ASSERT_EQ(out, ref) << "depthwise " << what;
    out = out0;
  }
  int64_t size =
      compress_cpu_packed_conv_filter_size_s8(c.F, Cg, c.KH, c.KW, c.groups);
  std::vector<int8_t> wp(size, 77);
  compress_cpu_pack_conv_filter_s8(c.F, Cg, c.KH, c.KW, c.groups, w.data(),
                                   wp.data());
  compress_cpu_conv2d_nchw_u8s8(isa, c.N, c.C, c.H, c.W, c.F, c.KH, c.KW, OH,
                                OW, c.sh, c.sw, c.dh, c.dw, c.groups, in.data(),
                                wp.data(), out.data(), threads);
  ASSERT_EQ(out, ref) << "conv " << what;
}

TEST_P(IGemmPaths, Convolutions) {
  const ConvCase cases[] = {
      // N  C   H   W   F  KH KW sh sw dh dw groups
      {1, 3, 29, 29, 16, 7, 7, 2, 2, 1, 1, 1},   // 7x7 stride 2 (a stem)
      {2, 8, 12, 13, 20, 3, 3, 1, 1, 1, 1, 1},   // 3x3, two images
      {1, 16, 15, 15, 24, 3, 3, 2, 2, 1, 1, 1},  // stride 2
      {1, 6, 14, 14, 10, 3, 3, 1, 1, 2, 2, 1},   // dilation 2
      {1, 8, 10, 11, 12, 3, 3, 1, 1, 1, 1, 2},   // groups 2
      {1, 40, 9, 9, 33, 1, 1, 1, 1, 1, 1, 1},    // 1x1 (direct im2col)
      {1, 24, 8, 8, 70, 1, 1, 2, 2, 1, 1, 1},    // 1x1 stride 2
      {1, 70, 6, 6, 40, 3, 3, 1, 1, 1, 1, 1},    // K not a multiple of 64
      {1, 64, 16, 16, 64, 3, 3, 1, 1, 1, 1, 1},  // whole tiles
      {1, 12, 11, 40, 12, 3, 3, 1, 1, 1, 1, 12}, // depthwise
      {1, 5, 21, 37, 5, 3, 3, 2, 2, 1, 1, 5},    // depthwise stride 2
      {1, 4, 20, 20, 4, 5, 5, 1, 1, 2, 2, 4},    // depthwise 5x5 dilated
      {1, 3, 13, 17, 3, 3, 2, 3, 3, 1, 1, 3},    // depthwise stride 3
      {1, 64, 30, 30, 64, 3, 3, 1, 1, 1, 1, 1},  // big enough for 2 threads
      {1, 32, 60, 60, 32, 3, 3, 1, 1, 1, 1, 32}, // depthwise, 2 threads
      {1, 6, 9, 35, 6, 2, 3, 1, 2, 1, 1, 6},     // depthwise 2x3 (6 taps)
      // Eight channels at a time (AVX2), and a plane left over.
      {2, 9, 15, 22, 9, 3, 3, 2, 2, 1, 1, 9},  // depthwise stride 2
      {1, 16, 7, 7, 16, 3, 3, 1, 1, 1, 1, 16}, // depthwise 7x7
  };
  for (int64_t threads : {1, 2})
    for (const ConvCase &c : cases)
      checkConv(GetParam(), c, Fill::Random, threads);
  checkConv(GetParam(), cases[0], Fill::Extreme, 1);
  checkConv(GetParam(), cases[9], Fill::Extreme, 1);
  checkConv(GetParam(), cases[13], Fill::Extreme, 2);
}

/// compress_cpu_max_pool2d_nchw_i8 against the loops of its definition,
/// bytes compared signed and unsigned, accumulating into random outputs.
TEST_P(IGemmPaths, MaxPoolBytes) {
  struct PoolCase {
    int64_t N, C, H, W, KH, KW, sh, sw, dh, dw;
  };
  const PoolCase cases[] = {
      {2, 3, 28, 28, 2, 2, 2, 2, 1, 1},   // 2x2 stride 2 (Fashion-MNIST)
      {1, 2, 114, 114, 3, 3, 2, 2, 1, 1}, // 3x3 stride 2, rows past 64
      {1, 3, 9, 70, 3, 3, 1, 1, 1, 1},    // stride 1, a partial chunk
      {1, 2, 15, 37, 3, 2, 2, 1, 2, 1},   // dilated rows, stride (2, 1)
      {1, 2, 13, 50, 2, 3, 3, 3, 2, 2},   // stride 3 and dilated columns
      {64, 4, 14, 14, 2, 2, 2, 2, 1, 1},  // enough planes for two threads
  };
  std::mt19937 rng(99);
  for (const PoolCase &c : cases) {
    const int64_t OH = (c.H - (c.KH - 1) * c.dh - 1) / c.sh + 1;
    const int64_t OW = (c.W - (c.KW - 1) * c.dw - 1) / c.sw + 1;
    std::vector<int8_t> in(c.N * c.C * c.H * c.W), out0(c.N * c.C * OH * OW);
    std::uniform_int_distribution<int> byte(-128, 127);
    for (int8_t &v : in)
      v = static_cast<int8_t>(byte(rng));
    for (size_t i = 0; i < in.size(); i += 13)
      in[i] = static_cast<int8_t>(i % 2 ? 127 : -128); // 127/128 and -128/128
    for (int8_t &v : out0)
      v = static_cast<int8_t>(byte(rng));
    for (int64_t isSigned : {0, 1}) {
      std::vector<int8_t> ref = out0;
      for (int64_t p = 0; p < c.N * c.C; ++p)
        for (int64_t oh = 0; oh < OH; ++oh)
          for (int64_t ow = 0; ow < OW; ++ow) {
            int8_t &o = ref[(p * OH + oh) * OW + ow];
            for (int64_t kh = 0; kh < c.KH; ++kh)
              for (int64_t kw = 0; kw < c.KW; ++kw) {
                int8_t v = in[(p * c.H + oh * c.sh + kh * c.dh) * c.W +
                              ow * c.sw + kw * c.dw];
                if (isSigned ? v > o : uint8_t(v) > uint8_t(o))
                  o = v;
              }
          }
      for (int64_t threads : {1, 2}) {
        std::vector<int8_t> out = out0;
        compress_cpu_max_pool2d_nchw_i8(
            GetParam(), isSigned, c.N, c.C, c.H, c.W, c.KH, c.KW, OH, OW, c.sh,
            c.sw, c.dh, c.dw, in.data(), out.data(), threads);
        ASSERT_EQ(out, ref)
            << "N=" << c.N << " H=" << c.H << " W=" << c.W << " k=" << c.KH
            << "x" << c.KW << " s=" << c.sh << "," << c.sw
            << " signed=" << isSigned << " threads=" << threads;
      }
    }
  }
}

/// compress_cpu_conv2d_nchw_u8s8_requantize against the i32 convolution
/// (checked above against the naive loops) started from the bias, followed
/// by Utils/QuantParams.cpp's requantization per channel (or per tensor)
/// and, with `dequantize`, f32((q - dzp)) * scale.
void checkConvRequantize(int64_t isa, ConvCase c, bool perChannel,
                         bool withBias, bool dequantize, int64_t threads,
                         uint32_t seed) {
  std::mt19937 rng(seed);
  const int64_t OH = (c.H - (c.KH - 1) * c.dh - 1) / c.sh + 1;
  const int64_t OW = (c.W - (c.KW - 1) * c.dw - 1) / c.sw + 1;
  const int64_t Cg = c.C / c.groups, P = OH * OW;
  auto in =
      makeData<uint8_t>(c.N * c.C * c.H * c.W, Fill::Random, rng, 0, 255, 0);
  auto w =
      makeData<int8_t>(c.F * Cg * c.KH * c.KW, Fill::Random, rng, -128, 127, 0);
  auto bias = makeData<int32_t>(c.F, Fill::Random, rng, -20000, 20000, 0);
  std::vector<int8_t> wp(
      compress_cpu_packed_conv_filter_size_s8(c.F, Cg, c.KH, c.KW, c.groups));
  compress_cpu_pack_conv_filter_s8(c.F, Cg, c.KH, c.KW, c.groups, w.data(),
                                   wp.data());
  // The reference accumulators: the plain i32 convolution from the bias.
  std::vector<int32_t> acc(c.N * c.F * P);
  for (int64_t i = 0; i < c.N * c.F; ++i)
    std::fill_n(acc.begin() + i * P, P, withBias ? bias[i % c.F] : 0);
  compress_cpu_conv2d_nchw_u8s8(COMPRESS_CPU_ISA_PORTABLE, c.N, c.C, c.H, c.W,
                                c.F, c.KH, c.KW, OH, OW, c.sh, c.sw, c.dh, c.dw,
                                c.groups, in.data(), wp.data(), acc.data(), 1);
  // Scales: most channels in the vector form, some with left shifts.
  const int64_t Pn = perChannel ? c.F : 1;
  std::uniform_real_distribution<double> logScale(-18.0, 0.5);
  std::vector<mlir::compress::QuantizedMultiplier> encoded;
  std::vector<int64_t> params(5 * Pn);
  for (int64_t k = 0; k < Pn; ++k) {
    auto q =
        *mlir::compress::computeQuantizedMultiplier(std::exp2(logScale(rng)));
    encoded.push_back(q);
    int64_t right = std::max<int64_t>(-q.shift, 0);
    params[k] = q.multiplier;
    params[Pn + k] = right;
    params[2 * Pn + k] = (int64_t(1) << right) >> 1;
    params[3 * Pn + k] = right > 0 ? -1 : 0;
    params[4 * Pn + k] = std::clamp<int64_t>(q.shift, 0, 32);
  }
  bool hasLeft = std::any_of(params.begin() + 4 * Pn, params.end(),
                             [](int64_t v) { return v > 0; });
  const int64_t zp = 9, lo = 0, hi = 255, dzp = 9;
  const float scale = 0.125f;
  uint32_t scaleBits;
  std::memcpy(&scaleBits, &scale, sizeof(scale));
  std::vector<uint8_t> wantBytes(acc.size()), gotBytes(acc.size(), 0xAB);
  std::vector<float> wantFloats(acc.size()), gotFloats(acc.size(), -1.0f);
  for (size_t i = 0; i < acc.size(); ++i) {
    int64_t channel = static_cast<int64_t>(i) / P % c.F;
    int64_t q =
        std::clamp<int64_t>(mlir::compress::multiplyByQuantizedMultiplier(
                                acc[i], encoded[perChannel ? channel : 0]) +
                                zp,
                            lo, hi);
    wantBytes[i] = static_cast<uint8_t>(q);
    wantFloats[i] = static_cast<float>(static_cast<int32_t>(q - dzp)) * scale;
  }
  void *out = dequantize ? static_cast<void *>(gotFloats.data())
                         : static_cast<void *>(gotBytes.data());
  compress_cpu_conv2d_nchw_u8s8_requantize(
      isa, c.N, c.C, c.H, c.W, c.F, c.KH, c.KW, OH, OW, c.sh, c.sw, c.dh, c.dw,
      c.groups, in.data(), wp.data(), withBias ? bias.data() : nullptr,
      params.data(), Pn, hasLeft, zp, lo, hi, dequantize, dzp, scaleBits, out,
      threads);
  const std::string what =
      "C=" + std::to_string(c.C) + " F=" + std::to_string(c.F) +
      " k=" + std::to_string(c.KH) + " g=" + std::to_string(c.groups) +
      " threads=" + std::to_string(threads) +
      (perChannel ? " per-channel" : " per-tensor") +
      (withBias ? " bias" : " no-bias") + (dequantize ? " f32" : " bytes");
  if (dequantize)
    ASSERT_EQ(gotFloats, wantFloats) << what;
  else
    ASSERT_EQ(gotBytes, wantBytes) << what;
}

TEST_P(IGemmPaths, ConvolutionRequantize) {
  const ConvCase cases[] = {
      // N  C   H   W   F  KH KW sh sw dh dw groups
      {2, 8, 12, 13, 20, 3, 3, 1, 1, 1, 1, 1},  // 3x3, two images
      {5, 4, 9, 9, 8, 3, 3, 1, 1, 1, 1, 2},     // images x groups on threads
      {1, 16, 15, 15, 24, 3, 3, 2, 2, 1, 1, 1}, // stride 2
      {1, 8, 10, 11, 12, 3, 3, 1, 1, 1, 1, 2},  // groups 2
      {1, 40, 9, 9, 33, 1, 1, 1, 1, 1, 1, 1},   // 1x1
      {1, 64, 30, 30, 64, 3, 3, 1, 1, 1, 1, 1}, // big enough for 2 threads
  };
  uint32_t seed = 5;
  for (int64_t threads : {1, 2})
    for (const ConvCase &c : cases)
      for (bool perChannel : {true, false})
        for (bool withBias : {true, false})
          for (bool dequantize : {false, true})
            checkConvRequantize(GetParam(), c, perChannel, withBias, dequantize,
                                threads, seed++);
}

std::string isaName(const ::testing::TestParamInfo<int64_t> &info) {
  switch (info.param) {
  case COMPRESS_CPU_ISA_PORTABLE:
    return "Portable";
  case COMPRESS_CPU_ISA_AVX2:
    return "Avx2";
  case COMPRESS_CPU_ISA_AVX512_VNNI:
    return "Vnni";
  default:
    return "Amx";
  }
}

INSTANTIATE_TEST_SUITE_P(Int8, IGemmPaths, ::testing::ValuesIn(kIsas), isaName);

} // namespace
