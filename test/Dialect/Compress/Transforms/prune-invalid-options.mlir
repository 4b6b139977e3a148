// RUN: not compress-opt %s --compress-prune-magnitude=sparsity=1.5 2>&1 | FileCheck %s --check-prefix=SPARSITY
// RUN: not compress-opt %s --compress-prune-magnitude=scope=model 2>&1 | FileCheck %s --check-prefix=SCOPE
// RUN: not compress-opt %s --compress-prune-nm='n=4 m=2' 2>&1 | FileCheck %s --check-prefix=NM
// RUN: not compress-opt %s --compress-prune-neurons=ratio=1.0 2>&1 | FileCheck %s --check-prefix=RATIO
// RUN: not compress-opt %s --compress-prune-neurons=norm=l3 2>&1 | FileCheck %s --check-prefix=NORM
// RUN: not compress-opt %s --compress-prune-filters=score=random 2>&1 | FileCheck %s --check-prefix=SCORE

// Values outside an option's range are refused by the pass; values that are
// not one of an enum option's spellings by the option parser.
// SPARSITY: error: compress-prune-magnitude: option 'sparsity' must be in [0, 1], got 1.5
// SCOPE: for the --scope option: Cannot find option named 'model'!
// NM: error: compress-prune-nm: options must satisfy 1 <= n <= m, got n = 4, m = 2
// RATIO: error: compress-prune-neurons: option 'ratio' must be in [0, 1), got 1
// NORM: for the --norm option: Cannot find option named 'l3'!
// SCORE: for the --score option: Cannot find option named 'random'!
func.func @f() {
  return
}
