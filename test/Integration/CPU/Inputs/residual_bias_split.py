# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""residual-bias-split.mlir's program and checks.

  residual_bias_split.py write DIR: DIR/block.mlir (a ResNet downsampling
      block with random weights and biases) and its input DIR/x.npy.
  residual_bias_split.py check DIR: the runs' outputs (fused1, fused2, avx2,
      off) are the same bits, and off equals a float64 NumPy evaluation
      within float32 rounding (a bound of the terms' magnitudes).
"""

import sys

import numpy as np

N, C, H, F = 2, 16, 12, 32
OH = H // 2


def params():
    rng = np.random.default_rng(5)
    f32 = np.float32
    x = rng.standard_normal((N, C, H, H)).astype(f32)
    wa = rng.standard_normal((F, C, 3, 3)).astype(f32)
    wb = rng.standard_normal((F, C, 1, 1)).astype(f32)
    ba = rng.standard_normal(F).astype(f32)
    bb = rng.standard_normal(F).astype(f32)
    return x, wa, wb, ba, bb


def hexdense(a):
    return 'dense<"0x' + a.astype("<f4").tobytes().hex().upper() + '">'


PROGRAM = """#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>
func.func @main(%x: tensor<{N}x{C}x{H}x{H}xf32>) -> tensor<{N}x{F}x{OH}x{OH}xf32> {{
  %wa = arith.constant {WA} : tensor<{F}x{C}x3x3xf32>
  %wb = arith.constant {WB} : tensor<{F}x{C}x1x1xf32>
  %ba = arith.constant {BA} : tensor<{F}xf32>
  %bb = arith.constant {BB} : tensor<{F}xf32>
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {{
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %z : f32
  }} : tensor<{N}x{C}x{H}x{H}xf32> to tensor<{N}x{C}x{HP}x{HP}xf32>
  %ea = tensor.empty() : tensor<{N}x{F}x{OH}x{OH}xf32>
  %fa = linalg.fill ins(%z : f32) outs(%ea : tensor<{N}x{F}x{OH}x{OH}xf32>) -> tensor<{N}x{F}x{OH}x{OH}xf32>
  %a = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}}
      ins(%p, %wa : tensor<{N}x{C}x{HP}x{HP}xf32>, tensor<{F}x{C}x3x3xf32>) outs(%fa : tensor<{N}x{F}x{OH}x{OH}xf32>) -> tensor<{N}x{F}x{OH}x{OH}xf32>
  %eb = tensor.empty() : tensor<{N}x{F}x{OH}x{OH}xf32>
  %fb = linalg.fill ins(%z : f32) outs(%eb : tensor<{N}x{F}x{OH}x{OH}xf32>) -> tensor<{N}x{F}x{OH}x{OH}xf32>
  %b = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}}
      ins(%x, %wb : tensor<{N}x{C}x{H}x{H}xf32>, tensor<{F}x{C}x1x1xf32>) outs(%fb : tensor<{N}x{F}x{OH}x{OH}xf32>) -> tensor<{N}x{F}x{OH}x{OH}xf32>
  %e = tensor.empty() : tensor<{N}x{F}x{OH}x{OH}xf32>
  %r = linalg.generic {{indexing_maps = [#id, #id, #ch, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%a, %b, %ba, %bb : tensor<{N}x{F}x{OH}x{OH}xf32>, tensor<{N}x{F}x{OH}x{OH}xf32>, tensor<{F}xf32>, tensor<{F}xf32>) outs(%e : tensor<{N}x{F}x{OH}x{OH}xf32>) {{
  ^bb0(%va: f32, %vb: f32, %qa: f32, %qb: f32, %o: f32):
    %sa = arith.addf %va, %qa : f32
    %sb = arith.addf %vb, %qb : f32
    %s = arith.addf %sa, %sb : f32
    %m = arith.maximumf %s, %z : f32
    linalg.yield %m : f32
  }} -> tensor<{N}x{F}x{OH}x{OH}xf32>
  return %r : tensor<{N}x{F}x{OH}x{OH}xf32>
}}
"""


def write(tmp):
    x, wa, wb, ba, bb = params()
    np.save(f"{tmp}/x.npy", x)
    with open(f"{tmp}/block.mlir", "w") as f:
        f.write(PROGRAM.format(N=N, C=C, H=H, HP=H + 2, F=F, OH=OH,
                               WA=hexdense(wa), WB=hexdense(wb),
                               BA=hexdense(ba), BB=hexdense(bb)))


def conv(x, w, stride, pad):
    """Float64 NCHW convolution and the sum of its terms' magnitudes."""
    x = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    w = w.astype(np.float64)
    k = w.shape[2]
    out = np.zeros((N, F, OH, OH))
    mag = np.zeros((N, F, OH, OH))
    for kh in range(k):
        for kw in range(k):
            patch = x[:, :, kh:kh + stride * OH:stride, kw:kw + stride * OH:stride]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, kh, kw])
            mag += np.einsum("nchw,fc->nfhw", np.abs(patch), np.abs(w[:, :, kh, kw]))
    return out, mag


def check(tmp):
    runs = ("fused1", "fused2", "avx2")
    off = np.load(f"{tmp}/off.npy")
    failed = False
    if all(np.load(f"{tmp}/{r}.npy").tobytes() == off.tobytes() for r in runs):
        print(f"ok: {' '.join(runs)} identical to off")
    else:
        failed = True
        print("FAIL: the fused runs differ from conv-epilogues=false")
    x, wa, wb, ba, bb = params()
    a, ma = conv(x, wa, 2, 1)
    b, mb = conv(x, wb, 2, 0)
    ref = np.maximum((a + ba[:, None, None]) + (b + bb[:, None, None]), 0.0)
    # Each sum of K products carries at most about K * 2^-24 of its terms'
    # magnitude; the bias and residual adds a few more roundings.
    bound = (C * 9 + 4) * 2.0 ** -24 * (ma + mb + np.abs(ba)[:, None, None]
                                        + np.abs(bb)[:, None, None]) * 2
    if off.shape == ref.shape and np.all(np.abs(off - ref) <= bound):
        print("ok: off equals numpy within rounding")
    else:
        failed = True
        print("FAIL: off differs from numpy by", np.max(np.abs(off - ref)))
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2]))
