#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Quantization-aware training (PyTorch) compiled by compress, against PTQ.

A small CNN is trained in float, then two int8 models are made from it:
- PTQ: the float model exported to ONNX, quantized by compress_mlir.quantize
  on 320 training images;
- QAT: the float model fine-tuned for one epoch with torch.ao's fake
  quantization (per-channel int8 weights, u8 activations), exported to ONNX
  as QuantizeLinear/DequantizeLinear pairs, imported by compress, its QDQ
  pairs fused into integer kernels (compress-fuse-qdq) and compiled.
All three run through compress on the 10,000 test images.

Usage: PYTHONPATH=build/python examples/python/qat_fashion_mnist.py [WORK]
(WORK, default build/python-examples, receives the ONNX files; Debian's
python3-torch and dataset-fashion-mnist are needed; about 3 minutes on 2
cores).
"""

import copy
import os
import sys

import numpy as np
import torch
import torch.ao.quantization as tq
from torch import nn

import compress_mlir as cm
from fashion_mnist_data import load

WORK = sys.argv[1] if len(sys.argv) > 1 else "build/python-examples"
BATCH = 80
os.makedirs(WORK, exist_ok=True)
torch.manual_seed(0)
torch.set_num_threads(os.cpu_count() or 1)


class Net(nn.Module):
    """Two conv + ReLU + pool blocks and two dense layers, with the stubs
    that mark where eager-mode quantization starts and ends."""

    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.conv1 = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU())
        self.conv2 = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU())
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Sequential(nn.Linear(32 * 7 * 7, 128), nn.ReLU())
        self.fc2 = nn.Linear(128, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.pool(self.conv1(self.quant(x)))
        x = self.pool(self.conv2(x))
        return self.dequant(self.fc2(self.fc1(torch.flatten(x, 1))))


def train(model, images, labels, epochs, lr):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(0)
    model.train()
    for _ in range(epochs):
        order = rng.permutation(len(images))
        for i in range(0, len(order), 128):
            batch = order[i:i + 128]
            optimizer.zero_grad()
            loss = loss_fn(model(torch.from_numpy(images[batch])),
                           torch.from_numpy(labels[batch].astype(np.int64)))
            loss.backward()
            optimizer.step()
    model.eval()


def export(model, name):
    path = os.path.join(WORK, name)
    torch.onnx.export(model, torch.zeros(BATCH, 1, 28, 28), path,
                      input_names=["image"], output_names=["logits"],
                      opset_version=13)
    return path


def accuracy(module, images, labels):
    return (cm.compile(module)(images).argmax(axis=1) == labels).mean()


train_x, train_y = load("train")
test_x, test_y = load("t10k")

model = Net()
train(model, train_x, train_y, epochs=2, lr=2e-3)
fp32 = cm.import_onnx(export(model, "qat-float.onnx"))
ptq = cm.quantize(fp32, [train_x[:320]], progress=False)

# QAT: fuse conv/linear with their ReLU, fake-quantize weights per channel
# (int8, symmetric) and activations per tensor (u8, the full 0..255 range
# that compress's u8 activations use), fine-tune, freeze the observers.
qat = copy.deepcopy(model).train()
qat = tq.fuse_modules_qat(qat, [["conv1.0", "conv1.1"], ["conv2.0", "conv2.1"],
                                ["fc1.0", "fc1.1"]])
qat.qconfig = tq.QConfig(
    activation=tq.FakeQuantize.with_args(
        observer=tq.MovingAverageMinMaxObserver, quant_min=0, quant_max=255,
        dtype=torch.quint8, reduce_range=False),
    weight=tq.default_per_channel_weight_fake_quant)
tq.prepare_qat(qat, inplace=True)
train(qat, train_x, train_y, epochs=1, lr=2e-4)
qat.apply(tq.disable_observer)
qdq = cm.import_onnx(export(qat, "qat-qdq.onnx"))
qdq.run_pipeline("compress-fuse-qdq")

# The same extra epoch in float, for a fair comparison with QAT.
tuned = copy.deepcopy(model)
train(tuned, train_x, train_y, epochs=1, lr=2e-4)
fp32_tuned = cm.import_onnx(export(tuned, "qat-float-tuned.onnx"))
ptq_tuned = cm.quantize(fp32_tuned, [train_x[:320]], progress=False)

results = [("fp32, 2 epochs", fp32),
           ("int8 PTQ (compress quantize) of it", ptq),
           ("fp32, 2 epochs + 1 fine-tuning epoch", fp32_tuned),
           ("int8 PTQ (compress quantize) of it", ptq_tuned),
           ("int8 QAT: 2 epochs + 1 QAT epoch (torch.ao, ONNX QDQ)", qdq)]
for name, module in results:
    print(f"{name}: {100 * accuracy(module, test_x, test_y):.2f}%")
# The QAT model runs on integer kernels: its layers hold 8-bit weights.
print("QAT layers:", [layer["dtype"] for layer in qdq.report()["layers"]])
