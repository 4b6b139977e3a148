#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Feeds corrupted models to compress-translate: it must never crash.

    fuzz_import.py MODEL.onnx... [--translate PATH] [--truncations N]
                   [--flips N] [--seed S]

For every model, the file is truncated at N offsets spread over its length,
and N single bytes are replaced by random values (a fixed seed keeps the
run reproducible). Every import must end with exit status 0 or 1, never a
signal or an abort; a truncated model must be rejected (status 1) with an
"error:" message; a failing corrupted model must say "error:" too (a byte
change may leave a valid model, which may import). Prints one summary line
and exits with status 1 on the first violation, naming the input.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile


def import_model(translate, data, directory):
    path = os.path.join(directory, "fuzzed.onnx")
    with open(path, "wb") as f:
        f.write(data)
    # A batch size lets models with a symbolic batch import fully.
    process = subprocess.run([translate, "--import-onnx", path,
                              "--batch-size=2", "-o", os.devnull],
                             capture_output=True, text=True,
                             errors="replace", timeout=60)
    return process.returncode, process.stderr


def describe(model, what):
    return f"{os.path.basename(model)} {what}"


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+")
    parser.add_argument("--translate", default="compress-translate")
    parser.add_argument("--truncations", type=int, default=40)
    parser.add_argument("--flips", type=int, default=100)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    counts = {"truncated": 0, "corrupted": 0, "imported": 0}

    with tempfile.TemporaryDirectory() as directory:
        for model in args.models:
            with open(model, "rb") as f:
                original = f.read()
            cases = []
            for i in range(args.truncations):
                offset = i * len(original) // args.truncations
                cases.append((f"truncated to {offset} bytes",
                              original[:offset], True))
            for _ in range(args.flips):
                offset = rng.randrange(len(original))
                value = rng.randrange(256)
                data = bytearray(original)
                data[offset] = value
                cases.append((f"with byte {offset} set to {value}",
                              bytes(data), False))
            for what, data, must_fail in cases:
                status, stderr = import_model(args.translate, data, directory)
                name = describe(model, what)
                if status not in (0, 1):
                    print(f"fuzz_import.py: {name}: exit status {status} "
                          f"(crash)\n{stderr}", file=sys.stderr)
                    return 1
                if status == 1 and "error:" not in stderr:
                    print(f"fuzz_import.py: {name}: failed without an error "
                          f"message", file=sys.stderr)
                    return 1
                if must_fail and status == 0:
                    print(f"fuzz_import.py: {name}: was imported",
                          file=sys.stderr)
                    return 1
                if status == 0:
                    counts["imported"] += 1
                else:
                    counts["truncated" if must_fail else "corrupted"] += 1
    print(f"fuzz: {len(args.models)} models, {counts['truncated']} "
          f"truncations rejected, {counts['corrupted']} corruptions "
          f"rejected, {counts['imported']} corruptions imported, 0 crashes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
