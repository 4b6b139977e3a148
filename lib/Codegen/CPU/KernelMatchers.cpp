//===- KernelMatchers.cpp - linalg ops the CPU micro-kernels compute ------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "KernelMatchers.h"
#include "AffineCoefficients.h"
#include "compress/Dialect/Compress/Utils/IntegerDotProduct.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/Matchers.h"

#include <array>

using namespace mlir;
using namespace mlir::compress;

namespace {

bool hasStaticShapes(Operation *op) {
  return llvm::all_of(op->getOperandTypes(), [](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    return shaped && shaped.hasStaticShape();
  });
}

/// `(stride, dilation)` when `expr` is `dim * stride + window * dilation`.
std::optional<std::pair<int64_t, int64_t>>
matchWindow(AffineExpr expr, unsigned dim, unsigned window, unsigned numDims) {
  std::optional<int64_t> stride = coefficientOf(expr, dim);
  std::optional<int64_t> dilation = coefficientOf(expr, window);
  if (!stride || !dilation || *stride < 1 || *dilation < 1)
    return std::nullopt;
  for (unsigned other = 0; other < numDims; ++other) {
    std::optional<int64_t> c = coefficientOf(expr, other);
    if (other != dim && other != window && (!c || *c != 0))
      return std::nullopt;
  }
  // No constant offset: evaluate at the origin.
  auto constant = dyn_cast<AffineConstantExpr>(expr.replaceDimsAndSymbols(
      SmallVector<AffineExpr>(numDims,
                              getAffineConstantExpr(0, expr.getContext())),
      {}));
  if (!constant || constant.getValue() != 0)
    return std::nullopt;
  return std::make_pair(*stride, *dilation);
}

/// The product of a body `yield(acc + product)` that does nothing else.
template <typename AddOp, typename MulOp>
MulOp matchAccumulatedProduct(Block *body, unsigned numOps) {
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (yield.getNumOperands() != 1 || body->getOperations().size() != numOps)
    return nullptr;
  auto add = yield.getOperand(0).getDefiningOp<AddOp>();
  if (!add)
    return nullptr;
  Value acc = body->getArgument(2);
  if (add.getLhs() != acc && add.getRhs() != acc)
    return nullptr;
  Value product = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  return product.template getDefiningOp<MulOp>();
}

/// The signedness of the extensions of inputs 0 and 1 in an integer
/// multiply-accumulate body over i8 operands (compress-fuse-qdq's kernels).
std::optional<std::pair<bool, bool>> matchIntegerBody(linalg::LinalgOp op) {
  std::optional<IntegerDotProduct> dot =
      matchIntegerDotProduct(op, /*exact=*/true);
  if (!dot || dot->lhs == dot->rhs)
    return std::nullopt;
  bool lhsFirst = dot->lhs->getOperandNumber() == 0;
  return lhsFirst ? std::make_pair(dot->lhsSigned, dot->rhsSigned)
                  : std::make_pair(dot->rhsSigned, dot->lhsSigned);
}

/// How an integer body reads one input: extended signed or unsigned from
/// 8 bits, minus a constant zero point.
struct CenteredInput {
  unsigned input;
  bool isSigned;
  int64_t zero;
};

/// `value` as `ext(input) - zero` (or `ext(input)`) of an i8 block argument
/// of `body`.
std::optional<CenteredInput> matchCentered(Block *body, Value value) {
  CenteredInput centered{0, false, 0};
  if (auto sub = value.getDefiningOp<arith::SubIOp>()) {
    IntegerAttr zero;
    if (!matchPattern(sub.getRhs(), m_Constant(&zero)))
      return std::nullopt;
    centered.zero = zero.getValue().getSExtValue();
    value = sub.getLhs();
  }
  Operation *ext = value.getDefiningOp();
  if (!isa_and_nonnull<arith::ExtSIOp, arith::ExtUIOp>(ext))
    return std::nullopt;
  auto arg = dyn_cast<BlockArgument>(ext->getOperand(0));
  if (!arg || arg.getOwner() != body || arg.getArgNumber() >= 2 ||
      !arg.getType().isInteger(8))
    return std::nullopt;
  centered.input = arg.getArgNumber();
  centered.isSigned = isa<arith::ExtSIOp>(ext);
  return centered;
}

/// The two inputs of the body `yield(out + centered(a) * centered(b))`
/// (inputs 0 and 1, in that order), with nothing else but constants.
std::optional<std::array<CenteredInput, 2>>
matchCenteredProduct(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  auto mul = matchAccumulatedProduct<arith::AddIOp, arith::MulIOp>(
      body, body->getOperations().size());
  if (!mul)
    return std::nullopt;
  std::optional<CenteredInput> lhs = matchCentered(body, mul.getLhs());
  std::optional<CenteredInput> rhs = matchCentered(body, mul.getRhs());
  if (!lhs || !rhs || lhs->input == rhs->input)
    return std::nullopt;
  // Every op is one of the matched ones or a constant.
  unsigned matched = 3; // the add, the multiply and the yield
  for (const CenteredInput &input : {*lhs, *rhs})
    matched += input.zero != 0 ? 2 : 1;
  unsigned constants = llvm::count_if(body->getOperations(), [](Operation &o) {
    return isa<arith::ConstantOp>(o);
  });
  if (body->getOperations().size() != matched + constants)
    return std::nullopt;
  if (lhs->input == 1)
    std::swap(*lhs, *rhs);
  return std::array<CenteredInput, 2>{*lhs, *rhs};
}

bool isFloatMulAddBody(Block *body) {
  auto mul = matchAccumulatedProduct<arith::AddFOp, arith::MulFOp>(body, 3);
  if (!mul)
    return false;
  Value a = body->getArgument(0), b = body->getArgument(1);
  return (mul.getLhs() == a && mul.getRhs() == b) ||
         (mul.getLhs() == b && mul.getRhs() == a);
}

/// The kernel types of a two-input contraction-like op, with
/// `swapped` set when the unsigned (activation) operand is input 1.
std::optional<KernelTypes> matchTypes(linalg::LinalgOp op, bool &swapped) {
  swapped = false;
  Type a = getElementTypeOrSelf(op.getDpsInputs()[0].getType());
  Type b = getElementTypeOrSelf(op.getDpsInputs()[1].getType());
  Type c = getElementTypeOrSelf(op.getDpsInits()[0].getType());
  if (a.isF32() && b.isF32() && c.isF32())
    return isFloatMulAddBody(op.getBlock()) ? std::optional(KernelTypes::F32)
                                            : std::nullopt;
  if (a.isInteger(8) && b.isInteger(8) && c.isInteger(32)) {
    std::optional<std::pair<bool, bool>> signs = matchIntegerBody(op);
    if (!signs || signs->first == signs->second)
      return std::nullopt;
    swapped = signs->first; // input 0 signed: the activation is input 1
    return KernelTypes::U8S8;
  }
  return std::nullopt;
}

/// An integer convolution (i8 x i8 summed into i32, as the body's dot
/// product checks) with the row and column windows `(stride, dilation)`.
std::optional<IntegerConvForm>
makeIntegerConvForm(linalg::GenericOp op, std::pair<int64_t, int64_t> rows,
                    std::pair<int64_t, int64_t> cols) {
  std::optional<std::pair<bool, bool>> signs = matchIntegerBody(op);
  if (!signs)
    return std::nullopt;
  IntegerConvForm conv;
  conv.inputSigned = signs->first;
  conv.filterSigned = signs->second;
  conv.strides = {rows.first, cols.first};
  conv.dilations = {rows.second, cols.second};
  return conv;
}

/// The indexing map (loops of `op`) -> (`loops`...).
AffineMap loopsMap(linalg::LinalgOp op, ArrayRef<unsigned> loops) {
  SmallVector<AffineExpr> exprs;
  for (unsigned loop : loops)
    exprs.push_back(getAffineDimExpr(loop, op->getContext()));
  return AffineMap::get(op.getNumLoops(), 0, exprs, op->getContext());
}

} // namespace

