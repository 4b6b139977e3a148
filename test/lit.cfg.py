# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# -*- Python -*-
# lit configuration for the compress test suite.

import os
import shutil
import subprocess

import lit.formats
import lit.util
from lit.llvm import llvm_config

config.name = "COMPRESS"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.compress_obj_root, "test")
config.excludes = ["Inputs", "Install", "CMakeLists.txt", "README.md", "lit.cfg.py",
                   "lit.site.cfg.py"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.compress_tools_dir, append_path=True)

# A sanitizer build (scripts/test.sh --sanitize): every process runs with the
# ASan and UBSan runtimes preloaded, so that uninstrumented programs (cc's
# drivers, mlir-runner, python3) can load instrumented libraries (the CPU
# kernel library, compress-compile's outputs, the Python extension). Leak
# checking is off: the tools keep their MLIR contexts until exit on purpose.
if config.compress_sanitize:
    runtimes = []
    for name in ("libasan.so", "libubsan.so"):
        path = subprocess.run(["cc", f"-print-file-name={name}"],
                              capture_output=True, text=True).stdout.strip()
        if os.path.isabs(path):
            runtimes.append(os.path.realpath(path))
    config.environment["LD_PRELOAD"] = ":".join(runtimes)
    # allow_user_poisoning=0: LLVM's BumpPtrAllocator, inlined from its
    # headers into instrumented code, poisons the slabs it starts, and the
    # uninstrumented libMLIR then hands out memory from them without
    # unpoisoning it (attribute storage: false use-after-poison reports).
    config.environment["ASAN_OPTIONS"] = (
        "detect_leaks=0:abort_on_error=1:detect_odr_violation=0:"
        "allow_user_poisoning=0")
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    config.available_features.add("sanitize")
# What a program linked with a sanitizer build's objects needs (none else).
config.substitutions.append(
    ("%sanitize_flags",
     "-fsanitize=address,undefined" if config.compress_sanitize else ""))

# Shared libraries mlir-runner loads for printMemref* and friends.
runner_utils = os.path.join(config.llvm_lib_dir, "libmlir_runner_utils.so")
c_runner_utils = os.path.join(config.llvm_lib_dir, "libmlir_c_runner_utils.so")
config.substitutions.append(("%mlir_runner_utils", runner_utils))
config.substitutions.append(("%mlir_c_runner_utils", c_runner_utils))
config.substitutions.append(("%python", config.compress_python))
config.substitutions.append(("%compress_src_root", config.compress_src_root))
config.substitutions.append(
    ("%mlir_include_dir",
     os.path.join(os.path.dirname(config.llvm_tools_dir), "include")))

# `%run_cpu`: run a module lowered to LLVM by --compress-lower-to-cpu, whose
# matmuls and convolutions call the CPU kernel library.
cpu_runtime = os.path.join(config.compress_obj_root, "lib",
                           "libcompress_cpu_runtime.so")
config.substitutions.append(("%cpu_runtime", cpu_runtime))
config.substitutions.append(
    ("%run_cpu",
     "mlir-runner -e main -entry-point-result=void "
     f"-shared-libs={runner_utils},{c_runner_utils},{cpu_runtime}"))

tools = ["compress-compile", "compress-opt", "compress-run", "mlir-runner"]
llvm_config.add_tool_substitutions(tools, [config.compress_tools_dir,
                                           config.llvm_tools_dir])

