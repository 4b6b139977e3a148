# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Runs pipeline-variants.mlir's programs under every CPU pipeline variant
and compares each with the plain-loops variant (check_close.py agree).

Usage: pipeline-variants.mlir.py TMPDIR PYTHON CHECK_CLOSE
(compress-opt and mlir-runner on PATH; the runtime library next to
compress-opt's build).
"""

import os
import shutil
import subprocess
import sys

tmp, python, check_close = sys.argv[1:4]
opt = shutil.which("compress-opt")
runner = shutil.which("mlir-runner")
build = os.path.dirname(os.path.dirname(opt))
llvm_lib = os.path.join(os.path.dirname(os.path.dirname(runner)), "lib")
libs = ",".join([os.path.join(llvm_lib, "libmlir_runner_utils.so"),
                 os.path.join(llvm_lib, "libmlir_c_runner_utils.so"),
                 os.path.join(build, "lib", "libcompress_cpu_runtime.so")])
VARIANTS = {
    "reference": "vectorize=false microkernels=false",
    "loops-vectorized": "microkernels=false",
    "kernels": "",
    "kernels-loops": "vectorize=false",
    "portable": "cpu=portable",
    "avx2": "cpu=avx2",
    "threads": "threads=2",
    "threads-serial-loops": "threads=2 parallel-loops=false",
    "malloc-buffers": "arena=false",
    "int4-as-int8": "pack-int4=false",
    "no-table-lookup": "table-lookup=false",
    "split-batch": "batch-chunk=1",
    "split-batch-threads": "batch-chunk=1 threads=2",
}
for model in ("w8", "w4", "w4g", "w3g", "int8", "int8w4"):
    outputs = {}
    for name, options in VARIANTS.items():
        lowered = subprocess.run(
            [opt, os.path.join(tmp, model + ".mlir"),
             f"--compress-lower-to-cpu={options}" if options
             else "--compress-lower-to-cpu"],
            check=True, capture_output=True, text=True).stdout
        # The split variants must have split @cnn (batch 2) into one image
        # at a time, or they would test nothing.
        if "batch-chunk=1" in options and "@cnn__chunk1" not in lowered:
            sys.stdout.write(f"{model} {name}: mismatch: @cnn not split\n")
        printed = subprocess.run(
            [runner, "-e", "main", "-entry-point-result=void",
             f"-shared-libs={libs}"], input=lowered, check=True,
            capture_output=True, text=True).stdout
        path = os.path.join(tmp, f"{model}.{name}.txt")
        with open(path, "w") as f:
            f.write(printed)
        outputs[name] = path
    # The int8 model's outputs are dequantized from identical integers by
    # identical float operations: they must agree exactly.
    rtol, atol = (("0", "0") if model.startswith("int8") else
                  ("1e-5", "1e-6"))
    for name, path in outputs.items():
        if name == "reference":
            continue
        result = subprocess.run(
            [python, check_close, "agree", path, outputs["reference"],
             "--rtol", rtol, "--atol", atol], capture_output=True, text=True)
        sys.stdout.write(f"{model} {name}: " + result.stdout + result.stderr)
