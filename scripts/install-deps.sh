#!/usr/bin/env bash
# Installs what building and testing compress needs on Debian 12 (bookworm):
# LLVM/MLIR 22, CMake, Ninja, a C++17 compiler, GoogleTest, Eigen, numpy,
# clang-format, the ONNX library and its node tests, and for models exported
# from PyTorch (tests and examples/fashion-mnist) python3-torch and the
# Fashion-MNIST dataset, and for benchmarks/models torchvision, matplotlib and
# GNU time, and for the Python package (compress_mlir) python3-dev and
# pybind11-dev. Skips apt entirely when everything is installed.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache git
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools
  libgtest-dev python3 python3-numpy clang-format
  # The data-aware passes' linear algebra (SparseGPT's Cholesky factors).
  libeigen3-dev
  libonnx-dev libprotobuf-dev protobuf-compiler python3-onnx libonnx-testdata
  python3-torch python3-venv dataset-fashion-mnist
  # python-bindings: the compress_mlir extension and its tests.
  python3-dev pybind11-dev
  # benchmarks/models: torchvision's models, the chart, peak memory.
  python3-torchvision python3-matplotlib time
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
