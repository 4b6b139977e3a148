# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Execution tests of the CPU kernel library through the compiler.

For every case this writes a model (.mlir, weights as constants), its inputs
(.npy), runs it with `compress-run --lower-options="cpu=CPU threads=T"` and
compares the result with numpy: int8 kernels exactly (int64 reference),
float kernels within |y - ref| <= 1e-5 * (|A| @ |B|) + 1e-6 elementwise (the
float32 rounding of a sum of products in any order).

  check_kernels.py --compress-run BIN --out DIR --cpu CPU [--threads T] \
      (gemm-f32 | gemm-u8s8 | gemm-u8s4 | bgemm-f32 | bgemm-int8 | conv-f32 |
       conv-u8s8 | conv-f32-epilogue)

gemm-u8s8-sparse: int8 GEMMs whose constant weights are 90% zeros (at
random) or 2:4 sparse, compiled with sparse-threshold=0.4 so that they are
stored without their zeros, and the 2:4 ones also with the default
lowering, which packs them for the 2:4 kernels; the results must also
equal the dense lowering's bit for bit.

gemm-u8s4: int8 GEMMs whose constant weights hold 4-bit values, which
compress-cpu-lower-kernels packs two per byte for the 4-bit kernels; the
results must also equal those of pack-int4=false bit for bit.

bgemm-int8: exact integer products of two 8-bit activations with zero
points (every signedness pair), as compress-fuse-qdq writes attention's
batched matmuls.

It also checks that the kernels were used: `compress-opt` with
--compress-lower-to-cpu must leave no linalg op and call the library.

conv-f32-epilogue: the f32 convolutions started from a constant fill and
followed by an elementwise epilogue (bias, residual, clamp; some residual
values NaN; the depthwise inputs padded by tensor.pad), which
compress-cpu-lower-kernels computes in the kernel call.
Checked against numpy within the bound above (plus the epilogue's terms; NaN
exactly where numpy has NaN), bit for bit against the same program compiled
with conv-epilogues=false, and the fused call must be there (except for
grouped convolutions, which have no fused form).
"""
import argparse
import os
import subprocess
import sys

import numpy as np


def dense(a):
    """An MLIR dense literal of a numpy array."""
    if a.dtype == np.float32:
        body = np.array2string(a, separator=", ", threshold=sys.maxsize,
                               max_line_width=sys.maxsize,
                               formatter={"float_kind": lambda v: repr(float(v))})
    else:
        body = np.array2string(a, separator=", ", threshold=sys.maxsize,
                               max_line_width=sys.maxsize)
    return "dense<" + body.replace("\n", "") + ">"


def ttype(shape, elem):
    return "tensor<" + "x".join(str(d) for d in shape) + "x" + elem + ">"


# ---------------------------------------------------------------- GEMM cases
GEMM_SHAPES = [(1, 7, 1), (3, 300, 17), (13, 65, 33), (17, 64, 15),
               (33, 5, 16), (2, 1, 31), (64, 129, 48), (128, 768, 40)]


def gemm_model(m, k, n, kind, transposed, constant_b, rng):
    """A model computing C = init + A @ B; returns (mlir, inputs, ref, bound)."""
    if kind == "f32":
        a = rng.standard_normal((m, k)).astype(np.float32)
        b = rng.standard_normal((k, n)).astype(np.float32)
        init = rng.standard_normal((n,)).astype(np.float32)
        elem, acc = "f32", "f32"
        ab, cb = "f32", "f32"
        body = ("  %p = arith.mulf %x, %y : f32\n"
                "  %s = arith.addf %c, %p : f32\n")
    else:
        # s4: 4-bit weight values in an int8 constant.
        lo, hi = (-8, 8) if kind == "s4" else (-128, 128)
        a = rng.integers(0, 256, (m, k)).astype(np.uint8)
        b = rng.integers(lo, hi, (k, n)).astype(np.int8)
        if kind == "sparse90":
            b[rng.random((k, n)) < 0.9] = 0
        elif kind == "sparse24":  # 2:4 along K
            b[(np.arange(k)[:, None] + np.arange(n)[None, :]) % 4 < 2] = 0
        # Extremes: the largest products, and their sums (sparse weights
        # keep their zeros, and one non-zero at least).
        a[0, :min(k, 5)] = 255
        if kind.startswith("sparse"):
            b[:min(k, 5), 0] = np.where(b[:min(k, 5), 0] != 0, lo, 0)
            if not b.any():
                b[-1, -1] = lo
        else:
            b[:min(k, 5), 0] = lo
        init = rng.integers(-1000, 1000, (n,)).astype(np.int32)
        elem, acc = "i8", "i32"
        body = ("  %xe = arith.extui %x : i8 to i32\n"
                "  %ye = arith.extsi %y : i8 to i32\n"
                "  %p = arith.muli %xe, %ye : i32\n"
                "  %s = arith.addi %c, %p : i32\n")
    if kind == "f32":
        epilogue = ("    %z = arith.constant 0.0 : f32\n"
                    "    %w = arith.maximumf %v, %z : f32\n"
                    "    linalg.yield %w : f32\n")
    else:
        epilogue = ("    %z = arith.constant 7 : i32\n"
                    "    %w = arith.addi %v, %z : i32\n"
                    "    linalg.yield %w : i32\n")
    bstore = b.T.copy() if transposed else b
    bmap = "(d2, d1)" if not transposed else "(d1, d2)"
    ins = [("a", a)]
    if constant_b:
        bdecl = (f"  %b = arith.constant "
                 f"{dense(bstore.view(np.int8) if kind != 'f32' else bstore)}"
                 f" : {ttype(bstore.shape, elem)}\n")
        args = f"%a: {ttype((m, k), elem)}"
    else:
        bdecl = ""
        args = f"%a: {ttype((m, k), elem)}, %b: {ttype(bstore.shape, elem)}"
        ins.append(("b", bstore))
    mlir = f"""#A = affine_map<(d0, d1, d2) -> (d0, d2)>
