#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Compares the ranges --compress-calibrate wrote (stats=FILE) with expected
ones written into a test file.

    check_ranges.py STATS.json TEST_FILE --prefix P

TEST_FILE holds lines

    // P-RANGE: method=NAME
    // P-RANGE: id=N min=X max=Y

(one per observer; X and Y are Python float reprs, i.e. exact doubles). The
stats file must name the same method and hold exactly those observer ids,
each with min and max within

    |actual - expected| <= 1e-12 * max(|expected min|, |expected max|)

Why that tolerance: gen_calibration_tests.py chooses the model and samples
so that the compiled model's activations are bit-identical to NumPy's (no
f32 rounding happens at all) and so that no histogram bin, percentile count
or threshold choice is decided by rounding (its margin checks). What is left
is the same double arithmetic on the same inputs, so a correct
implementation agrees to a few ulps (~1e-16) if it re-associates a formula,
and exactly if it follows the specification literally. The smallest real
error, one histogram bin, is 1/2048 of the range (~5e-4); 1e-12 lies safely
between the two. Scaling by the observer's magnitude rather than by each
value keeps the bound meaningful for a value of 0 (the ReLU output's min).

Only the standard library is used, so the tests need nothing extra. Exits
with status 1 and one line per problem on failure.
"""

import argparse
import json
import math
import re
import sys

RTOL = 1e-12


def read_expected(path, prefix):
    pattern = re.compile(r"//\s*" + re.escape(prefix) + r"-RANGE:\s*(.*?)\s*$")
    method, ranges = None, {}
    with open(path) as f:
        for line in f:
            m = pattern.search(line)
            if not m:
                continue
            body = m.group(1)
            if body.startswith("method="):
                method = body[len("method="):]
                continue
            fields = dict(item.split("=", 1) for item in body.split())
            if set(fields) != {"id", "min", "max"}:
                raise SystemExit(f"{path}: malformed line: {line.rstrip()}")
            ranges[int(fields["id"])] = (float(fields["min"]),
                                         float(fields["max"]))
    if method is None or not ranges:
        raise SystemExit(f"{path}: no '{prefix}-RANGE:' method and id lines")
    return method, ranges


def read_actual(path):
    with open(path) as f:
        stats = json.load(f)
    ranges = {}
    for entry in stats["observers"]:
        oid = entry["id"]
        if oid in ranges:
            raise SystemExit(f"{path}: observer {oid} listed twice")
        ranges[oid] = (float(entry["min"]), float(entry["max"]))
    return stats.get("method"), ranges


def compare(expected_method, expected, actual_method, actual):
    problems = []
    if actual_method != expected_method:
        problems.append(f"method: expected {expected_method!r}, "
                        f"got {actual_method!r}")
    for oid in sorted(set(expected) | set(actual)):
        if oid not in actual:
            problems.append(f"observer {oid}: missing from the stats file")
            continue
        if oid not in expected:
            problems.append(f"observer {oid}: not expected")
            continue
        magnitude = max(abs(expected[oid][0]), abs(expected[oid][1]))
        bound = RTOL * magnitude
        for name, want, got in zip(("min", "max"), expected[oid], actual[oid]):
            if not (math.isfinite(got) and abs(got - want) <= bound):
                problems.append(f"observer {oid} {name}: expected {want!r}, "
                                f"got {got!r} (difference {got - want:.3g}, "
                                f"allowed {bound:.3g})")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stats", help="the JSON --compress-calibrate wrote")
    parser.add_argument("test_file", help="the file with the -RANGE lines")
    parser.add_argument("--prefix", required=True)
    args = parser.parse_args()
    expected_method, expected = read_expected(args.test_file, args.prefix)
    actual_method, actual = read_actual(args.stats)
    problems = compare(expected_method, expected, actual_method, actual)
    for problem in problems:
        print(f"{args.stats}: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
