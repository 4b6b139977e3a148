#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The PTQ tests' reference: an independent NumPy simulation of the int8
network that compress-ptq builds, with the ranges it calibrated.

    simulate_ptq.py STATS.json ACTUAL [--steps N] [--activation-type u8|i8]
                    [--symmetric]

STATS.json is what `compress-ptq stats=FILE` wrote: the range of each
observer, in the model's order (the input, the output of each of the four
layers). The simulation quantizes with the textbook formulas, computed here
and not taken from compress: activations asymmetric (scale = (max - min) /
(qmax - qmin) over a range widened to hold 0, zero_point = qmin -
round(min / scale)), or symmetric about the middle of the storage range;
weights per output channel, symmetric, to [-127, 127]; float64 arithmetic
between the rounding points. The quantized network is exactly that up to
rounding: compress requantizes in fixed point and rounds its int32 biases,
which can move a value by one step where the exact result lies near a
rounding boundary, and such a step can move the next layer's rounding. So
every output of ACTUAL (mlir-runner's printout of the compiled model) must
lie within N steps (default 1) of the output quantization of the
simulation; the script prints the largest difference in steps and the
fraction of outputs that are equal.
"""

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import gen_ptq_tests as gen  # noqa: E402
from check_close import parse_printout  # noqa: E402


def activation_params(lo, hi, qmin, qmax, symmetric):
    if symmetric:
        zero = (qmin + qmax + 1) // 2
        half = qmax - zero
        scale = max(abs(lo), abs(hi)) / half
        return (scale if scale > 0 else 1.0), zero
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / (qmax - qmin)
    if scale == 0:
        return 1.0, qmin
    zero = int(np.clip(qmin - np.round(lo / scale), qmin, qmax))
    return scale, zero


def fake_quantize(x, scale, zero, qmin, qmax):
    q = np.clip(np.round(x / scale) + zero, qmin, qmax)
    return (q - zero) * scale


def weights(w):
    """Per output channel (the last axis), symmetric to [-127, 127]."""
    w = w.astype(np.float64)
    axes = tuple(range(w.ndim - 1))
    scale = np.abs(w).max(axis=axes) / 127
    scale[scale == 0] = 1
    return np.clip(np.round(w / scale), -127, 127) * scale


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("stats")
    parser.add_argument("actual")
    parser.add_argument("--steps", type=float, default=1)
    parser.add_argument("--activation-type", default="u8",
                        choices=["u8", "i8"])
    parser.add_argument("--symmetric", action="store_true")
    args = parser.parse_args()
    qmin, qmax = (0, 255) if args.activation_type == "u8" else (-128, 127)
    with open(args.stats) as f:
        ranges = sorted(json.load(f)["observers"], key=lambda o: o["id"])
    if len(ranges) != 5:
        print(f"FAIL: expected 5 observers, found {len(ranges)}")
        return 1
    params = [activation_params(o["min"], o["max"], qmin, qmax,
                                args.symmetric) for o in ranges]

    def fq(x, i):
        return fake_quantize(x, *params[i], qmin, qmax)

    # The model and the evaluated batch, regenerated as gen_ptq_tests.py
    # wrote them.
    rng = np.random.RandomState(7)
    m = gen.Model(rng)
    x = gen.make_images(rng, 64).reshape(32, gen.BATCH, gen.SIZE, gen.SIZE,
                                         1)[5]
    h = fq(x.astype(np.float64), 0)
    h = fq(np.maximum(gen.conv(h, weights(m.w1)) + m.b1, 0), 1)
    h = fq(np.maximum(gen.conv(h, weights(m.w2)) + m.b2, 0), 2)
    h = h.reshape(x.shape[0], -1)
    h = fq(np.maximum(h @ weights(m.w3) + m.b3, 0), 3)
    want = fq(h @ weights(m.w4) + m.b4, 4)

    with open(args.actual) as f:
        _, values = parse_printout(f.read(), args.actual)
    got = np.array(values, np.float64).reshape(want.shape)
    steps = np.abs(got - want) / params[4][0]
    print(f"largest difference: {steps.max():.2f} output steps; "
          f"{np.mean(steps < 0.5):.0%} of the outputs equal")
    # printMemref prints 6 significant digits: allow 1% of a step for it.
    if steps.max() > args.steps + 0.01:
        print(f"FAIL: more than {args.steps:g} output steps from the "
              "simulated int8 network")
        return 1
    print("ok: within the simulated int8 network's rounding")
    return 0


if __name__ == "__main__":
    sys.exit(main())
