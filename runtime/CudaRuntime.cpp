//===- CudaRuntime.cpp - the mgpu* functions over the CUDA driver API -----===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// MLIR's gpu-to-llvm lowering turns gpu.binary, gpu.launch_func, gpu.alloc,
// gpu.memcpy, ... into calls to `mgpu*` functions. Debian's MLIR ships no
// library defining them, so this is compress's own, with the signatures the
// LLVM 22 lowering emits (see the declarations in a module lowered by
// --compress-lower-to-nvptx). mlir-runner loads it with -shared-libs.
//
// Every call runs in the primary context of one device (0, or the one
// mgpuSetDefaultDevice chose). The lowered host code has no way to react to
// an error, and results computed after one are meaningless, so a failing
// CUDA call prints what failed and aborts the process. The one exception is
// unloading modules while the process exits (the global destructors of a
// program compiled ahead of time): by then the driver has shut itself down,
// and the process's end frees the modules anyway.
//
//===----------------------------------------------------------------------===//

#include <cuda.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#define COMPRESS_CUDA_EXPORT extern "C" __attribute__((visibility("default")))

/// The leading fields of a ranked memref descriptor; sizes[rank] and
/// strides[rank] (int64_t each) follow.
struct MemRefDescriptorHead {
  char *allocated;
  char *aligned;
  int64_t offset;
};

namespace {

void check(CUresult result, const char *call) {
  if (result == CUDA_SUCCESS)
    return;
  const char *name = nullptr;
  const char *message = nullptr;
  cuGetErrorName(result, &name);
  cuGetErrorString(result, &message);
  std::fprintf(stderr, "compress-cuda-runtime: %s failed: %s (%s)\n", call,
               name ? name : "unknown error", message ? message : "");
  std::abort();
}

#define CHECK(call) check((call), #call)

int32_t defaultDevice = 0;

/// Set by an exit handler registered after cuInit, so that it runs before
/// the driver's own shutdown and before the global destructors of the
/// program (which unload its modules).
std::atomic<bool> processExiting{false};

/// The primary context of the default device, retained on first use.
CUcontext primaryContext() {
  static CUcontext context = [] {
    CHECK(cuInit(/*Flags=*/0));
    std::atexit([] { processExiting = true; });
    CUdevice device;
    CHECK(cuDeviceGet(&device, defaultDevice));
    CUcontext retained;
    CHECK(cuDevicePrimaryCtxRetain(&retained, device));
    return retained;
  }();
  return context;
}

/// Makes the primary context current for the scope of one runtime call and
/// restores the caller's context afterwards.
class ScopedContext {
public:
  ScopedContext() { CHECK(cuCtxPushCurrent(primaryContext())); }
  ~ScopedContext() { CHECK(cuCtxPopCurrent(nullptr)); }
};

const int64_t *sizesOf(const MemRefDescriptorHead *descriptor) {
  return reinterpret_cast<const int64_t *>(descriptor + 1);
}

/// Bytes spanned by a memref from its first element, for registering it.
uint64_t spannedBytes(int64_t rank, const MemRefDescriptorHead *descriptor,
                      int64_t elementBytes) {
  const int64_t *sizes = sizesOf(descriptor);
  const int64_t *strides = sizes + rank;
  int64_t lastElement = 0;
  for (int64_t d = 0; d < rank; ++d) {
    if (sizes[d] == 0)
      return 0;
    lastElement += (sizes[d] - 1) * strides[d];
  }
  return static_cast<uint64_t>(lastElement + 1) * elementBytes;
}

char *firstElement(const MemRefDescriptorHead *descriptor,
                   int64_t elementBytes) {
  return descriptor->aligned + descriptor->offset * elementBytes;
}

} // namespace

//===----------------------------------------------------------------------===//
// Modules and kernels
//===----------------------------------------------------------------------===//

/// A cubin, fatbin or null-terminated PTX image (format=bin|fatbin).
COMPRESS_CUDA_EXPORT CUmodule mgpuModuleLoad(void *data,
                                             size_t /*gpuBlobSize*/) {
  ScopedContext scope;
  CUmodule module = nullptr;
  CHECK(cuModuleLoadData(&module, data));
  return module;
}

