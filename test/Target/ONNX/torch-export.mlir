// Models exported by PyTorch's torch.onnx.export (torch_models.py) import,
// compile and run (compress-run, two batches of 4) to PyTorch's outputs;
// after --compress-ptq (int8 weights and activations, integer kernels) they
// stay near them.
// REQUIRES: torch, onnx-import
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/torch_models.py export %t
//
// RUN: compress-translate --import-onnx %t/cnn.onnx --batch-size 4 -o %t/cnn.mlir
// RUN: FileCheck %s --check-prefix=CNN < %t/cnn.mlir
// RUN: compress-run %t/cnn.mlir --input %t/cnn.x.npy --output %t/cnn.y.npy --quiet
// RUN: %python %S/torch_models.py check %t/cnn.y.npy %t/cnn.ref.npy 1e-5
// RUN: compress-opt %t/cnn.mlir --compress-ptq="data=%t/calib-cnn lower=false" -o %t/cnn.int8.mlir 2>/dev/null
// RUN: compress-run %t/cnn.int8.mlir --input %t/cnn.x.npy --output %t/cnn.q.npy --quiet
// RUN: %python %S/torch_models.py check %t/cnn.q.npy %t/cnn.ref.npy 0.05
//
// RUN: compress-translate --import-onnx %t/mlp.onnx --batch-size 4 -o %t/mlp.mlir
// RUN: compress-run %t/mlp.mlir --input %t/mlp.x.npy --output %t/mlp.y.npy --quiet
// RUN: %python %S/torch_models.py check %t/mlp.y.npy %t/mlp.ref.npy 1e-5
//
// The exporter's idioms are gone after import: the batch dimension is fixed.
// CNN: func.func @main_graph(%arg0: tensor<4x3x16x16xf32>) -> tensor<4x10xf32>
// CNN-DAG: linalg.conv_2d_nchw_fchw
// CNN-DAG: math.erf
