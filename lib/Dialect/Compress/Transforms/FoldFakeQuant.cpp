//===- FoldFakeQuant.cpp - QAT fake quantization to real quantization -----===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"

#define DEBUG_TYPE "compress-fold-fake-quant"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSFOLDFAKEQUANT
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

/// The `!quant.uniform` type that reproduces `op` exactly, if its ranges are
/// constants.
FailureOr<quant::QuantizedType> getEquivalentQuantType(FakeQuantOp op) {
  DenseElementsAttr mins, maxs;
  if (!matchPattern(op.getMin(), m_Constant(&mins)) ||
      !matchPattern(op.getMax(), m_Constant(&maxs)))
    return failure();
  QuantRange range = op.getQuantRange();
  SmallVector<QuantParams> params;
  for (auto [min, max] :
       llvm::zip(mins.getValues<float>(), maxs.getValues<float>()))
    params.push_back(computeFakeQuantParams(min, max, range));
  std::optional<int32_t> axis;
  if (op.getAxis())
    axis = int32_t(*op.getAxis());
  return buildUniformQuantType(op.getInput().getType().getElementType(),
                               op.getBits(), op.getIsSigned(), range, params,
                               axis);
}

struct FoldFakeQuantPass
    : public compress::impl::CompressFoldFakeQuantBase<FoldFakeQuantPass> {
  void runOnOperation() override {
    SmallVector<FakeQuantOp> ops;
    getOperation()->walk([&](FakeQuantOp op) { ops.push_back(op); });
    for (FakeQuantOp op : ops) {
      FailureOr<quant::QuantizedType> quantType = getEquivalentQuantType(op);
      if (failed(quantType)) {
        op.emitRemark() << "fake quantization not folded: its 'min' and "
                           "'max' are not constants";
        continue;
      }
      RankedTensorType floatType = op.getInput().getType();
      auto quantTensorType = floatType.clone(*quantType);
      OpBuilder builder(op);
      Location loc = op.getLoc();
      Value quantized;
      DenseElementsAttr constant;
      if (matchPattern(op.getInput(), m_Constant(&constant))) {
        // A fake-quantized weight becomes a quantized constant right away.
        std::optional<UniformQuantInfo> info =
            UniformQuantInfo::get(*quantType);
        quantized = createQuantizedConstant(
            builder, loc, quantizeElements(constant, *info), quantTensorType);
      } else {
        quantized =
            QuantizeOp::create(builder, loc, quantTensorType, op.getInput());
      }
      Value result = DequantizeOp::create(builder, loc, floatType, quantized);
      op.replaceAllUsesWith(result);
      op.erase();
    }
  }
};

} // namespace
