#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds a downstream project
# against it with find_package(CompressMLIR).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# A sanitizer build (scripts/test.sh --sanitize) installs instrumented
# libraries: the consumer links the sanitizer runtimes too.
consumer_flags=()
if grep -q '^COMPRESS_SANITIZE:BOOL=ON' "$BUILD/CMakeCache.txt" 2>/dev/null; then
  consumer_flags=(-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined)
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
fi

cmake --install "$BUILD" --prefix "$WORK/prefix" >/dev/null
cmake -S "$ROOT/test/Install/consumer" -B "$WORK/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$WORK/prefix;/usr/lib/llvm-22" \
  "${consumer_flags[@]}" >/dev/null
# The build's messages only when it fails.
if ! cmake --build "$WORK/build" >"$WORK/build.log" 2>&1; then
  tail -n 30 "$WORK/build.log" >&2
  echo "check-install: the downstream project did not build" >&2
  exit 1
fi
"$WORK/build/consumer"
echo "check-install: find_package(CompressMLIR) works"
# The installed tools run, and compress-compile links the installed kernel
# library into a model.
"$WORK/prefix/bin/compress-compile" "$ROOT/examples/mlp/mlp.mlir" -e mlp \
  --runtime-library="$WORK/prefix/lib/libCompressCpuRuntimeStatic.a" \
  -o "$WORK/libmlp.so"
nm -D --defined-only "$WORK/libmlp.so" | grep -q " T mlp$"
"$WORK/prefix/bin/compress-run" --help >/dev/null
echo "check-install: the installed compress-compile and compress-run work"
