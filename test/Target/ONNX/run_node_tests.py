#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Runs the ONNX backend node tests through compress and compares results.

For every node test (Debian's libonnx-testdata: model.onnx plus
test_data_set_0/{input,output}_N.pb) whose graph uses only ops the importer
supports, this script

  1. turns the inputs compress needs at compile time (quantization scales and
     zero points, reshape targets, axes: see COMPILE_TIME_INPUTS) into
     initializers holding the test's values - the node tests feed every
     operand as a graph input, while real models store these as
     initializers;
  2. imports the model with `compress-translate --import-onnx`;
  3. appends a @main that calls the imported function on the test inputs and
     prints every result exactly (floats as their bits);
  4. lowers with `compress-opt --compress-lower-to-cpu` (with
     `--lower-options`, a pipeline variant), runs with
     mlir-runner, and compares with the expected outputs using ONNX's
     backend-test tolerances: rtol 1e-3, atol 1e-7 for floats (NaN equals
     NaN), exact for integers.

It prints one line per failing test and a summary line

  onnx node tests: P passed, F failed (E expected), S skipped (unsupported
  ops or types)

and exits with status 1 when a test fails that is not listed in
EXPECTED_FAILURES, or a listed one passes (so the list cannot go stale).

Usage (tools are found on PATH unless given):

    /usr/bin/python3 run_node_tests.py --runner-utils LIB,LIB [--filter RE]
        [--data DIR] [--jobs N] [--keep DIR] [-v]
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

# driver.py sits next to this script; no __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from driver import BF16, build_driver, insert_into_module  # noqa: E402

DEFAULT_DATA = "/usr/share/libonnx-testdata/data/node"

# The op types the importer converts (lib/Target/ONNX/*.cpp). A node test is
# run when every node of its graph is one of these.
SUPPORTED_OPS = {
    "Abs", "Add", "AveragePool", "BatchNormalization", "Cast", "Ceil", "Clip",
    "Concat", "Constant", "ConstantOfShape", "Conv", "ConvInteger",
    "DequantizeLinear", "Div", "Dropout", "Elu", "Erf", "Exp", "Expand",
    "Flatten", "Floor", "Gather", "Gelu", "Gemm", "GlobalAveragePool",
    "GlobalMaxPool", "HardSigmoid", "HardSwish", "Identity", "LeakyRelu",
    "Log", "LogSoftmax", "MatMul", "MatMulInteger", "Max", "MaxPool", "Mean",
    "Min", "Mul", "Neg", "PRelu", "Pad", "Pow", "QLinearConv", "QLinearMatMul",
    "QuantizeLinear", "Reciprocal", "ReduceL1", "ReduceL2", "ReduceLogSum",
    "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum",
    "ReduceSumSquare", "Relu", "Reshape", "Shape", "Sigmoid", "Size", "Slice",
    "Softmax", "Softplus", "Sqrt", "Squeeze", "Sub", "Sum", "Tanh",
    "Transpose", "Unsqueeze",
}

# Operands that compress needs as compile-time constants, by op type: input
# positions. The node tests pass them as graph inputs; they become
# initializers with the test's values.
COMPILE_TIME_INPUTS = {
    "QuantizeLinear": [1, 2],
    "DequantizeLinear": [1, 2],
    "QLinearMatMul": [1, 2, 4, 5, 6, 7],
    "QLinearConv": [1, 2, 4, 5, 6, 7],
    "MatMulInteger": [2, 3],
    "ConvInteger": [2, 3],
    "Reshape": [1],
    "Expand": [1],
    "ConstantOfShape": [0],
    "Squeeze": [1],
    "Unsqueeze": [1],
    "Slice": [1, 2, 3, 4],
    "Dropout": [1, 2],
    "Pad": [1, 2],
    "ReduceSum": [1],
}

