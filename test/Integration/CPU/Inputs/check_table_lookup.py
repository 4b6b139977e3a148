# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""table-lookup.mlir's inputs and checks.

  check_table_lookup.py make DIR   writes DIR/x.npy (every i8 value four
                                   times, shuffled) and DIR/y.npy (random)
  check_table_lookup.py check DIR  compares the three pipelines' outputs
                                   bit for bit, and square and mixed with
                                   NumPy's float32 evaluation of their ops
"""

import sys

import numpy as np

mode, tmp = sys.argv[1:3]
if mode == "make":
    rng = np.random.default_rng(7)
    x = np.tile(np.arange(-128, 128, dtype=np.int8), 4)
    rng.shuffle(x)
    np.save(f"{tmp}/x.npy", x)
    np.save(f"{tmp}/y.npy", rng.integers(-128, 128, 1024, dtype=np.int8))
    sys.exit(0)

f32 = np.float32
x = np.load(f"{tmp}/x.npy")
y = np.load(f"{tmp}/y.npy")
zp, s, three, seven, tenth = f32(3.0), f32(0.05), f32(3.0), f32(7.0), f32(0.1)


def quantize(v):
    # roundeven, maximumf -128, minimumf 127, fptosi
    return np.clip(np.rint(v), f32(-128), f32(127)).astype(np.int8)


with np.errstate(all="ignore"):
    d = (x.astype(f32) - zp) * s
    square = quantize(((d * d) / three) / s)
    byte = ((x.astype(np.int32) + y.astype(np.int32)) >> 5).astype(np.int8)
    t = (byte.astype(f32) * tenth) / three
    mixed = ((t * t) / seven) * (((x.astype(f32) - zp) / seven) / three)
expected = {"square": square, "mixed": mixed}

failed = False
for name in ("gelu", "square", "mixed"):
    runs = {v: np.load(f"{tmp}/{v}.{name}.npy")
            for v in ("default", "off", "scalar")}
    same = all(runs[v].tobytes() == runs["default"].tobytes() for v in runs)
    ref = expected.get(name)
    if ref is not None:
        same = same and runs["default"].dtype == ref.dtype and \
            runs["default"].tobytes() == ref.tobytes()
    if same:
        print(f"ok: {name} default == off == scalar"
              + (" == numpy" if ref is not None else ""))
    else:
        failed = True
        for v, out in runs.items():
            against = ref if ref is not None else runs["off"]
            bad = np.flatnonzero(out.view(np.uint8 if out.dtype == np.int8
                                          else np.uint32) !=
                                 against.view(np.uint8 if against.dtype ==
                                              np.int8 else np.uint32))
            print(f"mismatch: {name} {v}: {len(bad)} elements differ, "
                  f"first at {bad[:5]}: {out[bad[:5]]} vs {against[bad[:5]]}")
sys.exit(1 if failed else 0)
