//===- sgemm_bench.cpp - timing of the fp32 CPU kernels -----------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Best-of-N wall time of compress_cpu_sgemm_packed and
// compress_cpu_conv2d_nchw_f32 on the shapes that matter (BERT-base
// projections, ResNet-18 layers), in GFLOP/s. With -DCOMPRESS_BENCH_DNNL and
// -ldnnl, oneDNN's dnnl_sgemm runs on the same GEMMs as a reference, in the
// same process, since the machines are too noisy to compare across runs.
//
// Build (from the repository root), optionally with -DCOMPRESS_BENCH_DNNL
// -ldnnl: g++ -O2 -fopenmp -Iruntime/cpu benchmarks/cpu/sgemm_bench.cpp
// <build>/lib/libCompressCpuRuntimeStatic.a
// Run: sgemm_bench [threads] [isa] [gemm|conv|dw|all]
//
//===----------------------------------------------------------------------===//

#include "CpuKernels.h"

#ifdef COMPRESS_BENCH_DNNL
#include <dnnl.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

namespace {

std::vector<float> randomVector(size_t n) {
  std::mt19937 gen(42);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

/// Best time in seconds over repetitions lasting at least ~0.3 s in total.
double bestTime(const std::function<void()> &fn) {
  fn();
  double best = 1e30, total = 0;
  for (int rep = 0; rep < 200 && (rep < 5 || total < 0.3); ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    double t =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    best = std::min(best, t);
    total += t;
  }
  return best;
}

void benchGemm(int64_t isa, int64_t threads) {
  const int64_t shapes[][3] = {{128, 768, 768},  {128, 768, 3072},
                               {128, 3072, 768}, {1024, 1024, 1024},
                               {1, 768, 3072},   {1, 3072, 768}};
  for (auto &s : shapes) {
    int64_t M = s[0], K = s[1], N = s[2];
    std::vector<float> A = randomVector(M * K), B = randomVector(K * N);
    std::vector<float> Bp((N + 15) / 16 * 16 * K), C(M * N);
    compress_cpu_pack_b16_f32(K, N, B.data(), N, 1, Bp.data());
    double flops = 2.0 * M * N * K;
    double t = bestTime([&] {
      compress_cpu_sgemm_packed(isa, M, N, K, A.data(), K, Bp.data(), C.data(),
                                N, threads);
    });
    std::printf("gemm M=%5lld K=%5lld N=%5lld  compress %7.1f GFLOP/s",
                (long long)M, (long long)K, (long long)N, flops / t * 1e-9);
#ifdef COMPRESS_BENCH_DNNL
    double td = bestTime([&] {
      dnnl_sgemm('N', 'N', M, N, K, 1.0f, A.data(), K, B.data(), N, 1.0f,
                 C.data(), N);
    });
    std::printf("  oneDNN %7.1f GFLOP/s  ratio %.2f", flops / td * 1e-9,
                td / t);
#endif
    std::printf("\n");
  }
}

struct ConvShape {
  const char *name;
  int64_t C, H, W, F, KH, KW, s, groups;
};

void benchConv(int64_t isa, int64_t threads, bool depthwise) {
  // Input sizes include the padding the compiled IR adds.
  const ConvShape resnet[] = {
      {"r18 conv1 7x7s2", 3, 230, 230, 64, 7, 7, 2, 1},
      {"r18 l1 3x3 64", 64, 58, 58, 64, 3, 3, 1, 1},
      {"r18 l2 3x3s2 128", 64, 58, 58, 128, 3, 3, 2, 1},
      {"r18 l2 3x3 128", 128, 30, 30, 128, 3, 3, 1, 1},
      {"r18 l3 3x3 256", 256, 16, 16, 256, 3, 3, 1, 1},
      {"r18 l4 3x3 512", 512, 9, 9, 512, 3, 3, 1, 1},
      {"r18 l2 1x1s2 128", 64, 56, 56, 128, 1, 1, 2, 1},
      {"mbv2 1x1 32->16 112", 32, 112, 112, 16, 1, 1, 1, 1},
      {"mbv2 1x1 144->24 56", 144, 56, 56, 24, 1, 1, 1, 1},
      {"mbv2 1x1 96->576 14", 96, 14, 14, 576, 1, 1, 1, 1},
  };
  const ConvShape dw[] = {
      {"mbv2 dw 3x3 32 112", 32, 114, 114, 32, 3, 3, 1, 32},
      {"mbv2 dw 3x3s2 96 112", 96, 113, 113, 96, 3, 3, 2, 96},
      {"mbv2 dw 3x3 144 56", 144, 58, 58, 144, 3, 3, 1, 144},
      {"mbv2 dw 3x3 960 7", 960, 9, 9, 960, 3, 3, 1, 960},
  };
  auto run = [&](const ConvShape &c) {
    int64_t OH = (c.H - c.KH) / c.s + 1, OW = (c.W - c.KW) / c.s + 1;
    int64_t Cg = c.C / c.groups;
    std::vector<float> in = randomVector(c.C * c.H * c.W);
    std::vector<float> w = randomVector(c.F * Cg * c.KH * c.KW);
    std::vector<float> out(c.F * OH * OW);
    std::vector<float> wp(compress_cpu_packed_conv_filter_size_f32(
        c.F, Cg, c.KH, c.KW, c.groups));
    compress_cpu_pack_conv_filter_f32(c.F, Cg, c.KH, c.KW, c.groups, w.data(),
                                      wp.data());
    double flops = 2.0 * c.F * OH * OW * Cg * c.KH * c.KW;
    double t = bestTime([&] {
      if (depthwise)
        compress_cpu_depthwise_conv2d_nchw_f32(
            isa, 1, c.C, c.H, c.W, c.KH, c.KW, OH, OW, c.s, c.s, 1, 1,
            in.data(), w.data(), out.data(), threads);
      else
        compress_cpu_conv2d_nchw_f32(isa, 1, c.C, c.H, c.W, c.F, c.KH, c.KW, OH,
                                     OW, c.s, c.s, 1, 1, c.groups, in.data(),
                                     wp.data(), out.data(), threads);
    });
    std::printf("conv %-22s %8.3f ms %7.1f GFLOP/s\n", c.name, t * 1e3,
                flops / t * 1e-9);
  };
  if (depthwise)
    for (const ConvShape &c : dw)
      run(c);
  else
    for (const ConvShape &c : resnet)
      run(c);
}

} // namespace

int main(int argc, char **argv) {
  int64_t threads = argc > 1 ? std::atoll(argv[1]) : 1;
  int64_t isa =
      argc > 2 ? std::atoll(argv[2]) : int64_t(COMPRESS_CPU_ISA_AVX512);
  const char *what = argc > 3 ? argv[3] : "all";
  bool all = !std::strcmp(what, "all");
  std::printf("threads=%lld isa=%lld (effective %lld)\n", (long long)threads,
              (long long)isa, (long long)compress_cpu_effective_isa(isa));
  if (all || !std::strcmp(what, "gemm"))
    benchGemm(isa, threads);
  if (all || !std::strcmp(what, "conv"))
    benchConv(isa, threads, false);
  if (all || !std::strcmp(what, "dw"))
    benchConv(isa, threads, true);
  return 0;
}
