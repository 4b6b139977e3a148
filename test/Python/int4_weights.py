# RUN: %python %s
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""4-bit weights under every pipeline variant, exactly against numpy.

LLVM packs vector<Nxi4> while a scalar i4 takes a byte in memory, so vector
code on 4-bit constants once read wrong bits (a CNN fell from 87.5% to 15%)
and only vectorize=false was right. compress-widen-subbyte-constants fixes
it; this test makes every variant agree with numpy's integers.
"""

import numpy as np

import compress_mlir as cm

rng = np.random.default_rng(11)


def literal(values):
    rows = ", ".join("[" + ", ".join(str(int(v)) for v in row) + "]"
                     for row in values)
    return f"dense<[{rows}]>"


def gemm(name, extend, M, K, N):
    """x (i8) times the 4-bit constant %w, its values read with `extend`."""
    return f"""
  %{name} = linalg.generic {{indexing_maps = [#a, #b, #c],
      iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%x, %w : tensor<{M}x{K}xi8>, tensor<{K}x{N}xi4>)
      outs(%zero : tensor<{M}x{N}xi32>) {{
  ^bb0(%p: i8, %q: i4, %acc: i32):
    %pe = arith.extsi %p : i8 to i32
    %qe = {extend} %q : i4 to i32
    %m = arith.muli %pe, %qe : i32
    %s = arith.addi %acc, %m : i32
    linalg.yield %s : i32
  }} -> tensor<{M}x{N}xi32>"""


def module_text(M, K, N, W):
    return f"""
#a = affine_map<(i, j, k) -> (i, k)>
#b = affine_map<(i, j, k) -> (k, j)>
#c = affine_map<(i, j, k) -> (i, j)>
func.func @gemm(%x: tensor<{M}x{K}xi8>) -> (tensor<{M}x{N}xi32>, tensor<{M}x{N}xi32>) {{
  %w = arith.constant {literal(W)} : tensor<{K}x{N}xi4>
  %zero = arith.constant dense<0> : tensor<{M}x{N}xi32>
{gemm("signed", "arith.extsi", M, K, N)}
{gemm("unsigned", "arith.extui", M, K, N)}
  return %signed, %unsigned : tensor<{M}x{N}xi32>, tensor<{M}x{N}xi32>
}}
"""


# Shapes the vectorizer takes (N a multiple of 16) and one it does not.
for M, K, N in [(8, 16, 48), (5, 70, 48), (5, 70, 37)]:
    W = rng.integers(-8, 8, size=(K, N))
    module = cm.Module.parse(module_text(M, K, N, W))
    x = rng.integers(-128, 128, size=(M, K)).astype(np.int8)
    want_signed = x.astype(np.int64) @ W
    want_unsigned = x.astype(np.int64) @ (W & 0xF)
    for options in [dict(), dict(vectorize=False), dict(microkernels=False),
                    dict(cpu="portable"), dict(threads=1), dict(opt_level=0)]:
        signed, unsigned = cm.compile(module, **options)(x)
        assert np.array_equal(signed, want_signed), (M, K, N, options)
        assert np.array_equal(unsigned, want_unsigned), (M, K, N, options)

print("ok")
