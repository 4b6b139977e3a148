//===- Registration.cpp - register everything compress provides -----------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Registration.h"

#include "compress/Calibration/Calibration.h"
#include "compress/Calibration/Passes.h"
#include "compress/Codegen/CPU/Passes.h"
#include "compress/Codegen/Common/Passes.h"
#include "compress/Codegen/NVPTX/Passes.h"
#include "compress/Conversion/Passes.h"
#include "compress/Dialect/Compress/IR/CompressDialect.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"

void mlir::compress::registerAllCompressDialects(DialectRegistry &registry) {
  registry.insert<CompressDialect, quant::QuantDialect>();
}

void mlir::compress::registerAllCompressPasses() {
  registerCompressPasses();
  registerCompressCalibrationPasses();
  registerLayerStatisticsCollector();
  registerCompressConversionPasses();
  registerCompressCPUCodegenPasses();
  registerCompressCodegenCommonPasses();
  registerCompressNVPTXCodegenPasses();
  registerCompressPipelines();
}
