# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Driver of prune-reconstruct.mlir: neuron pruning with a least-squares
refit of the next layer, against NumPy.

y = relu(x @ W1 + b1) @ W2 + b2. --compress-prune-neurons ratio=0.5
score=outgoing reconstruct=true removes the hidden neurons with the smallest
outgoing L2 norm (rows of W2) and refits W2's kept rows and b2 so that the second
layer's output on the calibration samples stays as close as possible to the
unpruned one: [v; b] minimizes ||X_S v + b - X W2||^2 + d ||v - W2_S||^2,
with X = relu(x @ W1 + b1) on the samples and d = damp * mean(diag of
X_S^T X_S) (the fit is damped toward the kept weights, not toward zero).
The inputs are small integers and W1, b1 multiples of 1/8, so X is exact in
float32 in compress and in NumPy.

Usage: prune-reconstruct.mlir.py WORKDIR
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
rng = np.random.default_rng(3)
M, K, H, N, SAMPLES = 16, 12, 20, 6, 5
check = Checks()





mixing = rng.integers(-1, 2, (6, K))
xs = [(rng.integers(-2, 3, (M, 6)) @ mixing).astype(np.float32)
      for _ in range(SAMPLES)]
w1 = (rng.integers(-12, 13, (K, H)) / 8).astype(np.float32)
b1 = (rng.integers(-8, 9, (H,)) / 8).astype(np.float32)
w2 = rng.standard_normal((H, N)).astype(np.float32)
b2 = rng.standard_normal((N,)).astype(np.float32)

MAP2 = "affine_map<(i, j) -> (i, j)>"
MAPB = "affine_map<(i, j) -> (j)>"


def layer(name, x, w, b, k, n, relu):
    act = ("%r = arith.maximumf %s, %zero : f32\n    linalg.yield %r : f32"
           if relu else "linalg.yield %s : f32")
    return f"""
  %e{name} = tensor.empty() : {t(M, n)}
  %f{name} = linalg.fill ins(%zero : f32) outs(%e{name} : {t(M, n)}) -> {t(M, n)}
  %m{name} = linalg.matmul ins({x}, {w} : {t(M, k)}, {t(k, n)}) outs(%f{name} : {t(M, n)}) -> {t(M, n)}
  %y{name} = linalg.generic {{indexing_maps = [{MAP2}, {MAPB}, {MAP2}], iterator_types = ["parallel", "parallel"]}}
      ins(%m{name}, {b} : {t(M, n)}, {t(n)}) outs(%e{name} : {t(M, n)}) {{
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    {act}
  }} -> {t(M, n)}"""


def mlp_model(name, heads):
    """Writes func @mlp: y1 = relu(x @ W1 + b1), then one result y1 @ W + b
    per (W, b) of `heads`; returns its path."""
    constants = [f"  %w1 = arith.constant {hexc(w1)} : {t(K, H)}",
                 f"  %b1 = arith.constant {hexc(b1)} : {t(H)}"]
    layers = [layer("1", "%x", "%w1", "%b1", K, H, True)]
    for i, (w, b) in enumerate(heads, start=2):
        constants += [f"  %w{i} = arith.constant {hexc(w)} : {t(H, N)}",
                      f"  %b{i} = arith.constant {hexc(b)} : {t(N)}"]
        layers.append(layer(str(i), "%y1", f"%w{i}", f"%b{i}", H, N, False))
    results = range(2, len(heads) + 2)
    types = ", ".join(t(M, N) for _ in results)
    text = "\n".join(
        [f"func.func @mlp(%x: {t(M, K)}) -> ({types}) {{"] + constants +
        ["  %zero = arith.constant 0.0 : f32"] + layers +
        ["  return " + ", ".join(f"%y{i}" for i in results) + f" : {types}",
         "}"])
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


path = mlp_model("mlp.mlir", [(w2, b2)])
data = os.path.join(work, "data")
os.makedirs(data, exist_ok=True)
for i, x in enumerate(xs):
    np.save(os.path.join(data, f"s{i}.npy"), x)


