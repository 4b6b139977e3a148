# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Compresses the trained Fashion-MNIST CNN with compress and compares it
with onnxruntime, writing the results table (markdown) and the raw numbers
(JSON).

For each variant, the ONNX model is imported with compress-translate, run
through compress-opt (pruning, calibration on the calibration images, int8
weights, integer kernels), evaluated with compress-run on the 10,000 test
images, and timed at batch 1 and 64. onnxruntime runs the same fp32 model and
the int8 model its own quantize_static makes from the same calibration
images, in the same run, on one thread like compress-run. The int8 model of
onnxruntime is also imported and compiled by compress (QDQ import).

Usage: evaluate.py WORK --bin BUILD/bin --out RESULTS.md [--json R.json]
                   [--quick] [--no-onnxruntime] [--check]
WORK holds what train.py wrote. --quick evaluates 2,000 test images and
fewer variants (for a smoke run). --check exits non-zero unless compress's
fp32 logits match PyTorch's (max |difference| <= 1e-4 of the largest logit,
same accuracy within 0.05 points) and int8 PTQ (minmax) stays within 0.5
points of fp32 with 4x smaller weights.
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

import numpy as np

EVAL_BATCH = 80      # 10,000 test images = 125 batches; 1,920 calibration
CALIB_IMAGES = 1920  # images = 24 batches of 80, 30 of 64.
LATENCY_BATCHES = {1: 200, 64: 10}  # batch size -> timed batches
WARMUP = {1: 20, 64: 2}

