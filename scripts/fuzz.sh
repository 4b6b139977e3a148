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
#   scripts/fuzz.sh npy|stats|onnx|mlir [SECONDS]
#
# Targets: npy (parseNpy, the .npy reader), stats (parseCalibrationStats,
# the calibration stats files, with a write-and-read-back check), onnx
# (importONNXModel on any bytes: a module that verifies or an error; its
# sources are instrumented and linked with the compress libraries of
# ./build, so run scripts/build.sh first), mlir (MLIR text through one of
# compress's passes or pipelines, chosen by the input's first byte: a module
# that verifies or an error; structure-aware mutations of a corpus written
# from the test files by fuzz/make_mlir_corpus.py; the sources of the passes
# (lib/Dialect, Conversion, Codegen, Pipelines, Calibration, Runner, Utils and
# Registration.cpp) are compiled into the target with coverage
# instrumentation, so libFuzzer's coverage steers mutations into pass code;
# the rest (the ONNX importer, the CPU runtime) comes from the
# libraries of ./build, so build first). Objects are kept in
# build/fuzz/obj/TARGET and rebuilt when their source or a header they
# include (their -MMD dependency file) is newer. FUZZ_JOBS (default 2)
# compiles in parallel.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"
target="${1:-}"
seconds="${2:-60}"
CXX="${FUZZ_CXX:-$(command -v clang++ || true)}"
[ -n "$CXX" ] || { echo "fuzz.sh: clang++ not found (apt install clang)" >&2; exit 1; }
LLVM=/usr/lib/llvm-22
flags=(-g -O1 -std=c++17 -fsanitize=address,undefined -fno-sanitize=vptr
  -I/usr/include/eigen3 -I"$ROOT/runtime/cpu"
  -fno-sanitize-recover=undefined -I"$ROOT/include" -I"$LLVM/include")
libs=()
case "$target" in
npy) sources=("$ROOT/fuzz/npy_fuzzer.cpp" "$ROOT/lib/Utils/Npy.cpp") ;;
stats)
  sources=("$ROOT/fuzz/stats_fuzzer.cpp" "$ROOT/lib/Utils/CalibrationStats.cpp")
  ;;
