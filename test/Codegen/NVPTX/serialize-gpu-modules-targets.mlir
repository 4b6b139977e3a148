// A gpu.module with two NVVM targets becomes one gpu.binary with two
// objects, and dump-ptx writes one file per target, named by its chip, with
// the launch sizes beside each; a module with one target keeps its plain
// name.
// RUN: rm -rf %t
// RUN: compress-opt %s --pass-pipeline="builtin.module(compress-serialize-gpu-modules{dump-ptx=%t})" \
// RUN:   | FileCheck %s
// RUN: ls %t | FileCheck %s --check-prefix=FILES
// RUN: FileCheck %s --check-prefix=SM80 < %t/both_sm_80.ptx
// RUN: FileCheck %s --check-prefix=SM90 < %t/both_sm_90.ptx
// RUN: FileCheck %s --check-prefix=SM90 < %t/one.ptx

// CHECK: gpu.binary @both [#gpu.object<#nvvm.target<chip = "sm_80">, {{.*}}, #gpu.object<#nvvm.target<chip = "sm_90">,
// CHECK: gpu.binary @one [#gpu.object<#nvvm.target<chip = "sm_90">,

// FILES: both_sm_80.launch
// FILES-NEXT: both_sm_80.ptx
// FILES-NEXT: both_sm_90.launch
// FILES-NEXT: both_sm_90.ptx
// FILES-NEXT: one.launch
// FILES-NEXT: one.ptx
// FILES-NOT: .ptx

// SM80: .target sm_80
// SM80: .visible .entry twice(
// SM90: .target sm_90
// SM90: .visible .entry

// RUN: FileCheck %s --check-prefix=LAUNCH < %t/both_sm_90.launch
// LAUNCH: grid 2 1 1
// LAUNCH-NEXT: block 32 1 1
// LAUNCH-NEXT: shared 0

module attributes {gpu.container_module} {
  func.func @host() {
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c32 = arith.constant 32 : index
    gpu.launch_func @both::@twice blocks in (%c2, %c1, %c1) threads in (%c32, %c1, %c1)
    gpu.launch_func @one::@once blocks in (%c1, %c1, %c1) threads in (%c32, %c1, %c1)
    return
  }
  gpu.module @both [#nvvm.target<chip = "sm_80">, #nvvm.target<chip = "sm_90">] {
    llvm.func @twice() attributes {gpu.kernel, nvvm.kernel} {
      llvm.return
    }
  }
  gpu.module @one [#nvvm.target<chip = "sm_90">] {
    llvm.func @once() attributes {gpu.kernel, nvvm.kernel} {
      llvm.return
    }
  }
}
