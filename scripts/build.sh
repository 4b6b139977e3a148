#!/usr/bin/env bash
# Configures (once) and builds compress into ./build with Ninja, linking
# against Debian's libMLIR.so. Incremental: rerun after editing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"

if [ ! -f "$BUILD/build.ninja" ]; then
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  # COMPRESS_CMAKE_ARGS: extra configure options (test.sh --sanitize).
  read -r -a extra <<< "${COMPRESS_CMAKE_ARGS:-}"
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir "${launcher[@]}" "${extra[@]}"
fi
cmake --build "$BUILD" "$@"
