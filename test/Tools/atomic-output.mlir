// Outputs never lose the user's file (tools/common/AtomicOutput.h): the
// output is written to a temporary file next to it and renamed over it on
// success only.
//
// `-o` onto the input, with an input large enough to be memory-mapped
// (upstream mlir-opt truncates it under the mapping and dies with SIGBUS):
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import sys; print('func.func @big() -> tensor<40000xf32> {\n  %%c = arith.constant dense<[' + ', '.join('%%d.5' %% i for i in range(40000)) + ']> : tensor<40000xf32>\n  return %%c : tensor<40000xf32>\n}')" > %t/model.mlir
// RUN: compress-opt %t/model.mlir --canonicalize -o %t/model.mlir
// RUN: compress-opt %t/model.mlir | FileCheck %s --check-prefix=SAME
// SAME: func.func @big() -> tensor<40000xf32>
// SAME: arith.constant dense<"0x0000003F0000C03F00002040
//
// A failing run keeps the previous output as it was, and leaves no
// temporary file behind.
// RUN: echo previous > %t/out.mlir
// RUN: not compress-opt %s --compress-cpu-fuse-kernel-epilogues=block-bytes=0 -o %t/out.mlir 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ERROR
// ERROR: option 'block-bytes' must be positive
// RUN: FileCheck %s --check-prefix=PREVIOUS < %t/out.mlir
// PREVIOUS: {{^}}previous{{$}}
// RUN: ls -a %t | FileCheck %s --check-prefix=CLEAN
// CLEAN-NOT: tmp
//
// A successful run replaces it; `-o=FILE` is the same option.
// RUN: compress-opt %s -o=%t/out.mlir
// RUN: FileCheck %s --check-prefix=REPLACED < %t/out.mlir
// REPLACED: func.func @f
// RUN: ls -a %t | FileCheck %s --check-prefix=CLEAN
//
// compress-translate: a failed import keeps the previous output.
// RUN: printf 'not an onnx model' > %t/bad.onnx
// RUN: echo previous > %t/imported.mlir
// RUN: %if onnx-import %{ not compress-translate --import-onnx %t/bad.onnx -o %t/imported.mlir 2>/dev/null %}
// RUN: FileCheck %s --check-prefix=PREVIOUS < %t/imported.mlir
//
// compress-run: a run that fails (an input of the wrong shape) keeps the
// previous result file.
// RUN: %python -c "import numpy; numpy.save('%t/x.npy', numpy.zeros((3, 3), numpy.float32))"
// RUN: echo previous > %t/y.npy
// RUN: not compress-run %s --input %t/x.npy --output %t/y.npy 2>/dev/null
// RUN: FileCheck %s --check-prefix=PREVIOUS < %t/y.npy
// RUN: ls -a %t | FileCheck %s --check-prefix=CLEAN

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
