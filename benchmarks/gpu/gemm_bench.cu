//===- gemm_bench.cu - compress's GPU matmul kernels against cuBLAS -------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Times square matmuls C = A B (row-major, N x N) on the GPU:
//
//   gemm_bench cublas N
//       cuBLAS SGEMM (f32) and cublasGemmEx int8 x int8 -> int32.
//   gemm_bench kernel PTX N i8|f32
//       the matmul kernel that --compress-lower-to-nvptx wrote to PTX (with
//       dump-ptx) for benchmarks/gpu/matmul.mlir.in (the `matmul_k1_*`
//       kernel), launched with the grid, block and shared memory sizes of
//       the `.launch` file that dump-ptx writes beside it, or one thread per
//       element of C when there is none.
//   gemm_bench inspect PTX
//       checks, without a GPU, that PTX has the kernel interface `kernel`
//       expects.
//
// Both time only kernels, with CUDA events around repeated launches on
// device buffers, after one warm-up launch. Each line of output is
//   RESULT <implementation> <type> <N> <milliseconds> <G(FL)OP/s>
// which scripts/gpu-check.sh turns into a table.
//
// The compress kernel's arguments are the memref descriptors (allocated and
// aligned pointer, offset, sizes, strides) of C, A and B, in that order: the
// order in which the kernel body first uses them (the accumulator is loaded
// before the inputs). The PTX must declare exactly those 21 parameters, and
// the result is checked against a host reference at sampled elements, so a
// change in the kernel's interface fails here instead of timing garbage.
//
//===----------------------------------------------------------------------===//

#include <cublas_v2.h>
#include <cuda.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace {

void fail(const char *what, const char *detail) {
  std::fprintf(stderr, "gemm_bench: %s: %s\n", what, detail);
  std::exit(1);
}

void checkCuda(cudaError_t result, const char *what) {
  if (result != cudaSuccess)
    fail(what, cudaGetErrorString(result));
}

void checkDriver(CUresult result, const char *what) {
  if (result == CUDA_SUCCESS)
    return;
  const char *message = nullptr;
  cuGetErrorString(result, &message);
  fail(what, message ? message : "unknown driver error");
}

void checkCublas(cublasStatus_t status, const char *what) {
  if (status != CUBLAS_STATUS_SUCCESS)
    fail(what, cublasGetStatusString(status));
}

int repeatsFor(int n) {
  if (n <= 512)
    return 50;
  if (n <= 1024)
    return 20;
  if (n <= 2048)
    return 10;
  return 3;
}

/// Milliseconds per call of `launch`, measured with CUDA events over
/// repeated calls after one warm-up call.
template <typename Launch>
double timeMilliseconds(Launch launch, int repeats) {
  cudaEvent_t start, stop;
  checkCuda(cudaEventCreate(&start), "cudaEventCreate");
  checkCuda(cudaEventCreate(&stop), "cudaEventCreate");
  launch();
  checkCuda(cudaDeviceSynchronize(), "warm-up");
  checkCuda(cudaEventRecord(start), "cudaEventRecord");
  for (int i = 0; i < repeats; ++i)
    launch();
  checkCuda(cudaEventRecord(stop), "cudaEventRecord");
  checkCuda(cudaEventSynchronize(stop), "timed launches");
  float milliseconds = 0;
  checkCuda(cudaEventElapsedTime(&milliseconds, start, stop),
            "cudaEventElapsedTime");
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return milliseconds / repeats;
}

void report(const char *implementation, const char *type, int n, double ms) {
  double ops = 2.0 * n * double(n) * n;
  std::printf("RESULT %s %s %d %.4f %.1f\n", implementation, type, n, ms,
              ops / (ms * 1e-3) / 1e9);
  std::fflush(stdout);
}

/// A device buffer of `count` elements, filled from `host` when given.
template <typename T>
T *deviceBuffer(size_t count, const std::vector<T> *host) {
  T *pointer = nullptr;
  checkCuda(cudaMalloc(&pointer, count * sizeof(T)), "cudaMalloc");
  if (host)
    checkCuda(cudaMemcpy(pointer, host->data(), count * sizeof(T),
                         cudaMemcpyHostToDevice),
              "cudaMemcpy");
  return pointer;
}

