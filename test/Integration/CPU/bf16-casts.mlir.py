# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Inputs and the check of bf16-casts.mlir.

    bf16-casts.mlir.py make X.npy
    bf16-casts.mlir.py check X.npy Y.npy
"""

import sys

import numpy as np

if sys.argv[1] == "make":
    special = np.array([
        1 + 2.0**-8, 1 + 3 * 2.0**-8, 1 + 2.0**-8 + 2.0**-20,
        -(1 + 2.0**-8), -(1 + 3 * 2.0**-8), 0.0, -0.0, 1e-40, -3e-39,
        np.finfo(np.float32).max, np.inf, -np.inf, np.nan,
        2.0**-126, 65504.0], np.float32)[:14]
    rng = np.random.default_rng(0)
    spread = (rng.standard_normal(4099) *
              10.0**rng.integers(-30, 30, 4099)).astype(np.float32)
    np.save(sys.argv[2], np.concatenate([special, spread]))
    sys.exit(0)

x = np.load(sys.argv[2])
y = np.load(sys.argv[3])
bits = x.view(np.uint32).astype(np.uint64)
rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16).astype(
    np.uint32).view(np.float32)
nan = np.isnan(x)
bad = ~nan & (y.view(np.uint32) != rounded.view(np.uint32))
if bad.any() or not np.isnan(y[nan]).all():
    i = np.flatnonzero(bad)[:5]
    print("FAIL:", x[i], "->", y[i], "want", rounded[i])
    sys.exit(1)
print(f"ok: {len(x)} values round to nearest even")
