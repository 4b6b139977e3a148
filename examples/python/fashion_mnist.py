#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Fashion-MNIST from Python: ONNX -> int8 (PTQ in memory) -> JIT -> accuracy.

Usage: PYTHONPATH=build/python examples/python/fashion_mnist.py [WORK]
WORK (default build/fashion-mnist) holds model.onnx, the CNN that
examples/fashion-mnist/run.sh trains. The images come from Debian's
dataset-fashion-mnist.
"""

import os
import sys
import time

import compress_mlir as cm
from fashion_mnist_data import load

WORK = sys.argv[1] if len(sys.argv) > 1 else "build/fashion-mnist"


train_x, _ = load("train")
test_x, test_y = load("t10k")

model = cm.import_onnx(os.path.join(WORK, "model.onnx"), batch_size=80)
int8 = cm.quantize(model, [train_x[:320]])   # 320 images: 4 batches of 80

for name, module in [("fp32", model), ("int8", int8)]:
    run = cm.compile(module)
    start = time.perf_counter()
    logits = run(test_x)                      # 10,000 images: 125 batches
    seconds = time.perf_counter() - start
    accuracy = (logits.argmax(axis=1) == test_y).mean()
    print(f"{name}: accuracy {100 * accuracy:.2f}%, "
          f"{seconds * 1e3 / len(test_x):.3f} ms/image")

layers = int8.report()["layers"]
print(f"int8 weights: {sum(l['dense_bytes'] for l in layers)} bytes, "
      f"fp32: {sum(l['fp32_bytes'] for l in layers)} bytes")
