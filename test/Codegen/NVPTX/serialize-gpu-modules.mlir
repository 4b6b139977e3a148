// Each gpu.module becomes a gpu.binary holding one object for its NVVM
// target: PTX (format=isa, LLVM's NVPTX backend in process), a cubin
// (format=bin) or a fatbin (format=fatbin); the last two need ptxas.
// RUN: rm -rf %t && mkdir -p %t
// RUN: compress-opt %s --compress-serialize-gpu-modules | FileCheck %s --check-prefix=ISA

// dump-ptx=DIR writes each module's PTX to DIR/<module>.ptx, creating DIR.
// RUN: compress-opt %s --pass-pipeline="builtin.module(compress-serialize-gpu-modules{dump-ptx=%t/isa/ptx})" \
// RUN:   | FileCheck %s --check-prefix=ISA
// RUN: FileCheck %s --check-prefix=PTX-FIRST < %t/isa/ptx/first.ptx
// RUN: FileCheck %s --check-prefix=PTX-SECOND < %t/isa/ptx/second.ptx

// RUN: %if ptxas %{ compress-opt %s --pass-pipeline="builtin.module(compress-serialize-gpu-modules{format=bin toolkit=%cuda_root dump-ptx=%t/bin})" \
// RUN:   | FileCheck %s --check-prefix=BIN %}
// Whatever the format, the dump is PTX.
// RUN: %if ptxas %{ FileCheck %s --check-prefix=PTX-FIRST < %t/bin/first.ptx %}
// RUN: %if ptxas %{ compress-opt %s --pass-pipeline="builtin.module(compress-serialize-gpu-modules{format=fatbin toolkit=%cuda_root})" \
// RUN:   | FileCheck %s --check-prefix=FATBIN %}

// A format that is not isa, bin or fatbin is refused by the option parser;
// a dump-ptx directory that cannot be made is one error at the module's
// location.
// RUN: not compress-opt %s --pass-pipeline="builtin.module(compress-serialize-gpu-modules{format=elf})" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD-FORMAT
// RUN: touch %t/file
// RUN: not compress-opt %s --pass-pipeline="builtin.module(compress-serialize-gpu-modules{dump-ptx=%t/file/ptx})" 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=BAD-DUMP,AT-MODULE

// ISA: module attributes {gpu.container_module} {
// ISA-NOT: gpu.module
// ISA: gpu.binary @first [#gpu.object<#nvvm.target<chip = "sm_80">, properties = {{.*}}, assembly = "{{.*}}.target sm_80{{.*}}.visible .entry scale({{.*}}ld.global{{.*}}mul.rn.f32{{.*}}st.global
// ISA-NEXT: gpu.binary @second [#gpu.object<#nvvm.target<chip = "sm_90">, properties = {{.*}}, assembly = "{{.*}}.target sm_90{{.*}}.visible .entry nothing()
// ISA-NOT: gpu.module

// PTX-FIRST: .target sm_80
// PTX-FIRST: .visible .entry scale(
// PTX-FIRST: mov.u32 {{.*}}%tid.x
// PTX-FIRST: ld.global
// PTX-FIRST: mul.rn.f32
// PTX-FIRST: st.global
// PTX-FIRST-NOT: .entry

// PTX-SECOND: .target sm_90
// PTX-SECOND: .visible .entry nothing()
// PTX-SECOND-NOT: .entry

// BIN: gpu.binary @first [#gpu.object<#nvvm.target<chip = "sm_80">, bin = "\7FELF
// BIN-NEXT: gpu.binary @second [#gpu.object<#nvvm.target<chip = "sm_90">, bin = "\7FELF

// FATBIN: gpu.binary @first [#gpu.object<#nvvm.target<chip = "sm_80">, "P\EDU\BA
// FATBIN-NEXT: gpu.binary @second [#gpu.object<#nvvm.target<chip = "sm_90">, "P\EDU\BA

// BAD-FORMAT: for the --format option: Cannot find option named 'elf'!
// BAD-DUMP: serialize-gpu-modules.mlir:{{[0-9]+}}:1: error: dump-ptx: cannot create '{{.*}}file/ptx': Not a directory
// AT-MODULE-NEXT: {{^}}module attributes {gpu.container_module} {
// AT-MODULE-NEXT: ^
// AT-MODULE-NOT: error

module attributes {gpu.container_module} {
  gpu.module @first [#nvvm.target<chip = "sm_80">] {
    llvm.func @scale(%p: !llvm.ptr<1>, %f: f32) attributes {nvvm.kernel} {
      %i = nvvm.read.ptx.sreg.tid.x : i32
      %a = llvm.getelementptr %p[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f32
      %v = llvm.load %a : !llvm.ptr<1> -> f32
      %r = llvm.fmul %v, %f : f32
      llvm.store %r, %a : f32, !llvm.ptr<1>
      llvm.return
    }
  }
  gpu.module @second [#nvvm.target<chip = "sm_90">] {
    llvm.func @nothing() attributes {nvvm.kernel} {
      llvm.return
    }
  }
}