# name, compress-opt passes before calibration, calibration method (None:
# float), whether the quick run keeps it.
VARIANTS = [
    ("fp32", [], None, True),
    ("int8 PTQ (minmax)", [], "minmax", True),
    ("int8 PTQ (percentile)", [], "percentile", False),
    ("int8 PTQ (moving-average)", [], "moving-average", False),
    ("int8 PTQ (entropy)", [], "entropy", False),
    ("int8 PTQ (mse)", [], "mse", False),
    ("50% magnitude-pruned (global) + int8 (minmax)",
     ["--compress-prune-magnitude=sparsity=0.5 scope=global"], "minmax", True),
    ("50% of hidden neurons removed + int8 (minmax)",
     ["--compress-prune-neurons=ratio=0.5"], "minmax", False),
    ("25% of conv filters removed + int8 (minmax)",
     ["--compress-prune-filters=ratio=0.25"], "minmax", False),
    # reconstruct=true refits the next layer (weights and bias) by least
    # squares on the calibration images, and by default ranks the units by
    # the refit's estimated output error (optimal brain surgeon); the rows
    # with score= rank them by weight norms instead.
    ("50% of hidden neurons removed, next layer refit + int8 (minmax)",
     ["--compress-prune-neurons=ratio=0.5 reconstruct=true data={calib}"],
     "minmax", False),
    ("50% of hidden neurons removed by norm, next layer refit + int8 (minmax)",
     ["--compress-prune-neurons=ratio=0.5 reconstruct=true score=outgoing "
      "data={calib}"], "minmax", False),
    ("25% of conv filters removed, next layers refit + int8 (minmax)",
     ["--compress-prune-filters=ratio=0.25 reconstruct=true data={calib}"],
     "minmax", False),
    ("25% of conv filters removed, next layers refit + int8 (entropy)",
     ["--compress-prune-filters=ratio=0.25 reconstruct=true data={calib}"],
     "entropy", False),
    ("25% of conv filters removed by norm, next layers refit + int8 (minmax)",
     ["--compress-prune-filters=ratio=0.25 reconstruct=true score=incoming "
      "data={calib}"], "minmax", False),
    # Data-aware pruning ({calib}: the calibration images) against the same
    # sparsity by magnitude. SparseGPT measures each layer on the model with
    # the layers before it pruned; the 2:4 rows keep the classifier (the
    # last layer, 0.6% of the weights) dense, as SparseGPT's paper keeps its
    # models' output layers.
    ("80% magnitude-pruned (global) + int8 (minmax)",
     ["--compress-prune-magnitude=sparsity=0.8 scope=global"], "minmax",
     False),
    ("80% SparseGPT-pruned (global) + int8 (minmax)",
     ["--compress-prune-magnitude=sparsity=0.8 scope=global "
      "algorithm=sparsegpt data={calib}"], "minmax", False),
    ("2:4 magnitude-pruned, classifier dense + int8 (minmax)",
     ["--compress-prune-nm=n=2 m=4 skip=-1"], "minmax", False),
    ("2:4 SparseGPT-pruned, classifier dense + int8 (minmax)",
     ["--compress-prune-nm=n=2 m=4 skip=-1 algorithm=sparsegpt "
      "data={calib}"], "minmax", False),
    ("2:4 SparseGPT-pruned, every layer + int8 (minmax)",
     ["--compress-prune-nm=n=2 m=4 algorithm=sparsegpt data={calib}"],
     "minmax", False),
    # 4-bit weights (per-channel; two per byte in the compiled dense
    # layers, one per byte in the convolutions), int8 activations:
    # rounded to nearest, and by GPTQ on the calibration images.
    ("int8 PTQ, 4-bit weights rounded to nearest (minmax)", [], "minmax",
     False),
    ("int8 PTQ, 4-bit weights rounded to nearest, bias-corrected (minmax)",
     [], "minmax", False),
    ("int8 PTQ, 4-bit weights by GPTQ (minmax)", [], "minmax", False),
    # Low-rank factorization (layers in program order: conv1, conv2, the
    # hidden dense layer, the classifier). Plain SVD of the weights, and the
    # activation-aware SVD on the calibration images.
    ("hidden dense layer factored to half its parameters (SVD)",
     ["--compress-low-rank=ratio=0.5 skip=0,1,-1"], None, False),
    ("hidden dense layer factored to a fifth of its parameters (SVD)",
     ["--compress-low-rank=ratio=0.2 skip=0,1,-1"], None, False),
    ("conv2 and hidden dense layer factored to half (SVD)",
     ["--compress-low-rank=ratio=0.5 skip=0,-1"], None, False),
    ("conv2 and hidden dense layer factored to half (activation-aware SVD)",
     ["--compress-low-rank=ratio=0.5 skip=0,-1 data={calib}"], None, False),
    ("hidden dense layer factored to half (SVD) + int8 (minmax)",
     ["--compress-low-rank=ratio=0.5 skip=0,1,-1"], "minmax", False),
    # compress-auto's choices: per-layer widths by GPTQ within an error
    # bound per layer (max-error), and within a size budget (its default).
    ("int8 PTQ, per-layer weight widths by GPTQ, max-error 0.0075 (minmax)",
     [], "minmax", False),
    ("int8 PTQ, per-layer weight widths by GPTQ, 0.6 of int8's bits (minmax)",
     [], "minmax", False),
    # Below 4-bit's half of int8's size: compress-auto's search with
    # SparseGPT's pruned 8-bit options (prune=true, its default).
    ("int8 PTQ, per-layer widths or sparsity, 0.4 of int8's bits (minmax)",
     [], "minmax", False),
]

# compress-quantize-weights options of the variants that do not use the
# default 8-bit rounding to nearest.
WEIGHT_OPTIONS = {
    "int8 PTQ, 4-bit weights rounded to nearest (minmax)": "bits=4",
    "int8 PTQ, 4-bit weights rounded to nearest, bias-corrected (minmax)":
        "bits=4 bias-correction=true data={calib}",
    "int8 PTQ, 4-bit weights by GPTQ (minmax)":
        "bits=4 algorithm=gptq data={calib}",
    "int8 PTQ, per-layer weight widths by GPTQ, max-error 0.0075 (minmax)":
        "algorithm=gptq max-error=0.0075 data={calib}",
    "int8 PTQ, per-layer weight widths by GPTQ, 0.6 of int8's bits (minmax)":
        "algorithm=gptq size=0.6 data={calib}",
    "int8 PTQ, per-layer widths or sparsity, 0.4 of int8's bits (minmax)":
        "algorithm=gptq size=0.4 prune=true data={calib}",
}


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"command failed ({result.returncode}): {' '.join(cmd)}\n"
                 f"{result.stderr[-4000:]}")
    return result


