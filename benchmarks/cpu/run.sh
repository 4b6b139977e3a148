#!/usr/bin/env bash
# CPU kernels against onnxruntime, one thread: dense layers (BERT-base
# shapes, 1024^3, one token) and convolutions (ResNet-18, MobileNet-v2) as
# one-op ONNX models, fp32 and int8 (onnxruntime's quantize_static QDQ
# model, fused into integer kernels by compress-fuse-qdq), timed by
# onnxruntime and by compress-run --threads=1 in the same run; writes
# docs/results/cpu-kernels.md and cpu-kernels.json. About 5-10 minutes.
#
# Usage: benchmarks/cpu/run.sh [--quick] [--rounds N] [--min-time S]
#                              [--only NAME,...]
# (options go to bench.py). CPU_BENCH_WORK (default build/cpu-bench) holds
# the models, the intermediate files and the virtual environment with
# onnxruntime from PyPI. A --quick run writes into CPU_BENCH_WORK/quick
# instead of docs/results. CPU_BENCH_NAME (default cpu-kernels) names the
# two result files, e.g. cpu-kernels-avx2 for a run on another kind of CPU.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"
WORK="${CPU_BENCH_WORK:-$BUILD/cpu-bench}"
ORT_VERSION=1.32.0  # the version examples/fashion-mnist/run.sh pins

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
mkdir -p "$WORK"

if [ ! -x "$WORK/venv/bin/python" ] ||
   ! "$WORK/venv/bin/python" -c "import onnxruntime.quantization, ml_dtypes" 2>/dev/null ||
   [ "$("$WORK/venv/bin/python" -c 'import onnxruntime; print(onnxruntime.__version__)')" != "$ORT_VERSION" ]; then
  echo "== onnxruntime $ORT_VERSION from PyPI into $WORK/venv"
  /usr/bin/python3 -m venv --system-site-packages "$WORK/venv"
  # onnxruntime's quantization tools need a newer onnx than Debian's.
  "$WORK/venv/bin/pip" install -q "onnxruntime==$ORT_VERSION" "onnx>=1.17" ml_dtypes
fi

NAME="${CPU_BENCH_NAME:-cpu-kernels}"
RESULTS="$ROOT/docs/results"
if [[ " $* " == *" --quick "* ]]; then RESULTS="$WORK/quick"; fi
mkdir -p "$RESULTS"
"$WORK/venv/bin/python" "$HERE/bench.py" "$WORK/models" --bin "$BUILD/bin" \
  --out "$RESULTS/$NAME.md" --json "$RESULTS/$NAME.json" \
  --command "${CPU_BENCH_NAME:+CPU_BENCH_NAME=$NAME }benchmarks/cpu/run.sh${*:+ $*}" "$@"
