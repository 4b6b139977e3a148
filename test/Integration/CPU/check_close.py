#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Compares printMemref output with reference values, within a tolerance.

FileCheck can only match text exactly; results of float computations whose
rounding legitimately depends on summation order need a numeric comparison.
This script has no dependencies beyond the Python standard library, so tests
using it need nothing extra at test time.

    check_close.py close ACTUAL --expected REF.json --key NAME [--rtol R] [--atol A]
        |actual - ref[NAME]| <= atol + rtol * |ref[NAME]| for every element.

    check_close.py bound ACTUAL OTHER --expected REF.json --key NAME
        |actual - other| <= ref[NAME] for every element.

    check_close.py agree ACTUAL OTHER --rtol R --atol A
        |actual - other| <= atol + rtol * |other| for every element: two
        pipeline variants of one program agree (other is the reference).

ACTUAL and OTHER are files holding what mlir-runner printed ("-" for stdin);
each must contain exactly one printMemref printout. REF.json holds "shape" and
lists of row-major values under the keys. Exits with status 1 and one line per
mismatching element on failure.
"""

import argparse
import json
import math
import re
import sys

HEADER = re.compile(r"sizes = \[([0-9, ]*)\] strides = \[[0-9, ]*\] data =")
TOKEN = re.compile(r"\[|\]|[-+]?(?:nan|inf)|[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?")


class CheckError(Exception):
    pass


def parse_printout(text, source):
    """(shape, row-major values) of the single printMemref printout in
    `text`."""
    headers = list(HEADER.finditer(text))
    if len(headers) != 1:
        raise CheckError(f"{source}: expected one printMemref printout, "
                         f"found {len(headers)}")
    header = headers[0]
    shape = [int(d) for d in header.group(1).split(",") if d.strip()]

    values = []
    depth = 0
    for token in TOKEN.finditer(text, header.end()):
        token = token.group(0)
        if token == "[":
            depth += 1
        elif token == "]":
            depth -= 1
            if depth == 0:
                break
        elif depth == 0:
            raise CheckError(f"{source}: number {token!r} outside the data")
        else:
            values.append(float(token))
    else:
        raise CheckError(f"{source}: printout ends before its closing bracket")

    count = math.prod(shape)
    if len(values) != count:
        raise CheckError(f"{source}: header says {shape} ({count} values) but "
                         f"{len(values)} values were printed")
    return shape, values


def read_printout(path):
    if path == "-":
        return parse_printout(sys.stdin.read(), "<stdin>")
    with open(path) as f:
        return parse_printout(f.read(), path)


def read_reference(path, key):
    with open(path) as f:
        reference = json.load(f)
    if key not in reference:
        raise CheckError(f"{path}: no key {key!r} (has {sorted(reference)})")
    values = [float(v) for v in reference[key]]
    shape = reference["shape"]
    if len(values) != math.prod(shape):
        raise CheckError(f"{path}: {key!r} has {len(values)} values for "
                         f"shape {shape}")
    return shape, values


def index_of(flat, shape):
    """The multi-dimensional index of row-major position `flat`."""
    index = []
    for extent in reversed(shape):
        index.append(flat % extent)
        flat //= extent
    return tuple(reversed(index))


def require_shape(actual_shape, expected_shape, what):
    if list(actual_shape) != list(expected_shape):
        raise CheckError(f"{what} has shape {actual_shape}, expected "
                         f"{expected_shape}")


def check_close(args):
    shape, actual = read_printout(args.actual)
    ref_shape, expected = read_reference(args.expected, args.key)
    require_shape(shape, ref_shape, args.actual)
    failures = []
    for i, (a, e) in enumerate(zip(actual, expected)):
        allowed = args.atol + args.rtol * abs(e)
        # Written so that a NaN on either side fails.
        if not abs(a - e) <= allowed:
            failures.append(f"  at {index_of(i, shape)}: got {a!r}, expected "
                            f"{e!r} ({args.key}), |diff| {abs(a - e):.3g} > "
                            f"allowed {allowed:.3g}")
    return failures, (f"{len(actual)} values within rtol {args.rtol:g}, "
                      f"atol {args.atol:g} of {args.key!r}")


def check_bound(args):
    shape, actual = read_printout(args.actual)
    other_shape, other = read_printout(args.other)
    ref_shape, bound = read_reference(args.expected, args.key)
    require_shape(shape, ref_shape, args.actual)
    require_shape(other_shape, ref_shape, args.other)
    failures = []
    for i, (a, o, b) in enumerate(zip(actual, other, bound)):
        if not abs(a - o) <= b:
            failures.append(f"  at {index_of(i, shape)}: |{a!r} - {o!r}| = "
                            f"{abs(a - o):.3g} exceeds the bound {b:.3g} "
                            f"({args.key})")
    return failures, (f"{len(actual)} differences within the bounds "
                      f"{args.key!r}")


def check_agree(args):
    shape, actual = read_printout(args.actual)
    other_shape, other = read_printout(args.other)
    require_shape(shape, other_shape, args.actual)
    failures = []
    for i, (a, o) in enumerate(zip(actual, other)):
        allowed = args.atol + args.rtol * abs(o)
        if not abs(a - o) <= allowed:
            failures.append(f"  at {index_of(i, shape)}: {a!r} vs {o!r}, "
                            f"|diff| {abs(a - o):.3g} > allowed {allowed:.3g}")
    return failures, (f"{len(actual)} values within rtol {args.rtol:g}, "
                      f"atol {args.atol:g} of {args.other}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    close = commands.add_parser("close", help="compare with reference values")
    close.add_argument("actual")
    close.add_argument("--rtol", type=float, required=True)
    close.add_argument("--atol", type=float, required=True)
    close.set_defaults(run=check_close)

    bound = commands.add_parser("bound",
                                help="bound the difference of two printouts")
    bound.add_argument("actual")
    bound.add_argument("other")
    bound.set_defaults(run=check_bound)

    agree = commands.add_parser("agree",
                                help="two printouts of one program agree")
    agree.add_argument("actual")
    agree.add_argument("other")
    agree.add_argument("--rtol", type=float, required=True)
    agree.add_argument("--atol", type=float, required=True)
    agree.set_defaults(run=check_agree)

    for command in (close, bound):
        command.add_argument("--expected", required=True,
                             help="JSON file of reference values")
        command.add_argument("--key", required=True,
                             help="which reference values to use")

    args = parser.parse_args()
    try:
        failures, summary = args.run(args)
    except (CheckError, OSError, ValueError) as error:
        print(f"check_close.py: error: {error}", file=sys.stderr)
        return 1
    if failures:
        print(f"check_close.py: {len(failures)} mismatch(es):", file=sys.stderr)
        print("\n".join(failures), file=sys.stderr)
        return 1
    print(f"check_close.py: ok: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
