#!/usr/bin/env bash
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# Builds a libFuzzer target with AddressSanitizer and UndefinedBehavior-
# Sanitizer (Debian's clang; the targets link LLVM 22's libLLVM) and runs it
# for SECONDS (default 60), starting from the committed seed corpus in
# fuzz/corpus/TARGET. New inputs go to build/fuzz/corpus/TARGET, crashes to
# build/fuzz/crashes/TARGET (each one gets fixed and becomes a regression
# test). Prints libFuzzer's final statistics (executions, coverage).
#
#   scripts/fuzz.sh npy|stats [SECONDS]
#
# Targets: npy (parseNpy, the .npy reader), stats (parseCalibrationStats,
# the calibration stats files, with a write-and-read-back check).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"
target="${1:-}"
seconds="${2:-60}"
CXX="${FUZZ_CXX:-$(command -v clang++ || true)}"
[ -n "$CXX" ] || { echo "fuzz.sh: clang++ not found (apt install clang)" >&2; exit 1; }
LLVM=/usr/lib/llvm-22
case "$target" in
npy) sources=("$ROOT/fuzz/npy_fuzzer.cpp" "$ROOT/lib/Utils/Npy.cpp") ;;
stats)
  sources=("$ROOT/fuzz/stats_fuzzer.cpp" "$ROOT/lib/Utils/CalibrationStats.cpp")
  ;;
*)
  echo "usage: $0 npy|stats [SECONDS]" >&2
  exit 2
  ;;
esac
out="$BUILD/fuzz"
mkdir -p "$out/corpus/$target" "$out/crashes/$target"
"$CXX" -g -O1 -std=c++17 -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=undefined -I"$ROOT/include" -I"$LLVM/include" \
  "${sources[@]}" -L"$LLVM/lib" -lLLVM -Wl,-rpath,"$LLVM/lib" \
  -o "$out/${target}_fuzzer"
"$out/${target}_fuzzer" "$out/corpus/$target" "$ROOT/fuzz/corpus/$target" \
  -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$out/crashes/$target/" 2>&1 |
  grep -E '^(stat::|#[0-9]+ +DONE|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)' || true
if ls "$out/crashes/$target"/* >/dev/null 2>&1; then
  echo "fuzz.sh: crashes in $out/crashes/$target" >&2
  exit 1
fi