# numpy (Debian's python3-numpy) checks execution results against
# independently computed references.
try:
    subprocess.check_call([config.compress_python, "-c", "import numpy"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    config.available_features.add("numpy")
except (OSError, subprocess.CalledProcessError):
    pass

if os.path.exists(os.path.join(config.llvm_tools_dir, "mlir-runner")):
    config.available_features.add("mlir-runner")

# ONNX import: compress-translate is built when libonnx-dev is installed; the
# model generators need Debian's python3-onnx; the conformance run needs the
# ONNX backend node tests of libonnx-testdata.
if os.path.exists(os.path.join(config.compress_tools_dir, "compress-translate")):
    config.available_features.add("onnx-import")


def python_imports(modules):
    """Whether the test Python imports every module of `modules`."""
    try:
        subprocess.check_call([config.compress_python, "-c",
                               "import " + ", ".join(modules)],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        return True
    except (OSError, subprocess.CalledProcessError):
        return False


# Model generators (Debian's python3-onnx), models exported from PyTorch
# (python3-torch) and torchvision's models (python3-torchvision).
for feature, modules in (("onnx-python", ["onnx", "numpy"]),
                         ("torch", ["torch", "onnx", "numpy"]),
                         ("torchvision", ["torch", "torchvision", "onnx",
                                          "numpy"])):
    if python_imports(modules):
        config.available_features.add(feature)
if os.path.isdir("/usr/share/libonnx-testdata/data/node"):
    config.available_features.add("onnx-testdata")

# NVIDIA GPU path. `ptxas`: the CUDA Toolkit's assembler checks generated PTX.
# `cuda-gpu`: `nvidia-smi -L` lists a GPU, so execution tests run; they also
# need the runtime library (runtime/, built when the toolkit is found) and
# fail, rather than skip, when it is missing. `%cuda_chip` is that GPU's
# architecture (sm_90 on an H100/H200), sm_80 without one.
cuda_root = os.environ.get("CUDA_HOME", "/usr/local/cuda")
ptxas = os.path.join(cuda_root, "bin", "ptxas")
if not os.path.exists(ptxas) and shutil.which("ptxas"):
    # A toolkit on PATH only (its bin/ directory's parent is its root).
    ptxas = shutil.which("ptxas")
    cuda_root = os.path.dirname(os.path.dirname(ptxas))
if os.path.exists(ptxas):
    config.available_features.add("ptxas")
    # Upstream's gpu-module-to-binary finds ptxas and fatbinary on PATH.
    llvm_config.with_environment("PATH", os.path.dirname(ptxas),
                                 append_path=True)
config.substitutions.append(("%ptxas", ptxas))
config.substitutions.append(("%cuda_root", cuda_root))

# scripts/gpu-check.sh runs the GPU execution tests on a machine without a
# GPU in two passes around a step on a GPU machine (scripts/gpu/aot.py):
# `--param gpu_mode=record` compiles each program that `%run_gpu` would run
# into `gpu_bundle`, with the checks that read its output made no-ops;
# `--param gpu_mode=replay` checks the outputs recorded on the GPU machine.
# `gpu_chip` is that GPU's architecture (sm_90 unless given).
gpu_mode = lit_config.params.get("gpu_mode", "")
if gpu_mode not in ("", "record", "replay"):
    lit_config.fatal(f"gpu_mode={gpu_mode}: expected record or replay")
cuda_chip = "sm_80"
if gpu_mode:
    gpu_bundle = lit_config.params.get("gpu_bundle")
    if not gpu_bundle:
        lit_config.fatal(f"gpu_mode={gpu_mode} needs --param gpu_bundle=DIR")
    cuda_chip = lit_config.params.get("gpu_chip", "sm_90")
    config.available_features.add("cuda-gpu")
    if gpu_mode == "record":
        # FileCheck reads a pipe: its stand-in drains it (`true` would
        # break the pipe and fail the command feeding it).
        drain = f'{config.compress_python} -c "import sys; sys.stdin.buffer.read()"'
        for pattern, stand_in in ((r"%python\s+\S*check_close\.py", "true"),
                                  (r"(?<![\w/.-])FileCheck(?![\w-])", drain),
                                  (r"(?<![\w/.%-])diff(?![\w-])", "true")):
            config.substitutions.insert(0, (pattern, stand_in))
else:
    try:
        gpus = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True,
                              timeout=60)
        if gpus.returncode == 0 and "GPU" in gpus.stdout:
            config.available_features.add("cuda-gpu")
            capability = subprocess.run(
                ["nvidia-smi", "--query-gpu=compute_cap", "--format=csv,noheader"],
                capture_output=True, text=True, timeout=60).stdout.split()
            if capability:
                cuda_chip = "sm_" + capability[0].replace(".", "")
    except (OSError, subprocess.SubprocessError):
        pass
config.substitutions.append(("%cuda_chip", cuda_chip))

cuda_runtime = os.path.join(config.compress_obj_root, "lib",
                            "libcompress_cuda_runtime.so")
config.substitutions.append(("%compress_cuda_runtime", cuda_runtime))
# `%run_gpu`: run a module lowered by --compress-lower-to-nvptx.
if gpu_mode:
    aot = os.path.join(config.compress_src_root, "scripts", "gpu", "aot.py")
    config.substitutions.append(
        ("%run_gpu", f"{config.compress_python} {aot} {gpu_mode} {gpu_bundle}"))
else:
    config.substitutions.append(
        ("%run_gpu",
         "mlir-runner -e main -entry-point-result=void "
         f"-shared-libs={cuda_runtime},{runner_utils},{c_runner_utils}"))

# The C API library (lib/CAPI) and the headers its C test compiles against.
config.substitutions.append(("%compress_obj_root", config.compress_obj_root))
if os.path.exists(os.path.join(config.compress_obj_root, "lib",
                               "libCompressCAPI.so")):
    config.available_features.add("capi")

# compress_mlir, the Python package (python-bindings/), built into
# <build>/python; its tests (test/Python/*.py) run with it on PYTHONPATH.
python_package = os.path.join(config.compress_obj_root, "python")
if os.path.isdir(os.path.join(python_package, "compress_mlir")):
    config.available_features.add("python-bindings")
    config.environment["PYTHONPATH"] = python_package

# Which optional features this machine lacks, so that skipped tests never go
# unnoticed: scripts/test.sh prints this line at the end of its summary.
optional_features = ["mlir-runner", "numpy", "onnx-import", "onnx-python",
                     "onnx-testdata", "torch", "torchvision", "python-bindings", "capi", "ptxas",
                     "cuda-gpu"]
missing = [f for f in optional_features if f not in config.available_features]
lit_config.note("compress: optional lit features missing: " +
                (", ".join(missing) if missing else "none"))
