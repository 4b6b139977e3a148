# RUN: %python %s %t
# REQUIRES: torchvision, python-bindings
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""--compress-prune-filters=ratio=0.25 on torchvision's ResNet-18 and
MobileNet-v2 (ONNX, imported with resource weights): at least 20% of the
convolution parameters go, the residual streams are pruned as dependency
groups (every convolution loses channels, and none is left unpruned with a
remark), the output shape stays, and pruning is exact when the pruned
channels carry nothing.

Exactness: in PyTorch, a quarter of the channels of every batch norm get
gamma = beta = 0, so those channels are 0 after it (and after ReLU/ReLU6,
padding and the depthwise convolution whose own batch norm is zeroed the
same way: it zeroes the same channels). ONNX export folds each batch norm into its convolution, so those
filters become all-zero and have the smallest norms: they are the ones
pruned, and the pruned model must compute what the unpruned one does.
"""

import os
import sys

import numpy as np
import torch
import torchvision

import compress_mlir as cm

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
torch.manual_seed(0)


def residual_groups(net, name):
    """The batch norms whose channels residual additions tie together: a
    stage's stream in ResNet (the stem or the downsampling projection, and
    every block's last batch norm), the chained projections of MobileNet-v2's
    inverted residuals."""
    groups = []
    if name == "resnet18":
        stages = [net.layer1, net.layer2, net.layer3, net.layer4]
        for k, stage in enumerate(stages):
            group = [net.bn1] if k == 0 else []
            for block in stage:
                group.append(block.bn2)
                if block.downsample is not None:
                    group.append(block.downsample[1])
            groups.append(group)
        return groups
    for block in net.features:
        if not isinstance(block,
                          torchvision.models.mobilenetv2.InvertedResidual):
            continue
        if block.use_res_connect:
            groups[-1].append(block.conv[-1])
        else:
            groups.append([block.conv[-1]])
    return groups


def zero_quarter_of_channels(model, name, rng):
    """gamma = beta = 0 for round(C / 4) random channels of every batch
    norm; the running statistics get random values so that the folded
    weights are not trivial elsewhere. Batch norms that a residual addition
    ties zero the same channels (the pruning removes the group's channels
    from all of them together). A depthwise convolution ties its input and
    output channels: the batch norm after it zeroes the same channels as the
    one before it (else its bias would feed the pruned channels into the
    next layer)."""
    assigned = {}
    for group in residual_groups(model, name):
        c = group[0].num_features
        zeroed = rng.choice(c, int(np.rint(0.25 * c)), replace=False)
        for bn in group:
            assigned[id(bn)] = zeroed
    previous, tied = None, False
    for module in model.modules():
        if isinstance(module, torch.nn.Conv2d):
            tied = module.groups > 1 and module.groups == module.in_channels
        if not isinstance(module, torch.nn.BatchNorm2d):
            continue
        c = module.num_features
        if tied:
            zeroed = previous
        elif id(module) in assigned:
            zeroed = assigned[id(module)]
        else:
            zeroed = rng.choice(c, int(np.rint(0.25 * c)), replace=False)
        with torch.no_grad():
            module.running_mean.uniform_(-0.1, 0.1)
            module.running_var.uniform_(0.5, 1.5)
            module.weight.uniform_(0.5, 1.5)
            module.bias.uniform_(-0.1, 0.1)
            module.weight[zeroed] = 0
            module.bias[zeroed] = 0
        previous, tied = zeroed, False


def conv_params(module):
    return sum(layer["params"] for layer in module.report()["layers"]
               if "conv" in layer["op"])


rng = np.random.default_rng(0)
image = rng.standard_normal((1, 3, 224, 224)).astype(np.float32)
for name in ["resnet18", "mobilenet_v2"]:
    net = getattr(torchvision.models, name)().eval()
    zero_quarter_of_channels(net, name, rng)
    path = os.path.join(work, f"{name}.onnx")
    torch.onnx.export(net, torch.from_numpy(image), path, opset_version=13,
                      input_names=["image"], output_names=["logits"])
    model = cm.import_onnx(path)
    pruned = cm.prune(model, "filters", ratio=0.25)

    removed = 1 - conv_params(pruned) / conv_params(model)
    print(f"{name}: {100 * removed:.1f}% of the convolution parameters "
          "removed")
    assert removed >= 0.20, (name, removed)
    # Every layer loses channels: its filters, or its inputs when a stream
    # it reads lost them (the classifier too).
    before, after = (module.report()["layers"] for module in (model, pruned))
    assert len(before) == len(after), (len(before), len(after))
    kept = [(b["name"], b["params"]) for b, a in zip(before, after)
            if a["params"] >= b["params"]]
    assert not kept, (name, kept)

    want = cm.compile(model)(image)
    got = cm.compile(pruned)(image)
    assert got.shape == want.shape == (1, 1000), (got.shape, want.shape)
    # Only the summation order changes (fewer, non-zero terms).
    error = np.abs(got - want).max() / np.abs(want).max()
    assert error < 1e-5, (name, error)
    with torch.no_grad():
        torch_out = net(torch.from_numpy(image)).numpy()
    assert np.abs(got - torch_out).max() / np.abs(torch_out).max() < 1e-4

print("ok")