# Tests of supported ops that are known to fail, with the reason. Every
# QuantizeLinear/DequantizeLinear/QLinear*/*Integer test must pass: none of
# them may be listed here.
_TRAINING_DROPOUT = "training-mode Dropout (random masks) is not supported"
_CASTLIKE_SHAPE = ("the test feeds 'like' as a 1-element tensor while the "
                   "model declares it 3x4; the importer compiles the "
                   "declared static shapes")
_INTEGER_POW = "Pow of an integer base is not supported (a float base is)"
EXPECTED_FAILURES = {
    "test_averagepool_3d_default": "3-D pooling is not implemented (1-D and "
                                   "2-D are)",
    "test_maxpool_3d_default": "3-D pooling is not implemented (1-D and 2-D "
                               "are)",
    "test_batchnorm_epsilon_training_mode": "training mode (batch statistics "
                                            "and running-mean outputs) is "
                                            "not supported",
    "test_batchnorm_example_training_mode": "training mode (batch statistics "
                                            "and running-mean outputs) is "
                                            "not supported",
    "test_cast_FLOAT_to_BFLOAT16": "ONNX 1.12's reference truncates float to "
                                   "bfloat16; compress rounds to nearest "
                                   "even, as later ONNX versions specify",
    "test_castlike_BFLOAT16_to_FLOAT_expanded": _CASTLIKE_SHAPE,
    "test_castlike_FLOAT_to_BFLOAT16_expanded": _CASTLIKE_SHAPE,
    "test_maxpool_with_argmax_2d_precomputed_pads": "MaxPool's Indices "
                                                    "output is not supported",
    "test_maxpool_with_argmax_2d_precomputed_strides": "MaxPool's Indices "
                                                       "output is not "
                                                       "supported",
    "test_pow_types_float": _INTEGER_POW,
    "test_pow_types_int32_float32": _INTEGER_POW,
    "test_pow_types_int32_int32": _INTEGER_POW,
    "test_pow_types_int64_float32": _INTEGER_POW,
    "test_pow_types_int64_int64": _INTEGER_POW,
    "test_training_dropout": _TRAINING_DROPOUT,
    "test_training_dropout_default": _TRAINING_DROPOUT,
    "test_training_dropout_default_mask": _TRAINING_DROPOUT,
    "test_training_dropout_mask": _TRAINING_DROPOUT,
    "test_training_dropout_zero_ratio": _TRAINING_DROPOUT,
    "test_training_dropout_zero_ratio_mask": _TRAINING_DROPOUT,
}

MUST_PASS = re.compile(r"^test_(quantizelinear|dequantizelinear|qlinear|"
                       r"matmulinteger|convinteger|basic_convinteger)")

HEADER = re.compile(r"sizes = \[([0-9, ]*)\] strides = \[[0-9, ]*\] data =")
TOKEN = re.compile(r"\[|\]|-?[0-9]+")

