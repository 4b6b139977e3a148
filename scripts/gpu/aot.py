#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""`%run_gpu` of the GPU execution tests, split between two machines.

GPU machines here have a GPU, its driver and the CUDA Toolkit, but no LLVM or
MLIR, so mlir-runner cannot run there. scripts/gpu-check.sh therefore runs the
GPU tests (test/Integration/NVPTX) twice with lit, on a machine with the
compress build, around one step on the GPU machine:

  record BUNDLE   (lit --param gpu_mode=record): compiles the module read from
                  stdin (LLVM dialect with gpu.binary, what --compress-lower-
                  to-nvptx makes) ahead of time into BUNDLE/programs/<key>, an
                  executable that needs only libcuda, the runtime library and
                  scripts/gpu/runner_utils.cpp, both copied into BUNDLE/lib.
                  <key> is the SHA-256 of the module's text (less the
                  compile times upstream's serializer records).
  (GPU machine)   scripts/gpu/device-run.sh runs every program and stores its
                  stdout, stderr and exit status under results/<key>.
  replay BUNDLE   (lit --param gpu_mode=replay): compiles nothing; writes the
                  recorded output of the program whose key is that of the
                  module on stdin and exits with its status, so the tests'
                  FileCheck and diff lines check what the GPU computed.

A module whose program has no recorded result fails the replay, which names
it, rather than passing.
"""

import hashlib
import os
import re
import subprocess
import sys
import tempfile

LLVM_BIN = "/usr/lib/llvm-22/bin"
ENTRY = "compress_gpu_test_main"
# Line-buffered stdout keeps what a program printed before it aborts.
MAIN_STUB = f"""
#include <cstdio>
extern "C" void {ENTRY}();
int main() {{
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  {ENTRY}();
  return 0;
}}
"""


def fail(message):
    sys.stderr.write(f"gpu aot: {message}\n")
    sys.exit(1)


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, **kwargs)
    if result.returncode != 0:
        fail(f"{' '.join(command)} failed:\n"
             f"{result.stderr.decode(errors='replace')}")
    return result


def program_key(module):
    """The SHA-256 of the module without the compile times that upstream's
    gpu-module-to-binary records in gpu.object properties (mlir-opt's
    pipelines keep them; compress's drop them), which differ between the
    record and the replay compilations of one program."""
    normalized = re.sub(rb"\w+TimeInMs = \d+ : i64(, )?", b"", module)
    return hashlib.sha256(normalized).hexdigest()[:24]


def record(bundle, module):
    key = program_key(module)
    programs = os.path.join(bundle, "programs")
    lib = os.path.join(bundle, "lib")
    os.makedirs(programs, exist_ok=True)
    program = os.path.join(programs, key)
    if not os.path.exists(program):
        for name in ("libcompress_cuda_runtime.so", "libcompress_runner_utils.so"):
            if not os.path.exists(os.path.join(lib, name)):
                fail(f"{lib}/{name} is missing: run scripts/gpu-check.sh prepare")
        with tempfile.TemporaryDirectory() as work:
            ir = os.path.join(work, "module.ll")
            obj = os.path.join(work, "module.o")
            stub = os.path.join(work, "main.cpp")
            run([f"{LLVM_BIN}/mlir-translate", "--mlir-to-llvmir", "-o", ir],
                input=module)
            run([f"{LLVM_BIN}/llc", "-O2", "-filetype=obj",
                 "--relocation-model=pic", ir, "-o", obj])
            # The test's @main becomes a function the stub calls, so that the
            # program's exit status is 0 unless something fails.
            run([f"{LLVM_BIN}/llvm-objcopy", f"--redefine-sym=main={ENTRY}",
                 obj])
            with open(stub, "w") as f:
                f.write(MAIN_STUB)
            # libcuda is on the GPU machine only: its symbols stay undefined
            # in the runtime library until the program runs there.
            run(["c++", stub, obj, "-o", program + ".tmp", f"-L{lib}",
                 "-lcompress_cuda_runtime", "-lcompress_runner_utils",
                 "-Wl,--allow-shlib-undefined", "-Wl,-rpath,$ORIGIN/../lib"])
            os.replace(program + ".tmp", program)
    # The test's later lines (FileCheck, diff, ...) are no-ops in record mode.
    sys.stdout.write(f"gpu aot: recorded {key}\n")


def replay(bundle, module):
    key = program_key(module)
    results = os.path.join(bundle, "results", key)
    if not os.path.isdir(results):
        fail(f"no GPU result for program {key}: the module differs from the "
             "one recorded, or the device step did not run it "
             "(scripts/gpu-check.sh prepare, then device, then finish)")
    with open(os.path.join(results, "stdout"), "rb") as f:
        sys.stdout.buffer.write(f.read())
    with open(os.path.join(results, "stderr"), "rb") as f:
        sys.stderr.buffer.write(f.read())
    with open(os.path.join(results, "status")) as f:
        sys.exit(int(f.read().strip() or "1"))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("record", "replay"):
        fail("usage: aot.py record|replay BUNDLE < module.mlir")
    module = sys.stdin.buffer.read()
    if not module.strip():
        fail("empty module on stdin (did the compiler fail?)")
    (record if sys.argv[1] == "record" else replay)(sys.argv[2], module)


if __name__ == "__main__":
    main()
