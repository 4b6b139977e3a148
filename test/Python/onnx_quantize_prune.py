# RUN: %python %s %t
# REQUIRES: onnx-python
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""import_onnx, quantize and prune from Python, checked against numpy and
against the same steps run by compress-opt from .npy files."""

import os
import re
import shutil
import signal
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import compress_mlir as cm

work = sys.argv[1]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
rng = np.random.default_rng(3)

# An ONNX MLP with a symbolic batch dimension: 16 -> 48 -> 10.
W1 = rng.standard_normal((16, 48)).astype(np.float32) * 0.4
B1 = rng.standard_normal(48).astype(np.float32) * 0.1
W2 = rng.standard_normal((48, 10)).astype(np.float32) * 0.3
B2 = rng.standard_normal(10).astype(np.float32) * 0.1
graph = helper.make_graph(
    [helper.make_node("MatMul", ["pixels", "w1"], ["m1"]),
     helper.make_node("Add", ["m1", "b1"], ["a1"]),
     helper.make_node("Relu", ["a1"], ["h"]),
     helper.make_node("MatMul", ["h", "w2"], ["m2"]),
     helper.make_node("Add", ["m2", "b2"], ["logits"])],
    "mlp",
    [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["N", 16])],
    [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
    [numpy_helper.from_array(W1, "w1"), numpy_helper.from_array(B1, "b1"),
     numpy_helper.from_array(W2, "w2"), numpy_helper.from_array(B2, "b2")])
proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
path = os.path.join(work, "mlp.onnx")
onnx.save(proto, path)


def reference(x, w1=W1, w2=W2):
    h = np.maximum(x.astype(np.float64) @ w1 + B1, 0)
    return h @ w2 + B2


def same_ir(a, b):
    """Equal up to the numbering of names: the modules share one context,
    which gives each new resource blob a fresh name (w1, w1_1, ...)."""
    def strip(m):
        return re.sub(r"_\d+\b", "", str(m))
    return strip(a) == strip(b)


# The three ways in give the same module.
model = cm.import_onnx(path, batch_size=8)
with open(path, "rb") as f:
    assert same_ir(cm.import_onnx(f.read(), batch_size=8), model)
assert same_ir(cm.import_onnx(proto, batch_size=8), model)
assert model._argument_names() == ["pixels"], model._argument_names()

# Without a batch size the symbolic dimension is an error.
try:
    cm.import_onnx(path)
    raise AssertionError("symbolic batch accepted")
except cm.CompileError as e:
    assert "batch" in str(e), str(e)
for bad in [b"not a model", b""]:
    try:
        cm.import_onnx(bad)
        raise AssertionError("garbage accepted")
    except cm.CompileError as e:
        assert e.diagnostics, e
for bad, error in [(0, ValueError), (True, ValueError)]:
    try:
        cm.import_onnx(path, batch_size=bad)
        raise AssertionError(bad)
    except error:
        pass

test = rng.standard_normal((80, 16)).astype(np.float32)
expected = reference(test)
fp32 = cm.compile(model)
assert np.abs(fp32(test) - expected).max() < 1e-4

# --- quantize: in memory, against compress-opt on .npy files -------------
calibration = rng.standard_normal((64, 16)).astype(np.float32)
phases = []
int8 = cm.quantize(model, [calibration[i:i + 8] for i in range(0, 64, 8)],
                   progress=lambda done, total, phase: phases.append(
                       (done, total, phase)))
assert phases == [(i, 8, "ranges") for i in range(1, 9)], phases
assert "compress.observe" not in str(model), "quantize changed its input"
assert "i8" in str(int8)

calib_dir = os.path.join(work, "calib")
os.makedirs(calib_dir)
np.save(os.path.join(calib_dir, "all.npy"), calibration)
model_file = os.path.join(work, "mlp.mlir")
with open(model_file, "w") as f:
    f.write(str(model))
cli = subprocess.run(
    ["compress-opt", model_file,
     f"--compress-ptq=data={calib_dir} lower=false"],
    check=True, capture_output=True, text=True).stdout
from_cli = cm.compile(cm.Module.parse(cli))(test)
from_python = cm.compile(int8)(test)
# The same calibration through files and through memory: identical.
assert np.array_equal(from_cli, from_python)
# And close to the float model on data inside the calibrated ranges (outside
# them, outputs saturate): 8-bit error, a few percent of the range.
seen = reference(calibration)
error = np.abs(cm.compile(int8)(calibration) - seen).max()
assert error < 0.03 * np.abs(seen).max(), error

# Dicts by ONNX input name, and one stacked array, give the same model.
by_name = cm.quantize(model, [{"pixels": calibration[i:i + 8]}
                              for i in range(0, 64, 8)], progress=False)
stacked = cm.quantize(model, [calibration], progress=False)
assert same_ir(by_name, int8) and same_ir(stacked, int8)

# The report lists both layers as 8-bit.
layers = int8.report()["layers"]
assert len(layers) == 2 and all(l["dtype"] == "i8" for l in layers), layers
assert [l["params"] for l in layers] == [16 * 48, 48 * 10], layers

# Options reach the passes: per-tensor, symmetric i8 activations, entropy.
other = cm.quantize(model, [calibration], method="entropy",
                    activation_type="i8", symmetric=True,
                    granularity="per-tensor", weight_bits=4, progress=False)
out = cm.compile(other)(calibration)
assert np.abs(out - seen).max() < 0.3 * np.abs(seen).max()

# group_size: 4-bit weights in groups of 8 input channels (both layers'
# inputs, 16 and 48, are multiples), as the pass quantizes them.
grouped = cm.quantize(model, [calibration], weight_bits=4, group_size=8,
                      progress=False)
text = str(grouped)
for shape in ("16x48", "48x10"):
    assert f"{shape}x!quant.uniform<i4<-7:7>:f32:{{0:8, 1:1}}" in text, text
out = cm.compile(grouped)(calibration)
assert np.abs(out - seen).max() < 0.3 * np.abs(seen).max()

# Errors: bad options, bad data, interrupted calibration.
for kwargs, error in [(dict(method="kl"), ValueError),
                      (dict(activation_type="u4"), ValueError),
                      (dict(weight_bits=17), ValueError),
                      (dict(group_size=-1), ValueError),
                      (dict(group_size=8, granularity="per-tensor"),
                       ValueError)]:
    try:
        cm.quantize(model, [calibration], **kwargs)
        raise AssertionError(kwargs)
    except error:
        pass
try:
    cm.quantize(model, [np.zeros((8, 15), np.float32)], progress=False)
    raise AssertionError("wrong shape accepted")
except cm.CompileError as e:
    assert "takes the samples" in str(e) or "shape" in str(e), str(e)
try:
    cm.quantize(model, [{"image": calibration}], progress=False)
    raise AssertionError("wrong name accepted")
except ValueError as e:
    assert "pixels" in str(e), str(e)
try:
    cm.quantize(model, [], progress=False)
    raise AssertionError("no samples accepted")
except ValueError:
    pass


def interrupt(done, total, phase):
    if done == 3:
        raise KeyboardInterrupt


try:
    cm.quantize(model, [calibration[i:i + 8] for i in range(0, 64, 8)],
                progress=interrupt)
    raise AssertionError("the interrupt was lost")
except KeyboardInterrupt:
    pass

# A real Ctrl-C (SIGINT) during calibration stops it between samples. (lit
# may start the test with SIGINT ignored: install Python's handler.)
signal.signal(signal.SIGINT, signal.default_int_handler)
def sigint(done, total, phase):
    if done == 2:
        os.kill(os.getpid(), signal.SIGINT)
    assert done <= 3, "calibration went on after Ctrl-C"


try:
    cm.quantize(model, [calibration[i:i + 8] for i in range(0, 64, 8)],
                progress=sigint)
    raise AssertionError("Ctrl-C was lost")
except KeyboardInterrupt:
    pass

# --- prune: magnitude, against numpy's own choice of the smallest ---------
pruned = cm.prune(model, "magnitude", sparsity=0.5)
layers = pruned.report()["layers"]
assert [l["zeros"] for l in layers] == [16 * 48 // 2, 48 * 10 // 2], layers


def zero_smallest(w, fraction):
    w = w.copy()
    order = np.argsort(np.abs(w), axis=None, kind="stable")
    w.flat[order[:int(round(fraction * w.size))]] = 0
    return w


got = cm.compile(pruned)(test)
want = reference(test, zero_smallest(W1, 0.5), zero_smallest(W2, 0.5))
assert np.abs(got - want).max() < 1e-4, np.abs(got - want).max()

nm = cm.prune(model, "nm", n=2, m=4)
assert all(l["zeros"] == l["params"] // 2 for l in nm.report()["layers"])
try:
    cm.prune(model, "random")
    raise AssertionError("unknown method accepted")
except ValueError:
    pass
try:
    cm.prune(model, "magnitude", sparsity=1.5)
    raise AssertionError("bad sparsity accepted")
except cm.CompileError as e:
    assert "sparsity" in str(e), str(e)

print("ok")
