#!/usr/bin/env bash
# Regenerates the dialect and pass reference from TableGen and copies it into
# docs/generated/, where it is committed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/build.sh" --target compress-doc
mkdir -p "$ROOT/docs/generated"
cp "$BUILD"/docs/Compress/*.md "$ROOT/docs/generated/"
ls "$ROOT/docs/generated"