def pruned_constants(model, options):
    """The f32 constants of `model` after compress-prune-neurons."""
    out = subprocess.run(
        ["compress-opt", model, "--compress-prune-neurons=" + options,
         "--mlir-print-elementsattrs-with-hex-if-larger=1"],
        check=True, capture_output=True, text=True).stdout
    return [np.frombuffer(bytes.fromhex(h), "<f4").reshape(
        tuple(int(d) for d in shape.split("x"))) for h, shape in re.findall(
            r'arith\.constant (?:\{[^}]*\} )?dense<"0x([0-9A-F]+)"> : '
            r'tensor<([0-9x]+)xf32>', out)]


def prune(options):
    return {c.shape: c for c in pruned_constants(path, options)}


# The reference.
keep = np.sort(np.argsort(np.linalg.norm(w2, axis=1), kind="stable")[H // 2:])
x_all = np.concatenate(xs).astype(np.float64)
hidden = np.maximum(x_all @ w1 + b1, 0)
gram = hidden.T @ hidden
sums = hidden.sum(0)
h_ss = gram[np.ix_(keep, keep)]
d = 0.01 * np.mean(np.diag(h_ss))
h_ss = h_ss + d * np.eye(len(keep))
system = np.block([[h_ss, sums[keep][:, None]],
                   [sums[keep][None, :], np.array([[len(hidden)]])]])
rhs = np.vstack([gram[keep] @ w2 + d * w2[keep], sums @ w2])
solution = np.linalg.solve(system, rhs)
want_w2, want_b2 = solution[:-1], b2 + solution[-1]

got = prune(f"ratio=0.5 score=outgoing reconstruct=true data={data}")
S = H // 2
check((K, S) in got and np.array_equal(got[(K, S)], w1[:, keep]),
      "the first layer keeps the columns of the kept neurons")
check((S,) in got and np.array_equal(got[(S,)], b1[keep]),
      "and their biases")
w2_diff = np.abs(got[(S, N)] - want_w2).max() / np.abs(want_w2).max()
check(w2_diff < 1e-5, f"refit second-layer weights: max difference "
      f"{w2_diff:.1e} of the largest")
b2_diff = np.abs(got[(N,)] - want_b2).max() / np.abs(want_b2).max()
check(b2_diff < 1e-5, f"refit second-layer bias (intercept): max "
      f"difference {b2_diff:.1e} of the largest")

# Without `score`, reconstruct=true removes the neurons by the refit's
# output error (optimal brain surgeon), greedily: neuron c costs
# sum_r W2[c, r]^2 / (H^-1)_cc with H the hidden layer's Gram matrix damped
# by 0.01 of its mean diagonal; the cheapest goes, W2 absorbs it
# (W2 -= H^-1[:, c] W2[c] / H^-1_cc) and H^-1 loses it (its Schur
# complement), and so on for half of the neurons. Its kept columns of W1
# must be NumPy's choice, which here differs both from the norm choice and
# from removing the half of lowest cost in one step.
damped = gram + 0.01 * np.mean(np.diag(gram)) * np.eye(H)
inverse = np.linalg.inv(damped)
obs = (w2.astype(np.float64) ** 2).sum(1) / np.diag(inverse)
one_shot_keep = np.sort(np.argsort(obs, kind="stable")[H // 2:])
w_greedy, removed = w2.astype(np.float64), []
for _ in range(H // 2):
    cost = [np.inf if c in removed else (w_greedy[c] ** 2).sum() / inverse[c, c]
            for c in range(H)]
    c = int(np.argmin(cost))
    w_greedy -= np.outer(inverse[:, c], w_greedy[c]) / inverse[c, c]
    inverse -= np.outer(inverse[:, c], inverse[c]) / inverse[c, c]
    removed.append(c)
obs_keep = np.array(sorted(set(range(H)) - set(removed)))
check(not np.array_equal(obs_keep, keep),
      "the output-error choice differs from the norm choice on this model "
      "(else the check below shows nothing)")
check(not np.array_equal(obs_keep, one_shot_keep),
      "the greedy choice differs from the one-step choice on this model")
got_default = prune(f"ratio=0.5 reconstruct=true data={data}")
check((K, S) in got_default and
      np.array_equal(got_default[(K, S)], w1[:, obs_keep]),
      "reconstruct=true without score: the neurons of lowest output error "
      "go, one at a time")


def error(w, b):
    want = hidden @ w2 + b2
    return (np.linalg.norm(hidden[:, keep] @ w + b - want) /
            np.linalg.norm(want))


plain = prune("ratio=0.5")
e_refit = error(got[(S, N)], got[(N,)])
e_plain = error(plain[(S, N)], plain[(N,)])
check(e_refit < 0.5 * e_plain, f"output error on the data: refit "
      f"{e_refit:.3f}, plain removal {e_plain:.3f}")

# compress-quantize-weights bias-correction=true (4 bits, rounding to
# nearest, one run of the float model): each bias loses the mean change the
# quantized weights cause on the data, (W' - W)^T mean(x).
out = subprocess.run(
    ["compress-opt", path, "--compress-quantize-weights=bits=4 "
     f"bias-correction=true sequential=false data={data}",
     "--mlir-print-elementsattrs-with-hex-if-larger=1"],
    check=True, capture_output=True, text=True).stdout
biases = {}
for h, shape in re.findall(
        r'arith\.constant dense<"0x([0-9A-F]+)"> : tensor<([0-9]+)xf32>', out):
    biases[int(shape)] = np.frombuffer(bytes.fromhex(h), "<f4")


def rtn4(w):
    scale, zp, qmin, qmax = grid(w, 4, 1, True, mse=False)
    return (to_int(w, scale, zp, qmin, qmax) * scale).astype(np.float32)


for i, (x, w, b) in enumerate(((x_all, w1, b1), (hidden, w2, b2))):
    want = b - (rtn4(w).astype(np.float64) - w).T @ x.mean(0)
    got = biases.get(len(b))
    diff = np.abs(got - want).max() / np.abs(want).max() if got is not None \
        else np.inf
    check(diff < 1e-6, f"bias correction, layer {i + 1}: max difference "
          f"{diff:.1e} of the largest bias")

# A group with two consumers: the hidden layer feeds y2 and y3 =
# relu(x @ W1 + b1) @ W3 + b3. The neurons' score is the L2 norm of both
# outgoing rows; each consumer is refit on its own to its unpruned output.
w3 = rng.standard_normal((H, N)).astype(np.float32)
b3 = rng.standard_normal((N,)).astype(np.float32)
constants = pruned_constants(
    mlp_model("two-consumers.mlir", [(w2, b2), (w3, b3)]),
    f"ratio=0.5 score=outgoing reconstruct=true data={data}")
keep = np.sort(np.argsort(np.linalg.norm(np.hstack([w2, w3]), axis=1),
                          kind="stable")[H // 2:])
check(any(c.shape == (K, S) and np.array_equal(c, w1[:, keep])
          for c in constants),
      "two consumers: the first layer keeps the group's columns")
h_ss = gram[np.ix_(keep, keep)]
d = 0.01 * np.mean(np.diag(h_ss))
h_ss = h_ss + d * np.eye(len(keep))
system = np.block([[h_ss, sums[keep][:, None]],
                   [sums[keep][None, :], np.array([[len(hidden)]])]])
for name, w, b in (("y2", w2, b2), ("y3", w3, b3)):
    solution = np.linalg.solve(
        system, np.vstack([gram[keep] @ w + d * w[keep], sums @ w]))
    want_w, want_b = solution[:-1], b + solution[-1]
    w_diff = min((np.abs(c - want_w).max() for c in constants
                  if c.shape == (S, N)), default=np.inf)
    b_diff = min((np.abs(c - want_b).max() for c in constants
                  if c.shape == (N,)), default=np.inf)
    check(w_diff < 1e-5 * np.abs(want_w).max() and
          b_diff < 1e-5 * np.abs(want_b).max(),
          f"two consumers: {name}'s weights and bias refit on its own "
          f"(max differences {w_diff:.1e}, {b_diff:.1e})")

# Two chains in a row, y = relu(relu(x @ W1 + b1) @ W2 + b2) @ W3 + b3,
# sequential=true: the first chain (W1's neurons, W2 refit) as
# above; then W3 is measured on the model with the first chain rewritten,
# next to the unpruned model, and fit to the unpruned output of it first,
# V = (H~ + d)^-1 (X~^T X W3 + d W3) (X~: its inputs now, X: the unpruned
# ones); W2's neurons are ranked by V's rows and V refit on the kept ones
# (with the intercept) on X~.
H2 = 16
w2b = rng.standard_normal((H, H2)).astype(np.float32)
b2b = rng.standard_normal((H2,)).astype(np.float32)
w3 = rng.standard_normal((H2, N)).astype(np.float32)
b3 = rng.standard_normal((N,)).astype(np.float32)


deep = os.path.join(work, "deep.mlir")
with open(deep, "w") as f:
    f.write("\n".join([
        f"func.func @mlp(%x: {t(M, K)}) -> {t(M, N)} {{",
        f"  %w1 = arith.constant {hexc(w1)} : {t(K, H)}",
        f"  %b1 = arith.constant {hexc(b1)} : {t(H)}",
        f"  %w2 = arith.constant {hexc(w2b)} : {t(H, H2)}",
        f"  %b2 = arith.constant {hexc(b2b)} : {t(H2)}",
        f"  %w3 = arith.constant {hexc(w3)} : {t(H2, N)}",
        f"  %b3 = arith.constant {hexc(b3)} : {t(N)}",
        "  %zero = arith.constant 0.0 : f32",
        layer("1", "%x", "%w1", "%b1", K, H, True),
        layer("2", "%y1", "%w2", "%b2", H, H2, True),
        layer("3", "%y2", "%w3", "%b3", H2, N, False),
        f"  return %y3 : {t(M, N)}", "}"]))


def refit(x, w, b, keep_rows):
    """[v; b'] for the kept input rows, intercept fit on x, damped toward
    w's kept rows (refitKeptColumns)."""
    g, sm = x.T @ x, x.sum(0)
    hs = g[np.ix_(keep_rows, keep_rows)]
    dd = 0.01 * np.mean(np.diag(hs))
    system = np.block([[hs + dd * np.eye(len(keep_rows)),
                        sm[keep_rows][:, None]],
                       [sm[keep_rows][None, :], np.array([[len(x)]])]])
    sol = np.linalg.solve(system, np.vstack([g[keep_rows] @ w +
                                             dd * w[keep_rows], sm @ w]))
    return sol[:-1], b + sol[-1]


def by_norm(w):
    return np.sort(np.argsort(np.linalg.norm(w, axis=1),
                              kind="stable")[len(w) // 2:])


keep1 = by_norm(w2b)
h1 = np.maximum(x_all @ w1 + b1, 0)
w2r, b2r = refit(h1, w2b.astype(np.float64), b2b, keep1)
h2_teacher = np.maximum(h1 @ w2b + b2b, 0)
h2_now = np.maximum(h1[:, keep1] @ w2r + b2r, 0)
g_now = h2_now.T @ h2_now
d3 = 0.01 * np.mean(np.diag(g_now))
aligned = np.linalg.solve(g_now + d3 * np.eye(H2),
                          h2_now.T @ h2_teacher @ w3 + d3 * w3)
keep2 = by_norm(aligned)
w3r, b3r = refit(h2_now, aligned, b3, keep2)
want_w2 = w2r[:, keep2]
want_b2 = b2r[keep2]

got = {c.shape: c for c in pruned_constants(
    deep, f"ratio=0.5 score=outgoing reconstruct=true sequential=true "
    f"data={data}")}
S1, S2 = H // 2, H2 // 2
diffs = [np.abs(got[(S1, S2)] - want_w2).max() / np.abs(want_w2).max(),
         np.abs(got[(S2,)] - want_b2).max() / np.abs(want_b2).max(),
         np.abs(got[(S2, N)] - w3r).max() / np.abs(w3r).max(),
         np.abs(got[(N,)] - b3r).max() / np.abs(b3r).max()]
check(max(diffs) < 1e-4,
      "sequential, two chains: the second chain's kept neurons, W3 fit to "
      "the unpruned model and refit, as NumPy computes them (max "
      f"differences {', '.join(f'{v:.1e}' for v in diffs)})")
# The default (sequential=false) rewrites the last chain first, each
# consumer measured on the unpruned model: W2's neurons are ranked by W3's
# rows, and W1's by W2's rows to the neurons W2 keeps. Then, since W2 was
# refit after W3 was, W3 is fit to the unpruned model's output on the inputs
# it now gets: [V; b] = argmin ||X~ V + b - X W3||^2 + d ||V - V0||^2
# (V0: its refit weights, d from X~^T X~), its bias the unpruned b3 + b.
got = {c.shape: c for c in pruned_constants(
    deep, f"ratio=0.5 score=outgoing reconstruct=true data={data}")}
keep2 = by_norm(w3)
keep1 = by_norm(w2b[:, keep2])
w2r, b2r = refit(h1, w2b[:, keep2].astype(np.float64), b2b[keep2], keep1)
w3r, b3r = refit(h2_teacher, w3.astype(np.float64), b3, keep2)
w3_only, b3_only = w3r, b3r
h2_now = np.maximum(h1[:, keep1] @ w2r + b2r, 0)
g_now, s_now = h2_now.T @ h2_now, h2_now.sum(0)
d3 = 0.01 * np.mean(np.diag(g_now))
system = np.block([[g_now + d3 * np.eye(len(keep2)), s_now[:, None]],
                   [s_now[None, :], np.array([[len(h2_now)]])]])
target = h2_teacher @ w3
solution = np.linalg.solve(system, np.vstack([h2_now.T @ target + d3 * w3r,
                                              target.sum(0)[None, :]]))
w3r, b3r = solution[:-1], b3 + solution[-1]
diffs = [np.abs(got[(K, S1)] - w1[:, keep1]).max(),
         np.abs(got[(S1, S2)] - w2r).max() / np.abs(w2r).max(),
         np.abs(got[(S2,)] - b2r).max() / np.abs(b2r).max(),
         np.abs(got[(S2, N)] - w3r).max() / np.abs(w3r).max(),
         np.abs(got[(N,)] - b3r).max() / np.abs(b3r).max()]
check(max(diffs) < 1e-4,
      "two chains, last first: kept neurons, refits and W3's fit to the "
      "unpruned model as NumPy computes them (max differences "
      f"{', '.join(f'{v:.1e}' for v in diffs)})")


def deep_error(w1_, b1_, w2_, b2_, w3_, b3_):
    y = np.maximum(np.maximum(x_all @ w1_ + b1_, 0) @ w2_ + b2_, 0) @ w3_ + b3_
    want = h2_teacher @ w3 + b3
    return np.linalg.norm(y - want) / np.linalg.norm(want)


e_fit = deep_error(got[(K, S1)], got[(S1,)], got[(S1, S2)], got[(S2,)],
                   got[(S2, N)], got[(N,)])
e_refit = deep_error(w1[:, keep1], b1[keep1], w2r, b2r, w3_only, b3_only)
check(e_fit < e_refit, f"two chains: output error on the data {e_fit:.4f} "
      f"with W3 fit to the unpruned model, {e_refit:.4f} with its refit only")

# Filters, whose channels are blocks of columns of the consumer: a 1x1
# convolution (C -> F channels of 2x2 images) with bias and ReLU, flattened
# into a dense layer, which reads each filter's output through 4 columns.
# compress-prune-filters ratio=0.5 reconstruct=true removes the filters
# greedily by group OBS: filter c costs tr(W_S^T ([H^-1]_SS)^-1 W_S) over
# its columns S; the cheapest goes, W -= H^-1[:, S] ([H^-1]_SS)^-1 W_S and
# H^-1 loses S (its Schur complement). The kept filters must be NumPy's
# choice, which here differs from removing the cheapest half in one step.
C, F, P = 3, 8, 4
conv_xs = [rng.integers(-2, 3, (M, C, 2, 2)).astype(np.float32)
           for _ in range(SAMPLES)]
wc = (rng.integers(-8, 9, (F, C, 1, 1)) / 8).astype(np.float32)
bc = (rng.integers(-4, 5, (F,)) / 8).astype(np.float32)
wd = rng.standard_normal((F * P, N)).astype(np.float32)
bd = rng.standard_normal((N,)).astype(np.float32)
MAP4 = "affine_map<(n, c, h, w) -> (n, c, h, w)>"
MAPC = "affine_map<(n, c, h, w) -> (c)>"
conv_text = f"""func.func @cnn(%x: tensor<{M}x{C}x2x2xf32>) -> {t(M, N)} {{
  %wc = arith.constant {hexc(wc)} : tensor<{F}x{C}x1x1xf32>
  %bc = arith.constant {hexc(bc)} : {t(F)}
  %wd = arith.constant {hexc(wd)} : {t(F * P, N)}
  %bd = arith.constant {hexc(bd)} : {t(N)}
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{M}x{F}x2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<{M}x{F}x2x2xf32>) -> tensor<{M}x{F}x2x2xf32>
  %cv = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}}
      ins(%x, %wc : tensor<{M}x{C}x2x2xf32>, tensor<{F}x{C}x1x1xf32>) outs(%f : tensor<{M}x{F}x2x2xf32>) -> tensor<{M}x{F}x2x2xf32>
  %r = linalg.generic {{indexing_maps = [{MAP4}, {MAPC}, {MAP4}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%cv, %bc : tensor<{M}x{F}x2x2xf32>, {t(F)}) outs(%e : tensor<{M}x{F}x2x2xf32>) {{
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  }} -> tensor<{M}x{F}x2x2xf32>
  %flat = tensor.collapse_shape %r [[0], [1, 2, 3]] : tensor<{M}x{F}x2x2xf32> into {t(M, F * P)}
{layer("d", "%flat", "%wd", "%bd", F * P, N, False)}
  return %yd : {t(M, N)}
}}"""
cnn = os.path.join(work, "cnn.mlir")
with open(cnn, "w") as f:
    f.write(conv_text)
conv_data = save_samples(os.path.join(work, "conv-data"), conv_xs)
out = subprocess.run(
    ["compress-opt", cnn, "--compress-prune-filters=ratio=0.5 "
     f"reconstruct=true data={conv_data}",
     "--mlir-print-elementsattrs-with-hex-if-larger=1"],
    check=True, capture_output=True, text=True).stdout
kept_filters = [np.frombuffer(bytes.fromhex(h), "<f4").reshape(F // 2, C)
                for h in re.findall(r'arith\.constant (?:\{[^}]*\} )?'
                                    r'dense<"0x([0-9A-F]+)"> : '
                                    rf'tensor<{F // 2}x{C}x1x1xf32>', out)]
conv_all = np.concatenate(conv_xs).astype(np.float64)
feature = np.einsum("nchw,fc->nfhw", conv_all, wc[:, :, 0, 0].astype(
    np.float64)) + bc[None, :, None, None]
feature = np.maximum(feature, 0).reshape(len(conv_all), F * P)
conv_gram = feature.T @ feature
inverse = np.linalg.inv(conv_gram + 0.01 * np.mean(np.diag(conv_gram)) *
                        np.eye(F * P))
blocks = [list(range(c * P, (c + 1) * P)) for c in range(F)]


def block_cost(w, inv, c):
    s = blocks[c]
    return np.trace(w[s].T @ np.linalg.solve(inv[np.ix_(s, s)], w[s]))


one_step = [block_cost(wd.astype(np.float64), inverse, c) for c in range(F)]
one_step_keep = sorted(np.argsort(one_step, kind="stable")[F // 2:])
w_greedy, removed = wd.astype(np.float64), []
for _ in range(F // 2):
    cost = [np.inf if c in removed else block_cost(w_greedy, inverse, c)
            for c in range(F)]
    c = int(np.argmin(cost))
    across = inverse[:, blocks[c]]
    block = inverse[np.ix_(blocks[c], blocks[c])]
    w_greedy -= across @ np.linalg.solve(block, w_greedy[blocks[c]])
    inverse -= across @ np.linalg.solve(block, across.T)
    removed.append(c)
greedy_keep = sorted(set(range(F)) - set(removed))
check(greedy_keep != one_step_keep,
      f"filters: the greedy choice {greedy_keep} differs from the one-step "
      f"choice {one_step_keep} on this model")
check(len(kept_filters) == 1 and
      np.array_equal(kept_filters[0], wc[greedy_keep, :, 0, 0]),
      "filters: compress-prune-filters keeps NumPy's greedy choice")

# Fewer vectors than the dense layer has inputs (one sample: M = 16 vectors
# for F * P = 32 columns): the refit is damped toward the channel
# regression's weights, not toward the kept weights. Per position p,
# filter r's output is regressed on the kept filters' (and a constant)
# over all samples and positions, x_r ~ sum_k A_kr x_k + c_r (A: G_KK^-1
# G_KR of the filters' Gram matrix G, 1e-3 of its mean diagonal added on
# the filters); the prior moves W[r*P + p] onto W[k*P + p] by A_kr; the
# refit is [V; b] = argmin ||X_S V + b - X W||^2 + d ||V - prior_S||^2.
# Compress's dense weights and bias must be NumPy's, and on the other
# samples the refit must be closer to the unpruned output than the same fit
# damped toward the kept weights.
few_data = save_samples(os.path.join(work, "conv-few"), conv_xs[:1])
out = subprocess.run(
    ["compress-opt", cnn, "--compress-prune-filters=ratio=0.5 "
     f"reconstruct=true data={few_data}",
     "--mlir-print-elementsattrs-with-hex-if-larger=1"],
    check=True, capture_output=True, text=True)
check(f"{M} input vectors on the data for {F * P} inputs" in out.stderr,
      "filters, one sample: the remark on too few input vectors")


def constant_of(text, shape):
    found = re.findall(r'arith\.constant (?:\{[^}]*\} )?dense<"0x([0-9A-F]+)"> : '
                       rf'tensor<{"x".join(map(str, shape))}xf32>', text)
    return [np.frombuffer(bytes.fromhex(h), "<f4").reshape(shape)
            for h in found]


few_filters = constant_of(out.stdout, (F // 2, C, 1, 1))
few_dense = constant_of(out.stdout, (F // 2 * P, N))
few_bias = constant_of(out.stdout, (N,))
kept = [next(f for f in range(F) if np.array_equal(wc[f], k))
        for k in few_filters[0]] if len(few_filters) == 1 else []
removed_f = sorted(set(range(F)) - set(kept))


def features(xs_):
    x_ = np.concatenate(xs_).astype(np.float64)
    f_ = np.einsum("nchw,fc->nfhw", x_, wc[:, :, 0, 0].astype(np.float64))
    return np.maximum(f_ + bc[None, :, None, None], 0).reshape(len(x_), F, P)


def dense_refit(feat, prior_of):
    x_ = feat.reshape(len(feat), F * P)
    g_, sm = x_.T @ x_, x_.sum(0)
    cols = [f * P + q for f in kept for q in range(P)]
    hs = g_[np.ix_(cols, cols)]
    dd = 0.01 * np.mean(np.diag(hs))
    w_ = wd.astype(np.float64)
    system = np.block([[hs + dd * np.eye(len(cols)), sm[cols][:, None]],
                       [sm[cols][None, :], np.array([[len(x_)]])]])
    sol = np.linalg.solve(system, np.vstack([g_[cols] @ w_ +
                                             dd * prior_of(feat, w_)[cols],
                                             sm @ w_]))
    return sol[:-1], bd + sol[-1]


def channel_prior(feat, w_):
    per_position = feat.transpose(0, 2, 1).reshape(-1, F)
    aug = np.hstack([per_position, np.ones((len(per_position), 1))])
    g_ = aug.T @ aug
    keep_c = kept + [F]
    gkk = g_[np.ix_(keep_c, keep_c)].copy()
    gkk[np.arange(len(kept)), np.arange(len(kept))] += 1e-3 * np.mean(
        np.diag(g_)[:F])
    a_ = np.linalg.solve(gkk, g_[np.ix_(keep_c, removed_f)])
    prior = w_.copy()
    for i, k in enumerate(kept):
        for j, r in enumerate(removed_f):
            prior[k * P:(k + 1) * P] += a_[i, j] * w_[r * P:(r + 1) * P]
    return prior


if len(kept) == F // 2 and len(few_dense) == 1 and len(few_bias) == 1:
    v_want, b_want = dense_refit(features(conv_xs[:1]), channel_prior)
    diff = max(np.abs(few_dense[0] - v_want).max() / np.abs(v_want).max(),
               np.abs(few_bias[0] - b_want).max() / np.abs(b_want).max())
    check(diff <= 1e-5, f"filters, one sample: the dense refit is NumPy's "
          f"(damped toward the channel regression; largest difference "
          f"{diff:.2e} of the largest value)")
    v_plain, b_plain = dense_refit(features(conv_xs[:1]),
                                   lambda feat, w_: w_)
    rest = features(conv_xs[1:]).reshape(-1, F * P)
    cols = [f * P + q for f in kept for q in range(P)]
    want_out = rest @ wd.astype(np.float64) + bd
    e_prior = np.linalg.norm(rest[:, cols] @ v_want + b_want - want_out)
    e_plain = np.linalg.norm(rest[:, cols] @ v_plain + b_plain - want_out)
    check(e_prior < e_plain,
          f"filters, one sample: on the other samples the output error is "
          f"{e_prior:.4f} with the channel-regression prior, {e_plain:.4f} "
          f"damped toward the kept weights")
else:
    check(False, f"filters, one sample: expected one pruned filter, dense "
          f"and bias constant, got {len(few_filters)}, {len(few_dense)}, "
          f"{len(few_bias)}")

sys.exit(check.finish())
