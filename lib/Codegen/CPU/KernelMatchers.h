//===- KernelMatchers.h - linalg ops the CPU micro-kernels compute -*- C++
//-*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Recognizes the linalg ops (on tensors or on buffers) that one kernel of the
// CPU kernel library computes exactly: f32 and u8 x s8 GEMMs, NCHW
// convolutions, depthwise convolutions. compress-cpu-select-kernels uses the
// matchers to mark ops, compress-cpu-lower-kernels to read their sizes, and
// compress-vectorize-convolutions to recognize integer convolutions.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_LIB_CODEGEN_CPU_KERNELMATCHERS_H
#define COMPRESS_LIB_CODEGEN_CPU_KERNELMATCHERS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace mlir::compress {

/// The element types a kernel computes on.
enum class KernelTypes {
  F32,  // f32 x f32 -> f32
  U8S8, // extui(i8) x extsi(i8) -> i32, exact
};

/// C(m, n) += A(m, k) * B(k, n) with A the operand `aOperand` indexed
/// (m, k), B the operand `bOperand` indexed (k, n) or (n, k), C indexed
/// (m, n).
struct GemmMatch {
  KernelTypes types;
  unsigned aOperand = 0, bOperand = 1;
  bool bTransposed = false; // B's map is (n, k)
  int64_t m = 0, n = 0, k = 0;
};

/// C(b, m, n) += A(b, m, k) * B(b, k, n) (linalg.batch_matmul and the
/// generics equal to it, B possibly indexed (b, n, k)): A is input 0.
/// In f32, or exact in i32 over 8-bit operands with zero points, the
/// products of two activations compress-fuse-qdq makes (attention):
/// C += (ext(A) - aZero) * (ext(B) - bZero), each operand extended signed or
/// unsigned.
struct BatchGemmMatch {
  bool bTransposed = false; // B's map is (b, n, k)
  int64_t batch = 0, m = 0, n = 0, k = 0;
  bool integer = false;
  bool aSigned = false, bSigned = false;
  int64_t aZero = 0, bZero = 0;
};

/// An NCHW convolution: out[n, g*Fg + f, oh, ow] += in[n, g*Cg + c,
/// oh*sh + kh*dh, ow*sw + kw*dw] * W[g*Fg + f, c, kh, kw].
struct ConvMatch {
  KernelTypes types;
  bool depthwise = false; // filter [C, KH, KW], groups == C == F
  int64_t batch = 0, channels = 0, height = 0, width = 0, filters = 0,
          kernelH = 0, kernelW = 0, outH = 0, outW = 0, groups = 1;
  int64_t strides[2] = {1, 1}, dilations[2] = {1, 1};
};

/// How an NCHW integer convolution of compress-fuse-qdq extends its i8
/// operands (a linalg.generic with conv_2d_nchw_fchw's indexing maps summing
/// ext(input) * ext(filter) into i32).
struct IntegerConvForm {
  SmallVector<int64_t, 2> strides, dilations;
  bool inputSigned = false, filterSigned = false;
};
std::optional<IntegerConvForm> matchIntegerConv(linalg::GenericOp op);

/// A max pooling of 8-bit integers, as compress-fuse-qdq leaves a quantized
/// one: a linalg.generic over (n, c, oh, ow, kh, kw) with inputs
/// in[n, c, oh*sh + kh*dh, ow*sw + kw*dw] and a window indexed (kh, kw)
/// (only its shape counts), output out[n, c, oh, ow], whose body is
/// out = max(out, in) on i8, signed (arith.maxsi) or unsigned
/// (arith.maxui). Static shapes, every window inside the input.
struct BytePoolMatch {
  bool isSigned = false;
  int64_t strides[2] = {1, 1}, dilations[2] = {1, 1};
};
std::optional<BytePoolMatch> matchBytePool(linalg::LinalgOp op);

/// The attribute compress-cpu-select-kernels puts on the ops it hands to a
/// kernel: {kernel = "...", isa = "...", threads = N}.
inline constexpr llvm::StringLiteral kCPUKernelAttrName = "compress.cpu_kernel";
inline bool hasCPUKernel(Operation *op) {
  return op->hasAttr(kCPUKernelAttrName);
}

/// The attribute compress-cpu-fuse-requantize puts on the requantizing
/// epilogue it builds (see its description in Passes.td).
inline constexpr llvm::StringLiteral kCPURequantizeAttrName =
    "compress.cpu_requantize";

/// Static-shape matchers; they accept tensor or buffer semantics.
std::optional<GemmMatch> matchGemm(linalg::LinalgOp op);
std::optional<BatchGemmMatch> matchBatchGemm(linalg::LinalgOp op);
std::optional<ConvMatch> matchConv(linalg::LinalgOp op);

} // namespace mlir::compress

#endif // COMPRESS_LIB_CODEGEN_CPU_KERNELMATCHERS_H
