// ONNX external data (how models over protobuf's 2 GB keep their weights):
// initializers whose bytes live in files next to the model, at an offset
// and a length. The model, y = x @ W + b with W read from weights.bin at
// offset 16 and b from bias.bin (whole file), is imported and run; its
// output matches NumPy's (within 1e-6: summation order). Bad external
// data gets a clear error.
//
// REQUIRES: onnx-import, onnx-python, numpy
// RUN: rm -rf %t && mkdir -p %t/model
// RUN: %python %s.py %t/model
// RUN: compress-translate --import-onnx %t/model/model.onnx -o %t/model.mlir
// RUN: compress-run %t/model.mlir --input %t/model/x.npy --output %t/y.npy --quiet
// RUN: %python -c "import numpy as n; print(n.allclose(n.load('%t/y.npy'), n.load('%t/model/want.npy'), rtol=1e-6, atol=1e-6))" \
// RUN:   | FileCheck %s
// CHECK: True
//
// RUN: not compress-translate --import-onnx %t/model/missing.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MISSING
// MISSING: error: tensor 'W': cannot read external data '{{.*}}nowhere.bin'
// RUN: not compress-translate --import-onnx %t/model/escape.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ESCAPE
// ESCAPE: error: tensor 'W': external data location '../weights.bin' must be a relative path inside the model's directory
// RUN: not compress-translate --import-onnx %t/model/short.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=SHORT
// SHORT: error: tensor 'W': external data '{{.*}}weights.bin' has 64 bytes, fewer than offset 16 + length 4000
// RUN: not compress-translate --import-onnx %t/model/size.onnx 2>&1 \
// RUN:   | FileCheck %s --check-prefix=SIZE
// SIZE: error: tensor 'W' has 12 elements (48 bytes) but its external data holds 44 bytes