std::optional<IntegerConvForm>
mlir::compress::matchIntegerConv(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != 7 || op.getNumReductionLoops() != 3)
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned i = 0; i < 7; ++i)
    if ((iterators[i] == utils::IteratorType::parallel) != (i < 4))
      return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  MLIRContext *ctx = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  if (maps[1] != AffineMap::get(7, 0, {d(1), d(4), d(5), d(6)}, ctx) ||
      maps[2] != AffineMap::get(7, 0, {d(0), d(1), d(2), d(3)}, ctx) ||
      maps[0].getNumResults() != 4 || maps[0].getResult(0) != d(0) ||
      maps[0].getResult(1) != d(4))
    return std::nullopt;
  auto rows = matchWindow(maps[0].getResult(2), 2, 5, 7);
  auto cols = matchWindow(maps[0].getResult(3), 3, 6, 7);
  if (!rows || !cols)
    return std::nullopt;
  return makeIntegerConvForm(op, *rows, *cols);
}

/// An integer depthwise NCHW convolution kernel of compress-fuse-qdq: a
/// linalg.generic (any loop order) computing out(n, c, oh, ow) +=
/// ext(in(n, c, oh*sh + kh*dh, ow*sw + kw*dw)) * ext(w(c, kh, kw)).
static std::optional<IntegerConvForm>
matchIntegerDepthwise(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != 6 || op.getNumReductionLoops() != 2)
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[0].getNumResults() != 4 || maps[1].getNumResults() != 3 ||
      maps[2].getNumResults() != 4 || !maps[1].isProjectedPermutation() ||
      !maps[2].isProjectedPermutation())
    return std::nullopt;
  auto dim = [](AffineExpr e) { return cast<AffineDimExpr>(e).getPosition(); };
  unsigned n = dim(maps[2].getResult(0)), c = dim(maps[2].getResult(1)),
           oh = dim(maps[2].getResult(2)), ow = dim(maps[2].getResult(3));
  unsigned kh = dim(maps[1].getResult(1)), kw = dim(maps[1].getResult(2));
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  if (dim(maps[1].getResult(0)) != c ||
      iterators[kh] != utils::IteratorType::reduction ||
      iterators[kw] != utils::IteratorType::reduction)
    return std::nullopt;
  auto isDim = [](AffineExpr e, unsigned d) {
    auto de = dyn_cast<AffineDimExpr>(e);
    return de && de.getPosition() == d;
  };
  if (!isDim(maps[0].getResult(0), n) || !isDim(maps[0].getResult(1), c))
    return std::nullopt;
  auto rows = matchWindow(maps[0].getResult(2), oh, kh, 6);
  auto cols = matchWindow(maps[0].getResult(3), ow, kw, 6);
  if (!rows || !cols)
    return std::nullopt;
  return makeIntegerConvForm(op, *rows, *cols);
}

