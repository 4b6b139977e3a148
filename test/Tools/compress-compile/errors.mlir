// Bad input gets a clear error and a non-zero exit, and the output file is
// left as it was.
// RUN: rm -rf %t && mkdir -p %t && echo previous > %t/lib.so
// RUN: not compress-compile %s -o %t/lib.so 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// RUN: not compress-compile %s -e calls_outside -o %t/lib.so 2>&1 | FileCheck %s --check-prefix=OUTSIDE
// RUN: not compress-compile %s -e bad-name -o %t/lib.so 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: not compress-compile %s -e missing -o %t/lib.so 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not compress-compile %s -e ok -e ok -o %t/lib.so 2>&1 | FileCheck %s --check-prefix=TWICE
// RUN: not compress-compile %s -e ok --emit=exe -o %t/lib.so 2>&1 | FileCheck %s --check-prefix=EMIT
// RUN: not compress-compile %s -e ok --cc=/nonexistent/cc -o %t/lib.so 2>&1 | FileCheck %s --check-prefix=CC
// RUN: not compress-compile %s -e ok --runtime-library=%t/none.a -o %t/lib.so 2>&1 | FileCheck %s --check-prefix=RUNTIME
// RUN: not compress-compile %s -e ok --lower-options=bogus=1 -o %t/lib.so 2>&1 | FileCheck %s --check-prefix=OPTIONS
// RUN: not compress-compile %s -e ok --threads=-2 -o %t/lib.so 2>&1 | FileCheck %s --check-prefix=THREADS
// RUN: not compress-compile %s -e ok -O 7 -o %t/lib.so 2>&1 | FileCheck %s --check-prefix=OPT
// RUN: FileCheck %s --check-prefix=KEPT < %t/lib.so
// RUN: compress-compile %s -e ok -o %t/lib.so && ls %t | FileCheck %s --check-prefix=NOTEMP

// DYNAMIC: error: compress-compile: argument 0 has the dynamic shape 'tensor<?x4xf32>'; compiled functions need static shapes
// OUTSIDE: error: compress-compile: @calls_outside calls @printMemrefF32, which the module does not define
// NAME: error: compress-compile: @bad-name is not a C identifier
// MISSING: error: compress-compile: no function @missing with a body
// TWICE: error: compress-compile: @ok is named twice
// EMIT: compress-compile: error: --emit must be 'shared' or 'obj', got 'exe'
// CC: compress-compile: error: cannot find the C compiler '/nonexistent/cc'
// RUNTIME: compress-compile: error: cannot find the CPU kernel library libCompressCpuRuntimeStatic.a at
// OPTIONS: error: compress-compile: invalid compress-lower-to-cpu options
// THREADS: compress-compile: error: --threads must be 0 (all cores) or a positive number
// OPT: error: compress-compile: the optimization level must be 0-3, got 7
// KEPT: previous
// NOTEMP-NOT: .tmp
// NOTEMP: lib.h
// NOTEMP-NEXT: lib.so
// NOTEMP-NOT: .tmp

func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}

func.func @ok(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}

func.func @"bad-name"(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}

func.func private @printMemrefF32(memref<*xf32>)
func.func @calls_outside() {
  %m = memref.alloc() : memref<2xf32>
  %u = memref.cast %m : memref<2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  memref.dealloc %m : memref<2xf32>
  return
}
