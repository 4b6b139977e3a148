# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Driver of quantize-gptq.mlir: GPTQ weight quantization against NumPy.

A two-layer MLP and a convolution are quantized by compress-opt
--compress-quantize-weights algorithm=gptq (4 and 3 bits, per-channel and
per-tensor, symmetric and not, with and without act-order, and with
group-wise scales, group-size); every stored
integer must equal the one an independent NumPy GPTQ chooses from Gram
matrices NumPy computes. Inputs are small integers and the first layers'
weights multiples of 1/8, so that every activation a layer reads is exact in
float32 in compress and in NumPy (one run of the float model:
sequential=false). The quantized layers' output error on the data must also
be below round-to-nearest's, the group-wise model must run in compress-run
as NumPy evaluates it, and with the teacher (the default) the quantized
model's output must be closer to the float model's than without it.

Usage: quantize-gptq.mlir.py WORKDIR
"""

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
rng = np.random.default_rng(11)
check = Checks()





M, K, H, N, SAMPLES = 8, 32, 24, 12, 6
mixing = rng.integers(-1, 2, (10, K))
xs = [(rng.integers(-2, 3, (M, 10)) @ mixing).astype(np.float32)
      for _ in range(SAMPLES)]
w1 = (rng.integers(-16, 17, (K, H)) / 8).astype(np.float32)
w2 = rng.standard_normal((H, N)).astype(np.float32)
B, C, F, S = 2, 6, 8, 7
xc = [rng.integers(-2, 3, (B, C, S, S)).astype(np.float32)
      for _ in range(SAMPLES)]
wc = rng.standard_normal((F, C, 3, 3)).astype(np.float32)
O = S - 2

MODEL = two_layer_mlp(w1, w2, M)
CNN = f"""
func.func @cnn(%x: {t(B, C, S, S)}) -> {t(B, F, O, O)} {{
  %w = arith.constant {hexc(wc)} : {t(F, C, 3, 3)}
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : {t(B, F, O, O)}
  %f = linalg.fill ins(%zero : f32) outs(%e : {t(B, F, O, O)}) -> {t(B, F, O, O)}
  %y = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}}
      ins(%x, %w : {t(B, C, S, S)}, {t(F, C, 3, 3)}) outs(%f : {t(B, F, O, O)}) -> {t(B, F, O, O)}
  return %y : {t(B, F, O, O)}
}}
"""


def write(name, text, samples):
    path = os.path.join(work, name + ".mlir")
    with open(path, "w") as f:
        f.write(text)
    return path, save_samples(os.path.join(work, name + "-data"), samples)


mlp_path, mlp_data = write("mlp", MODEL, xs)
cnn_path, cnn_data = write("cnn", CNN, xc)


def quantize(path, options):
    """The stored integers of each quantized weight, in program order."""
    out = subprocess.run(
        ["compress-opt", path, "--compress-quantize-weights=" + options,
         "--mlir-print-elementsattrs-with-hex-if-larger=-1"],
        check=True, capture_output=True, text=True).stdout
    found = []
    for values, shape in re.findall(
            r"arith\.constant dense<(\[[-0-9\[\], ]*\])> : "
            r"tensor<([0-9x]+)xi(?:4|3|8)>", out):
        dims = [int(d) for d in shape.split("x")]
        found.append(np.array(eval(values), np.int64).reshape(dims))
    return found


def gptq(w, h, rnd, act_order, damp=0.1, block=128, refine=0):
    """GPTQ on w [rows, cols] (h: [cols, cols]); rnd(value, row, col) gives
    the grid value of one weight. Returns the final float grid values.
    refine: passes of coordinate descent after the sweep."""
    cols = w.shape[1]
    order = (np.argsort(-np.diag(h), kind="stable") if act_order
             else np.arange(cols))
    w = w[:, order].astype(np.float64).copy()
    target = w.copy()
    h = h[np.ix_(order, order)].copy()
    dead = np.diag(h) == 0
    h[dead, dead] = 1
    h += damp * np.mean(np.diag(h)) * np.eye(cols)
    u = np.linalg.cholesky(np.linalg.inv(h)).T
    for b0 in range(0, cols, block):
        b1 = min(cols, b0 + block)
        errors = np.zeros((w.shape[0], b1 - b0))
        for i in range(b0, b1):
            q = np.array([rnd(w[r, i], r, order[i])
                          for r in range(w.shape[0])])
            err = (w[:, i] - q) / u[i, i]
            w[:, i + 1:b1] -= np.outer(err, u[i, i + 1:b1])
            w[:, i] = q
            errors[:, i - b0] = err
        w[:, b1:] -= errors @ u[b0:b1, b1:]
    # Coordinate descent on tr((Q - W) h (Q - W)^T): each weight in turn to
    # the grid point nearest its one-weight optimum.
    gradient = (w - target) @ h
    for _ in range(refine):
        moved = 0
        for k in range(cols):
            for r in range(w.shape[0]):
                nxt = rnd(w[r, k] - gradient[r, k] / h[k, k], r, order[k])
                if nxt != w[r, k]:
                    gradient[r] += (nxt - w[r, k]) * h[k]
                    w[r, k] = nxt
                    moved += 1
        if not moved:
            break
    out = np.empty_like(w)
    out[:, order] = w
    return out


def reference(w_rows, h, bits, per_channel, symmetric, act_order, refine=0):
    """The integers NumPy's GPTQ stores for weight `w_rows` [rows, cols]
    (rows = output channels)."""
    scale, zp, qmin, qmax = grid(w_rows, bits, 0 if per_channel else None,
                                 symmetric)
    scale, zp = scale.reshape(-1), zp.reshape(-1)

    def rnd(value, row, col):
        s = scale[row] if per_channel else scale[0]
        z = zp[row] if per_channel else zp[0]
        q = to_int(value, s, z, qmin, qmax)
        return float(np.float32((q - z) * s))

    values = gptq(w_rows, h, rnd, act_order, refine=refine)
    s = scale[:, None] if per_channel else scale[0]
    z = zp[:, None] if per_channel else zp[0]
    return to_int(values, s, z, qmin, qmax)


x1 = np.concatenate(xs).astype(np.float64)
x2 = x1 @ w1.astype(np.float64)
h1, h2 = x1.T @ x1, x2.T @ x2


def patches(x):
    cols = np.empty((B, O, O, C, 3, 3))
    for kh in range(3):
        for kw in range(3):
            cols[:, :, :, :, kh, kw] = x[:, :, kh:kh + O, kw:kw + O
                                         ].transpose(0, 2, 3, 1)
    return cols.reshape(-1, C * 9)


hc = sum(patches(x.astype(np.float64)).T @ patches(x.astype(np.float64))
         for x in xc)

for bits, granularity, symmetric, act_order in (
        (4, "per-channel", True, True), (4, "per-tensor", True, False),
        (3, "per-channel", False, True)):
    options = (f"bits={bits} granularity={granularity} "
               f"symmetric={str(symmetric).lower()} algorithm=gptq "
               f"act-order={str(act_order).lower()} sequential=false")
    per_channel = granularity == "per-channel"
    what = f"{bits} bits, {granularity}, symmetric={symmetric}, " \
           f"act-order={act_order}"
    got = quantize(mlp_path, options + f" data={mlp_data}")
    check(len(got) == 2, f"{what}: {len(got)} integer weights")
    for i, (w, h) in enumerate(((w1, h1), (w2, h2))):
        want = reference(w.T, h, bits, per_channel, symmetric, act_order).T
        same = np.array_equal(got[i], want)
        check(same, f"{what}: layer {i + 1} integers "
              f"({int((got[i] != want).sum())} of {want.size} differ)")
    got = quantize(cnn_path, options + f" data={cnn_data}")
    want = reference(wc.reshape(F, -1), hc, bits, per_channel, symmetric,
                     act_order).reshape(wc.shape)
    check(len(got) == 1 and np.array_equal(got[0], want),
          f"{what}: convolution integers")

# range: the default (auto) clips GPTQ's ranges below 8 bits (every GPTQ
# check above) and rounds to nearest on the full range; `mse` clips at any
# width and for rounding to nearest too, `minmax` never. Rounding to
# nearest; the searched grid must differ from the full range's on these
# weights and round them with less error.
for bits, choice, mse in ((4, "auto", False), (3, "minmax", False),
                          (8, "mse", True), (4, "mse", True)):
    got = quantize(mlp_path, f"bits={bits} range={choice}")
    differ, searched, full = 0, 0.0, 0.0
    for i, w in enumerate((w1, w2)):
        scale, zp, qmin, qmax = grid(w.T, bits, 0, True, mse)
        want = to_int(w.T, scale, zp, qmin, qmax).T
        check(len(got) == 2 and np.array_equal(got[i], want),
              f"range={choice}, {bits} bits: layer {i + 1} integers")
        other, _, _, _ = grid(w.T, bits, 0, True, not mse)
        differ += int((scale != other).sum())
        for s_, total in ((scale, mse), (other, not mse)):
            sse = float((((to_int(w.T, s_, 0, qmin, qmax) * s_)
                          .astype(np.float64) - w.T) ** 2).sum())
            if total:
                searched += sse
            else:
                full += sse
    check(differ > 0 and searched < full,
          f"range={choice}, {bits} bits: {differ} channels' scales differ "
          f"from the other range's; squared rounding error {searched:.4g} "
          f"searched, {full:.4g} full range")

# refine=N: coordinate descent after the sweep, integer for integer as
# NumPy's; it never raises a layer's (damped) output error on the data.
for refine in (1, 4):
    options = (f"bits=3 algorithm=gptq refine={refine} sequential=false "
               f"data={mlp_data}")
    got = quantize(mlp_path, options)
    plain = quantize(mlp_path, f"bits=3 algorithm=gptq sequential=false "
                     f"data={mlp_data}")
    for i, (w, h) in enumerate(((w1, h1), (w2, h2))):
        want = reference(w.T, h, 3, True, True, True, refine=refine).T
        check(np.array_equal(got[i], want),
              f"refine={refine}: layer {i + 1} integers "
              f"({int((got[i] != want).sum())} of {want.size} differ)")
        s3, _, _, _ = grid(w.T, 3, 0, True)
        hd = h + 0.1 * np.mean(np.diag(h)) * np.eye(len(h))
        objective = lambda q: np.trace((q.T * s3 - w.T) @ hd @
                                       (q.T * s3 - w.T).T)
        check(objective(got[i]) <= objective(plain[i]) * (1 + 1e-12) and
              not np.array_equal(got[i], plain[i]),
              f"refine={refine}: layer {i + 1} objective "
              f"{objective(got[i]):.4g} (sweep alone {objective(plain[i]):.4g})")

# Group-wise scales (group-size): one scale per output channel and group of
# G consecutive inputs (the K of the matmuls, the C of the convolution, with
# its 3x3 taps), taken from the float weights. Rounding to nearest and GPTQ.


def group_grid(w_rows, bits, group, symmetric, mse=None):
    """Scales and zero points [rows, groups] of w_rows [rows, cols], groups of
    `group` consecutive columns."""
    rows, cols = w_rows.shape
    g = w_rows.reshape(rows * (cols // group), group)
    scale, zp, qmin, qmax = grid(g, bits, 0, symmetric, mse)
    return (scale.reshape(rows, -1), zp.reshape(rows, -1), qmin, qmax)


def group_reference(w_rows, h, bits, group, symmetric, act_order):
    """The integers rounding to nearest (h None) or NumPy's GPTQ stores for
    w_rows [rows, cols] with group-wise scales."""
    # range=auto: clipped for GPTQ, the full range rounded to nearest.
    scale, zp, qmin, qmax = group_grid(w_rows, bits, group, symmetric,
                                       mse=None if h is not None else False)
    s = np.repeat(scale, group, axis=1)
    z = np.repeat(zp, group, axis=1)
    if h is None:
        return to_int(w_rows, s, z, qmin, qmax)

    def rnd(value, row, col):
        q = to_int(value, s[row, col], z[row, col], qmin, qmax)
        return float(np.float32((q - z[row, col]) * s[row, col]))

    return to_int(gptq(w_rows, h, rnd, act_order), s, z, qmin, qmax)


for bits, symmetric, act_order, algorithm in (
        (4, True, True, "rtn"), (4, True, True, "gptq"),
        (4, False, False, "gptq"), (3, True, False, "gptq")):
    options = (f"bits={bits} group-size=8 symmetric={str(symmetric).lower()} "
               f"algorithm={algorithm} act-order={str(act_order).lower()} "
               f"sequential=false")
    if algorithm == "gptq":
        options += f" data={mlp_data}"
    what = f"{bits} bits, groups of 8, symmetric={symmetric}, " \
           f"act-order={act_order}, {algorithm}"
    got = quantize(mlp_path, options)
    check(len(got) == 2, f"{what}: {len(got)} integer weights")
    for i, (w, h) in enumerate(((w1, h1), (w2, h2))):
        want = group_reference(w.T, h if algorithm == "gptq" else None, bits,
                                8, symmetric, act_order).T
        check(len(got) == 2 and np.array_equal(got[i], want),
              f"{what}: layer {i + 1} integers")
    # The convolution in groups of 3 input channels, each with its 3x3 taps.
    options = options.replace("group-size=8", "group-size=3").replace(
        mlp_data, cnn_data)
    got = quantize(cnn_path, options)
    want = group_reference(wc.reshape(F, -1),
                           hc if algorithm == "gptq" else None, bits, 27,
                           symmetric, act_order).reshape(wc.shape)
    check(len(got) == 1 and np.array_equal(got[0], want),
          f"{what}: convolution integers in groups of 3 channels")

# The group-wise model runs: compress-run's output equals NumPy's float
# evaluation of the dequantized weights (the inputs and first weights make
# every product exact; the tolerance covers the order of the f32 sums).
grouped = os.path.join(work, "mlp-grouped.mlir")
with open(grouped, "w") as f:
    f.write(subprocess.run(
        ["compress-opt", mlp_path,
         "--compress-quantize-weights=bits=4 group-size=8 algorithm=gptq "
         f"data={mlp_data}"],
        check=True, capture_output=True, text=True).stdout)
ints = quantize(mlp_path, f"bits=4 group-size=8 algorithm=gptq "
                f"data={mlp_data}")
deq = []
for w, q in zip((w1, w2), ints):
    scale, zp, _, _ = group_grid(w.T, 4, 8, True)
    deq.append(((q.T - np.repeat(zp, 8, axis=1)) *
                np.repeat(scale, 8, axis=1)).T.astype(np.float32))
x_in = os.path.join(work, "mlp-grouped.x.npy")
y_out = os.path.join(work, "mlp-grouped.y.npy")
np.save(x_in, xs[0])
subprocess.run(["compress-run", grouped, "--input", x_in, "--output", y_out,
                "--quiet"], check=True)
y = np.load(y_out)
want = (xs[0].astype(np.float64) @ deq[0].astype(np.float64)
        @ deq[1].astype(np.float64))
err = np.abs(y - want).max() / np.abs(want).max()
check(err < 1e-5, f"groups of 8, compress-run against NumPy: max relative "
      f"difference {err:.2e}")

# GPTQ against rounding to nearest: each layer's output error on the data.
rtn = quantize(mlp_path, "bits=3")
gq = quantize(mlp_path, f"bits=3 algorithm=gptq data={mlp_data}")
for i, (w, x) in enumerate(((w1, x1), (w2, x2))):
    # Rows = output channels; the full range rounded to nearest, the
    # clipped one for GPTQ (range=auto).
    def deq(q, mse):
        scale, zp, _, _ = grid(w.T, 3, 0, True, mse)
        return (q.T - zp) * scale
    e_rtn = np.linalg.norm(x @ (deq(rtn[i], False).T - w)) / \
        np.linalg.norm(x @ w)
    e_gq = np.linalg.norm(x @ (deq(gq[i], True).T - w)) / \
        np.linalg.norm(x @ w)
    check(e_gq < 0.8 * e_rtn, f"3-bit layer {i + 1} output error: gptq "
          f"{e_gq:.4f}, round to nearest {e_rtn:.4f}")

# The teacher (the default with sequential): layer 2 is fit to the float
# model's output of it on the inputs the quantized layer 1 gives, so the
# quantized model's output on the data is closer to the float model's than
# with each layer fit to its own output (teacher=false).
alone = quantize(mlp_path, f"bits=3 algorithm=gptq teacher=false "
                 f"data={mlp_data}")


def model_error(ints):
    y = x1
    for w, q in zip((w1, w2), ints):
        s, z, _, _ = grid(w.T, 3, 0, True)
        y = y @ ((q.T - z) * s).T
    want = x1 @ w1.astype(np.float64) @ w2.astype(np.float64)
    return np.linalg.norm(y - want) / np.linalg.norm(want)


check(np.array_equal(alone[0], gq[0]),
      "teacher: layer 1 (the teacher's inputs) quantized as without it")
e_teacher, e_alone = model_error(gq), model_error(alone)
check(e_teacher < 0.9 * e_alone, f"3-bit model output error on the data: "
      f"teacher {e_teacher:.4f}, teacher=false {e_alone:.4f}")

# size counts bits as the CPU kernels store them: a convolution's filter
# takes a byte per weight at 4 bits and fewer too, so no width saves
# anything: at size=0.5 the filter keeps 8 bits (the least error of its
# cheapest options) with a warning that the budget cannot be met; at
# size=1 8 bits without one.
for size, warned in ((0.5, True), (1.0, False)):
    run = subprocess.run(
        ["compress-opt", cnn_path, f"--compress-quantize-weights=size={size} "
         f"algorithm=gptq data={cnn_data}", "-o", os.devnull],
        capture_output=True, text=True, check=True)
    got = re.findall(r"weight quantized to (\d+) bits", run.stderr)
    said = "is below what the narrowest weights reach" in run.stderr
    check(got == ["8"] and said == warned,
          f"convolution, size={size}: widths {got}, warning "
          f"{'given' if said else 'absent'}")

sys.exit(check.finish())
