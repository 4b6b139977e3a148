# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""check_erf.py X Y BOUND: Y[i] is erf(X[i]) within BOUND (absolute), against
Python's math.erf in double precision; infinities give +-1 exactly and NaN
gives NaN."""
import math
import sys

import numpy as np

x = np.load(sys.argv[1])
y = np.load(sys.argv[2]).astype(np.float64)
bound = float(sys.argv[3])
ref = np.array([math.erf(float(v)) if not math.isnan(v) else math.nan
                for v in x])
nan = np.isnan(ref)
if not np.array_equal(np.isnan(y), nan):
    sys.exit("FAIL: NaN where erf is not NaN, or the reverse")
err = np.abs(y[~nan] - ref[~nan])
if err.max() > bound:
    i = int(np.argmax(err))
    sys.exit(f"FAIL: erf({x[~nan][i]}) = {y[~nan][i]}, exact {ref[~nan][i]}, "
             f"error {err[i]} > {bound}")
print(f"ok erf: max error {err.max():.3g} <= {bound}")