class Compress:
    def __init__(self, bin_dir, work):
        self.bin = bin_dir
        self.work = work
        self.tmp = os.path.join(work, "compress")
        self.calib = os.path.join(work, "calib")
        os.makedirs(self.tmp, exist_ok=True)

    def tool(self, name):
        return os.path.join(self.bin, name)

    def import_onnx(self, model, batch, out):
        run([self.tool("compress-translate"), "--import-onnx", model,
             "--batch-size", str(batch), "-o", out])

    def compress(self, model_onnx, tag, batch, passes, method, weights=""):
        """The variant's tensor-level module at `batch`, and its report.
        `weights`: compress-quantize-weights options ({calib} = the
        calibration images)."""
        base = os.path.join(self.tmp, f"{tag}-b{batch}")
        self.import_onnx(model_onnx, batch, base + ".float.mlir")
        calib = self.calib
        pipeline = [p.replace("{calib}", calib) for p in passes]
        if method:
            pipeline += [
                "--compress-insert-observers",
                f"--compress-calibrate=data={calib} method={method}",
                "--compress-fold-calibration",
                "--compress-quantize-weights=" + weights.replace("{calib}",
                                                                 calib)]
        pipeline += [f"--compress-report=json={base}.report.json"]
        if method:
            # The compress ops stay: compress-run's lowering converts them
            # after fusing each kernel's requantization into its call.
            pipeline += ["--compress-fuse-qdq"]
        run([self.tool("compress-opt"), base + ".float.mlir", *pipeline,
             "-o", base + ".mlir"])
        with open(base + ".report.json") as f:
            layers = json.load(f)["layers"]
        return base + ".mlir", layers

    def library_weight_bytes(self, module):
        """The bytes of the weights in the library compress-compile builds
        from `module`, as its --weights-report lists them by layout (int8,
        4-bit, 2:4 and sparse panels, fp32 panels, convolution filters;
        padding included; biases, scales and other constants not counted):
        what the binary keeps."""
        library = module + ".so"
        out = run([self.tool("compress-compile"), module, "-o", library,
                   "--weights-report"]).stdout
        os.remove(library)
        total = 0
        for line in out.splitlines():
            m = re.match(r"\s+(.*?)\s+(\d+) bytes in \d+ constant", line)
            if m and m.group(1) != "other constants":
                total += int(m.group(2))
        return total

    def run_model(self, module, images, extra=()):
        out = module + ".out.npy"
        timing = module + ".timing.json"
        run([self.tool("compress-run"), module, "--input", images,
             "--output", out, "--timing-json", timing, "--progress=off",
             "--quiet", *extra])
        with open(timing) as f:
            return np.load(out), json.load(f)


def weight_bytes(layers):
    """Bytes of the weights of the layers the report lists, as stored now
    (dense) and with the smaller of dense and sparse storage."""
    dense = sum(layer["dense_bytes"] for layer in layers)
    best = sum(min(layer["dense_bytes"], layer["sparse_bytes"])
               for layer in layers)
    params = sum(layer["params"] for layer in layers)
    return dense, best, params


def save_slice(path, array):
    np.save(path, np.ascontiguousarray(array))
    return path


