#!/usr/bin/env bash
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# The accuracy methods on Fashion-MNIST models they were not developed on:
# trains (once) a three-conv-block CNN (seed 1) and a three-layer MLP (seed 2)
# with train.py, then runs holdout.py on both with 320 and 1,920
# calibration images, writing docs/results/fashion-mnist-holdout.md (and
# .json). About 4 minutes of training and 4 of evaluation on 2 cores.
#
# Usage: examples/fashion-mnist/holdout.sh [--check] (options go to
# holdout.py). FASHION_MNIST_HOLDOUT (default build/fashion-mnist-holdout)
# holds the models; delete it to retrain.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"
WORK="${FASHION_MNIST_HOLDOUT:-$BUILD/fashion-mnist-holdout}"

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
for model in cnn3:1 mlp:2; do
  arch="${model%%:*}"
  if [ ! -f "$WORK/$arch/model.onnx" ]; then
    echo "== training $arch (seed ${model##*:})"
    /usr/bin/python3 "$HERE/train.py" "$WORK/$arch" --arch "$arch" \
      --seed "${model##*:}" --calib 320
  fi
done
/usr/bin/python3 "$HERE/holdout.py" "$WORK/cnn3" "$WORK/mlp" \
  --bin "$BUILD/bin" --out "$ROOT/docs/results/fashion-mnist-holdout.md" \
  --json "$ROOT/docs/results/fashion-mnist-holdout.json" "$@"
