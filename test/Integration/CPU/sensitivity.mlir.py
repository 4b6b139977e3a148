# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Driver of sensitivity.mlir: compress-sensitivity's per-layer errors
against NumPy.

For an MLP with exactly representable activations, the JSON's error of
rounding to nearest at 8, 4 and 2 bits and of 50%/80% magnitude pruning must
equal NumPy's ||X (W' - W)|| / ||X W|| (W' computed by NumPy); GPTQ and
SparseGPT must not be worse than their data-free counterparts (at 4 bits and
below, and at every sparsity); fewer bits and more zeros must cost more.
compress-quantize-weights max-error=E must give each layer the fewest bits
whose reported error is within E, and size=S the widths (of 2, 3, 4, 8) that
fit S times the 8-bit weights' bits (as the kernels store them: 4 bits for
4 and fewer) with the least summed squared reported error (NumPy tries
every combination), with gains=true each error times the layer's reported
gain. compress-sensitivity gains=true gives each layer's gain to the model's
output (NumPy's from the 4-bit weights rounded to nearest). A layer measured on fewer input
vectors than it has inputs gets a remark saying so.

Usage: sensitivity.mlir.py WORKDIR
"""

import itertools
import json
import os
import re
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data_aware_helpers import (  # noqa: E402
    Checks, grid, hex_constant as hexc, save_samples, tensor as t, to_int,
    two_layer_mlp)

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(9)
M, K, H, N = 6, 16, 12, 8
check = Checks()





mixing = rng.integers(-1, 2, (6, K))
xs = [(rng.integers(-2, 3, (M, 6)) @ mixing).astype(np.float32)
      for _ in range(5)]
w1 = (rng.integers(-16, 17, (K, H)) / 8).astype(np.float32)
w2 = rng.standard_normal((H, N)).astype(np.float32)
model = os.path.join(work, "mlp.mlir")
with open(model, "w") as f:
    f.write(two_layer_mlp(w1, w2, M))
data = save_samples(os.path.join(work, "data"), xs)
out = os.path.join(work, "sensitivity.json")
run = subprocess.run(["compress-opt", model,
                      f"--compress-sensitivity=data={data} json={out}",
                      "-o", os.devnull], capture_output=True, text=True,
                     check=True)
check("compress-sensitivity: relative change" in run.stderr,
      "the table is printed on stderr")
report = json.load(open(out))["layers"]
check(len(report) == 2, "two layers")

x1 = np.concatenate(xs).astype(np.float64)
x2 = x1 @ w1.astype(np.float64)


def rtn(w, bits):
    """Per-output-channel (columns of w [K, N]) symmetric rounding, on the
    full-range grid compress-quantize-weights' default range gives it."""
    scale, zp, qmin, qmax = grid(w, bits, 1, True, mse=False)
    return (to_int(w, scale, zp, qmin, qmax) * scale).astype(np.float32)


def magnitude(w, fraction):
    flat = w.ravel().copy()
    order = np.lexsort((np.arange(flat.size), np.abs(flat)))
    flat[order[:round(fraction * flat.size)]] = 0
    return flat.reshape(w.shape)


def error(x, w, changed):
    return np.linalg.norm(x @ (changed.astype(np.float64) - w)) / \
        np.linalg.norm(x @ w)


for i, (x, w, layer) in enumerate(((x1, w1, report[0]), (x2, w2, report[1]))):
    e = layer["errors"]
    for bits in (8, 4, 2):
        want = error(x, w, rtn(w, bits))
        got = e[f"int{bits} rtn"]
        check(abs(got - want) <= 1e-9 + 1e-9 * want,
              f"layer {i + 1} int{bits} rtn: {got:.6e} (NumPy {want:.6e})")
    for fraction in (0.5, 0.8):
        want = error(x, w, magnitude(w, fraction))
        got = e[f"{int(fraction * 100)}% magnitude"]
        check(abs(got - want) <= 1e-9 + 1e-9 * want,
              f"layer {i + 1} {int(fraction * 100)}% magnitude: {got:.6e} "
              f"(NumPy {want:.6e})")
    check(e["int8 rtn"] < e["int4 rtn"] < e["int3 rtn"] < e["int2 rtn"],
          f"layer {i + 1}: fewer bits, more error")
    check(all(e[f"int{b} gptq"] <= e[f"int{b} rtn"] for b in (4, 3, 2)),
          f"layer {i + 1}: GPTQ no worse than rounding at 4, 3, 2 bits")
    check(e["50% sparsegpt"] <= e["50% magnitude"] and
          e["80% sparsegpt"] <= e["80% magnitude"] and
          e["2:4 sparsegpt"] <= e["2:4 magnitude"],
          f"layer {i + 1}: SparseGPT no worse than magnitude")

# max-error: each layer gets the fewest of 2, 3, 4, 8 bits whose error (as
# compress-sensitivity reports it) is within the bound, for rounding to
# nearest and for GPTQ.
for algorithm in ("rtn", "gptq"):
    for bound in (0.3, 0.05, 0.01):
        run = subprocess.run(
            ["compress-opt", model,
             f"--compress-quantize-weights=algorithm={algorithm} "
             f"max-error={bound} sequential=false data={data}",
             "-o", os.devnull], capture_output=True, text=True, check=True)
        got = [int(b) for b in re.findall(r"weight quantized to (\d+) bits",
                                          run.stderr)]
        want = [next((b for b in (2, 3, 4) if
                      layer["errors"][f"int{b} {algorithm}"] <= bound), 8)
                for layer in report]
        check(got == want, f"{algorithm} max-error={bound}: widths {got} "
              f"(from the sensitivity errors: {want})")

# size: the widths that fit the budget with the least summed squared error
# (the errors compress-sensitivity reports: one run of the float model),
# bits counted as the CPU kernels store matmul weights (2, 3 and 4 bits in
# 4, 8 in 8). At 0.3 nothing fits: every layer at 4 bits and a warning.
counts = [w1.size, w2.size]


def stored(bits):
    return 4 if bits <= 4 else 8


for algorithm, gains, size in itertools.product(
        ("rtn", "gptq"), ("false", "true"), (0.3, 0.5, 0.7, 0.9)):
    run = subprocess.run(
        ["compress-opt", model,
         f"--compress-quantize-weights=algorithm={algorithm} "
         f"size={size} sequential=false gains={gains} data={data}",
         "-o", os.devnull], capture_output=True, text=True, check=True)
    got = [int(b) for b in re.findall(r"weight quantized to (\d+) bits",
                                      run.stderr)]
    # gains=true: each layer's errors times the gain its remark reports
    # (quantize-size-gains.mlir.py checks the gains against NumPy).
    said = [float(g) for g in re.findall(
        r"gain (\S+) to the model's output", run.stderr)]
    factors = said if gains == "true" else [1.0, 1.0]
    check(len(said) == (2 if gains == "true" else 0),
          f"{algorithm} gains={gains} size={size}: a gain per layer exactly "
          f"with gains=true ({said})")

    def cost(widths):
        return sum((g * layer["errors"][f"int{b} {algorithm}"]) ** 2
                   for b, layer, g in zip(widths, report, factors))

    budget = size * 8 * sum(counts)
    fits = [(a, b) for a in (2, 3, 4, 8) for b in (2, 3, 4, 8)
            if stored(a) * counts[0] + stored(b) * counts[1] <= budget]
    want = min(fits, key=cost) if fits else (4, 4)
    warned = "is below what the narrowest weights reach" in run.stderr
    # The reported gains have 3 decimals.
    slack = 1e-9 if gains == "false" else 1e-2
    check(len(got) == 2 and cost(got) <= cost(want) * (1 + slack) and
          (not fits or sum(stored(b) * c for b, c in zip(got, counts))
           <= budget) and warned == (not fits),
          f"{algorithm} gains={gains} size={size}: widths {got}, "
          "squared error "
          f"{cost(got) if len(got) == 2 else None:.4g} (best that fits: "
          f"{list(want)}, {cost(want):.4g}; warning "
          f"{'given' if warned else 'absent'})")

# gains=true: each layer's gain to the model's output, from its 4-bit
# weights rounded to nearest: layer 1's is NumPy's ||X1 D1 W2|| / ||X1 W1 W2||
# over its own relative error, layer 2's (the output) is 1; without data,
# an error.
gains_json = os.path.join(work, "gains.json")
run = subprocess.run(["compress-opt", model,
                      f"--compress-sensitivity=data={data} json={gains_json} "
                      "gains=true", "-o", os.devnull],
                     capture_output=True, text=True)
gained = json.load(open(gains_json))["layers"] if run.returncode == 0 else []
d1 = x1 @ (rtn(w1, 4).astype(np.float64) - w1)
y = x2 @ w2
want_gain = ((np.linalg.norm(d1 @ w2) / np.linalg.norm(y)) /
             (np.linalg.norm(d1) / np.linalg.norm(x2)))
check(len(gained) == 2 and
      abs(gained[0].get("gain", -1) - want_gain) <= 1e-3 * want_gain and
      abs(gained[1].get("gain", -1) - 1.0) <= 1e-3 and
      "gain" not in report[0],
      f"gains: {[layer.get('gain') for layer in gained]}, NumPy "
      f"[{want_gain:.4f}, 1]; none without gains=true")
check("gain " in run.stderr and "to the model's output" in run.stderr,
      "gains in the table")
stats = os.path.join(work, "stats")
subprocess.run(["compress-opt", model,
                f"--compress-collect-layer-stats=data={data} out={stats}",
                "-o", os.devnull], check=True, capture_output=True)
run = subprocess.run(["compress-opt", model,
                      f"--compress-sensitivity=stats={stats} gains=true",
                      "-o", os.devnull], capture_output=True, text=True)
check(run.returncode != 0 and "gains=true runs the model" in run.stderr,
      "gains=true with stats=DIR: an error")

# Fewer input vectors than inputs: one sample of M rows for K inputs.
few = save_samples(os.path.join(work, "few"), xs[:1])
for samples, want in ((few, f"{M} input vectors on the data for {K} inputs"),
                      (data, None)):
    run = subprocess.run(
        ["compress-opt", model,
         f"--compress-quantize-weights=algorithm=gptq data={samples}",
         "-o", os.devnull], capture_output=True, text=True, check=True)
    said = "input vectors on the data for" in run.stderr
    check(want in run.stderr if want else not said,
          f"{'one sample' if want else 'all samples'}: remark on too few "
          f"vectors {'given' if said else 'absent'}")

sys.exit(check.finish())
