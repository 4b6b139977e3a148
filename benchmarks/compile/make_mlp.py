#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes the 25M-parameter MLP of the structural-pruning issue as ONNX:
six 2048-wide layers (MatMul -> Add -> Relu), 1024 inputs, 10 outputs,
random weights, batch dimension symbolic.

Usage: make_mlp.py OUT.onnx [--width 2048] [--layers 6]
"""

import argparse

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("out")
parser.add_argument("--width", type=int, default=2048)
parser.add_argument("--layers", type=int, default=6)
parser.add_argument("--inputs", type=int, default=1024)
args = parser.parse_args()

rng = np.random.default_rng(0)
nodes, inits = [], []
previous, fan_in = "x", args.inputs
for i in range(args.layers + 1):
    last = i == args.layers
    fan_out = 10 if last else args.width
    w = (rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)).astype(
        np.float32)
    b = (0.01 * rng.standard_normal(fan_out)).astype(np.float32)
    inits += [numpy_helper.from_array(w, f"w{i}"),
              numpy_helper.from_array(b, f"b{i}")]
    nodes += [helper.make_node("MatMul", [previous, f"w{i}"], [f"m{i}"]),
              helper.make_node("Add", [f"m{i}", f"b{i}"],
                               ["y" if last else f"a{i}"])]
    if not last:
        nodes.append(helper.make_node("Relu", [f"a{i}"], [f"h{i}"]))
        previous = f"h{i}"
    fan_in = fan_out
graph = helper.make_graph(
    nodes, "mlp",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", args.inputs])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])], inits)
save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
     args.out)
params = sum(int(np.prod(t.dims)) for t in inits)
print(f"{args.out}: {params} parameters")
