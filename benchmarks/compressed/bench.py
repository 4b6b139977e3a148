#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Library size and latency of compressed variants of a large MLP.

Each variant goes from the imported float module through compress-opt
(pruning or factorization, then compress-ptq with calibration on random
samples) to a compress-compile shared library (--threads=1). The libraries
are loaded with ctypes and called through their C ABI
(`int main_graph(const float *x, float *y)`); the latency is the median of
the calls of the fastest of `rounds` rounds, each at least `min_time`
seconds. Each variant's output is compared with the float library's.

Usage: bench.py --bin BUILD/bin --work DIR --out PREFIX [--rounds N]
"""

import argparse
import ctypes
import json
import os
import subprocess
import sys
import time

import numpy as np

BATCH = 8

# name, compress-opt passes before PTQ, compress-ptq options,
# compress-lower-to-cpu options.
VARIANTS = [
    ("fp32", [], None, ""),
    ("int8", [], "", ""),
    ("int8, 4-bit weights", [], "weight-bits=4", ""),
    ("int8, 4-bit weights stored one per byte", [], "weight-bits=4",
     "pack-int4=false"),
    ("90% global magnitude pruning + int8 (dense kernels)",
     ["--compress-prune-magnitude=sparsity=0.9 scope=global"], "",
     "sparse-threshold=2"),
    ("90% global magnitude pruning + int8",
     ["--compress-prune-magnitude=sparsity=0.9 scope=global"], "", ""),
    ("2:4 pruning + int8 (dense kernels)", ["--compress-prune-nm=n=2 m=4"],
     "", "pack-2of4=false"),
    ("2:4 pruning + int8", ["--compress-prune-nm=n=2 m=4"], "", ""),
    ("low rank (half the parameters) + int8",
     ["--compress-low-rank=ratio=0.5 skip=-1"], "", ""),
]

# Each packed variant and the same model with its weights in the plain int8
# layout: their outputs must be identical.
SAME_MODEL = {
    "int8, 4-bit weights": "int8, 4-bit weights stored one per byte",
    "90% global magnitude pruning + int8":
        "90% global magnitude pruning + int8 (dense kernels)",
    "2:4 pruning + int8": "2:4 pruning + int8 (dense kernels)",
}

# The goals, as ratios to the dense int8 library.
GOALS = {
    "int8, 4-bit weights": ("<= 0.6x", ">= 0.9x"),
    "90% global magnitude pruning + int8": ("<= 0.35x", ">= 2x"),
    "2:4 pruning + int8": ("<= 0.65x", ">= 1.0x"),
}


def log(message):
    print(message, flush=True)


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"command failed ({result.returncode}): {' '.join(cmd)}\n"
                 f"{result.stderr[-4000:]}")
    return result


class Library:
    """A compress-compile library's main_graph, called through ctypes."""

    def __init__(self, path, out_shape):
        self.lib = ctypes.CDLL(path)
        self.fn = self.lib.main_graph
        self.fn.restype = ctypes.c_int
        self.fn.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        self.out = np.zeros(out_shape, np.float32)

    def __call__(self, x):
        status = self.fn(x.ctypes.data, self.out.ctypes.data)
        if status != 0:
            sys.exit(f"main_graph returned {status}")
        return self.out

    def time(self, x, min_time, min_calls=20):
        self(x)
        times = []
        start = time.perf_counter()
        while len(times) < min_calls or time.perf_counter() - start < min_time:
            t0 = time.perf_counter()
            self(x)
            times.append(time.perf_counter() - t0)
        return float(np.median(times))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bin", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--out", required=True, help="PREFIX: writes PREFIX.md "
                   "and PREFIX.json")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--min-time", type=float, default=1.0)
    args = p.parse_args()
    tool = lambda name: os.path.join(args.bin, name)  # noqa: E731
    here = os.path.dirname(os.path.abspath(__file__))
    work = args.work

    onnx_path = os.path.join(work, "mlp.onnx")
    run(["/usr/bin/python3",
         os.path.join(here, "..", "compile", "make_mlp.py"), onnx_path])
    float_mlir = os.path.join(work, "mlp.mlir")
    run([tool("compress-translate"), "--import-onnx", onnx_path,
         f"--batch-size={BATCH}", "-o", float_mlir])
    rng = np.random.default_rng(0)
    calib = os.path.join(work, "calib")
    os.makedirs(calib, exist_ok=True)
    for i in range(8):
        np.save(os.path.join(calib, f"s{i}.npy"),
                rng.standard_normal((BATCH, 1024)).astype(np.float32))
    x = rng.standard_normal((BATCH, 1024)).astype(np.float32)

    rows, libraries = [], {}
    for name, passes, ptq, lower in VARIANTS:
        tag = "".join(c if c.isalnum() else "-" for c in name)
        module = os.path.join(work, tag + ".mlir")
        pipeline = list(passes)
        if ptq is not None:
            pipeline.append(f"--compress-ptq=data={calib} lower=false "
                            "to-linalg=false " + ptq)
        start = time.time()
        if pipeline:
            run([tool("compress-opt"), float_mlir, *pipeline, "-o", module])
        else:
            module = float_mlir
        lib = os.path.join(work, tag + ".so")
        cmd = [tool("compress-compile"), module, "--threads=1", "-o", lib]
        if lower:
            cmd.append(f"--lower-options={lower}")
        run(cmd)
        build_s = time.time() - start
        libraries[name] = Library(lib, (BATCH, 10))
        rows.append({"name": name, "passes": passes, "ptq": ptq,
                     "lower": lower, "library_bytes": os.path.getsize(lib),
                     "build_s": build_s})
        log(f"== {name}: {os.path.getsize(lib) / 2**20:.1f} MiB library, "
            f"built in {build_s:.0f} s")

    reference = libraries["fp32"](x).copy()
    outputs = {}
    for row in rows:
        y = libraries[row["name"]](x).copy()
        outputs[row["name"]] = y
        row["max_rel_diff_vs_fp32"] = float(
            np.abs(y - reference).max() / np.abs(reference).max())
    for packed, plain in SAME_MODEL.items():
        same = bool(np.array_equal(outputs[packed], outputs[plain]))
        next(r for r in rows if r["name"] == packed)["same_as_int8_layout"] = \
            same
        if not same:
            sys.exit(f"{packed}: the outputs differ from {plain}'s")
    for _ in range(args.rounds):
        for row in rows:
            t = libraries[row["name"]].time(x, args.min_time)
            row["seconds"] = min(row.get("seconds", t), t)
    base = next(r for r in rows if r["name"] == "int8")
    for row in rows:
        row["size_vs_int8"] = row["library_bytes"] / base["library_bytes"]
        row["speed_vs_int8"] = base["seconds"] / row["seconds"]
        log(f"{row['name']}: {row['seconds'] * 1e3:.3f} ms, size "
            f"{row['size_vs_int8']:.2f}x, speed {row['speed_vs_int8']:.2f}x "
            f"of int8")

    with open(args.out + ".json", "w") as f:
        json.dump({"batch": BATCH, "rows": rows}, f, indent=1)
    cpu = subprocess.run(["lscpu"], capture_output=True,
                         text=True).stdout
    model_name = next((line.split(":", 1)[1].strip()
                       for line in cpu.splitlines()
                       if line.startswith("Model name")), "unknown CPU")
    lines = [
        "# Compressed formats in compiled libraries",
        "",
        "Generated by `benchmarks/compressed/run.sh`; do not edit by hand.",
        "",
        f"- Model: `benchmarks/compile/make_mlp.py` (six 2048-wide layers, "
        f"23.1M parameters), batch {BATCH}, random weights; calibration on "
        "8 random batches.",
        "- Each variant: compress-opt (the passes, then `compress-ptq "
        "lower=false to-linalg=false`), then `compress-compile --threads=1`; "
        "the library is "
        "called through its C ABI (ctypes); latency is the median call of "
        f"the best of {args.rounds} rounds.",
        f"- Machine: {os.cpu_count()} cores, {model_name}.",
        "- Ratios are to the dense int8 library measured in the same run; "
        "goals are those of the compressed-formats issue.",
        "",
        "| variant | library MiB | size vs int8 | ms | speed vs int8 | "
        "goal (size, speed) | output = int8 layout's | max rel. diff vs "
        "fp32 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    same = {True: "identical", False: "differs"}
    for row in rows:
        goal = GOALS.get(row["name"], ("", ""))
        lines.append(
            f"| {row['name']} | {row['library_bytes'] / 2**20:.1f} | "
            f"{row['size_vs_int8']:.2f}x | {row['seconds'] * 1e3:.3f} | "
            f"{row['speed_vs_int8']:.2f}x | {goal[0]} {goal[1]} | "
            f"{same.get(row.get('same_as_int8_layout'), '')} | "
            f"{row['max_rel_diff_vs_fp32']:.3f} |")
    lines += [
        "",
        "Every row but the \"(dense kernels)\" ones uses the default "
        "lowering. The 90% row's weights (90% zeros, above the default "
        "`sparse-threshold` of 0.65) are stored as their non-zeros in "
        "rounds of 4 per column and 128 k, and the kernels permute each "
        "row's A into place (vpermi2b) and do one vpdpbusd per round, so the "
        "zeros cost neither bytes nor arithmetic; its \"(dense kernels)\" "
        "row is compiled with `sparse-threshold=2`. The 2:4 row's weights "
        "go to the 2:4 kernels (`pack-2of4`: one vpdpbusd per 8 k of A "
        "shuffled into place per column); its \"(dense kernels)\" row is "
        "compiled with `pack-2of4=false`. The low-rank row factors every layer but the "
        "classifier at half its parameters (plain SVD: random weights have "
        "no low-rank structure, so its error is large; it shows the size "
        "and speed a factored model gets). \"output = int8 layout's\": the "
        "packed variant's output against the same model compiled with its "
        "weights in the plain int8 layout (bit for bit; the run stops if "
        "they differ). The weights are random, so the pruned and 4-bit "
        "models' outputs are far from the fp32 model's (last column); "
        "accuracy on a trained model is in fashion-mnist.md.",
        "",
    ]
    with open(args.out + ".md", "w") as f:
        f.write("\n".join(lines))
    log(f"wrote {args.out}.md")


if __name__ == "__main__":
    main()
