// compress-run rejects what it cannot run with an error that names the input
// or function, and a non-zero exit.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/batched.py inputs %t
// RUN: %python -c "import numpy as np; np.save('%t/big.npy', np.array([1, 300], dtype=np.int16)); np.save('%t/f3.npy', np.zeros((3, 3), np.float32)); np.save('%t/f0.npy', np.zeros((0, 3), np.float32)); open('%t/bad.npy', 'wb').write(b'not numpy')"
// RUN: not compress-run %s --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=PUBLICS
// RUN: not compress-run %s -e nosuch --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=NOSUCH
// RUN: not compress-run %s -e model --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not compress-run %s -e model --input %t/f3.npy --input %t/n.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not compress-run %s -e model --input %t/f0.npy --input %t/n.npy 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not compress-run %s -e model --input %t/x.npy --input %t/n1.npy 2>&1 | FileCheck %s --check-prefix=BATCHES
// RUN: not compress-run %s -e model --input %t/n.npy --input %t/n.npy 2>&1 | FileCheck %s --check-prefix=DTYPE-F
// RUN: not compress-run %s -e model --input %t/x.npy --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=DTYPE-I
// RUN: not compress-run %s -e narrow --input %t/big.npy 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not compress-run %s -e model --input %t/bad.npy --input %t/n.npy 2>&1 | FileCheck %s --check-prefix=NPY
// RUN: not compress-run %s -e model --input %t/missing.npy --input %t/n.npy 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not compress-run %s -e dynamic --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// RUN: not compress-run %s -e wide --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=F64
// RUN: not compress-run %s -e model --input %t/x.npy --input %t/n.npy -o %t/1.npy -o %t/2.npy -o %t/3.npy -o %t/4.npy 2>&1 | FileCheck %s --check-prefix=OUTPUTS
// RUN: not compress-run %s -e model --progress=sometimes 2>&1 | FileCheck %s --check-prefix=PROGRESS
// RUN: not compress-run %S/Inputs/lowered.mlir --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=LOWERED
// RUN: not compress-run %t/nonexistent.mlir 2>&1 | FileCheck %s --check-prefix=NOFILE

// PUBLICS: error: compress-run: the module has 5 public functions; choose one with -e NAME
// NOSUCH: error: compress-run: no function @nosuch with a body
// COUNT: compress-run: error: @model takes 2 argument(s) but 1 --input file(s) were given
// SHAPE: compress-run: error: input 0 ('{{.*}}f3.npy') has shape (3, 3), which fits neither tensor<2x3xf32> nor a stack of batches of 2
// EMPTY: compress-run: error: input 0 ('{{.*}}f0.npy') has shape (0, 3): no samples to run
// BATCHES: compress-run: error: input 1 ('{{.*}}n1.npy') holds 1 batch, but input 0 ('{{.*}}x.npy') holds 5
// DTYPE-F: compress-run: error: input 0 ('{{.*}}n.npy') has dtype '<i8' but the argument is tensor<2x3xf32>; save it as float32
// DTYPE-I: compress-run: error: input 1 ('{{.*}}x.npy') has dtype '<f4' but the argument is tensor<2xi64>; save it as an integer array
// RANGE: compress-run: error: input 0 ('{{.*}}big.npy'): element 1 (300) does not fit tensor<2xi8>
// NPY: compress-run: error: '{{.*}}bad.npy': not a .npy file (bad magic)
// MISSING: compress-run: error: cannot read '{{.*}}missing.npy'
// DYNAMIC: errors.mlir:[[# @LINE + 16]]:1: error: compress-run: result 0 has the dynamic shape 'tensor<?x3xf32>'; the runner needs static result shapes
// F64: errors.mlir:[[# @LINE + 19]]:1: error: compress-run: argument 0 has type 'tensor<2x3xf64>'
// OUTPUTS: compress-run: error: @model returns 3 result(s) but 4 --output file(s) were given
// PROGRESS: compress-run: error: --progress must be auto, on or off, got 'sometimes'
// LOWERED: error: compress-run: the module is already lowered to LLVM
// NOFILE: compress-run: error: cannot open input file '{{.*}}nonexistent.mlir'

func.func @model(%x: tensor<2x3xf32>, %n: tensor<2xi64>)
    -> (tensor<2x3xf32>, tensor<2xi64>, tensor<2xi64>) {
  return %x, %n, %n : tensor<2x3xf32>, tensor<2xi64>, tensor<2xi64>
}

func.func @narrow(%a: tensor<2xi8>) -> tensor<2xi8> {
  return %a : tensor<2xi8>
}

func.func @dynamic(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  return %x : tensor<?x3xf32>
}

func.func @wide(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
  return %x : tensor<2x3xf64>
}

func.func @other(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  return %x : tensor<2x3xf32>
}
