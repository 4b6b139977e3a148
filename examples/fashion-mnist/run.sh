#!/usr/bin/env bash
# Fashion-MNIST, end to end: train a small CNN with PyTorch (if not trained
# yet) and export it to ONNX; import it with compress-translate; prune,
# calibrate on 1,920 training images and quantize to int8 with compress-opt;
# run every variant with compress-run on the 10,000 test images; time it at
# batch 1 and 64 next to onnxruntime (fp32, and int8 from its own
# quantize_static) in the same run; write docs/results/fashion-mnist.md.
#
# Usage: examples/fashion-mnist/run.sh [--quick] [--no-onnxruntime] [--check]
# (options go to evaluate.py). FASHION_MNIST_WORK (default build/fashion-mnist)
# holds the trained model and the intermediate files; delete it to retrain.
# onnxruntime comes from PyPI into a virtual environment there; without
# network access, pass --no-onnxruntime.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"
WORK="${FASHION_MNIST_WORK:-$BUILD/fashion-mnist}"
ORT_VERSION=1.32.0

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
mkdir -p "$WORK"

if [ ! -f "$WORK/model.onnx" ]; then
  echo "== training (PyTorch, fixed seed; a few minutes on 2 cores)"
  /usr/bin/python3 "$HERE/train.py" "$WORK"
fi

PYTHON=/usr/bin/python3
if [[ " $* " != *" --no-onnxruntime "* ]]; then
  if [ ! -x "$WORK/venv/bin/python" ] ||
     ! "$WORK/venv/bin/python" -c "import onnxruntime.quantization" 2>/dev/null; then
    echo "== onnxruntime $ORT_VERSION from PyPI into $WORK/venv"
    /usr/bin/python3 -m venv --system-site-packages "$WORK/venv"
    # onnxruntime's quantization tools need a newer onnx than Debian's.
    "$WORK/venv/bin/pip" install -q "onnxruntime==$ORT_VERSION" "onnx>=1.17" ml_dtypes
  fi
  PYTHON="$WORK/venv/bin/python"
fi

# The committed table comes from full runs; a --quick run writes into WORK.
RESULTS="$ROOT/docs/results"
if [[ " $* " == *" --quick "* ]]; then RESULTS="$WORK/quick"; fi
mkdir -p "$RESULTS"
"$PYTHON" "$HERE/evaluate.py" "$WORK" --bin "$BUILD/bin" \
  --out "$RESULTS/fashion-mnist.md" --json "$RESULTS/fashion-mnist.json" "$@"
# The accuracy/bytes chart next to the table (Debian's matplotlib).
/usr/bin/python3 "$HERE/chart.py" "$RESULTS/fashion-mnist.json" \
  "$RESULTS/fashion-mnist.png"
