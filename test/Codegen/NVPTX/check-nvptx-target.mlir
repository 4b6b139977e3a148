// Accepted options leave the module as it is.
// RUN: compress-opt %s --compress-check-nvptx-target | FileCheck %s
// RUN: compress-opt %s --pass-pipeline="builtin.module(compress-check-nvptx-target{chip=sm_90a ptx-version=80 opt-level=0 block-size=1024})" \
// RUN:   | FileCheck %s
// RUN: compress-opt %s --pass-pipeline="builtin.module(compress-check-nvptx-target{chip=sm_80 ptx-version=70 block-size=1})" \
// RUN:   | FileCheck %s

// Each refused option is one error at the module's location, under the
// pipeline's name (where users give these options), saying what would be
// accepted. AT-MODULE checks the location (the module's line, printed below
// the error) and that there is no other error. (Each configuration has its
// own message, and expected-error annotations apply to every RUN line, so
// these check stderr rather than use -verify-diagnostics.)
// RUN: not compress-opt %s --pass-pipeline="builtin.module(compress-check-nvptx-target{chip=sm_99})" 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=BAD-CHIP,AT-MODULE
// RUN: not compress-opt %s --pass-pipeline="builtin.module(compress-check-nvptx-target{chip=gfx90a})" 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=AMD-CHIP,AT-MODULE
// RUN: not compress-opt %s --pass-pipeline="builtin.module(compress-check-nvptx-target{chip=sm_90 ptx-version=70})" 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=OLD-PTX,AT-MODULE
// RUN: not compress-opt %s --pass-pipeline="builtin.module(compress-check-nvptx-target{chip=sm_90a ptx-version=78})" 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=OLD-PTX-90A,AT-MODULE
// RUN: not compress-opt %s --pass-pipeline="builtin.module(compress-check-nvptx-target{ptx-version=79})" 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=UNKNOWN-PTX,AT-MODULE
// RUN: not compress-opt %s --pass-pipeline="builtin.module(compress-check-nvptx-target{opt-level=4})" 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=BAD-OPT,AT-MODULE
// RUN: not compress-opt %s --pass-pipeline="builtin.module(compress-check-nvptx-target{block-size=0})" 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=ZERO-BLOCK,AT-MODULE
// RUN: not compress-opt %s --pass-pipeline="builtin.module(compress-check-nvptx-target{block-size=2048})" 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=BIG-BLOCK,AT-MODULE

// BAD-CHIP: check-nvptx-target.mlir:{{[0-9]+}}:1: error: compress-lower-to-nvptx: chip: 'sm_99' is not a chip LLVM's NVPTX backend knows
// AMD-CHIP: check-nvptx-target.mlir:{{[0-9]+}}:1: error: compress-lower-to-nvptx: chip: 'gfx90a' is not a chip LLVM's NVPTX backend knows
// OLD-PTX: check-nvptx-target.mlir:{{[0-9]+}}:1: error: compress-lower-to-nvptx: ptx-version 70 does not support sm_90; it needs at least 78
// OLD-PTX-90A: check-nvptx-target.mlir:{{[0-9]+}}:1: error: compress-lower-to-nvptx: ptx-version 78 does not support sm_90a; it needs at least 80
// UNKNOWN-PTX: check-nvptx-target.mlir:{{[0-9]+}}:1: error: compress-lower-to-nvptx: ptx-version 79 is not a PTX ISA version LLVM knows (write 80 for PTX 8.0)
// BAD-OPT: check-nvptx-target.mlir:{{[0-9]+}}:1: error: compress-lower-to-nvptx: opt-level must be 0, 1, 2 or 3, not 4
// ZERO-BLOCK: check-nvptx-target.mlir:{{[0-9]+}}:1: error: compress-lower-to-nvptx: block-size must be in 1..1024, not 0
// BIG-BLOCK: check-nvptx-target.mlir:{{[0-9]+}}:1: error: compress-lower-to-nvptx: block-size must be in 1..1024, not 2048
// AT-MODULE-NEXT: {{^}}module attributes {test.marker = "kept"} {
// AT-MODULE-NEXT: ^
// AT-MODULE-NOT: error

// CHECK: module attributes {test.marker = "kept"} {
// CHECK-LABEL: func.func @unchanged
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: %[[Y:.*]] = arith.addf %[[X]], %[[X]] : tensor<4xf32>
// CHECK-NEXT: return %[[Y]] : tensor<4xf32>
// CHECK-NEXT: }
// CHECK-NEXT: }

module attributes {test.marker = "kept"} {
  func.func @unchanged(%x: tensor<4xf32>) -> tensor<4xf32> {
    %y = arith.addf %x, %x : tensor<4xf32>
    return %y : tensor<4xf32>
  }
}
