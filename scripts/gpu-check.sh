#!/usr/bin/env bash
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# The GPU checks: the GPU execution tests (test/Integration/NVPTX), which
# compare GPU results with the CPU path's and numpy's, and N x N matmuls,
# f32 and int8 (dp4a and tensor cores), timed against cuBLAS in one run.
#
# GPU machines need not have LLVM, MLIR or network access, so the work is
# split in three steps around a bundle directory (scripts/gpu/aot.py):
#
#   gpu-check.sh prepare [BUNDLE]     on the machine with the compress build
#       builds compress-opt and the CUDA runtime library, runs the PTX tests
#       (test/Pipelines/nvptx, with ptxas), compiles every program of the
#       GPU execution tests ahead of time into BUNDLE (lit in record mode),
#       and the benchmark's kernels to PTX. BUNDLE defaults to
#       build/gpu-bundle; GPU_CHECK_CHIP (sm_90) is the GPU's architecture.
#   BUNDLE/device-run.sh BUNDLE OUT   on the GPU machine (driver, nvcc)
#       runs the programs and the benchmark, writes OUT/gpu-results.tar.gz.
#   gpu-check.sh finish RESULTS [BUNDLE]   back on the first machine
#       checks the programs' outputs with the tests' own FileCheck, diff and
#       numpy lines (lit in replay mode) and prints the benchmark table.
#
# `gpu-check.sh` alone does all three on one machine that has both the
# build and a GPU. Exits non-zero when a build, a test or a benchmark fails.
#
# Environment: CUDA_HOME (/usr/local/cuda), COMPRESS_BUILD_DIR (build/),
# GPU_CHECK_SIZES (the matmul sizes, "512 1024 2048 4096"), GPU_CHECK_CHIP.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"
CUDA_HOME="${CUDA_HOME:-/usr/local/cuda}"
SIZES="${GPU_CHECK_SIZES:-512 1024 2048 4096}"
LIT=/usr/lib/llvm-22/bin/lit
export CUDA_HOME PATH="$CUDA_HOME/bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

detected_chip() {
  if nvidia-smi -L 2>/dev/null | grep -q GPU; then
    local capability
    capability="$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1)"
    echo "sm_${capability/./}"
  fi
}

prepare() {
  local bundle="$1" chip="${2:-sm_90}" status=0
  if [ ! -x "$CUDA_HOME/bin/ptxas" ]; then
    echo "gpu-check: no CUDA Toolkit at $CUDA_HOME (set CUDA_HOME)" >&2
    exit 1
  fi
  step "Build compress-opt and the CUDA runtime library (chip $chip)"
  "$ROOT/scripts/build.sh" --target compress-opt compress_cuda_runtime
  rm -rf "$bundle"
  mkdir -p "$bundle/lib" "$bundle/bench"
  cp "$BUILD/lib/libcompress_cuda_runtime.so" "$bundle/lib/"
  c++ -O2 -shared -fPIC -std=c++17 -I/usr/lib/llvm-22/include \
    -o "$bundle/lib/libcompress_runner_utils.so" "$ROOT/scripts/gpu/runner_utils.cpp"
  cp "$ROOT/scripts/gpu/device-run.sh" "$bundle/"
  echo "$chip" >"$bundle/chip"

  step "PTX tests (ptxas)"
  timeout 300 "$LIT" -q "$BUILD/test/Pipelines/nvptx" || status=1

  step "GPU execution tests: compile their programs"
  # Record mode makes every check a no-op, so lit passes; what matters is
  # that each program compiled, which aot.py reports as a failure otherwise.
  timeout 600 "$LIT" -q --param gpu_mode=record --param "gpu_bundle=$bundle" \
    --param "gpu_chip=$chip" "$BUILD/test/Integration/NVPTX" || status=1
  echo "$(ls "$bundle/programs" | wc -l) programs in $bundle/programs"

  step "Matmul benchmark: compile compress's kernels"
  nvcc -O2 -std=c++17 -o "$bundle/bench/gemm_bench" \
    "$ROOT/benchmarks/gpu/gemm_bench.cu" -lcublas -lcuda
  cp "$ROOT/benchmarks/gpu/gemm_bench.cu" "$bundle/bench/"
  # Without a GPU, gemm_bench runs against the toolkit's stub driver, which
  # is enough for `inspect` (it reads PTX only).
  mkdir -p "$bundle/bench/stub"
  ln -sf "$CUDA_HOME/lib64/stubs/libcuda.so" "$bundle/bench/stub/libcuda.so.1"
  : >"$bundle/bench/runs.txt"
  local n variant type acc zero options dir kernel
  for n in $SIZES; do
    # variant type accumulator zero pipeline-options
    while read -r variant type acc zero options; do
      dir="$bundle/bench/$variant-$n"
      mkdir -p "$dir"
      sed "s/@N@/$n/g; s/@IN@/$type/g; s/@ACC@/$acc/g; s/@ZERO@/$zero/g" \
        "$ROOT/benchmarks/gpu/matmul.mlir.in" >"$dir/matmul.mlir"
      "$BUILD/bin/compress-opt" "$dir/matmul.mlir" \
        --compress-lower-to-nvptx="chip=$chip dump-ptx=$dir $options" -o /dev/null
      kernel="$(cd "$dir" && ls matmul_k1_*.ptx)"
      LD_LIBRARY_PATH="$bundle/bench/stub" "$bundle/bench/gemm_bench" inspect "$dir/$kernel"
      echo "$variant $variant-$n/$kernel $n $type" >>"$bundle/bench/runs.txt"
    done <<EOF
compress-f32 f32 f32 0.0 tensor-cores=false
compress-dp4a i8 i32 0 tensor-cores=false
compress-mma i8 i32 0 tensor-cores=true
EOF
    grep -q 'dp4a.s32.s32' "$bundle/bench/compress-dp4a-$n"/matmul_k1_*.ptx ||
      { echo "gpu-check: no dp4a in the int8 kernel for N=$n" >&2; status=1; }
    grep -q 'mma.sync' "$bundle/bench/compress-mma-$n"/matmul_k1_*.ptx ||
      { echo "gpu-check: no mma.sync in the tensor-core kernel for N=$n" >&2; status=1; }
    echo "cublas - $n -" >>"$bundle/bench/runs.txt"
  done
  step "Bundle ready: $bundle ($(du -sh "$bundle" | cut -f1))"
  echo "On the GPU machine: $bundle/device-run.sh $bundle OUT"
  echo "Then here: $0 finish OUT/gpu-results.tar.gz $bundle"
  return "$status"
}

