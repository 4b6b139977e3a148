#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Generates the ONNX models and reference results of the import tests.

Every model is built with onnx.helper; every expected value is computed here
with NumPy from ONNX's definitions of the ops, independently of compress.

Usage (Debian's python3-onnx and python3-numpy are needed):

    /usr/bin/python3 test/Target/ONNX/gen_models.py [--out-dir DIR]

Without --out-dir the files are (re)written into Inputs/ next to this
script. models-up-to-date.mlir regenerates into a temporary directory and
compares, so the committed models cannot drift from this script. The output
is byte-for-byte reproducible: values come from NumPy's legacy RandomState
and protobuf serializes deterministically.
"""

import argparse
import json
import os
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
F32 = np.float32


def make_model(nodes, inputs, outputs, initializers, name):
    graph = helper.make_graph(nodes, name, inputs, outputs,
                              [numpy_helper.from_array(a, n)
                               for n, a in initializers.items()])
    return helper.make_model(
        graph, producer_name="compress gen_models.py",
        opset_imports=[helper.make_opsetid("", OPSET)])


def reference(inputs, output, **extra):
    """The JSON driver.py and check_close.py read: inputs and expected
    output (float32 values written exactly, via float64)."""
    data = {"inputs": [{"dtype": str(a.dtype), "shape": list(a.shape),
                        "values": a.flatten().tolist()} for a in inputs],
            "shape": list(output.shape),
            "output": [float(v) for v in output.flatten()]}
    data.update(extra)
    return data


#===-----------------------------------------------------------------------===#
# Reference semantics (ONNX operator definitions)
#===-----------------------------------------------------------------------===#


def conv2d(x, w, pads, strides=(1, 1), group=1, dilations=(1, 1)):
    """ONNX Conv on NCHW/MCKK in float64 (pads: top, left, bottom, right)."""
    x = np.pad(x.astype(np.float64),
               ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    n, c, h, width = x.shape
    m, cg, kh, kw = w.shape
    extent_h = (kh - 1) * dilations[0] + 1
    extent_w = (kw - 1) * dilations[1] + 1
    oh = (h - extent_h) // strides[0] + 1
    ow = (width - extent_w) // strides[1] + 1
    y = np.zeros((n, m, oh, ow))
    mg = m // group
    for f in range(m):
        g = f // mg
        for i in range(oh):
            for j in range(ow):
                window = x[:, g * cg:(g + 1) * cg,
                           i * strides[0]:i * strides[0] + extent_h:
                           dilations[0],
                           j * strides[1]:j * strides[1] + extent_w:
                           dilations[1]]
                y[:, f, i, j] = np.sum(window * w[f], axis=(1, 2, 3))
    return y


def maxpool2d(x, k, s):
    n, c, h, w = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    y = np.empty((n, c, oh, ow), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = x[:, :, i * s:i * s + k, j * s:j * s + k].max(
                axis=(2, 3))
    return y


def quantize(x, scale, zp, lo, hi):
    """ONNX QuantizeLinear: saturate(round_half_to_even(x / s) + zp), in
    float32 like the reference."""
    q = np.rint(x.astype(F32) / F32(scale)) + zp
    return np.clip(q, lo, hi).astype(np.int64)


def dequantize(q, scale, zp):
    return ((q.astype(np.int64) - zp).astype(F32) * F32(scale)).astype(F32)


#===-----------------------------------------------------------------------===#
# Models
#===-----------------------------------------------------------------------===#


def mlp(rng):
    """x [N, 4] -> Gemm (transB, as PyTorch exports nn.Linear) -> Relu ->
    Gemm (transB, alpha 0.5) -> [N, 3]; N is symbolic."""
    w1 = rng.uniform(-1, 1, (16, 4)).astype(F32)
    b1 = rng.uniform(-0.5, 0.5, 16).astype(F32)
    w2 = rng.uniform(-1, 1, (3, 16)).astype(F32)
    b2 = rng.uniform(-0.5, 0.5, 3).astype(F32)
    nodes = [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="fc1",
                         transB=1),
        helper.make_node("Relu", ["h"], ["a"], name="relu1"),
        helper.make_node("Gemm", ["a", "w2", "b2"], ["y"], name="fc2",
                         transB=1, alpha=0.5),
    ]
    model = make_model(
        nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                              ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
        {"w1": w1, "b1": b1, "w2": w2, "b2": b2}, "mlp")
    x = rng.uniform(-2, 2, (2, 4)).astype(F32)
    h = np.maximum(x.astype(np.float64) @ w1.T + b1, 0)
    y = 0.5 * (h @ w2.T) + b2
    return model, reference([x], y.astype(F32))


def cnn(rng):
    """A CNN as exporters write it: Conv -> BatchNormalization -> Relu ->
    MaxPool -> depthwise Conv -> Clip(0, 6) -> GlobalAveragePool -> the
    Shape/Gather/Unsqueeze/Concat/Reshape flatten chain -> MatMul -> Add ->
    Softmax, on a symbolic batch."""
    w1 = rng.uniform(-1, 1, (4, 1, 3, 3)).astype(F32)
    b1 = rng.uniform(-0.2, 0.2, 4).astype(F32)
    gamma = rng.uniform(0.5, 1.5, 4).astype(F32)
    beta = rng.uniform(-0.2, 0.2, 4).astype(F32)
    mean = rng.uniform(-0.3, 0.3, 4).astype(F32)
    var = rng.uniform(0.5, 2.0, 4).astype(F32)
    w2 = rng.uniform(-1, 1, (4, 1, 2, 2)).astype(F32)
    w3 = rng.uniform(-1, 1, (4, 3)).astype(F32)
    b3 = rng.uniform(-0.2, 0.2, 3).astype(F32)
    consts = {"w1": w1, "b1": b1, "gamma": gamma, "beta": beta, "mean": mean,
              "var": var, "w2": w2, "w3": w3, "b3": b3,
              "zero": np.array(0, dtype=F32), "six": np.array(6, dtype=F32),
              "index0": np.array(0, dtype=np.int64),
              "axes0": np.array([0], dtype=np.int64),
              "minus1": np.array([-1], dtype=np.int64)}
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1",
                         pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization",
                         ["c1", "gamma", "beta", "mean", "var"], ["bn"],
                         name="bn1", epsilon=1e-3),
        helper.make_node("Relu", ["bn"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "w2"], ["c2"], name="dwconv",
                         group=4),
        helper.make_node("Clip", ["c2", "zero", "six"], ["r2"], name="relu6"),
        helper.make_node("GlobalAveragePool", ["r2"], ["g"], name="gap"),
        helper.make_node("Shape", ["g"], ["shape"], name="shape"),
        helper.make_node("Gather", ["shape", "index0"], ["batch"],
                         name="batch", axis=0),
        helper.make_node("Unsqueeze", ["batch", "axes0"], ["batch1"],
                         name="unsqueeze"),
        helper.make_node("Concat", ["batch1", "minus1"], ["target"],
                         name="target", axis=0),
        helper.make_node("Reshape", ["g", "target"], ["flat"],
                         name="flatten"),
        helper.make_node("MatMul", ["flat", "w3"], ["mm"], name="fc"),
        helper.make_node("Add", ["mm", "b3"], ["logits"], name="fc_bias"),
        helper.make_node("Softmax", ["logits"], ["y"], name="softmax",
                         axis=-1),
    ]
    model = make_model(
        nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                              ["batch", 1, 6, 6])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])],
        consts, "cnn")

    x = rng.uniform(-1, 1, (2, 1, 6, 6)).astype(F32)
    c = lambda v: v.reshape(1, -1, 1, 1).astype(np.float64)
    t = conv2d(x, w1, [1, 1, 1, 1]) + c(b1)
    t = c(gamma) * (t - c(mean)) / np.sqrt(c(var) + 1e-3) + c(beta)
    t = maxpool2d(np.maximum(t, 0), 2, 2)
    t = np.clip(conv2d(t, w2, [0, 0, 0, 0], group=4), 0, 6)
    t = t.mean(axis=(2, 3)) @ w3 + b3
    e = np.exp(t - t.max(axis=1, keepdims=True))
    y = e / e.sum(axis=1, keepdims=True)
    return model, reference([x], y.astype(F32))


def qdq(rng):
    """A QDQ model as quantization tools write it: the activation is
    quantized and dequantized, the int8 weight (per output channel) is
    dequantized, the float MatMul + bias + Relu is followed by a
    quantize/dequantize pair."""
    sx, zx = 0.05, 128
    wq = rng.randint(-127, 128, (8, 4)).astype(np.int8)
    sw = np.array([0.01, 0.02, 0.015, 0.03], dtype=F32)
    bias = rng.uniform(-0.5, 0.5, 4).astype(F32)
    sy, zy = 0.1, 0
    consts = {"sx": np.array(sx, F32), "zx": np.array(zx, np.uint8),
              "wq": wq, "sw": sw, "zw": np.zeros(4, np.int8), "bias": bias,
              "sy": np.array(sy, F32), "zy": np.array(zy, np.uint8)}
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"],
                         name="quantize_x"),
        helper.make_node("DequantizeLinear", ["xq", "sx", "zx"], ["xd"],
                         name="dequantize_x"),
        helper.make_node("DequantizeLinear", ["wq", "sw", "zw"], ["w"],
                         name="dequantize_w", axis=1),
        helper.make_node("MatMul", ["xd", "w"], ["mm"], name="fc"),
        helper.make_node("Add", ["mm", "bias"], ["z"], name="fc_bias"),
        helper.make_node("Relu", ["z"], ["r"], name="relu"),
        helper.make_node("QuantizeLinear", ["r", "sy", "zy"], ["yq"],
                         name="quantize_y"),
        helper.make_node("DequantizeLinear", ["yq", "sy", "zy"], ["y"],
                         name="dequantize_y"),
    ]
    model = make_model(
        nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
        consts, "qdq")

    # Inputs whose float result is not within 2% of a step of a rounding
    # tie, so that summation order cannot change the quantized output.
    w = dequantize(wq, sw.reshape(1, 4), 0)
    while True:
        x = rng.uniform(-3, 3, (1, 8)).astype(F32)
        xd = dequantize(quantize(x, sx, zx, 0, 255), sx, zx)
        r = np.maximum(xd.astype(np.float64) @ w + bias, 0)
        fraction = np.abs((r / sy) % 1.0 - 0.5)
        if np.all(fraction > 0.02):
            break
    y = dequantize(quantize(r, sy, zy, 0, 255), sy, zy)
    return model, reference([x], y, step=sy)


def qlinear(rng):
    """QOperator format: QLinearConv (per-channel int8 filter, int32 bias,
    padding) -> Reshape of the uint8 result -> QLinearMatMul (per-column
    int8 weight), on a uint8 input."""
    sx, zx = 0.02, 100
    wq = rng.randint(-127, 128, (3, 2, 3, 3)).astype(np.int8)
    sw = np.array([0.005, 0.01, 0.008], dtype=F32)
    bq = rng.randint(-2000, 2000, 3).astype(np.int32)
    sc, zc = 0.1, 90
    mq = rng.randint(-127, 128, (48, 5)).astype(np.int8)
    sm = rng.uniform(0.002, 0.02, 5).astype(F32)
    sy, zy = 0.2, 120
    consts = {"sx": np.array(sx, F32), "zx": np.array(zx, np.uint8),
              "wq": wq, "sw": sw, "zw": np.zeros(3, np.int8), "bq": bq,
              "sc": np.array(sc, F32), "zc": np.array(zc, np.uint8),
              "shape": np.array([1, 48], np.int64),
              "mq": mq, "sm": sm, "zm": np.zeros(5, np.int8),
              "sy": np.array(sy, F32), "zy": np.array(zy, np.uint8)}
    nodes = [
        helper.make_node("QLinearConv",
                         ["x", "sx", "zx", "wq", "sw", "zw", "sc", "zc",
                          "bq"], ["c"], name="qconv", pads=[1, 1, 1, 1]),
        helper.make_node("Reshape", ["c", "shape"], ["flat"], name="flatten"),
        helper.make_node("QLinearMatMul",
                         ["flat", "sc", "zc", "mq", "sm", "zm", "sy", "zy"],
                         ["y"], name="qfc"),
    ]
    model = make_model(
        nodes, [helper.make_tensor_value_info("x", TensorProto.UINT8,
                                              [1, 2, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.UINT8, [1, 5])],
        consts, "qlinear")

    def requantize(acc, scale, zp):
        # round_half_to_even(acc * scale) in float64, then saturate.
        return np.clip(np.rint(acc * scale) + zp, 0, 255).astype(np.int64)

    x = rng.randint(0, 256, (1, 2, 4, 4)).astype(np.uint8)
    acc = conv2d(x.astype(np.int64) - zx, wq, [1, 1, 1, 1]).astype(np.int64)
    acc += bq.reshape(1, 3, 1, 1)
    scale = (np.float64(F32(sx)) * sw.astype(np.float64) /
             np.float64(F32(sc))).reshape(1, 3, 1, 1)
    c = requantize(acc, scale, zc)
    acc2 = (c.reshape(1, 48) - zc) @ mq.astype(np.int64)
    scale2 = np.float64(F32(sc)) * sm.astype(np.float64) / np.float64(F32(sy))
    y = requantize(acc2, scale2, zy)
    return model, reference([x], y.astype(F32))


def convs(rng):
    """The convolution forms beyond the CNN's: a grouped convolution (2
    groups) with stride 2 and auto_pad SAME_UPPER, then, after a Reshape, a
    1-D convolution with dilation 2 and explicit padding."""
    w1 = rng.uniform(-1, 1, (6, 2, 3, 3)).astype(F32)
    w2 = rng.uniform(-1, 1, (2, 6, 3)).astype(F32)
    b2 = rng.uniform(-0.5, 0.5, 2).astype(F32)
    consts = {"w1": w1, "w2": w2, "b2": b2,
              "shape": np.array([1, 6, 9], np.int64)}
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], name="grouped",
                         group=2, strides=[2, 2], auto_pad="SAME_UPPER"),
        helper.make_node("Reshape", ["c1", "shape"], ["r"], name="to_1d"),
        helper.make_node("Conv", ["r", "w2", "b2"], ["y"], name="dilated_1d",
                         dilations=[2], pads=[1, 1]),
    ]
    model = make_model(
        nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                              [1, 4, 5, 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 7])],
        consts, "convs")
    x = rng.uniform(-1, 1, (1, 4, 5, 5)).astype(F32)
    # SAME_UPPER: 3 outputs per dimension, 2 padding split 1 + 1.
    c1 = conv2d(x, w1, [1, 1, 1, 1], strides=(2, 2), group=2)
    r = c1.reshape(1, 6, 1, 9)
    y = conv2d(r, w2.reshape(2, 6, 1, 3), [0, 1, 0, 1],
               dilations=(1, 2)) + b2.reshape(1, 2, 1, 1)
    return model, reference([x], y.reshape(1, 2, 7).astype(F32))


def ties(rng):
    """Rounding ties and saturation, where implementations differ:
    QuantizeLinear of x / s = k + 0.5 and of values beyond the uint8 range,
    then QLinearMatMul whose rescale s_a * s_b / s_y = 0.5 makes every odd
    accumulator a tie. ONNX rounds both half to even."""
    x = np.array([[0.25, 0.75, -0.25, -0.75, 1.25, 100.0, -100.0, 0.5, 63.75,
                   -64.25]], dtype=F32)
    w = np.array([[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1],
                  [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, -1], [1, 0, 1, 0],
                  [0, -1, 0, 0], [0, 0, -1, 0]], dtype=np.int8)
    consts = {"sx": np.array(0.5, F32), "zx": np.array(128, np.uint8),
              "w": w, "sw": np.array(1.0, F32), "zw": np.array(0, np.int8),
              "sy": np.array(1.0, F32), "zy": np.array(128, np.uint8)}
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["q"],
                         name="quantize"),
        helper.make_node("QLinearMatMul",
                         ["q", "sx", "zx", "w", "sw", "zw", "sy", "zy"],
                         ["y"], name="qmatmul"),
    ]
    model = make_model(
        nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                              [1, 10])],
        [helper.make_tensor_value_info("y", TensorProto.UINT8, [1, 4])],
        consts, "ties")
    q = quantize(x, 0.5, 128, 0, 255)
    acc = (q - 128) @ w.astype(np.int64)
    scaled = acc * 0.5
    # The test is only meaningful if it has ties that rounding half away
    # from zero would resolve differently, and saturation.
    away = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)
    assert np.any(np.rint(scaled) != away), acc
    assert np.any(np.abs(np.rint(scaled)) > 127), acc
    y = np.clip(np.rint(scaled) + 128, 0, 255)
    return model, reference([x], y.astype(F32))


#===-----------------------------------------------------------------------===#
# Models that must be rejected with a clear error
#===-----------------------------------------------------------------------===#


def float_input(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def error_models():
    """name -> model, each with one defect the importer must report."""
    models = {}
    x, y = float_input("x", [2, 3]), float_input("y", [2, 3])
    models["unsupported_op"] = make_model(
        [helper.make_node("Relu", ["x"], ["r"], name="relu"),
         helper.make_node("Hardmax", ["r"], ["y"], name="hardmax_1")],
        [x], [y], {}, "unsupported_op")
    models["custom_domain"] = make_model(
        [helper.make_node("FusedThing", ["x"], ["y"], name="fused",
                          domain="com.example")], [x], [y], {},
        "custom_domain")
    models["unknown_attribute"] = make_model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu", slope=0.5)],
        [x], [y], {}, "unknown_attribute")
    models["bad_attribute_type"] = make_model(
        [helper.make_node("Softmax", ["x"], ["y"], name="softmax",
                          axis=1.5)], [x], [y], {}, "bad_attribute_type")
    models["undefined_input"] = make_model(
        [helper.make_node("Add", ["x", "ghost"], ["y"], name="add")],
        [x], [y], {}, "undefined_input")
    models["no_broadcast"] = make_model(
        [helper.make_node("Add", ["x", "b"], ["y"], name="add")],
        [x], [y], {"b": np.zeros(4, F32)}, "no_broadcast")
    models["scale_not_constant"] = make_model(
        [helper.make_node("QuantizeLinear", ["x", "s"], ["y"],
                          name="quantize")],
        [x, float_input("s", [])],
        [helper.make_tensor_value_info("y", TensorProto.UINT8, [2, 3])], {},
        "scale_not_constant")
    models["negative_scale"] = make_model(
        [helper.make_node("QuantizeLinear", ["x", "s"], ["y"],
                          name="quantize")], [x],
        [helper.make_tensor_value_info("y", TensorProto.UINT8, [2, 3])],
        {"s": np.array(-0.5, F32)}, "negative_scale")

    bad_raw = make_model(
        [helper.make_node("Add", ["x", "b"], ["y"], name="add")], [x], [y],
        {"b": np.zeros(3, F32)}, "bad_raw_data")
    bad_raw.graph.initializer[0].raw_data = b"\0" * 8
    models["bad_raw_data"] = bad_raw

    external = make_model(
        [helper.make_node("Add", ["x", "b"], ["y"], name="add")], [x], [y],
        {"b": np.zeros(3, F32)}, "external_data")
    tensor = external.graph.initializer[0]
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", "weights.bin"
    models["external_data"] = external
    return models


#===-----------------------------------------------------------------------===#
# Driver
#===-----------------------------------------------------------------------===#


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    written = []

    def write(name, data):
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(os.path.join(args.out_dir, name), mode) as f:
            f.write(data)
        written.append(name)

    for build in (mlp, cnn, convs, qdq, qlinear, ties):
        # One stream per model, so that adding a model changes no other.
        rng = np.random.RandomState(zlib.crc32(build.__name__.encode()))
        model, ref = build(rng)
        onnx.checker.check_model(model)
        write(f"{build.__name__}.onnx", model.SerializeToString())
        write(f"{build.__name__}.json", json.dumps(ref, indent=1) + "\n")
    for name, model in error_models().items():
        write(f"{name}.onnx", model.SerializeToString())
    for name in sorted(written):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
