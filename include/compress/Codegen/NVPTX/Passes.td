//===- Passes.td - passes of the NVIDIA GPU path -----------*- tablegen -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The steps of compress-lower-to-nvptx that upstream MLIR does not provide.
// The pipeline runs them in this order, between upstream passes; each can
// also be run on its own with compress-opt.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CONVERSION_LINALGTOGPU_PASSES_TD
#define COMPRESS_CONVERSION_LINALGTOGPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def CheckNVPTXTarget : Pass<"compress-check-nvptx-target", "ModuleOp"> {
  let summary = "Refuse NVPTX target options that LLVM cannot compile for.";
  let description = [{
    Checks the target options of `compress-lower-to-nvptx` before anything
    is lowered, and fails with an error at the module's location naming the
    option and what would be accepted:

    - `chip` must be a processor that LLVM's NVPTX backend knows (`sm_80`,
      `sm_90a`, ...);
    - `ptx-version` (PTX ISA version times ten) must be one LLVM knows and at
      least the lowest one that supports `chip`; 0 lets LLVM pick that one.
      The lowest version is found by compiling an empty module for `chip`,
      because LLVM's backend aborts the process on a version below it;
    - `opt-level` must be 0 to 3 and `block-size` 1 to 1024.

    The pass changes nothing.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_80\"",
           "NVIDIA GPU architecture (sm_80, sm_90, sm_90a, ...)">,
    Option<"ptxVersion", "ptx-version", "unsigned", /*default=*/"0",
           "PTX ISA version times ten; 0 for the lowest one that supports "
           "the chip">,
    Option<"optLevel", "opt-level", "unsigned", /*default=*/"3",
           "LLVM optimization level of the device code">,
    Option<"blockSize", "block-size", "unsigned", /*default=*/"256",
           "Threads per block of the generated kernels">,
  ];
}

