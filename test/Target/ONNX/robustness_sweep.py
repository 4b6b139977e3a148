#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The robustness sweep: every ONNX backend node-test model that compress
imports goes through each weight pass, PTQ (calibrated on the test's own
inputs) and both lowerings, in one process (the compress_mlir bindings).

    robustness_sweep.py [--data DIR] [--limit N]

Each step must end in a verified module or a CompileError carrying at
least one error diagnostic with a location; anything else (a crash kills
the process; another exception, or an error without a message) is a
failure. PTQ must also keep the semantics of models whose float path it
does not touch: a model that PTQ leaves without any quantize op must
compute the node test's expected output as the float model does. Prints
the count of runs per step and of failures.
"""

import argparse
import glob
import os
import re
import sys
import warnings

import numpy as np
import onnx
from onnx import numpy_helper

import compress_mlir as cm

STEPS = [
    ("prune-magnitude", "compress-prune-magnitude{sparsity=0.5}"),
    ("prune-magnitude-global",
     "compress-prune-magnitude{sparsity=0.5 scope=global}"),
    ("prune-nm", "compress-prune-nm{n=2 m=4}"),
    ("prune-neurons", "compress-prune-neurons{ratio=0.5}"),
    ("prune-filters", "compress-prune-filters{ratio=0.25}"),
    ("prune-heads", "compress-prune-heads{ratio=0.5}"),
    ("quantize-weights", "compress-quantize-weights"),
    ("quantize-weights-4", "compress-quantize-weights{bits=4}"),
    ("low-rank", "compress-low-rank{ratio=0.5}"),
    ("convert-precision", "compress-convert-precision{to=f16}"),
    ("lower-to-cpu", "compress-lower-to-cpu"),
    ("lower-to-nvptx", "compress-lower-to-nvptx"),
]
# An error diagnostic names a location: file:line:col, a name, or "loc(".
LOCATED = re.compile(r"(:\d+:\d+|loc\(|\"[^\"]+\")")


def inputs_of(directory, model):
    data = sorted(glob.glob(os.path.join(directory, "test_data_set_0",
                                         "input_*.pb")))
    arrays = []
    for path in data:
        tensor = onnx.TensorProto()
        with open(path, "rb") as f:
            tensor.ParseFromString(f.read())
        arrays.append(numpy_helper.to_array(tensor))
    initializers = {i.name for i in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in initializers]
    return arrays if len(arrays) == len(names) else None


def expected_of(directory):
    path = os.path.join(directory, "test_data_set_0", "output_0.pb")
    if not os.path.exists(path):
        return None
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return numpy_helper.to_array(tensor)


class Sweep:
    def __init__(self, verbose):
        self.verbose = verbose
        self.failures = 0
        self.runs = {}

    def fail(self, test, step, why):
        self.failures += 1
        print(f"FAIL: {test}: {step}: {why}")

    def step(self, test, step, action):
        """Runs `action()`; returns its module, or None after a clean
        diagnostic."""
        done = self.runs.setdefault(step, [0, 0])
        done[0] += 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return action()
        except cm.CompileError as error:
            done[1] += 1
            text = "\n".join(str(d) for d in getattr(error, "diagnostics",
                                                     [])) or str(error)
            if self.verbose:
                print(f"error: {test}: {step}: {text.splitlines()[0]}")
            if "error" not in text or not LOCATED.search(text):
                self.fail(test, step, f"an error without a located "
                          f"diagnostic: {text[:200]!r}")
        except Exception as error:  # noqa: BLE001 - anything else fails
            self.fail(test, step, f"{type(error).__name__}: {error}")
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data",
                        default="/usr/share/libonnx-testdata/data/node")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--verbose", action="store_true",
                        help="print the first line of every clean error")
    args = parser.parse_args()
    sweep = Sweep(args.verbose)
    imported = 0
    tests = sorted(glob.glob(os.path.join(args.data, "test_*")))
    for directory in tests:
        path = os.path.join(directory, "model.onnx")
        if not os.path.exists(path):
            continue
        test = os.path.basename(directory)
        try:
            model = cm.import_onnx(path, batch_size=1)
        except cm.CompileError:
            continue  # unsupported ops or types: the node tests cover this
        imported += 1
        if args.limit and imported > args.limit:
            break
        for name, pipeline in STEPS:
            sweep.step(test, name,
                       lambda: model.clone().run_pipeline(pipeline))
        proto = onnx.load(path)
        inputs = inputs_of(directory, proto)
        if not inputs or not all(a.dtype == np.float32 for a in inputs):
            continue
        quantized = sweep.step(test, "ptq",
                               lambda: cm.quantize(model, [tuple(inputs)]))
        if quantized is None or "compress.quantize" in str(
                quantized) or "quant.uniform" in str(quantized):
            continue
        # Nothing was quantized: PTQ must have left the float computation.
        expected = expected_of(directory)
        got = sweep.step(test, "ptq-unquantized-run",
                         lambda: cm.compile(quantized)(*inputs))
        if expected is None or got is None:
            continue
        got = got[0] if isinstance(got, (list, tuple)) else got
        if got.shape != expected.shape or not np.allclose(
                got, expected, rtol=1e-3, atol=1e-5, equal_nan=True):
            sweep.fail(test, "ptq-unquantized-run",
                       "the output differs from the node test's")
    print(f"imported models: {imported}")
    for name, (runs, errors) in sorted(sweep.runs.items()):
        print(f"{name}: {runs} runs, {errors} clean errors")
    print(f"failures: {sweep.failures}")
    return 1 if sweep.failures else 0


if __name__ == "__main__":
    sys.exit(main())
