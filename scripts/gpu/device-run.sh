#!/usr/bin/env bash
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# The step of scripts/gpu-check.sh that runs on the GPU machine, which needs
# only the NVIDIA driver (and nvcc for the benchmark): runs every program that
# `gpu-check.sh prepare` compiled into BUNDLE/programs and the matmul
# benchmark of BUNDLE/bench, and packs what they printed into
# OUT/gpu-results.tar.gz for `gpu-check.sh finish`.
#
#   device-run.sh BUNDLE OUT
set -uo pipefail
bundle="$(cd "$1" && pwd)"
out="$2"
mkdir -p "$out"
work="$(mktemp -d)"
mkdir -p "$work/results"
nvidia-smi -L || echo "device-run: nvidia-smi lists no GPU" >&2
nvidia-smi --query-gpu=name,compute_cap,driver_version,clocks.max.sm --format=csv || true

echo "== test programs"
failed=0
count=0
for program in "$bundle"/programs/*; do
  [ -x "$program" ] || continue
  key="$(basename "$program")"
  mkdir -p "$work/results/$key"
  timeout 120 "$program" >"$work/results/$key/stdout" 2>"$work/results/$key/stderr"
  status=$?
  echo "$status" >"$work/results/$key/status"
  count=$((count + 1))
  if [ "$status" -ne 0 ]; then
    failed=$((failed + 1))
    echo "program $key: exit status $status"
    head -c 2000 "$work/results/$key/stderr"
  fi
done
echo "ran $count programs, $failed with a non-zero exit status"

if [ -d "$bundle/bench" ]; then
  echo "== matmul benchmark"
  bench="$bundle/bench/gemm_bench"
  # cuBLAS for the prebuilt gemm_bench: the toolkit's, or a Python wheel's.
  for dir in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib \
    /opt/*/.venv/lib/python3*/site-packages/nvidia/cu*/lib \
    /usr/local/lib/python3*/dist-packages/nvidia/cu*/lib; do
    [ -e "$dir/libcublas.so.13" ] && export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$dir"
  done
  # Prefer a gemm_bench built here, against this machine's cuBLAS.
  if command -v nvcc >/dev/null &&
    nvcc -O2 -std=c++17 -o "$work/gemm_bench" "$bundle/bench/gemm_bench.cu" \
      -lcublas -lcuda 2>"$work/nvcc.log"; then
    bench="$work/gemm_bench"
  else
    echo "device-run: nvcc could not build gemm_bench here; using the one built by prepare" >&2
    cat "$work/nvcc.log" >&2 2>/dev/null || true
  fi
  : >"$work/bench.txt"
  while read -r mode ptx n type; do
    if [ "$mode" = cublas ]; then
      timeout 120 "$bench" cublas "$n" 2>&1 | tee -a "$work/bench.txt"
    else
      timeout 120 "$bench" kernel "$bundle/bench/$ptx" "$n" "$type" 2>&1 |
        sed "s/^RESULT compress /RESULT $mode /" | tee -a "$work/bench.txt"
    fi
  done <"$bundle/bench/runs.txt"
  cp "$work/bench.txt" "$work/results/bench.txt"
fi
tar -C "$work" -czf "$out/gpu-results.tar.gz" results
echo "device-run: results in $out/gpu-results.tar.gz"
