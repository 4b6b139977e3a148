// RUN: not compress-opt %s --pass-pipeline='builtin.module(compress-quantize-weights{bits=1})' 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not compress-opt %s --pass-pipeline='builtin.module(compress-quantize-weights{granularity=per-row})' 2>&1 | FileCheck %s --check-prefix=GRAN

// BITS: error: compress-quantize-weights: option 'bits' must be in [2, 16], got 1
// GRAN: for the --granularity option: Cannot find option named 'per-row'!
func.func @f() {
  return
}
