//===- igemm_bench.cpp - GOP/s of the int8 CPU kernels --------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Standalone: build the kernel library and link it, e.g.
//   igemm_bench [isa=4] [threads=1] [reps=20]
// Prints best-of-reps GOP/s (2 * M * N * K per GEMM) for the int8 GEMM shapes
// of BERT-base-like layers and a few ResNet-18 / MobileNet-v2 convolutions.
//
//===----------------------------------------------------------------------===//

#include "CpuKernels.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

namespace {

template <typename F>
double bestSeconds(int reps, F &&f) {
  f(); // warm up
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
  }
  return best;
}

template <typename T>
std::vector<T> randomData(size_t n, int lo, int hi) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<T> v(n);
  for (T &x : v)
    x = static_cast<T>(d(rng));
  return v;
}

void benchGemm(int64_t isa, int64_t threads, int reps, int64_t M, int64_t K,
               int64_t N) {
  auto A = randomData<uint8_t>(M * K, 0, 255);
  auto B = randomData<int8_t>(K * N, -128, 127);
  std::vector<int8_t> Bp((K + 63) / 64 * 64 * ((N + 15) / 16 * 16));
  compress_cpu_pack_b16x4_8(K, N, B.data(), N, 1, Bp.data());
  std::vector<int32_t> C(M * N);
  double s = bestSeconds(reps, [&] {
    compress_cpu_igemm_u8s8_packed(isa, M, N, K, A.data(), K, Bp.data(),
                                   C.data(), N, threads);
  });
  // The same GEMM with the per-column requantize + dequantize epilogue of a
  // QDQ layer (u8 output dequantized to f32).
  std::vector<int64_t> params(5 * N);
  for (int64_t j = 0; j < N; ++j) {
    params[j] = 1500000000 + j;  // Q31 multiplier
    params[N + j] = 12;          // right shift
    params[2 * N + j] = 1 << 11; // rounding offset
    params[3 * N + j] = -1;      // rounding adjustment
    params[4 * N + j] = 0;       // left shift
  }
  std::vector<float> out(M * N);
  const float scale = 0.05f;
  int32_t scaleBits;
  std::memcpy(&scaleBits, &scale, 4);
  double sq = bestSeconds(reps, [&] {
    compress_cpu_igemm_u8s8_packed_requantize(
        isa, M, N, K, A.data(), K, Bp.data(), C.data(), N, params.data(), N,
        /*hasLeftShift=*/0, /*zeroPoint=*/3, 0, 255, /*dequantize=*/1,
        /*dequantZeroPoint=*/3, scaleBits, out.data(), N, threads);
  });
  // Without C: the accumulators start from a bias row.
  std::vector<int32_t> bias(N, 17);
  double sb = bestSeconds(reps, [&] {
    compress_cpu_igemm_u8s8_packed_bias_requantize(
        isa, M, N, K, A.data(), K, Bp.data(), bias.data(), params.data(), N,
        /*hasLeftShift=*/0, /*zeroPoint=*/3, 0, 255, /*dequantize=*/1,
        /*dequantZeroPoint=*/3, scaleBits, out.data(), N, threads);
  });
  auto rate = [&](double t) { return 2.0 * M * N * K / t * 1e-9; };
  std::printf("gemm  M=%-5lld K=%-5lld N=%-5lld %7.1f GOP/s %8.1f us | "
              "+requantize %7.1f GOP/s %8.1f us | bias, no C %7.1f GOP/s "
              "%8.1f us\n",
              (long long)M, (long long)K, (long long)N, rate(s), s * 1e6,
              rate(sq), sq * 1e6, rate(sb), sb * 1e6);
}

/// The requantizing GEMM without C (a dense layer of an int8 model) with B
/// packed B16x4 (int8 weights) and B16x4/S4 (the same values in 4 bits).
void benchGemmS4(int64_t isa, int64_t threads, int reps, int64_t M, int64_t K,
                 int64_t N) {
  auto A = randomData<uint8_t>(M * K, 0, 255);
  auto B = randomData<int8_t>(K * N, -8, 7);
  const int64_t bytes = (K + 63) / 64 * 64 * ((N + 15) / 16 * 16);
  std::vector<int8_t> Bp(bytes), Bp4(bytes / 2);
  compress_cpu_pack_b16x4_8(K, N, B.data(), N, 1, Bp.data());
  compress_cpu_pack_b16x4_s4(K, N, B.data(), N, 1, Bp4.data());
  std::vector<int64_t> params(5 * N);
  for (int64_t j = 0; j < N; ++j) {
    params[j] = 1500000000 + j;
    params[N + j] = 12;
    params[2 * N + j] = 1 << 11;
    params[3 * N + j] = -1;
    params[4 * N + j] = 0;
  }
  std::vector<uint8_t> out(M * N);
  std::vector<int32_t> bias(N, 17);
  auto run = [&](bool s4) {
    return bestSeconds(reps, [&] {
      (s4 ? compress_cpu_igemm_u8s4_packed_bias_requantize
          : compress_cpu_igemm_u8s8_packed_bias_requantize)(
          isa, M, N, K, A.data(), K, s4 ? Bp4.data() : Bp.data(), bias.data(),
          params.data(), N, 0, 3, 0, 255, 0, 0, 0, out.data(), N, threads);
    });
  };
  double s8 = run(false), s4 = run(true);
  auto rate = [&](double t) { return 2.0 * M * N * K / t * 1e-9; };
  std::printf("gemm  M=%-5lld K=%-5lld N=%-5lld int8 weights %7.1f GOP/s | "
              "4-bit weights %7.1f GOP/s | 4-bit / int8 speed %.2fx\n",
              (long long)M, (long long)K, (long long)N, rate(s8), rate(s4),
              s8 / s4);
}

