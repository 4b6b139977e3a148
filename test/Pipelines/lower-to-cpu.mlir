// RUN: compress-opt %s --compress-lower-to-cpu | FileCheck %s --check-prefix=IR
// RUN: compress-opt %s --compress-lower-to-cpu | %run_cpu | FileCheck %s --check-prefix=EXEC

// Everything reaches the LLVM dialect.
// IR-LABEL: llvm.func @int8_matmul
// IR-NOT: linalg.
// IR-NOT: tensor.
// IR-NOT: memref.
// IR-NOT: bufferization.
// IR-NOT: scf.
// IR-NOT: arith.
// IR-LABEL: llvm.func @main

// An integer matmul with i32 accumulation (i8 x i8 -> i32). By hand:
//   [[1, -2, 3], [-128, 127, 0]] x [[2, 0], [1, -1], [-3, 127]]
//   row 0: [2 - 2 - 9, 0 + 2 + 381] = [-9, 383]
//   row 1: [-256 + 127, -127] = [-129, -127]
func.func @int8_matmul(%a: tensor<2x3xi8>, %b: tensor<3x2xi8>) -> tensor<2x2xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2x2xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<2x2xi32>) -> tensor<2x2xi32>
  %r = linalg.matmul ins(%a, %b : tensor<2x3xi8>, tensor<3x2xi8>) outs(%f : tensor<2x2xi32>) -> tensor<2x2xi32>
  return %r : tensor<2x2xi32>
}

// Float elementwise on a dynamic shape: relu(x) + 1 over tensor<?xf32>.
func.func @relu_plus_one(%x: tensor<?xf32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
       ins(%x : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %one = arith.constant 1.0 : f32
    %m = arith.maximumf %in, %z : f32
    %s = arith.addf %m, %one : f32
    linalg.yield %s : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}

func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  %a = arith.constant dense<[[1, -2, 3], [-128, 127, 0]]> : tensor<2x3xi8>
  %b = arith.constant dense<[[2, 0], [1, -1], [-3, 127]]> : tensor<3x2xi8>
  %r = call @int8_matmul(%a, %b) : (tensor<2x3xi8>, tensor<3x2xi8>) -> tensor<2x2xi32>
  %rm = bufferization.to_buffer %r : tensor<2x2xi32> to memref<2x2xi32>
  %ru = memref.cast %rm : memref<2x2xi32> to memref<*xi32>
  call @printMemrefI32(%ru) : (memref<*xi32>) -> ()

  %x = arith.constant dense<[-2.0, -0.0, 0.5, 3.0]> : tensor<4xf32>
  %xd = tensor.cast %x : tensor<4xf32> to tensor<?xf32>
  %y = call @relu_plus_one(%xd) : (tensor<?xf32>) -> tensor<?xf32>
  %ym = bufferization.to_buffer %y : tensor<?xf32> to memref<?xf32>
  %yu = memref.cast %ym : memref<?xf32> to memref<*xf32>
  call @printMemrefF32(%yu) : (memref<*xf32>) -> ()
  return
}

// EXEC: [-9, 383]
// EXEC-NEXT: [-129, -127]
// EXEC: [1, 1, 1.5, 4]