std::vector<int8_t> randomInt8(size_t count, std::mt19937 &random) {
  std::uniform_int_distribution<int> values(-128, 127);
  std::vector<int8_t> data(count);
  for (int8_t &value : data)
    value = static_cast<int8_t>(values(random));
  return data;
}

std::vector<float> randomFloat(size_t count, std::mt19937 &random) {
  std::uniform_real_distribution<float> values(-1.0f, 1.0f);
  std::vector<float> data(count);
  for (float &value : data)
    value = values(random);
  return data;
}

//===----------------------------------------------------------------------===//
// cuBLAS
//===----------------------------------------------------------------------===//

/// cuBLAS is column-major: row-major C = A B is column-major C^T = B^T A^T,
/// so SGEMM gets B first. The int8 GEMM uses the transposed-A (TN) layout,
/// which cuBLAS's int8 tensor-core kernels support on every architecture;
/// only its time is reported.
void benchmarkCublas(int n) {
  std::mt19937 random(7);
  size_t count = size_t(n) * n;
  cublasHandle_t handle;
  checkCublas(cublasCreate(&handle), "cublasCreate");

  std::vector<float> aF = randomFloat(count, random);
  std::vector<float> bF = randomFloat(count, random);
  float *a = deviceBuffer(count, &aF), *b = deviceBuffer(count, &bF);
  float *c = deviceBuffer<float>(count, nullptr);
  float one = 1.0f, zero = 0.0f;
  double ms = timeMilliseconds(
      [&] {
        checkCublas(cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one,
                                b, n, a, n, &zero, c, n),
                    "cublasSgemm");
      },
      repeatsFor(n));
  report("cublas", "f32", n, ms);
  cudaFree(a);
  cudaFree(b);
  cudaFree(c);

  std::vector<int8_t> aI = randomInt8(count, random);
  std::vector<int8_t> bI = randomInt8(count, random);
  int8_t *a8 = deviceBuffer(count, &aI), *b8 = deviceBuffer(count, &bI);
  int32_t *c32 = deviceBuffer<int32_t>(count, nullptr);
  int32_t oneI = 1, zeroI = 0;
  ms = timeMilliseconds(
      [&] {
        checkCublas(cublasGemmEx(handle, CUBLAS_OP_T, CUBLAS_OP_N, n, n, n,
                                 &oneI, a8, CUDA_R_8I, n, b8, CUDA_R_8I, n,
                                 &zeroI, c32, CUDA_R_32I, n, CUBLAS_COMPUTE_32I,
                                 CUBLAS_GEMM_DEFAULT),
                    "cublasGemmEx int8");
      },
      repeatsFor(n));
  report("cublas", "i8", n, ms);
  cudaFree(a8);
  cudaFree(b8);
  cudaFree(c32);
  cublasDestroy(handle);
}

//===----------------------------------------------------------------------===//
// compress kernels
//===----------------------------------------------------------------------===//

struct PtxKernel {
  std::string text;
  std::string name;
  int blockSize = 0;
  int parameters = 0;
  // Launch sizes from the `.launch` file, or a 1-D grid of blockSize
  // threads per block over C when there is none.
  bool haveLaunch = false;
  unsigned grid[3] = {1, 1, 1};
  unsigned block[3] = {1, 1, 1};
  unsigned sharedBytes = 0;
};

/// Reads `<ptx without .ptx>.launch` (written by dump-ptx) into `kernel`.
void readLaunch(const std::string &ptxPath, PtxKernel &kernel) {
  std::string path = ptxPath;
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".ptx") == 0)
    path.resize(path.size() - 4);
  path += ".launch";
  std::ifstream file(path);
  if (!file)
    return;
  std::string key;
  bool sawGrid = false, sawBlock = false;
  while (file >> key) {
    if (key == "grid") {
      sawGrid = bool(file >> kernel.grid[0] >> kernel.grid[1] >> kernel.grid[2]);
    } else if (key == "block") {
      sawBlock =
          bool(file >> kernel.block[0] >> kernel.block[1] >> kernel.block[2]);
    } else if (key == "shared") {
      file >> kernel.sharedBytes;
    } else {
      fail("unknown line in", path.c_str());
    }
  }
  if (!sawGrid || !sawBlock)
    fail("no grid and block sizes in", path.c_str());
  kernel.haveLaunch = true;
}

