# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Checks the output of tiled-matmul-exec.mlir element by element.

a[.., i, k] = (7 i + 3 k + 13 batch) mod 256 - 128 and
b[.., k, j] = (5 k + 11 j + 17 batch) mod 256 - 128 (int8 values),
c = a @ b with 32-bit accumulation (no overflow at these sizes), computed
here independently for the 40x70 @ 70x36 matmul and the 3x40x64 @ 3x64x36
batch matmul. The program prints both products with printMemrefI32; every
element must be equal (a swapped or misplaced element is reported with its
position).

Usage: tiled_matmul_check.py OUTPUT
"""

import re
import sys


def value(x):
    return x % 256 - 128


def product(batches, m, k, n):
    out = []
    for bt in range(batches):
        a = [[value(7 * i + 3 * kk + 13 * bt) for kk in range(k)] for i in range(m)]
        b = [[value(5 * kk + 11 * j + 17 * bt) for j in range(n)] for kk in range(k)]
        for i in range(m):
            for j in range(n):
                c = sum(a[i][kk] * b[kk][j] for kk in range(k))
                assert -2**31 <= c < 2**31
                out.append(((bt, i, j), c))
    return out


def main():
    text = open(sys.argv[1]).read()
    # scripts/gpu/aot.py's record mode prints a placeholder: nothing to check.
    if text.startswith("gpu aot: recorded"):
        return 0
    printed = [re.findall(r"-?\d+", chunk.split("data =", 1)[1])
               for chunk in text.split("Unranked Memref")[1:]]
    shapes = [(1, 40, 70, 36), (3, 40, 64, 36)]
    if len(printed) != len(shapes):
        print(f"FAIL: {len(printed)} printed products, expected {len(shapes)}")
        return 1
    failures = 0
    for shape, got in zip(shapes, printed):
        want = product(*shape)
        if len(got) != len(want):
            print(f"FAIL: {shape}: {len(got)} elements, expected {len(want)}")
            failures += 1
            continue
        for (index, expected), actual in zip(want, got):
            if int(actual) != expected:
                failures += 1
                if failures <= 10:
                    print(f"FAIL: {shape} element {index}: {actual}, "
                          f"expected {expected}")
    if failures:
        print(f"FAIL: {failures} wrong elements")
        return 1
    print(f"ok: {sum(len(product(*s)) for s in shapes)} elements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