/// Null-terminated PTX (format=isa), compiled by the driver's JIT.
COMPRESS_CUDA_EXPORT CUmodule mgpuModuleLoadJIT(void *data, int optLevel) {
  ScopedContext scope;
  char log[8192] = {0};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                            CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {log, reinterpret_cast<void *>(sizeof(log)),
                    reinterpret_cast<void *>(static_cast<intptr_t>(optLevel))};
  CUmodule module = nullptr;
  CUresult result = cuModuleLoadDataEx(&module, data, 3, options, values);
  if (result != CUDA_SUCCESS)
    std::fprintf(stderr, "compress-cuda-runtime: PTX JIT log:\n%s\n", log);
  check(result, "cuModuleLoadDataEx");
  return module;
}

COMPRESS_CUDA_EXPORT void mgpuModuleUnload(CUmodule module) {
  if (processExiting)
    return;
  ScopedContext scope;
  CHECK(cuModuleUnload(module));
}

COMPRESS_CUDA_EXPORT CUfunction mgpuModuleGetFunction(CUmodule module,
                                                      const char *name) {
  ScopedContext scope;
  CUfunction function = nullptr;
  CHECK(cuModuleGetFunction(&function, module, name));
  return function;
}

namespace {
/// Kernels that ask for more than the default 48 KiB of dynamic shared
/// memory must opt in first.
void allowSharedMemory(CUfunction function, int32_t bytes) {
  constexpr int32_t kDefaultLimit = 48 * 1024;
  if (bytes > kDefaultLimit)
    CHECK(cuFuncSetAttribute(
        function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes));
}
} // namespace

// Sizes are intptr_t, MLIR's index type, rather than CUDA's unsigned int.
COMPRESS_CUDA_EXPORT void
mgpuLaunchKernel(CUfunction function, intptr_t gridX, intptr_t gridY,
                 intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                 intptr_t blockZ, int32_t sharedMemoryBytes, CUstream stream,
                 void **params, void **extra, size_t /*paramsCount*/) {
  ScopedContext scope;
  allowSharedMemory(function, sharedMemoryBytes);
  CHECK(cuLaunchKernel(function, gridX, gridY, gridZ, blockX, blockY, blockZ,
                       sharedMemoryBytes, stream, params, extra));
}

COMPRESS_CUDA_EXPORT void mgpuLaunchClusterKernel(
    CUfunction function, intptr_t clusterX, intptr_t clusterY,
    intptr_t clusterZ, intptr_t gridX, intptr_t gridY, intptr_t gridZ,
    intptr_t blockX, intptr_t blockY, intptr_t blockZ,
    int32_t sharedMemoryBytes, CUstream stream, void **params, void **extra) {
  ScopedContext scope;
  allowSharedMemory(function, sharedMemoryBytes);
  CUlaunchAttribute cluster = {};
  cluster.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
  cluster.value.clusterDim.x = static_cast<unsigned>(clusterX);
  cluster.value.clusterDim.y = static_cast<unsigned>(clusterY);
  cluster.value.clusterDim.z = static_cast<unsigned>(clusterZ);
  CUlaunchConfig config = {};
  config.gridDimX = static_cast<unsigned>(gridX);
  config.gridDimY = static_cast<unsigned>(gridY);
  config.gridDimZ = static_cast<unsigned>(gridZ);
  config.blockDimX = static_cast<unsigned>(blockX);
  config.blockDimY = static_cast<unsigned>(blockY);
  config.blockDimZ = static_cast<unsigned>(blockZ);
  config.sharedMemBytes = static_cast<unsigned>(sharedMemoryBytes);
  config.hStream = stream;
  config.attrs = &cluster;
  config.numAttrs = 1;
  CHECK(cuLaunchKernelEx(&config, function, params, extra));
}

//===----------------------------------------------------------------------===//
// Streams and events
//===----------------------------------------------------------------------===//

