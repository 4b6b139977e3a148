#!/usr/bin/env bash
# The main job on the bundled example: quantize the float MLP's weights to
# int8, lower both versions to the CPU, run them, and report what changed.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${COMPRESS_BUILD_DIR:-$ROOT/build}/bin"
LLVM_BIN=/usr/lib/llvm-22/bin
LLVM_LIB=/usr/lib/llvm-22/lib
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

run_cpu() {
  "$LLVM_BIN/mlir-runner" -e main -entry-point-result=void \
    -shared-libs="$LLVM_LIB/libmlir_runner_utils.so,$LLVM_LIB/libmlir_c_runner_utils.so"
}

echo "== float model: compress-opt --compress-lower-to-cpu | mlir-runner"
"$BIN/compress-opt" "$HERE/mlp.mlir" --compress-lower-to-cpu | run_cpu > "$OUT/float.txt"

echo "== int8 weights: compress-opt --compress-quantize-weights"
"$BIN/compress-opt" "$HERE/mlp.mlir" --compress-quantize-weights -o "$OUT/quantized.mlir"
grep 'quant.scast' "$OUT/quantized.mlir" | sed 's/.* to /   weight: /' | cut -c1-110 | sed 's/$/.../'

echo "== int8 model: --convert-compress-to-linalg --compress-lower-to-cpu | mlir-runner"
"$BIN/compress-opt" "$OUT/quantized.mlir" --convert-compress-to-linalg \
  --compress-lower-to-cpu | run_cpu > "$OUT/int8.txt"

/usr/bin/python3 "$HERE/report.py" --float-ir "$HERE/mlp.mlir" \
  --quantized-ir "$OUT/quantized.mlir" --float-out "$OUT/float.txt" \
  --quantized-out "$OUT/int8.txt"
