#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test: formatting, the
# GoogleTest unit tests and the lit suite (FileCheck and CPU execution tests).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
"$ROOT/scripts/check-format.sh"
"$ROOT/scripts/build.sh" --target check-compress
"$ROOT/scripts/check-install.sh"