std::optional<GemmMatch> mlir::compress::matchGemm(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.hasIndexSemantics() || !hasStaticShapes(op))
    return std::nullopt;
  bool swapped = false;
  std::optional<KernelTypes> types = matchTypes(op, swapped);
  if (!types)
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || !dims->batch.empty() || dims->m.size() != 1 ||
      dims->n.size() != 1 || dims->k.size() != 1)
    return std::nullopt;
  unsigned m = dims->m.front(), n = dims->n.front(), k = dims->k.front();
  auto map = [&](ArrayRef<unsigned> loops) { return loopsMap(op, loops); };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  GemmMatch match;
  match.types = *types;
  // A is the operand indexed by m (for int8 also the unsigned one).
  match.aOperand = maps[0] == map({m, k}) ? 0 : 1;
  match.bOperand = 1 - match.aOperand;
  if (maps[match.aOperand] != map({m, k}) || maps[2] != map({m, n}))
    return std::nullopt;
  if (*types == KernelTypes::U8S8 && (match.aOperand == 1) != swapped)
    return std::nullopt;
  if (maps[match.bOperand] == map({n, k}))
    match.bTransposed = true;
  else if (maps[match.bOperand] != map({k, n}))
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  match.m = ranges[m];
  match.n = ranges[n];
  match.k = ranges[k];
  return match;
}

