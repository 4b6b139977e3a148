//===- RequantizeArithmetic.h - compress.requantize's arithmetic -*- C++
//-*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The fixed-point arithmetic convert-compress-to-linalg emits for
// compress.requantize, for passes that build the same computation elsewhere
// (compress-cpu-fuse-requantize) and must agree with it value for value.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CONVERSION_COMPRESSTOLINALG_REQUANTIZEARITHMETIC_H
#define COMPRESS_CONVERSION_COMPRESSTOLINALG_REQUANTIZEARITHMETIC_H

#include "mlir/IR/Builders.h"
#include "llvm/ADT/SmallVector.h"

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

} // namespace mlir::compress

#endif // COMPRESS_CONVERSION_COMPRESSTOLINALG_REQUANTIZEARITHMETIC_H
