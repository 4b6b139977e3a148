//===- FoldCalibration.cpp - observers to quantize/dequantize pairs -------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"
#include "compress/Utils/QuantParams.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>

#define DEBUG_TYPE "compress-fold-calibration"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSFOLDCALIBRATION
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

/// Reads the stats file compress-calibrate wrote.
FailureOr<CalibrationRanges> readStatsFile(StringRef path, Location loc) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return emitError(loc) << "compress-fold-calibration: cannot read '" << path
                          << "': " << buffer.getError().message();
  llvm::Expected<CalibrationRanges> ranges =
      parseCalibrationStats((*buffer)->getBuffer());
  if (!ranges)
    return emitError(loc) << "compress-fold-calibration: '" << path
                          << "': " << llvm::toString(ranges.takeError());
  return std::move(*ranges);
}

struct FoldCalibrationPass
    : public compress::impl::CompressFoldCalibrationBase<FoldCalibrationPass> {
  using CompressFoldCalibrationBase::CompressFoldCalibrationBase;

  void runOnOperation() override;

private:
  /// Parameters for the range [min, max] in `range`; nullopt if unusable.
  std::optional<QuantParams> paramsFor(ObserveOp op, double min, double max,
                                       QuantRange range);
};

std::optional<QuantParams> FoldCalibrationPass::paramsFor(ObserveOp op,
                                                          double min,
                                                          double max,
                                                          QuantRange range) {
  if (!std::isfinite(min) || !std::isfinite(max) || min > max) {
    op.emitWarning() << "observer " << op.getId() << " has an unusable range ["
                     << min << ", " << max << "]; left unquantized";
    return std::nullopt;
  }
  if (min == 0.0 && max == 0.0)
    op.emitWarning() << "observer " << op.getId()
                     << " only saw zeros; using scale 1";
  if (!symmetric)
    return computeAsymmetricParams(min, max, range);
  // Symmetric: zero point in the middle of the storage range (0 for i8,
  // 128 for u8), scale from the larger magnitude.
  int64_t zeroPoint = (range.qmin + range.qmax + 1) / 2;
  QuantRange half = {-(range.qmax - zeroPoint), range.qmax - zeroPoint};
  std::optional<QuantParams> params =
      computeSymmetricParams(std::max(std::abs(min), std::abs(max)), half);
  if (params)
    params->zeroPoint = zeroPoint;
  return params;
}

void FoldCalibrationPass::runOnOperation() {
  ModuleOp module = getOperation();
  CalibrationRanges fileRanges;
  if (!stats.empty()) {
    FailureOr<CalibrationRanges> read = readStatsFile(stats, module.getLoc());
    if (failed(read))
      return signalPassFailure();
    fileRanges = std::move(*read);
  }

  bool isSigned = activationType == ActivationStorage::I8;
  QuantRange range = QuantRange::full(8, isSigned);
  SmallVector<ObserveOp> observers;
  module.walk([&](ObserveOp op) { observers.push_back(op); });
  llvm::DenseMap<Operation *, std::pair<double, double>> recorded;
  for (ObserveOp op : observers) {
    if (!stats.empty()) {
      auto it = fileRanges.find(op.getId());
      if (it != fileRanges.end())
        recorded[op] = it->second;
    } else if (op.getMinAttr()) {
      recorded[op] = {op.getMinAttr().getValueAsDouble(),
                      op.getMaxAttr().getValueAsDouble()};
    }
  }
  // Max pooling outputs a subset of its inputs, so its output takes the
  // range of its input's observer: input and output then share one
  // quantized type and the pooling runs on storage integers (TFLite and
  // onnxruntime share them the same way).
  for (ObserveOp op : observers) {
    Operation *pool = op.getInput().getDefiningOp();
    if (!isa_and_nonnull<linalg::PoolingNchwMaxOp, linalg::PoolingNhwcMaxOp>(
            pool))
      continue;
    Value source = pool->getOperand(0);
    if (auto pad = source.getDefiningOp<tensor::PadOp>())
      source = pad.getSource();
    auto inputObserver = source.getDefiningOp<ObserveOp>();
    if (!inputObserver || !recorded.count(inputObserver))
      continue;
    recorded[op] = recorded[inputObserver];
  }

  for (ObserveOp op : observers) {
    std::optional<std::pair<double, double>> observed;
    if (auto it = recorded.find(op); it != recorded.end())
      observed = it->second;
    if (!observed) {
      op.emitWarning() << "observer " << op.getId()
                       << " has no recorded range (run compress-calibrate "
                          "first); left in place";
      continue;
    }
    std::optional<QuantParams> params =
        paramsFor(op, observed->first, observed->second, range);
    if (!params)
      continue;

    RankedTensorType floatType = op.getInput().getType();
    quant::QuantizedType quantType =
        buildUniformQuantType(floatType.getElementType(), 8, isSigned, range,
                              {*params}, std::nullopt);
    OpBuilder builder(op);
    auto quantize = QuantizeOp::create(
        builder, op.getLoc(), floatType.clone(quantType), op.getInput());
    auto dequantize =
        DequantizeOp::create(builder, op.getLoc(), floatType, quantize);
    op.replaceAllUsesWith(dequantize.getResult());
    op.erase();
    ++numFolded;
  }
}

} // namespace
