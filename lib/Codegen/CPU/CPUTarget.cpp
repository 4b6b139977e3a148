//===- CPUTarget.cpp - which kernel path a CPU target runs ----------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "CPUTarget.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/X86TargetParser.h"

using namespace mlir;
using namespace mlir::compress;

namespace {

/// The best kernel path a set of LLVM feature names allows.
KernelIsa isaFromFeatures(const llvm::StringSet<> &features) {
  auto has = [&](StringRef f) { return features.contains(f); };
  bool avx2 = has("avx2") && has("fma");
  bool avx512 = avx2 && has("avx512f") && has("avx512bw") && has("avx512vl") &&
                has("avx512dq");
  if (avx512 && has("avx512vnni") && has("amx-tile") && has("amx-int8"))
    return KernelIsa::Amx;
  if (avx512 && has("avx512vnni"))
    return KernelIsa::Avx512Vnni;
  if (avx512)
    return KernelIsa::Avx512;
  if (avx2)
    return KernelIsa::Avx2;
  return KernelIsa::Portable;
}

} // namespace

StringRef mlir::compress::stringifyKernelIsa(KernelIsa isa) {
  switch (isa) {
  case KernelIsa::Portable:
    return "portable";
  case KernelIsa::Avx2:
    return "avx2";
  case KernelIsa::Avx512:
    return "avx512";
  case KernelIsa::Avx512Vnni:
    return "avx512-vnni";
  case KernelIsa::Amx:
    return "amx";
  }
  return "portable";
}

std::optional<KernelIsa> mlir::compress::symbolizeKernelIsa(StringRef name) {
  for (KernelIsa isa : {KernelIsa::Portable, KernelIsa::Avx2, KernelIsa::Avx512,
                        KernelIsa::Avx512Vnni, KernelIsa::Amx})
    if (stringifyKernelIsa(isa) == name)
      return isa;
  return std::nullopt;
}

std::optional<KernelIsa> mlir::compress::parseCPUTarget(StringRef cpu) {
  if (std::optional<KernelIsa> named = symbolizeKernelIsa(cpu))
    return named;
  llvm::StringSet<> features;
  if (cpu == "host") {
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      if (feature.second)
        features.insert(feature.first());
    return isaFromFeatures(features);
  }
  if (cpu.starts_with("+")) {
    SmallVector<StringRef> list;
    cpu.split(list, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
    for (StringRef f : list) {
      if (!f.consume_front("+"))
        return std::nullopt;
      features.insert(f.trim());
    }
    return isaFromFeatures(features);
  }
  if (llvm::X86::parseArchX86(cpu, /*Only64Bit=*/true) == llvm::X86::CK_None)
    return std::nullopt;
  SmallVector<StringRef> list;
  llvm::X86::getFeaturesForCPU(cpu, list);
  for (StringRef f : list)
    features.insert(f);
  return isaFromFeatures(features);
}
