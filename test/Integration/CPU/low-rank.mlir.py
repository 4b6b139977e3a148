# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Driver of low-rank.mlir: compress-low-rank against NumPy.

A two-layer MLP y = (x @ W1) @ W2 and a stride-2 convolution. For each
factored layer the driver reads the two factor constants compress-opt
writes, multiplies them in float64 and compares the product with NumPy's
own rank-r optimum: the truncated SVD of W without data; with data, the
minimizer of the layer's output error on the samples, [W L]_r L^-1 with
H + 0.01 mean(diag H) I = L L^T, H = X^T X of the layer's input (the first
layer's input is x; the second layer, measured sequentially, sees x @ P1,
P1 the first layer's product). The factored modules are then compiled by
compress-run, and their outputs compared with NumPy's evaluation of the
factors.

Usage: low-rank.mlir.py WORKDIR
"""

import os
import re
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data_aware_helpers import (  # noqa: E402
    Checks, hex_constant as hexc, save_samples, tensor as t, two_layer_mlp)

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(7)
check = Checks()
M, K, H, N, SAMPLES = 24, 40, 32, 12, 4

# Inputs with a few strong directions, so that the data-aware factors differ
# clearly from the plain SVD ones.
mixing = rng.standard_normal((6, K)) * np.linspace(3, 0.2, 6)[:, None]
xs = [(rng.standard_normal((M, 6)) @ mixing +
       0.05 * rng.standard_normal((M, K))).astype(np.float32)
      for _ in range(SAMPLES)]
w1 = rng.standard_normal((K, H)).astype(np.float32)
w2 = rng.standard_normal((H, N)).astype(np.float32)
mlp = os.path.join(work, "mlp.mlir")
with open(mlp, "w") as f:
    f.write(two_layer_mlp(w1, w2, M))
data = save_samples(os.path.join(work, "data"), xs)


def run_opt(path, options, out):
    result = subprocess.run(
        ["compress-opt", path, "--compress-low-rank=" + options,
         "--mlir-print-elementsattrs-with-hex-if-larger=1", "-o", out],
        capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("compress-opt failed: " + result.stderr)
    with open(out) as f:
        text = f.read()
    constants = []
    for h, shape in re.findall(
            r'arith\.constant dense<"0x([0-9A-F]+)"> : '
            r'tensor<([0-9x]+)xf32>', text):
        dims = tuple(int(d) for d in shape.split("x"))
        constants.append(
            np.frombuffer(bytes.fromhex(h), "<f4").reshape(dims))
    return constants, result.stderr


def svd_optimum(w, rank, gram=None):
    """The rank-`rank` matrix closest to w (rows = inputs, as the matmul
    weight is laid out) in ||X (w - p)||, or in ||w - p|| without data."""
    wt = w.T.astype(np.float64)  # outputs x inputs
    if gram is None:
        u, s, vt = np.linalg.svd(wt, full_matrices=False)
        return (u[:, :rank] * s[:rank]) @ vt[:rank], s
    damped = gram + 0.01 * np.mean(np.diag(gram)) * np.eye(len(gram))
    lower = np.linalg.cholesky(damped)
    u, s, vt = np.linalg.svd(wt @ lower, full_matrices=False)
    best = (u[:, :rank] * s[:rank]) @ vt[:rank] @ np.linalg.inv(lower)
    return best, s


def close(a, b, bound):
    return np.abs(a - b).max() <= bound * np.abs(b).max()


def rank_for(ratio, rows, cols):
    return int(np.floor(ratio * rows * cols / (rows + cols)))


def run_model(path, inputs, name):
    files = []
    for i, x in enumerate(inputs):
        files += ["--input", os.path.join(work, f"{name}.in{i}.npy")]
        np.save(files[-1], x)
    out = os.path.join(work, f"{name}.out.npy")
    subprocess.run(["compress-run", path, *files, "--output", out, "--quiet"],
                   check=True)
    return np.load(out)


x0 = xs[0]

# Without data: the truncated SVD of each weight.
r1, r2 = rank_for(0.5, H, K), rank_for(0.5, N, H)
plain, remarks = run_opt(mlp, "ratio=0.5", os.path.join(work, "plain.mlir"))
shapes = [c.shape for c in plain]
check(shapes == [(K, r1), (r1, H), (H, r2), (r2, N)],
      f"factor shapes {shapes}: ranks {r1} and {r2}")
a1, b1, a2, b2 = (c.astype(np.float64) for c in plain)
p1, p2 = a1 @ b1, a2 @ b2
check(close(p1.T, svd_optimum(w1, r1)[0], 1e-5),
      "first layer: A B is the truncated SVD of W1")
check(close(p2.T, svd_optimum(w2, r2)[0], 1e-5),
      "second layer: A B is the truncated SVD of W2")
check(remarks.count("remark: factored at rank") == 2,
      "a remark per factored layer")
y = run_model(os.path.join(work, "plain.mlir"), [x0], "plain")
want = x0.astype(np.float64) @ a1 @ b1 @ a2 @ b2
check(close(y, want, 1e-5), "the compiled factored MLP computes x A1 B1 A2 B2")

# With data: the activation-aware optimum, layer by layer.
aware, _ = run_opt(mlp, f"ratio=0.5 data={data}",
                   os.path.join(work, "aware.mlir"))
c1, d1, c2, d2 = (c.astype(np.float64) for c in aware)
q1, q2 = c1 @ d1, c2 @ d2
x_all = np.concatenate(xs).astype(np.float64)
gram1 = x_all.T @ x_all
hidden = x_all @ q1.astype(np.float32).astype(np.float64)
gram2 = hidden.T @ hidden
check(close(q1.T, svd_optimum(w1, r1, gram1)[0], 1e-4),
      "first layer: A B is the activation-aware optimum on x")
check(close(q2.T, svd_optimum(w2, r2, gram2)[0], 1e-4),
      "second layer: A B is the activation-aware optimum on the factored "
      "first layer's output")


def output_error(w, p, x):
    return np.linalg.norm(x @ (p - w)) / np.linalg.norm(x @ w)


e_aware = output_error(w1, q1, x_all)
e_plain = output_error(w1, p1, x_all)
check(e_aware < 0.5 * e_plain, f"first layer's output error on the data: "
      f"activation-aware {e_aware:.3f}, plain SVD {e_plain:.3f}")
y = run_model(os.path.join(work, "aware.mlir"), [x0], "aware")
want = x0.astype(np.float64) @ c1 @ d1 @ c2 @ d2
check(close(y, want, 1e-5), "the compiled activation-aware MLP computes "
      "x A1 B1 A2 B2")

# energy=E: the smallest rank keeping E of the squared singular values;
# skip=-1 leaves the last layer alone.
energy, _ = run_opt(mlp, "energy=0.6 skip=-1",
                    os.path.join(work, "energy.mlir"))
s = np.linalg.svd(w1.astype(np.float64), compute_uv=False)
want_rank = int(np.searchsorted(np.cumsum(s * s) / np.sum(s * s), 0.6) + 1)
shapes = sorted(c.shape for c in energy)
check(shapes == sorted([(K, want_rank), (want_rank, H), (H, N)]),
      f"energy=0.6: rank {want_rank} as NumPy's spectrum says, the skipped "
      f"layer unchanged ({shapes})")

# A stride-2 NCHW convolution: A is an r-channel 3x3 filter with the
# convolution's stride, B a 1x1 filter; their product filter is the
# truncated SVD of the filter as an F x (C KH KW) matrix.
F, C, R = 8, 4, 3
wc = rng.standard_normal((F, C, 3, 3)).astype(np.float32)
img = rng.standard_normal((2, C, 9, 9)).astype(np.float32)
conv = os.path.join(work, "conv.mlir")
with open(conv, "w") as f:
    f.write(f"""