class TestError(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def parse_printouts(text):
    """The integer data of every printMemref printout in `text`, in order."""
    results = []
    for header in HEADER.finditer(text):
        shape = [int(d) for d in header.group(1).split(",") if d.strip()]
        values, depth = [], 0
        for token in TOKEN.finditer(text, header.end()):
            token = token.group(0)
            if token == "[":
                depth += 1
            elif token == "]":
                depth -= 1
                if depth == 0:
                    break
            else:
                values.append(int(token))
        # printMemref prints one stale element per row of an empty tensor.
        if 0 in shape:
            values = []
        results.append((shape, values))
    return results


def decode(values, dtype):
    """The numpy values of printed integers for a result of `dtype`."""
    dtype = np.dtype(dtype)
    if dtype in (np.float32, np.float16, BF16):
        return np.array(values, dtype=np.int64).astype(np.int32).view(
            np.float32)
    if dtype == np.float64:
        return np.array(values, dtype=np.int64).view(np.float64)
    return np.array(values, dtype=np.int64)


def compare(actual, expected, name):
    """None when `actual` matches `expected`, else a description."""
    if expected.dtype == BF16:
        expected = (expected.view(np.uint16).astype(np.uint32) << 16).view(
            np.float32)
    if expected.dtype.kind == "f":
        exp = expected.astype(np.float64).flatten()
        act = actual.astype(np.float64)
        both_nan = np.isnan(exp) & np.isnan(act)
        with np.errstate(invalid="ignore"):
            close = (act == exp) | (np.abs(act - exp) <=
                                    1e-7 + 1e-3 * np.abs(exp))
        bad = ~(close | both_nan)
    else:
        exp = expected.astype(np.int64).flatten()
        act = actual.astype(np.int64)
        bad = act != exp
    if not bad.any():
        return None
    first = int(np.flatnonzero(bad)[0])
    return (f"{name}: {int(bad.sum())} of {exp.size} values differ; first at "
            f"{first}: got {act[first]!r}, expected {exp[first]!r}")


def load_test(directory):
    model = onnx.load(os.path.join(directory, "model.onnx"))
    data = os.path.join(directory, "test_data_set_0")
    def read(prefix, count):
        arrays = []
        for i in range(count):
            tensor = onnx.TensorProto()
            with open(os.path.join(data, f"{prefix}_{i}.pb"), "rb") as f:
                tensor.ParseFromString(f.read())
            arrays.append(numpy_helper.to_array(tensor))
        return arrays
    def mark_bf16(arrays, infos):
        return [a.view(BF16) if i.type.tensor_type.elem_type ==
                onnx.TensorProto.BFLOAT16 else a
                for a, i in zip(arrays, infos)]
    initializers = {t.name for t in model.graph.initializer}
    graph_inputs = [i for i in model.graph.input if i.name not in initializers]
    inputs = mark_bf16(read("input", len(graph_inputs)), graph_inputs)
    outputs = mark_bf16(read("output", len(model.graph.output)),
                        model.graph.output)
    return model, graph_inputs, inputs, outputs


def fold_compile_time_inputs(model, graph_inputs, inputs):
    """Moves the inputs in COMPILE_TIME_INPUTS positions into initializers;
    returns the remaining (runtime) inputs' arrays."""
    constant_names = set()
    for node in model.graph.node:
        for index in COMPILE_TIME_INPUTS.get(node.op_type, []):
            if index < len(node.input) and node.input[index]:
                constant_names.add(node.input[index])
    runtime = []
    for info, array in zip(graph_inputs, inputs):
        if info.name in constant_names:
            if array.dtype == BF16:
                raise TestError("data", f"bfloat16 constant '{info.name}'")
            model.graph.initializer.append(
                numpy_helper.from_array(array, info.name))
            model.graph.input.remove(info)
        else:
            runtime.append(array)
    return runtime


def run(command, kind, stdin=None):
    try:
        process = subprocess.run(command, input=stdin, capture_output=True,
                                 text=True, timeout=300)
    except OSError as error:
        raise TestError(kind, f"cannot run {command[0]}: {error}")
    if process.returncode != 0:
        message = process.stderr.strip().splitlines()
        raise TestError(kind, message[0] if message else
                        f"exit status {process.returncode}")
    return process.stdout


def run_test(name, args):
    directory = os.path.join(args.data, name)
    work = tempfile.mkdtemp(prefix=name + ".", dir=args.keep)
    try:
        model, graph_inputs, inputs, outputs = load_test(directory)
        runtime_inputs = fold_compile_time_inputs(model, graph_inputs, inputs)
        model_path = os.path.join(work, "model.onnx")
        onnx.save(model, model_path)
        imported = run([args.translate, "--import-onnx", model_path,
                        "--func-name=graph"], "import")
        program = insert_into_module(imported, build_driver(
            "graph", runtime_inputs, [(o.dtype, o.shape) for o in outputs],
            bits=True))
        with open(os.path.join(work, "program.mlir"), "w") as f:
            f.write(program)
        # math.erf has no LLVM lowering in the CPU pipeline; libm has erff.
        passes = ["--convert-math-to-libm"] if "math.erf" in imported else []
        lower = "--compress-lower-to-cpu" + (
            f"={args.lower_options}" if args.lower_options else "")
        lowered = run([args.opt, "-", *passes, lower], "compile", program)
        printed = run([args.runner, "-e", "main", "-entry-point-result=void",
                       f"-shared-libs={args.runner_utils}"], "run", lowered)
        printouts = parse_printouts(printed)
        if len(printouts) != len(outputs):
            raise TestError("run", f"{len(printouts)} results printed, "
                            f"{len(outputs)} expected")
        for i, ((shape, values), expected) in enumerate(
                zip(printouts, outputs)):
            if list(shape) != list(expected.shape) and \
                    not (shape == [] and expected.shape == ()):
                raise TestError("mismatch", f"output {i} has shape {shape}, "
                                f"expected {list(expected.shape)}")
            problem = compare(decode(values, expected.dtype), expected,
                              f"output {i}")
            if problem:
                raise TestError("mismatch", problem)
        return name, "pass", ""
    except TestError as error:
        return name, error.kind, str(error)
    except subprocess.TimeoutExpired:
        return name, "run", "timed out"
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def select_tests(data, pattern):
    """(runnable test names, names skipped for unsupported ops or types)."""
    runnable, skipped = [], []
    for name in sorted(os.listdir(data)):
        if pattern and not re.search(pattern, name):
            continue
        path = os.path.join(data, name, "model.onnx")
        if not os.path.exists(path):
            continue
        graph = onnx.load(path).graph
        ops = {n.op_type for n in graph.node}
        # Sequences, optionals and strings have no place in a function on
        # numeric tensors.
        values = list(graph.input) + list(graph.output)
        tensors = all(v.type.HasField("tensor_type") and
                      v.type.tensor_type.elem_type != onnx.TensorProto.STRING
                      for v in values)
        supported = ops <= SUPPORTED_OPS and tensors
        (runnable if supported else skipped).append(name)
    return runnable, skipped


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--translate", default="compress-translate")
    parser.add_argument("--opt", default="compress-opt")
    parser.add_argument("--runner", default="mlir-runner")
    parser.add_argument("--runner-utils", required=True,
                        help="comma-separated runner-utils libraries")
    parser.add_argument("--lower-options", default="",
                        help="options of compress-lower-to-cpu (a pipeline "
                        "variant: the same tests must pass under each)")
    parser.add_argument("--filter", help="regex selecting test names")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", help="keep the work files in this directory")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list the tests that pass")
    args = parser.parse_args()
    for tool in ("translate", "opt", "runner"):
        path = shutil.which(getattr(args, tool))
        if not path:
            print(f"run_node_tests.py: error: {getattr(args, tool)} not found",
                  file=sys.stderr)
            return 2
        setattr(args, tool, path)
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)

    runnable, skipped = select_tests(args.data, args.filter)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = sorted(pool.map(lambda n: run_test(n, args), runnable))

    passed = expected = 0
    unexpected = []
    for name, status, message in results:
        if status == "pass":
            passed += 1
            if name in EXPECTED_FAILURES:
                unexpected.append(f"XPASS {name}: listed as failing "
                                  f"({EXPECTED_FAILURES[name]}) but passes")
            elif args.verbose:
                print(f"PASS {name}")
        elif name in EXPECTED_FAILURES and not MUST_PASS.match(name):
            expected += 1
            if args.verbose:
                print(f"XFAIL {name} ({status}): {message}")
        else:
            unexpected.append(f"FAIL {name} ({status}): {message}")
    for line in unexpected:
        print(line)
    quantized = [(name, status) for name, status, _ in results
                 if MUST_PASS.match(name)]
    quantized_passed = sum(status == "pass" for _, status in quantized)
    print(f"onnx quantized-op node tests: {quantized_passed} passed, "
          f"{len(quantized) - quantized_passed} failed")
    failed = len(results) - passed
    print(f"onnx node tests: {passed} passed, {failed} failed ({expected} "
          f"expected), {len(skipped)} skipped (unsupported ops or types)")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
