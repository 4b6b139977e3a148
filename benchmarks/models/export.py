"""Exports the benchmark's models to ONNX (Debian's python3-torch and
python3-torchvision; random weights with a fixed seed) with one input "x" and
random inputs and calibration images.

Usage: export.py WORK [--batch N]...
Writes WORK/<model>-b<N>.onnx, WORK/<model>-b<N>.x.npy and
WORK/<model>.calib.npy (8 images) for ResNet-18 and MobileNet-v2 at each
batch size, and for a BERT-base encoder layer (sequences of 128 tokens of
768 features) at batch 8; the Fashion-MNIST CNN of examples/fashion-mnist is
taken from its work directory by bench.py when it exists.
"""
import argparse
import math
import os

import numpy as np
import torch
import torchvision


class EncoderLayer(torch.nn.Module):
    """A BERT-base encoder layer (post-LayerNorm): self-attention with 12
    heads of 64, residual and LayerNorm, GELU feed-forward 768 -> 3072 ->
    768, residual and LayerNorm. Exported as MatMul, Add, Reshape, Transpose,
    Softmax, Erf and the ReduceMean/Sub/Pow/Sqrt/Div of LayerNorm."""

    def __init__(self, d=768, heads=12, ff=3072):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        self.q, self.k, self.v, self.o = (torch.nn.Linear(d, d)
                                          for _ in range(4))
        self.ln1, self.ln2 = torch.nn.LayerNorm(d), torch.nn.LayerNorm(d)
        self.up, self.down = torch.nn.Linear(d, ff), torch.nn.Linear(ff, d)

    def forward(self, x):
        b, s, d = x.shape

        def split(t):
            return t.reshape(b, s, self.heads, self.dh).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        a = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(self.dh), dim=-1)
        ctx = (a @ v).transpose(1, 2).reshape(b, s, d)
        x = self.ln1(x + self.o(ctx))
        h = torch.nn.functional.gelu(self.up(x))
        return self.ln2(x + self.down(h))


# The transformer layer runs at its own batch size (the batch 8).
TRANSFORMER_BATCH = 8
TOKENS = 128

MODELS = {
    "resnet18": lambda: torchvision.models.resnet18(),
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("work")
    parser.add_argument("--batch", type=int, action="append")
    args = parser.parse_args()
    batches = args.batch or [1]
    os.makedirs(args.work, exist_ok=True)
    for name, make in MODELS.items():
        torch.manual_seed(0)
        model = make().eval()
        rng = np.random.default_rng(0)
        calib = os.path.join(args.work, f"{name}.calib.npy")
        if not os.path.exists(calib):
            np.save(calib, rng.standard_normal((8, 1, 3, 224, 224))
                    .astype(np.float32))
        for batch in batches:
            path = os.path.join(args.work, f"{name}-b{batch}.onnx")
            if os.path.exists(path):
                continue
            x = torch.from_numpy(
                rng.standard_normal((batch, 3, 224, 224)).astype(np.float32))
            torch.onnx.export(model, x, path, opset_version=13,
                              input_names=["x"], output_names=["y"])
            np.save(os.path.join(args.work, f"{name}-b{batch}.x.npy"),
                    x.numpy())
            print(f"exported {path}", flush=True)
    torch.manual_seed(0)
    model = EncoderLayer().eval()
    rng = np.random.default_rng(0)
    calib = os.path.join(args.work, "bert_layer.calib.npy")
    if not os.path.exists(calib):
        np.save(calib, rng.standard_normal((8, 1, TOKENS, 768))
                .astype(np.float32))
    path = os.path.join(args.work, f"bert_layer-b{TRANSFORMER_BATCH}.onnx")
    if not os.path.exists(path):
        x = torch.from_numpy(rng.standard_normal(
            (TRANSFORMER_BATCH, TOKENS, 768)).astype(np.float32))
        torch.onnx.export(model, x, path, opset_version=13,
                          input_names=["x"], output_names=["y"])
        np.save(os.path.join(args.work,
                             f"bert_layer-b{TRANSFORMER_BATCH}.x.npy"),
                x.numpy())
        print(f"exported {path}", flush=True)


if __name__ == "__main__":
    main()
