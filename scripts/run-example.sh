#!/usr/bin/env bash
# Installs dependencies, builds compress, and runs the bundled example: a
# float MLP whose weights are quantized to int8 and executed on the CPU.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh" --target compress-opt
"$ROOT/examples/mlp/run.sh"
