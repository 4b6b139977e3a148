//===- Passes.h - calibration by JIT-running the model ----------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CALIBRATION_PASSES_H
#define COMPRESS_CALIBRATION_PASSES_H

#include "compress/Dialect/Compress/Transforms/PassOptions.h"
#include "compress/Utils/CalibrationStats.h"

#include "mlir/Pass/Pass.h"

namespace mlir::compress {

#define GEN_PASS_DECL
#include "compress/Calibration/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compress/Calibration/Passes.h.inc"

} // namespace mlir::compress

#endif // COMPRESS_CALIBRATION_PASSES_H
