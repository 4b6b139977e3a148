"""Draws docs/results/models.png from models.json: latency per model,
onnxruntime and compress, fp32 and int8 (Debian's python3-matplotlib).

Usage: chart.py MODELS.json OUT.png
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    report = json.load(open(sys.argv[1]))
    rows = report["models"]
    labels = [f"{r['model']}\nbatch {r['batch']}, {r.get('threads', 1)} thr"
              for r in rows]
    series = [("onnxruntime fp32", "ort_fp32_ms"),
              ("compress fp32", "compress_fp32_ms"),
              ("onnxruntime int8", "ort_int8_ms"),
              ("compress int8", "compress_int8_ms")]
    width = 0.2
    fig, ax = plt.subplots(figsize=(max(8, 1.1 * len(rows)), 4))
    for i, (name, key) in enumerate(series):
        ax.bar([j + (i - 1.5) * width for j in range(len(rows))],
               [r[key] for r in rows], width, label=name)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels)
    ax.set_ylabel("ms per batch (lower is better)")
    ax.set_yscale("log")
    ax.set_title(f"Whole models, {report['date']}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=100)


if __name__ == "__main__":
    main()
