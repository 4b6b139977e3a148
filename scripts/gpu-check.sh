#!/usr/bin/env bash
# The GPU checks in one go, for a machine with an NVIDIA GPU and the CUDA
# Toolkit (an H200, say), in under 10 minutes:
#
#   1. builds compress-opt, the CUDA runtime library (runtime/) and the
#      matmul benchmark (benchmarks/gpu/gemm_bench.cu, with nvcc);
#   2. runs the GPU lit tests (test/Pipelines/nvptx, test/Integration/NVPTX):
#      PTX checks with ptxas, and execution tests that compare GPU results
#      with the CPU path's expected values;
#   3. benchmarks N x N matmuls, f32 and int8, compress's kernels against
#      cuBLAS in the same run, and prints the rates and their ratios.
#
# Without a GPU it does everything that needs none: the builds, the ptxas
# tests (the execution tests report as unsupported) and the benchmark's
# kernels compiled and their interface checked; then it says what it
# skipped. Exits non-zero when a build, a test or a benchmark fails.
#
# Environment: CUDA_HOME (/usr/local/cuda), COMPRESS_BUILD_DIR (build/),
# GPU_CHECK_SIZES (the matmul sizes, "512 1024 2048 4096").
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"
CUDA_HOME="${CUDA_HOME:-/usr/local/cuda}"
SIZES="${GPU_CHECK_SIZES:-512 1024 2048 4096}"
LIT=/usr/lib/llvm-22/bin/lit
BENCH_DIR="$BUILD/benchmarks/gpu"
export CUDA_HOME PATH="$CUDA_HOME/bin:$PATH"

step() { printf '\n== %s\n' "$*"; }
status=0

if [ ! -x "$CUDA_HOME/bin/nvcc" ] || [ ! -x "$CUDA_HOME/bin/ptxas" ]; then
  echo "gpu-check: no CUDA Toolkit at $CUDA_HOME (set CUDA_HOME)" >&2
  exit 1
fi
chip=""
if nvidia-smi -L 2>/dev/null | grep -q GPU; then
  nvidia-smi -L
  capability="$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1)"
  chip="sm_${capability/./}"
  echo "GPU architecture: $chip"
else
  echo "No GPU (nvidia-smi lists none): building and checking PTX only."
fi

step "Build compress-opt and the CUDA runtime library"
# GPU machines may have no network; what is installed may be enough.
"$ROOT/scripts/install-deps.sh" ||
  echo "gpu-check: install-deps failed; building with what is installed" >&2
"$ROOT/scripts/build.sh" --target compress-opt
runtime="$BUILD/lib/libcompress_cuda_runtime.so"
if ninja -C "$BUILD" -t targets all 2>/dev/null | grep -q '^compress_cuda_runtime:'; then
  "$ROOT/scripts/build.sh" --target compress_cuda_runtime
else
  # runtime/ is not (yet) part of the main build: build it on its own, into
  # the directory where the lit configuration looks for it.
  cmake -S "$ROOT/runtime" -B "$BUILD/runtime" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_LIBRARY_OUTPUT_DIRECTORY="$BUILD/lib" \
    >/dev/null
  cmake --build "$BUILD/runtime"
fi
[ -f "$runtime" ] || { echo "gpu-check: $runtime was not built" >&2; exit 1; }

step "Build the matmul benchmark"
mkdir -p "$BENCH_DIR"
nvcc -O2 -std=c++17 -o "$BENCH_DIR/gemm_bench" \
  "$ROOT/benchmarks/gpu/gemm_bench.cu" -lcublas -lcuda

step "GPU tests"
# -v prints the commands and output of failing tests only.
timeout 300 "$LIT" -v "$BUILD/test/Pipelines/nvptx" "$BUILD/test/Integration/NVPTX" ||
  status=1

step "Matmul benchmark: compile compress's kernels"
# Without a GPU, bench_run runs gemm_bench against the toolkit's stub
# driver, which is enough for `inspect` (it reads PTX only).
bench_run() {
  if [ -n "$chip" ]; then
    timeout 120 "$BENCH_DIR/gemm_bench" "$@"
  else
    mkdir -p "$BENCH_DIR/stub"
    ln -sf "$CUDA_HOME/lib64/stubs/libcuda.so" "$BENCH_DIR/stub/libcuda.so.1"
    LD_LIBRARY_PATH="$BENCH_DIR/stub" "$BENCH_DIR/gemm_bench" "$@"
  fi
}
compile_matmul() { # N TYPE ACC ZERO -> prints the matmul kernel's PTX file
  local n=$1 type=$2 acc=$3 zero=$4 dir="$BENCH_DIR/matmul-$2-$1"
  rm -rf "$dir" && mkdir -p "$dir"
  sed "s/@N@/$n/g; s/@IN@/$type/g; s/@ACC@/$acc/g; s/@ZERO@/$zero/g" \
    "$ROOT/benchmarks/gpu/matmul.mlir.in" >"$dir/matmul.mlir"
  "$BUILD/bin/compress-opt" "$dir/matmul.mlir" \
    --compress-lower-to-nvptx="chip=${chip:-sm_90} dump-ptx=$dir/ptx" -o /dev/null
  ls "$dir"/ptx/matmul_k1_*.ptx
}
declare -A ptx
for n in $SIZES; do
  ptx[i8_$n]="$(compile_matmul "$n" i8 i32 0)"
  ptx[f32_$n]="$(compile_matmul "$n" f32 f32 0.0)"
  for type in i8 f32; do
    bench_run inspect "${ptx[${type}_$n]}"
  done
  grep -q 'dp4a.s32.s32' "${ptx[i8_$n]}" ||
    { echo "gpu-check: no dp4a in ${ptx[i8_$n]}" >&2; status=1; }
done

if [ -z "$chip" ]; then
  step "Skipped without a GPU: execution tests (reported unsupported above) and benchmark timings"
  exit "$status"
fi

step "Matmul benchmark: run (kernel times, CUDA events, device buffers)"
results="$BENCH_DIR/results.txt"
: >"$results"
for n in $SIZES; do
  for type in i8 f32; do
    bench_run kernel "${ptx[${type}_$n]}" "$n" "$type" | tee -a "$results" || status=1
  done
  bench_run cublas "$n" | tee -a "$results" || status=1
done

step "Matmul rates (G(FL)OP/s) and ratios"
awk '
  $1 == "RESULT" { rate[$2 " " $3 " " $4] = $6; sizes[$4] = 1 }
  function r(a, b) { return (a > 0 && b > 0) ? sprintf("%.3f", a / b) : "-" }
  END {
    printf "%6s %12s %12s %9s %12s %12s %9s %11s %13s\n", "N",
      "f32 compress", "f32 cuBLAS", "f32 ratio", "i8 compress", "i8 cuBLAS",
      "i8 ratio", "i8/f32 ours", "i8/f32 cuBLAS"
    for (n in sizes) order[++count] = n + 0
    for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++)
      if (order[j] < order[i]) { t = order[i]; order[i] = order[j]; order[j] = t }
    for (i = 1; i <= count; i++) {
      n = order[i]
      cf = rate["compress f32 " n]; bf = rate["cublas f32 " n]
      ci = rate["compress i8 " n];  bi = rate["cublas i8 " n]
      printf "%6d %12s %12s %9s %12s %12s %9s %11s %13s\n", n, cf, bf,
        r(cf, bf), ci, bi, r(ci, bi), r(ci, cf), r(bi, bf)
    }
  }' "$results"
echo "(ratio = compress / cuBLAS; kernels only, one warm-up launch, then the mean of repeated launches)"
exit "$status"
