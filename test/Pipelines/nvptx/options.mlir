// The options of --compress-lower-to-nvptx, and the errors for values that
// cannot work (reported before LLVM's NVPTX backend would abort on them).
//
// RUN: rm -rf %t && mkdir -p %t
// Defaults: sm_80, the lowest PTX version for it (7.0), opt-level 3, 256
// threads per block, dp4a, PTX text inside gpu.binary.
// RUN: compress-opt %s --compress-lower-to-nvptx="dump-ptx=%t/default" | FileCheck %s --check-prefix=ISA
// RUN: FileCheck %s --check-prefix=DEFAULT < %t/default/matmul_k1_dp4a.ptx
// RUN: compress-opt %s --compress-lower-to-nvptx="chip=sm_90 ptx-version=80 block-size=128 dp4a=false dump-ptx=%t/custom" \
// RUN:   -o /dev/null
// RUN: FileCheck %s --check-prefix=CUSTOM < %t/custom/matmul_k1_reduction.ptx
//
// RUN: not compress-opt %s --compress-lower-to-nvptx=chip=sm_99 2>&1 | FileCheck %s --check-prefix=BAD-CHIP
// RUN: not compress-opt %s --compress-lower-to-nvptx="chip=sm_90 ptx-version=70" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=OLD-PTX
// RUN: not compress-opt %s --compress-lower-to-nvptx=ptx-version=79 2>&1 | FileCheck %s --check-prefix=BAD-PTX
// RUN: not compress-opt %s --compress-lower-to-nvptx=format=elf 2>&1 | FileCheck %s --check-prefix=BAD-FORMAT
// RUN: not compress-opt %s --compress-lower-to-nvptx=block-size=2048 2>&1 | FileCheck %s --check-prefix=BAD-BLOCK
// RUN: not compress-opt %s --compress-lower-to-nvptx=opt-level=4 2>&1 | FileCheck %s --check-prefix=BAD-OPT
// RUN: touch %t/file
// RUN: not compress-opt %s --compress-lower-to-nvptx=dump-ptx=%t/file/ptx 2>&1 | FileCheck %s --check-prefix=BAD-DUMP

// ISA: gpu.binary @matmul_k1_dp4a [#gpu.object<#nvvm.target<O = 3, chip = "sm_80">, properties = {{.*}}, assembly = "{{.*}}.version 7.0\0A.target sm_80
// DEFAULT: .version 7.0
// DEFAULT: .target sm_80
// DEFAULT: .maxntid 256, 1, 1
// DEFAULT: dp4a.s32.s32
// CUSTOM: .version 8.0
// CUSTOM: .target sm_90
// CUSTOM: .maxntid 128, 1, 1
// CUSTOM-NOT: dp4a
// BAD-CHIP: error: compress-lower-to-nvptx: chip: 'sm_99' is not a chip LLVM's NVPTX backend knows
// OLD-PTX: error: compress-lower-to-nvptx: ptx-version 70 does not support sm_90; it needs at least 78
// BAD-PTX: error: compress-lower-to-nvptx: ptx-version 79 is not a PTX ISA version LLVM knows (write 80 for PTX 8.0)
// BAD-FORMAT: for the --format option: Cannot find option named 'elf'!
// BAD-BLOCK: error: compress-lower-to-nvptx: block-size must be in 1..1024, not 2048
// BAD-OPT: error: compress-lower-to-nvptx: opt-level must be 0, 1, 2 or 3, not 4
// BAD-DUMP: error: dump-ptx: cannot create '{{.*}}file/ptx'

func.func @matmul(%a: tensor<8x32xi8>, %b: tensor<32x8xi8>) -> tensor<8x8xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<8x8xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<8x8xi32>) -> tensor<8x8xi32>
  %r = linalg.matmul ins(%a, %b : tensor<8x32xi8>, tensor<32x8xi8>)
         outs(%f : tensor<8x8xi32>) -> tensor<8x8xi32>
  return %r : tensor<8x8xi32>
}
