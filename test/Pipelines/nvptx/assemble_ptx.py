# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Assembles every .ptx file in a directory with ptxas for one architecture.

Usage: assemble_ptx.py PTXAS ARCH DIR

Prints "assembled N PTX files for ARCH" (tests check N, so that an empty
directory cannot pass) and exits non-zero with ptxas's message when a file
does not assemble.
"""

import pathlib
import subprocess
import sys


def main():
    ptxas, arch, directory = sys.argv[1:4]
    files = sorted(pathlib.Path(directory).glob("*.ptx"))
    for ptx in files:
        result = subprocess.run(
            [ptxas, f"-arch={arch}", str(ptx), "-o", "/dev/null"],
            capture_output=True, text=True)
        if result.returncode != 0:
            sys.stderr.write(f"ptxas -arch={arch} {ptx.name} failed:\n"
                             f"{result.stdout}{result.stderr}")
            return 1
    print(f"assembled {len(files)} PTX files for {arch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
