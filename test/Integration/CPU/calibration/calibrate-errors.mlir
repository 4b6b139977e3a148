// Diagnostics of --compress-calibrate: bad sample directories and files, bad
// options, a module without observers, and an ambiguous entry function. The
// model is Inputs/mlp.mlir (@mlp takes tensor<4x8xf32>), except for the
// entry cases, which use the two functions of this file.
//
// RUN: rm -rf %t && mkdir -p %t/empty %t/shape %t/shape-entry %t/corrupt %t/truncated %t/extra
// RUN: cp %S/samples/*.npy %t/shape/
// RUN: cp %S/samples/*.npy %t/shape-entry/
// RUN: cp %S/samples/*.npy %t/corrupt/
// RUN: cp %S/samples/*.npy %t/truncated/
// RUN: cp %S/samples/*.npy %t/extra/

// A sample whose shape fits neither the argument nor a stack of arguments:
// the error names the file. (Named to sort last: the entry function is chosen
// by the first sample, so a bad first sample gets a vaguer error.)
// RUN: cp %S/Inputs/bad-shape.npy %t/shape/zz-bad-shape.npy
// RUN: not compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate=data=%t/shape 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: compress-calibrate: sample '{{.*}}/zz-bad-shape.npy' has shape (4, 7), which fits neither the argument type 'tensor<4x8xf32>' nor a stack of such arguments nor a stack of batches of 4
//
// With entry= the file is named wherever it sorts.
// RUN: cp %S/Inputs/bad-shape.npy %t/shape-entry/a-bad-shape.npy
// RUN: not compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate="data=%t/shape-entry entry=mlp" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=SHAPE-ENTRY
// SHAPE-ENTRY: error: compress-calibrate: sample '{{.*}}/a-bad-shape.npy' has shape (4, 7)

// A .npy file that is not one, and one cut short in its data.
// RUN: printf 'not an npy file\n' > %t/corrupt/zz-corrupt.npy
// RUN: not compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate=data=%t/corrupt 2>&1 | FileCheck %s --check-prefix=CORRUPT
// CORRUPT: error: compress-calibrate: '{{.*}}/zz-corrupt.npy': not a .npy file (bad magic)
// RUN: head -c 150 %S/samples/s00.npy > %t/truncated/zz-truncated.npy
// RUN: not compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate=data=%t/truncated 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// TRUNCATED: error: compress-calibrate: '{{.*}}/zz-truncated.npy': truncated .npy data: expected 128 bytes, found 22

// Files without the .npy extension are not samples: the ranges are those of
// the samples alone.
// RUN: echo 'not a sample' > %t/extra/notes.txt
// RUN: compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate="data=%t/extra stats=%t/extra.json" -o /dev/null
// RUN: %python %S/check_ranges.py %t/extra.json %S/calibrate-minmax.mlir --prefix MINMAX

// An empty directory, a missing one, and none at all.
// RUN: not compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate=data=%t/empty 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: error: compress-calibrate: no .npy files in '{{.*}}/empty'
// RUN: not compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate=data=%t/missing 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: compress-calibrate: option 'data' must name a directory of .npy files, got '{{.*}}/missing'
// RUN: not compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate 2>&1 | FileCheck %s --check-prefix=NO-DATA
// NO-DATA: error: compress-calibrate: option 'data' (a directory of .npy samples) is required

// Option values out of range.
// RUN: not compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate="data=%S/samples method=kl" 2>&1 | FileCheck %s --check-prefix=METHOD
// METHOD: for the --method option: Cannot find option named 'kl'!
// RUN: not compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate="data=%S/samples method=percentile percentile=0" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=PERCENTILE-0
// PERCENTILE-0: error: compress-calibrate: option 'percentile' must be in (0, 100], got 0.000000e+00
// RUN: not compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate="data=%S/samples method=percentile percentile=100.5" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=PERCENTILE-HIGH
// PERCENTILE-HIGH: error: compress-calibrate: option 'percentile' must be in (0, 100], got 1.005000e+02
// RUN: compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate="data=%S/samples method=percentile percentile=100" -o /dev/null
// RUN: not compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate="data=%S/samples method=moving-average averaging-constant=0" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=AVERAGING
// AVERAGING: error: compress-calibrate: option 'averaging-constant' must be in (0, 1], got 0.000000e+00
// RUN: not compress-opt %S/Inputs/mlp.mlir --compress-insert-observers \
// RUN:   --compress-calibrate="data=%S/samples method=entropy bins=127" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BINS
// BINS: error: compress-calibrate: option 'bins' must be at least 128, got 127

// Without observers there is nothing to do: a warning, the module unchanged,
// success.
// RUN: compress-opt %S/Inputs/mlp.mlir --compress-calibrate=data=%S/samples 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NO-OBSERVERS
// NO-OBSERVERS: warning: compress-calibrate: the module has no compress.observe ops (run compress-insert-observers first); nothing to calibrate
// NO-OBSERVERS-NOT: compress.observe

// This file's two public functions both take the samples: the pass asks
// which one to run, and runs the one entry= names (the other one's observer
// gets no range, with a warning).
// RUN: not compress-opt %s --compress-insert-observers \
// RUN:   --compress-calibrate=data=%S/samples 2>&1 | FileCheck %s --check-prefix=TWO
// TWO: error: compress-calibrate: the module has 2 public functions that take the samples; choose one with entry=NAME
// RUN: compress-opt %s --compress-insert-observers \
// RUN:   --compress-calibrate="data=%S/samples entry=second" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ENTRY
// RUN: not compress-opt %s --compress-insert-observers \
// RUN:   --compress-calibrate="data=%S/samples entry=third" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NO-ENTRY
// NO-ENTRY: error: compress-calibrate: no function @third with a body
//
// ENTRY: warning: observer 0 recorded no finite value (not reached from @second?); no range stored
// ENTRY-LABEL: func.func @first
// ENTRY: compress.observe %arg0 {id = 0 : i64} : tensor<4x8xf32>
// ENTRY-LABEL: func.func @second
// ENTRY: compress.observe %arg0 {id = 1 : i64, max = {{.*}} : f64, min = {{.*}} : f64} : tensor<4x8xf32>

func.func @first(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  return %x : tensor<4x8xf32>
}

func.func @second(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  return %x : tensor<4x8xf32>
}

