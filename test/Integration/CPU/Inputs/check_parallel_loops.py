# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""parallel-loops.mlir's checks: the outputs of every run are the same bits,
the elementwise result equals NumPy's float32 evaluation, and the row sums
NumPy's in-order float32 sums within rounding.

Usage: check_parallel_loops.py DIR
"""

import sys

import numpy as np

tmp = sys.argv[1]
runs = ("t1", "t2", "t3", "off")
failed = False
for name in ("e", "r", "c"):
    outputs = [np.load(f"{tmp}/{run}.{name}.npy") for run in runs]
    if all(o.tobytes() == outputs[0].tobytes() for o in outputs):
        print(f"ok: {name} identical in {' '.join(runs)}")
    else:
        failed = True
        print(f"mismatch: {name} differs between runs")

a = np.load(f"{tmp}/a.npy")
f32 = np.float32
e = (a * f32(0.75)) / f32(3.0) + a
r = np.zeros(a.shape[0], dtype=f32)
for j in range(a.shape[1]):
    r = r + a[:, j]
e_ok = np.load(f"{tmp}/t2.e.npy").tobytes() == e.tobytes()
# The row sums: in order on one thread, while the vectorized reduction may
# add its lanes as a tree; within float32 rounding of the sum of |a|.
got = np.load(f"{tmp}/t2.r.npy")
bound = 1e-5 * np.abs(a).sum(axis=1) + 1e-6
r_ok = bool(np.all(np.abs(got - r) <= bound))
if e_ok and r_ok:
    print("ok: e equals numpy, r within rounding")
else:
    failed = True
    print(f"mismatch: e exact {e_ok}, r within bound {r_ok} "
          f"(max diff {np.abs(got - r).max()})")
sys.exit(1 if failed else 0)
