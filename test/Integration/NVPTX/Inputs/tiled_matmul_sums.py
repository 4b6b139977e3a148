# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Expected output of tiled-matmul-exec.mlir, computed independently.

a[.., i, k] = (7 i + 3 k + 13 batch) mod 256 - 128 and
b[.., k, j] = (5 k + 11 j + 17 batch) mod 256 - 128 (int8 values),
c = a @ b with 32-bit accumulation (no overflow at these sizes); prints the
sum of all elements of c, then of the weighted sum sum(c[..., i, j] * (i + 2 j + 1)),
for the 40x70 @ 70x36 matmul and the 3x40x64 @ 3x64x36 batch matmul.
"""


def value(x):
    return x % 256 - 128


def sums(batches, m, k, n):
    total = 0
    weighted = 0
    for bt in range(batches):
        a = [[value(7 * i + 3 * kk + 13 * bt) for kk in range(k)] for i in range(m)]
        b = [[value(5 * kk + 11 * j + 17 * bt) for j in range(n)] for kk in range(k)]
        for i in range(m):
            for j in range(n):
                c = sum(a[i][kk] * b[kk][j] for kk in range(k))
                assert -2**31 <= c < 2**31
                total += c
                weighted += c * (i + 2 * j + 1)
    return total, weighted


for shape in [(1, 40, 70, 36), (3, 40, 64, 36)]:
    for s in sums(*shape):
        print(s)