#B = affine_map<(d0, d1, d2) -> {bmap}>
#C = affine_map<(d0, d1, d2) -> (d0, d1)>
#V = affine_map<(d0, d1) -> (d1)>
#I = affine_map<(d0, d1) -> (d0, d1)>
func.func @main({args}) -> {ttype((m, n), acc)} {{
{bdecl}  %bias = arith.constant {dense(init)} : {ttype((n,), acc)}
  %e = tensor.empty() : {ttype((m, n), acc)}
  %init = linalg.generic {{indexing_maps = [#V, #I], iterator_types = ["parallel", "parallel"]}}
      ins(%bias : {ttype((n,), acc)}) outs(%e : {ttype((m, n), acc)}) {{
  ^bb0(%v: {acc}, %o: {acc}):
    linalg.yield %v : {acc}
  }} -> {ttype((m, n), acc)}
  %r = linalg.generic {{indexing_maps = [#A, #B, #C], iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%a, %b : {ttype((m, k), elem)}, {ttype(bstore.shape, elem)}) outs(%init : {ttype((m, n), acc)}) {{
  ^bb0(%x: {elem}, %y: {elem}, %c: {acc}):
{body}    linalg.yield %s : {acc}
  }} -> {ttype((m, n), acc)}
  %o = tensor.empty() : {ttype((m, n), acc)}
  %y = linalg.generic {{indexing_maps = [#I, #I], iterator_types = ["parallel", "parallel"]}}
      ins(%r : {ttype((m, n), acc)}) outs(%o : {ttype((m, n), acc)}) {{
  ^bb0(%v: {acc}, %u: {acc}):
{epilogue}  }} -> {ttype((m, n), acc)}
  return %y : {ttype((m, n), acc)}
}}
"""
    # An elementwise epilogue (ReLU; an integer offset): with enough rows
    # compress-cpu-fuse-kernel-epilogues runs it block by block.
    if kind == "f32":
        ref = a.astype(np.float64) @ b.astype(np.float64) + init
        bound = 1e-5 * (np.abs(a.astype(np.float64)) @ np.abs(b)) + 1e-6
        ref = np.maximum(ref, 0)
    else:
        ref = a.astype(np.int64) @ b.astype(np.int64) + init + 7
        bound = None
    return mlir, ins, ref, bound


# ------------------------------------------------------ batched GEMM cases
# (batch, M, K, N)
BGEMM_SHAPES = [(3, 5, 7, 9), (2, 17, 64, 33), (4, 1, 300, 16),
                (12, 128, 64, 128)]


def bgemm_model(shape, transposed, rng):
    """C_i = 0.5 + A_i @ B_i over a batch (linalg.batch_matmul, or a generic
    with B indexed (b, n, k)), both operands arguments."""
    bt, m, k, n = shape
    a = rng.standard_normal((bt, m, k)).astype(np.float32)
    b = rng.standard_normal((bt, k, n)).astype(np.float32)
    bstore = b.transpose(0, 2, 1).copy() if transposed else b
    at, bst, ct = (ttype(a.shape, "f32"), ttype(bstore.shape, "f32"),
                   ttype((bt, m, n), "f32"))
    if transposed:
        op = f"""  %r = linalg.generic {{indexing_maps = [
        affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>,
        affine_map<(b, m, n, k) -> (b, m, n)>],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}}
      ins(%a, %b : {at}, {bst}) outs(%init : {ct}) {{
  ^bb0(%x: f32, %y: f32, %c: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }} -> {ct}
"""
    else:
        op = (f"  %r = linalg.batch_matmul ins(%a, %b : {at}, {bst}) "
              f"outs(%init : {ct}) -> {ct}\n")
    mlir = f"""func.func @main(%a: {at}, %b: {bst}) -> {ct} {{
  %half = arith.constant 0.5 : f32
  %e = tensor.empty() : {ct}
  %init = linalg.fill ins(%half : f32) outs(%e : {ct}) -> {ct}
{op}  return %r : {ct}
}}
"""
    ref = 0.5 + np.einsum("bmk,bkn->bmn", a.astype(np.float64),
                          b.astype(np.float64))
    bound = 1e-5 * np.einsum("bmk,bkn->bmn", np.abs(a).astype(np.float64),
                             np.abs(b).astype(np.float64)) + 1e-6
    return mlir, [("a", a), ("b", bstore)], ref, bound


# (A signed, A zero point, B signed, B zero point): every signedness pair,
# zero points 0 and not.
BGEMM_INT8_FORMS = [(False, 121, False, 127), (False, 0, True, -3),
                    (True, 5, False, 200), (True, -128, True, 0),
                    (False, 0, False, 0)]


def bgemm_int8_model(shape, transposed, form, rng):
    """C_i = 7 + (A_i - za) @ (B_i - zb) exactly in i32 over 8-bit operands
    read signed or unsigned (compress-fuse-qdq's product of two
    activations), B indexed (b, k, n) or (b, n, k)."""
    bt, m, k, n = shape
    a_signed, za, b_signed, zb = form

    def storage(signed, size):
        if signed:
            return rng.integers(-128, 128, size, dtype=np.int64).astype(np.int8)
        return rng.integers(0, 256, size, dtype=np.int64).astype(np.uint8)

    a = storage(a_signed, (bt, m, k))
    b = storage(b_signed, (bt, k, n))
    bstore = b.transpose(0, 2, 1).copy() if transposed else b
    at, bst, ct = (ttype(a.shape, "i8"), ttype(bstore.shape, "i8"),
                   ttype((bt, m, n), "i32"))
    bmap = "(b, n, k)" if transposed else "(b, k, n)"

    def centered(arg, signed, zero, name):
        ext = "arith.extsi" if signed else "arith.extui"
        text = f"    %{name}e = {ext} %{arg} : i8 to i32\n"
        if zero == 0:
            return text, f"%{name}e"
        text += (f"    %{name}z = arith.constant {zero} : i32\n"
                 f"    %{name}c = arith.subi %{name}e, %{name}z : i32\n")
        return text, f"%{name}c"

    xa, va = centered("x", a_signed, za, "a")
    xb, vb = centered("y", b_signed, zb, "b")
    mlir = f"""func.func @main(%a: {at}, %b: {bst}) -> {ct} {{
  %seven = arith.constant 7 : i32
  %e = tensor.empty() : {ct}
  %init = linalg.fill ins(%seven : i32) outs(%e : {ct}) -> {ct}
  %r = linalg.generic {{indexing_maps = [
        affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> {bmap}>,
        affine_map<(b, m, n, k) -> (b, m, n)>],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}}
      ins(%a, %b : {at}, {bst}) outs(%init : {ct}) {{
  ^bb0(%x: i8, %y: i8, %c: i32):
{xa}{xb}    %p = arith.muli {va}, {vb} : i32
    %s = arith.addi %c, %p : i32
    linalg.yield %s : i32
  }} -> {ct}
  return %r : {ct}
}}
"""
    ref = 7 + np.einsum("bmk,bkn->bmn", a.astype(np.int64) - za,
                        b.astype(np.int64) - zb)
    return mlir, [("a", a), ("b", bstore)], ref, None


# ---------------------------------------------------------- convolution cases
# (N, C, H, W, F, KH, KW, stride, dilation, groups, depthwise)
CONV_SHAPES = [
    (1, 3, 9, 11, 5, 3, 3, 1, 1, 1, False),
    (2, 4, 12, 10, 17, 3, 3, 2, 1, 1, False),
    (1, 5, 13, 13, 8, 3, 3, 1, 2, 1, False),
    (1, 16, 7, 7, 33, 1, 1, 1, 1, 1, False),
    (1, 3, 23, 23, 16, 7, 7, 2, 1, 1, False),
    (1, 8, 9, 9, 6, 3, 3, 1, 1, 2, False),
    (1, 8, 10, 10, 8, 3, 3, 1, 1, 8, True),
    (2, 6, 11, 11, 6, 3, 3, 2, 1, 6, True),
    # Rows of several full vectors (the AVX2 3x3 kernel batches four) and a
    # partial one, at strides 1 and 2.
    (1, 4, 20, 37, 4, 3, 3, 1, 1, 4, True),
    (1, 3, 21, 40, 3, 3, 3, 2, 1, 3, True),
    # Eight channels at a time (AVX2, short rows): a group of eight and three
    # planes left over, dilation, 5x5 taps.
    (2, 11, 9, 13, 11, 3, 3, 2, 1, 11, True),
    (1, 16, 12, 19, 16, 3, 3, 1, 2, 16, True),
    (1, 24, 14, 14, 24, 5, 5, 1, 1, 24, True),
]


def conv_ref(x, w, stride, dilation, groups):
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    oh = (h - dilation * (kh - 1) - 1) // stride + 1
    ow = (wd - dilation * (kw - 1) - 1) // stride + 1
    fg = f // groups
    out = np.zeros((n, f, oh, ow), dtype=np.float64 if x.dtype == np.float32
                   else np.int64)
    xw = x.astype(out.dtype)
    ww = w.astype(out.dtype)
    for i in range(kh):
        for j in range(kw):
            patch = xw[:, :, i * dilation: i * dilation + stride * (oh - 1) + 1: stride,
                       j * dilation: j * dilation + stride * (ow - 1) + 1: stride]
            for g in range(groups):
                p = patch[:, g * cg:(g + 1) * cg]
                out[:, g * fg:(g + 1) * fg] += np.einsum(
                    "nchw,fc->nfhw", p, ww[g * fg:(g + 1) * fg, :, i, j])
    return out


# The epilogue forms conv-f32-epilogue cycles through: (bias, residual,
# clamp steps in body order); bias is "row" (per channel), a constant or None.
EPILOGUES = [
    ("row", True, [("max", 0.0), ("min", 6.0)]),
    (0.5, False, [("max", 0.0)]),
    (None, True, [("min", 1.5), ("max", -1.0)]),
    ("row", False, []),
]
EPILOGUE_FILL = 0.25


def epilogue_text(form, f, out_t, bias, rng, ref, mag):
    """The epilogue `form` on %r (declarations, op, extra arguments and
    inputs) and its effect on the float64 reference and the bound's
    magnitudes."""
    bias_kind, has_residual, clamps = form
    residual = rng.standard_normal(ref.shape).astype(np.float32)
    residual.flat[::37] = np.nan
    decls, args, inputs, body = [], [], [], []
    operands, types, maps, block = ["%r"], [out_t], ["#id"], ["%v0: f32"]
    value = "%v0"
    if bias_kind == "row":
        decls.append(f"  %b = arith.constant {dense(bias)} : {ttype((f,), 'f32')}")
        operands.append("%b")
        types.append(ttype((f,), "f32"))
        maps.append("#ch")
        block.append("%vb: f32")
        body.append(f"    %s1 = arith.addf {value}, %vb : f32")
        value = "%s1"
        ref = ref + bias.reshape(1, f, 1, 1)
        mag = mag + np.abs(bias).reshape(1, f, 1, 1)
    elif bias_kind is not None:
        decls.append(f"  %cb = arith.constant {bias_kind!r} : f32")
        body.append(f"    %s1 = arith.addf %cb, {value} : f32")
        value = "%s1"
        ref = ref + bias_kind
        mag = mag + abs(bias_kind)
    if has_residual:
        args.append(f"%res: {out_t}")
        inputs.append(("res", residual))
        operands.append("%res")
        types.append(out_t)
        maps.append("#id")
        block.append("%vr: f32")
        body.append(f"    %s2 = arith.addf %vr, {value} : f32")
        value = "%s2"
        ref = ref + residual
        mag = mag + np.abs(np.nan_to_num(residual))
    for i, (kind, limit) in enumerate(clamps):
        decls.append(f"  %k{i} = arith.constant {limit!r} : f32")
        op = "maximumf" if kind == "max" else "minimumf"
        body.append(f"    %c{i} = arith.{op} {value}, %k{i} : f32")
        value = f"%c{i}"
        ref = (np.maximum if kind == "max" else np.minimum)(ref, limit)
    text = "\n".join(decls) + f"""
  %e2 = tensor.empty() : {out_t}
  %y = linalg.generic {{indexing_maps = [{", ".join(maps)}, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins({", ".join(operands)} : {", ".join(types)}) outs(%e2 : {out_t}) {{
  ^bb0({", ".join(block)}, %out: f32):
""" + "\n".join(body) + f"""
    linalg.yield {value} : f32
  }} -> {out_t}
"""
    return text, args, inputs, ref, mag


# Paddings (top, left, bottom, right, value) conv-f32-epilogue applies with
# tensor.pad to the input of CONV_SHAPES by index: convolutions (the call
# pads each image; a grouped one reads its input through a reshape and keeps
# the padded copy) and depthwise ones (each plane).
EPILOGUE_PADS = {0: (1, 1, 1, 1, 0.0), 1: (1, 0, 2, 1, 0.5),
                 2: (2, 2, 2, 2, 0.0), 4: (3, 3, 3, 3, 0.0),
                 6: (1, 1, 1, 1, 0.0), 7: (1, 2, 0, 1, 0.5),
                 8: (1, 1, 1, 1, 0.0), 9: (1, 1, 1, 1, -1.0),
                 10: (1, 1, 1, 1, 0.0), 11: (2, 1, 0, 2, 0.25),
                 12: (2, 2, 2, 2, 0.0)}


def conv_model(shape, kind, rng, epilogue=None, pad=None):
    """A convolution started from a per-channel broadcast, or with
    `epilogue` (an EPILOGUES form, f32 only) from a constant fill and
    followed by that epilogue; `pad` pads its input first (tensor.pad)."""
    n, c, h, wd, f, kh, kw, s, d, groups, depthwise = shape
    cg = c // groups
    oh = (h - d * (kh - 1) - 1) // s + 1
    ow = (wd - d * (kw - 1) - 1) // s + 1
    if kind == "f32":
        x = rng.standard_normal((n, c, h, wd)).astype(np.float32)
        w = rng.standard_normal((f, cg, kh, kw)).astype(np.float32)
        init = rng.standard_normal((f,)).astype(np.float32)
        elem, acc = "f32", "f32"
    else:
        x = rng.integers(0, 256, (n, c, h, wd)).astype(np.uint8)
        w = rng.integers(-128, 128, (f, cg, kh, kw)).astype(np.int8)
        x.flat[:7] = 255
        w.flat[:7] = -128
        init = rng.integers(-1000, 1000, (f,)).astype(np.int32)
        elem, acc = "i8", "i32"
    out_t = ttype((n, f, oh, ow), acc)
    in_t = ttype((n, c, h, wd), elem)
    attrs = (f"{{dilations = dense<{d}> : tensor<2xi64>, "
             f"strides = dense<{s}> : tensor<2xi64>}}")
    if kind == "f32" and depthwise:
        wv = w.reshape(f, kh, kw)
        wdecl = f"  %w = arith.constant {dense(wv)} : {ttype(wv.shape, elem)}\n"
        conv = (f"  %r = linalg.depthwise_conv_2d_nchw_chw {attrs}\n"
                f"      ins(%x, %w : {in_t}, {ttype(wv.shape, elem)}) "
                f"outs(%init : {out_t}) -> {out_t}\n")
    elif kind == "f32" and groups > 1:
        xg_t = ttype((n, groups, cg, h, wd), elem)
        wg = w.reshape(groups, f // groups, cg, kh, kw)
        og_t = ttype((n, groups, f // groups, oh, ow), acc)
        wdecl = f"  %w = arith.constant {dense(wg)} : {ttype(wg.shape, elem)}\n"
        conv = (f"  %xg = tensor.expand_shape %x [[0], [1, 2], [3], [4]] "
                f"output_shape [{n}, {groups}, {cg}, {h}, {wd}] : {in_t} into {xg_t}\n"
                f"  %ig = tensor.expand_shape %init [[0], [1, 2], [3], [4]] "
                f"output_shape [{n}, {groups}, {f // groups}, {oh}, {ow}] : {out_t} into {og_t}\n"
                f"  %rg = linalg.conv_2d_ngchw_gfchw {attrs}\n"
                f"      ins(%xg, %w : {xg_t}, {ttype(wg.shape, elem)}) "
                f"outs(%ig : {og_t}) -> {og_t}\n"
                f"  %r = tensor.collapse_shape %rg [[0], [1, 2], [3], [4]] : {og_t} into {out_t}\n")
    elif kind == "f32":
        wdecl = f"  %w = arith.constant {dense(w)} : {ttype(w.shape, elem)}\n"
        conv = (f"  %r = linalg.conv_2d_nchw_fchw {attrs}\n"
                f"      ins(%x, %w : {in_t}, {ttype(w.shape, elem)}) "
                f"outs(%init : {out_t}) -> {out_t}\n")
    elif depthwise:
        wv = w.reshape(f, kh, kw)
        wdecl = f"  %w = arith.constant {dense(wv)} : {ttype(wv.shape, elem)}\n"
        conv = f"""  %r = linalg.generic {{indexing_maps = [
        affine_map<(n, c, h, w, i, j) -> (n, c, h * {s} + i * {d}, w * {s} + j * {d})>,
        affine_map<(n, c, h, w, i, j) -> (c, i, j)>,
        affine_map<(n, c, h, w, i, j) -> (n, c, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}}
      ins(%x, %w : {in_t}, {ttype(wv.shape, elem)}) outs(%init : {out_t}) {{
  ^bb0(%a: i8, %b: i8, %c: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %p = arith.muli %ae, %be : i32
    %q = arith.addi %c, %p : i32
    linalg.yield %q : i32
  }} -> {out_t}
"""
    else:
        if groups > 1:
            return None  # grouped int8 convolutions have no kernel yet
        wdecl = f"  %w = arith.constant {dense(w)} : {ttype(w.shape, elem)}\n"
        conv = f"""  %r = linalg.generic {{indexing_maps = [
        affine_map<(n, f, h, w, c, i, j) -> (n, c, h * {s} + i * {d}, w * {s} + j * {d})>,
        affine_map<(n, f, h, w, c, i, j) -> (f, c, i, j)>,
        affine_map<(n, f, h, w, c, i, j) -> (n, f, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}}
      ins(%x, %w : {in_t}, {ttype(w.shape, elem)}) outs(%init : {out_t}) {{
  ^bb0(%a: i8, %b: i8, %c: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %p = arith.muli %ae, %be : i32
    %q = arith.addi %c, %p : i32
    linalg.yield %q : i32
  }} -> {out_t}
"""
    if epilogue is not None:
        args0, inputs0, padding = f"%x: {in_t}", [("x", x)], ""
        if pad is not None:
            top, left, bottom, right, value = pad
            x0 = x[:, :, top:h - bottom, left:wd - right]
            x = np.pad(x0, ((0, 0), (0, 0), (top, bottom), (left, right)),
                       constant_values=np.float32(value))
            src_t = ttype(x0.shape, elem)
            args0, inputs0 = f"%x0: {src_t}", [("x", x0)]
            padding = f"""  %padv = arith.constant {value!r} : f32
  %x = tensor.pad %x0 low[0, 0, {top}, {left}] high[0, 0, {bottom}, {right}] {{
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %padv : f32
  }} : {src_t} to {in_t}
"""
        ref = conv_ref(x, w, s, d, groups) + EPILOGUE_FILL
        mag = conv_ref(np.abs(x), np.abs(w), s, d, groups) + EPILOGUE_FILL
        text, args, inputs, ref, mag = epilogue_text(epilogue, f, out_t, init,
                                                     rng, ref, mag)
        mlir = f"""#id = affine_map<(n, f, h, w) -> (n, f, h, w)>
#ch = affine_map<(n, f, h, w) -> (f)>
func.func @main({args0}{"".join(", " + a for a in args)}) -> {out_t} {{
{padding}{wdecl}  %fill = arith.constant {EPILOGUE_FILL!r} : f32
  %e = tensor.empty() : {out_t}
  %init = linalg.fill ins(%fill : f32) outs(%e : {out_t}) -> {out_t}
{conv}{text}  return %y : {out_t}
}}
"""
        return mlir, inputs0 + inputs, ref, 1e-5 * mag + 1e-6
    mlir = f"""func.func @main(%x: {in_t}) -> {out_t} {{
{wdecl}  %bias = arith.constant {dense(init)} : {ttype((f,), acc)}
  %e = tensor.empty() : {out_t}
  %init = linalg.generic {{indexing_maps = [affine_map<(n, f, h, w) -> (f)>, affine_map<(n, f, h, w) -> (n, f, h, w)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%bias : {ttype((f,), acc)}) outs(%e : {out_t}) {{
  ^bb0(%v: {acc}, %o: {acc}):
    linalg.yield %v : {acc}
  }} -> {out_t}
{conv}  return %r : {out_t}
}}
"""
    ref = conv_ref(x, w, s, d, groups) + init.reshape(1, f, 1, 1)
    bound = None
    if kind == "f32":
        bound = 1e-5 * conv_ref(np.abs(x), np.abs(w), s, d, groups) + 1e-6
    return mlir, [("x", x)], ref, bound


def run_model(args, path, inputs, options="", suffix=""):
    cmd = [args.compress_run, path + ".mlir", "--progress=off", "--quiet",
           f"--lower-options=cpu={args.cpu} threads={args.threads}{options}"]
    for tag, value in inputs:
        file = f"{path}.{tag}.npy"
        np.save(file, value.view(np.int8) if value.dtype == np.uint8 else value)
        cmd += ["--input", file]
    cmd += ["--output", path + suffix + ".out.npy"]
    subprocess.run(cmd, check=True)
    return np.load(path + suffix + ".out.npy")


def run_case(args, name, mlir, inputs, ref, bound, fused=None, padded=False,
             s4=False, sparse=False, pairs=False):
    """fused: None, or whether the lowering must call an `_f32_fused`
    kernel (the result is then also compared bit for bit with the unfused
    lowering); padded: the fused call must pad the input itself (no padded
    copy left); s4: the weight fits in 4 bits, so the lowering must call the
    4-bit kernels, and agree exactly with pack-int4=false; sparse: compiled
    with sparse-threshold=0.4, the lowering must call the sparse kernels and
    agree exactly with the dense ones; pairs: a 2:4 weight, the default
    lowering must call the 2:4 kernels and agree exactly with
    pack-2of4=false."""
    path = os.path.join(args.out, name)
    with open(path + ".mlir", "w") as f:
        f.write(mlir)
    extra = " sparse-threshold=0.4" if sparse else ""
    got = run_model(args, path, inputs, extra)
    if sparse or pairs:
        dense = run_model(args, path, inputs,
                          " pack-2of4=false" if pairs else "", ".dense")
        if not np.array_equal(got, dense):
            sys.exit(f"FAIL {name}: the sparse kernels and the dense ones "
                     f"disagree")
    if s4:
        bytes8 = run_model(args, path, inputs, " pack-int4=false", ".int8")
        if not np.array_equal(got, bytes8):
            sys.exit(f"FAIL {name}: the 4-bit kernels and the int8 ones "
                     f"disagree")
    if fused is not None:
        unfused = run_model(args, path, inputs, " conv-epilogues=false",
                            ".unfused")
        if not np.array_equal(got.view(np.uint32), unfused.view(np.uint32)):
            bad = np.argwhere(got.view(np.uint32) != unfused.view(np.uint32))
            sys.exit(f"FAIL {name}: fused and unfused epilogues differ at "
                     f"{len(bad)} elements, first {bad[0].tolist()}: "
                     f"{got[tuple(bad[0])]} != {unfused[tuple(bad[0])]}")
        nan = np.isnan(ref)
        if not np.array_equal(np.isnan(got), nan):
            sys.exit(f"FAIL {name}: NaN where numpy has none, or missing")
        got, ref, bound = got[~nan], ref[~nan], bound[~nan]
    if bound is None:
        if got.dtype != np.int32 or not np.array_equal(got.astype(np.int64), ref):
            bad = np.argwhere(got.astype(np.int64) != ref)
            sys.exit(f"FAIL {name}: {len(bad)} wrong integers, first at "
                     f"{bad[0].tolist()}: {got[tuple(bad[0])]} != {ref[tuple(bad[0])]}")
    else:
        err = np.abs(got.astype(np.float64) - ref)
        if got.dtype != np.float32 or not np.all(err <= bound):
            worst = np.unravel_index(np.argmax(err - bound), err.shape)
            sys.exit(f"FAIL {name}: error {err[worst]} > bound {bound[worst]} "
                     f"at {list(worst)}")
    # The kernels, not loops, computed it.
    lowered = subprocess.run(
        [args.compress_opt, path + ".mlir",
         f"--compress-lower-to-cpu=cpu={args.cpu} threads={args.threads}"
         + extra],
        check=True, capture_output=True, text=True).stdout
    if "call @compress_cpu_" not in lowered:
        sys.exit(f"FAIL {name}: no call into the kernel library")
    if pairs and "call @compress_cpu_igemm_u8s8_2of4" not in lowered:
        sys.exit(f"FAIL {name}: the 2:4 weight was not packed for the 2:4 "
                 f"kernels")
    if sparse and "call @compress_cpu_igemm_u8s8_sparse" not in lowered:
        sys.exit(f"FAIL {name}: the weight was not stored sparse")
    if s4 and "call @compress_cpu_igemm_u8s4_packed" not in lowered:
        sys.exit(f"FAIL {name}: the 4-bit weight was not packed for the "
                 f"4-bit kernels")
    if fused and "_f32_fused(" not in lowered and "_f32_padded(" not in lowered:
        sys.exit(f"FAIL {name}: the epilogue was not fused into the call")
    if padded:
        after = subprocess.run(
            [args.compress_opt, path + ".mlir",
             f"--compress-lower-to-cpu=cpu={args.cpu} threads={args.threads}",
             "--mlir-print-ir-after=compress-cpu-lower-kernels", "-o",
             os.devnull], check=True, capture_output=True, text=True).stderr
        if "memref.copy" in after or ("_f32_fused(" not in after and
                                      "_f32_padded(" not in after):
            sys.exit(f"FAIL {name}: the padded copy of the input is still there")
    print(f"ok {name}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--compress-run", required=True)
    p.add_argument("--compress-opt", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--cpu", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("suite", choices=["gemm-f32", "gemm-u8s8", "gemm-u8s4",
                                     "gemm-u8s8-sparse",
                                     "bgemm-f32",
                                     "bgemm-int8",
                                     "conv-f32", "conv-u8s8",
                                     "conv-f32-epilogue"])
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(2026)
    kind = args.suite.split("-")[1]
    if args.suite == "gemm-u8s4":
        # Constant 4-bit weights (run-time weights are packed as int8).
        for m, k, n in GEMM_SHAPES:
            for transposed in (False, True):
                name = f"{args.suite}-{m}x{k}x{n}{'-t' if transposed else ''}"
                run_case(args, name,
                         *gemm_model(m, k, n, "s4", transposed, True, rng),
                         s4=True)
    elif args.suite == "gemm-u8s8-sparse":
        # Constant weights, 90% zeros at random and 2:4 in turn.
        for i, (m, k, n) in enumerate(GEMM_SHAPES):
            for transposed in (False, True):
                kind = "sparse90" if (i + transposed) % 2 else "sparse24"
                name = (f"{args.suite}-{kind}-{m}x{k}x{n}"
                        f"{'-t' if transposed else ''}")
                case = gemm_model(m, k, n, kind, transposed, True, rng)
                run_case(args, name, *case, sparse=True)
                # 2:4 weights also through the 2:4 kernels (K % 4 == 0).
                if kind == "sparse24" and k % 4 == 0:
                    run_case(args, name + "-pairs", *case, pairs=True)
    elif args.suite.startswith("gemm"):
        for m, k, n in GEMM_SHAPES:
            for transposed in (False, True):
                for constant_b in (True, False):
                    name = (f"{args.suite}-{m}x{k}x{n}"
                            f"{'-t' if transposed else ''}"
                            f"{'' if constant_b else '-arg'}")
                    run_case(args, name, *gemm_model(m, k, n, kind, transposed,
                                                     constant_b, rng))
    elif args.suite == "bgemm-f32":
        for shape in BGEMM_SHAPES:
            for transposed in (False, True):
                name = (f"{args.suite}-" + "x".join(str(v) for v in shape) +
                        ("-t" if transposed else ""))
                run_case(args, name, *bgemm_model(shape, transposed, rng))
    elif args.suite == "bgemm-int8":
        i = 0
        for shape in BGEMM_SHAPES:
            for transposed in (False, True):
                form = BGEMM_INT8_FORMS[i % len(BGEMM_INT8_FORMS)]
                i += 1
                name = (f"{args.suite}-" + "x".join(str(v) for v in shape) +
                        ("-t" if transposed else "") +
                        "-{}{}-{}{}".format("s" if form[0] else "u", form[1],
                                            "s" if form[2] else "u", form[3]))
                run_case(args, name,
                         *bgemm_int8_model(shape, transposed, form, rng))
    elif args.suite == "conv-f32-epilogue":
        for i, shape in enumerate(CONV_SHAPES):
            form = EPILOGUES[i % len(EPILOGUES)]
            name = f"{args.suite}{i % len(EPILOGUES)}-" + "-".join(
                str(v) for v in shape[:10])
            pad = EPILOGUE_PADS.get(i)
            if pad:
                name += "-pad"
            run_case(args, name, *conv_model(shape, "f32", rng, form, pad),
                     fused=shape[9] == 1 or shape[10], padded=pad is not None)
    else:
        for shape in CONV_SHAPES:
            case = conv_model(shape, kind, rng)
            if case is None:
                continue
            name = f"{args.suite}-" + "-".join(str(v) for v in shape[:10])
            if shape[10]:
                name += "-dw"
            run_case(args, name, *case)


if __name__ == "__main__":
    main()
