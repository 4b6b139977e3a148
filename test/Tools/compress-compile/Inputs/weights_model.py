# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Prints a module of four int8 GEMMs (x[8, K] u8 @ W[K, 16] s8 -> i32)
whose constant weights take each packed layout of compress-cpu-lower-kernels:
dense int8 values, 4-bit values, 2:4 along K, and 1 non-zero per column in
K = 128 (sparse). For weights-report.mlir."""

K = {"dense": 64, "four_bit": 64, "two_of_four": 64, "sparse": 128}


def weight(kind, k, n):
    if kind == "dense":
        return (k * 7 + n * 13) % 255 - 127 or 1
    if kind == "four_bit":
        return (k + n) % 15 - 7
    if kind == "two_of_four":
        return (k * 3 + n) % 100 + 1 if (k + n) % 4 < 2 else 0
    return 5 if k == (n * 5) % 128 else 0


def literal(kind):
    rows = ", ".join(
        "[" + ", ".join(str(weight(kind, k, n)) for n in range(16)) + "]"
        for k in range(K[kind]))
    return f"dense<[{rows}]> : tensor<{K[kind]}x16xi8>"


for kind, k in K.items():
    print(f"""
func.func @{kind}(%x: tensor<8x{k}xi8>) -> tensor<8x16xi32> {{
  %w = arith.constant {literal(kind)}
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<8x16xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<8x16xi32>) -> tensor<8x16xi32>
  %y = linalg.generic {{indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%x, %w : tensor<8x{k}xi8>, tensor<{k}x16xi8>) outs(%f : tensor<8x16xi32>) {{
  ^bb0(%a: i8, %b: i8, %c: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %p = arith.muli %ae, %be : i32
    %s = arith.addi %c, %p : i32
    linalg.yield %s : i32
  }} -> tensor<8x16xi32>
  return %y : tensor<8x16xi32>
}}""")