/// The one kernel of a PTX file written by dump-ptx: its name, its
/// `.maxntid` (the block size it was compiled for) and its parameter count.
PtxKernel readKernel(const char *path) {
  std::ifstream file(path);
  if (!file)
    fail("cannot read", path);
  std::stringstream contents;
  contents << file.rdbuf();
  PtxKernel kernel;
  kernel.text = contents.str();
  std::smatch match;
  if (!std::regex_search(kernel.text, match,
                         std::regex(R"(\.entry\s+(\w+)\s*\(([^)]*)\))")))
    fail("no .entry in", path);
  kernel.name = match[1];
  std::string parameters = match[2];
  for (size_t at = parameters.find(".param"); at != std::string::npos;
       at = parameters.find(".param", at + 1))
    ++kernel.parameters;
  if (!std::regex_search(kernel.text, match,
                         std::regex(R"(\.maxntid\s+(\d+))")))
    fail("no .maxntid in", path);
  kernel.blockSize = std::stoi(match[1]);
  readLaunch(path, kernel);
  return kernel;
}

/// The fields of a row-major N x N memref descriptor, as kernel arguments.
struct Descriptor {
  void *allocated;
  void *aligned;
  int64_t offset = 0;
  int64_t sizes[2];
  int64_t strides[2];

  Descriptor(void *data, int n)
      : allocated(data), aligned(data), sizes{n, n}, strides{n, 1} {}

  void appendTo(std::vector<void *> &arguments) {
    for (void *field : {(void *)&allocated, (void *)&aligned, (void *)&offset,
                        (void *)&sizes[0], (void *)&sizes[1],
                        (void *)&strides[0], (void *)&strides[1]})
      arguments.push_back(field);
  }
};

/// Compares sampled elements of the kernel's C with a host computation:
/// exact for int8 (int32 accumulation of int8 products cannot overflow for
/// these sizes), within a float rounding bound for f32.
template <typename In, typename Acc>
bool matchesReference(const std::vector<In> &a, const std::vector<In> &b,
                      const std::vector<Acc> &c, int n) {
  std::mt19937 random(11);
  std::uniform_int_distribution<int> index(0, n - 1);
  for (int sample = 0; sample < 64; ++sample) {
    int i = index(random), j = index(random);
    double exact = 0, magnitude = 0;
    for (int k = 0; k < n; ++k) {
      double product = double(a[size_t(i) * n + k]) * b[size_t(k) * n + j];
      exact += product;
      magnitude += std::fabs(product);
    }
    double got = c[size_t(i) * n + j];
    // A sum of n float products, each rounding step off by at most one
    // unit in the last place of the running sum.
    double bound = std::is_floating_point<Acc>::value
                       ? n * std::ldexp(1.0, -24) * magnitude
                       : 0.0;
    if (std::fabs(got - exact) > bound) {
      std::fprintf(stderr, "gemm_bench: C[%d][%d] = %.6g, expected %.6g\n", i,
                   j, got, exact);
      return false;
    }
  }
  return true;
}

void checkInterface(const PtxKernel &kernel) {
  constexpr int kDescriptorFields = 7;
  if (kernel.parameters == 3 * kDescriptorFields)
    return;
  std::fprintf(stderr,
               "gemm_bench: %s has %d parameters, expected the descriptors "
               "of C, A and B (%d)\n",
               kernel.name.c_str(), kernel.parameters, 3 * kDescriptorFields);
  std::exit(1);
}

