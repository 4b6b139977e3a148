# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Driver of resource-weights.mlir: each weight pass, on the same ONNX model
imported with resource weights and with inline weights, must give
bit-identical compiled outputs, different from the unchanged model's.

Usage: resource-weights.mlir.py WORKDIR
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(7)
failures = 0


def check(ok, what):
    global failures
    print(("ok: " if ok else "FAIL: ") + what)
    failures += 0 if ok else 1


def weight(name, *shape):
    return numpy_helper.from_array(
        (rng.standard_normal(shape) / np.sqrt(np.prod(shape[1:]))).astype(
            np.float32), name)


C, H = 16, 32
initializers = [
    weight("w1", C, 3, 3, 3), weight("b1", C),
    weight("w2", C, C, 3, 3), weight("b2", C),
    weight("w2b", C, C, 3, 3), weight("b2b", C),
    weight("wd", C, 1, 3, 3), weight("bd", C),
    weight("w4", C, C, 1, 1), weight("b4", C),
    weight("g1", H, C), weight("gb1", H),
    weight("m2", H, H), weight("mb2", H),
    weight("g3", 10, H), weight("gb3", 10),
]
conv = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1])
nodes = [
    helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], **conv),
    helper.make_node("Relu", ["c1"], ["r1"]),
    helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], **conv),
    helper.make_node("Relu", ["c2"], ["r2a"]),
    helper.make_node("Conv", ["r2a", "w2b", "b2b"], ["c2b"], **conv),
    helper.make_node("Add", ["c2b", "r1"], ["s2"]),
    helper.make_node("Relu", ["s2"], ["r2"]),
    helper.make_node("Conv", ["r2", "wd", "bd"], ["c3"], group=C, **conv),
    helper.make_node("Relu", ["c3"], ["r3"]),
    helper.make_node("Conv", ["r3", "w4", "b4"], ["c4"], kernel_shape=[1, 1]),
    helper.make_node("Relu", ["c4"], ["r4"]),
    helper.make_node("GlobalAveragePool", ["r4"], ["p"]),
    helper.make_node("Flatten", ["p"], ["f"]),
    helper.make_node("Gemm", ["f", "g1", "gb1"], ["h1"], transB=1),
    helper.make_node("Relu", ["h1"], ["a1"]),
    helper.make_node("MatMul", ["a1", "m2"], ["h2"]),
    helper.make_node("Add", ["h2", "mb2"], ["h2b"]),
    helper.make_node("Relu", ["h2b"], ["a2"]),
    helper.make_node("Gemm", ["a2", "g3", "gb3"], ["y"], transB=1),
]
graph = helper.make_graph(
    nodes, "residual_cnn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 8, 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 10])],
    initializers)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
path = os.path.join(work, "model.onnx")
onnx.save(model, path)

data = os.path.join(work, "data")
os.makedirs(data, exist_ok=True)
for i in range(4):
    np.save(os.path.join(data, f"s{i}.npy"),
            rng.standard_normal((2, 3, 8, 8)).astype(np.float32))
x = os.path.join(work, "x.npy")
np.save(x, rng.standard_normal((2, 3, 8, 8)).astype(np.float32))


def run(*args, **kwargs):
    return subprocess.run(list(args), check=True, capture_output=True,
                          text=True, **kwargs)


forms = {}
for form, threshold in (("resource", 0), ("inline", 1 << 30)):
    forms[form] = os.path.join(work, f"{form}.mlir")
    run("compress-translate", "--import-onnx", path, "--batch-size=2",
        f"--resource-threshold={threshold}", "-o", forms[form])
with open(forms["resource"]) as f:
    text = f.read()
check(text.count("dense_resource<") >= 16,
      "the resource form keeps every weight as a blob")
with open(forms["inline"]) as f:
    check("dense_resource<" not in f.read(),
          "the inline form has no blob")


def compiled_output(mlir, name):
    out = os.path.join(work, name + ".npy")
    run("compress-run", mlir, "--input", x, "--output", out, "--quiet")
    return np.load(out)


unchanged = compiled_output(forms["inline"], "unchanged")
check(np.array_equal(unchanged, compiled_output(forms["resource"],
                                                "unchanged-resource")),
      "unchanged: both forms compute the same")

PASSES = [
    "--compress-prune-magnitude=sparsity=0.5",
    "--compress-prune-magnitude=sparsity=0.6 scope=global",
    f"--compress-prune-magnitude=sparsity=0.5 algorithm=sparsegpt data={data}",
    "--compress-prune-nm=n=2 m=4",
    "--compress-prune-neurons=ratio=0.5",
    "--compress-prune-filters=ratio=0.25",
    f"--compress-prune-filters=ratio=0.25 reconstruct=true data={data}",
    "--compress-quantize-weights",
    "--compress-quantize-weights=bits=4",
    f"--compress-quantize-weights=bits=4 algorithm=gptq data={data}",
    "--compress-low-rank=ratio=0.5",
    "--compress-convert-precision=to=f16",
    f"--compress-ptq=data={data} lower=false",
]
for i, option in enumerate(PASSES):
    outputs = []
    for form, mlir in forms.items():
        transformed = os.path.join(work, f"p{i}-{form}.mlir")
        run("compress-opt", mlir, option, "-o", transformed)
        outputs.append(compiled_output(transformed, f"p{i}-{form}"))
    name = option.replace(data, "DIR")
    if option == "--compress-prune-filters=ratio=0.25":
        # The residual group {w1, w2b} (read by w2 and, through the
        # depthwise convolution, w4) and the block's own chain lose a
        # quarter of their 16 channels each.
        with open(transformed) as f:
            pruned = f.read()
        shapes = ["12x3x3x3", "12x12x3x3", "12x3x3", "12x12x1x1", "32x12"]
        missing = [s for s in shapes if f"tensor<{s}xf32>" not in pruned]
        check(not missing, f"{name}: every layer of the residual CNN "
              f"shrinks (missing shapes: {missing})")
    check(np.array_equal(outputs[0], outputs[1]),
          f"{name}: resource and inline weights give identical results")
    check(not np.array_equal(outputs[0], unchanged),
          f"{name}: the pass changed the model")

# MLIR bytecode (`--emit-bytecode`): the import writes it, compress-opt's
# weight passes read and write it (blobs memory-mapped, replaced ones paged
# out), compress-run runs it, with the same results as the text forms.
bytecode = os.path.join(work, "resource.mlirbc")
run("compress-translate", "--import-onnx", path, "--batch-size=2",
    "--resource-threshold=0", "--emit-bytecode", "-o", bytecode)
with open(bytecode, "rb") as f:
    check(f.read(4) == b"ML\xefR", "--emit-bytecode writes MLIR bytecode")
check(np.array_equal(unchanged, compiled_output(bytecode, "unchanged-bc")),
      "bytecode: the imported model computes the same")
for i, option in enumerate(PASSES[:2] + ["--compress-prune-nm=n=2 m=4"]):
    transformed = os.path.join(work, f"bc{i}.mlirbc")
    run("compress-opt", bytecode, option, "--emit-bytecode", "-o", transformed)
    inline = os.path.join(work, f"bc{i}-inline.mlir")
    run("compress-opt", forms["inline"], option, "-o", inline)
    check(np.array_equal(compiled_output(transformed, f"bc{i}"),
                         compiled_output(inline, f"bc{i}-inline")),
          f"{option}: bytecode and inline weights give identical results")

print("failures:", failures)
sys.exit(1 if failures else 0)
