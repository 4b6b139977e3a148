// compress-convert-precision on an imported ONNX model, whose weights
// compress-translate keeps as dense_resource blobs: they are rounded to
// f16 / bf16 like dense constants (the verifier rejected the model before),
// and the converted model computes what the f32 one does within the
// formats' precision. The f32 model matches NumPy's result (mlp.json, from
// gen_models.py) within 1e-5 of the largest output; f16 (11-bit
// significands) within 1e-2 and bf16 (8-bit) within 5e-2 of it.
//
// REQUIRES: onnx-import, numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: compress-translate --import-onnx %S/Inputs/mlp.onnx --batch-size=2 \
// RUN:   --resource-threshold=16 -o %t/mlp.mlir
// RUN: FileCheck %s --check-prefix=RESOURCE < %t/mlp.mlir
// RESOURCE: dense_resource<
// RUN: compress-opt %t/mlp.mlir --compress-convert-precision=to=f16 -o %t/f16.mlir
// RUN: FileCheck %s --check-prefix=F16 < %t/f16.mlir
// F16: arith.constant dense<{{.*}}> : tensor<16x4xf16>
// F16-NOT: dense_resource<
// RUN: compress-opt %t/mlp.mlir --compress-convert-precision=to=bf16 -o %t/bf16.mlir
// RUN: %python -c "import json, numpy; d = json.load(open('%S/Inputs/mlp.json')); i = d['inputs'][0]; numpy.save('%t/x.npy', numpy.array(i['values'], numpy.float32).reshape(i['shape'])); numpy.save('%t/want.npy', numpy.array(d['output'], numpy.float32).reshape(d['shape']))"
// RUN: compress-run %t/mlp.mlir --input %t/x.npy --output %t/f32.npy --quiet
// RUN: compress-run %t/f16.mlir --input %t/x.npy --output %t/f16.npy --quiet
// RUN: compress-run %t/bf16.mlir --input %t/x.npy --output %t/bf16.npy --quiet
// RUN: %python -c "import numpy as n; w = n.load('%t/want.npy'); b = abs(w).max(); errs = [abs(n.load('%t/' + f + '.npy').astype(n.float64) - w).max() / b for f in ('f32', 'f16', 'bf16')]; print(['ok' if e <= t else 'FAIL %%g' %% e for e, t in zip(errs, (1e-5, 1e-2, 5e-2))])" \
// RUN:   | FileCheck %s --check-prefix=CLOSE
// CLOSE: ['ok', 'ok', 'ok']
