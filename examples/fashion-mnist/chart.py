# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Draws fashion-mnist.png from fashion-mnist.json: test accuracy against
the bytes of the weights in the compiled library for every variant evaluate.py ran (Debian's
python3-matplotlib), so the trade-off of each method shows at a glance.

Usage: chart.py FASHION-MNIST.json OUT.png
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


FAMILIES = [  # (label, marker, color), matched in this order
    ("4-bit weights", "D", "tab:purple"),
    ("SparseGPT pruning", "^", "tab:green"),
    ("structural pruning + refit", "s", "tab:cyan"),
    ("structural pruning", "v", "tab:gray"),
    ("magnitude pruning", "x", "tab:red"),
    ("int8 PTQ", "o", "tab:orange"),
    ("fp32", "*", "tab:blue"),
]


def family(name):
    if "GPTQ" in name or "4-bit" in name:
        return FAMILIES[0]
    if "SparseGPT" in name:
        return FAMILIES[1]
    if "refit" in name:
        return FAMILIES[2]
    if "removed" in name:
        return FAMILIES[3]
    if "pruned" in name:
        return FAMILIES[4]
    if "int8" in name:
        return FAMILIES[5]
    return FAMILIES[6]


def main():
    report = json.load(open(sys.argv[1]))
    fig, (ax, key) = plt.subplots(
        1, 2, figsize=(13, 6), gridspec_kw={"width_ratios": [3, 2]})
    seen = set()
    for number, row in enumerate(report["compress"], 1):
        label, marker, color = family(row["name"])
        x = row.get("library_weight_bytes", row["weight_bytes"])
        y = row["accuracy"] * 100
        ax.scatter(x, y, marker=marker, color=color, s=60,
                   label=None if label in seen else label)
        seen.add(label)
        ax.annotate(str(number), (x, y), fontsize=7, xytext=(5, -3),
                    textcoords="offset points")
    ax.set_xscale("log")
    ax.set_xlabel("weight bytes in the compiled library (log scale; 2:4 "
                  "and sparse weights as their kernels store them)")
    ax.set_ylabel("test accuracy, % (10,000 images)")
    ax.set_title("Fashion-MNIST CNN: accuracy against weight bytes")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    key.axis("off")
    key.text(0, 1, "\n".join(
        f"{n:2d}  {row['name'].replace(' (minmax)', '')}: "
        f"{row['accuracy'] * 100:.2f}%"
        for n, row in enumerate(report["compress"], 1)),
        fontsize=7, va="top", family="monospace")
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
