#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Knowledge distillation with a compress-compiled int8 teacher.

The teacher is the Fashion-MNIST CNN of examples/fashion-mnist (about 220k
parameters), quantized to int8 by compress and JIT-compiled: it produces the
soft labels (logits at temperature T) for the 60,000 training images. A
small MLP student (784-96-10, 76k parameters) is trained in PyTorch twice,
on the hard labels alone and with the distillation loss
    alpha * T^2 * KL(softmax(teacher / T) || softmax(student / T))
    + (1 - alpha) * cross_entropy(student, labels),
and the distilled student is then pruned (50% of its weights, magnitude) and
quantized to int8 by compress. Accuracy (10,000 test images, all run through
compress) and weight bytes of each.

Usage: PYTHONPATH=build/python examples/python/distill_fashion_mnist.py [WORK]
WORK (default build/fashion-mnist) holds the teacher's model.onnx
(examples/fashion-mnist/run.sh trains it). About 1 minute on 2 cores.
"""

import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import compress_mlir as cm
from fashion_mnist_data import load

WORK = sys.argv[1] if len(sys.argv) > 1 else "build/fashion-mnist"
OUT = os.path.join("build", "python-examples")
T, ALPHA, EPOCHS, BATCH = 4.0, 0.9, 3, 80
os.makedirs(OUT, exist_ok=True)
torch.set_num_threads(os.cpu_count() or 1)

train_x, train_y = load("train")
test_x, test_y = load("t10k")


def accuracy(module):
    return (cm.compile(module)(test_x).argmax(axis=1) == test_y).mean()


def weight_bytes(module):
    return sum(layer["dense_bytes"] for layer in module.report()["layers"])


# The teacher: int8, compiled by compress; its logits on every training
# image (750 batches of 80 in one call).
teacher_fp32 = cm.import_onnx(os.path.join(WORK, "model.onnx"),
                              batch_size=BATCH)
teacher = cm.quantize(teacher_fp32, [train_x[:320]], progress=False)
soft = torch.from_numpy(cm.compile(teacher)(train_x))


def student_net():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 96), nn.ReLU(),
                         nn.Linear(96, 10))


def train(distill):
    torch.manual_seed(0)
    net = student_net()
    optimizer = torch.optim.Adam(net.parameters(), lr=2e-3)
    rng = np.random.default_rng(0)
    labels = torch.from_numpy(train_y.astype(np.int64))
    for _ in range(EPOCHS):
        order = rng.permutation(len(train_x))
        for i in range(0, len(order), 128):
            batch = torch.from_numpy(order[i:i + 128])
            logits = net(torch.from_numpy(train_x[batch.numpy()]))
            loss = F.cross_entropy(logits, labels[batch])
            if distill:
                kd = F.kl_div(F.log_softmax(logits / T, dim=1),
                              F.softmax(soft[batch] / T, dim=1),
                              reduction="batchmean")
                loss = ALPHA * T * T * kd + (1 - ALPHA) * loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    net.eval()
    path = os.path.join(OUT, f"student-{'kd' if distill else 'plain'}.onnx")
    torch.onnx.export(net, torch.zeros(BATCH, 1, 28, 28), path,
                      input_names=["image"], output_names=["logits"],
                      opset_version=13)
    return cm.import_onnx(path)


plain = train(distill=False)
distilled = train(distill=True)
compressed = cm.quantize(
    cm.prune(distilled, "magnitude", sparsity=0.5, scope="global"),
    [train_x[:320]], progress=False)

rows = [("teacher, int8 (compress)", teacher, weight_bytes(teacher)),
        ("student, hard labels only", plain, weight_bytes(plain)),
        (f"student, distilled (T={T:g}, alpha={ALPHA})", distilled,
         weight_bytes(distilled)),
        ("distilled student, 50% pruned + int8 (compress)", compressed,
         weight_bytes(compressed))]
print("| model | accuracy | weight bytes |")
print("|---|---|---|")
for name, module, size in rows:
    print(f"| {name} | {100 * accuracy(module):.2f}% | {size} |")
zeros = sum(layer["zeros"] for layer in compressed.report()["layers"])
params = sum(layer["params"] for layer in compressed.report()["layers"])
print(f"(the compressed student's int8 weights hold {zeros} zeros of "
      f"{params}: a sparse format would store about half)")
