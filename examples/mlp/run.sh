#!/usr/bin/env bash
# The main job on the bundled example: quantize the float MLP's weights to
# int8, lower both versions to the CPU, run them, and report what changed.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${COMPRESS_BUILD_DIR:-$ROOT/build}/bin"
# Matmuls call the CPU kernel library (runtime/cpu).
CPU_RUNTIME="${COMPRESS_BUILD_DIR:-$ROOT/build}/lib/libcompress_cpu_runtime.so"
LLVM_BIN=/usr/lib/llvm-22/bin
LLVM_LIB=/usr/lib/llvm-22/lib
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

run_cpu() {
  "$LLVM_BIN/mlir-runner" -e main -entry-point-result=void \
    -shared-libs="$LLVM_LIB/libmlir_runner_utils.so,$LLVM_LIB/libmlir_c_runner_utils.so,$CPU_RUNTIME"
}

echo "== float model: compress-opt --compress-lower-to-cpu | mlir-runner"
"$BIN/compress-opt" "$HERE/mlp.mlir" --compress-lower-to-cpu | run_cpu > "$OUT/float.txt"

echo "== int8 weights: compress-opt --compress-quantize-weights"
"$BIN/compress-opt" "$HERE/mlp.mlir" --compress-quantize-weights -o "$OUT/quantized.mlir"
grep 'quant.scast' "$OUT/quantized.mlir" | sed 's/.* to /   weight: /' | cut -c1-110 | sed 's/$/.../'

echo "== int8 model: --compress-lower-to-cpu | mlir-runner"
"$BIN/compress-opt" "$OUT/quantized.mlir" --compress-lower-to-cpu |
  run_cpu > "$OUT/int8.txt"

/usr/bin/python3 "$HERE/report.py" --float-ir "$HERE/mlp.mlir" \
  --quantized-ir "$OUT/quantized.mlir" --float-out "$OUT/float.txt" \
  --quantized-out "$OUT/int8.txt"

echo "== full int8 (weights and activations): --compress-ptq=\"data=calib method=percentile\""
echo "   (observers, calibration on 32 sample batches JIT-compiled inside the compiler,"
echo "    int8 weights, integer matmuls with i32 accumulation, fixed-point requantization)"
"$BIN/compress-opt" "$HERE/mlp.mlir" \
  --compress-ptq="data=$HERE/calib method=percentile lower=false" \
  -o "$OUT/ptq.mlir" 2>/dev/null
echo "   integer multiplies in @mlp: $("$BIN/compress-opt" "$OUT/ptq.mlir" --linalg-generalize-named-ops \
  | sed -n '/func.func @mlp/,/^  }/p' | grep -c 'arith.muli .* : i32'), float multiplies: $("$BIN/compress-opt" \
  "$OUT/ptq.mlir" --linalg-generalize-named-ops | sed -n '/func.func @mlp/,/^  }/p' | grep -c 'arith.mulf') (the output's dequantize)"
"$BIN/compress-opt" "$OUT/ptq.mlir" --compress-lower-to-cpu | run_cpu > "$OUT/ptq.txt"
/usr/bin/python3 "$HERE/report.py" --float-ir "$HERE/mlp.mlir" \
  --quantized-ir "$OUT/ptq.mlir" --float-out "$OUT/float.txt" \
  --quantized-out "$OUT/ptq.txt"

echo "== pruned + int8: --compress-prune-neurons=ratio=0.5 --compress-quantize-weights --compress-report"
echo "   (half the hidden neurons removed without fine-tuning: expect a large error on these random weights)"
# The output layer's neurons are the model's outputs, so the pass leaves them
# alone and says so in a remark; keep that remark out of the summary.
"$BIN/compress-opt" "$HERE/mlp.mlir" --compress-prune-neurons=ratio=0.5 \
  --compress-quantize-weights --compress-report=table="$OUT/table.txt" \
  -o "$OUT/pruned.mlir" 2>/dev/null
sed 's/^/   /' "$OUT/table.txt"
"$BIN/compress-opt" "$OUT/pruned.mlir" --compress-lower-to-cpu | run_cpu > "$OUT/pruned.txt"
/usr/bin/python3 "$HERE/report.py" --float-ir "$HERE/mlp.mlir" \
  --quantized-ir "$OUT/pruned.mlir" --float-out "$OUT/float.txt" \
  --quantized-out "$OUT/pruned.txt"
