// compress-compile --weights-report: the bytes of constant data in the
// library, by packed weight layout, for four int8 GEMMs whose 16-column
// weights take each layout (Inputs/weights_model.py): dense int8 values
// (B16x4: 64 x 16 bytes), 4-bit values (half: 512), 2:4 along K (5/8:
// 640) and one non-zero per column in 128 k (one round of 120 bytes, the
// header, offsets, counts and 64 bytes of padding: 217). With pack-int4,
// pack-2of4 off and sparse storage off, all four are int8. A float
// convolution's filter (4x3x3x3, 432 bytes) is packed into its kernel's
// layout (512 bytes) and counted as a convolution filter, not as "other".
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/weights_model.py > %t/model.mlir
// RUN: compress-compile %t/model.mlir --weights-report -o %t/lib.so | FileCheck %s
// RUN: compress-compile %t/model.mlir --weights-report -o %t/lib.so \
// RUN:   --lower-options="pack-int4=false pack-2of4=false sparse-threshold=2" | FileCheck %s --check-prefix=DENSE
// RUN: compress-compile %S/Inputs/conv_model.mlir --weights-report -o %t/conv.so | FileCheck %s --check-prefix=CONV

// CHECK: constant data in the library: {{[0-9]+}} bytes
// CHECK-DAG: 4-bit weights (B16x4/S4) {{ *}}512 bytes in 1 constant(s)
// CHECK-DAG: 2:4 weights (B16x8/2:4) {{ *}}640 bytes in 1 constant(s)
// CHECK-DAG: sparse weights (B16x128/windows) {{ *}}217 bytes in 1 constant(s)
// CHECK-DAG: int8 weights (B16x4) {{ *}}1024 bytes in 1 constant(s)

// DENSE: int8 weights (B16x4) {{ *}}5120 bytes in 4 constant(s)
// DENSE-NOT: 4-bit
// DENSE-NOT: sparse

// CONV: constant data in the library: 512 bytes
// CONV-NEXT: fp32 convolution filters {{ *}}512 bytes in 1 constant(s)
// CONV-NOT: other constants