COMPRESS_CUDA_EXPORT CUstream mgpuStreamCreate() {
  ScopedContext scope;
  CUstream stream = nullptr;
  CHECK(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
  return stream;
}

COMPRESS_CUDA_EXPORT void mgpuStreamDestroy(CUstream stream) {
  ScopedContext scope;
  CHECK(cuStreamDestroy(stream));
}

COMPRESS_CUDA_EXPORT void mgpuStreamSynchronize(CUstream stream) {
  ScopedContext scope;
  CHECK(cuStreamSynchronize(stream));
}

COMPRESS_CUDA_EXPORT void mgpuStreamWaitEvent(CUstream stream, CUevent event) {
  ScopedContext scope;
  CHECK(cuStreamWaitEvent(stream, event, /*Flags=*/0));
}

COMPRESS_CUDA_EXPORT CUevent mgpuEventCreate() {
  ScopedContext scope;
  CUevent event = nullptr;
  CHECK(cuEventCreate(&event, CU_EVENT_DISABLE_TIMING));
  return event;
}

COMPRESS_CUDA_EXPORT void mgpuEventDestroy(CUevent event) {
  ScopedContext scope;
  CHECK(cuEventDestroy(event));
}

COMPRESS_CUDA_EXPORT void mgpuEventSynchronize(CUevent event) {
  ScopedContext scope;
  CHECK(cuEventSynchronize(event));
}

COMPRESS_CUDA_EXPORT void mgpuEventRecord(CUevent event, CUstream stream) {
  ScopedContext scope;
  CHECK(cuEventRecord(event, stream));
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

/// Device memory, or (host_shared) managed memory that host code can also
/// read and write. Zero bytes give a null pointer: the driver refuses empty
/// allocations, and lowered code does allocate empty buffers.
COMPRESS_CUDA_EXPORT void *mgpuMemAlloc(uint64_t bytes, CUstream /*stream*/,
                                        bool isHostShared) {
  if (bytes == 0)
    return nullptr;
  ScopedContext scope;
  CUdeviceptr pointer = 0;
  if (isHostShared)
    CHECK(cuMemAllocManaged(&pointer, bytes, CU_MEM_ATTACH_GLOBAL));
  else
    CHECK(cuMemAlloc(&pointer, bytes));
  return reinterpret_cast<void *>(pointer);
}

COMPRESS_CUDA_EXPORT void mgpuMemFree(void *pointer, CUstream /*stream*/) {
  if (!pointer)
    return;
  ScopedContext scope;
  CHECK(cuMemFree(reinterpret_cast<CUdeviceptr>(pointer)));
}

COMPRESS_CUDA_EXPORT void mgpuMemcpy(void *destination, void *source,
                                     size_t bytes, CUstream stream) {
  if (bytes == 0)
    return;
  ScopedContext scope;
  CHECK(cuMemcpyAsync(reinterpret_cast<CUdeviceptr>(destination),
                      reinterpret_cast<CUdeviceptr>(source), bytes, stream));
}

COMPRESS_CUDA_EXPORT void mgpuMemset32(void *destination, unsigned int value,
                                       size_t count, CUstream stream) {
  if (count == 0)
    return;
  ScopedContext scope;
  CHECK(cuMemsetD32Async(reinterpret_cast<CUdeviceptr>(destination), value,
                         count, stream));
}

COMPRESS_CUDA_EXPORT void mgpuMemset16(void *destination, unsigned short value,
                                       size_t count, CUstream stream) {
  if (count == 0)
    return;
  ScopedContext scope;
  CHECK(cuMemsetD16Async(reinterpret_cast<CUdeviceptr>(destination), value,
                         count, stream));
}

/// Page-locks host memory and maps it for the device (gpu.host_register).
COMPRESS_CUDA_EXPORT void mgpuMemHostRegister(void *pointer, uint64_t bytes) {
  if (bytes == 0)
    return;
  ScopedContext scope;
  CHECK(cuMemHostRegister(pointer, bytes, CU_MEMHOSTREGISTER_DEVICEMAP));
}

COMPRESS_CUDA_EXPORT void mgpuMemHostUnregister(void *pointer) {
  ScopedContext scope;
  CHECK(cuMemHostUnregister(pointer));
}

COMPRESS_CUDA_EXPORT void
mgpuMemHostRegisterMemRef(int64_t rank, MemRefDescriptorHead *descriptor,
                          int64_t elementBytes) {
  mgpuMemHostRegister(firstElement(descriptor, elementBytes),
                      spannedBytes(rank, descriptor, elementBytes));
}

COMPRESS_CUDA_EXPORT void
mgpuMemHostUnregisterMemRef(int64_t rank, MemRefDescriptorHead *descriptor,
                            int64_t elementBytes) {
  if (spannedBytes(rank, descriptor, elementBytes) == 0)
    return;
  mgpuMemHostUnregister(firstElement(descriptor, elementBytes));
}

/// Takes effect only before the first call that needs the device.
COMPRESS_CUDA_EXPORT void mgpuSetDefaultDevice(int32_t device) {
  defaultDevice = device;
}