template <typename In, typename Acc>
void benchmarkKernel(const PtxKernel &kernel, int n, const char *type,
                     std::vector<In> (*makeInput)(size_t, std::mt19937 &)) {
  checkInterface(kernel);
  checkCuda(cudaFree(nullptr), "CUDA initialization");
  CUmodule module;
  checkDriver(cuModuleLoadData(&module, kernel.text.c_str()),
              "cuModuleLoadData (PTX JIT)");
  CUfunction function;
  checkDriver(cuModuleGetFunction(&function, module, kernel.name.c_str()),
              "cuModuleGetFunction");

  std::mt19937 random(5);
  size_t count = size_t(n) * n;
  std::vector<In> a = makeInput(count, random), b = makeInput(count, random);
  In *aDevice = deviceBuffer(count, &a), *bDevice = deviceBuffer(count, &b);
  Acc *cDevice = deviceBuffer<Acc>(count, nullptr);
  Descriptor cArg(cDevice, n), aArg(aDevice, n), bArg(bDevice, n);
  std::vector<void *> arguments;
  cArg.appendTo(arguments);
  aArg.appendTo(arguments);
  bArg.appendTo(arguments);

  unsigned grid[3] = {unsigned((count + kernel.blockSize - 1) /
                                 kernel.blockSize),
                        1, 1};
  unsigned block[3] = {unsigned(kernel.blockSize), 1, 1};
  if (kernel.haveLaunch) {
    std::copy(kernel.grid, kernel.grid + 3, grid);
    std::copy(kernel.block, kernel.block + 3, block);
  }
  auto launch = [&] {
    checkDriver(cuLaunchKernel(function, grid[0], grid[1], grid[2], block[0],
                               block[1], block[2], kernel.sharedBytes, nullptr,
                               arguments.data(), nullptr),
                "cuLaunchKernel");
  };

  // The kernel accumulates into C, as linalg.matmul does: zero it first.
  checkCuda(cudaMemset(cDevice, 0, count * sizeof(Acc)), "cudaMemset");
  launch();
  checkCuda(cudaDeviceSynchronize(), kernel.name.c_str());
  std::vector<Acc> c(count);
  checkCuda(cudaMemcpy(c.data(), cDevice, count * sizeof(Acc),
                       cudaMemcpyDeviceToHost),
            "cudaMemcpy");
  if (!matchesReference(a, b, c, n))
    fail(kernel.name.c_str(), "wrong result");

  report("compress", type, n, timeMilliseconds(launch, repeatsFor(n)));
  cudaFree(aDevice);
  cudaFree(bDevice);
  cudaFree(cDevice);
  cuModuleUnload(module);
}

} // namespace

int main(int argc, char **argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "cublas" && argc == 3) {
    benchmarkCublas(std::atoi(argv[2]));
    return 0;
  }
  if (mode == "inspect" && argc == 3) {
    // What `kernel` would launch, checked without a GPU.
    PtxKernel kernel = readKernel(argv[2]);
    checkInterface(kernel);
    std::printf("%s: %d parameters, ", kernel.name.c_str(), kernel.parameters);
    if (kernel.haveLaunch)
      std::printf("grid %u x %u x %u, block %u x %u x %u, %u bytes shared\n",
                  kernel.grid[0], kernel.grid[1], kernel.grid[2],
                  kernel.block[0], kernel.block[1], kernel.block[2],
                  kernel.sharedBytes);
    else
      std::printf("%d threads per block over C (no .launch file)\n",
                  kernel.blockSize);
    return 0;
  }
  if (mode == "kernel" && argc == 5) {
    PtxKernel kernel = readKernel(argv[2]);
    int n = std::atoi(argv[3]);
    std::string type = argv[4];
    if (type == "i8")
      benchmarkKernel<int8_t, int32_t>(kernel, n, "i8", randomInt8);
    else if (type == "f32")
      benchmarkKernel<float, float>(kernel, n, "f32", randomFloat);
    else
      fail("unknown type", type.c_str());
    return 0;
  }
  std::fprintf(stderr, "usage: gemm_bench cublas N\n"
                       "       gemm_bench kernel PTX N i8|f32\n"
                       "       gemm_bench inspect PTX\n");
  return 2;
}
