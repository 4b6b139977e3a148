#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Per-layer weight widths under a size budget on a transformer encoder
layer, with and without each layer's gain to the output.

The BERT-base encoder layer of benchmarks/gptq (random weights, seed 0;
text-like and normal inputs, as there) is quantized by
compress-quantize-weights algorithm=gptq size=S, once with gains=false (each
layer's relative output error counts alike) and once with the default
gains=true (each counts by how much of it reaches the layer's output), and
for reference with every weight at 4 bits (size=0.5, what a budget of half
of int8's bits leaves). Every variant runs on held-out batches in
compress-run and is compared with PyTorch's float output: relative error =
||y - y_float|| / ||y_float||. The widths each variant chose come from
compress-quantize-weights' remarks.

Usage: bench.py --bin BUILD/bin --work DIR --out PREFIX [--size S]...
"""

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models"))
from export import TOKENS, TRANSFORMER_BATCH, EncoderLayer  # noqa: E402

# benchmarks/gptq's inputs (its bench.py, loaded by path: this file has the
# same name).
_spec = importlib.util.spec_from_file_location(
    "gptq_bench", os.path.join(HERE, "..", "gptq", "bench.py"))
gptq_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gptq_bench)
make_inputs, run = gptq_bench.make_inputs, gptq_bench.run

# The six weight matrices in program order.
LAYERS = ["query", "key", "value", "output", "up", "down"]


def measure(args, tool, kind, model, float_mlir, shape):
    rng = np.random.default_rng(1)
    calib_dir = os.path.join(args.work, f"calib-{kind}")
    os.makedirs(calib_dir, exist_ok=True)
    for i, x in enumerate(make_inputs(kind, rng, args.calib, shape)):
        np.save(os.path.join(calib_dir, f"c{i:02d}.npy"), x)
    evals = make_inputs(kind, rng, args.eval, shape)
    with torch.no_grad():
        want = [model(torch.from_numpy(x)).numpy().astype(np.float64)
                for x in evals]
    variants = [("every weight at 4 bits", 0.5, True)]
    for size in args.size:
        variants += [(f"{size:g} of int8's bits, gains=false", size, False),
                     (f"{size:g} of int8's bits, gains=true", size, True)]
    rows = []
    for name, size, gains in variants:
        path = os.path.join(args.work, f"{kind}-v{len(rows)}.mlir")
        options = (f"algorithm=gptq size={size} gains={str(gains).lower()} "
                   f"data={calib_dir}")
        start = time.perf_counter()
        result = run([tool("compress-opt"), float_mlir,
                      "--compress-quantize-weights=" + options, "-o", path])
        seconds = time.perf_counter() - start
        widths = [int(b) for b in re.findall(r"quantized to (\d+) bits",
                                             result.stderr)]
        found = [float(g) for g in re.findall(
            r"gain (\S+) to the model's output", result.stderr)]
        num = den = 0.0
        for i, x in enumerate(evals):
            xin = os.path.join(args.work, f"x{i}.npy")
            yout = os.path.join(args.work, f"y{i}.npy")
            np.save(xin, x)
            run([tool("compress-run"), path, "--input", xin, "--output",
                 yout, "--quiet"])
            y = np.load(yout).astype(np.float64)
            num += float(np.sum((y - want[i]) ** 2))
            den += float(np.sum(want[i] ** 2))
        error = (num / den) ** 0.5
        rows.append({"variant": name, "size": size, "gains": gains,
                     "widths": widths, "measured_gains": found,
                     "relative_output_error": error,
                     "quantize_seconds": round(seconds, 1)})
        print(f"{kind}: {name}: widths {widths}, error {error:.3e} "
              f"({seconds:.0f} s)", flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--calib", type=int, default=8)
    parser.add_argument("--eval", type=int, default=2)
    parser.add_argument("--size", type=float, action="append")
    args = parser.parse_args()
    args.size = args.size or [0.7]
    tool = lambda name: os.path.join(args.bin, name)  # noqa: E731
    os.makedirs(args.work, exist_ok=True)
    torch.manual_seed(0)
    model = EncoderLayer().eval()
    shape = (TRANSFORMER_BATCH, TOKENS, 768)
    onnx_path = os.path.join(args.work, "bert_layer.onnx")
    with torch.no_grad():
        torch.onnx.export(model, torch.zeros(shape), onnx_path,
                          opset_version=13, input_names=["x"],
                          output_names=["y"])
    float_mlir = os.path.join(args.work, "bert_layer.mlir")
    run([tool("compress-translate"), "--import-onnx", onnx_path, "-o",
         float_mlir])
    result = {"inputs": {kind: measure(args, tool, kind, model, float_mlir,
                                       shape)
                         for kind in ("text", "normal")},
              "calibration_batches": args.calib,
              "held_out_batches": args.eval,
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    try:
        result["commit"] = run(["git", "rev-parse", "--short", "HEAD"],
                               cwd=HERE).stdout.strip()
    except subprocess.CalledProcessError:
        result["commit"] = "unknown"
    with open(args.out + ".json", "w") as f:
        json.dump(result, f, indent=1)
    write_markdown(args.out, result)


def write_markdown(out, result):
    lines = [
        "# Per-layer weight widths on a transformer encoder layer",
        "",
        "Generated by `benchmarks/mixed/run.sh` (`bench.py`); do not edit by "
        "hand.",
        "",
        f"- Date: {result['date']}; compress at `{result['commit']}`.",
        "- Model and inputs: the BERT-base encoder layer and the two input "
        "kinds of `benchmarks/gptq` (random weights, seed 0; "
        f"{result['calibration_batches']} calibration batches of 8 x 128 "
        f"tokens, {result['held_out_batches']} held-out ones).",
        "- Each variant: `compress-opt --compress-quantize-weights="
        "\"algorithm=gptq size=S gains=G data=DIR\"` (weights only: the "
        "activations stay float), then `compress-run`. size=S: the six "
        "weight matrices' bits at most S times their int8 bits, each at 2, "
        "3, 4 or 8 bits, the widths with the least summed squared error "
        "(compress-auto's search). gains=false sums each layer's relative "
        "output error as it is; gains=true first multiplies it by the "
        "layer's gain, the relative change of the model's output its 4-bit "
        "weights alone cause over their layer error (one more run of the "
        "model per layer).",
        "- Error: ||y - y_float|| / ||y_float|| on the held-out batches, "
        "y_float being PyTorch's float output. Widths in the order "
        + ", ".join(LAYERS) + ".",
        ""]
    for kind, title in (("text", "Text-like inputs"),
                        ("normal", "Normal inputs")):
        lines += [f"## {title}", "",
                  "| variant | widths | gains measured | relative output "
                  "error | quantize s |",
                  "|---|---|---|---|---|"]
        for row in result["inputs"][kind]:
            gains = ", ".join(f"{g:.3f}" for g in row["measured_gains"])
            lines.append(
                f"| {row['variant']} | "
                f"{'/'.join(str(w) for w in row['widths'])} | {gains} | "
                f"{row['relative_output_error']:.3e} | "
                f"{row['quantize_seconds']} |")
        lines.append("")
    with open(out + ".md", "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
