# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Fashion-MNIST from Debian's dataset-fashion-mnist, normalized as
examples/fashion-mnist/train.py trains on it."""

import gzip
import os

import numpy as np

DATA = "/usr/share/datasets/fashion-mnist"
MEAN, STD = 0.2860, 0.3530


def load(prefix):
    """(images as float32 N x 1 x 28 x 28, labels) of "train" or "t10k"."""
    def idx(name):
        with gzip.open(os.path.join(DATA, f"{prefix}-{name}-ubyte.gz")) as f:
            data = f.read()
        dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big")
                for i in range(data[3])]
        return np.frombuffer(data, np.uint8, offset=4 + 4 * len(dims)) \
            .reshape(dims)
    images = (idx("images-idx3").astype(np.float32) / 255 - MEAN) / STD
    return images[:, None], idx("labels-idx1")
