#!/usr/bin/env bash
# Whole models against onnxruntime, one thread: ResNet-18 and MobileNet-v2
# (torchvision, exported to ONNX by PyTorch) and the Fashion-MNIST CNN of
# examples/fashion-mnist (when trained), fp32 and int8 (onnxruntime's
# quantize_static QDQ model, fused by compress-fuse-qdq), in the same run;
# plus compress-compile's time, peak memory and library size. Writes
# docs/results/models.md, models.json and models.png. About 5 minutes.
#
# Usage: benchmarks/models/run.sh [--rounds N] [--batch N]...
# MODELS_BENCH_WORK (default build/models-bench) holds the exported models;
# MODELS_BENCH_NAME (default models) names the results' files in docs/results
# (models-avx2: a run on a CPU with AVX2 and no AVX-512);
# the onnxruntime venv is the CPU benchmark's (build/cpu-bench/venv).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"
WORK="${MODELS_BENCH_WORK:-$BUILD/models-bench}"
VENV="${CPU_BENCH_WORK:-$BUILD/cpu-bench}/venv"
ORT_VERSION=1.32.0

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
mkdir -p "$WORK"
if [ ! -x "$VENV/bin/python" ] ||
   [ "$("$VENV/bin/python" -c 'import onnxruntime; print(onnxruntime.__version__)' 2>/dev/null)" != "$ORT_VERSION" ]; then
  echo "== onnxruntime $ORT_VERSION from PyPI into $VENV"
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
  "$VENV/bin/pip" install -q "onnxruntime==$ORT_VERSION" "onnx>=1.17" ml_dtypes
fi

batches=()
args=("$@")
for ((i = 0; i < ${#args[@]}; ++i)); do
  if [ "${args[i]}" = "--batch" ]; then batches+=(--batch "${args[i+1]}"); fi
done
# Debian's PyTorch (NumPy 1) exports; the venv (NumPy 2) runs onnxruntime.
/usr/bin/python3 "$HERE/export.py" "$WORK" "${batches[@]}"
RESULTS="$ROOT/docs/results"
NAME="${MODELS_BENCH_NAME:-models}"
/usr/bin/python3 - "$RESULTS/$NAME.png" <<'PY'
import os, sys
p = sys.argv[1]
if os.path.exists(p):
    os.remove(p)  # redrawn from this run's numbers below
PY
"$VENV/bin/python" "$HERE/bench.py" "$WORK" --bin "$BUILD/bin" \
  --out "$RESULTS/$NAME.md" --json "$RESULTS/$NAME.json" \
  --fashion-mnist "${FASHION_MNIST_WORK:-$BUILD/fashion-mnist}" \
  --command "${MODELS_BENCH_NAME:+MODELS_BENCH_NAME=$NAME }benchmarks/models/run.sh${*:+ $*}" "$@"
/usr/bin/python3 "$HERE/chart.py" "$RESULTS/$NAME.json" "$RESULTS/$NAME.png"
# The table links the chart drawn from the same numbers.
grep -q "$NAME.png" "$RESULTS/$NAME.md" ||
  printf '\n![latency per model](%s.png)\n' "$NAME" >> "$RESULTS/$NAME.md"
echo "wrote $RESULTS/$NAME.md and $NAME.png"
