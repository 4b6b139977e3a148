#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Merges layer statistics directories written by compress-collect-layer-stats
from shards of a calibration set into one, as if one run had seen every
sample: the Gram matrices, column sums and counts of each layer are added.

Usage: merge-layer-stats.py SHARD_DIR... -o OUT_DIR

The shards must come from the same model (the same layers, by name and
shape). The order does not matter (addition is associative; merged results
may differ from one run in the last bits of the float64 sums). The index is
written last, so an interrupted merge leaves no index.
"""
import argparse
import json
import os
import sys

import numpy as np


def load_index(directory):
    path = os.path.join(directory, "index.json")
    try:
        with open(path) as f:
            index = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"merge-layer-stats: cannot read {path}: {e}")
    if index.get("format") != "compress-layer-stats":
        sys.exit(f"merge-layer-stats: {path} is not a compress layer "
                 "statistics index")
    return index


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shards", nargs="+")
    parser.add_argument("-o", "--out", required=True)
    args = parser.parse_args()
    indexes = [load_index(d) for d in args.shards]
    layout = [(e["name"], e["groups"], e["cols"]) for e in indexes[0]["layers"]]
    for directory, index in zip(args.shards[1:], indexes[1:]):
        other = [(e["name"], e["groups"], e["cols"]) for e in index["layers"]]
        if other != layout:
            sys.exit(f"merge-layer-stats: {directory} has other layers than "
                     f"{args.shards[0]}")
    os.makedirs(args.out, exist_ok=True)
    merged = []
    for i, entry in enumerate(indexes[0]["layers"]):
        out = dict(entry)
        out["count"] = sum(ix["layers"][i]["count"] for ix in indexes)
        for key in ("gram", "sums"):
            total = None
            for directory, index in zip(args.shards, indexes):
                array = np.load(os.path.join(directory,
                                             index["layers"][i][key]))
                if array.dtype != np.float64:
                    sys.exit(f"merge-layer-stats: {directory}: "
                             f"{index['layers'][i][key]} is not float64")
                total = array if total is None else total + array
            np.save(os.path.join(args.out, entry[key]), total)
        merged.append(out)
    index = dict(indexes[0], layers=merged)
    temporary = os.path.join(args.out, "index.json.tmp")
    with open(temporary, "w") as f:
        json.dump(index, f, indent=2)
        f.write("\n")
    os.replace(temporary, os.path.join(args.out, "index.json"))


if __name__ == "__main__":
    main()
