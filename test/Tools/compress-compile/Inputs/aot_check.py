"""Checks a library from compress-compile against compress-run and numpy.

Usage: aot_check.py MODEL WORKDIR LINKED_DRIVER

Writes the driver's inputs (aot_main.c's formula) as .npy files, runs
compress-run on each function of MODEL, runs LINKED_DRIVER (built against the
library), and compares each result bit for bit with compress-run's; dense's
result is also compared with a numpy reference of the model (float, within
1e-5 relative) and int_ops' exactly.
"""
import os
import subprocess
import sys

import numpy as np


def fill_float(n, seed):
    i = np.arange(n)
    return (((i * 37 + seed * 11) % 101 - 50) / 16.0).astype(np.float32)


def fill_int(n, seed, lo, hi):
    i = np.arange(n)
    return lo + (i * 37 + seed * 11) % (hi - lo + 1)


def main():
    model, work, driver = sys.argv[1:4]
    x = fill_float(64, 0).reshape(4, 16)
    a = fill_int(15, 1, -1000, 1000).astype(np.int32).reshape(3, 5)
    b = fill_int(5, 2, -128, 127).astype(np.int8)
    inputs = {"dense": [x], "int_ops": [a, b]}
    results = {"dense": [(np.float32, (4, 8))],
               "int_ops": [(np.int32, (3, 5)), (np.int64, (3,))]}
    subprocess.check_call([driver, work])
    got, jit = {}, {}
    for name, args in inputs.items():
        cmd = ["compress-run", model, "-e", name, "--quiet"]
        for i, arg in enumerate(args):
            path = os.path.join(work, f"{name}.arg{i}.npy")
            np.save(path, arg)
            cmd += ["--input", path]
        for i in range(len(results[name])):
            cmd += ["--output", os.path.join(work, f"{name}.jit{i}.npy")]
        subprocess.check_call(cmd)
        for i, (dtype, shape) in enumerate(results[name]):
            path = os.path.join(work, f"{name}.result{i}.bin")
            got[name, i] = np.fromfile(path, dtype=dtype).reshape(shape)
            jit[name, i] = np.load(os.path.join(work, f"{name}.jit{i}.npy"))
            same = (got[name, i].dtype == jit[name, i].dtype and
                    got[name, i].tobytes() == jit[name, i].tobytes())
            print(f"{name} result {i}: library == compress-run bit for bit: "
                  f"{same}")
    # Independent references.
    w = np.arange(16 * 8, dtype=np.float32).reshape(16, 8) / 64 - 1
    bias = np.arange(8, dtype=np.float32) / 8 - 0.5
    want = np.maximum(x @ w + bias, 0)
    err = np.max(np.abs(got["dense", 0] - want)) / np.max(np.abs(want))
    print(f"dense matches numpy within 1e-5: {err <= 1e-5}")
    print("int_ops matches numpy exactly:",
          np.array_equal(got["int_ops", 0], a + b.astype(np.int32)) and
          np.array_equal(got["int_ops", 1],
                         (a.astype(np.int64) * 3).sum(axis=1)))


if __name__ == "__main__":
    main()
