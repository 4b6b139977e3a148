// RUN: not compress-opt %s --compress-prune-magnitude=sparsity=1.5 2>&1 | FileCheck %s --check-prefix=SPARSITY
// RUN: not compress-opt %s --compress-prune-magnitude=scope=model 2>&1 | FileCheck %s --check-prefix=SCOPE
// RUN: not compress-opt %s --compress-prune-nm='n=4 m=2' 2>&1 | FileCheck %s --check-prefix=NM
// RUN: not compress-opt %s --compress-prune-neurons=ratio=1.0 2>&1 | FileCheck %s --check-prefix=RATIO
// RUN: not compress-opt %s --compress-prune-neurons=norm=l3 2>&1 | FileCheck %s --check-prefix=NORM
// RUN: not compress-opt %s --compress-prune-filters=score=random 2>&1 | FileCheck %s --check-prefix=SCORE

// SPARSITY: error: compress-prune-magnitude: option 'sparsity' must be in [0, 1], got 1.5
// SCOPE: error: compress-prune-magnitude: option 'scope' must be 'layer' or 'global', got 'model'
// NM: error: compress-prune-nm: options must satisfy 1 <= n <= m, got n = 4, m = 2
// RATIO: error: compress-prune-neurons: option 'ratio' must be in [0, 1), got 1
// NORM: error: compress-prune-neurons: option 'norm' must be 'l1' or 'l2', got 'l3'
// SCORE: error: compress-prune-filters: option 'score' must be 'incoming' or 'outgoing', got 'random'
func.func @f() {
  return
}
