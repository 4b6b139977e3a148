# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""What the drivers of the data-aware tests share (prune-sparsegpt,
prune-reconstruct, quantize-gptq, sensitivity, layer-stats-shards): check
counting, MLIR text for constants and tensor types, a plain two-layer MLP,
and calibration samples as .npy files."""

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