func.func @conv(%x: tensor<2x{C}x9x9xf32>) -> tensor<2x{F}x4x4xf32> {{
  %w = arith.constant {hexc(wc)} : tensor<{F}x{C}x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x{F}x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x{F}x4x4xf32>) -> tensor<2x{F}x4x4xf32>
  %y = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}}
      ins(%x, %w : tensor<2x{C}x9x9xf32>, tensor<{F}x{C}x3x3xf32>) outs(%f : tensor<2x{F}x4x4xf32>) -> tensor<2x{F}x4x4xf32>
  return %y : tensor<2x{F}x4x4xf32>
}}
""")
factors, _ = run_opt(conv, "ratio=0.5", os.path.join(work, "conv.out.mlir"))
rc = rank_for(0.5, F, C * 9)
shapes = [c.shape for c in factors]
check(shapes == [(rc, C, 3, 3), (F, rc, 1, 1)],
      f"convolution factors {shapes}: rank {rc}")
ac, bc = (c.astype(np.float64) for c in factors)
product = bc[:, :, 0, 0] @ ac.reshape(rc, -1)
u, sv, vt = np.linalg.svd(wc.reshape(F, -1).astype(np.float64),
                          full_matrices=False)
check(close(product, (u[:, :rc] * sv[:rc]) @ vt[:rc], 1e-5),
      "the product filter is the truncated SVD of the filter")
y = run_model(os.path.join(work, "conv.out.mlir"), [img], "conv")
want = np.zeros((2, F, 4, 4))
pf = product.reshape(F, C, 3, 3)
for i in range(4):
    for j in range(4):
        patch = img[:, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3].astype(np.float64)
        want[:, :, i, j] = np.einsum("nckl,fckl->nf", patch, pf)
check(close(y, want, 1e-5), "the compiled factored convolution computes the "
      "product filter's stride-2 convolution")

# An NHWC convolution with dilation 2 (filter KH x KW x C x F): A is
# 3 x 3 x C x r with the dilation, B 1 x 1 x r x F; the product, as an
# F x (KH KW C) matrix, is the truncated SVD of the filter.
wh = rng.standard_normal((3, 3, C, F)).astype(np.float32)
img = rng.standard_normal((1, 10, 10, C)).astype(np.float32)
nhwc = os.path.join(work, "nhwc.mlir")
with open(nhwc, "w") as f:
    f.write(f"""
