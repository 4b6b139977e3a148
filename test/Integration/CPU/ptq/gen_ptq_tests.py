#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Generates the end-to-end post-training quantization tests.

A float CNN with two convolutions and two matmuls (NHWC, batch 2) in plain
upstream dialects, calibration samples, and one lit test per calibration
method: the model goes through --compress-ptq (observers, calibration inside
the compiler, folding, int8 weights, integer kernels, lowering), runs, and
its output must stay within the documented bound of numpy's float forward
pass (see BOUND below). Deterministic; rerun with --out-dir to check that
the committed files are current.
"""

import argparse
import json
import os

import numpy as np

BATCH, SIZE = 2, 8
METHODS = ["minmax", "moving-average", "percentile", "entropy", "mse"]

# The documented accuracy bound of the whole int8 model on this network:
# every output within BOUND_RELATIVE[method] of the largest float output
# magnitude. int8 activations carry ~1/255 of their range as rounding error
# per layer; four layers stay within 10% (measured: minmax, percentile and
# mse about 2%, moving-average about 5%). The entropy method (onnxruntime's
# form of TensorRT's KL-divergence search, on a symmetric histogram with
# smoothing) stays near 3%; its earlier form, on the histogram of |x| without
# smoothing, clipped the post-ReLU activations to a quarter of their range
# (about 24%).
BOUND_RELATIVE = {"minmax": 0.10, "moving-average": 0.10, "percentile": 0.10,
                  "entropy": 0.10, "mse": 0.10}


def make_images(rng, count):
    """Smooth blobs plus a little noise: image-like, not white noise."""
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    images = []
    for _ in range(count):
        cx, cy, r = rng.uniform(1, SIZE - 1, 3)
        blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (1 + r))
        images.append(blob + 0.1 * rng.randn(SIZE, SIZE))
    return np.array(images, dtype=np.float32)[..., None]


def conv(x, w):
    """Valid 2-D convolution, NHWC input, HWCF filter, in float64."""
    n, h, wd, _ = x.shape
    kh, kw, _, f = w.shape
    out = np.zeros((n, h - kh + 1, wd - kw + 1, f))
    for i in range(h - kh + 1):
        for j in range(wd - kw + 1):
            out[:, i, j, :] = np.tensordot(x[:, i:i + kh, j:j + kw, :], w,
                                           axes=([1, 2, 3], [0, 1, 2]))
    return out


class Model:
    def __init__(self, rng):
        f32 = np.float32
        self.w1 = (rng.randn(3, 3, 1, 4) * 0.5).astype(f32)
        self.b1 = (rng.randn(4) * 0.1).astype(f32)
        self.w2 = (rng.randn(3, 3, 4, 8) * 0.3).astype(f32)
        self.b2 = (rng.randn(8) * 0.1).astype(f32)
        self.w3 = (rng.randn(128, 16) * 0.1).astype(f32)
        self.b3 = (rng.randn(16) * 0.1).astype(f32)
        self.w4 = (rng.randn(16, 10) * 0.3).astype(f32)
        self.b4 = (rng.randn(10) * 0.1).astype(f32)

    def forward(self, x):
        h = np.maximum(conv(x.astype(np.float64), self.w1) + self.b1, 0)
        h = np.maximum(conv(h, self.w2) + self.b2, 0)
        h = h.reshape(x.shape[0], -1)
        h = np.maximum(h @ self.w3 + self.b3, 0)
        return h @ self.w4 + self.b4


def literal(a):
    if a.ndim == 1:
        return "[" + ", ".join(f"{v:.9e}" for v in a) + "]"
    return "[" + ", ".join(literal(r) for r in a) + "]"


def conv_layer(name, inp, in_type, w, b, out_shape):
    out_type = "tensor<" + "x".join(map(str, out_shape)) + "xf32>"
    w_type = "tensor<" + "x".join(map(str, w.shape)) + "xf32>"
    return f"""
  %{name}_w = arith.constant dense<{literal(w)}> : {w_type}
  %{name}_b = arith.constant dense<{literal(b)}> : tensor<{b.size}xf32>
  %{name}_e = tensor.empty() : {out_type}
  %{name}_f = linalg.fill ins(%zero : f32) outs(%{name}_e : {out_type}) -> {out_type}
  %{name}_c = linalg.conv_2d_nhwc_hwcf {{dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}}
      ins({inp}, %{name}_w : {in_type}, {w_type}) outs(%{name}_f : {out_type}) -> {out_type}
  %{name} = linalg.generic {{indexing_maps = [#nhwc, #chan, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%{name}_c, %{name}_b : {out_type}, tensor<{b.size}xf32>) outs(%{name}_e : {out_type}) {{
  ^bb0(%a: f32, %bias: f32, %o: f32):
    %s = arith.addf %a, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }} -> {out_type}"""


def dense_layer(name, inp, w, b, relu):
    n_in, n_out = w.shape
    out_type = f"tensor<{BATCH}x{n_out}xf32>"
    body = ("%r = arith.maximumf %s, %zero : f32\n    linalg.yield %r : f32"
            if relu else "linalg.yield %s : f32")
    return f"""
  %{name}_w = arith.constant dense<{literal(w)}> : tensor<{n_in}x{n_out}xf32>
  %{name}_b = arith.constant dense<{literal(b)}> : tensor<{n_out}xf32>
  %{name}_e = tensor.empty() : {out_type}
  %{name}_f = linalg.fill ins(%zero : f32) outs(%{name}_e : {out_type}) -> {out_type}
  %{name}_m = linalg.matmul ins({inp}, %{name}_w : tensor<{BATCH}x{n_in}xf32>, tensor<{n_in}x{n_out}xf32>)
      outs(%{name}_f : {out_type}) -> {out_type}
  %{name} = linalg.generic {{indexing_maps = [#mat, #col, #mat], iterator_types = ["parallel", "parallel"]}}
      ins(%{name}_m, %{name}_b : {out_type}, tensor<{n_out}xf32>) outs(%{name}_e : {out_type}) {{
  ^bb0(%a: f32, %bias: f32, %o: f32):
    %s = arith.addf %a, %bias : f32
    {body}
  }} -> {out_type}"""


def model_text(m, x):
    in_type = f"tensor<{BATCH}x{SIZE}x{SIZE}x1xf32>"
    return f"""\
// Generated by gen_ptq_tests.py -- do not edit.
// A float CNN: conv 3x3 (1 -> 4) + bias + ReLU, conv 3x3 (4 -> 8) + bias +
// ReLU, flatten, matmul (128 -> 16) + bias + ReLU, matmul (16 -> 10) + bias.
#nhwc = affine_map<(n, h, w, c) -> (n, h, w, c)>
#chan = affine_map<(n, h, w, c) -> (c)>
#mat = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>

func.func @cnn(%x: {in_type}) -> tensor<{BATCH}x10xf32> {{
  %zero = arith.constant 0.0 : f32{conv_layer("c1", "%x", in_type, m.w1, m.b1, (BATCH, 6, 6, 4))}{conv_layer("c2", "%c1", f"tensor<{BATCH}x6x6x4xf32>", m.w2, m.b2, (BATCH, 4, 4, 8))}
  %flat = tensor.collapse_shape %c2 [[0], [1, 2, 3]] : tensor<{BATCH}x4x4x8xf32> into tensor<{BATCH}x128xf32>{dense_layer("d1", "%flat", m.w3, m.b3, True)}{dense_layer("d2", "%d1", m.w4, m.b4, False)}
  return %d2 : tensor<{BATCH}x10xf32>
}}

func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {{
  %x = arith.constant dense<{literal(x)}> : {in_type}
  %y = call @cnn(%x) : ({in_type}) -> tensor<{BATCH}x10xf32>
  %m = bufferization.to_buffer %y : tensor<{BATCH}x10xf32> to memref<{BATCH}x10xf32>
  %u = memref.cast %m : memref<{BATCH}x10xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}}
"""


def literal4(a):
    return literal(a)


def test_text(method):
    return f"""\
// Generated by gen_ptq_tests.py -- do not edit.
// Post-training quantization of Inputs/cnn.mlir calibrated with
// method={method} on samples/ (64 images): the whole model must compute in
// integer arithmetic (no float multiply between the input's quantize and
// the output's dequantize; fixed-point requantization), compute what an
// independent NumPy simulation of the int8 network with the calibrated
// ranges computes, within one output quantization step (simulate_ptq.py:
// requantization and bias rounding may move a value near a rounding
// boundary by one step), and stay within {BOUND_RELATIVE[method]:.0%} of the largest float
// output of numpy's forward pass (the documented accuracy bound for this
// method; see gen_ptq_tests.py).
// REQUIRES: mlir-runner, numpy
// RUN: compress-opt %S/Inputs/cnn.mlir --compress-ptq="data=%S/samples method={method} lower=false stats=%t.stats.json" \\
// RUN:   -o %t.int8.mlir 2>/dev/null
// RUN: compress-opt %t.int8.mlir --linalg-generalize-named-ops | FileCheck %s --check-prefix=IR
// RUN: compress-opt %t.int8.mlir --linalg-generalize-named-ops | FileCheck %s --check-prefix=KERNELS
// RUN: compress-opt %t.int8.mlir --compress-lower-to-cpu | %run_cpu > %t.out
// RUN: %python %S/../check_close.py close %t.out --expected %S/Inputs/cnn.json \\
// RUN:   --key float --rtol 0 --atol {BOUND_RELATIVE[method] * OUTPUT_MAX:.6g}
// RUN: %python %S/simulate_ptq.py %t.stats.json %t.out --steps 1 | FileCheck %s --check-prefix=SIM
// SIM: ok: within the simulated int8 network's rounding

// The model function computes in integers from the end of the input's
// quantize (fptoui) to the start of the output's dequantize (sitofp): four
// i8 x i8 -> i32 kernels (two convolutions, two matmuls) and no float op.
// IR-LABEL: func.func @cnn
// IR: arith.fptoui
// IR-NOT: arith.mulf
// IR-NOT: arith.addf
// IR-NOT: arith.divf
// IR-NOT: math.
// IR: arith.sitofp
// IR: arith.mulf
// IR-LABEL: func.func private @printMemrefF32
// KERNELS-LABEL: func.func @cnn
// KERNELS-COUNT-4: arith.muli %{{{{.*}}}}, %{{{{.*}}}} : i32
// KERNELS-LABEL: func.func private @printMemrefF32
"""


def write(path, text, written):
    with open(path, "w") as f:
        f.write(text)
    written.append(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    out = args.out_dir
    os.makedirs(os.path.join(out, "Inputs"), exist_ok=True)
    os.makedirs(os.path.join(out, "samples"), exist_ok=True)

    rng = np.random.RandomState(7)
    model = Model(rng)
    # The evaluated batch is one of the calibration samples: the test checks
    # the arithmetic of the quantized model against float, not how well 64
    # images cover unseen inputs (a larger-scale accuracy evaluation belongs
    # to the real-model example), so no output may fall outside the
    # calibrated ranges.
    calibration = make_images(rng, 64).reshape(32, BATCH, SIZE, SIZE, 1)
    x = calibration[5]
    y = model.forward(x)

    global OUTPUT_MAX
    OUTPUT_MAX = float(np.abs(y).max())
    written = []
    write(os.path.join(out, "Inputs", "cnn.mlir"), model_text(model, x), written)
    np.save(os.path.join(out, "samples", "calibration.npy"), calibration)
    written.append(os.path.join(out, "samples", "calibration.npy"))
    reference = {"comment": "Generated by gen_ptq_tests.py -- do not edit.",
                 "shape": list(y.shape), "float": [float(v) for v in y.ravel()]}
    write(os.path.join(out, "Inputs", "cnn.json"),
          json.dumps(reference, indent=1) + "\n", written)
    for method in METHODS:
        write(os.path.join(out, f"ptq-cnn-{method}.mlir"), test_text(method), written)
    for path in written:
        print(os.path.relpath(path, out))


if __name__ == "__main__":
    main()
