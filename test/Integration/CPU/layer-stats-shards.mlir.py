# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Driver of layer-stats-shards.mlir: layer statistics measured in shards,
merged, and used instead of the data.

An MLP's calibration samples are split into two shards;
compress-collect-layer-stats measures each shard and the whole set, and
scripts/merge-layer-stats.py merges the shards. Inputs are small integers
and the first weight multiples of 1/8, so every Gram matrix, column sum and
count is exact in float64: the whole-set statistics and the merged ones must
both equal NumPy's exactly. SparseGPT and GPTQ given stats=MERGED must then
produce the same module as with data=ALL (one run, sequential=false).

Usage: layer-stats-shards.mlir.py WORKDIR SRC_ROOT
"""

import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data_aware_helpers import (  # noqa: E402
    Checks, hex_constant as hexc, save_samples, tensor as t, two_layer_mlp)

work, src = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(5)
M, K, H, N = 4, 12, 10, 6
check = Checks()





w1 = (rng.integers(-8, 9, (K, H)) / 8).astype(np.float32)
w2 = rng.standard_normal((H, N)).astype(np.float32)
xs = [rng.integers(-3, 4, (M, K)).astype(np.float32) for _ in range(7)]
model = os.path.join(work, "mlp.mlir")
with open(model, "w") as f:
    f.write(two_layer_mlp(w1, w2, M))

dirs = {name: save_samples(os.path.join(work, "data-" + name), part)
        for name, part in (("all", xs), ("shard0", xs[:3]),
                           ("shard1", xs[3:]))}


def opt(*args):
    return subprocess.run(["compress-opt", model, *args], check=True,
                          capture_output=True, text=True).stdout


def collect(name):
    out = os.path.join(work, "stats-" + name)
    opt(f"--compress-collect-layer-stats=data={dirs[name]} out={out}",
        "-o", os.devnull)
    return out


stats = {name: collect(name) for name in dirs}
merged = os.path.join(work, "stats-merged")
subprocess.run([sys.executable, os.path.join(src, "scripts",
                                             "merge-layer-stats.py"),
                stats["shard0"], stats["shard1"], "-o", merged], check=True)

x1 = np.concatenate(xs).astype(np.float64)
x2 = x1 @ w1.astype(np.float64)
want = [(x1.T @ x1, x1.sum(0), len(x1)), (x2.T @ x2, x2.sum(0), len(x2))]
for label, d in (("one run", stats["all"]), ("merged shards", merged)):
    index = json.load(open(os.path.join(d, "index.json")))
    check(len(index["layers"]) == 2, f"{label}: two layers")
    for i, (entry, (gram, sums, count)) in enumerate(
            zip(index["layers"], want)):
        g = np.load(os.path.join(d, entry["gram"]))
        s = np.load(os.path.join(d, entry["sums"]))
        check(g.dtype == np.float64 and np.array_equal(g[0], gram) and
              np.array_equal(s[0], sums) and entry["count"] == count,
              f"{label}: layer {i + 1} Gram matrix, sums and count "
              f"({entry['count']} vectors) exactly NumPy's")

for passes in ("compress-prune-magnitude=algorithm=sparsegpt sparsity=0.5",
               "compress-prune-nm=algorithm=sparsegpt",
               "compress-quantize-weights=bits=4 algorithm=gptq",
               "compress-prune-neurons=ratio=0.5 reconstruct=true"):
    name = passes.split("=")[0]
    from_stats = opt(f"--{passes} stats={merged}")
    from_data = opt(f"--{passes} data={dirs['all']}" +
                    ("" if "neurons" in passes else " sequential=false"))
    check(from_stats == from_data,
          f"{name}: stats=MERGED gives the module data=ALL gives")

sys.exit(check.finish())