finish() {
  local results="$1" bundle="$2" status=0 chip
  chip="$(cat "$bundle/chip")"
  rm -rf "$bundle/results"
  tar -C "$bundle" -xzf "$results"
  step "GPU execution tests: check the GPU's results"
  timeout 600 "$LIT" -v --param gpu_mode=replay --param "gpu_bundle=$bundle" \
    --param "gpu_chip=$chip" "$BUILD/test/Integration/NVPTX" || status=1

  step "Matmul rates (G(FL)OP/s) and ratios"
  grep -v '^RESULT' "$bundle/results/bench.txt" && status=1
  awk '
    $1 == "RESULT" { rate[$2 " " $3 " " $4] = $6; sizes[$4] = 1 }
    function r(a, b) { return (a > 0 && b > 0) ? sprintf("%.3f", a / b) : "-" }
    END {
      printf "%6s %10s %10s %7s %10s %10s %10s %7s %7s\n", "N", "f32 ours",
        "f32 cuBLAS", "ratio", "i8 dp4a", "i8 mma", "i8 cuBLAS", "dp4a/cB",
        "mma/cB"
      for (n in sizes) order[++count] = n + 0
      for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++)
        if (order[j] < order[i]) { t = order[i]; order[i] = order[j]; order[j] = t }
      for (i = 1; i <= count; i++) {
        n = order[i]
        f = rate["compress-f32 f32 " n]; bf = rate["cublas f32 " n]
        d = rate["compress-dp4a i8 " n]; m = rate["compress-mma i8 " n]
        bi = rate["cublas i8 " n]
        printf "%6d %10s %10s %7s %10s %10s %10s %7s %7s\n", n, f, bf, r(f, bf),
          d, m, bi, r(d, bi), r(m, bi)
      }
    }' "$bundle/results/bench.txt"
  echo "(kernels only: CUDA events over repeated launches after a warm-up;" \
    "each compress kernel's result is checked against a host reference first)"
  return "$status"
}

verb="${1:-all}"
case "$verb" in
prepare)
  prepare "${2:-$BUILD/gpu-bundle}" "${GPU_CHECK_CHIP:-$(detected_chip)}"
  ;;
finish)
  [ $# -ge 2 ] || { echo "usage: $0 finish RESULTS.tar.gz [BUNDLE]" >&2; exit 2; }
  finish "$2" "${3:-$BUILD/gpu-bundle}"
  ;;
all)
  chip="$(detected_chip)"
  if [ -z "$chip" ]; then
    echo "gpu-check: no GPU here (nvidia-smi lists none); run 'prepare' here," \
      "device-run.sh on a GPU machine, then 'finish'" >&2
    exit 1
  fi
  bundle="$BUILD/gpu-bundle" out="$BUILD/gpu-results"
  status=0
  prepare "$bundle" "$chip" || status=1
  "$bundle/device-run.sh" "$bundle" "$out" || status=1
  finish "$out/gpu-results.tar.gz" "$bundle" || status=1
  exit "$status"
  ;;
*)
  echo "usage: $0 [prepare [BUNDLE] | finish RESULTS.tar.gz [BUNDLE]]" >&2
  exit 2
  ;;
esac
