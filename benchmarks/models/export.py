"""Exports the benchmark's models to ONNX (Debian's python3-torch and
python3-torchvision; random weights with a fixed seed) with one input "x" and
random inputs and calibration images.

Usage: export.py WORK [--batch N]...
Writes WORK/<model>-b<N>.onnx, WORK/<model>-b<N>.x.npy and
WORK/<model>.calib.npy (8 images) for ResNet-18 and MobileNet-v2 at each
batch size; the Fashion-MNIST CNN of examples/fashion-mnist is taken from
its work directory by bench.py when it exists.
"""
import argparse
import os

import numpy as np
import torch
import torchvision

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


if __name__ == "__main__":
    main()
