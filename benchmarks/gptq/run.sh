#!/usr/bin/env bash
# 4-bit GPTQ against rounding to nearest on the BERT-base encoder layer of
# benchmarks/models (12 heads, 768 -> 3072 -> 768, 128 tokens, batch 8):
# the layer's output error with its six weight matrices quantized per
# channel and in groups of 32 and 128 along their inputs, each by rounding
# to nearest and by GPTQ, against PyTorch's float output on held-out
# inputs, for text-like inputs (BERT embeddings of Zipf-distributed tokens)
# and independent normal ones.
# Writes docs/results/gptq-transformer.md and .json. About 20 minutes.
#
# Usage: benchmarks/gptq/run.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"
WORK="${GPTQ_BENCH_WORK:-$BUILD/gptq-bench}"

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
mkdir -p "$WORK"
exec /usr/bin/python3 "$HERE/bench.py" --bin "$BUILD/bin" --work "$WORK" \
  --out "$ROOT/docs/results/gptq-transformer" "$@"
