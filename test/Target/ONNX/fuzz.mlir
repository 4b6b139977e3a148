// Truncated and corrupted models never crash the importer: every truncation
// is rejected with an error message, every corruption is rejected with one
// or imports (fuzz_import.py; deterministic).
//
// REQUIRES: onnx-import
// RUN: %python %S/fuzz_import.py %S/Inputs/cnn.onnx %S/Inputs/qdq.onnx \
// RUN:   %S/Inputs/qlinear.onnx %S/Inputs/mlp.onnx --truncations 16 --flips 48 \
// RUN:   | FileCheck %s
// CHECK: fuzz: 4 models, 64 truncations rejected, {{[0-9]+}} corruptions rejected, {{[0-9]+}} corruptions imported, 0 crashes
