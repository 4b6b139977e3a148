// A gpu.module with two NVVM targets becomes one gpu.binary with two
// objects, and dump-ptx writes one file per target, named by its chip;
// a module with one target keeps its plain name.
// RUN: rm -rf %t
// RUN: compress-opt %s --pass-pipeline="builtin.module(compress-serialize-gpu-modules{dump-ptx=%t})" \
// RUN:   | FileCheck %s
// RUN: ls %t | FileCheck %s --check-prefix=FILES
// RUN: FileCheck %s --check-prefix=SM80 < %t/both_sm_80.ptx
// RUN: FileCheck %s --check-prefix=SM90 < %t/both_sm_90.ptx
// RUN: FileCheck %s --check-prefix=SM90 < %t/one.ptx

// CHECK: gpu.binary @both [#gpu.object<#nvvm.target<chip = "sm_80">, {{.*}}, #gpu.object<#nvvm.target<chip = "sm_90">,
// CHECK: gpu.binary @one [#gpu.object<#nvvm.target<chip = "sm_90">,

// FILES: both_sm_80.ptx
// FILES-NEXT: both_sm_90.ptx
// FILES-NEXT: one.ptx
// FILES-NOT: .ptx

// SM80: .target sm_80
// SM80: .visible .entry twice(
// SM90: .target sm_90
// SM90: .visible .entry

module attributes {gpu.container_module} {
  gpu.module @both [#nvvm.target<chip = "sm_80">, #nvvm.target<chip = "sm_90">] {
    llvm.func @twice() attributes {nvvm.kernel} {
      llvm.return
    }
  }
  gpu.module @one [#nvvm.target<chip = "sm_90">] {
    llvm.func @once() attributes {nvvm.kernel} {
      llvm.return
    }
  }
}
