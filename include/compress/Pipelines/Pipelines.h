//===- Pipelines.h - compress pass pipelines --------------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_PIPELINES_PIPELINES_H
#define COMPRESS_PIPELINES_PIPELINES_H

#include "compress/Codegen/NVPTX/NVPTXTarget.h"
#include "compress/Dialect/Compress/Transforms/PassOptions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::compress {

/// Marks the host wrappers of compress-run and compress-compile (unit
/// attribute on the func.func): their output arguments are the caller's
/// buffers, which do not overlap the inputs, and compress-lower-to-cpu's
/// results-to-destinations may have the model write into them directly.
inline constexpr llvm::StringLiteral kHostWrapperAttr = "compress.host_wrapper";

/// Options of the `compress-lower-to-cpu` pipeline.
struct LowerToCPUOptions : public PassPipelineOptions<LowerToCPUOptions> {
  PassOptions::Option<bool> fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Fuse producer/consumer elementwise linalg ops before "
                     "bufferization"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> orderLoops{
      *this, "order-loops",
      llvm::cl::desc("Run compress-order-loops, so that the innermost loop "
                     "of matmuls and convolutions vectorizes"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> vectorize{
      *this, "vectorize",
      llvm::cl::desc("Run compress-vectorize-convolutions and "
                     "compress-vectorize-matmuls: vector code for "
                     "convolutions and matmul-like ops"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> microkernels{
      *this, "microkernels",
      llvm::cl::desc("Compute matmuls and convolutions with the CPU kernel "
                     "library (compress-cpu-select-kernels, "
                     "compress-cpu-lower-kernels); the program then needs "
                     "libcompress_cpu_runtime at run time"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> convEpilogues{
      *this, "conv-epilogues",
      llvm::cl::desc("Compute the bias, residual and clamp epilogues of f32 "
                     "convolutions inside the kernel calls "
                     "(compress-cpu-lower-kernels' fuse-epilogues)"),
      llvm::cl::init(true)};
  PassOptions::Option<double> sparseThreshold{
      *this, "sparse-threshold",
      llvm::cl::desc("Store constant int8 GEMM weights with at least this "
                     "fraction of zeros as their non-zeros, for the sparse "
                     "kernels (compress-cpu-lower-kernels' sparse-threshold; "
                     "above 1: never)"),
      llvm::cl::init(0.65)};
  PassOptions::Option<bool> pack2of4{
      *this, "pack-2of4",
      llvm::cl::desc("Store constant int8 GEMM weights that are 2:4 along K "
                     "as their kept pairs for the 2:4 kernels "
                     "(compress-cpu-lower-kernels' pack-2of4)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> packInt4{
      *this, "pack-int4",
      llvm::cl::desc("Store constant int8 GEMM weights whose values fit in "
                     "4 bits two per byte for the 4-bit kernels "
                     "(compress-cpu-lower-kernels' pack-int4), and 4-bit "
                     "weights dequantized for float kernels two per byte "
                     "(convert-compress-to-linalg's pack-int4)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> arena{
      *this, "arena",
      llvm::cl::desc("Place intermediate buffers at fixed offsets of one "
                     "per-thread arena kept between calls "
                     "(compress-cpu-plan-arena) instead of a malloc and free "
                     "per buffer and call; needs libcompress_cpu_runtime"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> resultsToDestinations{
      *this, "results-to-destinations",
      llvm::cl::desc("After bufferization, private functions write their "
                     "static memref results into buffers their callers "
                     "pass, and a caller that copies such a result into a "
                     "buffer nothing else uses passes that buffer (the host "
                     "wrappers of compress-run and compress-compile no "
                     "longer copy each result)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> splitBatch{
      *this, "split-batch",
      llvm::cl::desc("Run functions whose samples are computed independently "
                     "a chunk of samples at a time (compress-split-batch), "
                     "so that a chunk's activations stay in the caches"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> batchBytes{
      *this, "batch-bytes",
      llvm::cl::desc("compress-split-batch's max-bytes: the largest bytes of "
                     "one activation in a chunk"),
      llvm::cl::init(4 << 20)};
  PassOptions::Option<int64_t> batchChunk{
      *this, "batch-chunk",
      llvm::cl::desc("compress-split-batch's chunk: samples per chunk (0: "
                     "from batch-bytes)"),
      llvm::cl::init(0)};
  PassOptions::Option<bool> approximateErf{
      *this, "approximate-erf",
      llvm::cl::desc("Compute f32 erf with a vectorizable polynomial "
                     "(compress-approximate-erf, error below 2.5e-7) instead "
                     "of libm's scalar erff"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> approximateExp{
      *this, "approximate-exp",
      llvm::cl::desc("Compute f32 exp with a vectorizable polynomial "
                     "(compress-approximate-exp, relative error below 1e-7) "
                     "instead of libm's scalar expf"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> parallelLoops{
      *this, "parallel-loops",
      llvm::cl::desc("Run large loop nests of ops no kernel takes on the "
                     "kernels' threads (compress-cpu-parallelize-loops; needs "
                     "microkernels)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> tableLookup{
      *this, "table-lookup",
      llvm::cl::desc("Compute the parts of elementwise ops that depend on "
                     "one 8-bit value by table lookup (compress-table-lookup)"),
      llvm::cl::init(true)};
  PassOptions::Option<std::string> cpu{
      *this, "cpu",
      llvm::cl::desc("Target CPU of the kernels: host, portable, avx2, "
                     "avx512, avx512-vnni, amx, an x86-64 CPU name or a "
                     "feature list"),
      llvm::cl::init("host")};
  PassOptions::Option<int64_t> threads{
      *this, "threads",
      llvm::cl::desc("Threads each kernel call uses (0: all cores)"),
      llvm::cl::init(0)};
  PassOptions::Option<bool> reassociateFPReductions{
      *this, "reassociate-fp-reductions",
      llvm::cl::desc("Let vector float reductions add their lanes as a tree "
                     "(fast); false sums them in order, as the loops do"),
      llvm::cl::init(true)};
};

/// compress ops are converted to linalg first (convert-compress-to-linalg),
/// then linalg (and tensor/arith/math) on tensors, float or integer, down to
/// the LLVM dialect: elementwise fusion, one-shot bufferization with ownership
/// based deallocation, loops, and the conversions to LLVM. The result runs
/// under `mlir-runner` with the runner-utils libraries.
void buildLowerToCPUPipeline(OpPassManager &pm,
                             const LowerToCPUOptions &options);

/// Options of the `compress-ptq` pipeline: those of the passes it chains.
struct PTQOptions : public PassPipelineOptions<PTQOptions> {
  PassOptions::Option<std::string> data{
      *this, "data", llvm::cl::desc("Directory of .npy calibration samples")};
  PassOptions::Option<CalibrationMethod> method{
      *this, "method",
      llvm::cl::desc("Calibration method: minmax, moving-average, "
                     "percentile, entropy or mse"),
      llvm::cl::init(kDefaultCalibrationMethod), calibrationMethodValues()};
  PassOptions::Option<std::string> entry{
      *this, "entry", llvm::cl::desc("Function the samples are for")};
  PassOptions::Option<std::string> stats{
      *this, "stats", llvm::cl::desc("Write the recorded ranges to this file")};
  PassOptions::Option<double> percentile{
      *this, "percentile", llvm::cl::desc("Percentile for method=percentile"),
      llvm::cl::init(kDefaultPercentile)};
  PassOptions::Option<ActivationStorage> activationType{
      *this, "activation-type",
      llvm::cl::desc("Activation storage: u8 (x86 VNNI) or i8 (NVIDIA)"),
      llvm::cl::init(kDefaultActivationStorage), activationStorageValues()};
  PassOptions::Option<bool> symmetric{
      *this, "symmetric", llvm::cl::desc("Symmetric activation ranges"),
      llvm::cl::init(kDefaultSymmetricActivations)};
  PassOptions::Option<unsigned> weightBits{
      *this, "weight-bits", llvm::cl::desc("Bit width of the weights"),
      llvm::cl::init(kDefaultWeightBits)};
  PassOptions::Option<WeightGranularity> granularity{
      *this, "granularity",
      llvm::cl::desc("Weight scales: per-channel or per-tensor"),
      llvm::cl::init(kDefaultWeightGranularity), weightGranularityValues()};
  PassOptions::Option<unsigned> weightGroupSize{
      *this, "weight-group-size",
      llvm::cl::desc("With granularity=per-channel: one weight scale per this "
                     "many consecutive input channels of each output channel "
                     "(0: one per output channel). Such layers keep float "
                     "arithmetic on their dequantized weights; the integer "
                     "kernels take one scale per channel"),
      llvm::cl::init(0)};
  PassOptions::Option<WeightRangeChoice> weightRange{
      *this, "weight-range",
      llvm::cl::desc("The range each weight scale covers: minmax, mse "
                     "(clipped where that lowers the rounding error) or "
                     "auto (mse for GPTQ below 8 bits)"),
      llvm::cl::init(WeightRangeChoice::Auto), weightRangeChoiceValues()};
  PassOptions::Option<WeightQuantAlgorithm> weightAlgorithm{
      *this, "weight-algorithm",
      llvm::cl::desc("Weight rounding: rtn (to nearest) or gptq (GPTQ on "
                     "the calibration data, with the activations quantized)"),
      llvm::cl::init(WeightQuantAlgorithm::RoundToNearest),
      weightQuantAlgorithmValues()};
  PassOptions::Option<double> weightMaxError{
      *this, "weight-max-error",
      llvm::cl::desc("Per-layer weight widths: the fewest of 2, 3, 4, 8 "
                     "and weight-bits bits whose layer output error on the "
                     "data is at most this (0: off)"),
      llvm::cl::init(0.0)};
  PassOptions::Option<double> weightSize{
      *this, "weight-size",
      llvm::cl::desc("Per-layer weight widths under a size budget: the "
                     "weights' bits at most this fraction of their bits at "
                     "weight-bits, with the least summed squared layer "
                     "output error on the data (0: off; excludes "
                     "weight-max-error)"),
      llvm::cl::init(0.0)};
  PassOptions::Option<bool> weightPrune{
      *this, "weight-prune",
      llvm::cl::desc("With weight-size: also weigh matmul weights pruned by "
                     "SparseGPT to 2:4, 4:16, 2:16, 75% or 90% zeros at 8 bits "
                     "(compress-quantize-weights prune)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> weightGains{
      *this, "weight-gains",
      llvm::cl::desc("With weight-size: weigh each layer's errors by how much "
                     "of them reaches the model's output (one run of the "
                     "model per layer; compress-quantize-weights gains)"),
      llvm::cl::init(true)};
  PassOptions::Option<RequantizeRounding> rounding{
      *this, "rounding", llvm::cl::desc("Requantization: fixed_point or float"),
      llvm::cl::init(kDefaultRequantizeRounding), requantizeRoundingValues()};
  PassOptions::Option<bool> lower{
      *this, "lower",
      llvm::cl::desc("Also lower to LLVM with compress-lower-to-cpu"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> toLinalg{
      *this, "to-linalg",
      llvm::cl::desc(
          "With lower=false: convert the compress ops to linalg "
          "(convert-compress-to-linalg). false stops after compress-fuse-qdq, "
          "so that compress-compile or compress-lower-to-cpu can make each "
          "int8 kernel's requantization its epilogue"),
      llvm::cl::init(true)};
};

/// Post-training quantization in one pipeline: insert observers, calibrate
/// on the samples, fold the ranges, quantize weights, fuse integer kernels,
/// then lower to LLVM for the CPU (`lower`, which converts the compress
/// ops itself) or convert the compress ops to linalg (`to-linalg`) or stop.
void buildPTQPipeline(OpPassManager &pm, const PTQOptions &options);

/// Options of `compress-auto`: PTQ whose weight widths are chosen per layer.
struct AutoOptions : public PassPipelineOptions<AutoOptions> {
  PassOptions::Option<std::string> data{
      *this, "data", llvm::cl::desc("Directory of .npy calibration samples")};
  PassOptions::Option<std::string> entry{
      *this, "entry", llvm::cl::desc("Function the samples are for")};
  PassOptions::Option<double> size{
      *this, "size",
      llvm::cl::desc("The size budget: the weights' bits at most this "
                     "fraction of int8's, each layer at 2, 3, 4 or 8 bits "
                     "with the least summed squared layer output error on "
                     "the data"),
      llvm::cl::init(0.6)};
  PassOptions::Option<double> maxError{
      *this, "max-error",
      llvm::cl::desc("Instead of `size` (0: off): each layer at the fewest "
                     "bits whose relative change of its output on the data "
                     "is at most this"),
      llvm::cl::init(0.0)};
  PassOptions::Option<bool> prune{
      *this, "prune",
      llvm::cl::desc(
          "With `size`: matmul layers may also be pruned by "
          "SparseGPT to 2:4, 4:16, 2:16, 75% or 90% zeros at 8 bits, where "
          "that costs less error for the bits than a narrower "
          "width"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> gains{
      *this, "gains",
      llvm::cl::desc("With `size`: weigh each layer's errors by how much of "
                     "them reaches the model's output (its gain, measured by "
                     "one run of the model per layer); false: every layer's "
                     "relative error counts alike"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> lower{
      *this, "lower",
      llvm::cl::desc("Also lower to LLVM with compress-lower-to-cpu"),
      llvm::cl::init(true)};
};

/// compress-ptq with GPTQ weights whose widths per layer (2, 3, 4 or 8
/// bits) fit the fraction `size` of int8's bits with the least summed
/// squared layer output error on the data (or, with `max-error`, are each
/// the fewest that keep the layer's error within it), and int8 activations.
void buildAutoPipeline(OpPassManager &pm, const AutoOptions &options);

void registerLowerToCPUPipeline();
void registerPTQPipeline();

/// Options of the `compress-lower-to-nvptx` pipeline.
struct LowerToNVPTXOptions : public PassPipelineOptions<LowerToNVPTXOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("NVIDIA GPU architecture: sm_80, sm_86, sm_89, sm_90, "
                     "sm_90a, ..."),
      llvm::cl::init("sm_80")};
  PassOptions::Option<unsigned> ptxVersion{
      *this, "ptx-version",
      llvm::cl::desc("PTX ISA version times ten (80 for PTX 8.0); 0 picks "
                     "the lowest version that supports `chip`"),
      llvm::cl::init(0)};
  PassOptions::Option<GPUBinaryFormat> format{
      *this, "format",
      llvm::cl::desc("What gpu.binary holds: isa (PTX, compiled by the "
                     "driver when loaded), bin (cubin, via the CUDA "
                     "Toolkit's ptxas) or fatbin"),
      llvm::cl::init(kDefaultGPUBinaryFormat), gpuBinaryFormatValues()};
  PassOptions::Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("CUDA Toolkit directory for format=bin|fatbin (empty: "
                     "found from CUDA_ROOT, CUDA_HOME or CUDA_PATH)"),
      llvm::cl::init("")};
  PassOptions::Option<unsigned> optLevel{
      *this, "opt-level",
      llvm::cl::desc("LLVM optimization level of the device code"),
      llvm::cl::init(3)};
  PassOptions::Option<std::string> dumpPtx{
      *this, "dump-ptx",
      llvm::cl::desc("Write each GPU module's PTX to DIR/<module>.ptx"),
      llvm::cl::init("")};
  PassOptions::Option<unsigned> blockSize{
      *this, "block-size",
      llvm::cl::desc("Threads per block of the generated kernels"),
      llvm::cl::init(256)};
  PassOptions::Option<bool> dp4a{
      *this, "dp4a",
      llvm::cl::desc("Compute i8 x i8 -> i32 reductions with dp4a"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> matmulTiling{
      *this, "matmul-tiling",
      llvm::cl::desc("Stage tiles of matmul-like ops' inputs in shared "
                     "memory (see compress-linalg-to-gpu)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> tensorCores{
      *this, "tensor-cores",
      llvm::cl::desc("On sm_80 and later, compute i8 x i8 -> i32 matmuls of "
                     "at least 32 x 32 outputs with mma.sync m16n8k32 "
                     "(false: dp4a)"),
      llvm::cl::init(true)};
  PassOptions::Option<unsigned> tileSize{
      *this, "tile-size",
      llvm::cl::desc("Output tile edge of tiled matmul kernels (tile-size^2 "
                     "threads per block)"),
      llvm::cl::init(16)};
  PassOptions::Option<unsigned> tileK{
      *this, "tile-k",
      llvm::cl::desc("Reduction steps staged at a time by tiled matmul "
                     "kernels (a multiple of 4)"),
      llvm::cl::init(32)};
  PassOptions::Option<bool> fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Fuse producer/consumer elementwise linalg ops before "
                     "bufferization (never into reductions)"),
      llvm::cl::init(true)};
};

/// compress ops are converted to linalg first (convert-compress-to-linalg),
/// then linalg on tensors, float or integer, becomes GPU code: elementwise
/// fusion (not into reductions), one-shot bufferization, one kernel per
/// linalg op (one thread per output element; reductions accumulate in
/// registers, i8 x i8 -> i32 ones four products at a time with dp4a;
/// matmul-like ops in blocks that stage input tiles in shared memory, int8
/// ones on tensor cores with mma.sync on sm_80 and later),
/// weights in the kernels' GPU modules, host buffers in CUDA managed memory,
/// outlining into gpu.modules, NVVM and gpu.binary for `chip`; `dump-ptx`
/// writes each module's PTX. Ops that cannot run as one thread per output
/// element stay on the host as loops, with a remark. The host code calls the
/// `mgpu*` runtime functions (runtime/CudaRuntime.cpp) and runs under
/// `mlir-runner` on a machine with an NVIDIA GPU. Buffers passed to the
/// compiled functions from outside must be device-accessible (managed).
void buildLowerToNVPTXPipeline(OpPassManager &pm,
                               const LowerToNVPTXOptions &options);

void registerLowerToNVPTXPipeline();

/// Registers every compress pipeline under its command-line name.
inline void registerCompressPipelines() {
  registerLowerToCPUPipeline();
  registerPTQPipeline();
  registerLowerToNVPTXPipeline();
}

} // namespace mlir::compress

#endif // COMPRESS_PIPELINES_PIPELINES_H