std::optional<BatchGemmMatch>
mlir::compress::matchBatchGemm(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.hasIndexSemantics() || !hasStaticShapes(op))
    return std::nullopt;
  BatchGemmMatch match;
  Type aType = getElementTypeOrSelf(op.getDpsInputs()[0].getType());
  Type bType = getElementTypeOrSelf(op.getDpsInputs()[1].getType());
  Type cType = getElementTypeOrSelf(op.getDpsInits()[0].getType());
  if (aType.isInteger(8) && bType.isInteger(8) && cType.isInteger(32)) {
    std::optional<std::array<CenteredInput, 2>> inputs =
        matchCenteredProduct(op);
    if (!inputs)
      return std::nullopt;
    match.integer = true;
    match.aSigned = (*inputs)[0].isSigned;
    match.aZero = (*inputs)[0].zero;
    match.bSigned = (*inputs)[1].isSigned;
    match.bZero = (*inputs)[1].zero;
  } else if (!aType.isF32() || !bType.isF32() || !cType.isF32() ||
             !isFloatMulAddBody(op.getBlock())) {
    return std::nullopt;
  }
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->batch.size() != 1 || dims->m.size() != 1 ||
      dims->n.size() != 1 || dims->k.size() != 1)
    return std::nullopt;
  unsigned b = dims->batch.front(), m = dims->m.front(), n = dims->n.front(),
           k = dims->k.front();
  auto map = [&](ArrayRef<unsigned> loops) { return loopsMap(op, loops); };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[0] != map({b, m, k}) || maps[2] != map({b, m, n}))
    return std::nullopt;
  if (maps[1] == map({b, n, k}))
    match.bTransposed = true;
  else if (maps[1] != map({b, k, n}))
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  match.batch = ranges[b];
  match.m = ranges[m];
  match.n = ranges[n];
  match.k = ranges[k];
  return match;
}

std::optional<ConvMatch> mlir::compress::matchConv(linalg::LinalgOp op) {
  if (!hasStaticShapes(op) || op.getNumDpsInputs() != 2)
    return std::nullopt;
  auto shape = [&](Value v) {
    return cast<ShapedType>(v.getType()).getShape();
  };
  auto attrValues = [](DenseIntElementsAttr attr, int64_t *out) {
    for (auto [i, v] : llvm::enumerate(attr.getValues<int64_t>()))
      out[i] = v;
  };
  ConvMatch match;
  Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1],
        output = op.getDpsInits()[0];
  if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation())) {
    attrValues(conv.getStrides(), match.strides);
    attrValues(conv.getDilations(), match.dilations);
  } else if (auto conv =
                 dyn_cast<linalg::Conv2DNgchwGfchwOp>(op.getOperation())) {
    attrValues(conv.getStrides(), match.strides);
    attrValues(conv.getDilations(), match.dilations);
    ArrayRef<int64_t> in = shape(input), w = shape(filter);
    // [N, G, Cg, H, W] x [G, Fg, Cg, KH, KW] -> [N, G, Fg, OH, OW]: the same
    // bytes as NCHW with C = G * Cg channels.
    match.types = KernelTypes::F32;
    match.groups = in[1];
    match.batch = in[0];
    match.channels = in[1] * in[2];
    match.height = in[3];
    match.width = in[4];
    match.filters = w[0] * w[1];
    match.kernelH = w[3];
    match.kernelW = w[4];
    match.outH = shape(output)[3];
    match.outW = shape(output)[4];
    bool swapped;
    if (matchTypes(op, swapped) != KernelTypes::F32)
      return std::nullopt;
    return match;
  } else if (auto conv = dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(
                 op.getOperation())) {
    attrValues(conv.getStrides(), match.strides);
    attrValues(conv.getDilations(), match.dilations);
    match.depthwise = true;
  } else if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation())) {
    std::optional<IntegerConvForm> form = matchIntegerConv(generic);
    if (!form) {
      form = matchIntegerDepthwise(generic);
      match.depthwise = form.has_value();
    }
    if (!form || form->inputSigned || !form->filterSigned)
      return std::nullopt;
    match.strides[0] = form->strides[0];
    match.strides[1] = form->strides[1];
    match.dilations[0] = form->dilations[0];
    match.dilations[1] = form->dilations[1];
  } else {
    return std::nullopt;
  }
  bool swapped;
  std::optional<KernelTypes> types = matchTypes(op, swapped);
  if (!types || swapped)
    return std::nullopt;
  match.types = *types;
  ArrayRef<int64_t> in = shape(input), w = shape(filter), out = shape(output);
  match.batch = in[0];
  match.channels = in[1];
  match.height = in[2];
  match.width = in[3];
  match.filters = out[1];
  match.kernelH = w[w.size() - 2];
  match.kernelW = w[w.size() - 1];
  match.outH = out[2];
  match.outW = out[3];
  if (match.depthwise) {
    match.groups = match.channels;
    if (match.filters != match.channels)
      return std::nullopt;
  } else if (w[1] != match.channels) {
    return std::nullopt;
  }
  return match;
}

