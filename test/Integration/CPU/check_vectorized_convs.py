# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Runs NCHW convolutions of several shapes, strides and dilations through
compress-run (so through compress-lower-to-cpu's vectorized convolutions)
and compares them with numpy: float within 1e-4 of the largest output,
the int8 kernel (u8 x i8 -> i32, the form compress-fuse-qdq emits) exactly.

Usage: check_vectorized_convs.py WORKDIR   (compress-run is found on PATH)
Prints one line per case and "mismatches: N".
"""
import os
import subprocess
import sys

import numpy as np

# (batch, channels, size, filters, kernel, stride, dilation)
CASES = [(2, 3, 11, 6, 3, 2, 1), (1, 5, 13, 7, 3, 1, 2),
         (3, 4, 9, 12, 2, 2, 2), (1, 1, 8, 5, 1, 1, 1),
         (2, 16, 10, 32, 3, 1, 1)]


def reference(x, w, stride, dilation):
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    oh = (h - dilation * (kh - 1) - 1) // stride + 1
    ow = (width - dilation * (kw - 1) - 1) // stride + 1
    out = np.zeros((n, f, oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i * dilation:i * dilation + stride * (oh - 1) + 1:stride,
                      j * dilation:j * dilation + stride * (ow - 1) + 1:stride]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    return out


def module(n, c, h, f, k, s, d, integer):
    oh = (h - d * (k - 1) - 1) // s + 1
    xt = f"tensor<{n}x{c}x{h}x{h}x{'i8' if integer else 'f32'}>"
    wt = f"tensor<{f}x{c}x{k}x{k}x{'i8' if integer else 'f32'}>"
    ot = f"tensor<{n}x{f}x{oh}x{oh}x{'i32' if integer else 'f32'}>"
    zero = "0 : i32" if integer else "0.0 : f32"
    if integer:
        conv = f"""  %0 = linalg.generic {{indexing_maps = [#in, #fl, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}}
      ins(%x, %w : {xt}, {wt}) outs(%fill : {ot}) {{
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %m = arith.muli %ae, %be : i32
    %r = arith.addi %acc, %m : i32
    linalg.yield %r : i32
  }} -> {ot}"""
    else:
        conv = (f"  %0 = linalg.conv_2d_nchw_fchw {{dilations = dense<{d}> : "
                f"tensor<2xi64>, strides = dense<{s}> : tensor<2xi64>}} "
                f"ins(%x, %w : {xt}, {wt}) outs(%fill : {ot}) -> {ot}")
    return f"""#in = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh * {s} + kh * {d}, ow * {s} + kw * {d})>
#fl = affine_map<(n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw)>
#out = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>
func.func @conv(%x: {xt}, %w: {wt}) -> {ot} {{
  %z = arith.constant {zero}
  %e = tensor.empty() : {ot}
  %fill = linalg.fill ins(%z : {zero.split(' : ')[1]}) outs(%e : {ot}) -> {ot}
{conv}
  return %0 : {ot}
}}
"""


def main():
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(0)
    mismatches = 0
    for case in CASES:
        n, c, h, f, k, s, d = case
        for integer in (False, True):
            if integer:
                x = rng.integers(0, 256, (n, c, h, h)).astype(np.uint8)
                w = rng.integers(-128, 128, (f, c, k, k)).astype(np.int8)
                expected = reference(x.astype(np.int64), w.astype(np.int64), s, d)
                x = x.view(np.int8)
            else:
                x = rng.standard_normal((n, c, h, h)).astype(np.float32)
                w = rng.standard_normal((f, c, k, k)).astype(np.float32)
                expected = reference(x.astype(np.float64), w.astype(np.float64), s, d)
            path = os.path.join(work, "conv.mlir")
            with open(path, "w") as out:
                out.write(module(n, c, h, f, k, s, d, integer))
            np.save(os.path.join(work, "x.npy"), x)
            np.save(os.path.join(work, "w.npy"), w)
            subprocess.run(["compress-run", path, "--input", f"{work}/x.npy",
                            "--input", f"{work}/w.npy", "--output",
                            f"{work}/y.npy", "--quiet"], check=True)
            y = np.load(os.path.join(work, "y.npy"))
            error = float(np.abs(y - expected).max())
            ok = error == 0 if integer else error <= 1e-4 * np.abs(expected).max()
            mismatches += not ok
            print(f"{case} {'i8' if integer else 'f32'}: "
                  f"{'ok' if ok else 'MISMATCH'} (max error {error:.3g})")
    print(f"mismatches: {mismatches}")


if __name__ == "__main__":
    main()
