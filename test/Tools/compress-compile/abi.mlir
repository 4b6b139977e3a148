// compress-compile writes a shared library whose functions take the plain C
// ABI of the generated header; a C program built with cc against it gets
// exactly compress-run's results (bit for bit), which match numpy.
// RUN: rm -rf %t && mkdir -p %t
// RUN: compress-compile %s -e dense -e int_ops -o %t/libmodel.so --emit-header=%t/model.h
// RUN: FileCheck %s --check-prefix=HEADER < %t/model.h
// RUN: cc -I%t -o %t/driver %S/Inputs/aot_main.c %t/libmodel.so -Wl,-rpath,%t
// RUN: %python %S/Inputs/aot_check.py %s %t %t/driver | FileCheck %s
// Only the ABI functions are exported; the library needs no MLIR/LLVM (nor,
// outside a sanitizer build, whose libraries need the sanitizer runtimes,
// libstdc++).
// RUN: nm -D --defined-only %t/libmodel.so | FileCheck %s --check-prefix=EXPORTS
// RUN: %if !sanitize %{ ldd %t/libmodel.so | FileCheck %s --check-prefix=DEPS %}
// The relocatable object links the same way (with the OpenMP and C++ runtimes).
// RUN: compress-compile %s -e dense -e int_ops --emit=obj -o %t/model.o --emit-header=%t/model.h
// RUN: cc %sanitize_flags -I%t -o %t/driver-obj %S/Inputs/aot_main.c %t/model.o -fopenmp -lstdc++ -lm
// RUN: %t/driver-obj %t
// RUN: %python %S/Inputs/aot_check.py %s %t %t/driver-obj | FileCheck %s

// HEADER: #ifndef COMPRESS_MODEL_MODEL_H
// HEADER: arg0: float[4][16] (tensor<4x16xf32>)
// HEADER: result0: float[4][8] (tensor<4x8xf32>)
// HEADER: #define DENSE_INPUT0_SHAPE {4, 16}
// HEADER: #define DENSE_OUTPUT0_SIZE 32
// HEADER: int dense(const float *arg0, float *result0);
// HEADER: arg1: int8_t[5] (tensor<5xi8>)
// HEADER: result1: int64_t[3] (tensor<3xi64>)
// HEADER: int int_ops(const int32_t *arg0, const int8_t *arg1, int32_t *result0, int64_t *result1);

// CHECK: dense result 0: library == compress-run bit for bit: True
// CHECK: int_ops result 0: library == compress-run bit for bit: True
// CHECK: int_ops result 1: library == compress-run bit for bit: True
// CHECK: dense matches numpy within 1e-5: True
// CHECK: int_ops matches numpy exactly: True

// EXPORTS-NOT: compress
// EXPORTS-DAG: T dense
// EXPORTS-DAG: T int_ops
// EXPORTS-NOT: mlir

// DEPS-NOT: libMLIR
// DEPS-NOT: libLLVM
// DEPS-NOT: libstdc++

#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (j)>
#sum = affine_map<(i, j) -> (i)>

func.func @dense(%x: tensor<4x16xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[-1.0, -0.984375, -0.96875, -0.953125, -0.9375, -0.921875, -0.90625, -0.890625], [-0.875, -0.859375, -0.84375, -0.828125, -0.8125, -0.796875, -0.78125, -0.765625], [-0.75, -0.734375, -0.71875, -0.703125, -0.6875, -0.671875, -0.65625, -0.640625], [-0.625, -0.609375, -0.59375, -0.578125, -0.5625, -0.546875, -0.53125, -0.515625], [-0.5, -0.484375, -0.46875, -0.453125, -0.4375, -0.421875, -0.40625, -0.390625], [-0.375, -0.359375, -0.34375, -0.328125, -0.3125, -0.296875, -0.28125, -0.265625], [-0.25, -0.234375, -0.21875, -0.203125, -0.1875, -0.171875, -0.15625, -0.140625], [-0.125, -0.109375, -0.09375, -0.078125, -0.0625, -0.046875, -0.03125, -0.015625], [0.0, 0.015625, 0.03125, 0.046875, 0.0625, 0.078125, 0.09375, 0.109375], [0.125, 0.140625, 0.15625, 0.171875, 0.1875, 0.203125, 0.21875, 0.234375], [0.25, 0.265625, 0.28125, 0.296875, 0.3125, 0.328125, 0.34375, 0.359375], [0.375, 0.390625, 0.40625, 0.421875, 0.4375, 0.453125, 0.46875, 0.484375], [0.5, 0.515625, 0.53125, 0.546875, 0.5625, 0.578125, 0.59375, 0.609375], [0.625, 0.640625, 0.65625, 0.671875, 0.6875, 0.703125, 0.71875, 0.734375], [0.75, 0.765625, 0.78125, 0.796875, 0.8125, 0.828125, 0.84375, 0.859375], [0.875, 0.890625, 0.90625, 0.921875, 0.9375, 0.953125, 0.96875, 0.984375]]> : tensor<16x8xf32>
  %b = arith.constant dense<[-0.5, -0.375, -0.25, -0.125, 0.0, 0.125, 0.25, 0.375]> : tensor<8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%v: f32, %bias: f32, %o: f32):
    %s = arith.addf %v, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

func.func @int_ops(%a: tensor<3x5xi32>, %b: tensor<5xi8>) -> (tensor<3x5xi32>, tensor<3xi64>) {
  %e = tensor.empty() : tensor<3x5xi32>
  %sum = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<3x5xi32>, tensor<5xi8>) outs(%e : tensor<3x5xi32>) {
  ^bb0(%x: i32, %y: i8, %o: i32):
    %ye = arith.extsi %y : i8 to i32
    %s = arith.addi %x, %ye : i32
    linalg.yield %s : i32
  } -> tensor<3x5xi32>
  %zero = arith.constant 0 : i64
  %e2 = tensor.empty() : tensor<3xi64>
  %f = linalg.fill ins(%zero : i64) outs(%e2 : tensor<3xi64>) -> tensor<3xi64>
  %rows = linalg.generic {indexing_maps = [#id, #sum], iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<3x5xi32>) outs(%f : tensor<3xi64>) {
  ^bb0(%x: i32, %acc: i64):
    %xe = arith.extsi %x : i32 to i64
    %three = arith.constant 3 : i64
    %p = arith.muli %xe, %three : i64
    %s = arith.addi %acc, %p : i64
    linalg.yield %s : i64
  } -> tensor<3xi64>
  return %sum, %rows : tensor<3x5xi32>, tensor<3xi64>
}

// A driver that prints: not compiled (-e names the functions).
func.func private @printMemrefF32(memref<*xf32>)
func.func @main() {
  %x = arith.constant dense<1.0> : tensor<4x16xf32>
  %y = call @dense(%x) : (tensor<4x16xf32>) -> tensor<4x8xf32>
  %m = bufferization.to_buffer %y : tensor<4x8xf32> to memref<4x8xf32>
  %u = memref.cast %m : memref<4x8xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
