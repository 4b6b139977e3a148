# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""What the drivers of the data-aware tests share (prune-sparsegpt,
prune-reconstruct, quantize-gptq, sensitivity, layer-stats-shards): check
counting, MLIR text for constants and tensor types, a plain two-layer MLP,
calibration samples as .npy files, and the weight grids of
compress-quantize-weights."""

import os

import numpy as np


class Checks:
    """Prints "ok: ..." or "FAIL: ..." per check and counts the failures."""

    def __init__(self):
        self.failures = 0

    def __call__(self, ok, what):
        print(("ok: " if ok else "FAIL: ") + what)
        if not ok:
            self.failures += 1

    def finish(self):
        print("failures:", self.failures)
        return 1 if self.failures else 0


def hex_constant(array):
    """A float32 array as an MLIR dense hex literal."""
    return 'dense<"0x' + array.astype("<f4").tobytes().hex().upper() + '">'


def tensor(*shape):
    return "tensor<" + "x".join(str(d) for d in shape) + "xf32>"


def two_layer_mlp(w1, w2, rows):
    """func @mlp: x[rows, K] @ w1[K, H] @ w2[H, N], no bias or activation."""
    (k, h), n = w1.shape, w2.shape[1]
    t = tensor
    return f"""
func.func @mlp(%x: {t(rows, k)}) -> {t(rows, n)} {{
  %w1 = arith.constant {hex_constant(w1)} : {t(k, h)}
  %w2 = arith.constant {hex_constant(w2)} : {t(h, n)}
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : {t(rows, h)}
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : {t(rows, h)}) -> {t(rows, h)}
  %h = linalg.matmul ins(%x, %w1 : {t(rows, k)}, {t(k, h)}) outs(%f1 : {t(rows, h)}) -> {t(rows, h)}
  %e2 = tensor.empty() : {t(rows, n)}
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : {t(rows, n)}) -> {t(rows, n)}
  %y = linalg.matmul ins(%h, %w2 : {t(rows, h)}, {t(h, n)}) outs(%f2 : {t(rows, n)}) -> {t(rows, n)}
  return %y : {t(rows, n)}
}}
"""


def save_samples(directory, samples):
    """Each array of `samples` as directory/sNN.npy (one calibration run
    each)."""
    os.makedirs(directory, exist_ok=True)
    for i, x in enumerate(samples):
        np.save(os.path.join(directory, f"s{i:02d}.npy"), x)
    return directory


def grid(w, bits, axis, symmetric, mse=None):
    """Per-channel (along `axis`) or per-tensor scales and zero points as
    compress-quantize-weights computes them (ranges widened to hold 0).
    mse (default: below 8 bits, as range=auto does for GPTQ): each range
    scaled by the factor in 1, 0.99, ..., 0.21 whose sum of squared
    rounding errors is least (the first of equals)."""
    if mse is None:
        mse = bits < 8
    reduce_axes = tuple(d for d in range(w.ndim) if d != axis) \
        if axis is not None else None
    lo = w.min(axis=reduce_axes, keepdims=True).astype(np.float64)
    hi = w.max(axis=reduce_axes, keepdims=True).astype(np.float64)
    if symmetric:
        qmin, qmax = -(2 ** (bits - 1) - 1), 2 ** (bits - 1) - 1
    else:
        qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    def params(factor):
        if symmetric:
            scale = factor * np.maximum(np.abs(lo), np.abs(hi)) / qmax
            scale[scale == 0] = 1
            zp = np.zeros_like(scale)
        else:
            low, high = np.minimum(factor * lo, 0), np.maximum(factor * hi, 0)
            scale = (high - low) / (qmax - qmin)
            scale[scale == 0] = 1
            zp = np.clip(qmin - np.round(low / scale), qmin, qmax)
        return scale.astype(np.float32), zp.astype(np.int64)

    scale, zp = params(1.0)
    if mse:
        best = np.full(scale.shape, np.inf)
        for step in range(80):
            s, z = params(1.0 - 0.01 * step)
            q = np.clip(np.round(w.astype(np.float32) / s) + z, qmin, qmax)
            deq = ((q - z).astype(np.float32) * s).astype(np.float64)
            err = ((w.astype(np.float64) - deq) ** 2).sum(
                axis=reduce_axes, keepdims=True)
            better = err < best
            best[better], scale[better], zp[better] = \
                err[better], s[better], z[better]
    return scale, zp, qmin, qmax


def to_int(x, scale, zp, qmin, qmax):
    q = np.round(np.float32(x) / scale)  # f32 division, half to even
    return np.clip(q + zp, qmin, qmax).astype(np.int64)