std::optional<BytePoolMatch>
mlir::compress::matchBytePool(linalg::LinalgOp op) {
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || generic.getNumDpsInputs() != 2 ||
      generic.getNumDpsInits() != 1 || generic.getNumLoops() != 6)
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = generic.getIteratorTypesArray();
  for (unsigned i = 0; i < 6; ++i)
    if (iterators[i] != (i < 4 ? utils::IteratorType::parallel
                               : utils::IteratorType::reduction))
      return std::nullopt;
  auto in = dyn_cast<ShapedType>(generic.getDpsInputs()[0].getType());
  auto window = dyn_cast<ShapedType>(generic.getDpsInputs()[1].getType());
  auto out = dyn_cast<ShapedType>(generic.getDpsInits()[0].getType());
  if (!in || !window || !out || !in.hasStaticShape() ||
      !window.hasStaticShape() || !out.hasStaticShape() || in.getRank() != 4 ||
      window.getRank() != 2 || out.getRank() != 4 ||
      !in.getElementType().isInteger(8) || !out.getElementType().isInteger(8))
    return std::nullopt;
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  MLIRContext *ctx = generic.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  if (maps[1].getResults() != ArrayRef<AffineExpr>{d(4), d(5)} ||
      maps[2].getResults() != ArrayRef<AffineExpr>{d(0), d(1), d(2), d(3)})
    return std::nullopt;
  ArrayRef<AffineExpr> inExprs = maps[0].getResults();
  if (inExprs.size() != 4 || inExprs[0] != d(0) || inExprs[1] != d(1))
    return std::nullopt;
  BytePoolMatch match;
  // in's spatial index i (rows, columns): out dim 2 + i times the stride
  // plus window dim 4 + i times the dilation, and nothing else.
  for (unsigned i = 0; i < 2; ++i) {
    AffineExpr e = inExprs[2 + i];
    for (unsigned dim = 0; dim < 6; ++dim) {
      std::optional<int64_t> c = coefficientOf(e, dim);
      if (!c)
        return std::nullopt;
      if (dim == 2 + i)
        match.strides[i] = *c;
      else if (dim == 4 + i)
        match.dilations[i] = *c;
      else if (*c != 0)
        return std::nullopt;
    }
    // No constant offset: the expression at the origin is 0.
    SmallVector<AffineExpr> zeros(6, getAffineConstantExpr(0, ctx));
    auto origin = dyn_cast<AffineConstantExpr>(e.replaceDims(zeros));
    if (!origin || origin.getValue() != 0 || match.strides[i] <= 0 ||
        match.dilations[i] <= 0)
      return std::nullopt;
  }
  // Every window inside the input, and the sizes consistent.
  ArrayRef<int64_t> inShape = in.getShape(), outShape = out.getShape();
  if (inShape[0] != outShape[0] || inShape[1] != outShape[1])
    return std::nullopt;
  for (unsigned i = 0; i < 2; ++i)
    if ((outShape[2 + i] - 1) * match.strides[i] +
            (window.getShape()[i] - 1) * match.dilations[i] >=
        inShape[2 + i])
      return std::nullopt;
  // The body: yield max(out, in), signed or unsigned.
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 2)
    return std::nullopt;
  Operation *max = &body.front();
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (!yield || yield.getNumOperands() != 1 ||
      yield.getOperand(0) != max->getResult(0) ||
      !isa<arith::MaxSIOp, arith::MaxUIOp>(max))
    return std::nullopt;
  Value inArg = body.getArgument(0), outArg = body.getArgument(2);
  if (!((max->getOperand(0) == inArg && max->getOperand(1) == outArg) ||
        (max->getOperand(0) == outArg && max->getOperand(1) == inArg)))
    return std::nullopt;
  match.isSigned = isa<arith::MaxSIOp>(max);
  return match;
}
