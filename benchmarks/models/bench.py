"""Whole models: compress against onnxruntime, in one run.

Usage: bench.py WORK --bin BUILD/bin --out MD [--json J] [--rounds N]
                [--batch N]... [--threads N]... [--fashion-mnist DIR]

Every model runs at each batch size with each thread count (default 1),
compress and onnxruntime with the same number of threads.

For each model exported by export.py (ResNet-18, MobileNet-v2) and the
Fashion-MNIST CNN of examples/fashion-mnist (when its model.onnx exists):
  fp32  onnxruntime on the ONNX file; compress: compress-translate, then
        compress-run --threads=1 (the JIT; compress-compile's libraries run
        the same code, bit for bit), and compress-compile's time, peak
        memory and library size.
  int8  onnxruntime's quantize_static QDQ model (QUInt8 activations, QInt8
        per-channel weights, MinMax on WORK/<model>.calib.npy), run by
        onnxruntime and, imported and fused by compress-fuse-qdq, by
        compress-run; and compress's own --compress-ptq (minmax) on the same
        calibration images, run by compress-run.
  memory the peak RSS of a fresh process running the fp32 model 3 times:
        onnxruntime's session against the compress-compile library through
        its C ABI (peak_rss.py), and the library's arena (NAME_ARENA_BYTES).
Times are the best of the per-round medians of interleaved rounds.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "cpu"))
import bench as cpu  # noqa: E402  (the layer benchmark's helpers)

ROOT = cpu.ROOT


def peak_rss_run(cmd, env=None):
    """Runs cmd under /usr/bin/time; returns (wall seconds, peak RSS MiB)."""
    fmt = "%e %M"
    result = subprocess.run(["/usr/bin/time", "-f", fmt, *cmd],
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise cpu.ToolError(cmd, result)
    wall, kib = result.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kib) / 1024


def bench_model(args, bin_dir, name, onnx_path, x_path, calib, batch,
                threads):
    log = cpu.log
    work = args.work
    stem = os.path.join(work, f"{name}-b{batch}")
    x = np.load(x_path)
    row = {"model": name, "batch": batch, "threads": threads}
    log(f"== {name}, batch {batch}, {threads} thread(s)")

    # fp32: import, compile (library), JIT timing.
    mlir = stem + ".mlir"
    _, row["import_s"] = cpu.run([os.path.join(bin_dir, "compress-translate"),
                                  "--import-onnx", onnx_path,
                                  f"--batch-size={batch}", "-o", mlir])
    lib = stem + ".so"
    row["compile_s"], row["compile_rss_mib"] = peak_rss_run(
        [os.path.join(bin_dir, "compress-compile"), mlir, "-o", lib])
    row["library_mib"] = os.path.getsize(lib) / 2**20
    row["onnx_mib"] = os.path.getsize(onnx_path) / 2**20
    row["arena_mib"] = arena_bytes(stem + ".h") / 2**20
    # Peak memory while running, each in a fresh process with the same
    # Python and NumPy: onnxruntime's session, the compress library through
    # its C ABI, and neither (the baseline both include).
    peak = os.path.join(HERE, "peak_rss.py")
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    _, row["run_rss_none_mib"] = peak_rss_run(
        [sys.executable, peak, "none", x_path])
    _, row["run_rss_ort_mib"] = peak_rss_run(
        [sys.executable, peak, "ort", onnx_path, x_path, str(threads)])
    _, row["run_rss_lib_mib"] = peak_rss_run(
        [sys.executable, peak, "lib", lib, stem + ".h", x_path], env=env)
    ort_fp32 = cpu.OrtRunner(onnx_path, threads)
    ref = ort_fp32(x)

    # int8: onnxruntime's QDQ model, and the same file through compress.
    int8_onnx = stem + ".ort-int8.onnx"
    if not os.path.exists(int8_onnx):
        cpu.quantize(onnx_path, int8_onnx,
                     [np.repeat(c, batch, axis=0) if c.shape[0] != batch
                      else c for c in calib])
    int8_mlir = stem + ".int8.mlir"
    cpu.run([os.path.join(bin_dir, "compress-translate"), "--import-onnx",
             int8_onnx, f"--batch-size={batch}", "-o", int8_mlir])
    fused = stem + ".int8.fused.mlir"
    cpu.run([os.path.join(bin_dir, "compress-opt"), int8_mlir,
             "--compress-fuse-qdq", "-o", fused])
    ort_int8 = cpu.OrtRunner(int8_onnx, threads)
    ref_int8 = ort_int8(x)

    # compress's own PTQ (minmax, int8 activations and per-channel weights)
    # on the same calibration images, at the row's batch size.
    calib_dir = stem + ".calib"
    if not os.path.isdir(calib_dir):
        os.makedirs(calib_dir)
        for i, c in enumerate(calib):
            np.save(os.path.join(calib_dir, f"c{i}.npy"),
                    np.repeat(c, batch, axis=0) if c.shape[0] != batch
                    else c)
    own = stem + ".ptq.mlir"
    cpu.run([os.path.join(bin_dir, "compress-opt"), mlir,
             f"--compress-ptq=data={calib_dir} lower=false to-linalg=false",
             "-o", own])

    rounds = {k: [] for k in ("ort_fp32", "compress_fp32", "ort_int8",
                              "compress_int8", "compress_ptq")}
    estimate = {}
    for r in range(args.rounds):
        for key, runner in (("ort_fp32", ort_fp32), ("ort_int8", ort_int8)):
            rounds[key].append(runner.time(x, args.min_time, args.min_calls))
            estimate[key] = float(np.median(rounds[key][-1]))
        for key, module, est in (("compress_fp32", mlir, "ort_fp32"),
                                 ("compress_int8", fused, "ort_int8"),
                                 ("compress_ptq", own, "ort_int8")):
            res = cpu.compress_run(bin_dir, module, x_path,
                                   stem + f".{key}.out.npy", "host", [],
                                   max(estimate[est], 1e-4), args.min_time,
                                   args.min_calls, threads)
            rounds[key].append(res["seconds"])
            row[key + "_output"] = res["output"]
    for key, values in rounds.items():
        row[key + "_ms"] = 1e3 * cpu.best_median(values)
    y = row.pop("compress_fp32_output")
    row["fp32_max_rel_diff"] = float(np.abs(y - ref).max() /
                                     max(np.abs(ref).max(), 1e-30))
    y8 = row.pop("compress_int8_output")
    row["int8_max_rel_diff_vs_ort_int8"] = float(
        np.abs(y8 - ref_int8).max() / max(np.abs(ref_int8).max(), 1e-30))
    row["int8_max_rel_diff_vs_fp32"] = float(
        np.abs(y8 - ref).max() / max(np.abs(ref).max(), 1e-30))
    yp = row.pop("compress_ptq_output")
    row["ptq_max_rel_diff_vs_fp32"] = float(
        np.abs(yp - ref).max() / max(np.abs(ref).max(), 1e-30))
    if ref.ndim == 2:  # class scores: how often the top class agrees
        row["ptq_top1_agreement"] = float(
            (yp.argmax(1) == ref.argmax(1)).mean())
        row["ort_int8_top1_agreement"] = float(
            (ref_int8.argmax(1) == ref.argmax(1)).mean())
    row["ort_int8_max_rel_diff_vs_fp32"] = float(
        np.abs(ref_int8 - ref).max() / max(np.abs(ref).max(), 1e-30))
    log(f"   fp32 onnxruntime {row['ort_fp32_ms']:.2f} ms, compress "
        f"{row['compress_fp32_ms']:.2f} ms; int8 onnxruntime "
        f"{row['ort_int8_ms']:.2f} ms, compress {row['compress_int8_ms']:.2f}"
        f" ms, compress's own PTQ {row['compress_ptq_ms']:.2f} ms; compile "
        f"{row['compile_s']:.1f} s")
    return row


def arena_bytes(header):
    """NAME_ARENA_BYTES of a compress-compile header (0 if absent)."""
    import re
    match = re.search(r"^#define \w+_ARENA_BYTES (\d+)$", open(header).read(),
                      re.M)
    return int(match.group(1)) if match else 0


def renamed_input(path, out):
    """A copy of the ONNX model at `path` whose input is named "x" (the
    layer benchmark's helpers feed "x")."""
    import onnx
    model = onnx.load(path)
    old = model.graph.input[0].name
    model.graph.input[0].name = "x"
    for node in model.graph.node:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = "x"
    onnx.save(model, out)
    return out


def markdown(report):
    rows = report["models"]
    lines = [
        "# Whole models: compress vs onnxruntime",
        "",
        "Generated by `benchmarks/models/run.sh` (`bench.py`); do not edit "
        "by hand.",
        "",
        f"- Date: {report['date']}; machine: {report['machine']}; "
        f"onnxruntime {report['ort']} (PyPI); compress at `{report['git']}`.",
        "- Models: torchvision's ResNet-18 and MobileNet-v2 (random weights, "
        "fixed seed, exported to ONNX opset 13 by PyTorch), the "
        "Fashion-MNIST CNN of `examples/fashion-mnist` (trained) when "
        "present, and a BERT-base encoder layer (`bert_layer`: 12 heads, "
        "768 -> 3072 -> 768 GELU feed-forward, post-LayerNorm; random "
        "weights, 128 tokens, batch 8 only; `export.py`).",
        "- fp32: the ONNX file in onnxruntime; in compress, imported by "
        "`compress-translate` and run by `compress-run --threads=N` (the JIT; "
        "a `compress-compile` library runs the same code and gives the same "
        "bits, see `test/Tools/compress-compile`).",
        "- int8: onnxruntime's `quantize_static` QDQ model (QUInt8 "
        "activations, QInt8 per-channel weights, MinMax on 8 random "
        "images) in onnxruntime, and the same file imported, fused by "
        "`compress-opt --compress-fuse-qdq` and run by `compress-run`.",
        "- Timing: execution only, with the row's number of threads on "
        "both sides (onnxruntime: `intra_op_num_threads=N`, "
        "`inter_op_num_threads=1`, sequential; its times include about 5 us "
        "of Python per call; compress: `compress-run --threads=N`); the "
        "machine has " + str(os.cpu_count()) + " cores, shared with nothing "
        "else during the run; the best of the per-round medians of "
        f"{report['rounds']} interleaved round(s). Ratios above 1x: compress "
        "faster.",
        "- Accuracy: the max abs difference of the outputs over the max abs "
        "fp32 output (onnxruntime's fp32 as the reference). compress's int8 "
        "differs from onnxruntime's int8 by rounding (fixed-point "
        "requantization against onnxruntime's float one), and both differ "
        "from fp32 by the same amount.",
        "- Compile: `compress-compile` from the imported module to a shared "
        "library (wall time and peak memory of the process); import time "
        "separately.",
        "- Memory at run time (fp32): the peak resident set of a fresh "
        "process that runs the model 3 times, onnxruntime's session against "
        "the `compress-compile` library called through its C ABI (ctypes), "
        "both from the same Python and NumPy, whose own peak (loading the "
        "input, nothing else) is the first figure; the arena is the "
        "library's planned intermediate buffers (`NAME_ARENA_BYTES`; a "
        "model run a chunk of samples at a time needs a chunk's).",
        "",
        "| Model | batch | threads | onnxruntime fp32 ms | compress fp32 ms | fp32 ratio "
        "| onnxruntime int8 ms | compress int8 ms | int8 ratio | compress "
        "int8 / fp32 | import s | compile s | compile peak MiB | library MiB "
        "(ONNX MiB) | fp32 max diff / max y | int8 vs onnxruntime int8 | int8 "
        "vs fp32: onnxruntime's, compress's |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['batch']} | {r.get('threads', 1)} | "
            f"{r['ort_fp32_ms']:.2f} | "
            f"{r['compress_fp32_ms']:.2f} | "
            f"{r['ort_fp32_ms'] / r['compress_fp32_ms']:.2f}x | "
            f"{r['ort_int8_ms']:.2f} | {r['compress_int8_ms']:.2f} | "
            f"{r['ort_int8_ms'] / r['compress_int8_ms']:.2f}x | "
            f"{r['compress_fp32_ms'] / r['compress_int8_ms']:.2f}x | "
            f"{r['import_s']:.2f} | {r['compile_s']:.1f} | "
            f"{r['compile_rss_mib']:.0f} | {r['library_mib']:.1f} "
            f"({r['onnx_mib']:.1f}) | {r['fp32_max_rel_diff']:.1e} | "
            f"{r['int8_max_rel_diff_vs_ort_int8']:.1e} | "
            f"{r['ort_int8_max_rel_diff_vs_fp32']:.1e}, "
            f"{r['int8_max_rel_diff_vs_fp32']:.1e} |")
    own = [r for r in rows if "compress_ptq_ms" in r]
    if own:
        lines += [
            "", "compress's own PTQ (`--compress-ptq`, minmax, int8 "
            "activations, per-channel int8 weights, on the same calibration "
            "images as onnxruntime's `quantize_static`) and memory at run "
            "time:", "",
            "| Model | batch | threads | onnxruntime int8 ms | compress PTQ "
            "int8 ms | ratio | max diff / max y vs fp32: onnxruntime int8, "
            "compress PTQ | top-1 agreement with fp32: onnxruntime int8, "
            "compress PTQ | run peak MiB: Python alone, onnxruntime fp32, "
            "compress fp32 library | compress arena MiB |",
            "|---|---|---|---|---|---|---|---|---|---|"]
        for r in own:
            top1 = (f"{r['ort_int8_top1_agreement']:.3f}, "
                    f"{r['ptq_top1_agreement']:.3f}"
                    if "ptq_top1_agreement" in r else "-")
            lines.append(
                f"| {r['model']} | {r['batch']} | {r.get('threads', 1)} | "
                f"{r['ort_int8_ms']:.2f} | {r['compress_ptq_ms']:.2f} | "
                f"{r['ort_int8_ms'] / r['compress_ptq_ms']:.2f}x | "
                f"{r['ort_int8_max_rel_diff_vs_fp32']:.1e}, "
                f"{r['ptq_max_rel_diff_vs_fp32']:.1e} | {top1} | "
                f"{run_memory(r)} |")
    if report.get("chart"):
        lines += ["", f"![latency per model]({report['chart']})"]
    threads = sorted({r.get("threads", 1) for r in rows})
    if len(threads) == 1:
        lines += ["", "Not measured yet: more than one thread.", ""]
    else:
        lines.append("")
    return "\n".join(lines)


def run_memory(r):
    """The run-time memory cells of a row (rows of older runs lack them)."""
    if "run_rss_ort_mib" not in r:
        return "- | -"
    return (f"{r['run_rss_none_mib']:.0f}, {r['run_rss_ort_mib']:.0f}, "
            f"{r['run_rss_lib_mib']:.0f} | {r['arena_mib']:.1f}")


def bench_all(args, bin_dir, threads):
    """Every model at every batch size with `threads` threads."""
    rows = []
    for batch in args.batch or [1]:
        for name in ("resnet18", "mobilenet_v2"):
            calib = list(np.load(os.path.join(args.work,
                                              f"{name}.calib.npy")))
            rows.append(bench_model(
                args, bin_dir, name,
                os.path.join(args.work, f"{name}-b{batch}.onnx"),
                os.path.join(args.work, f"{name}-b{batch}.x.npy"), calib,
                batch, threads))
        if args.fashion_mnist and os.path.exists(
                os.path.join(args.fashion_mnist, "model.onnx")):
            images = np.load(os.path.join(args.fashion_mnist,
                                          "test_images.npy"))
            x_path = os.path.join(args.work, f"fashion_mnist-b{batch}.x.npy")
            np.save(x_path, images[:batch])
            calib_images = np.load(os.path.join(args.fashion_mnist, "calib",
                                                "images.npy"))
            calib = [calib_images[i:i + 1] for i in range(8)]
            rows.append(bench_model(
                args, bin_dir, "fashion_mnist_cnn",
                renamed_input(os.path.join(args.fashion_mnist, "model.onnx"),
                              os.path.join(args.work, "fashion_mnist.onnx")),
                x_path, calib, batch, threads))
    # The transformer layer, at its own batch size (export.py).
    bert = os.path.join(args.work, "bert_layer-b8.onnx")
    if os.path.exists(bert):
        calib = list(np.load(os.path.join(args.work, "bert_layer.calib.npy")))
        rows.append(bench_model(args, bin_dir, "bert_layer", bert,
                                os.path.join(args.work, "bert_layer-b8.x.npy"),
                                calib, 8, threads))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work")
    parser.add_argument("--bin", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--json")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--min-time", type=float, default=0.5)
    parser.add_argument("--min-calls", type=int, default=10)
    parser.add_argument("--batch", type=int, action="append")
    parser.add_argument("--threads", type=int, action="append")
    parser.add_argument("--fashion-mnist")
    parser.add_argument("--command", default="benchmarks/models/run.sh")
    args = parser.parse_args()
    args.work = os.path.abspath(args.work)
    import onnxruntime as ort
    ort.set_default_logger_severity(3)
    import logging
    logging.getLogger().setLevel(logging.ERROR)
    bin_dir = cpu.snapshot_tools(os.path.abspath(args.bin),
                                 os.path.join(args.work, "tools"))
    for tool in ("compress-compile",):
        import shutil
        shutil.copy2(os.path.join(os.path.abspath(args.bin), tool),
                     os.path.join(bin_dir, tool))
    rows = []
    for threads in args.threads or [1]:
        rows += bench_all(args, bin_dir, threads)
    git = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    report = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "machine": "{} (flags: {})".format(
                  *[", ".join(v) if isinstance(v, list) else v
                    for v in cpu.cpu_model()]),
              "ort": ort.__version__,
              "git": git, "rounds": args.rounds, "models": rows,
              "command": args.command,
              "python": platform.python_version()}
    chart = os.path.splitext(args.out)[0] + ".png"
    if os.path.exists(chart):
        report["chart"] = os.path.basename(chart)
    with open(args.out, "w") as f:
        f.write(markdown(report))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    cpu.log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