def CopyConstantCallArguments
    : Pass<"compress-copy-constant-call-arguments", "ModuleOp"> {
  let summary = "Pass copies of constant buffers to functions that may "
                "launch kernels.";
  let description = [{
    A constant tensor passed to a function (a test driver's input, say)
    bufferizes to a `memref.get_global` of a host global, which the callee's
    kernels cannot read. Each such argument of a `func.call` to a function
    with a body (identity layout only) is replaced by a copy in a new
    `memref.alloc`; `compress-managed-host-buffers` later places that
    allocation in managed memory. Calls to external functions (printing
    helpers) keep their arguments. The pipeline runs this before the
    deallocation pipeline, so that the copies are freed like any allocation.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def LinalgToGPUKernels : Pass<"compress-linalg-to-gpu", "ModuleOp"> {
  let summary = "Turn every linalg.generic on buffers into a gpu.launch.";
  let description = [{
    Replaces each `linalg.generic` on memrefs outside GPU code by a
    `gpu.launch` named `<function>_k<index>_<kind>`, where `kind` says how
    the kernel computes:

    - `parallel` and `reduction`: one thread per point of the parallel
      iteration space, `block-size` threads per block; reductions run as
      loops in registers in the op's order.
    - `dp4a`: as `reduction`, for bodies `out + ext(a) * ext(b)` with 8-bit
      `a`, `b` (sign- or zero-extended) and a 32-bit `out`: four products
      per `nvvm.dot.accumulate.4way` (PTX `dp4a`), exact because 32-bit
      wrapping sums do not depend on the order of additions.
    - `tiled` and `tiled_dp4a` (with `matmul-tiling`): matmul-like ops (two
      inputs, one output, one reduction loop, an `m` loop only the first
      input and the output use, an `n` loop only the second input and the
      output use, at most one batch loop that all use; projected-permutation
      maps) whose static `m` and `n` extents are at least `tile-size`. A
      block of `tile-size` x `tile-size` threads computes one output tile
      (grid z runs over the batch); the block stages `tile-size` x `tile-k`
      tiles of both inputs in workgroup (shared) memory, all threads
      copying, with a `gpu.barrier` between staging and computing and
      another before the next stage. Elements outside the operands are
      staged as zeros and out-of-range threads store nothing. `tiled_dp4a`
      reads four staged bytes per dp4a; `tiled` runs the op's body for the
      valid k of each stage, in order, so floats round as in `reduction`.
    - `mma` (with `mma-sync`, for sm_80 and later): i8 x i8 -> i32
      matmul-like ops whose static `m` and `n` extents are at least 32.
      Blocks of 4 warps compute 32 x 32 output tiles from 32 x `tile-k`
      (rounded to a multiple of 32) staged input tiles with tensor-core
      `nvvm.mma.sync` m16n8k32 (PTX `mma.sync.aligned.m16n8k32.row.col.s32`
      with `.s8` or `.u8` inputs as the body extends them, wrapping `.s32`
      sums as dp4a and the CPU path). Each warp covers 16 x 16 outputs with
      two m16n8 products; registers hold the fragments laid out as the PTX
      ISA's "Matrix Fragments for mma.m16n8k32" specifies (see
      TiledMatmulKernel.cpp). Smaller ops fall back to dp4a.

    Ops whose outputs are not indexed by exactly their parallel dimensions
    (two threads would write one element), whose maps are not pure affine,
    or that are on tensors, stay where they are, with a remark saying why;
    the pipeline lowers them to host loops.
  }];
  let options = [
    Option<"blockSize", "block-size", "unsigned", /*default=*/"256",
           "Threads per block of the one-thread-per-point kernels">,
    Option<"dp4a", "dp4a", "bool", /*default=*/"true",
           "Compute i8 x i8 -> i32 reductions with dp4a">,
    Option<"matmulTiling", "matmul-tiling", "bool", /*default=*/"true",
           "Stage tiles of matmul-like ops' inputs in shared memory">,
    Option<"tileSize", "tile-size", "unsigned", /*default=*/"16",
           "Output tile edge (and threads per block edge) of tiled kernels; "
           "1 to 32">,
    Option<"mmaSync", "mma-sync", "bool", /*default=*/"false",
           "Compute i8 x i8 -> i32 matmuls of at least 32 x 32 outputs with "
           "tensor-core mma.sync m16n8k32 (needs sm_80 or later)">,
    Option<"tileK", "tile-k", "unsigned", /*default=*/"32",
           "Reduction steps staged at a time by tiled kernels; a multiple "
           "of 4 up to 256">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def ManagedHostBuffers : Pass<"compress-managed-host-buffers", "ModuleOp"> {
  let summary = "Place host allocations in CUDA managed memory.";
  let description = [{
    Every `memref.alloc` outside GPU modules becomes a `gpu.alloc
    host_shared` (managed memory, which kernels and host code can both
    access) and every `memref.dealloc` a `gpu.dealloc` between two
    `gpu.wait`s (the runtime frees on a stream). Kernels are launched
    synchronously, so host code never touches a buffer while a kernel
    writes it.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def SinkConstantBuffers : Pass<"compress-sink-constant-buffers", "ModuleOp"> {
  let summary = "Recreate constant buffers used by kernels inside their "
                "gpu.launch.";
  let description = [{
    A kernel cannot read the host's copy of a constant `memref.global`. For
    every memref a `gpu.launch` uses from above that is a constant global or
    a pure view of one with constant offsets and sizes, the ops computing it
    are cloned into the launch body; `gpu-kernel-outlining` then copies the
    global into the kernel's GPU module. Run it right before outlining:
    `memref.get_global` is pure, so CSE would merge the kernel's copy with
    the host's again.
  }];
}

def SerializeGPUModules : Pass<"compress-serialize-gpu-modules", "ModuleOp"> {
  let summary = "gpu.module to gpu.binary, optionally writing each module's "
                "PTX to a file.";
  let description = [{
    `gpu-module-to-binary` for the NVVM targets attached to the GPU modules,
    with the LLVM IR translations it needs registered by the pass itself (so
    that it works the same from compress-opt, the C API and Python), the CUDA
    Toolkit found in `/usr/local/cuda` when neither `toolkit` nor
    `CUDA_ROOT`/`CUDA_HOME`/`CUDA_PATH` names one, and without the compile
    times (`*TimeInMs`) that upstream records in each object's properties,
    so that the output depends on the input alone. One addition:
    `dump-ptx=DIR` writes the PTX of each module to `DIR/<module>.ptx`
    (`DIR/<module>_<chip>.ptx` for each target of a module with several),
    whatever the binary format, creating `DIR`. For each module launched
    with constant sizes it also writes a `.launch` file beside each of its
    PTX files, three lines
    `grid X Y Z`, `block X Y Z` and `shared BYTES`, so that a program that
    loads the PTX itself (`benchmarks/gpu/gemm_bench`) launches the kernel
    as the host code does.
  }];
  let options = [
    Option<"format", "format", "::mlir::compress::GPUBinaryFormat",
           /*default=*/"::mlir::compress::kDefaultGPUBinaryFormat",
           "What gpu.binary holds: isa (PTX), bin (cubin via ptxas) or "
           "fatbin",
           [{::mlir::compress::gpuBinaryFormatValues()}]>,
    Option<"toolkit", "toolkit", "std::string", /*default=*/"\"\"",
           "CUDA Toolkit directory for format=bin|fatbin">,
    Option<"dumpPtx", "dump-ptx", "std::string", /*default=*/"\"\"",
           "Write each GPU module's PTX to DIR/<module>.ptx">,
  ];
}

#endif // COMPRESS_CONVERSION_LINALGTOGPU_PASSES_TD
