//===- FuseRequantize.cpp - requantization as the GEMM kernel's epilogue --===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// compress.requantize of an int8 GEMM's i32 result (and a compress.dequantize
// of that, when it is the only user) becomes one elementwise linalg.generic
// that computes exactly what convert-compress-to-linalg would, marked with
// the epilogue's integers. compress-cpu-lower-kernels then hands the generic
// to the GEMM kernel, which applies it to each finished tile while the tile
// is in cache; anywhere else the generic runs as the loop it is.
//
//===----------------------------------------------------------------------===//

#include "KernelMatchers.h"
#include "compress/Codegen/CPU/Passes.h"
#include "compress/Conversion/CompressToLinalg/RequantizeArithmetic.h"
#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <tuple>

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSCPUFUSEREQUANTIZE
#include "compress/Codegen/CPU/Passes.h.inc"
} // namespace mlir::compress

#define DEBUG_TYPE "compress-cpu-fuse-requantize"

using namespace mlir;
using namespace mlir::compress;

namespace {

/// The epilogue of one GEMM: the requantization's integers (one entry per
/// column, or one for all) and what follows it.
struct Epilogue {
  FixedPointRequantization fixed;
  int64_t zeroPoint = 0, lo = 0, hi = 0;
  Type storage;                            // i8, u8 and i8 storage alike
  std::optional<UniformQuantInfo> dequant; // per-tensor, f32 result
};

/// The requantization `op` computes, when the kernel's epilogue can: fixed
/// point rounding, a rank-2 (GEMM: M x N) or rank-4 (convolution: NCHW) i32
/// input, per-tensor or per-axis-1 (the GEMM's columns, the convolution's
/// channels) input scales, and a per-tensor 8-bit output.
std::optional<Epilogue> matchRequantize(RequantizeOp op) {
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  if (op.getRounding() != "fixed_point" ||
      (inputType.getRank() != 2 && inputType.getRank() != 4) ||
      !inputType.getElementType().isInteger(32))
    return std::nullopt;
  std::optional<uint64_t> axis = op.getAxis();
  if (axis && *axis != 1)
    return std::nullopt;
  std::optional<UniformQuantInfo> info =
      UniformQuantInfo::get(op.getOutput().getType().getElementType());
  if (!info || info->isPerAxis() || info->storageWidth != 8)
    return std::nullopt;
  SmallVector<double> multipliers;
  for (double inputScale : op.getInputScales()) {
    double m = inputScale / info->scales.front();
    if (!std::isfinite(m))
      return std::nullopt; // the conversion reports it
    multipliers.push_back(m);
  }
  Epilogue epilogue;
  epilogue.fixed = encodeFixedPointRequantization(multipliers);
  epilogue.zeroPoint = info->zeroPoints.front();
  std::tie(epilogue.lo, epilogue.hi) = getRequantizeBounds(op, *info);
  epilogue.storage = IntegerType::get(op.getContext(), 8);
  return epilogue;
}

/// A per-tensor dequantization to f32 of the requantized values.
std::optional<UniformQuantInfo> matchDequantize(DequantizeOp op) {
  auto resultType = cast<RankedTensorType>(op.getOutput().getType());
  std::optional<UniformQuantInfo> info =
      UniformQuantInfo::get(op.getInput().getType().getElementType());
  if (!info || info->isPerAxis() || !resultType.getElementType().isF32())
    return std::nullopt;
  return info;
}

/// The marking attribute: the arrays the kernel reads (5 x P i64: multiplier,
/// right shift, rounding offset, rounding adjustment, left shift) and the
/// scalars.
DictionaryAttr buildAttribute(Builder &b, const Epilogue &e) {
  const FixedPointRequantization &f = e.fixed;
  SmallVector<int64_t> params;
  for (ArrayRef<int64_t> values :
       {ArrayRef<int64_t>(f.multiplier), ArrayRef<int64_t>(f.rightShift),
        ArrayRef<int64_t>(f.roundOffset), ArrayRef<int64_t>(f.roundAdjust),
        ArrayRef<int64_t>(f.leftShift)})
    llvm::append_range(params, values);
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("params", b.getDenseI64ArrayAttr(params)),
      b.getNamedAttr("has_left_shift", b.getBoolAttr(f.hasLeftShift)),
      b.getNamedAttr("zero_point", b.getI64IntegerAttr(e.zeroPoint)),
      b.getNamedAttr("lo", b.getI64IntegerAttr(e.lo)),
      b.getNamedAttr("hi", b.getI64IntegerAttr(e.hi))};
  if (e.dequant) {
    fields.push_back(
        b.getNamedAttr("dequantize_zero_point",
                       b.getI64IntegerAttr(e.dequant->zeroPoints.front())));
    fields.push_back(b.getNamedAttr(
        "dequantize_scale",
        b.getF32FloatAttr(static_cast<float>(e.dequant->scales.front()))));
  }
  return b.getDictionaryAttr(fields);
}

