# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Driver of quantize-size-gains.mlir: compress-quantize-weights size=S
gains=true against NumPy.

Usage: quantize-size-gains.mlir.py WORKDIR
"""

import os
import re
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data_aware_helpers import (Checks, grid, save_samples, tensor,  # noqa: E402
                                to_int, two_layer_mlp)

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(0)
check = Checks()

M, K, H, N, SAMPLES = 8, 64, 64, 64, 24
mixing = rng.standard_normal((K, K)) * np.logspace(0, -1.5, K)[:, None]
xs = [(rng.standard_normal((M, K)) @ mixing).astype(np.float32)
      for _ in range(SAMPLES)]
x = np.concatenate(xs).astype(np.float64)
w1 = rng.standard_normal((K, H)).astype(np.float32)


def rounded(w, bits):
    """w rounded to nearest on its per-output-channel symmetric minmax grid
    (what range=auto gives round to nearest)."""
    scale, zp, qmin, qmax = grid(w, bits, 1, True, mse=False)
    return ((to_int(w, scale, zp, qmin, qmax) - zp) * scale).astype(np.float64)


# Layer 2 weakens the 16 strongest directions of layer 1's output (its
# signal) 7-fold and keeps the others, where layer 1's rounding errors
# spread: those errors reach the output about 3 times larger, relative to
# it, than they are in layer 1's output. Layer 2 itself is close to its own
# 4-bit grid, so that its 4-bit error lies between layer 1's and what layer
# 1's does to the output.
h = x @ w1
_, _, vt = np.linalg.svd(h, full_matrices=False)
keep = np.ones(H)
keep[:16] = 0.05 ** (2 / 3)
w2 = (vt.T @ np.diag(keep) @ vt @ rng.standard_normal((H, N))).astype(
    np.float32)
on_grid = rounded(w2, 4)
w2 = (on_grid + 0.6 * (w2 - on_grid)).astype(np.float32)

mlp = os.path.join(work, "mlp.mlir")
with open(mlp, "w") as f:
    f.write(two_layer_mlp(w1, w2, M))
data = save_samples(os.path.join(work, "data"), xs)
# One of the two (equal) layers at 4 bits, the other at 8.
BUDGET = 0.75


def layer_errors(w1q, w2q):
    """Each layer's relative output error, and the model's."""
    y = h @ w2
    return (np.linalg.norm(x @ (w1q - w1)) / np.linalg.norm(h),
            np.linalg.norm(h @ (w2q - w2)) / np.linalg.norm(y),
            np.linalg.norm(x @ w1q @ w2q - y) / np.linalg.norm(y))


e1, _, o1 = layer_errors(rounded(w1, 4), w2)
_, e2, o2 = layer_errors(w1, rounded(w2, 4))
gain1 = o1 / e1
check(e1 < e2 < o1, f"the model as meant: layer 1 at 4 bits {e1:.3f} "
      f"(output {o1:.3f}), layer 2 at 4 bits {e2:.3f}")


def quantize(options):
    run = subprocess.run(
        ["compress-opt", mlp, "--compress-quantize-weights=" + options,
         "--mlir-print-elementsattrs-with-hex-if-larger=-1"],
        capture_output=True, text=True)
    check(run.returncode == 0, f"compress-opt {options}: exit status "
          f"{run.returncode}" + (f" ({run.stderr.strip()[-300:]})"
                                 if run.returncode else ""))
    return run.stdout, run.stderr


def weights(ir):
    """Each stored weight, dequantized (symmetric: integers times the
    per-output-channel scales)."""
    ints = [np.array(eval(v), np.int64).reshape([int(d) for d in s.split("x")])
            for v, s in re.findall(r"arith\.constant dense<(\[[-0-9\[\], ]*\])>"
                                   r" : tensor<([0-9x]+)xi[48]>", ir)]
    scales = [np.array([float(v) for v in s.split(",")], np.float32)
              for s in re.findall(r"quant\.scast %\S+ : tensor<\S+xi[48]> to "
                                  r"tensor<\S+:f32:1, \{([^}]*)\}>>", ir)]
    return [(q * s[None, :]).astype(np.float64) for q, s in zip(ints, scales)]


def remarks(err):
    """(bits, gain or None) per layer."""
    return [(int(b), float(g) if g else None) for b, g in re.findall(
        r"quantized to (\d+) bits: layer output error \S+ on the data"
        r"(?:, gain (\S+) to the model's output)?", err)]


ir, err = quantize(f"size={BUDGET} data={data}")
said = remarks(err)
stored = weights(ir)
check(len(said) == 2 and len(stored) == 2,
      f"gains (the default): two remarks and two weights (got {len(said)}, "
      f"{len(stored)})")
if len(said) == 2:
    check(said[0][1] is not None and
          abs(said[0][1] - gain1) <= 0.01 * gain1,
          f"layer 1's gain: reported {said[0][1]}, NumPy {gain1:.3f}")
    # The output layer's error is the model's: gain 1.
    check(said[1][1] is not None and abs(said[1][1] - 1.0) <= 0.01,
          f"layer 2's gain: reported {said[1][1]}, NumPy 1")
    check([b for b, _ in said] == [8, 4],
          f"gains: layer 2 at 4 bits, layer 1 at 8 (got {said})")
if len(stored) == 2:
    _, _, with_gains = layer_errors(*stored)
    check(abs(with_gains - o2) <= 0.05 * o2 + 0.01,
          f"gains: model output error {with_gains:.3f}, NumPy's for layer 2 "
          f"at 4 bits {o2:.3f}")

ir, err = quantize(f"size={BUDGET} gains=false data={data}")
said = remarks(err)
stored = weights(ir)
check([b for b, _ in said] == [4, 8] and all(g is None for _, g in said),
      f"gains=false: layer 1 at 4 bits, no gains in the remarks (got {said})")
if len(stored) == 2:
    _, _, without = layer_errors(*stored)
    check(with_gains < without,
          f"model output error: {with_gains:.3f} with gains, {without:.3f} "
          "without")

# Statistics from a directory describe the unchanged model only.
stats = os.path.join(work, "stats")
subprocess.run(["compress-opt", mlp,
                f"--compress-collect-layer-stats=data={data} out={stats}",
                "-o", os.devnull], check=True, capture_output=True)
_, err = quantize(f"size={BUDGET} stats={stats}")
check("not weighed by their gains" in err and
      all(g is None for _, g in remarks(err)),
      "stats=DIR: the remark that the gains need data=DIR")

# With the activations quantized (compress-fold-calibration's
# quantize/dequantize pairs) the gain is still the float network's: the
# pairs' rounding flips would add to the 4-bit change (here 0.9% to the
# gain).
run = subprocess.run(
    ["compress-opt", mlp, "--compress-insert-observers",
     f"--compress-calibrate=data={data}", "--compress-fold-calibration",
     f"--compress-quantize-weights=size={BUDGET} data={data}",
     "-o", os.devnull], capture_output=True, text=True)
said = remarks(run.stderr)
check(run.returncode == 0 and len(said) == 2 and said[0][1] is not None and
      abs(said[0][1] - gain1) <= 0.002 * gain1,
      f"activations quantized: layer 1's gain {said[0][1] if said else None}"
      f", NumPy's float {gain1:.4f}")

# The gain is read at the model's outputs, not at its last layer's: with a
# residual around layer 2 (y = h + h W2), layer 1's errors also reach the
# output directly. NumPy's gain of layer 1 on that model from its stored
# 4-bit weights (rounding to nearest: the same at any budget).
residual = os.path.join(work, "residual.mlir")
with open(residual, "w") as f:
    f.write(two_layer_mlp(w1, w2, M).replace(
        f"  return %y : {tensor(M, N)}",
        f"  %e3 = tensor.empty() : {tensor(M, N)}\n"
        f"  %r = linalg.add ins(%h, %y : {tensor(M, H)}, {tensor(M, N)}) "
        f"outs(%e3 : {tensor(M, N)}) -> {tensor(M, N)}\n"
        f"  return %r : {tensor(M, N)}"))
run = subprocess.run(
    ["compress-opt", residual, f"--compress-quantize-weights=size={BUDGET} "
     f"data={data}", "-o", os.devnull], capture_output=True, text=True)
said = remarks(run.stderr)
skip = np.eye(H) + w2
d1 = x @ (rounded(w1, 4) - w1)
gain_residual = (np.linalg.norm(d1 @ skip) / np.linalg.norm(h @ skip)) / e1
check(run.returncode == 0 and len(said) == 2 and said[0][1] is not None and
      abs(said[0][1] - gain_residual) <= 0.01 * gain_residual,
      f"residual model: layer 1's gain {said[0][1] if said else None}, "
      f"NumPy {gain_residual:.3f} (without the residual {gain1:.3f})")

# A model whose outputs are zero on the data measures no gain: every
# layer counts as it is, and a remark says why (rather than gains of 0, which
# would put every layer at its narrowest).
zero = os.path.join(work, "zero.mlir")
with open(zero, "w") as f:
    f.write(two_layer_mlp(w1, np.zeros_like(w2), M))
run = subprocess.run(
    ["compress-opt", zero, f"--compress-quantize-weights=size={BUDGET} "
     f"data={data}", "-o", os.devnull], capture_output=True, text=True)
check(run.returncode == 0 and "outputs are zero on the data" in
      run.stderr and all(g is None for _, g in remarks(run.stderr)),
      "zero outputs: the remark, and no gains")

sys.exit(check.finish())
