# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Driver of quantize-size-prune.mlir: compress-quantize-weights size=S
prune=true against NumPy.

Usage: quantize-size-prune.mlir.py WORKDIR
"""

import os
import re
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data_aware_helpers import Checks, save_samples, two_layer_mlp  # noqa: E402

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(5)
check = Checks()

M, K, H, N, SAMPLES = 8, 64, 32, 16, 24
w1 = rng.standard_normal((K, H)).astype(np.float32)
w2 = rng.standard_normal((H, N)).astype(np.float32)
# Correlated inputs (a few strong directions), as activations are: what
# SparseGPT's update of the kept weights exploits.
mixing = rng.standard_normal((K, K)) * np.logspace(0, -1.5, K)[:, None]
xs = [(rng.standard_normal((M, K)) @ mixing).astype(np.float32)
      for _ in range(SAMPLES)]
mlp = os.path.join(work, "mlp.mlir")
with open(mlp, "w") as f:
    f.write(two_layer_mlp(w1, w2, M))
data = save_samples(os.path.join(work, "data"), xs)
BUDGET = 0.4


def quantize(options, extra=()):
    run = subprocess.run(
        ["compress-opt", mlp, "--compress-quantize-weights=" + options,
         "--mlir-print-elementsattrs-with-hex-if-larger=-1", *extra],
        check=True, capture_output=True, text=True)
    return run.stdout, run.stderr


def stored(ir):
    """(integers [K, N], per-output-channel scales) of each weight (8 or 4
    bits, symmetric)."""
    ints = [np.array(eval(v), np.int64).reshape([int(d) for d in s.split("x")])
            for v, s in re.findall(r"arith\.constant dense<(\[[-0-9\[\], ]*\])>"
                                   r" : tensor<([0-9x]+)xi[48]>", ir)]
    scales = [np.array([float(v) for v in s.split(",")])
              for s in re.findall(r"quant\.scast %\S+ : tensor<\S+xi[48]> to "
                                  r"tensor<\S+:f32:1, \{([^}]*)\}>>", ir)]
    return ints, scales


def remarks(err):
    return re.findall(r"weight (?:pruned to (\d+:\d+|\d+% zeros) by SparseGPT and "
                      r")?quantized to (\d+) bits by GPTQ: layer output error "
                      r"(\S+) on the data", err)


def window_bits(q):
    """Bits of q [K, N] in the kernels' sparse layout (runtime/cpu/SparseB.h):
    per 16 columns and 128 k, a count byte and 120 bytes per round of 4
    non-zeros of the fullest column."""
    k, n = q.shape
    total = 0
    for c0 in range(0, n, 16):
        for k0 in range(0, k, 128):
            nnz = (q[k0:k0 + 128, c0:c0 + 16] != 0).sum(axis=0)
            total += 1 + 120 * int(np.ceil(nnz.max() / 4))
    return 8 * total


def int8_model(path, size, kernel, dense_options):
    """The int8 model of `path` (weights searched under `size` with prune):
    whether its lowering calls `kernel`, and whether compress-run's outputs
    on the first sample agree bit for bit with `dense_options` (the dense
    kernels) and without; the outputs."""
    ptq = os.path.splitext(path)[0] + "-int8.mlir"
    subprocess.run(
        ["compress-opt", path, "--compress-insert-observers",
         f"--compress-calibrate=data={data}", "--compress-fold-calibration",
         f"--compress-quantize-weights=algorithm=gptq size={size} prune=true "
         f"data={data}", "--compress-fuse-qdq", "-o", ptq],
        check=True, capture_output=True, text=True)
    lowered = subprocess.run(["compress-opt", ptq, "--compress-lower-to-cpu"],
                             check=True, capture_output=True, text=True).stdout
    x_in = os.path.join(work, "x.npy")
    np.save(x_in, xs[0])
    outputs = []
    for options in ("threads=1", "threads=1 " + dense_options):
        y_out = os.path.splitext(ptq)[0] + f".y{len(outputs)}.npy"
        subprocess.run(["compress-run", ptq, "--input", x_in, "--output",
                        y_out, "--quiet", "--lower-options=" + options],
                       check=True)
        outputs.append(np.load(y_out))
    return (kernel in lowered, np.array_equal(outputs[0], outputs[1]),
            outputs[0])


ir, err = quantize(f"algorithm=gptq size={BUDGET} prune=true data={data}")
ints, scales = stored(ir)
said = remarks(err)
check(len(ints) == 2 and len(scales) == 2 and len(said) == 2,
      f"two quantized weights with scales and two remarks (got {len(ints)}, "
      f"{len(scales)}, {len(said)})")
check("below what the narrowest" not in err,
      f"size={BUDGET} with prune: no warning that the budget is out of reach")
# Layer 1 holds 80% of the weights: below 4-bit's half of int8's size, the
# budget needs it pruned. Every layer's stored weights are as its remark
# says.
check(said[0][0] != "" and said[0][1] == "8",
      f"layer 1: pruned at 8 bits (remark: '{said[0][0]}' at {said[0][1]} "
      "bits)")
bits = 0
for i, ((pattern, width, _), q) in enumerate(zip(said, ints)):
    zeros = float((q == 0).mean())
    if ":" in pattern:
        n, m = (int(v) for v in pattern.split(":"))
        groups = (q.reshape(-1, m, q.shape[1]) != 0).sum(axis=1)
        check(groups.max() <= n, f"layer {i + 1}: {pattern} along K")
        bits += 5 * q.size if (n, m) == (2, 4) else window_bits(q)
    elif pattern:
        want = int(pattern.split("%")[0]) / 100
        check(zeros >= want - 0.5 / q.size,
              f"layer {i + 1}: {zeros:.3f} zeros for the claimed {want}")
        bits += window_bits(q)
    else:
        limit = 2 ** (int(width) - 1) - 1
        check(np.abs(q).max() <= limit,
              f"layer {i + 1}: dense at {width} bits")
        bits += (4 if int(width) <= 4 else 8) * q.size
budget = BUDGET * 8 * (w1.size + w2.size)
check(bits <= budget, f"stored bits (NumPy's count) {bits} within the budget "
      f"{budget:.0f}")

# Layer 1's inputs are the samples themselves: its error is NumPy's.
x = np.concatenate(xs).astype(np.float64)
w1q = ints[0] * scales[0][None, :]
mine = np.linalg.norm(x @ (w1q - w1)) / np.linalg.norm(x @ w1)
reported = float(said[0][2])
check(abs(mine - reported) <= 0.01 * reported,
      f"layer 1 output error: reported {reported:.3e}, NumPy {mine:.3e}")
# The kept weights were refit (SparseGPT) and the scales cover them: the
# error is far below dropping the same weights from the float layer.
dropped = np.where(ints[0] == 0, 0, w1)
plain = np.linalg.norm(x @ (dropped - w1)) / np.linalg.norm(x @ w1)
check(mine < 0.8 * plain, f"layer 1: {mine:.3f} against {plain:.3f} for the "
      "same zeros without SparseGPT's update")

# Without prune the same budget is out of reach of every width.
_, err = quantize(f"algorithm=gptq size={BUDGET} data={data}")
check("below what the narrowest" in err and
      all(p == "" for p, _, _ in remarks(err)),
      "without prune: no layer pruned, and the warning")

# The int8 model: the pruned weights run in the sparse kernels (and the
# 2:4 ones where chosen) exactly as in the dense ones.
calls, same, y = int8_model(mlp, BUDGET, "compress_cpu_igemm_u8s8_sparse",
                            "sparse-threshold=2 pack-2of4=false")
check(calls, "int8 model: layer 1 calls the sparse kernel")
check(same, "int8 model: sparse kernels bit-identical to the dense ones")
want = xs[0].astype(np.float64) @ w1 @ w2
got = np.linalg.norm(y - want) / np.linalg.norm(want)
check(got < 1.0, f"int8 model output error against the float model: {got:.3f}")

# A layer already 2:4 along K loses nothing to 2:4 at 8 bits (5 bits per
# weight) and much to 4 bits: at size=0.7 the search picks 2:4 for it,
# the stored weights keep the pattern and the int8 model runs it in the 2:4
# kernel exactly as in the dense one.
w24 = w1.copy()
for k0 in range(0, K, 4):
    for n in range(H):
        w24[k0 + rng.choice(4, 2, replace=False), n] = 0
mlp24 = os.path.join(work, "mlp24.mlir")
with open(mlp24, "w") as f:
    f.write(two_layer_mlp(w24, w2, M))
run = subprocess.run(
    ["compress-opt", mlp24, "--compress-quantize-weights=algorithm=gptq "
     f"size=0.7 prune=true data={data}",
     "--mlir-print-elementsattrs-with-hex-if-larger=-1"],
    check=True, capture_output=True, text=True)
ints24, _ = stored(run.stdout)
said24 = remarks(run.stderr)
check(len(said24) == 2 and said24[0][0] == "2:4",
      f"2:4 layer at size=0.7: remark '{said24[0][0] if said24 else None}'")
if ints24:
    groups = (ints24[0].reshape(-1, 4, H) != 0).sum(axis=1)
    check(groups.max() <= 2 and not ints24[0][w24 == 0].any(),
          "2:4 layer: 2:4, zero where the float weights are")
calls, same, _ = int8_model(mlp24, 0.7, "compress_cpu_igemm_u8s8_2of4",
                            "pack-2of4=false")
check(calls, "int8 model: the 2:4 layer calls the 2:4 kernel")
check(same, "int8 model: 2:4 kernel bit-identical to the dense one")

sys.exit(check.finish())
