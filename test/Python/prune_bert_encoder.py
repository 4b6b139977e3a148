# RUN: %python %s %t
# REQUIRES: torch, python-bindings
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Structural pruning of a BERT-style encoder layer exported from PyTorch:
--compress-prune-neurons takes half the feed-forward neurons (3-D MatMul ->
bias Add -> GELU in its erf form, which uses its input twice -> MatMul),
--compress-prune-heads half the attention heads (the Q, K, V projections'
columns of a head and its rows of the output projection), and both are
exact when the pruned units carry nothing.

Exactness: half of the intermediate neurons get zero rows in the first
linear layer (weight and bias: GELU(0) = 0) and zero columns in the second;
half of the heads get zero columns and biases in the Q, K and V projections
and zero rows in the output projection. They have the smallest scores and
are the ones pruned; the pruned model must compute what the unpruned one
does. Neuron pruning leaves the attention projections alone (their channels
are split into heads, or feed the residual additions).
"""

import math
import os
import sys

import numpy as np
import torch

import compress_mlir as cm

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
torch.manual_seed(0)
HIDDEN, HEADS, FFN, TOKENS, BATCH = 32, 4, 64, 8, 2


class EncoderLayer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.q = torch.nn.Linear(HIDDEN, HIDDEN)
        self.k = torch.nn.Linear(HIDDEN, HIDDEN)
        self.v = torch.nn.Linear(HIDDEN, HIDDEN)
        self.out = torch.nn.Linear(HIDDEN, HIDDEN)
        self.norm1 = torch.nn.LayerNorm(HIDDEN)
        self.up = torch.nn.Linear(HIDDEN, FFN)
        self.down = torch.nn.Linear(FFN, HIDDEN)
        self.norm2 = torch.nn.LayerNorm(HIDDEN)

    def heads(self, x):
        return x.reshape(BATCH, TOKENS, HEADS, HIDDEN // HEADS).transpose(1, 2)

    def forward(self, x):
        q, k, v = self.heads(self.q(x)), self.heads(self.k(x)), self.heads(
            self.v(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS)
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(
            BATCH, TOKENS, HIDDEN)
        x = self.norm1(x + self.out(context))
        h = self.up(x)
        h = h * 0.5 * (1.0 + torch.erf(h / math.sqrt(2.0)))
        return self.norm2(x + self.down(h))


layer = EncoderLayer().eval()
rng = np.random.default_rng(0)
zeroed = rng.choice(FFN, FFN // 2, replace=False)
head_size = HIDDEN // HEADS
heads = rng.choice(HEADS, HEADS // 2, replace=False)
columns = np.concatenate([np.arange(h * head_size, (h + 1) * head_size)
                          for h in heads])
with torch.no_grad():
    layer.up.weight[zeroed] = 0
    layer.up.bias[zeroed] = 0
    layer.down.weight[:, zeroed] = 0
    for projection in (layer.q, layer.k, layer.v):
        projection.weight[columns] = 0
        projection.bias[columns] = 0
    layer.out.weight[:, columns] = 0

x = rng.standard_normal((BATCH, TOKENS, HIDDEN)).astype(np.float32)
path = os.path.join(work, "encoder.onnx")
torch.onnx.export(layer, torch.from_numpy(x), path, opset_version=14,
                  input_names=["x"], output_names=["y"])
model = cm.import_onnx(path)
pruned = cm.prune(model, "neurons", ratio=0.5)


def shapes(module):
    return sorted(layer["shape"] for layer in module.report()["layers"])


print("before:", shapes(model))
print("after:", shapes(pruned))
assert shapes(pruned) == sorted([f"{HIDDEN}x{HIDDEN}"] * 4 + [
    f"{HIDDEN}x{FFN // 2}", f"{FFN // 2}x{HIDDEN}"]), shapes(pruned)

want = cm.compile(model)(x)
got = cm.compile(pruned)(x)
assert got.shape == want.shape == (BATCH, TOKENS, HIDDEN)
# Only the summation order changes (fewer terms, none of them non-zero
# removed).
error = np.abs(got - want).max() / np.abs(want).max()
assert error < 1e-5, error
with torch.no_grad():
    torch_out = layer(torch.from_numpy(x)).numpy()
assert np.abs(got - torch_out).max() / np.abs(torch_out).max() < 1e-4

both = cm.prune(pruned, "heads", ratio=0.5)
print("heads pruned too:", shapes(both))
half = f"{HIDDEN}x{HIDDEN // 2}"
assert shapes(both) == sorted([half] * 3 + [f"{HIDDEN // 2}x{HIDDEN}"] + [
    f"{HIDDEN}x{FFN // 2}", f"{FFN // 2}x{HIDDEN}"]), shapes(both)
got = cm.compile(both)(x)
error = np.abs(got - want).max() / np.abs(want).max()
assert error < 1e-5, error
print("ok")