/// The requantizing GEMM without C with a weight of which the fraction
/// `zeros` is zero (random positions; 2:4 along K when `nm`), B packed
/// B16x4 against the sparse layout (and 2:4 ones against B16x8/2:4).
void benchGemmSparse(int64_t isa, int64_t threads, int reps, int64_t M,
                     int64_t K, int64_t N, double zeros, bool nm) {
  auto A = randomData<uint8_t>(M * K, 0, 255);
  auto B = randomData<int8_t>(K * N, -127, 127);
  std::mt19937 rng(7);
  std::bernoulli_distribution zero(zeros);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n)
      if (nm ? (k + n) % 4 < 2 : zero(rng))
        B[k * N + n] = 0;
  const int64_t bytes = (K + 63) / 64 * 64 * ((N + 15) / 16 * 16);
  std::vector<int8_t> Bp(bytes);
  compress_cpu_pack_b16x4_8(K, N, B.data(), N, 1, Bp.data());
  std::vector<int64_t> Bs(
      compress_cpu_packed_sparse_size_s8(K, N, B.data(), N, 1) / 8 + 1);
  compress_cpu_pack_sparse_s8(K, N, B.data(), N, 1,
                              reinterpret_cast<int8_t *>(Bs.data()));
  std::vector<int64_t> params(5 * N);
  for (int64_t j = 0; j < N; ++j) {
    params[j] = 1500000000 + j;
    params[N + j] = 12;
    params[2 * N + j] = 1 << 11;
    params[3 * N + j] = -1;
    params[4 * N + j] = 0;
  }
  std::vector<uint8_t> out(M * N);
  std::vector<int32_t> bias(N, 17);
  auto run = [&](bool sparse) {
    return bestSeconds(reps, [&] {
      (sparse ? compress_cpu_igemm_u8s8_sparse_bias_requantize
              : compress_cpu_igemm_u8s8_packed_bias_requantize)(
          isa, M, N, K, A.data(), K,
          sparse ? reinterpret_cast<const int8_t *>(Bs.data()) : Bp.data(),
          bias.data(), params.data(), N, 0, 3, 0, 255, 0, 0, 0, out.data(), N,
          threads);
    });
  };
  double dense = run(false), sparse = run(true);
  // 2:4 weights also through the B16x8/2:4 kernels.
  double pairs = 0.0;
  std::vector<int8_t> Bp24(bytes * 5 / 8);
  if (nm &&
      compress_cpu_pack_b16x8_2of4(K, N, B.data(), N, 1, Bp24.data()) == 0)
    pairs = bestSeconds(reps, [&] {
      compress_cpu_igemm_u8s8_2of4_bias_requantize(
          isa, M, N, K, A.data(), K, Bp24.data(), bias.data(), params.data(), N,
          0, 3, 0, 255, 0, 0, 0, out.data(), N, threads);
    });
  std::printf(
      "gemm  M=%-5lld K=%-5lld N=%-5lld %s %2.0f%% zeros: dense %8.1f us | "
      "sparse %8.1f us (%.2fx the bytes) | sparse / dense speed %.2fx\n",
      (long long)M, (long long)K, (long long)N, nm ? "2:4" : "   ",
      100.0 * (nm ? 0.5 : zeros), dense * 1e6, sparse * 1e6,
      double(Bs.size() * 8) / bytes, dense / sparse);
  if (pairs > 0.0)
    std::printf("gemm  M=%-5lld K=%-5lld N=%-5lld 2:4 kernel  dense %8.1f us "
                "| 2:4    %8.1f us (0.62x the bytes) | 2:4 / dense speed "
                "%.2fx\n",
                (long long)M, (long long)K, (long long)N, dense * 1e6,
                pairs * 1e6, dense / pairs);
}

