# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""conv-pool.mlir's program and checks.

  conv_pool.py write DIR: DIR/net.mlir (random weights and biases) and its
      inputs DIR/x.npy, DIR/s.npy.
  conv_pool.py check DIR: the runs' outputs (fused1, fused2, avx2, off) are
      the same bits, and off equals a float64 NumPy evaluation within
      float32 rounding (a bound of the terms' magnitudes).

The program: (1) a padded 3x3 convolution of 13 images (groups of images
that fill the runtime's chunk buffer and one that does not), bias, ReLU, a
2x2 max pooling at stride 2; (2) a 7x7 stride-2 stem, bias, ReLU, a 3x3
stride-2 max pooling padded with -inf; (3) a convolution, bias, ReLU whose
output is pooled and also returned (not fused); (4) a 16-channel 3x3
convolution into 32 filters (filters in panels: on AVX-512 the pooling
runs on the kernel's sums before the epilogue), ReLU6, 2x2 pooling.
"""

import sys

import numpy as np

N, C, H, F = 13, 1, 28, 16          # (1) and (3)
SN, SC, SH, SF = 2, 3, 20, 16       # (2): output 10x10, pooled 5x5
DN, DC, DH, DF = 13, 16, 14, 32     # (4): pooled 7x7


def params():
    rng = np.random.default_rng(11)
    f32 = np.float32
    return dict(
        x=rng.standard_normal((N, C, H, H)).astype(f32),
        w1=rng.standard_normal((F, C, 3, 3)).astype(f32),
        b1=rng.standard_normal(F).astype(f32),
        s=rng.standard_normal((SN, SC, SH, SH)).astype(f32),
        w2=rng.standard_normal((SF, SC, 7, 7)).astype(f32),
        b2=rng.standard_normal(SF).astype(f32),
        w3=rng.standard_normal((F, C, 3, 3)).astype(f32),
        b3=rng.standard_normal(F).astype(f32),
        y=rng.standard_normal((DN, DC, DH, DH)).astype(f32),
        w4=rng.standard_normal((DF, DC, 3, 3)).astype(f32),
        b4=rng.standard_normal(DF).astype(f32))


def hexdense(a):
    return 'dense<"0x' + a.astype("<f4").tobytes().hex().upper() + '">'


def block(name, x, n, c, h, f, k, stride, pad, oh, w, b, pk, ps, ppad, ph,
          hi=None):
    """MLIR for conv (padded by `pad` zeros) + bias + ReLU (ReLU6 with hi)
    + max pooling (padded by `ppad` -inf); its results are %{name}r and
    %{name}p."""
    hp, op = h + 2 * pad, oh + 2 * ppad
    t = f"tensor<{n}x{f}x{oh}x{oh}xf32>"
    pt = f"tensor<{n}x{f}x{ph}x{ph}xf32>"
    s = f"""  %{name}w = arith.constant {hexdense(w)} : tensor<{f}x{c}x{k}x{k}xf32>
  %{name}b = arith.constant {hexdense(b)} : tensor<{f}xf32>
  %{name}x = tensor.pad {x} low[0, 0, {pad}, {pad}] high[0, 0, {pad}, {pad}] {{
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %z : f32
  }} : tensor<{n}x{c}x{h}x{h}xf32> to tensor<{n}x{c}x{hp}x{hp}xf32>
  %{name}e = tensor.empty() : {t}
  %{name}f = linalg.fill ins(%z : f32) outs(%{name}e : {t}) -> {t}
  %{name}c = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>, strides = dense<{stride}> : tensor<2xi64>}}
      ins(%{name}x, %{name}w : tensor<{n}x{c}x{hp}x{hp}xf32>, tensor<{f}x{c}x{k}x{k}xf32>) outs(%{name}f : {t}) -> {t}
  %{name}r = linalg.generic {{indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%{name}c, %{name}b : {t}, tensor<{f}xf32>) outs(%{name}e : {t}) {{
  ^bb0(%v: f32, %q: f32, %o: f32):
    %a = arith.addf %v, %q : f32
    %m = arith.maximumf %a, %z : f32
    {f"%u = arith.minimumf %m, %six : f32" if hi else ""}
    linalg.yield {"%u" if hi else "%m"} : f32
  }} -> {t}
"""
    src = f"%{name}r"
    if ppad:
        s += f"""  %{name}q = tensor.pad %{name}r low[0, 0, {ppad}, {ppad}] high[0, 0, {ppad}, {ppad}] {{
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %ninf : f32
  }} : {t} to tensor<{n}x{f}x{op}x{op}xf32>
"""
        src = f"%{name}q"
    s += f"""  %{name}pe = tensor.empty() : {pt}
  %{name}pf = linalg.fill ins(%ninf : f32) outs(%{name}pe : {pt}) -> {pt}
  %{name}win = tensor.empty() : tensor<{pk}x{pk}xf32>
  %{name}p = linalg.pooling_nchw_max {{dilations = dense<1> : tensor<2xi64>, strides = dense<{ps}> : tensor<2xi64>}}
      ins({src}, %{name}win : tensor<{n}x{f}x{op}x{op}xf32>, tensor<{pk}x{pk}xf32>) outs(%{name}pf : {pt}) -> {pt}
"""
    return s


def write(tmp):
    p = params()
    np.save(f"{tmp}/x.npy", p["x"])
    np.save(f"{tmp}/s.npy", p["s"])
    np.save(f"{tmp}/y.npy", p["y"])
    t1 = f"tensor<{N}x{F}x14x14xf32>"
    t2 = f"tensor<{SN}x{SF}x5x5xf32>"
    t3 = f"tensor<{N}x{F}x{H}x{H}xf32>"
    t4 = f"tensor<{DN}x{DF}x7x7xf32>"
    body = (block("a", "%x", N, C, H, F, 3, 1, 1, H, p["w1"], p["b1"], 2, 2, 0, 14)
            + block("b", "%s", SN, SC, SH, SF, 7, 2, 3, 10, p["w2"], p["b2"], 3, 2, 1, 5)
            + block("c", "%x", N, C, H, F, 3, 1, 1, H, p["w3"], p["b3"], 2, 2, 0, 14)
            + block("d", "%y", DN, DC, DH, DF, 3, 1, 1, DH, p["w4"], p["b4"], 2, 2, 0, 7,
                    hi=6.0))
    with open(f"{tmp}/net.mlir", "w") as f:
        f.write(f"""#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>
func.func @main(%x: tensor<{N}x{C}x{H}x{H}xf32>, %s: tensor<{SN}x{SC}x{SH}x{SH}xf32>, %y: tensor<{DN}x{DC}x{DH}x{DH}xf32>) -> ({t1}, {t2}, {t1}, {t3}, {t4}) {{
  %z = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
{body}  return %ap, %bp, %cp, %cr, %dp : {t1}, {t2}, {t1}, {t3}, {t4}
}}
""")


def conv_relu(x, w, b, stride, pad, hi=np.inf):
    """Float64 NCHW convolution + bias + ReLU (clamped at hi) and a
    rounding bound for it."""
    n, f, k = x.shape[0], w.shape[0], w.shape[2]
    oh = (x.shape[2] + 2 * pad - k) // stride + 1
    x = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    w = w.astype(np.float64)
    out = np.zeros((n, f, oh, oh))
    mag = np.zeros((n, f, oh, oh))
    for kh in range(k):
        for kw in range(k):
            patch = x[:, :, kh:kh + stride * oh:stride, kw:kw + stride * oh:stride]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, kh, kw])
            mag += np.einsum("nchw,fc->nfhw", np.abs(patch), np.abs(w[:, :, kh, kw]))
    terms = w.shape[1] * k * k + 1
    bound = 2 * terms * 2.0 ** -24 * (mag + np.abs(b)[:, None, None])
    return np.clip(out + b[:, None, None], 0.0, hi), bound


def max_pool(x, k, stride, pad):
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)),
               constant_values=-np.inf)
    oh = (x.shape[2] - k) // stride + 1
    return np.max([x[:, :, i:i + stride * oh:stride, j:j + stride * oh:stride]
                   for i in range(k) for j in range(k)], axis=0)


def check(tmp):
    runs = ("fused1", "fused2", "avx2")
    failed = False
    for out in range(5):
        off = np.load(f"{tmp}/off{out}.npy")
        if not all(np.load(f"{tmp}/{r}{out}.npy").tobytes() == off.tobytes()
                   for r in runs):
            failed = True
            print(f"FAIL: result {out} of the fused runs differs from "
                  "conv-epilogues=false")
    if not failed:
        print(f"ok: {' '.join(runs)} identical to off")
    p = params()
    a, ea = conv_relu(p["x"], p["w1"], p["b1"], 1, 1)
    b, eb = conv_relu(p["s"], p["w2"], p["b2"], 2, 3)
    c, ec = conv_relu(p["x"], p["w3"], p["b3"], 1, 1)
    d, ed = conv_relu(p["y"], p["w4"], p["b4"], 1, 1, hi=6.0)
    # A max of values each within its bound is within the largest bound.
    refs = [(max_pool(a, 2, 2, 0), max_pool(ea, 2, 2, 0)),
            (max_pool(b, 3, 2, 1), max_pool(eb, 3, 2, 1)),
            (max_pool(c, 2, 2, 0), max_pool(ec, 2, 2, 0)), (c, ec),
            (max_pool(d, 2, 2, 0), max_pool(ed, 2, 2, 0))]
    for out, (ref, bound) in enumerate(refs):
        got = np.load(f"{tmp}/off{out}.npy")
        if got.shape != ref.shape or not np.all(np.abs(got - ref) <= bound):
            failed = True
            print(f"FAIL: result {out} differs from numpy")
    if not failed:
        print("ok: off equals numpy within rounding")
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2]))
