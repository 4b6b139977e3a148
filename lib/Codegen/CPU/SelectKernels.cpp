//===- SelectKernels.cpp - mark the ops the CPU micro-kernels compute -----===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Marks matmuls, convolutions and poolings on tensors that a kernel of the CPU
// kernel library computes, with the kernel and the ISA of the `cpu` target. The
// marked ops keep their semantics; compress-cpu-lower-kernels turns them into
// calls once they are on buffers.
//
//===----------------------------------------------------------------------===//

#include "CPUTarget.h"
#include "KernelMatchers.h"
#include "compress/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"

#define DEBUG_TYPE "compress-cpu-select-kernels"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSCPUSELECTKERNELS
#include "compress/Codegen/CPU/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

/// The float kernels run on every path (AMX and VNNI CPUs use AVX-512). The
/// int8 kernels have no AVX-512 path without VNNI: those CPUs run the AVX2
/// one.
KernelIsa isaFor(KernelTypes types, KernelIsa target) {
  if (types == KernelTypes::F32 && target > KernelIsa::Avx512)
    return KernelIsa::Avx512;
  if (types == KernelTypes::U8S8 && target == KernelIsa::Avx512)
    return KernelIsa::Avx2;
  return target;
}

/// The kernel that computes `op`, or an empty string.
StringRef chooseKernel(linalg::LinalgOp op, KernelTypes &types) {
  if (!op.hasPureTensorSemantics())
    return "";
  if (std::optional<GemmMatch> gemm = matchGemm(op)) {
    types = gemm->types;
    return types == KernelTypes::F32 ? "sgemm" : "igemm_u8s8";
  }
  if (std::optional<BatchGemmMatch> gemm = matchBatchGemm(op)) {
    types = gemm->integer ? KernelTypes::U8S8 : KernelTypes::F32;
    return gemm->integer ? "igemm_batched" : "sgemm_batched";
  }
  if (isa<linalg::PoolingNchwMaxOp, linalg::PoolingNchwSumOp>(op)) {
    // f32 NCHW pooling over static shapes (compress_cpu_pool2d_nchw_f32).
    types = KernelTypes::F32;
    auto in = dyn_cast<RankedTensorType>(op.getDpsInputs()[0].getType());
    auto out = dyn_cast<RankedTensorType>(op.getDpsInits()[0].getType());
    auto window = dyn_cast<RankedTensorType>(op.getDpsInputs()[1].getType());
    if (!in || !out || !window || !in.hasStaticShape() ||
        !out.hasStaticShape() || !window.hasStaticShape() ||
        !in.getElementType().isF32() || !out.getElementType().isF32())
      return "";
    return isa<linalg::PoolingNchwMaxOp>(op) ? "max_pool2d_nchw_f32"
                                             : "sum_pool2d_nchw_f32";
  }
  if (std::optional<BytePoolMatch> pool = matchBytePool(op)) {
    // The i8 max pooling of compress-fuse-qdq
    // (compress_cpu_max_pool2d_nchw_i8).
    types = KernelTypes::U8S8;
    return pool->isSigned ? "max_pool2d_nchw_s8" : "max_pool2d_nchw_u8";
  }
  if (std::optional<ConvMatch> conv = matchConv(op)) {
    types = conv->types;
    if (conv->depthwise)
      return types == KernelTypes::F32 ? "depthwise_conv2d_nchw_f32"
                                       : "depthwise_conv2d_nchw_u8s8";
    // Filters are packed at compile time: only constant ones.
    if (!op.getDpsInputs()[1].getDefiningOp<arith::ConstantOp>())
      return "";
    return types == KernelTypes::F32 ? "conv2d_nchw_f32" : "conv2d_nchw_u8s8";
  }
  return "";
}

struct SelectKernelsPass
    : public compress::impl::CompressCPUSelectKernelsBase<SelectKernelsPass> {
  using CompressCPUSelectKernelsBase::CompressCPUSelectKernelsBase;

  void runOnOperation() override {
    std::optional<KernelIsa> target = parseCPUTarget(cpu);
    if (!target) {
      emitError(getOperation().getLoc())
          << "compress-cpu-select-kernels: unknown cpu '" << cpu
          << "'; expected host, portable, avx2, avx512, avx512-vnni, amx, an "
             "x86-64 CPU name (e.g. sapphirerapids) or a feature list (e.g. "
             "+avx2,+fma)";
      return signalPassFailure();
    }
    if (threads < 0) {
      emitError(getOperation().getLoc())
          << "compress-cpu-select-kernels: option 'threads' must be 0 (all "
             "cores) or positive, got "
          << static_cast<int64_t>(threads);
      return signalPassFailure();
    }
    Builder b(&getContext());
    getOperation().walk([&](linalg::LinalgOp op) {
      KernelTypes types;
      StringRef kernel = chooseKernel(op, types);
      if (kernel.empty())
        return;
      NamedAttribute entries[] = {
          b.getNamedAttr("kernel", b.getStringAttr(kernel)),
          b.getNamedAttr("isa", b.getStringAttr(stringifyKernelIsa(
                                    isaFor(types, *target)))),
          b.getNamedAttr("threads", b.getI64IntegerAttr(threads))};
      op->setAttr(kCPUKernelAttrName, b.getDictionaryAttr(entries));
    });
  }
};

} // namespace