void benchConv(int64_t isa, int64_t threads, int reps, const char *name,
               int64_t C, int64_t H, int64_t F, int64_t k, int64_t stride,
               int64_t groups) {
  const int64_t Hp = H + (k - 1); // padded input, "same" output size / stride
  const int64_t OH = (Hp - k) / stride + 1;
  auto in = randomData<uint8_t>(C * Hp * Hp, 0, 255);
  const int64_t Cg = C / groups;
  auto w = randomData<int8_t>(F * Cg * k * k, -128, 127);
  std::vector<int32_t> out(F * OH * OH);
  double s;
  if (groups == C && F == C) {
    s = bestSeconds(reps, [&] {
      compress_cpu_depthwise_conv2d_nchw_u8s8(isa, 1, C, Hp, Hp, k, k, OH, OH,
                                              stride, stride, 1, 1, in.data(),
                                              w.data(), out.data(), threads);
    });
  } else {
    std::vector<int8_t> wp(
        compress_cpu_packed_conv_filter_size_s8(F, Cg, k, k, groups));
    compress_cpu_pack_conv_filter_s8(F, Cg, k, k, groups, w.data(), wp.data());
    s = bestSeconds(reps, [&] {
      compress_cpu_conv2d_nchw_u8s8(isa, 1, C, Hp, Hp, F, k, k, OH, OH, stride,
                                    stride, 1, 1, groups, in.data(), wp.data(),
                                    out.data(), threads);
    });
  }
  double ops = 2.0 * F * OH * OH * Cg * k * k;
  std::printf("conv  %-22s %8.1f GOP/s  %8.1f us\n", name, ops / s * 1e-9,
              s * 1e6);
}

} // namespace

int main(int argc, char **argv) {
  int64_t isa = argc > 1 ? std::atoll(argv[1]) : COMPRESS_CPU_ISA_AMX;
  int64_t threads = argc > 2 ? std::atoll(argv[2]) : 1;
  int reps = argc > 3 ? std::atoi(argv[3]) : 20;
  std::printf("isa %lld -> %lld, threads %lld\n", (long long)isa,
              (long long)compress_cpu_effective_isa(isa), (long long)threads);
  benchGemm(isa, threads, reps, 128, 768, 768);
  benchGemm(isa, threads, reps, 128, 768, 3072);
  benchGemm(isa, threads, reps, 128, 3072, 768);
  benchGemm(isa, threads, reps, 1024, 1024, 1024);
  benchGemm(isa, threads, reps, 1, 768, 3072);
  // 4-bit weights against int8 ones: a 2048-wide MLP layer at batch 8 (its
  // weights do not fit in L2: memory bound), BERT shapes.
  benchGemmS4(isa, threads, reps, 8, 2048, 2048);
  benchGemmS4(isa, threads, reps, 1, 768, 3072);
  benchGemmS4(isa, threads, reps, 128, 768, 3072);
  // Sparse weights against dense ones (the same values).
  for (double zeros : {0.5, 0.7, 0.8, 0.9, 0.95})
    benchGemmSparse(isa, threads, reps, 8, 2048, 2048, zeros, false);
  benchGemmSparse(isa, threads, reps, 8, 2048, 2048, 0.0, true);
  benchGemmSparse(isa, threads, reps, 1, 2048, 2048, 0.0, true);
  benchGemmSparse(isa, threads, reps, 128, 768, 3072, 0.0, true);
  benchGemmSparse(isa, threads, reps, 1, 2048, 2048, 0.9, false);
  benchGemmSparse(isa, threads, reps, 128, 768, 3072, 0.9, false);
  // ResNet-18 (batch 1, 224x224).
  benchConv(isa, threads, reps, "r18 conv1 7x7/2 3->64", 3, 224, 64, 7, 2, 1);
  benchConv(isa, threads, reps, "r18 3x3 64->64 @56", 64, 56, 64, 3, 1, 1);
  benchConv(isa, threads, reps, "r18 3x3/2 64->128", 64, 56, 128, 3, 2, 1);
  benchConv(isa, threads, reps, "r18 3x3 128 @28", 128, 28, 128, 3, 1, 1);
  benchConv(isa, threads, reps, "r18 3x3 256 @14", 256, 14, 256, 3, 1, 1);
  benchConv(isa, threads, reps, "r18 3x3 512 @7", 512, 7, 512, 3, 1, 1);
  // MobileNet-v2.
  benchConv(isa, threads, reps, "mv2 1x1 16->96 @112", 16, 112, 96, 1, 1, 1);
  benchConv(isa, threads, reps, "mv2 1x1 144->24 @56", 144, 56, 24, 1, 1, 1);
  benchConv(isa, threads, reps, "mv2 1x1 192->64 @14", 192, 14, 64, 1, 1, 1);
  benchConv(isa, threads, reps, "mv2 1x1 960->320 @7", 960, 7, 320, 1, 1, 1);
  benchConv(isa, threads, reps, "mv2 dw3x3 96 @112/2", 96, 112, 96, 3, 2, 96);
  benchConv(isa, threads, reps, "mv2 dw3x3 144 @56", 144, 56, 144, 3, 1, 144);
  benchConv(isa, threads, reps, "mv2 dw3x3 384 @14", 384, 14, 384, 3, 1, 384);
  return 0;
}
