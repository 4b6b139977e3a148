#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Summarises the example: weight bytes before and after, output difference.

Weight bytes are read from the IR (float constants feeding matmuls before,
integer constants behind quant.scast after); outputs are parsed from
printMemrefF32's text.
"""
import argparse
import re
import sys

import numpy as np

BITS = {"f32": 32, "f16": 16, "bf16": 16, "i8": 8, "i4": 4, "i16": 16}


def constant_bytes(ir, element_types):
    """Bytes of the rank >= 2 dense constants of the given element types in
    the model (everything before @main, which only holds the sample input)."""
    ir = ir.split("func.func @main")[0]
    total, count = 0, 0
    for shape, elem in re.findall(r"arith\.constant dense<.*?> : tensor<((?:\d+x){2,})(\w+)>", ir):
        if elem not in element_types:
            continue
        n = int(np.prod([int(d) for d in shape.rstrip("x").split("x")]))
        total += (n * BITS[elem] + 7) // 8
        count += 1
    return count, total


def parse_memref(path):
    text = open(path).read()
    body = text[text.index("data =") + len("data ="):]
    return np.array([float(v) for v in re.findall(r"-?[\d.]+(?:e[-+]?\d+)?|nan|inf", body)],
                    dtype=np.float64)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--float-ir", required=True)
    p.add_argument("--quantized-ir", required=True)
    p.add_argument("--float-out", required=True)
    p.add_argument("--quantized-out", required=True)
    args = p.parse_args()

    n_float, float_bytes = constant_bytes(open(args.float_ir).read(), {"f32", "f16", "bf16"})
    n_int, int_bytes = constant_bytes(open(args.quantized_ir).read(), {"i8", "i4", "i16"})
    y_float = parse_memref(args.float_out)
    y_int8 = parse_memref(args.quantized_out)
    if y_float.shape != y_int8.shape or y_float.size == 0:
        sys.exit("report: the two runs printed different or empty outputs")

    diff = np.abs(y_float - y_int8)
    print(f"== weights: {n_float} float matrices, {float_bytes} bytes -> "
          f"{n_int} int8 matrices, {int_bytes} bytes "
          f"({float_bytes / max(int_bytes, 1):.2f}x smaller)")
    print(f"== outputs ({y_float.size} values): max |float - int8| = {diff.max():.5f}, "
          f"mean = {diff.mean():.5f}, max |float| = {np.abs(y_float).max():.4f} "
          f"(relative max error {diff.max() / np.abs(y_float).max():.3%})")


if __name__ == "__main__":
    main()
