"""Checks examples/c-deploy/deploy.c against compress-run.

Usage: deploy_check.py prepare SAMPLES WORK
       deploy_check.py compare WORK DEPLOY_OUTPUT

prepare: writes WORK/images.npy (the calibration samples, one image per row)
and WORK/labels.npy (fixed labels). compare: checks that deploy's logits
equal compress-run's bit for bit and that its printed accuracy is the one
numpy computes from compress-run's logits.
"""
import os
import sys

import numpy as np


def main():
    mode = sys.argv[1]
    if mode == "prepare":
        samples, work = sys.argv[2:4]
        x = np.load(samples)
        images = x.reshape((-1,) + x.shape[2:]).astype(np.float32)
        np.save(os.path.join(work, "images.npy"), images)
        labels = (np.arange(len(images)) * 7 % 10).astype(np.int64)
        np.save(os.path.join(work, "labels.npy"), labels)
        return
    work, printed = sys.argv[2:4]
    got = np.load(os.path.join(work, "logits.npy"))
    jit = np.load(os.path.join(work, "jit.npy")).reshape(got.shape)
    print("logits:", got.shape, got.dtype)
    print("deploy == compress-run bit for bit:",
          got.tobytes() == jit.astype(np.float32).tobytes())
    labels = np.load(os.path.join(work, "labels.npy"))
    correct = int((jit.argmax(axis=1) == labels).sum())
    want = f"accuracy: {correct}/{len(labels)} = " \
           f"{100.0 * correct / len(labels):.2f}%"
    line = open(printed).read().strip()
    print("printed accuracy as computed from compress-run's logits:",
          line == want, f"({line})")


if __name__ == "__main__":
    main()
