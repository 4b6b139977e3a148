# -*- Python -*-
# lit configuration for the compress test suite.

import os
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

# `%run_cpu`: run a module lowered to LLVM by --compress-lower-to-cpu.
config.substitutions.append(
    ("%run_cpu",
     "mlir-runner -e main -entry-point-result=void "
     f"-shared-libs={runner_utils},{c_runner_utils}"))

tools = ["compress-opt", "mlir-runner"]
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
