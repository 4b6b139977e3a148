# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes external-data.mlir's models into DIR: model.onnx (W from
weights.bin at offset 16, b from bias.bin), x.npy, want.npy (NumPy's
x @ W + b), and models whose external data is missing, escapes the
directory, is too short, or has the wrong length."""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

out = sys.argv[1]
rng = np.random.RandomState(3)
W = rng.uniform(-1, 1, (4, 3)).astype(np.float32)
b = rng.uniform(-1, 1, (3,)).astype(np.float32)
x = rng.uniform(-1, 1, (2, 4)).astype(np.float32)
with open(os.path.join(out, "weights.bin"), "wb") as f:
    f.write(b"\x00" * 16 + W.tobytes() + b"\x00" * (64 - 16 - W.nbytes))
with open(os.path.join(out, "bias.bin"), "wb") as f:
    f.write(b.tobytes())
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "want.npy"), x @ W + b)


def external(name, shape, entries):
    tensor = TensorProto()
    tensor.name = name
    tensor.data_type = TensorProto.FLOAT
    tensor.dims.extend(shape)
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in entries:
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    return tensor


def model(file, w_entries):
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["m"]),
         helper.make_node("Add", ["m", "b"], ["y"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
        [external("W", [4, 3], w_entries),
         external("b", [3], [("location", "bias.bin")])])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    with open(os.path.join(out, file), "wb") as f:
        f.write(m.SerializeToString())


model("model.onnx", [("location", "weights.bin"), ("offset", "16"),
                     ("length", "48")])
model("missing.onnx", [("location", "nowhere.bin")])
model("escape.onnx", [("location", "../weights.bin")])
model("short.onnx", [("location", "weights.bin"), ("offset", "16"),
                     ("length", "4000")])
model("size.onnx", [("location", "weights.bin"), ("offset", "20"),
                    ("length", "44")])
