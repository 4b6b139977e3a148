#!/usr/bin/env bash
# Per-layer weight widths under a size budget (compress-auto's search) on the
# BERT-base encoder layer of benchmarks/gptq, with and without each layer's
# gain to the output (compress-quantize-weights gains): the layer's output
# error against PyTorch's float output on held-out text-like and normal
# inputs. Writes docs/results/mixed-transformer.md and .json. About 15
# minutes on 2 cores.
#
# Usage: benchmarks/mixed/run.sh [--size S]...
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"
WORK="${MIXED_BENCH_WORK:-$BUILD/mixed-bench}"

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
mkdir -p "$WORK"
exec /usr/bin/python3 "$HERE/bench.py" --bin "$BUILD/bin" --work "$WORK" \
  --out "$ROOT/docs/results/mixed-transformer" "$@"
