# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Driver of prune-sparsegpt.mlir: SparseGPT pruning against NumPy.

Writes small models (an MLP; a strided convolution followed by a depthwise
one) and calibration samples, prunes them with compress-opt
--compress-prune-magnitude / --compress-prune-nm algorithm=sparsegpt, and
checks every pruned weight against an independent NumPy implementation of
SparseGPT run on Gram matrices NumPy computes from the same samples.

The inputs are small integers and the first layers' weights multiples of
1/8, so every activation a later layer reads is exact in float32 in both
compress and NumPy; the Gram matrices then agree to the last bit and the
reference differs from compress only by the Cholesky factorizations
(NumPy/LAPACK against Eigen). Sequential pruning is checked with and without
the teacher (each layer first refit to the unpruned model's output of it).

Usage: prune-sparsegpt.mlir.py WORKDIR
"""

import math
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
SAMPLES = 6
check = Checks()



# ----------------------------------------------------------------------------
# The models
# ----------------------------------------------------------------------------

M, K, H, N = 8, 32, 48, 16
# Correlated inputs (integer mixtures of 12 integer sources), as real
# activations are: SparseGPT's compensation has something to work with.
mixing = rng.integers(-1, 2, (12, K))
x_mlp = [(rng.integers(-2, 3, (M, 12)) @ mixing).astype(np.float32)
         for _ in range(SAMPLES)]
w1 = (rng.integers(-16, 17, (K, H)) / 8).astype(np.float32)
b1 = (rng.integers(-8, 9, (H,)) / 8).astype(np.float32)
w2 = rng.standard_normal((H, N)).astype(np.float32)
# One input column that is always zero: a dead input of layer 1.
for x in x_mlp:
    x[:, 5] = 0

MLP = f"""
func.func @mlp(%x: {t(M, K)}) -> {t(M, N)} {{
  %w1 = arith.constant {hexc(w1)} : {t(K, H)}
  %b1 = arith.constant {hexc(b1)} : {t(H,)}
  %w2 = arith.constant {hexc(w2)} : {t(H, N)}
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : {t(M, H)}
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : {t(M, H)}) -> {t(M, H)}
  %m1 = linalg.matmul ins(%x, %w1 : {t(M, K)}, {t(K, H)}) outs(%f1 : {t(M, H)}) -> {t(M, H)}
  %h = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}}
      ins(%m1, %b1 : {t(M, H)}, {t(H,)}) outs(%e1 : {t(M, H)}) {{
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }} -> {t(M, H)}
  %e2 = tensor.empty() : {t(M, N)}
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : {t(M, N)}) -> {t(M, N)}
  %y = linalg.matmul ins(%h, %w2 : {t(M, H)}, {t(H, N)}) outs(%f2 : {t(M, N)}) -> {t(M, N)}
  return %y : {t(M, N)}
}}
"""

B, C, F, S = 2, 8, 12, 9  # batch, in channels, filters, input size
OS = (S - 3) // 2 + 1  # output size of the 3x3 stride-2 convolution
DS = OS - 2  # output size of the 3x3 depthwise convolution
x_cnn = [rng.integers(-2, 3, (B, C, S, S)).astype(np.float32)
         for _ in range(SAMPLES)]
wc = (rng.integers(-8, 9, (F, C, 3, 3)) / 8).astype(np.float32)
wd = rng.standard_normal((F, 3, 3)).astype(np.float32)

CNN = f"""
func.func @cnn(%x: {t(B, C, S, S)}) -> {t(B, F, DS, DS)} {{
  %wc = arith.constant {hexc(wc)} : {t(F, C, 3, 3)}
  %wd = arith.constant {hexc(wd)} : {t(F, 3, 3)}
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : {t(B, F, OS, OS)}
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : {t(B, F, OS, OS)}) -> {t(B, F, OS, OS)}
  %c = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}}
      ins(%x, %wc : {t(B, C, S, S)}, {t(F, C, 3, 3)}) outs(%f1 : {t(B, F, OS, OS)}) -> {t(B, F, OS, OS)}
  %e2 = tensor.empty() : {t(B, F, DS, DS)}
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : {t(B, F, DS, DS)}) -> {t(B, F, DS, DS)}
  %y = linalg.depthwise_conv_2d_nchw_chw {{dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}}
      ins(%c, %wd : {t(B, F, OS, OS)}, {t(F, 3, 3)}) outs(%f2 : {t(B, F, DS, DS)}) -> {t(B, F, DS, DS)}
  return %y : {t(B, F, DS, DS)}
}}
"""


def write_model(name, text, samples):
    path = os.path.join(work, name + ".mlir")
    with open(path, "w") as f:
        f.write(text)
    data = os.path.join(work, name + "-data")
    os.makedirs(data, exist_ok=True)
    for i, x in enumerate(samples):
        np.save(os.path.join(data, f"s{i:02d}.npy"), x)
    return path, data


mlp_path, mlp_data = write_model("mlp", MLP, x_mlp)
cnn_path, cnn_data = write_model("cnn", CNN, x_cnn)


def prune(path, pass_text, shapes):
    """Runs compress-opt; returns the pruned weights in program order."""
    out = subprocess.run(
        ["compress-opt", path, pass_text,
         "--mlir-print-elementsattrs-with-hex-if-larger=1"],
        check=True, capture_output=True, text=True).stdout
    found = re.findall(
        r'arith\.constant \{compress\.sparsity[^}]*\} dense<"0x([0-9A-F]+)">',
        out)
    return [np.frombuffer(bytes.fromhex(h), "<f4").reshape(s)
            for h, s in zip(found, shapes)], len(found)


# SparseGPT's sweep alone (admm=0); ADMM is checked at the end.
SWEEP_MAGNITUDE = "--compress-prune-magnitude=algorithm=sparsegpt admm=0 "
SWEEP_NM = "--compress-prune-nm=algorithm=sparsegpt admm=0 "


# ----------------------------------------------------------------------------
# The reference
# ----------------------------------------------------------------------------


def mlp_layer_inputs():
    """Each layer's input vectors, stacked over samples (unpruned model)."""
    first = np.concatenate(x_mlp).astype(np.float64)
    hidden = np.maximum(np.concatenate(x_mlp) @ w1 + b1, 0).astype(np.float64)
    return first, hidden


