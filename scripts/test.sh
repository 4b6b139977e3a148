#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test: formatting, the install
# (a downstream project built with find_package(CompressMLIR)), the
# GoogleTest unit tests and the lit suite (FileCheck and CPU execution tests).
#
# --sanitize: the same, built with AddressSanitizer and
# UndefinedBehaviorSanitizer into build-sanitize (a separate, slower build;
# every process of the tests runs with the sanitizer runtimes preloaded).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${1:-}" = "--sanitize" ]; then
  export COMPRESS_BUILD_DIR="${COMPRESS_BUILD_DIR:-$ROOT/build-sanitize}"
  export COMPRESS_CMAKE_ARGS="-DCOMPRESS_SANITIZE=ON ${COMPRESS_CMAKE_ARGS:-}"
elif [ -n "${1:-}" ]; then
  echo "usage: scripts/test.sh [--sanitize]" >&2
  exit 2
fi
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
# CI's sanitizer half skips the formatting check, done by its first half.
if [ -z "${COMPRESS_SKIP_FORMAT_CHECK:-}" ]; then
  "$ROOT/scripts/check-format.sh"
fi
"$ROOT/scripts/check-install.sh"

# Unit tests and lit tests run as one lit invocation (check-compress).
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
"$ROOT/scripts/build.sh" --target check-compress 2>&1 | tee "$log" || status=$?
passed=$(sed -n 's/^ *Passed *: *\([0-9]*\).*/\1/p' "$log" | tail -1)
failed=$(sed -n 's/^ *Failed *: *\([0-9]*\).*/\1/p' "$log" | tail -1)
unsupported=$(sed -n 's/^ *Unsupported *: *\([0-9]*\).*/\1/p' "$log" | tail -1)
skipped=$(sed -n 's/^ *Skipped *: *\([0-9]*\).*/\1/p' "$log" | tail -1)
echo "compress: ${passed:-0} passed, ${failed:-0} failed," \
  "${unsupported:-0} unsupported (lit features missing)," \
  "${skipped:-0} skipped (GoogleTest cases for CPU paths this machine lacks)"
# The lit configuration notes the optional features it did not find (the
# tests needing them are the unsupported ones).
missing=$(sed -n 's/.*compress: optional lit features missing: //p' "$log" | tail -1)
echo "compress: optional lit features missing: ${missing:-(not reported)}"
# A CUDA Toolkit that is installed must be found: its PTX tests would
# otherwise be skipped silently.
if { [ -x /usr/local/cuda/bin/ptxas ] || command -v ptxas >/dev/null; } &&
  [[ ", $missing," == *", ptxas,"* ]]; then
  echo "compress: ptxas is installed but lit did not detect it" >&2
  status=1
fi
if [ "$status" -ne 0 ] || [ "${passed:-0}" -eq 0 ]; then
  exit 1
fi
