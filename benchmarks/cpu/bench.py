# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Dense layers and convolutions, compress vs onnxruntime, one thread.

For every layer a one-op ONNX model (Gemm with a constant random weight and
bias, or Conv with bias) is run by onnxruntime (fp32, and the int8 QDQ model
of its own quantize_static) and by compress (compress-translate, then
compress-run --threads=1; for int8 the same QDQ model goes through
compress-opt --compress-fuse-qdq first), all in one run. Only execution is
timed; compress's compile time is recorded separately. Outputs are compared
with onnxruntime's.

Usage: bench.py WORK --bin BUILD/bin --out RESULTS.md [--json R.json]
                [--quick] [--rounds N] [--min-time S] [--only NAME,...]
WORK receives the models and intermediate files. --quick runs fewer layers,
one round and shorter timings (a smoke run, a few dozen seconds).
"""
import argparse
import datetime
import json
import math
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time

import numpy as np

SEED = 0
CALIB_SAMPLES = 4
OPSET = 17
PER_CHANNEL = True  # int8 weights: one scale per output channel

# name, M, K, N (y[M,N] = x[M,K] @ W[K,N] + b); quick run keeps it?
DENSE = [
    ("BERT-base QKV/out proj", 128, 768, 768, True),
    ("BERT-base FFN up", 128, 768, 3072, False),
    ("BERT-base FFN down", 128, 3072, 768, False),
    ("square 1024", 1024, 1024, 1024, False),
    ("one token FFN up", 1, 768, 3072, True),
]

# name, Cin, Cout, kernel, stride, pad, H(=W) of the input, groups; quick?
CONVS = [
    ("ResNet-18 conv1 7x7/2", 3, 64, 7, 2, 3, 224, 1, False),
    ("ResNet-18 layer1 3x3", 64, 64, 3, 1, 1, 56, 1, True),
    ("ResNet-18 layer2 3x3", 128, 128, 3, 1, 1, 28, 1, False),
    ("ResNet-18 layer3 3x3", 256, 256, 3, 1, 1, 14, 1, False),
    ("ResNet-18 layer4 3x3", 512, 512, 3, 1, 1, 7, 1, False),
    ("ResNet-18 downsample 1x1/2", 64, 128, 1, 2, 0, 56, 1, False),
    ("MobileNet-v2 1x1 32->16", 32, 16, 1, 1, 0, 112, 1, False),
    ("MobileNet-v2 1x1 96->576", 96, 576, 1, 1, 0, 14, 1, True),
    ("MobileNet-v2 dw 3x3 32", 32, 32, 3, 1, 1, 112, 32, True),
    ("MobileNet-v2 dw 3x3/2 96", 96, 96, 3, 2, 1, 112, 96, False),
]

# compress-run variants of the int8 model: label, --cpu, extra arguments.
INT8_VARIANTS = [
    ("host", "host", []),
    ("avx512-vnni", "avx512-vnni", []),
    ("host, fuse-elementwise=false", "host",
     ["--lower-options=fuse-elementwise=false"]),
    ("avx512-vnni, fuse-elementwise=false", "avx512-vnni",
     ["--lower-options=fuse-elementwise=false"]),
]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


BIN_ALIASES = {}  # snapshot directory -> the build's bin directory


def rel(text):
    """Paths inside the repository written relative to its root; the
    snapshot of the tools written as the build directory they came from."""
    for snapshot, original in BIN_ALIASES.items():
        text = text.replace(snapshot, original)
    return text.replace(ROOT + "/", "")


def snapshot_tools(bin_dir, dest):
    """Copies the tools into dest/bin (with dest/lib -> bin_dir/../lib for
    their RUNPATH), so that a concurrent rebuild of the build directory
    cannot mix builds within one run. Returns dest/bin."""
    import shutil
    out = os.path.join(dest, "bin")
    os.makedirs(out, exist_ok=True)
    lib = os.path.join(dest, "lib")
    if os.path.islink(lib):
        os.remove(lib)
    if not os.path.exists(lib):
        os.symlink(os.path.join(os.path.dirname(bin_dir), "lib"), lib)
    for tool in ("compress-translate", "compress-opt", "compress-run"):
        src = os.path.join(bin_dir, tool)
        for attempt in range(30):
            try:
                before = os.stat(src)
                shutil.copy2(src, os.path.join(out, tool))
                after = os.stat(src)
                if (before.st_mtime, before.st_size) == (after.st_mtime,
                                                         after.st_size):
                    break
            except OSError:
                pass
            time.sleep(2)  # being relinked by a concurrent build
        else:
            sys.exit(f"cannot copy {src}")
    BIN_ALIASES[out] = bin_dir
    return out


def log(msg):
    print(msg, flush=True)


def run(cmd, check=True):
    """Runs cmd; returns (CompletedProcess, wall seconds)."""
    for attempt in range(30):
        try:
            start = time.perf_counter()
            result = subprocess.run(cmd, capture_output=True, text=True)
            wall = time.perf_counter() - start
            break
        except OSError as e:
            # The tool is being relinked by a concurrent build: wait.
            if attempt == 29:
                raise
            log(f"   ({cmd[0]}: {e.strerror}; retrying in 2 s)")
            time.sleep(2)
    if check and result.returncode != 0:
        raise ToolError(cmd, result)
    return result, wall


class ToolError(Exception):
    def __init__(self, cmd, result):
        self.cmd = cmd
        self.returncode = result.returncode
        self.stderr = result.stderr
        super().__init__(
            f"exit {result.returncode}: {shlex.join(cmd)}\n"
            f"{result.stderr[-3000:]}")

    def short(self):
        lines = [l for l in self.stderr.strip().splitlines() if l.strip()]
        tail = lines[-1] if lines else ""
        kind = ("crashed (signal %d)" % -self.returncode
                if self.returncode < 0 else f"exit {self.returncode}")
        return f"{kind}: {tail[:300]}"


# --------------------------------------------------------------------------
# Models


def dense_model(path, m, k, n, rng):
    from onnx import TensorProto, helper, numpy_helper
    w = (rng.standard_normal((k, n)) / math.sqrt(k)).astype(np.float32)
    b = (0.1 * rng.standard_normal(n)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "W", "b"], ["y"])], "dense",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "b")])
    save_model(graph, path)
    return (m, k)


def conv_model(path, cin, cout, ksize, stride, pad, hw, groups, rng):
    from onnx import TensorProto, helper, numpy_helper
    fan_in = cin // groups * ksize * ksize
    w = (rng.standard_normal((cout, cin // groups, ksize, ksize)) /
         math.sqrt(fan_in)).astype(np.float32)
    b = (0.1 * rng.standard_normal(cout)).astype(np.float32)
    out = (hw + 2 * pad - ksize) // stride + 1
    node = helper.make_node("Conv", ["x", "W", "b"], ["y"],
                            kernel_shape=[ksize, ksize],
                            strides=[stride, stride], pads=[pad] * 4,
                            group=groups)
    graph = helper.make_graph(
        [node], "conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       [1, cin, hw, hw])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [1, cout, out, out])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "b")])
    save_model(graph, path)
    return (1, cin, hw, hw)


def trivial_model(path):
    from onnx import TensorProto, helper, numpy_helper
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "one"], ["y"])], "trivial",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1])],
        [numpy_helper.from_array(np.ones((1, 1), np.float32), "one")])
    save_model(graph, path)


def save_model(graph, path):
    import onnx
    from onnx import helper
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def quantize(fp32_path, int8_path, calib):
    from onnxruntime import quantization as q

    class Reader(q.CalibrationDataReader):
        def __init__(self):
            self.samples = iter([{"x": x} for x in calib])

        def get_next(self):
            return next(self.samples, None)

    q.quantize_static(fp32_path, int8_path, Reader(),
                      quant_format=q.QuantFormat.QDQ,
                      per_channel=PER_CHANNEL,
                      activation_type=q.QuantType.QUInt8,
                      weight_type=q.QuantType.QInt8,
                      calibrate_method=q.CalibrationMethod.MinMax)


def output_scale(int8_path):
    """The scale of the DequantizeLinear that produces the graph output."""
    import onnx
    from onnx import numpy_helper
    model = onnx.load(int8_path)
    inits = {t.name: numpy_helper.to_array(t)
             for t in model.graph.initializer}
    out = model.graph.output[0].name
    for node in model.graph.node:
        if node.op_type == "DequantizeLinear" and node.output[0] == out:
            return float(inits[node.input[1]])
    return None


# --------------------------------------------------------------------------
# Timing


class OrtRunner:
    def __init__(self, path, threads=1):
        import onnxruntime as ort
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self.session = ort.InferenceSession(
            path, options, providers=["CPUExecutionProvider"])

    def __call__(self, x):
        return self.session.run(None, {"x": x})[0]

    def time(self, x, min_time, min_calls, max_calls=20000):
        """Per-call seconds of session.run (after warm-up)."""
        warm_start = time.perf_counter()
        for i in range(3):
            self(x)
            if time.perf_counter() - warm_start > min_time / 4 and i:
                break
        times = []
        start = time.perf_counter()
        while len(times) < max_calls:
            t0 = time.perf_counter()
            self.session.run(None, {"x": x})
            times.append(time.perf_counter() - t0)
            if len(times) >= min_calls and t0 - start >= min_time:
                break
        return times


def compress_run(bin_dir, module, x_path, out_path, cpu, extra, estimate,
                 min_time, min_calls, threads=1):
    """Runs module with compress-run --threads=N; returns a dict with the
    per-call seconds, the output and the compile time (wall time of the
    process minus its warm-up and timed runs)."""
    repeat = int(min(5000, max(min_calls, math.ceil(min_time / estimate))))
    warmup = int(min(200, max(2, math.ceil(0.05 / estimate))))
    timing = out_path + ".timing.json"
    cmd = [os.path.join(bin_dir, "compress-run"), module, "--input", x_path,
           "--output", out_path, f"--threads={threads}", f"--cpu={cpu}",
           *extra,
           "--warmup", str(warmup), "--repeat", str(repeat),
           "--timing-json", timing, "--progress=off", "--quiet"]
    _, wall = run(cmd)
    with open(timing) as f:
        t = json.load(f)
    seconds = t["seconds"]
    compile_s = wall - sum(seconds) - warmup * t["median"]
    return {"seconds": seconds, "warmup": warmup, "repeat": repeat,
            "wall": wall, "compile_s": compile_s,
            "output": np.load(out_path), "cmd": cmd}


def kernel_info(bin_dir, module, cpu, extra, work_prefix):
    """Which kernel-library calls compress-run's lowering makes: lowers with
    compress-opt (the same pipeline, cpu=..., threads=1) and reads the
    compress.cpu_kernel marks and the calls."""
    opts = f"cpu={cpu} threads=1"
    for arg in extra:
        if arg.startswith("--lower-options="):
            opts += " " + arg.split("=", 1)[1]
    out = work_prefix + ".llvm.mlir"
    cmd = [os.path.join(bin_dir, "compress-opt"), module,
           f"--compress-lower-to-cpu={opts}",
           "--mlir-print-ir-after=compress-cpu-select-kernels",
           "--mlir-elide-elementsattrs-if-larger=16",
           "--mlir-elide-resource-strings-if-larger=16", "-o", out]
    try:
        result, _ = run(cmd)
    except ToolError as e:
        return {"error": e.short(), "cmd": shlex.join(cmd)}
    marks = re.findall(r'compress\.cpu_kernel = \{isa = "([^"]+)", '
                       r'kernel = "([^"]+)"', result.stderr)
    with open(out) as f:
        calls = sorted(set(re.findall(r"call @(compress_cpu_\w+)", f.read())))
    os.remove(out)
    return {"marks": [f"{k}/{isa}" for isa, k in marks], "calls": calls}


def best_median(rounds):
    """Median per round, the best (smallest) of the rounds."""
    return min(statistics.median(r) for r in rounds)


# --------------------------------------------------------------------------
# One layer


def fp32_agreement(y, ref):
    scale = float(np.abs(ref).max())
    return {"max_abs_diff": float(np.abs(y - ref).max()),
            "max_abs_ref": scale,
            "rel": float(np.abs(y - ref).max()) / scale if scale else 0.0}


def int8_agreement(y, ref_int8, ref_fp32, scale):
    steps = np.rint(np.abs(y.astype(np.float64) - ref_int8) / scale)
    max_ref = float(np.abs(ref_fp32).max())
    return {"outputs": int(y.size),
            "differ": int((steps > 0).sum()),
            "max_steps": int(steps.max()),
            "rel_to_fp32": float(np.abs(y - ref_fp32).max()) / max_ref,
            "ort_rel_to_fp32": float(np.abs(ref_int8 - ref_fp32).max()) /
            max_ref}


def bench_layer(args, kind, name, shape_desc, ops, build, rng):
    """Builds, quantizes, imports, runs and times one layer."""
    bin_dir = args.bin
    tag = re.sub(r"[^A-Za-z0-9]+", "-", f"{kind}-{shape_desc}").strip("-")
    base = os.path.join(args.work, tag)
    fp32_onnx, int8_onnx = base + ".onnx", base + ".int8.onnx"
    in_shape = build(fp32_onnx, rng)
    x = rng.standard_normal(in_shape).astype(np.float32)
    calib = [rng.standard_normal(in_shape).astype(np.float32)
             for _ in range(CALIB_SAMPLES)]
    x_path = base + ".x.npy"
    np.save(x_path, x)
    row = {"kind": kind, "name": name, "shape": shape_desc, "ops": ops,
           "errors": [], "notes": []}
    log(f"== {kind} {name} ({shape_desc}): {ops / 1e6:.1f} MFLOP")

    # Import and compile steps (not timed with the runs).
    fp32_mlir = base + ".mlir"
    translate = [os.path.join(bin_dir, "compress-translate"), "--import-onnx",
                 fp32_onnx, "-o", fp32_mlir]
    try:
        _, row["translate_s"] = run(translate)
    except ToolError as e:
        row["errors"].append({"step": "compress-translate fp32",
                              "error": e.short(), "cmd": shlex.join(e.cmd)})
        fp32_mlir = None

    quantize(fp32_onnx, int8_onnx, calib)
    scale = output_scale(int8_onnx)
    int8_mlir = base + ".int8.mlir"
    fused_mlir = base + ".int8.fused.mlir"
    try:
        run([os.path.join(bin_dir, "compress-translate"), "--import-onnx",
             int8_onnx, "-o", int8_mlir])
        opt = [os.path.join(bin_dir, "compress-opt"), int8_mlir,
               "--compress-fuse-qdq",
               "-o", fused_mlir]
        result, row["fuse_qdq_s"] = run(opt)
        remarks = sorted(set(re.findall(r"remark: (not fused[^\n]*)",
                                        result.stderr)))
        row["fuse_qdq_remarks"] = remarks
        with open(fused_mlir) as f:
            text = f.read()
        # An unfused layer keeps its float named op; the integer kernels of
        # compress-fuse-qdq are linalg.generic reductions with arith.muli.
        if re.search(r"linalg\.(matmul|conv_2d\w*|depthwise_conv\w*)\b",
                     text) or "arith.muli" not in text:
            with open(int8_mlir) as f:
                imported = f.read()
            why = ""
            if ("depthwise_conv" in imported and
                    re.search(r"tensor\.collapse_shape %\d+ ", imported)):
                why = (" compress-translate reshapes the depthwise filter "
                       "(tensor.collapse_shape, Cx1xkxk -> Cxkxk) after its "
                       "DequantizeLinear, so the convolution's filter is not "
                       "a compress.dequantize.")
            row["notes"].append(
                "compress-fuse-qdq left the layer in float (its remark: \""
                + ("; ".join(remarks) or "none") + "\")." + why +
                " int8 timings of compress skipped. Reproduce: `"
                + shlex.join(opt[:3]) + "`")
            fused_mlir = None
    except ToolError as e:
        row["errors"].append({"step": "int8 import / compress-fuse-qdq",
                              "error": e.short(), "cmd": shlex.join(e.cmd)})
        fused_mlir = None

    ort_fp32 = OrtRunner(fp32_onnx)
    ort_int8 = OrtRunner(int8_onnx)
    ref_fp32 = ort_fp32(x)
    ref_int8 = ort_int8(x)

    # Kernel selection (what compress-run's lowering calls).
    row["kernels"] = {}
    if fp32_mlir:
        row["kernels"]["fp32"] = kernel_info(bin_dir, fp32_mlir, "host", [],
                                             base + ".fp32")
    if fused_mlir:
        for label, cpu, extra in INT8_VARIANTS:
            row["kernels"]["int8 " + label] = kernel_info(
                bin_dir, fused_mlir, cpu, extra, base + ".int8")

    timings = {"ort fp32": [], "ort int8": [], "compress fp32": []}
    compile_s = {}
    runs = {}
    outputs = {}
    configs = []
    if fp32_mlir:
        configs.append(("compress fp32", fp32_mlir, "host", [], "ort fp32"))
    if fused_mlir:
        for label, cpu, extra in INT8_VARIANTS:
            # The fuse-elementwise=false variants only where they change
            # which kernels are called (see findings()).
            default = label.split(",")[0]
            if extra and (row["kernels"]["int8 " + label].get("calls") ==
                          row["kernels"]["int8 " + default].get("calls")):
                continue
            configs.append((f"compress int8 {label}", fused_mlir, cpu, extra,
                            "ort int8"))
    estimates = {}
    for rnd in range(args.rounds):
        for key, runner in (("ort fp32", ort_fp32), ("ort int8", ort_int8)):
            timings[key].append(runner.time(x, args.min_time, args.min_calls))
        for key, module, cpu, extra, ref_key in configs:
            if key in row.get("failed", {}):
                continue
            # First round: the last compress time of the same module and
            # options (another --cpu), else onnxruntime's.
            same = (module, tuple(extra))
            estimate = estimates.get(key, estimates.get(
                same, statistics.median(timings[ref_key][-1])))
            out_path = f"{base}.{re.sub(r'[^a-z0-9]+', '-', key)}.out.npy"
            try:
                r = compress_run(bin_dir, module, x_path, out_path, cpu, extra,
                                 estimate, args.min_time, args.min_calls)
            except ToolError as e:
                row.setdefault("failed", {})[key] = True
                row["errors"].append({"step": key, "error": e.short(),
                                      "cmd": shlex.join(e.cmd)})
                log(f"   {key}: FAILED {e.short()}")
                continue
            timings.setdefault(key, []).append(r["seconds"])
            compile_s.setdefault(key, []).append(r["compile_s"])
            estimates[key] = estimates[same] = statistics.median(r["seconds"])
            outputs[key] = r["output"]
            runs[key] = {"warmup": r["warmup"], "repeat": r["repeat"],
                         "cmd": shlex.join(r["cmd"])}

    row["time"] = {}
    for key, rounds in timings.items():
        if not rounds:
            continue
        row["time"][key] = {
            "best_median_s": best_median(rounds),
            "min_s": min(min(r) for r in rounds),
            "round_medians_s": [statistics.median(r) for r in rounds],
            "calls_per_round": [len(r) for r in rounds]}
    row["runs"] = runs
    row["compile_s"] = {k: min(v) for k, v in compile_s.items()}
    row["agreement"] = {}
    if "compress fp32" in outputs:
        row["agreement"]["fp32"] = fp32_agreement(outputs["compress fp32"],
                                                  ref_fp32)
    for key, y in outputs.items():
        if key.startswith("compress int8") and scale:
            row["agreement"][key] = int8_agreement(y, ref_int8, ref_fp32,
                                                   scale)
    row["output_scale"] = scale
    row["ort_int8_rel_to_fp32"] = float(
        np.abs(ref_int8 - ref_fp32).max() / np.abs(ref_fp32).max())
    summarize(row)
    return row


def rate(row, key):
    t = row["time"].get(key)
    return row["ops"] / t["best_median_s"] / 1e9 if t else None


def summarize(row):
    parts = []
    for key in row["time"]:
        parts.append(f"{key} {row['time'][key]['best_median_s'] * 1e3:.3f} ms"
                     f" ({rate(row, key):.1f} G/s)")
    log("   " + "; ".join(parts))
    a = row["agreement"].get("fp32")
    if a:
        log(f"   fp32 max |compress - ort| / max|y| = {a['rel']:.2e}")
    a = row["agreement"].get("compress int8 avx512-vnni")
    if a:
        log(f"   int8 (avx512-vnni): {a['differ']}/{a['outputs']} outputs "
            f"differ from onnxruntime's, by at most {a['max_steps']} step(s)")
    for note in row["notes"]:
        log(f"   note: {note}")


# --------------------------------------------------------------------------
# Python overhead of session.run


def overhead(args):
    path = os.path.join(args.work, "trivial.onnx")
    trivial_model(path)
    x = np.zeros((1, 1), np.float32)
    runner = OrtRunner(path)
    calls = 2000 if args.quick else 20000
    rounds = [runner.time(x, 0.0, calls, calls) for _ in range(args.rounds)]
    result = {"ort_session_run_s": best_median(rounds),
              "ort_session_run_min_s": min(min(r) for r in rounds)}
    # The same model through compress-run (its per-call floor, timed in C++).
    mlir = os.path.join(args.work, "trivial.mlir")
    x_path = os.path.join(args.work, "trivial.x.npy")
    np.save(x_path, x)
    try:
        run([os.path.join(args.bin, "compress-translate"), "--import-onnx",
             path, "-o", mlir])
        r = compress_run(args.bin, mlir, x_path, mlir + ".out.npy", "host", [],
                         1e-6, 0.0, calls)
        result["compress_run_s"] = statistics.median(r["seconds"])
        result["compress_compile_s"] = r["compile_s"]
    except ToolError as e:
        result["compress_error"] = e.short()
    log(f"== overhead: onnxruntime session.run on a 1-element Add: "
        f"{result['ort_session_run_s'] * 1e6:.1f} us (median); compress-run's "
        f"timed call of the same model: "
        f"{result.get('compress_run_s', float('nan')) * 1e6:.2f} us")
    return result


# --------------------------------------------------------------------------
# Report


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
    except OSError:
        return platform.processor() or platform.machine(), []
    model = re.search(r"^model name\s*:\s*(.*)$", info, re.M)
    flags = re.search(r"^flags\s*:\s*(.*)$", info, re.M)
    flags = flags.group(1).split() if flags else []
    wanted = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
              "avx_vnni", "amx_tile", "amx_int8", "amx_bf16"]
    return (model.group(1).strip() if model else platform.machine(),
            [f for f in wanted if f in flags])


def fmt_ms(row, key):
    t = row["time"].get(key)
    return f"{t['best_median_s'] * 1e3:.3f}" if t else "-"


def fmt_rate(row, key):
    r = rate(row, key)
    return f"{r:.1f}" if r is not None else "-"


def fmt_ratio(row, num, den):
    a, b = rate(row, num), rate(row, den)
    return f"{a / b:.2f}x" if a is not None and b else "-"


def geomean(rows, num, den):
    logs = [math.log(rate(r, num) / rate(r, den)) for r in rows
            if rate(r, num) and rate(r, den)]
    if not logs:
        return "-"
    return f"{math.exp(sum(logs) / len(logs)):.2f}x (of {len(logs)})"


def fmt_kernel(row, key):
    k = row["kernels"].get(key)
    if not k:
        return "-"
    if "error" in k:
        return "lowering failed"
    return ", ".join(c.replace("compress_cpu_", "") for c in k["calls"]) or \
        "none (generic loops)"


def fmt_compile(row, key):
    c = row["compile_s"].get(key)
    return f"{c:.2f}" if c is not None else "-"


def fmt_int8_agree(row, key):
    a = row["agreement"].get(key)
    if not a:
        return "-"
    pct = 100.0 * a["differ"] / a["outputs"]
    return f"{a['differ']}/{a['outputs']} ({pct:.2g}%), max {a['max_steps']}"


def shape_cell(row):
    return f"{row['name']}: {row['shape']}"


def markdown(report):
    rows = report["layers"]
    meta = report["meta"]
    # A host whose default int8 path is not the VNNI one (AMX) gets its own
    # ratio and agreement columns.
    other_host = meta.get("host_isa") not in (None, "avx512-vnni")
    L = [
        "# CPU kernels: compress vs onnxruntime, one thread",
        "",
        "Generated by `benchmarks/cpu/run.sh` (`bench.py`); do not edit by "
        "hand.",
        "",
        f"- Command: `{meta['command']}`",
        f"- Date: {meta['date']}; machine: {meta['cpu']} ({meta['arch']}, "
        f"{meta['cores']} cores; flags: {', '.join(meta['cpu_flags'])}); "
        f"onnxruntime {meta['onnxruntime']} (PyPI, CPUExecutionProvider), "
        f"onnx {meta['onnx']}, numpy {meta['numpy']}, Python "
        f"{meta['python']}; compress at `{meta['git']}`.",
        "- One thread everywhere: onnxruntime with `intra_op_num_threads=1`, "
        "`inter_op_num_threads=1`, sequential execution, default graph "
        "optimizations; compress with `compress-run --threads=1`.",
        "- Each layer is a one-op ONNX model with a constant random weight "
        "and bias: `Gemm(x, W, b)` for dense layers (y[M,N] = x[M,K] W[K,N] "
        "+ b), `Conv(x, W, b)` for convolutions (batch 1, NCHW). int8: "
        "onnxruntime's `quantize_static` (QDQ format, QUInt8 activations, "
        f"QInt8 weights, per-channel {'on' if PER_CHANNEL else 'off'}, int32 "
        f"bias, MinMax calibration on {CALIB_SAMPLES} random inputs) run by "
        "onnxruntime; the same QDQ file imported by `compress-translate`, "
        "fused into integer kernels by `compress-opt --compress-fuse-qdq` "
        "and run by `compress-run` (whose lowering runs the GEMMs' "
        "requantization in the kernel).",
        f"- Timing: execution only. onnxruntime: wall time of each "
        f"`session.run` from Python (`time.perf_counter`; includes the Python "
        f"overhead measured below); compress: the per-call times "
        f"`compress-run --warmup W --repeat R --timing-json` measures in C++ "
        f"around the JIT-compiled function. Each measurement runs at least "
        f"{meta['min_time']} s and {meta['min_calls']} calls after warm-up; "
        f"the layer is measured in {meta['rounds']} interleaved round(s) "
        f"(onnxruntime, then each compress variant, a new compress-run "
        f"process per round) and the table shows the **best of the "
        f"per-round medians** (the JSON also has each round's median and "
        f"the fastest call). The machine has {meta['cores']} cores and other "
        f"processes (compiles, tests) may be running (load average "
        f"{meta['loadavg_before'][0]:.2f} at the start, "
        f"{meta['loadavg_after'][0]:.2f} at the end): compare the ratios "
        f"within one run, not absolute numbers across runs."
        + f" The run uses a copy of the tools taken at its start (built "
        f"{meta['tools_built']})"
        + (f"; {', '.join(meta['tools_rebuilt_during_run'])} were rebuilt "
           f"in the build directory meanwhile." if
           meta["tools_rebuilt_during_run"] else "."),
        "- Rates: GFLOP/s (fp32) or GOP/s (int8) = 2·M·K·N (convolution: "
        "2·Cout·Hout·Wout·Cin/groups·kh·kw) / time; a ratio above 1x means "
        "compress is faster. \"Kernel\" is what compress's lowering calls "
        "(read from `compress-opt --compress-lower-to-cpu` with the same "
        "options): a `compress_cpu_*` function of the kernel library, or none "
        "(generic vectorized loops).",
        "- Compile: compress's compile time per model = wall time of the "
        "`compress-run` process minus its warm-up and timed runs (parsing "
        "the MLIR, lowering, packing the weights, LLVM JIT, reading and "
        "writing the .npy files, process start); the smallest over the "
        "rounds. Not included in any timing. `compress-translate` and "
        "`compress-opt --compress-fuse-qdq` times are in the JSON.",
        "",
    ]
    ov = report["overhead"]
    L += [
        "## Python overhead of onnxruntime",
        "",
        f"`session.run` of a trivial model (one `Add` of a 1x1 tensor) takes "
        f"**{ov['ort_session_run_s'] * 1e6:.1f} µs** (median; fastest "
        f"{ov['ort_session_run_min_s'] * 1e6:.1f} µs). Every onnxruntime time "
        f"below includes this; nothing is subtracted. The same model's "
        f"timed call in compress-run (C++, around the JIT-compiled function) "
        + (f"takes {ov['compress_run_s'] * 1e6:.2f} µs."
           if "compress_run_s" in ov else
           f"could not be measured: {ov.get('compress_error')}."),
        "",
    ]

    dense = [r for r in rows if r["kind"] == "dense"]
    convs = [r for r in rows if r["kind"] == "conv"]
    L += ["## Summary", "",
          "Geometric means over the layers of each table (layers without a "
          "number left out; ratio above 1x: compress faster).", "",
          "| Layers | compress fp32 / onnxruntime fp32 | compress int8 / "
          "onnxruntime int8 | compress int8 / compress fp32 |"
          + (f" compress int8 ({meta['host_isa']}) / onnxruntime int8 |"
             if other_host else ""),
          "|---|---|---|---|" + ("---|" if other_host else "")]
    v = "compress int8 avx512-vnni"
    for title, group in (("dense", dense), ("convolutions", convs)):
        if group:
            L.append(f"| {title} ({len(group)}) | "
                     f"{geomean(group, 'compress fp32', 'ort fp32')} | "
                     f"{geomean(group, v, 'ort int8')} | "
                     f"{geomean(group, v, 'compress fp32')} |"
                     + (f" {geomean(group, 'compress int8 host', 'ort int8')}"
                        " |" if other_host else ""))
    L += [""]
    for title, group, unit in (("Dense layers", dense, "GFLOP/s"),
                               ("Convolutions", convs, "GFLOP/s")):
        if not group:
            continue
        L += [f"## {title}: fp32", "",
              f"| Layer | MFLOP | onnxruntime ms | {unit} | compress ms | "
              f"{unit} | compress / onnxruntime | kernel (compress) | "
              f"max abs diff / max abs y | compile s |",
              "|---|---|---|---|---|---|---|---|---|---|"]
        for r in group:
            a = r["agreement"].get("fp32")
            L.append(
                f"| {shape_cell(r)} | {r['ops'] / 1e6:.1f} | "
                f"{fmt_ms(r, 'ort fp32')} | {fmt_rate(r, 'ort fp32')} | "
                f"{fmt_ms(r, 'compress fp32')} | "
                f"{fmt_rate(r, 'compress fp32')} | "
                f"{fmt_ratio(r, 'compress fp32', 'ort fp32')} | "
                f"{fmt_kernel(r, 'fp32')} | "
                + (f"{a['rel']:.1e}" if a else "-") + " | "
                f"{fmt_compile(r, 'compress fp32')} |")
        L += [""]

        gop = unit.replace("GFLOP", "GOP")
        L += [f"## {title}: int8 (onnxruntime's QDQ model)", "",
              f"Default `compress-run` pipeline (`--cpu=host`, which resolves "
              f"to {meta['host_isa']} here, and `--cpu=avx512-vnni`). "
              f"Ratios: compress int8 (avx512-vnni) over onnxruntime int8, "
              f"and over compress fp32"
              + (f"; and compress int8 ({meta['host_isa']}, the default "
                 f"here) over onnxruntime int8, with its outputs against "
                 f"onnxruntime's" if other_host else "") + ".", "",
              f"| Layer | onnxruntime ms | {gop} | compress host ms | {gop} | "
              + (f"host vs onnxruntime int8 | outputs differing (host) | "
                 if other_host else "") +
              f"compress avx512-vnni ms | {gop} | vs onnxruntime int8 | "
              f"vs compress fp32 | kernel (avx512-vnni) | outputs differing "
              f"from onnxruntime (steps) | compile s |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"
              + ("---|---|" if other_host else "")]
        for r in group:
            L.append(
                f"| {shape_cell(r)} | {fmt_ms(r, 'ort int8')} | "
                f"{fmt_rate(r, 'ort int8')} | "
                f"{fmt_ms(r, 'compress int8 host')} | "
                f"{fmt_rate(r, 'compress int8 host')} | "
                + (f"{fmt_ratio(r, 'compress int8 host', 'ort int8')} | "
                   f"{fmt_int8_agree(r, 'compress int8 host')} | "
                   if other_host else "") +
                f"{fmt_ms(r, 'compress int8 avx512-vnni')} | "
                f"{fmt_rate(r, 'compress int8 avx512-vnni')} | "
                f"{fmt_ratio(r, 'compress int8 avx512-vnni', 'ort int8')} | "
                f"{fmt_ratio(r, 'compress int8 avx512-vnni', 'compress fp32')}"
                f" | {fmt_kernel(r, 'int8 avx512-vnni')} | "
                f"{fmt_int8_agree(r, 'compress int8 avx512-vnni')} | "
                f"{fmt_compile(r, 'compress int8 avx512-vnni')} |")
        L += [""]
        h = "compress int8 host, fuse-elementwise=false"
        v = "compress int8 avx512-vnni, fuse-elementwise=false"
        if not any(v in r["time"] or h in r["time"] for r in group):
            continue
        L += [f"### {title}: int8 with `--lower-options=fuse-elementwise=false`",
              "",
              "The same int8 modules with compress-lower-to-cpu's elementwise "
              "fusion turned off, for the layers where that changes which "
              "kernels are called (see Findings).", "",
              f"| Layer | onnxruntime ms | {gop} | compress host ms | {gop} | "
              f"compress avx512-vnni ms | {gop} | vs onnxruntime int8 | "
              f"vs compress fp32 | kernel (avx512-vnni) | outputs differing "
              f"from onnxruntime (steps) | compile s |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in group:
            if v not in r["time"] and h not in r["time"]:
                continue
            L.append(
                f"| {shape_cell(r)} | {fmt_ms(r, 'ort int8')} | "
                f"{fmt_rate(r, 'ort int8')} | {fmt_ms(r, h)} | "
                f"{fmt_rate(r, h)} | {fmt_ms(r, v)} | {fmt_rate(r, v)} | "
                f"{fmt_ratio(r, v, 'ort int8')} | "
                f"{fmt_ratio(r, v, 'compress fp32')} | "
                f"{fmt_kernel(r, 'int8 avx512-vnni, fuse-elementwise=false')}"
                f" | {fmt_int8_agree(r, v)} | {fmt_compile(r, v)} |")
        L += [""]

    L += ["## Accuracy of int8 against fp32", "",
          "Largest |int8 output − onnxruntime fp32 output| / max |fp32 "
          "output| (both int8 results are dequantized floats). "
          "\"Outputs differing\" above counts compress int8 outputs that are "
          "not equal to onnxruntime's int8 outputs, and the largest "
          "difference in quantization steps of the output scale (the two "
          "requantize with different rounding: compress with TFLite-style "
          "fixed-point multipliers, onnxruntime in float).", "",
          ]
    v = "compress int8 avx512-vnni"
    nf = v + ", fuse-elementwise=false"
    keys = [v] + ([nf] if any(nf in r["agreement"] for r in rows) else [])
    L += ["| Layer | output scale | onnxruntime int8 | "
          + " | ".join(k.replace("compress int8 ", "compress int8, ")
                       for k in keys) + " |",
          "|---|---|---|" + "---|" * len(keys)]
    for r in rows:
        cells = [f"{r['output_scale']:.3g}",
                 f"{r['ort_int8_rel_to_fp32']:.2e}"]
        for k in keys:
            a = r["agreement"].get(k)
            cells.append(f"{a['rel_to_fp32']:.2e}" if a else "-")
        L.append(f"| {shape_cell(r)} | " + " | ".join(cells) + " |")
    L += [""]

    notes = [(r, n) for r in rows for n in r["notes"]]
    errors = [(r, e) for r in rows for e in r["errors"]]
    findings = report.get("findings", [])
    if findings or notes or errors:
        L += ["## Findings", ""]
        for f in findings:
            L.append(f"- {f}")
        for r, n in notes:
            L.append(f"- {shape_cell(r)}: {n}")
        for r, e in errors:
            L.append(f"- {shape_cell(r)}: {e['step']} failed ({e['error']}); "
                     f"reproduce: `{e['cmd']}`")
        L += [""]
    return "\n".join(L)


def findings(report):
    """Observations computed from the results (kernel selection)."""
    out = []
    lost = []
    for r in report["layers"]:
        default = r["kernels"].get("int8 avx512-vnni", {})
        nofuse = r["kernels"].get("int8 avx512-vnni, fuse-elementwise=false",
                                  {})
        if nofuse.get("calls") and not default.get("calls"):
            lost.append(shape_cell(r))
    if lost:
        out.append(
            "With the default `compress-lower-to-cpu` pipeline the int8 "
            "layers of onnxruntime's QDQ models do not reach the int8 kernel "
            "library: the elementwise fusion (which runs before "
            "`compress-cpu-select-kernels`) fuses the input's `quantize` "
            "loop (f32 -> u8) into the integer GEMM/convolution, whose input "
            "is then f32, so no kernel matches and the quantization is "
            "recomputed inside the reduction (generic loops). With "
            "`--lower-options=fuse-elementwise=false` the same module calls "
            "the kernels. Affected: " + "; ".join(lost) + ".")
    return out


# --------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work")
    parser.add_argument("--bin", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--json")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--min-time", type=float,
                        help="seconds each measurement runs at least")
    parser.add_argument("--min-calls", type=int)
    parser.add_argument("--only", help="comma-separated substrings of layer "
                        "names or shapes to run")
    parser.add_argument("--command", help="the command line to record")
    args = parser.parse_args()
    if args.rounds is None:
        args.rounds = 1 if args.quick else 5
    if args.min_time is None:
        args.min_time = 0.1 if args.quick else 0.4
    if args.min_calls is None:
        args.min_calls = 5 if args.quick else 10
    args.work = os.path.abspath(args.work)
    args.bin = os.path.abspath(args.bin)
    os.makedirs(args.work, exist_ok=True)

    import onnx
    import onnxruntime as ort
    import logging
    logging.getLogger().setLevel(logging.ERROR)  # quantize_static's advice
    ort.set_default_logger_severity(3)

    started = time.time()
    load_before = os.getloadavg()
    tools = ("compress-translate", "compress-opt", "compress-run")
    build_bin = args.bin
    stamps = lambda: {t: os.path.getmtime(os.path.join(build_bin, t))
                      if os.path.exists(os.path.join(build_bin, t)) else None
                      for t in tools}
    stamps_before = stamps()
    args.bin = snapshot_tools(build_bin, os.path.join(args.work, "tools"))
    built = datetime.datetime.fromtimestamp(
        max(v for v in stamps_before.values() if v)).astimezone()
    rng = np.random.default_rng(SEED)
    selected = lambda *names: not args.only or any(
        s.strip() and s.strip().lower() in n.lower()
        for s in args.only.split(",") for n in names)

    report = {"layers": []}
    report["overhead"] = overhead(args)
    for name, m, k, n, quick in DENSE:
        desc = f"M,K,N = {m},{k},{n}"
        if (args.quick and not quick) or not selected(name, desc):
            continue
        report["layers"].append(bench_layer(
            args, "dense", name, desc, 2.0 * m * k * n,
            lambda p, r, m=m, k=k, n=n: dense_model(p, m, k, n, r), rng))
    for name, cin, cout, ks, st, pad, hw, groups, quick in CONVS:
        out = (hw + 2 * pad - ks) // st + 1
        desc = (f"{ks}x{ks}/{st} {cin}->{cout} at {hw}x{hw} -> {out}x{out}"
                + (f", groups {groups}" if groups > 1 else "")
                + (f", pad {pad}" if pad else ""))
        if (args.quick and not quick) or not selected(name, desc):
            continue
        ops = 2.0 * cout * out * out * (cin // groups) * ks * ks
        report["layers"].append(bench_layer(
            args, "conv", name, desc, ops,
            lambda p, r, a=(cin, cout, ks, st, pad, hw, groups):
            conv_model(p, *a, r), rng))

    model, flags = cpu_model()
    host_isa = "-"
    for r in report["layers"]:
        marks = r["kernels"].get("int8 host, fuse-elementwise=false",
                                 {}).get("marks")
        if marks:
            host_isa = marks[0].split("/")[-1]
            break
    git = subprocess.run(["git", "-C", os.path.dirname(__file__), "describe",
                          "--always", "--dirty"], capture_output=True,
                         text=True).stdout.strip() or "unknown"
    report["meta"] = {
        "command": args.command or rel(shlex.join(sys.argv)),
        "date": datetime.datetime.now().astimezone().strftime(
            "%Y-%m-%d %H:%M %Z"),
        "cpu": model, "cpu_flags": flags, "arch": platform.machine(),
        "cores": os.cpu_count(), "onnxruntime": ort.__version__,
        "onnx": onnx.__version__, "numpy": np.__version__,
        "python": platform.python_version(), "git": git,
        "rounds": args.rounds, "min_time": args.min_time,
        "min_calls": args.min_calls, "quick": args.quick,
        "per_channel": PER_CHANNEL, "host_isa": host_isa,
        "seconds": round(time.time() - started, 1),
        "loadavg_before": [round(v, 2) for v in load_before],
        "loadavg_after": [round(v, 2) for v in os.getloadavg()],
        "tools_built": built.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "tools_rebuilt_during_run": [t for t, m in stamps().items()
                                     if m != stamps_before[t]]}
    report["findings"] = findings(report)

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(rel(markdown(report)))
    if args.json:
        with open(args.json, "w") as f:
            f.write(rel(json.dumps(report, indent=1)) + "\n")
    print()
    print(table(report))
    log(f"\nwrote {args.out}" + (f" and {args.json}" if args.json else "") +
        f" in {report['meta']['seconds']:.0f} s")


def table(report):
    """The console summary."""
    hdr = (f"{'layer':<46} {'ORT f32':>7} {'cmp f32':>7} {'ratio':>6} "
           f"{'ORT i8':>7} {'cmp i8':>7} {'ratio':>6} {'i8/f32':>6} "
           f"{'nofuse':>7} {'ratio':>6} {'i8/f32':>6}")
    lines = ["G(FL)OP/s, one thread. cmp i8: compress int8 --cpu=avx512-vnni "
             "(default pipeline); nofuse: the same with fuse-elementwise="
             "false. ratio: compress / onnxruntime; i8/f32: compress int8 / "
             "compress fp32.", hdr, "-" * len(hdr)]
    v = "compress int8 avx512-vnni"
    nf = v + ", fuse-elementwise=false"
    for r in report["layers"]:
        def f(key):
            x = rate(r, key)
            return f"{x:7.1f}" if x is not None else f"{'-':>7}"

        def q(a, b):
            x, y = rate(r, a), rate(r, b)
            return f"{x / y:5.2f}x" if x is not None and y else f"{'-':>6}"
        lines.append(f"{r['shape'][:46]:<46} {f('ort fp32')} "
                     f"{f('compress fp32')} {q('compress fp32', 'ort fp32')} "
                     f"{f('ort int8')} {f(v)} {q(v, 'ort int8')} "
                     f"{q(v, 'compress fp32')} {f(nf)} {q(nf, 'ort int8')} "
                     f"{q(nf, 'compress fp32')}")
    for r in report["layers"]:
        for e in r["errors"]:
            lines.append(f"ERROR {shape_cell(r)}: {e['step']}: {e['error']}\n"
                         f"  reproduce: {e['cmd']}")
    for f in report["findings"]:
        lines.append("FINDING: " + f)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
