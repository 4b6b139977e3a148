# RUN: %python %s
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""compress_mlir.compile: results against numpy, input checks, variants."""

import numpy as np

import compress_mlir as cm

rng = np.random.default_rng(7)
W1 = rng.standard_normal((16, 32)).astype(np.float32)
W2 = rng.standard_normal((32, 10)).astype(np.float32)


def dense(values):
    rows = ", ".join("[" + ", ".join(f"{v:.9e}" for v in row) + "]"
                     for row in values)
    return f"dense<[{rows}]> : tensor<{values.shape[0]}x{values.shape[1]}xf32>"


# A two-layer MLP with two results (logits and the hidden layer), batch 4.
MODULE = f"""
func.func @mlp(%x: tensor<4x16xf32>) -> (tensor<4x10xf32>, tensor<4x32xf32>) {{
  %w1 = arith.constant {dense(W1)}
  %w2 = arith.constant {dense(W2)}
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<4x32xf32>
  %z1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4x32xf32>) -> tensor<4x32xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<4x16xf32>, tensor<16x32xf32>)
                     outs(%z1 : tensor<4x32xf32>) -> tensor<4x32xf32>
  %r = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                        affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}}
      ins(%h : tensor<4x32xf32>) outs(%e1 : tensor<4x32xf32>) {{
    ^bb0(%a: f32, %o: f32):
      %m = arith.maximumf %a, %zero : f32
      linalg.yield %m : f32
  }} -> tensor<4x32xf32>
  %e2 = tensor.empty() : tensor<4x10xf32>
  %z2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x10xf32>) -> tensor<4x10xf32>
  %y = linalg.matmul ins(%r, %w2 : tensor<4x32xf32>, tensor<32x10xf32>)
                     outs(%z2 : tensor<4x10xf32>) -> tensor<4x10xf32>
  return %y, %r : tensor<4x10xf32>, tensor<4x32xf32>
}}

func.func @add(%a: tensor<5xi32>, %b: tensor<5xi32>) -> tensor<5xi32> {{
  %e = tensor.empty() : tensor<5xi32>
  %s = linalg.add ins(%a, %b : tensor<5xi32>, tensor<5xi32>)
                  outs(%e : tensor<5xi32>) -> tensor<5xi32>
  return %s : tensor<5xi32>
}}
"""

m = cm.Module.parse(MODULE)
x = rng.standard_normal((4, 16)).astype(np.float32)
hidden = np.maximum(x.astype(np.float64) @ W1, 0)
logits = hidden @ W2

# Two public functions: compile needs `entry`.
try:
    cm.compile(m)
    raise AssertionError("no error for an ambiguous entry")
except cm.CompileError as e:
    assert "-e NAME" in str(e) or "several" in str(e) or "entry" in str(e), e

mlp = cm.compile(m, entry="mlp")
assert mlp.entry == "mlp"
assert mlp.inputs == [((4, 16), np.dtype(np.float32))], mlp.inputs
assert [tuple(o) for o in mlp.outputs] == [((4, 10), np.float32),
                                           ((4, 32), np.float32)]
y, h = mlp(x)
assert y.dtype == np.float32 and y.shape == (4, 10)
# float32 against float64 numpy: K <= 32 terms, |values| ~ 10.
assert np.abs(y - logits).max() < 1e-4, np.abs(y - logits).max()
assert np.abs(h - hidden).max() < 1e-5

# Variants agree: no vectorization, no microkernels, one thread, portable
# kernels, -O0.
for options in [dict(vectorize=False), dict(microkernels=False),
                dict(threads=1), dict(cpu="portable"), dict(opt_level=0)]:
    yv, hv = cm.compile(m, entry="mlp", **options)(x)
    assert np.abs(yv - y).max() < 1e-4, options

# float64 inputs are converted; a stack of 3 batches runs 3 times.
y64, _ = mlp(x.astype(np.float64))
assert np.array_equal(y64, y)
stack = rng.standard_normal((12, 16)).astype(np.float32)
ys, hs = mlp(stack)
assert ys.shape == (12, 10) and hs.shape == (12, 32)
for k in range(3):
    yk, _ = mlp(stack[4 * k:4 * k + 4])
    assert np.array_equal(ys[4 * k:4 * k + 4], yk), k
# Non-contiguous input (a transposed view) is read correctly.
xt = np.asfortranarray(x)
assert np.array_equal(mlp(xt)[0], y)

# Wrong shapes, counts and dtypes are clear errors.
for args, error, text in [
        ((np.zeros((4, 15), np.float32),), ValueError, "shape"),
        ((np.zeros((6, 16), np.float32),), ValueError, "shape"),
        ((x, x), TypeError, "takes 1 input"),
        ((np.array([["a"] * 16] * 4),), TypeError, "dtype"),
]:
    try:
        mlp(*args)
        raise AssertionError(f"no error for {args[0].shape}")
    except error as e:
        assert text in str(e), str(e)

# Integers: exact, with range checks.
add = cm.compile(m, entry="add")
a = np.array([1, -2, 3, 2**31 - 2, -7], np.int64)
b = np.array([10, 20, -30, 1, 7], np.int32)
s = add(a, b)
assert s.dtype == np.int32
assert np.array_equal(s, (a + b).astype(np.int32)), s
try:
    add(np.array([2**40, 0, 0, 0, 0]), b)
    raise AssertionError("no range error")
except ValueError as e:
    assert "range" in str(e), str(e)
try:
    add(np.zeros(5, np.float32), b)
    raise AssertionError("no dtype error")
except TypeError as e:
    assert "explicitly" in str(e), str(e)

# Bad compile options.
for options in [dict(threads=0), dict(opt_level=5)]:
    try:
        cm.compile(m, entry="mlp", **options)
        raise AssertionError(options)
    except ValueError:
        pass
try:
    cm.compile(m, entry="mlp", no_such_option=1)
    raise AssertionError("unknown lower option accepted")
except cm.CompileError as e:
    assert "no_such_option" in str(e) or "no-such-option" in str(e), str(e)
try:
    cm.compile(m, entry="nothere")
    raise AssertionError("unknown entry accepted")
except cm.CompileError as e:
    assert "nothere" in str(e), str(e)

print("ok")
