// compress-opt registers the compress passes and pipelines next to upstream's.
// RUN: compress-opt --help | FileCheck %s
// CHECK-DAG: --compress-quantize-weights
// CHECK-DAG: --convert-compress-to-linalg
// CHECK-DAG: --compress-lower-to-cpu
// CHECK-DAG: --tosa-to-linalg
// CHECK-DAG: --one-shot-bufferize
// CHECK-DAG: --sparsification
// CHECK-DAG: --convert-gpu-to-nvvm
