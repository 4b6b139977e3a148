# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Models exported from PyTorch (torch.onnx.export, as users export them),
for torch-export.mlir: the importer must take what the exporter emits
(folded batch norm, the Shape/Gather/Unsqueeze/Concat/Reshape chain of
x.view(x.size(0), -1), Erf-based GELU, Clip for ReLU6, ...), and the compiled
model must compute what PyTorch computes.

  torch_models.py export DIR   writes DIR/{cnn,mlp}.onnx, their inputs
                               DIR/NAME.x.npy (8 images: two batches of 4),
                               PyTorch's outputs DIR/NAME.ref.npy and
                               calibration samples DIR/calib-NAME/x.npy
  torch_models.py check OUT REF BOUND
                               max |OUT - REF| <= BOUND * max |REF|
"""
import os
import sys

import numpy as np


def models():
    import torch
    from torch import nn

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
            self.bn1 = nn.BatchNorm2d(8)
            self.conv2 = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8)
            self.conv3 = nn.Conv2d(8, 16, 1)
            self.fc1 = nn.Linear(16 * 4 * 4, 32)
            self.fc2 = nn.Linear(32, 10)

        def forward(self, x):
            x = torch.relu(self.bn1(self.conv1(x)))
            x = nn.functional.max_pool2d(x, 2)
            x = nn.functional.relu6(self.conv2(x))
            x = torch.sigmoid(self.conv3(x)) * x.mean(1, keepdim=True)
            x = nn.functional.avg_pool2d(x, 2, stride=1, padding=1,
                                         count_include_pad=False)[:, :, :4, :4]
            x = x.reshape(x.size(0), -1)
            x = nn.functional.gelu(self.fc1(x))
            return torch.softmax(self.fc2(x), dim=1)

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(20, 24)
            self.fc2 = nn.Linear(24, 24)
            self.fc3 = nn.Linear(24, 5)

        def forward(self, x):
            x = torch.flatten(x, 1)
            h = torch.tanh(self.fc1(x))
            h = h + torch.relu(self.fc2(h)) / 2.0
            return self.fc3(h) - 1.0

    return {"cnn": (CNN, (3, 16, 16)), "mlp": (MLP, (4, 5))}


def export(out):
    import torch
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    for name, (cls, shape) in models().items():
        model = cls()
        # Non-trivial batch-norm statistics, so that folding them matters.
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
        model.eval()
        x = rng.standard_normal((8, *shape)).astype(np.float32)
        with torch.no_grad():
            ref = model(torch.from_numpy(x)).numpy()
        torch.onnx.export(model, torch.from_numpy(x[:4]),
                          os.path.join(out, f"{name}.onnx"),
                          input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
                          opset_version=13)
        np.save(os.path.join(out, f"{name}.x.npy"), x)
        np.save(os.path.join(out, f"{name}.ref.npy"), ref)
        calib = rng.standard_normal((16, *shape)).astype(np.float32)
        os.makedirs(os.path.join(out, f"calib-{name}"), exist_ok=True)
        np.save(os.path.join(out, f"calib-{name}", "x.npy"), calib)


def check(out, ref, bound):
    out, ref = np.load(out), np.load(ref)
    assert out.shape == ref.shape, (out.shape, ref.shape)
    error = float(np.abs(out - ref).max())
    scale = float(np.abs(ref).max())
    print(f"max |difference| {error:.3g} of max |reference| {scale:.3g}")
    if error > float(bound) * scale:
        sys.exit(f"error {error:.3g} exceeds {bound} * {scale:.3g}")


if __name__ == "__main__":
    if sys.argv[1] == "export":
        export(sys.argv[2])
    else:
        check(*sys.argv[2:5])
