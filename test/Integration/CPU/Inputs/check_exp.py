# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""check_exp.py X Y BOUND: Y[i] is exp(X[i]) within relative error BOUND,
against NumPy's exp in double precision, where the exact value is a normal
f32 (at most BOUND times the smallest normal off below that); +inf gives
+inf, -inf gives 0 and NaN gives NaN."""
import sys

import numpy as np

x = np.load(sys.argv[1]).astype(np.float64)
y = np.load(sys.argv[2]).astype(np.float64)
bound = float(sys.argv[3])
with np.errstate(over="ignore"):
    ref = np.exp(x)
nan = np.isnan(x)
if not np.array_equal(np.isnan(y), nan):
    sys.exit("FAIL: NaN where exp is not NaN, or the reverse")
if y[x == np.inf].tolist() != [np.inf] * int((x == np.inf).sum()):
    sys.exit("FAIL: exp(+inf) is not +inf")
if y[x == -np.inf].tolist() != [0.0] * int((x == -np.inf).sum()):
    sys.exit("FAIL: exp(-inf) is not 0")
finite = np.isfinite(x)
tiny = float(np.finfo(np.float32).tiny)
err = np.abs(y[finite] - ref[finite]) / np.maximum(ref[finite], tiny)
if err.max() > bound:
    i = int(np.argmax(err))
    sys.exit(f"FAIL: exp({x[finite][i]}) = {y[finite][i]}, exact "
             f"{ref[finite][i]}, relative error {err[i]} > {bound}")
print(f"ok exp: max relative error {err.max():.3g} <= {bound}")