def conv_patches(x, stride):
    """[positions, C*3*3] patches of a 3x3 convolution, (c, kh, kw) order."""
    b, c, s, _ = x.shape
    o = (s - 3) // stride + 1
    cols = np.empty((b, o, o, c, 3, 3))
    for kh in range(3):
        for kw in range(3):
            cols[:, :, :, :, kh, kw] = x[:, :, kh:kh + stride * o:stride,
                                          kw:kw + stride * o:stride
                                          ].transpose(0, 2, 3, 1)
    return cols.reshape(b * o * o, c * 9)


def conv_forward(x, w):
    patches = conv_patches(x.astype(np.float64), 2)
    y = patches @ w.reshape(F, -1).T.astype(np.float64)
    return y.reshape(x.shape[0], OS, OS, F).transpose(0, 3, 1, 2)


def round_half_up(v):
    return int(math.floor(v + 0.5))


def refit_kept(w, target, h, zero, iterations):
    """Conjugate gradients on tr((W - T) h (W - T)^T) over the entries of w
    not in `zero`, each row its own problem, from w."""
    kept = ~zero
    w = w.copy()
    residual = -((w - target) @ h) * kept
    direction = residual.copy()
    norms = (residual * residual).sum(1)
    for _ in range(iterations):
        moved = (direction @ h) * kept
        curvature = (direction * moved).sum(1)
        for r in range(w.shape[0]):
            if curvature[r] > 0:
                step = norms[r] / curvature[r]
                w[r] += step * direction[r]
                residual[r] -= step * moved[r]
        nxt = (residual * residual).sum(1)
        beta = np.divide(nxt, norms, out=np.zeros_like(nxt), where=norms > 0)
        direction = residual + beta[:, None] * direction
        norms = nxt
    return w


