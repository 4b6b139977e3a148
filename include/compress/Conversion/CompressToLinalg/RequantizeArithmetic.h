//===- RequantizeArithmetic.h - compress.requantize's arithmetic -*- C++
//-*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The arithmetic convert-compress-to-linalg emits for compress.requantize
// (fixed point) and compress.dequantize, for passes that build the same
// computation elsewhere
// (compress-cpu-fuse-requantize) and must agree with it value for value.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CONVERSION_COMPRESSTOLINALG_REQUANTIZEARITHMETIC_H
#define COMPRESS_CONVERSION_COMPRESSTOLINALG_REQUANTIZEARITHMETIC_H

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/SmallVector.h"

#include <utility>

namespace mlir::compress {

/// The per-channel integers of the fixed-point requantization by
/// multipliers m = input scale / output scale: the Q31 multiplier, the right
/// shift with its rounding offset 2^(right - 1) and adjustment -1 (both 0
/// without a right shift), and the left shift (capped at 32: every larger one
/// saturates every nonzero accumulator just the same).
struct FixedPointRequantization {
  SmallVector<int64_t> multiplier, rightShift, roundOffset, roundAdjust,
      leftShift;
  bool hasLeftShift = false;
};
FixedPointRequantization
encodeFixedPointRequantization(ArrayRef<double> multipliers);

/// Those integers as i64 values inside a loop body; leftShift is null when
/// no channel shifts left.
struct FixedPointConstants {
  Value multiplier, rightShift, roundOffset, roundAdjust, leftShift;
};

/// TFLite's MultiplyByQuantizedMultiplier of the i32 accumulator `acc`, in
/// i64 (before the zero point and the clamp).
Value buildMultiplyByQuantizedMultiplier(OpBuilder &b, Location loc, Value acc,
                                         const FixedPointConstants &c);

/// min(max(x, lo), hi) on signed i64 values.
Value buildClampI64(OpBuilder &b, Location loc, Value x, int64_t lo,
                    int64_t hi);

/// compress.requantize's output range after its fused clamp:
/// [max(qmin, clamp_min), min(qmax, clamp_max)] of the output type `info`.
std::pair<int64_t, int64_t> getRequantizeBounds(RequantizeOp op,
                                                const UniformQuantInfo &info);

/// compress.dequantize of one storage integer `q` of type `info`:
/// f32(i32(q) - zeroPoint) * scale, rounded to `resultType`.
Value buildDequantizeScalar(OpBuilder &b, Location loc, Value q, Value scale,
                            Value zeroPoint, const UniformQuantInfo &info,
                            Type resultType);

} // namespace mlir::compress

#endif // COMPRESS_CONVERSION_COMPRESSTOLINALG_REQUANTIZEARITHMETIC_H
