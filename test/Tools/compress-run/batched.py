# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Inputs for batched.mlir and numpy's reference for its results.

  batched.py inputs DIR       writes x.npy (10x3), n.npy (10,), x1.npy, n1.npy
  batched.py check DIR K      checks y.npy, m.npy, p.npy for K batches of 2
"""
import sys

import numpy as np

W = np.array([[1.0, -2.0, 0.5, 0.0],
              [0.25, 1.0, -1.0, 2.0],
              [-0.5, 0.0, 3.0, 1.0]], dtype=np.float32)


def main():
    mode, out = sys.argv[1], sys.argv[2]
    rng = np.random.default_rng(7)
    x = rng.standard_normal((10, 3)).astype(np.float32)
    # Beyond float32's exact integers: the i64 path must not go through float.
    n = (rng.integers(-2**40, 2**40, size=10)).astype(np.int64)
    if mode == "inputs":
        np.save(f"{out}/x.npy", x)
        np.save(f"{out}/n.npy", n)
        np.save(f"{out}/x1.npy", x[:2])
        np.save(f"{out}/n1.npy", n[:2])
        return
    rows = 2 * int(sys.argv[3])
    x, n = x[:rows], n[:rows]
    y, m, p = (np.load(f"{out}/{name}.npy") for name in ("y", "m", "p"))
    expected_y = (x.astype(np.float64) @ W.astype(np.float64))
    assert y.dtype == np.float32 and y.shape == (rows, 4), (y.dtype, y.shape)
    assert np.allclose(y, expected_y, rtol=1e-6, atol=1e-6), (y, expected_y)
    assert m.dtype == np.int64 and np.array_equal(m, n * 3 + 1), (m, n * 3 + 1)
    assert p.dtype == np.bool_ and np.array_equal(p, x > 0), (p, x > 0)
    print(f"ok: {rows} rows")


if __name__ == "__main__":
    main()