/// The generic computing `e` on `acc`, value for value what the conversion
/// of compress.requantize (and compress.dequantize) computes.
linalg::GenericOp buildEpilogue(OpBuilder &b, Location loc, Value acc,
                                const Epilogue &e) {
  Type resultElement = e.dequant ? b.getF32Type() : e.storage;
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, acc);
  Value init = tensor::EmptyOp::create(b, loc, sizes, resultElement);
  const FixedPointRequantization &f = e.fixed;
  // Integers that differ between columns are 1-D constants read through the
  // column; the others are scalar constants in the body. (A splat input
  // would be folded into the body by the canonicalization patterns, which
  // rebuild the op without its marking.)
  SmallVector<ArrayRef<int64_t>> arrays = {f.multiplier, f.rightShift,
                                           f.roundOffset, f.roundAdjust};
  if (f.hasLeftShift)
    arrays.push_back(f.leftShift);
  SmallVector<Value> inputs = {acc};
  const unsigned rank = cast<RankedTensorType>(acc.getType()).getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<AffineMap> maps = {identity};
  SmallVector<int> inputIndex(arrays.size(), -1);
  for (auto [index, values] : llvm::enumerate(arrays)) {
    if (llvm::all_equal(values))
      continue;
    auto type = RankedTensorType::get({int64_t(values.size())}, b.getI64Type());
    inputIndex[index] = inputs.size();
    inputs.push_back(arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, values)));
    maps.push_back(AffineMap::get(rank, 0, b.getAffineDimExpr(1)));
  }
  maps.push_back(identity);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
      b, loc, init.getType(), inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        auto integer = [&](unsigned index) -> Value {
          if (inputIndex[index] >= 0)
            return args[inputIndex[index]];
          return arith::ConstantOp::create(
              nb, nl, nb.getI64IntegerAttr(arrays[index].front()));
        };
        FixedPointConstants c{integer(0), integer(1), integer(2), integer(3),
                              f.hasLeftShift ? integer(4) : Value()};
        Value scaled = buildMultiplyByQuantizedMultiplier(nb, nl, args[0], c);
        Value zp = arith::ConstantOp::create(nb, nl,
                                             nb.getI64IntegerAttr(e.zeroPoint));
        Value shifted = arith::AddIOp::create(nb, nl, scaled, zp);
        Value q = buildClampI64(nb, nl, shifted, e.lo, e.hi);
        Value result = arith::TruncIOp::create(nb, nl, e.storage, q);
        if (e.dequant) {
          // compress.dequantize; ext(trunc(q)) is q itself, which is within
          // the storage range.
          Value dzp = arith::ConstantOp::create(
              nb, nl, nb.getI32IntegerAttr(e.dequant->zeroPoints.front()));
          Value scale =
              arith::ConstantOp::create(nb, nl,
                                        nb.getF32FloatAttr(static_cast<float>(
                                            e.dequant->scales.front())));
          result = buildDequantizeScalar(nb, nl, result, scale, dzp, *e.dequant,
                                         nb.getF32Type());
        }
        linalg::YieldOp::create(nb, nl, result);
      });
}

struct FuseRequantizePass
    : public compress::impl::CompressCPUFuseRequantizeBase<FuseRequantizePass> {
  void runOnOperation() override {
    SmallVector<RequantizeOp> candidates;
    getOperation()->walk([&](RequantizeOp op) {
      auto gemm = op.getInput().getDefiningOp<linalg::LinalgOp>();
      if (!gemm || !gemm->hasOneUse() || !gemm.hasPureTensorSemantics())
        return;
      std::optional<GemmMatch> match = matchGemm(gemm);
      if (match && match->types == KernelTypes::U8S8)
        candidates.push_back(op);
      // Convolutions, depthwise ones included (NCHW: the kernels' layout).
      std::optional<ConvMatch> conv = matchConv(gemm);
      if (conv && conv->types == KernelTypes::U8S8)
        candidates.push_back(op);
    });
    OpBuilder b(&getContext());
    for (RequantizeOp op : candidates) {
      std::optional<Epilogue> epilogue = matchRequantize(op);
      if (!epilogue)
        continue;
      DequantizeOp dequant;
      if (op->hasOneUse())
        if (auto user = dyn_cast<DequantizeOp>(*op->user_begin()))
          if ((epilogue->dequant = matchDequantize(user)))
            dequant = user;
      b.setInsertionPoint(dequant ? dequant.getOperation() : op.getOperation());
      linalg::GenericOp generic =
          buildEpilogue(b, op.getLoc(), op.getInput(), *epilogue);
      generic->setAttr(kCPURequantizeAttrName, buildAttribute(b, *epilogue));
      if (dequant) {
        dequant.replaceAllUsesWith(generic.getResult(0));
        dequant.erase();
      } else {
        Value cast = quant::StorageCastOp::create(
            b, op.getLoc(), op.getOutput().getType(), generic.getResult(0));
        op.replaceAllUsesWith(cast);
      }
      op.erase();
    }
  }
};

} // namespace
