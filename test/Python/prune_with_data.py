# RUN: %python %s %t
# REQUIRES: python-bindings
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""cm.prune and cm.low_rank with calibration_data: the samples in memory
give the same model as the same samples in a directory (data=DIR), for
SparseGPT, neuron pruning with reconstruct=true and activation-aware
low-rank factors; and the data change the result (it differs from magnitude
pruning and plain SVD). The factored model runs and stays close to the
float one on the samples."""

import os
import sys

import numpy as np

import compress_mlir as cm

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(0)
M, K, H, N = 4, 16, 12, 8


def dense(values):
    return "dense<[" + ", ".join(
        "[" + ", ".join(f"{v:.6e}" for v in row) + "]" for row in values) + "]>"


w1 = rng.standard_normal((K, H)).astype(np.float32)
w2 = rng.standard_normal((H, N)).astype(np.float32)
model = cm.Module.parse(f"""
func.func @mlp(%x: tensor<{M}x{K}xf32>) -> tensor<{M}x{N}xf32> {{
  %w1 = arith.constant {dense(w1)} : tensor<{K}x{H}xf32>
  %w2 = arith.constant {dense(w2)} : tensor<{H}x{N}xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<{M}x{H}xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<{M}x{H}xf32>) -> tensor<{M}x{H}xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<{M}x{K}xf32>, tensor<{K}x{H}xf32>) outs(%f1 : tensor<{M}x{H}xf32>) -> tensor<{M}x{H}xf32>
  %e2 = tensor.empty() : tensor<{M}x{N}xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<{M}x{N}xf32>) -> tensor<{M}x{N}xf32>
  %y = linalg.matmul ins(%h, %w2 : tensor<{M}x{H}xf32>, tensor<{H}x{N}xf32>) outs(%f2 : tensor<{M}x{N}xf32>) -> tensor<{M}x{N}xf32>
  return %y : tensor<{M}x{N}xf32>
}}
""")
samples = [rng.standard_normal((M, K)).astype(np.float32) for _ in range(6)]
data = os.path.join(work, "data")
os.makedirs(data, exist_ok=True)
for i, x in enumerate(samples):
    np.save(os.path.join(data, f"s{i}.npy"), x)

for method, options in (("nm", {"n": 2, "m": 4, "algorithm": "sparsegpt"}),
                        ("magnitude", {"sparsity": 0.7,
                                       "algorithm": "sparsegpt"}),
                        ("neurons", {"ratio": 0.5, "reconstruct": True})):
    in_memory = cm.prune(model, method, calibration_data=samples, **options)
    from_dir = cm.prune(model, method, data=data, **options)
    assert str(in_memory) == str(from_dir), method
    plain = {k: v for k, v in options.items()
             if k not in ("algorithm", "reconstruct")}
    assert str(in_memory) != str(cm.prune(model, method, **plain)), method
    print(method, "ok")

for bad, error in (({"calibration_data": []}, ValueError),
                   ({"calibration_data": samples, "data": data}, ValueError)):
    try:
        cm.prune(model, "nm", algorithm="sparsegpt", **bad)
    except error as e:
        print("refused:", e)
    else:
        raise AssertionError(f"{bad.keys()} was accepted")
try:
    cm.prune(model, "nm", algorithm="sparsegpt",
             calibration_data=[np.zeros((3, 3), np.float32)])
except cm.CompileError as e:
    assert "no public function takes the samples" in str(e), e
    print("wrong shape refused")
else:
    raise AssertionError("a sample of the wrong shape was accepted")


# quantize(weight_algorithm="gptq"): the same samples drive calibration and
# GPTQ; the result equals the passes' with the samples in a directory
# (compress-ptq's, before its convert-compress-to-linalg).
gptq = cm.quantize(model, samples, weight_bits=4, weight_algorithm="gptq")
ptq = model.clone().run_pipeline(
    f"compress-insert-observers,compress-calibrate{{data={data}}},"
    "compress-fold-calibration,"
    f"compress-quantize-weights{{bits=4 algorithm=gptq data={data}}},"
    "compress-fuse-qdq")
assert str(gptq) == str(ptq)
assert str(gptq) != str(cm.quantize(model, samples, weight_bits=4))
print("gptq ok")

# quantize(weight_size=S): per-layer widths under a size budget, as
# compress-auto chooses them; equal to the passes' with the samples in a
# directory, and not the uniform 8-bit model.
mixed = cm.quantize(model, samples, weight_algorithm="gptq", weight_size=0.6)
ptq = model.clone().run_pipeline(
    f"compress-insert-observers,compress-calibrate{{data={data}}},"
    "compress-fold-calibration,"
    f"compress-quantize-weights{{algorithm=gptq size=0.6 data={data}}},"
    "compress-fuse-qdq")
assert str(mixed) == str(ptq)
assert str(mixed) != str(cm.quantize(model, samples,
                                     weight_algorithm="gptq"))
assert "i4" in str(mixed), "a layer at 4 bits under size=0.6"
for bad in ({"weight_size": 1.5}, {"weight_size": -0.1},
            {"weight_size": 0.5, "weight_max_error": 0.01}):
    try:
        cm.quantize(model, samples, **bad)
    except ValueError as e:
        print("refused:", e)
    else:
        raise AssertionError(f"{bad} was accepted")
print("weight_size ok")

# weight_prune=True: the same search with SparseGPT's pruned 8-bit options,
# equal to the passes' (prune=true).
pruned = cm.quantize(model, samples, weight_algorithm="gptq", weight_size=0.4,
                     weight_prune=True)
ptq = model.clone().run_pipeline(
    f"compress-insert-observers,compress-calibrate{{data={data}}},"
    "compress-fold-calibration,"
    f"compress-quantize-weights{{algorithm=gptq size=0.4 prune=true "
    f"data={data}}},compress-fuse-qdq")
assert str(pruned) == str(ptq)
for bad in ({"weight_prune": True}, {"weight_prune": 1, "weight_size": 0.4},
            {"weight_prune": True, "weight_size": 0.4, "weight_bits": 4}):
    try:
        cm.quantize(model, samples, weight_algorithm="gptq", **bad)
    except ValueError as e:
        print("refused:", e)
    else:
        raise AssertionError(f"{bad} was accepted")
print("weight_prune ok")

# weight_gains=False: the size search without each layer's gain to the
# output, equal to the passes' (gains=false); a bool or a refusal.
plain = cm.quantize(model, samples, weight_algorithm="gptq", weight_size=0.6,
                    weight_gains=False)
ptq = model.clone().run_pipeline(
    f"compress-insert-observers,compress-calibrate{{data={data}}},"
    "compress-fold-calibration,"
    f"compress-quantize-weights{{algorithm=gptq size=0.6 gains=false "
    f"data={data}}},compress-fuse-qdq")
assert str(plain) == str(ptq)
try:
    cm.quantize(model, samples, weight_size=0.6, weight_gains="no")
except ValueError as e:
    print("refused:", e)
else:
    raise AssertionError("weight_gains='no' was accepted")
print("weight_gains ok")

# quantize(weight_range=...): the passes' `range`; rounding to nearest at 4
# bits, mse and the default (auto: the full range) give different grids.
clipped = cm.quantize(model, samples, weight_bits=4, weight_range="mse")
ptq = model.clone().run_pipeline(
    f"compress-insert-observers,compress-calibrate{{data={data}}},"
    "compress-fold-calibration,"
    "compress-quantize-weights{bits=4 range=mse},compress-fuse-qdq")
assert str(clipped) == str(ptq)
assert str(clipped) != str(cm.quantize(model, samples, weight_bits=4))
try:
    cm.quantize(model, samples, weight_range="percentile")
except ValueError as e:
    print("refused:", e)
else:
    raise AssertionError("weight_range='percentile' was accepted")
print("weight_range ok")

in_memory = cm.low_rank(model, ratio=0.5, calibration_data=samples)
from_dir = cm.low_rank(model, ratio=0.5, data=data)
assert str(in_memory) == str(from_dir), "low_rank"
plain = cm.low_rank(model, ratio=0.5)
assert str(in_memory) != str(plain), "low_rank"
assert str(in_memory).count("linalg.matmul") == 4, str(in_memory)
x = samples[0]
want = cm.compile(model)(x)
got = cm.compile(in_memory)(x)
error = np.linalg.norm(got - want) / np.linalg.norm(want)
assert 0 < error < 1, error
print("low_rank ok: relative error", f"{error:.2f}")
print("ok")