def onnxruntime_results(work, test_x, test_y, calib_x, float_logits_ref):
    import onnxruntime as ort
    from onnxruntime import quantization as q

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL

    class Reader(q.CalibrationDataReader):
        def __init__(self):
            self.batches = iter([{"image": calib_x[i:i + 1]}
                                 for i in range(len(calib_x))])

        def get_next(self):
            return next(self.batches, None)

    fp32 = os.path.join(work, "model.onnx")
    int8 = os.path.join(work, "model.ort-int8.onnx")
    q.quantize_static(fp32, int8, Reader(), quant_format=q.QuantFormat.QDQ,
                      per_channel=True, activation_type=q.QuantType.QUInt8,
                      weight_type=q.QuantType.QInt8,
                      calibrate_method=q.CalibrationMethod.MinMax)
    results, int8_logits = {}, None
    for name, path in (("fp32", fp32), ("int8 (quantize_static, minmax)",
                                          int8)):
        session = ort.InferenceSession(path, options,
                                       providers=["CPUExecutionProvider"])
        logits = np.concatenate([
            session.run(None, {"image": test_x[i:i + EVAL_BATCH]})[0]
            for i in range(0, len(test_x), EVAL_BATCH)])
        latency = {}
        for batch, count in LATENCY_BATCHES.items():
            x = test_x[:batch]
            for _ in range(WARMUP[batch]):
                session.run(None, {"image": x})
            times = []
            for i in range(count):
                x = test_x[i * batch:(i + 1) * batch]
                start = time.perf_counter()
                session.run(None, {"image": x})
                times.append(time.perf_counter() - start)
            latency[str(batch)] = statistics.median(times)
        results[name] = {
            "accuracy": float((logits.argmax(1) == test_y).mean()),
            "agreement": float((logits.argmax(1) ==
                                float_logits_ref.argmax(1)).mean()),
            "latency": latency,
            "bytes": os.path.getsize(path)}
        int8_logits = logits
    results["version"] = ort.__version__
    return results, int8, int8_logits


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work")
    parser.add_argument("--bin", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--json")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-onnxruntime", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    work = os.path.abspath(args.work)
    compress = Compress(os.path.abspath(args.bin), work)

    test_x = np.load(os.path.join(work, "test_images.npy"))
    test_y = np.load(os.path.join(work, "test_labels.npy"))
    torch_logits = np.load(os.path.join(work, "test_logits.npy"))
    if args.quick:
        test_x, test_y = test_x[:2000], test_y[:2000]
        torch_logits = torch_logits[:2000]
    calib_x = np.load(os.path.join(work, "calib", "images.npy"))
    if len(calib_x) % EVAL_BATCH or len(calib_x) % 64:
        sys.exit(f"{len(calib_x)} calibration images: need a multiple of "
                 f"{EVAL_BATCH} and 64 (train.py --calib {CALIB_IMAGES})")
    with open(os.path.join(work, "torch.json")) as f:
        torch_info = json.load(f)
    test_file = save_slice(os.path.join(work, "compress", "test.npy"), test_x)
    latency_files = {
        batch: save_slice(os.path.join(work, "compress", f"lat{batch}.npy"),
                          test_x[:batch * count])
        for batch, count in LATENCY_BATCHES.items()}
    model_onnx = os.path.join(work, "model.onnx")

    rows = []
    float_logits = None
    for name, passes, method, quick in VARIANTS:
        if args.quick and not quick:
            continue
        tag = name.split(" (")[0].replace(" ", "-").replace("%", "").replace(
            "+", "plus") + (f"-{method}" if method else "")
        print(f"== {name}", flush=True)
        start = time.time()
        weights = WEIGHT_OPTIONS.get(name, "")
        module, layers = compress.compress(model_onnx, tag, EVAL_BATCH,
                                           passes, method, weights)
        compile_s = time.time() - start
        logits, _ = compress.run_model(module, test_file)
        if float_logits is None:
            float_logits = logits
            torch_check = {
                "accuracy": float((torch_logits.argmax(1) == test_y).mean()),
                "top1_agreement": float((logits.argmax(1) ==
                                         torch_logits.argmax(1)).mean()),
                "max_abs_logit_diff": float(np.abs(logits -
                                                   torch_logits).max()),
                "max_abs_logit": float(np.abs(torch_logits).max())}
            print(f"   vs PyTorch: top-1 agreement "
                  f"{torch_check['top1_agreement'] * 100:.2f}%, max logit "
                  f"difference {torch_check['max_abs_logit_diff']:.3g}",
                  flush=True)
        latency = {}
        for batch, count in LATENCY_BATCHES.items():
            module_b, _ = compress.compress(model_onnx, tag, batch, passes,
                                            method, weights)
            _, timing = compress.run_model(
                module_b, latency_files[batch],
                ["--warmup", str(WARMUP[batch])])
            latency[str(batch)] = timing["median"]
        dense, best, params = weight_bytes(layers)
        row = {"name": name, "passes": passes, "method": method,
               "accuracy": float((logits.argmax(1) == test_y).mean()),
               "agreement": float((logits.argmax(1) ==
                                   float_logits.argmax(1)).mean()),
               "weight_bytes": dense, "weight_bytes_sparse": best,
               "library_weight_bytes": compress.library_weight_bytes(module),
               "params": params, "latency": latency,
               "compile_seconds": compile_s}
        rows.append(row)
        print(f"   accuracy {row['accuracy']:.4f}, weights {dense} bytes, "
              f"batch 1: {latency['1'] * 1e3:.3f} ms, batch 64: "
              f"{latency['64'] * 1e3:.2f} ms", flush=True)

    ort_results = None
    if not args.no_onnxruntime:
        print("== onnxruntime", flush=True)
        ort_results, ort_int8, ort_logits = onnxruntime_results(
            work, test_x, test_y, calib_x, float_logits)
        # onnxruntime's int8 (QDQ) model, imported and compiled by compress.
        print("== onnxruntime's int8 model through compress", flush=True)
        module = os.path.join(work, "compress", "ort-int8-b80.mlir")
        compress.import_onnx(ort_int8, EVAL_BATCH, module)
        logits, _ = compress.run_model(module, test_file)
        ort_results["int8 via compress"] = {
            "accuracy": float((logits.argmax(1) == test_y).mean()),
            "top1_same_as_onnxruntime": float(
                (logits.argmax(1) == ort_logits.argmax(1)).mean()),
            "max_abs_logit_diff": float(np.abs(logits - ort_logits).max()),
        }

    report = {"torch": torch_info, "torch_check": torch_check,
              "test_images": int(len(test_x)),
              "calibration_images": int(len(calib_x)),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores",
              "compress": rows, "onnxruntime": ort_results}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
    with open(args.out, "w") as f:
        f.write(markdown(report))
    print(f"wrote {args.out}")
    if args.check:
        failures = check_goals(report)
        for failure in failures:
            print(f"GOAL MISSED: {failure}")
        if failures:
            sys.exit(1)
        print("all goals met")


def check_goals(report):
    failures = []
    rows = {row["name"]: row for row in report["compress"]}
    fp32, int8 = rows["fp32"], rows["int8 PTQ (minmax)"]
    check = report["torch_check"]
    if check["max_abs_logit_diff"] > 1e-4 * check["max_abs_logit"]:
        failures.append(f"fp32 logits differ from PyTorch's by "
                        f"{check['max_abs_logit_diff']:.3g}")
    if abs(fp32["accuracy"] - check["accuracy"]) > 0.0005:
        failures.append(f"fp32 accuracy {fp32['accuracy']:.4f} vs PyTorch's "
                        f"{check['accuracy']:.4f}")
    if fp32["accuracy"] - int8["accuracy"] > 0.005:
        failures.append(f"int8 accuracy {int8['accuracy']:.4f} is more than "
                        f"0.5 points below fp32 ({fp32['accuracy']:.4f})")
    if fp32["weight_bytes"] < 4 * int8["weight_bytes"]:
        failures.append("int8 weights are not 4x smaller")
    return failures


def markdown(report):
    rows = report["compress"]
    fp32 = rows[0]
    ort = report["onnxruntime"]
    ort_fp32 = ort["fp32"] if ort else None
    lines = [
        "# Fashion-MNIST: compress vs onnxruntime",
        "",
        "Generated by `examples/fashion-mnist/run.sh` "
        "(`evaluate.py`); do not edit by hand.",
        "",
        f"- Model: the CNN of `train.py` (2 conv + 2 dense layers), "
        f"{report['torch']['epochs']} epochs, seed {report['torch']['seed']}, "
        f"PyTorch {report['torch']['torch']}: PyTorch's own test accuracy "
        f"**{report['torch']['accuracy'] * 100:.2f}%** (on all 10,000 test "
        f"images). compress's fp32 logits vs PyTorch's on the images below: "
        f"top-1 identical on {report['torch_check']['top1_agreement'] * 100:.2f}%,"
        f" largest difference {report['torch_check']['max_abs_logit_diff']:.2g}"
        f" (largest logit {report['torch_check']['max_abs_logit']:.3g}).",
        f"- Test images: {report['test_images']}; calibration: "
        f"{report['calibration_images']} training images.",
        f"- Machine: {report['machine']}; one thread for both compress-run "
        f"and onnxruntime. Latency is the median time of one call "
        f"(compress-run: the JIT-compiled function; onnxruntime: "
        f"`session.run`).",
        "- Weight bytes: the conv/matmul weights as `--compress-report` "
        "counts them (int8: one byte each, 4-bit: half a byte, as the "
        "compiled dense layers store them; the compiled convolution filters "
        "keep one byte per 4-bit weight; biases and scales not counted). "
        "Pruned weights count dense there; library bytes: the weights in "
        "the library `compress-compile` builds from the same module "
        "(`--weights-report`: 2:4 and sparse panels as the kernels store "
        "them, panel padding included), and \"smaller by\" compares those "
        "with fp32's.",
        "- Chart of accuracy against weight bytes: `fashion-mnist.png` "
        "(`chart.py`).",
        "",
    ]
    ratio_header = " vs ORT fp32" if ort_fp32 else ""
    lines += [
        "| Variant | Accuracy | Δ vs fp32 | Top-1 agrees with fp32 | "
        "Weight bytes | Library bytes | Smaller by | Batch 1 (ms) | "
        f"Batch 64 (ms) | Batch 1{ratio_header} | Batch 64{ratio_header} |",
        "|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        lat1, lat64 = row["latency"]["1"], row["latency"]["64"]
        ratio1 = ratio64 = "-"
        if ort_fp32:
            ref1, ref64 = ort_fp32["latency"]["1"], ort_fp32["latency"]["64"]
            ratio1, ratio64 = f"{lat1 / ref1:.2f}x", f"{lat64 / ref64:.2f}x"
        lines.append(
            f"| compress: {row['name']} | {row['accuracy'] * 100:.2f}% | "
            f"{(row['accuracy'] - fp32['accuracy']) * 100:+.2f} | "
            f"{row['agreement'] * 100:.2f}% | {row['weight_bytes']} | "
            f"{row['library_weight_bytes']} | "
            f"{fp32['library_weight_bytes'] / row['library_weight_bytes']:.2f}x"
            f" | {lat1 * 1e3:.3f} | {lat64 * 1e3:.2f} | {ratio1} | {ratio64} |")
    if ort:
        for name in ("fp32", "int8 (quantize_static, minmax)"):
            r = ort[name]
            lat1, lat64 = r["latency"]["1"], r["latency"]["64"]
            ref1, ref64 = ort_fp32["latency"]["1"], ort_fp32["latency"]["64"]
            lines.append(
                f"| onnxruntime {ort['version']}: {name} | "
                f"{r['accuracy'] * 100:.2f}% | "
                f"{(r['accuracy'] - fp32['accuracy']) * 100:+.2f} | "
                f"{r['agreement'] * 100:.2f}% | (file: {r['bytes']}) | - | - | "
                f"{lat1 * 1e3:.3f} | {lat64 * 1e3:.2f} | "
                f"{lat1 / ref1:.2f}x | {lat64 / ref64:.2f}x |")
        via = ort["int8 via compress"]
        lines += [
            "",
            f"onnxruntime's int8 QDQ model, imported and compiled by compress: "
            f"accuracy {via['accuracy'] * 100:.2f}%, top-1 identical to "
            f"onnxruntime's on {via['top1_same_as_onnxruntime'] * 100:.2f}% "
            f"of the images, largest logit difference "
            f"{via['max_abs_logit_diff']:.4g}.",
        ]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
