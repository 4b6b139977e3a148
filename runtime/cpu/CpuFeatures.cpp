//===- CpuFeatures.cpp - host CPU detection and path selection ------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The compiler picks a kernel path for the target CPU; the code may still run
// on another machine. Each call therefore clamps its path to what this CPU
// and OS support, so an older CPU gets a slower path, never SIGILL.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include <omp.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace compress::cpu {
namespace {

#if defined(__x86_64__)
bool osSavesAvxState(unsigned xcr0Mask) {
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (lo & xcr0Mask) == xcr0Mask;
}

/// Linux hands out AMX tile state only on request (arch_prctl), once per
/// process; without it the first tile instruction faults.
bool requestAmxPermission() {
  constexpr long kArchReqXcompPerm = 0x1023;
  constexpr long kXfeatureXtiledata = 18;
  return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
}

HostFeatures detect() {
  HostFeatures f;
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d))
    return f;
  bool osxsave = c & (1u << 27), fma = c & (1u << 12);
  if (!osxsave)
    return f;
  bool ymm = osSavesAvxState(0x6);
  bool zmm = osSavesAvxState(0xe6);
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
    return f;
  bool avx2 = b & (1u << 5);
  bool avx512f = b & (1u << 16), avx512dq = b & (1u << 17),
       avx512bw = b & (1u << 30), avx512vl = b & (1u << 31);
  bool vnni = c & (1u << 11), vbmi = c & (1u << 1);
  bool amxTile = d & (1u << 24), amxInt8 = d & (1u << 25);
  f.avx2fma = ymm && avx2 && fma;
  f.avx512 = zmm && f.avx2fma && avx512f && avx512dq && avx512bw && avx512vl;
  f.avx512vnni = f.avx512 && vnni;
  f.avx512vbmi = f.avx512 && vbmi;
  // XCR0 bits 17/18: the OS manages tile configuration and tile data.
  f.amx = f.avx512vnni && amxTile && amxInt8 && osSavesAvxState(0x60000u) &&
          requestAmxPermission();
  return f;
}
#else
HostFeatures detect() { return {}; }
#endif

} // namespace

const HostFeatures &hostFeatures() {
  static const HostFeatures features = detect();
  return features;
}

int64_t effectiveIsa(int64_t requested) {
  const HostFeatures &f = hostFeatures();
  if (requested >= COMPRESS_CPU_ISA_AMX && f.amx)
    return COMPRESS_CPU_ISA_AMX;
  if (requested >= COMPRESS_CPU_ISA_AVX512_VNNI && f.avx512vnni)
    return COMPRESS_CPU_ISA_AVX512_VNNI;
  if (requested >= COMPRESS_CPU_ISA_AVX512 && f.avx512)
    return COMPRESS_CPU_ISA_AVX512;
  if (requested >= COMPRESS_CPU_ISA_AVX2 && f.avx2fma)
    return COMPRESS_CPU_ISA_AVX2;
  return COMPRESS_CPU_ISA_PORTABLE;
}

int resolveThreads(int64_t threads) {
  if (threads <= 0)
    return omp_get_max_threads();
  return static_cast<int>(threads);
}

} // namespace compress::cpu

extern "C" int64_t compress_cpu_host_isa(void) {
  return compress::cpu::effectiveIsa(COMPRESS_CPU_ISA_AMX);
}

extern "C" int64_t compress_cpu_effective_isa(int64_t isa) {
  return compress::cpu::effectiveIsa(isa);
}
