#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes the seed corpus of the `mlir` fuzz target (fuzz/mlir_fuzzer.cpp)
from the project's own test files: each `// -----` section of a test/**.mlir
file without expected diagnostics, its comment lines dropped, at most 12 KiB,
prefixed by one byte that picks the pass (cycling through the target's list,
so that every pass starts from every kind of IR).

    fuzz/make_mlir_corpus.py [OUT_DIR]   (default fuzz/corpus/mlir)
"""
import hashlib
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fuzz/corpus/mlir"
MAX_BYTES = 12 * 1024
PASSES = 32  # at least the length of kPipelines in mlir_fuzzer.cpp


def sections():
    for path in sorted((ROOT / "test").rglob("*.mlir")):
        text = path.read_text(errors="replace")
        if "expected-error" in text or "expected-remark" in text:
            continue
        for section in text.split("// -----"):
            lines = [l for l in section.splitlines()
                     if not l.lstrip().startswith("//")]
            body = "\n".join(lines).strip() + "\n"
            if 16 < len(body) <= MAX_BYTES and "func.func" in body:
                yield body


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    count = 0
    for i, body in enumerate(sections()):
        data = bytes([i % PASSES]) + body.encode()
        name = hashlib.sha1(data).hexdigest()
        (OUT / name).write_bytes(data)
        count += 1
    print(f"{count} seeds in {OUT}")


if __name__ == "__main__":
    main()
