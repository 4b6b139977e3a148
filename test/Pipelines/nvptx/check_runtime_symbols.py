# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Checks that the runtime library defines every mgpu* function a module needs.

Usage: check_runtime_symbols.py MODULE.ll RUNTIME.cpp

MODULE.ll is LLVM IR translated from a module lowered by
--compress-lower-to-nvptx; RUNTIME.cpp is runtime/CudaRuntime.cpp. Prints the
functions the module declares and exits non-zero naming any the runtime does
not export, so that a change in MLIR's lowering is caught here, without a GPU,
instead of as a missing symbol in mlir-runner on a GPU machine.
"""

import re
import sys


def main():
    module, runtime = sys.argv[1:3]
    needed = sorted(set(re.findall(r"^declare [^@]*@(mgpu\w+)\(",
                                   open(module).read(), re.MULTILINE)))
    defined = set(re.findall(r"COMPRESS_CUDA_EXPORT[^(]*?\b(mgpu\w+)\(",
                             open(runtime).read(), re.DOTALL))
    missing = [name for name in needed if name not in defined]
    if missing:
        sys.stderr.write("not defined by the runtime: " + ", ".join(missing) +
                         "\n")
        return 1
    print("runtime defines: " + " ".join(needed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
