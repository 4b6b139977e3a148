// examples/c-deploy/deploy.c, built with cc against an int8 model compiled
// by compress-compile (the PTQ'd CNN of the ptq tests), classifies .npy
// images: its logits equal compress-run's bit for bit and it prints the
// accuracy numpy computes from them. Bad input gets an error.
// RUN: rm -rf %t && mkdir -p %t
// RUN: compress-opt %S/../../Integration/CPU/ptq/Inputs/cnn.mlir \
// RUN:   --compress-ptq="data=%S/../../Integration/CPU/ptq/samples method=minmax lower=false" \
// RUN:   -o %t/cnn.int8.mlir 2>/dev/null
// RUN: compress-compile %t/cnn.int8.mlir -e cnn -o %t/libcnn.so --emit-header=%t/model.h
// RUN: cc -O2 -Wall -Werror -DMODEL_HEADER='"model.h"' -DMODEL_FN=cnn -DMODEL_PREFIX=CNN -I%t \
// RUN:   %compress_src_root/examples/c-deploy/deploy.c %t/libcnn.so -Wl,-rpath,%t -o %t/deploy
// RUN: %python %S/Inputs/deploy_check.py prepare %S/../../Integration/CPU/ptq/samples/calibration.npy %t
// RUN: %t/deploy %t/images.npy %t/labels.npy %t/logits.npy > %t/deploy.txt
// RUN: compress-run %t/cnn.int8.mlir -e cnn --input %t/images.npy --output %t/jit.npy --quiet
// RUN: %python %S/Inputs/deploy_check.py compare %t %t/deploy.txt | FileCheck %s
// The same PTQ stopped before the conversion to linalg (to-linalg=false):
// compress-compile then makes each kernel's requantization its epilogue,
// and the library's logits are the same, bit for bit.
// RUN: compress-opt %S/../../Integration/CPU/ptq/Inputs/cnn.mlir \
// RUN:   --compress-ptq="data=%S/../../Integration/CPU/ptq/samples method=minmax lower=false to-linalg=false" \
// RUN:   -o %t/cnn.fused.mlir 2>/dev/null
// RUN: FileCheck %s --check-prefix=FUSED-IR < %t/cnn.fused.mlir
// RUN: compress-opt %t/cnn.fused.mlir --compress-lower-to-cpu | FileCheck %s --check-prefix=FUSED-KERNEL
// RUN: compress-compile %t/cnn.fused.mlir -e cnn -o %t/libcnn-fused.so --emit-header=%t/model-fused.h
// RUN: cc -O2 -Wall -Werror -DMODEL_HEADER='"model-fused.h"' -DMODEL_FN=cnn -DMODEL_PREFIX=CNN -I%t \
// RUN:   %compress_src_root/examples/c-deploy/deploy.c %t/libcnn-fused.so -Wl,-rpath,%t -o %t/deploy-fused
// RUN: %t/deploy-fused %t/images.npy %t/labels.npy %t/logits-fused.npy > /dev/null
// RUN: cmp %t/logits.npy %t/logits-fused.npy
// RUN: not %t/deploy %t/labels.npy 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not %t/deploy %s 2>&1 | FileCheck %s --check-prefix=NOTNPY

// CHECK: logits: (64, 10) float32
// CHECK: deploy == compress-run bit for bit: True
// CHECK: printed accuracy as computed from compress-run's logits: True
// FUSED-IR: compress.requantize
// FUSED-KERNEL: call @compress_cpu_igemm_u8s8_packed_bias_requantize
// BAD: deploy: {{.*}}labels.npy: expected float32 images of the model's input shape
// NOTNPY: deploy: {{.*}}c-deploy.mlir: not a .npy file