func.func @conv(%x: tensor<1x10x10x{C}xf32>) -> tensor<1x6x6x{F}xf32> {{
  %w = arith.constant {hexc(wh)} : tensor<3x3x{C}x{F}xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x6x6x{F}xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x6x6x{F}xf32>) -> tensor<1x6x6x{F}xf32>
  %y = linalg.conv_2d_nhwc_hwcf {{dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}}
      ins(%x, %w : tensor<1x10x10x{C}xf32>, tensor<3x3x{C}x{F}xf32>) outs(%f : tensor<1x6x6x{F}xf32>) -> tensor<1x6x6x{F}xf32>
  return %y : tensor<1x6x6x{F}xf32>
}}
""")
factors, _ = run_opt(nhwc, "ratio=0.5", os.path.join(work, "nhwc.out.mlir"))
shapes = [c.shape for c in factors]
check(shapes == [(3, 3, C, rc), (1, 1, rc, F)],
      f"NHWC convolution factors {shapes}: rank {rc}")
ah, bh = (c.astype(np.float64) for c in factors)
product = bh[0, 0].T @ ah.reshape(-1, rc).T  # F x (KH KW C)
u, sv, vt = np.linalg.svd(wh.reshape(-1, F).T.astype(np.float64),
                          full_matrices=False)
check(close(product, (u[:, :rc] * sv[:rc]) @ vt[:rc], 1e-5),
      "the NHWC product filter is the truncated SVD of the filter")
y = run_model(os.path.join(work, "nhwc.out.mlir"), [img], "nhwc")
pf = product.T.reshape(3, 3, C, F)
want = np.zeros((1, 6, 6, F))
for i in range(6):
    for j in range(6):
        patch = img[:, i:i + 5:2, j:j + 5:2, :].astype(np.float64)
        want[:, i, j, :] = np.einsum("nklc,klcf->nf", patch, pf)
check(close(y, want, 1e-5), "the compiled factored NHWC convolution computes "
      "the product filter's dilated convolution")

sys.exit(check.finish())