def sparsegpt(w, h, fraction=None, nm=None, damp=0.01, block=128, refit=0):
    """SparseGPT on w [rows, cols] with input Gram matrix h [cols, cols],
    then `refit` steps of the kept weights' refit.

    nm = (n, m, stride, extent): keep n of m columns first + j * stride.
    """
    w = w.astype(np.float64).copy()
    h = h.astype(np.float64).copy()
    dead = np.diag(h) == 0
    h[dead, dead] = 1
    w[:, dead] = 0
    h += damp * np.mean(np.diag(h)) * np.eye(len(h))
    unpruned = w.copy()
    u = np.linalg.cholesky(np.linalg.inv(h)).T
    rows, cols = w.shape
    mask = np.zeros(w.shape, bool)
    total = round(fraction * rows * cols) if fraction is not None else 0
    for b0 in range(0, cols, block):
        b1 = min(cols, b0 + block)
        if fraction is not None:
            count = (round_half_up(total * b1 / cols) -
                     round_half_up(total * b0 / cols))
            score = (w[:, b0:b1] ** 2 / np.diag(u)[b0:b1] ** 2).ravel()
            order = np.lexsort((np.arange(score.size), score))[:count]
            sub = mask[:, b0:b1]
            sub[np.unravel_index(order, sub.shape)] = True
        errors = np.zeros((rows, b1 - b0))
        for i in range(b0, b1):
            if nm and ((i // nm[2]) % nm[3]) % nm[1] == 0:
                members = i + nm[2] * np.arange(nm[1])
                for r in range(rows):
                    score = w[r, members] ** 2 / np.diag(u)[members] ** 2
                    order = np.argsort(score, kind="stable")
                    mask[r, members[order[:nm[1] - nm[0]]]] = True
            q = np.where(mask[:, i], 0.0, w[:, i])
            err = (w[:, i] - q) / u[i, i]
            w[:, i + 1:b1] -= np.outer(err, u[i, i + 1:b1])
            w[:, i] = q
            errors[:, i - b0] = err
        w[:, b1:] -= errors @ u[b0:b1, b1:]
    if refit:
        w = refit_kept(w, unpruned, h, (w == 0) | mask, refit)
    return w


def gram(x):
    return x.T @ x


def compare(got, want, what):
    """Same zeros, and the values within float32 rounding of the reference."""
    want32 = want.astype(np.float32)
    same_zeros = np.array_equal(got == 0, want32 == 0)
    scale = np.abs(want).max()
    diff = np.abs(got.astype(np.float64) - want).max() / scale
    check(same_zeros and diff < 1e-5,
          f"{what}: zeros {int((got == 0).sum())}/{got.size} "
          f"(reference {int((want32 == 0).sum())}), "
          f"max difference {diff:.1e} of the largest weight")


# ----------------------------------------------------------------------------
# MLP
# ----------------------------------------------------------------------------

x1, x2 = mlp_layer_inputs()
h1, h2 = gram(x1), gram(x2)
# Layer views: rows = output channels, columns = reduction (K).
mlp_shapes = [(K, H), (H, N)]

got, count = prune(mlp_path, SWEEP_MAGNITUDE + "refit=0 "
                   "sparsity=0.6 block-size=16 sequential=false "
                   f"data={mlp_data}", mlp_shapes)
check(count == 2, f"unstructured: {count} pruned weights")
want1 = sparsegpt(w1.T, h1, fraction=0.6, block=16).T
want2 = sparsegpt(w2.T, h2, fraction=0.6, block=16).T
compare(got[0], want1, "unstructured 60%, layer 1")
compare(got[1], want2, "unstructured 60%, layer 2")
check(int((got[0][5] != 0).sum()) == 0,
      "the dead input's weights are zero")


def layer_error(x, w, p):
    """Relative change of a layer's output on its calibration inputs."""
    return np.linalg.norm(x @ (p - w)) / np.linalg.norm(x @ w)


# What SparseGPT minimizes: each layer's output error on its (unpruned)
# inputs, far below magnitude pruning's at the same sparsity.
magnitude, _ = prune(mlp_path, "--compress-prune-magnitude=sparsity=0.6",
                     mlp_shapes)
for i, (x, w) in enumerate(((x1, w1), (x2, w2))):
    e_sgpt = layer_error(x, w, got[i])
    e_mag = layer_error(x, w, magnitude[i])
    check(e_sgpt < 0.7 * e_mag,
          f"layer {i + 1} output error on the data: sparsegpt {e_sgpt:.3f}, "
          f"magnitude {e_mag:.3f}")

got, _ = prune(mlp_path, SWEEP_NM + "refit=0 n=2 m=4 "
               f"sequential=false data={mlp_data}", mlp_shapes)
compare(got[0], sparsegpt(w1.T, h1, nm=(2, 4, 1, K)).T, "2:4, layer 1")
compare(got[1], sparsegpt(w2.T, h2, nm=(2, 4, 1, H)).T, "2:4, layer 2")
groups = np.abs(got[1]).reshape(H // 4, 4, N).astype(bool).sum(1)
check(groups.max() <= 2, "2:4: at most 2 non-zeros per group of 4")

# scope=global: magnitude ranking over both weights decides each layer's
# share (ties: the earlier element), then SparseGPT per layer.
flat = np.concatenate([w1.ravel(), w2.ravel()])
order = np.lexsort((np.arange(flat.size), np.abs(flat)))
pruned = np.zeros(flat.size, bool)
pruned[order[:round(0.7 * flat.size)]] = True
f1 = pruned[:w1.size].mean()
f2 = pruned[w1.size:].mean()
got, _ = prune(mlp_path, SWEEP_MAGNITUDE + "refit=0 "
               f"sparsity=0.7 scope=global sequential=false data={mlp_data}",
               mlp_shapes)
compare(got[0], sparsegpt(w1.T, h1, fraction=f1).T,
        f"global 70%, layer 1 ({f1:.3f} of it)")
compare(got[1], sparsegpt(w2.T, h2, fraction=f2).T,
        f"global 70%, layer 2 ({f2:.3f} of it)")

# sequential teacher=false: layer 2 is measured on the output of the pruned
# layer 1 (its weights as compress wrote them; float32 sums of arbitrary
# floats now, so the Gram matrices agree to rounding, not to the bit).
got, _ = prune(mlp_path, SWEEP_MAGNITUDE + "refit=0 "
               f"sparsity=0.6 teacher=false data={mlp_data}", mlp_shapes)
compare(got[0], sparsegpt(w1.T, h1, fraction=0.6).T,
        "sequential 60%, layer 1")
x2_seq = np.maximum(np.concatenate(x_mlp).astype(np.float64) @ got[0] + b1, 0)
compare(got[1], sparsegpt(w2.T, gram(x2_seq), fraction=0.6).T,
        "sequential 60%, layer 2 (measured after layer 1 was pruned)")
parallel2 = sparsegpt(w2.T, h2, fraction=0.6).T
check(np.abs(got[1] - parallel2).max() > 1e-3 * np.abs(parallel2).max(),
      "sequential and one-run statistics give different layer 2 weights")
student_only = got[1]


def align(w, x_teacher, x, damp=0.01):
    """w [rows, cols] refit so that x V^T matches x_teacher w^T, damped
    toward w: W (C + d I)(H + d I)^-1."""
    h = gram(x)
    d = damp * np.mean(np.diag(h)) * np.eye(len(h))
    return np.linalg.solve(h + d, (x_teacher.T @ x).T @ w.T + d @ w.T).T


# sequential with the teacher (the default): layer 2 is first refit to the
# unpruned model's layer-2 output on the pruned model's inputs, then pruned
# with the pruned model's Gram matrix.
got, _ = prune(mlp_path, SWEEP_MAGNITUDE + "refit=0 "
               f"sparsity=0.6 data={mlp_data}", mlp_shapes)
compare(got[0], sparsegpt(w1.T, h1, fraction=0.6).T,
        "teacher 60%, layer 1 (its inputs are the teacher's)")
x2_seq = np.maximum(np.concatenate(x_mlp).astype(np.float64) @ got[0] + b1, 0)
compare(got[1], sparsegpt(align(w2.T, x2, x2_seq), gram(x2_seq),
                          fraction=0.6).T,
        "teacher 60%, layer 2 (fit to the unpruned model's output)")
# What the teacher is for: the pruned model's output on the data is closer
# to the unpruned model's.
want_y = x2 @ w2
e_teacher = np.linalg.norm(x2_seq @ got[1] - want_y) / np.linalg.norm(want_y)
e_student = (np.linalg.norm(x2_seq @ student_only - want_y) /
             np.linalg.norm(want_y))
check(e_teacher < 0.9 * e_student,
      f"model output error on the data: teacher {e_teacher:.4f}, "
      f"teacher=false {e_student:.4f}")

# refit (20 steps by default): conjugate gradients on each row's kept
# weights with the zeros fixed. Run to convergence, it must reach the exact
# masked least-squares fit, (H + d)_SS v = ((H + d) w)_S per row, which
# NumPy solves directly; by default it lowers each layer's output error.
def masked_fit(w_rows, h, pruned, damp=0.01):
    hd = h.astype(np.float64).copy()
    dead = np.diag(hd) == 0  # as SparseGPT treats them: H_ii = 1
    hd[dead, dead] = 1
    hd += damp * np.mean(np.diag(hd)) * np.eye(len(hd))
    out = np.zeros_like(w_rows, dtype=np.float64)
    for r in range(w_rows.shape[0]):
        s = pruned[r] != 0
        out[r, s] = np.linalg.solve(hd[np.ix_(s, s)], (hd @ w_rows[r])[s])
    return out


plain, _ = prune(mlp_path, SWEEP_NM + "refit=0 "
                 f"n=2 m=4 sequential=false data={mlp_data}", mlp_shapes)
converged, _ = prune(mlp_path, SWEEP_NM +
                     f"refit=400 n=2 m=4 sequential=false data={mlp_data}",
                     mlp_shapes)
default, _ = prune(mlp_path, SWEEP_NM + "n=2 "
                   f"m=4 sequential=false data={mlp_data}", mlp_shapes)
for i, (x, w, h) in enumerate(((x1, w1, h1), (x2, w2, h2))):
    compare(converged[i], masked_fit(w.T.astype(np.float64), h,
                                     plain[i].T).T,
            f"refit to convergence, 2:4 layer {i + 1}")
    e_plain = layer_error(x, w, plain[i])
    e_default = layer_error(x, w, default[i])
    check(np.array_equal(default[i] == 0, plain[i] == 0) and
          e_default < e_plain,
          f"refit=20, 2:4 layer {i + 1}: same zeros, output error "
          f"{e_default:.4f} (sweep alone {e_plain:.4f})")

# ----------------------------------------------------------------------------
# Convolutions: strided, then depthwise (one group per channel)
# ----------------------------------------------------------------------------

xs = [x.astype(np.float64) for x in x_cnn]
hc = sum(gram(conv_patches(x, 2)) for x in xs)
mids = [conv_forward(x, wc) for x in xs]
cnn_shapes = [(F, C, 3, 3), (F, 3, 3)]

got, count = prune(cnn_path, SWEEP_MAGNITUDE + "refit=0 "
                   f"sparsity=0.5 sequential=false data={cnn_data}",
                   cnn_shapes)
check(count == 2, f"convolutions: {count} pruned weights")
compare(got[0], sparsegpt(wc.reshape(F, -1), hc, fraction=0.5
                          ).reshape(wc.shape), "conv 3x3/2, 50%")
want_d = np.empty_like(wd, dtype=np.float64)
for c in range(F):
    patches = np.concatenate([conv_patches(m[:, c:c + 1], 1) for m in mids])
    want_d[c] = sparsegpt(wd[c].reshape(1, 9), gram(patches),
                          fraction=0.5).reshape(3, 3)
compare(got[1], want_d, "depthwise 3x3, 50% of each channel")

# N:M on the convolution: groups of 4 input channels at each (kh, kw): the
# columns c * 9 + k, 9 apart. The depthwise filter has no reduction channel.
got, count = prune(cnn_path, SWEEP_NM + "refit=0 n=2 m=4 "
                   f"sequential=false data={cnn_data}", cnn_shapes[:1])
check(count == 1, "2:4 prunes the convolution only")
compare(got[0], sparsegpt(wc.reshape(F, -1), hc, nm=(2, 4, 9, C)
                          ).reshape(wc.shape), "conv 3x3/2, 2:4 along C")

# ----------------------------------------------------------------------------
# ADMM (the default, admm=300): from the sweep's refit result, alternate a
# damped least-squares step toward the layer's output with a projection onto
# the sparsity pattern under a growing penalty, refit the kept weights, and
# keep whichever mask has the smaller output error.
# ----------------------------------------------------------------------------


def project(z, dead, zeros=None, nm=None):
    """z with the pattern's smallest-magnitude entries zeroed (dead columns
    first; ties: the lower (row, column)), and the mask of zeros."""
    key = np.where(dead[None, :], -1.0, np.abs(z))
    zero = np.zeros(z.shape, bool)
    if nm:
        n, m, stride, extent = nm
        for first in range(z.shape[1]):
            if ((first // stride) % extent) % m:
                continue
            members = first + stride * np.arange(m)
            for r in range(z.shape[0]):
                order = np.argsort(key[r, members], kind="stable")
                zero[r, members[order[:m - n]]] = True
    else:
        flat = key.ravel()
        order = np.lexsort((np.arange(flat.size), flat))[:zeros]
        zero.ravel()[order] = True
    return np.where(zero, 0.0, z), zero


def sparsegpt_admm(w, h, fraction=None, nm=None, damp=0.01, refit=20,
                   iterations=300):
    """SparseGPT (with the refit), then ADMM; the better of the two."""
    dead = np.diag(h) == 0
    swept = sparsegpt(w, h, fraction=fraction, nm=nm, damp=damp, refit=refit)
    w0 = w.astype(np.float64).copy()
    w0[:, dead] = 0
    hd = h.astype(np.float64).copy()
    hd[dead, dead] = 1
    hd += damp * np.mean(np.diag(hd)) * np.eye(len(hd))
    zeros = int((swept == 0).sum())
    target = w0 @ hd
    rho = 0.01 * np.mean(np.diag(hd))
    z = swept.copy()
    v = np.zeros_like(z)
    previous = swept == 0
    settled = 0
    for it in range(iterations):
        if it % 5 == 0:
            if it:
                rho *= 1.03 ** 5
            shifted = hd + rho * np.eye(len(hd))
        d = np.linalg.solve(shifted, (target + rho * (z - v)).T).T
        z, zero = project(d + v, dead, zeros=zeros, nm=nm)
        v += d - z
        if np.array_equal(zero, previous):
            settled += 1
        else:
            settled = 0
            previous = zero
        if settled >= 10 and (np.linalg.norm(d - z) <=
                              1e-3 * np.linalg.norm(z)):
            break
    refined = refit_kept(z, w0, hd, zero, refit) if refit else z

    def error(x):
        delta = x - w0
        return ((delta @ hd) * delta).sum()
    return refined if error(refined) < error(swept) else swept


admm_cases = [
    ("2:4", "--compress-prune-nm=algorithm=sparsegpt n=2 m=4 "
     f"sequential=false data={mlp_data}",
     [dict(nm=(2, 4, 1, K)), dict(nm=(2, 4, 1, H))]),
    ("unstructured 60%", "--compress-prune-magnitude=algorithm=sparsegpt "
     f"sparsity=0.6 sequential=false data={mlp_data}",
     [dict(fraction=0.6), dict(fraction=0.6)]),
]
for name, options, targets in admm_cases:
    got, _ = prune(mlp_path, options, mlp_shapes)
    swept, _ = prune(mlp_path, options.replace("algorithm=sparsegpt",
                                     "algorithm=sparsegpt admm=0"),
                     mlp_shapes)
    for i, (x, w, h) in enumerate(((x1, w1, h1), (x2, w2, h2))):
        compare(got[i], sparsegpt_admm(w.T, h, **targets[i]).T,
                f"ADMM, {name}, layer {i + 1}")
        e_admm = layer_error(x, w, got[i])
        e_sweep = layer_error(x, w, swept[i])
        check(e_admm < 0.97 * e_sweep,
              f"ADMM, {name}, layer {i + 1}: output error {e_admm:.4f} "
              f"(sweep and refit: {e_sweep:.4f})")

got, _ = prune(cnn_path, "--compress-prune-nm=algorithm=sparsegpt n=2 m=4 "
               f"sequential=false data={cnn_data}", cnn_shapes[:1])
compare(got[0], sparsegpt_admm(wc.reshape(F, -1), hc, nm=(2, 4, 9, C)
                               ).reshape(wc.shape),
        "ADMM, conv 3x3/2, 2:4 along C")
groups = (got[0] != 0).reshape(F, C // 4, 4, 9).sum(2)
check(groups.max() <= 2, "ADMM 2:4 on the convolution: at most 2 non-zeros "
      "per group of 4 input channels")

# The same with ADMM (one problem per depthwise channel, each keeping its
# share of zeros).
got, _ = prune(cnn_path, "--compress-prune-magnitude=algorithm=sparsegpt "
               f"sparsity=0.5 sequential=false data={cnn_data}", cnn_shapes)
compare(got[0], sparsegpt_admm(wc.reshape(F, -1), hc, fraction=0.5
                               ).reshape(wc.shape), "ADMM, conv 3x3/2, 50%")
for c in range(F):
    patches = np.concatenate([conv_patches(m[:, c:c + 1], 1) for m in mids])
    want_d[c] = sparsegpt_admm(wd[c].reshape(1, 9), gram(patches),
                               fraction=0.5).reshape(3, 3)
compare(got[1], want_d, "ADMM, depthwise 3x3, 50% of each channel")

# admm-budget: a layer whose iterations would cost more keeps the sweep's
# mask, with a remark naming it.
budget = subprocess.run(
    ["compress-opt", mlp_path, "--compress-prune-nm=algorithm=sparsegpt n=2 "
     f"m=4 sequential=false admm-budget=0.0001 data={mlp_data}",
     "--mlir-print-elementsattrs-with-hex-if-larger=1"],
    check=True, capture_output=True, text=True)
remarks = re.findall(r"remark: compress-prune-nm: the ADMM refinement did "
                     r"not run: 300 iterations on (\d+) x (\d+) weights",
                     budget.stderr)
check(remarks == [(str(H), str(K)), (str(N), str(H))],
      f"admm-budget: a remark per layer over it ({remarks})")
swept, _ = prune(mlp_path, SWEEP_NM +
                 f"n=2 m=4 sequential=false data={mlp_data}", mlp_shapes)
found = re.findall(
    r'arith\.constant \{compress\.sparsity[^}]*\} dense<"0x([0-9A-F]+)">',
    budget.stdout)
check(len(found) == 2 and all(
    np.array_equal(np.frombuffer(bytes.fromhex(f), "<f4").reshape(shape), w)
    for f, shape, w in zip(found, mlp_shapes, swept)),
    "admm-budget: the layers over it keep the sweep's weights")

sys.exit(check.finish())
