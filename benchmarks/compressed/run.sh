#!/usr/bin/env bash
# Compressed formats in compress-compile libraries: the 6-layer 2048-wide
# MLP (benchmarks/compile/make_mlp.py, 23M parameters) at batch 8, one
# thread, as int8 PTQ (the reference), int8 PTQ with 4-bit weights, 90%
# globally magnitude-pruned + int8, 2:4-pruned + int8 and low-rank + int8.
# Reports each library's size and latency against the dense int8 library's,
# measured in the same run. Writes docs/results/compressed.md and
# compressed.json. About 5 minutes.
#
# Usage: benchmarks/compressed/run.sh [--rounds N]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"
WORK="${COMPRESSED_BENCH_WORK:-$BUILD/compressed-bench}"

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
mkdir -p "$WORK"
exec /usr/bin/python3 "$HERE/bench.py" --bin "$BUILD/bin" --work "$WORK" \
  --out "$ROOT/docs/results/compressed" "$@"