onnx)
  [ -f "$BUILD/lib/libMLIRCompressDialect.a" ] || {
    echo "fuzz.sh: build compress first (scripts/build.sh)" >&2
    exit 1
  }
  sources=("$ROOT/fuzz/onnx_fuzzer.cpp" "$ROOT"/lib/Target/ONNX/*.cpp)
  flags+=(-I"$BUILD/include" -DONNX_ML=1 -DONNX_NAMESPACE=onnx)
  libs=("$BUILD/lib/libMLIRCompressDialect.a"
    "$BUILD/lib/libMLIRCompressDialectUtils.a" "$BUILD/lib/libCompressUtils.a"
    -L"$LLVM/lib" -lMLIR -lonnx_proto -lprotobuf)
  ;;
mlir)
  [ -f "$BUILD/lib/libCompressRegistration.a" ] || {
    echo "fuzz.sh: build compress first (scripts/build.sh)" >&2
    exit 1
  }
  sources=("$ROOT/fuzz/mlir_fuzzer.cpp" "$ROOT/lib/Registration.cpp")
  for dir in Dialect Conversion Codegen Pipelines Calibration Runner Utils; do
    mapfile -t -O "${#sources[@]}" sources < <(find "$ROOT/lib/$dir" -name '*.cpp' | sort)
  done
  flags+=(-I"$BUILD/include")
  # The instrumented objects come first; the libraries compress-opt links
  # follow in one group (they refer to each other) for what the objects do
  # not define.
  libs=(-Wl,--start-group "$BUILD"/lib/libCompress*.a "$BUILD"/lib/libMLIRCompress*.a
    "$BUILD/runtime/cpu/libCompressCpuRuntimeStatic.a" -Wl,--end-group
    -fopenmp "$LLVM/lib/libmlir_c_runner_utils.so" "$LLVM/lib/libmlir_float16_utils.so"
    "$LLVM/lib/libmlir_apfloat_wrappers.so" "$LLVM/lib/libMLIRSparseTensorRuntime.a"
    -L"$LLVM/lib" -lMLIR)
  ;;
*)
  echo "usage: $0 npy|stats|onnx|mlir [SECONDS]" >&2
  exit 2
  ;;
esac
out="$BUILD/fuzz"
mkdir -p "$out/corpus/$target" "$out/crashes/$target" "$out/obj/$target"
# Whether OBJECT must be compiled again: missing, or older than SOURCE or
# one of the headers its dependency file (-MMD) lists.
stale_object() {
  local object="$1" source="$2" deps="${1%.o}.d"
  [ -f "$object" ] && [ -f "$deps" ] || return 0
  [ "$source" -nt "$object" ] && return 0
  local newer
  newer="$(sed -e '1s/^[^:]*://' -e 's/\\$//' "$deps" | tr -s ' ' '\n' |
    grep -v '^$' | xargs -r sh -c 'find "$@" -newer "$0" 2>/dev/null' "$object" ||
    true)"
  [ -n "$newer" ]
}
objects=()
stale=()
for source in "${sources[@]}"; do
  # One object per source, named by its path under the repository (two
  # folders may hold files of the same name).
  name="${source#"$ROOT"/}"
  object="$out/obj/$target/${name//\//_}"
  object="${object%.cpp}.o"
  if stale_object "$object" "$source"; then
    stale+=("$object" "$source")
  fi
  objects+=("$object")
done
if [ "${#stale[@]}" -gt 0 ]; then
  echo "fuzz.sh: compiling $((${#stale[@]} / 2)) instrumented source(s)" >&2
  printf '%s\0' "${stale[@]}" |
    xargs -0 -n 2 -P "${FUZZ_JOBS:-2}" sh -c \
      '"$0" "$@"' "$CXX" "${flags[@]}" -fsanitize=fuzzer-no-link -MMD -c -o
fi
"$CXX" "${flags[@]}" -fsanitize=fuzzer "${objects[@]}" "${libs[@]}" \
  -L"$LLVM/lib" -lLLVM -Wl,-rpath,"$LLVM/lib" -o "$out/${target}_fuzzer"
# A crash while the mlir target's mutator parses a mutation is written here
# (it is no input libFuzzer ran). allow_user_poisoning=0: LLVM's allocators
# poison and unpoison their slabs in header code when compiled with ASan,
# and the instrumented objects inline that code while libMLIR (not
# instrumented) allocates from the same allocators without unpoisoning, so
# libMLIR's reads of such memory were reported as use-after-poison.
ASAN_OPTIONS="allow_user_poisoning=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
FUZZ_MUTATION_CRASH="$out/crashes/$target/mutation-crash.mlir" \
  "$out/${target}_fuzzer" "$out/corpus/$target" "$ROOT/fuzz/corpus/$target" \
  -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=4096 \
  -artifact_prefix="$out/crashes/$target/" 2>&1 | tee "$out/$target.log" |
  grep -E '^(stat::|#[0-9]+ +DONE|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)' || true
# The whole of libFuzzer's output (the seed, a crash's stack) is in
# build/fuzz/TARGET.log.
# libFuzzer also writes slow-unit-* files there: inputs that took longer
# than 10 s of wall time (a process stopped meanwhile produces one). They
# are reported, not counted as crashes.
if ls "$out/crashes/$target"/slow-unit-* >/dev/null 2>&1; then
  echo "fuzz.sh: slow inputs (not crashes) in $out/crashes/$target" >&2
fi
if ls "$out/crashes/$target"/* 2>/dev/null | grep -qv '/slow-unit-'; then
  echo "fuzz.sh: crashes in $out/crashes/$target" >&2
  exit 1
fi
