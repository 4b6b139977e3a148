//===- LowerKernels.cpp - calls to the CPU kernel library -----------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// After bufferization, every op marked by compress-cpu-select-kernels becomes
// a call to the CPU kernel library (runtime/cpu/CpuKernels.h). Arguments are
// 64-bit integers: sizes, strides and the buffers' addresses. Constant
// weights are packed into the kernels' layouts here, at compile time.
//
//===----------------------------------------------------------------------===//

#include "CPUTarget.h"
#include "KernelMatchers.h"
#include "PackedWeights.h"
#include "compress/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>

#define DEBUG_TYPE "compress-cpu-lower-kernels"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSCPULOWERKERNELS
#include "compress/Codegen/CPU/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

/// What the marking attribute says.
struct KernelChoice {
  StringRef kernel;
  KernelIsa isa = KernelIsa::Portable;
  int64_t threads = 1;
};

std::optional<KernelChoice> readChoice(Operation *op) {
  auto dict = op->getAttrOfType<DictionaryAttr>(kCPUKernelAttrName);
  if (!dict)
    return std::nullopt;
  auto kernel = dict.getAs<StringAttr>("kernel");
  auto isaName = dict.getAs<StringAttr>("isa");
  auto threads = dict.getAs<IntegerAttr>("threads");
  if (!kernel || !isaName || !threads)
    return std::nullopt;
  std::optional<KernelIsa> isa = symbolizeKernelIsa(isaName.getValue());
  if (!isa)
    return std::nullopt;
  return KernelChoice{kernel.getValue(), *isa, threads.getInt()};
}

/// The buffer `view` collapses (the epilogues write their outputs through
/// a collapse_shape), or `view` itself.
Value underlyingBuffer(Value view) {
  while (auto collapse = view.getDefiningOp<memref::CollapseShapeOp>())
    view = collapse.getSrc();
  return view;
}

struct AccumulatorInit;
struct FloatConvEpilogue;

/// Builds the calls of one module and the packed weight globals they use.
struct ImplicitPadding;

class KernelCallBuilder {
public:
  KernelCallBuilder(ModuleOp module, bool fuseEpilogues, bool packInt4,
                    bool pack2of4, double sparseThreshold)
      : module(module), symbols(module), fuseEpilogues(fuseEpilogues),
        packInt4(packInt4), pack2of4(pack2of4),
        sparseThreshold(sparseThreshold) {}

  LogicalResult lowerGemm(linalg::LinalgOp op, const KernelChoice &choice);
  LogicalResult lowerConv(linalg::LinalgOp op, const KernelChoice &choice);
  LogicalResult lowerPool(linalg::LinalgOp op, const KernelChoice &choice);
  /// Erases the padded copy that a call reading the source replaces.
  void dropPadding(const std::optional<ImplicitPadding> &pad);
  /// lowerPool's call, once the op is matched: `kind` is the runtime's
  /// (2 when `identityFill`, the output's -inf fill, goes away).
  LogicalResult lowerPoolCall(linalg::LinalgOp op, const KernelChoice &choice,
                              bool bytes, int64_t kind, Value input,
                              Value output, ArrayRef<int64_t> s,
                              ArrayRef<int64_t> d, linalg::FillOp identityFill);
  /// Replaces the f32 convolution call that writes `source`, a buffer only
  /// the max pooling `pool` (or its padded copy `pad`) reads, with one call
  /// that pools as it goes (compress_cpu_conv2d_pool_nchw_f32) into
  /// `output`; false (nothing changed) when there is no such call.
  bool fuseConvPool(linalg::LinalgOp pool, Value source, Value output,
                    const std::optional<ImplicitPadding> &pad,
                    ArrayRef<int64_t> window, ArrayRef<int64_t> s,
                    ArrayRef<int64_t> d);
  LogicalResult lowerBatchGemm(linalg::LinalgOp op, const KernelChoice &choice);
  /// Erases the constant globals that only the replaced ops read.
  void eraseDeadGlobals();
  /// Erases the accumulator buffers that the calls without C left with no
  /// users but their deallocation.
  void eraseDeadAccumulators();

private:
  Value i64(OpBuilder &b, Location loc, int64_t value) {
    return arith::ConstantIntOp::create(b, loc, b.getI64Type(), value);
  }
  Value address(OpBuilder &b, Location loc, Value memref);
  func::CallOp call(OpBuilder &b, Location loc, StringRef name,
                    ArrayRef<Value> arguments);
  /// The constant global `memref` reads, if it is one.
  memref::GlobalOp constantGlobal(Value memref);
  /// A constant global holding `bytes` as a 1-D memref of `element`, reused
  /// for the same `key`.
  memref::GlobalOp packedGlobal(StringRef key, Type element,
                                const std::vector<char> &bytes);
  /// The packed GEMM call with `epilogue` as its requantizing epilogue
  /// (compress_cpu_igemm_u8s8_packed_requantize); erases the epilogue.
  /// The address of `init`'s row (null for zeros, a constant global for
  /// another constant); erases the initialization, which the call replaces.
  Value accumulatorRow(OpBuilder &b, Location loc, const AccumulatorInit &init,
                       Value c);
  /// The requantization's arguments of the kernels' requantizing entry
  /// points: params, P, hasLeftShift, zeroPoint, lo, hi, dequantize,
  /// dequantZeroPoint, dequantScaleBits, out.
  void appendRequantizeArgs(OpBuilder &b, Location loc,
                            linalg::GenericOp epilogue,
                            SmallVector<Value> &args);
  void lowerWithRequantize(OpBuilder &b, Location loc, linalg::LinalgOp gemm,
                           linalg::GenericOp epilogue, int64_t ldo, int64_t ldc,
                           SmallVector<Value> &args, const KernelChoice &choice,
                           StringRef entry);
  Value getGlobal(OpBuilder &b, Location loc, memref::GlobalOp global) {
    return memref::GetGlobalOp::create(b, loc, global.getType(),
                                       global.getSymName());
  }
  std::optional<std::vector<char>> globalBytes(memref::GlobalOp global) {
    auto init = dyn_cast_or_null<ElementsAttr>(global.getInitialValueAttr());
    return init ? getConstantBytes(init) : std::nullopt;
  }

  /// Appends the epilogue's arguments of the `_f32_fused` calls (init,
  /// bias, biasSplat, residual, lo, hi, out) at the epilogue's place, and
  /// erases the fill, the epilogue and its view of the intermediate buffer.
  void appendFloatEpilogueArgs(OpBuilder &b, Location loc, Value c,
                               const FloatConvEpilogue &epilogue,
                               SmallVector<Value> &args);

  ModuleOp module;
  SymbolTable symbols;
  bool fuseEpilogues;
  /// Int8 GEMM weights whose values all fit in 4 bits are packed B16x4/S4.
  bool packInt4;
  /// Int8 GEMM weights with at most two non-zeros in every group of 4 k
  /// are packed B16x8/2:4.
  bool pack2of4;
  /// Int8 GEMM weights with at least this fraction of zeros are packed
  /// B16x4/sparse.
  double sparseThreshold;
  llvm::StringMap<memref::GlobalOp> packed;
  unsigned requantizeCount = 0;
  SmallVector<memref::GlobalOp> readGlobals;
  SmallVector<memref::AllocOp> droppedAccumulators;
  /// The f32 convolution calls with an epilogue (`_fused`, `_padded`), by
  /// the buffer they write.
  llvm::DenseMap<Value, func::CallOp> floatConvCalls;
};

Value KernelCallBuilder::address(OpBuilder &b, Location loc, Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, memref);
  Value bytes =
      arith::MulIOp::create(b, loc, meta.getOffset(),
                            arith::ConstantIndexOp::create(
                                b, loc, type.getElementTypeBitWidth() / 8));
  Value addr = arith::AddIOp::create(b, loc, base, bytes);
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), addr);
}

func::CallOp KernelCallBuilder::call(OpBuilder &b, Location loc, StringRef name,
                                     ArrayRef<Value> arguments) {
  auto fn = symbols.lookup<func::FuncOp>(name);
  if (!fn) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    SmallVector<Type> types(arguments.size(), b.getI64Type());
    fn = func::FuncOp::create(b, module.getLoc(), name,
                              b.getFunctionType(types, {}));
    fn.setPrivate();
    symbols.insert(fn);
  }
  return func::CallOp::create(b, loc, fn, arguments);
}

memref::GlobalOp KernelCallBuilder::constantGlobal(Value memref) {
  auto get = memref.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return nullptr;
  auto global = symbols.lookup<memref::GlobalOp>(get.getName());
  if (!global || !global.getConstant() || !global.getInitialValue())
    return nullptr;
  return global;
}

memref::GlobalOp
KernelCallBuilder::packedGlobal(StringRef key, Type element,
                                const std::vector<char> &bytes) {
  auto it = packed.find(key);
  if (it != packed.end())
    return it->second;
  OpBuilder b(module.getContext());
  b.setInsertionPointToStart(module.getBody());
  int64_t count = bytes.size() / (element.getIntOrFloatBitWidth() / 8);
  auto tensorType = RankedTensorType::get({count}, element);
  auto value = DenseElementsAttr::getFromRawBuffer(tensorType, bytes);
  auto global = memref::GlobalOp::create(
      b, module.getLoc(), key, b.getStringAttr("private"),
      MemRefType::get({count}, element), value, /*constant=*/true,
      b.getI64IntegerAttr(64));
  symbols.insert(global); // may rename on a clash
  packed[key] = global;
  return global;
}

/// Whether the ops strictly between `from` and `to` (same block, `from`
/// first) neither read nor write memory; allocating is allowed.
bool onlyPureOpsBetween(Operation *from, Operation *to) {
  for (Operation *op = from->getNextNode(); op && op != to;
       op = op->getNextNode()) {
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    SmallVector<MemoryEffects::EffectInstance> list;
    if (effects)
      effects.getEffects(list);
    bool allocates = effects && llvm::all_of(list, [](auto &effect) {
                       return isa<MemoryEffects::Allocate>(effect.getEffect());
                     });
    if (!isMemoryEffectFree(op) && !allocates)
      return false;
  }
  return true;
}

/// Where dimension 1 (a GEMM's columns, a convolution's channels) of a
/// collapse_shape's source is in its result, when it stays a dimension of its
/// own.
std::optional<int64_t> channelPosition(memref::CollapseShapeOp collapse) {
  auto groups = collapse.getReassociationIndices();
  auto it = llvm::find_if(groups, [](const ReassociationIndices &g) {
    return llvm::is_contained(g, 1);
  });
  if (it == groups.end() || it->size() != 1)
    return std::nullopt;
  return it - groups.begin();
}

/// How a kernel's accumulator buffer starts, when the requantizing call can
/// take that as a vector along dimension 1 (a GEMM's columns, a
/// convolution's channels) instead of the buffer.
struct AccumulatorInit {
  Operation *op;     // the fill or broadcast writing the buffer
  Operation *view;   // the collapse_shape it writes through, or null
  Value row;         // memref<dim(1) x i32> with the initial values, or null
  int64_t splat = 0; // the fill's value when `row` is null
};

/// The op that initializes `c` for `kernel`, when `c` is a fresh i32
/// allocation (rank 2 or 4) that only it, the kernel, the epilogue and
/// deallocations use: a linalg.fill with a constant, or a linalg.generic
/// broadcasting a contiguous 1-D memref<dim(1) x i32> along every other
/// dimension, on `c` or on a collapse_shape of it that keeps dimension 1
/// alone (compress-collapse-elementwise-dims makes those). Between it and
/// the kernel no op touches memory, so that the row still holds those values
/// when the call reads it.
std::optional<AccumulatorInit> findAccumulatorInit(linalg::LinalgOp kernel,
                                                   Value c,
                                                   linalg::GenericOp epilogue) {
  auto alloc = c.getDefiningOp<memref::AllocOp>();
  auto type = cast<MemRefType>(c.getType());
  if (!alloc || !type.getLayout().isIdentity() ||
      (type.getRank() != 2 && type.getRank() != 4) ||
      !type.getElementType().isInteger(32))
    return std::nullopt;
  Operation *init = nullptr, *view = nullptr;
  Value target = c; // what the init writes
  int64_t channelDim = 1;
  for (Operation *user : c.getUsers()) {
    if (user == kernel.getOperation() || user == epilogue.getOperation() ||
        isa<memref::DeallocOp>(user))
      continue;
    if (init)
      return std::nullopt;
    if (auto collapse = dyn_cast<memref::CollapseShapeOp>(user)) {
      if (!collapse->hasOneUse())
        return std::nullopt;
      std::optional<int64_t> position = channelPosition(collapse);
      if (!position)
        return std::nullopt;
      channelDim = *position;
      view = collapse;
      target = collapse.getResult();
      user = *collapse->user_begin();
    }
    if (!isa<linalg::FillOp, linalg::GenericOp>(user))
      return std::nullopt;
    init = user;
  }
  if (!init || init->getBlock() != kernel->getBlock() ||
      !init->isBeforeInBlock(kernel) || !onlyPureOpsBetween(init, kernel))
    return std::nullopt;
  if (auto fill = dyn_cast<linalg::FillOp>(init)) {
    IntegerAttr value;
    if (fill.getOutputs()[0] != target ||
        !matchPattern(fill.getInputs()[0], m_Constant(&value)))
      return std::nullopt;
    return AccumulatorInit{init, view, Value(), value.getInt()};
  }
  auto generic = cast<linalg::GenericOp>(init);
  if (generic.getNumDpsInputs() != 1 || generic.getNumDpsInits() != 1 ||
      generic.getDpsInits()[0] != target || !generic.hasPureBufferSemantics())
    return std::nullopt;
  Value row = generic.getDpsInputs()[0];
  auto rowType = dyn_cast<MemRefType>(row.getType());
  MLIRContext *ctx = kernel->getContext();
  AffineMap broadcast = AffineMap::get(generic.getNumLoops(), 0,
                                       getAffineDimExpr(channelDim, ctx));
  auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
  if (!rowType || rowType.getShape() != ArrayRef<int64_t>{type.getDimSize(1)} ||
      !rowType.getElementType().isInteger(32) ||
      !rowType.getLayout().isIdentity() ||
      generic.getIndexingMapsArray()[0] != broadcast ||
      !generic.getIndexingMapsArray()[1].isIdentity() ||
      generic.getBody()->getOperations().size() != 1 ||
      yield.getValues()[0] != generic.getBody()->getArgument(0))
    return std::nullopt;
  return AccumulatorInit{init, view, row, 0};
}

/// The elementwise op marked by compress-cpu-fuse-requantize that reads the
/// GEMM's final accumulators `c` (identity maps) right after `gemm`, in the
/// same block, and writes a buffer of the same shape laid out by rows.
linalg::GenericOp findRequantizeEpilogue(linalg::LinalgOp gemm, Value c) {
  for (Operation *user : c.getUsers()) {
    auto epilogue = dyn_cast<linalg::GenericOp>(user);
    if (!epilogue || !epilogue->hasAttr(kCPURequantizeAttrName) ||
        epilogue->getBlock() != gemm->getBlock() ||
        !gemm->isBeforeInBlock(epilogue) ||
        !epilogue.hasPureBufferSemantics() || epilogue.getNumDpsInputs() < 1 ||
        epilogue.getNumDpsInits() != 1 || epilogue.getDpsInputs()[0] != c)
      continue;
    OpOperand *in = epilogue.getDpsInputOperand(0);
    OpOperand *out = epilogue.getDpsInitOperand(0);
    if (!epilogue.getMatchingIndexingMap(in).isIdentity() ||
        !epilogue.getMatchingIndexingMap(out).isIdentity() ||
        cast<MemRefType>(out->get().getType()).getShape() !=
            cast<MemRefType>(c.getType()).getShape())
      continue;
    // The call replaces both at the epilogue's place: what lies between
    // (the output's allocation or subview, say) must neither read nor write
    // memory.
    if (onlyPureOpsBetween(gemm, epilogue))
      return epilogue;
  }
  return nullptr;
}

/// The buffer `value` views, through view-like ops (shapes, subviews,
/// reinterpret casts) and casts.
Value viewedBuffer(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (auto view = dyn_cast<ViewLikeOpInterface>(def))
      value = view.getViewSource();
    else if (auto cast = dyn_cast<memref::CastOp>(def))
      value = cast.getSource();
    else
      break;
  }
  return value;
}

/// An f32 convolution's epilogue that compress_cpu_*_f32_fused computes:
/// the convolution's output buffer is filled with `init`, the convolution
/// accumulates into it, and `epilogue` alone reads it, computing
/// minimumf(maximumf((x + bias) + residual, lo), hi) into `out`.
struct FloatConvEpilogue {
  linalg::FillOp fill;
  float init = 0.0f;
  linalg::GenericOp epilogue;
  Operation *view = nullptr; // the collapse_shape the epilogue reads through
  Value bias;                // memref<F x f32> per channel, or null
  float biasSplat = -0.0f;   // x + -0.0 is x: no bias
  Value residual;            // the output's shape, or null
  float lo = -std::numeric_limits<float>::infinity();
  float hi = std::numeric_limits<float>::infinity();
  Value out;
};

/// The f32 value of a constant `value`, if it is one.
std::optional<float> constantF32(Value value) {
  FloatAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.getType().isF32())
    return std::nullopt;
  return static_cast<float>(attr.getValueAsDouble());
}

/// Reads the epilogue's body as the chain x -> x + bias -> x + residual ->
/// clamp, each step optional and in this order (the two clamps in either
/// order, which is the same function when lo <= hi). `channelMap` is the
/// indexing map of a per-channel operand.
bool matchEpilogueBody(linalg::GenericOp epilogue, unsigned xOperand,
                       AffineMap channelMap, FloatConvEpilogue &match) {
  Block *body = epilogue.getBody();
  Value x = body->getArgument(xOperand);
  enum Stage { kStart, kBias, kResidual, kClamp };
  Stage stage = kStart;
  bool haveLo = false, haveHi = false;
  for (Operation &op : body->without_terminator()) {
    if (op.getNumOperands() != 2 || op.getNumResults() != 1 ||
        (op.getOperand(0) != x && op.getOperand(1) != x) ||
        op.getOperand(0) == op.getOperand(1))
      return false;
    Value other = op.getOperand(0) == x ? op.getOperand(1) : op.getOperand(0);
    auto arg = dyn_cast<BlockArgument>(other);
    OpOperand *operand = arg && arg.getOwner() == body &&
                                 arg.getArgNumber() < epilogue.getNumDpsInputs()
                             ? epilogue.getDpsInputOperand(arg.getArgNumber())
                             : nullptr;
    if (isa<arith::AddFOp>(op)) {
      if (stage >= kResidual)
        return false;
      if (std::optional<float> c = constantF32(other); c && stage == kStart) {
        match.biasSplat = *c;
        stage = kBias;
      } else if (operand && stage == kStart &&
                 epilogue.getMatchingIndexingMap(operand) == channelMap) {
        match.bias = operand->get();
        stage = kBias;
      } else if (operand &&
                 epilogue.getMatchingIndexingMap(operand).isIdentity()) {
        match.residual = operand->get();
        stage = kResidual;
      } else {
        return false;
      }
    } else if (isa<arith::MaximumFOp, arith::MinimumFOp>(op)) {
      std::optional<float> c = constantF32(other);
      bool isMax = isa<arith::MaximumFOp>(op);
      if (!c || std::isnan(*c) || (isMax ? haveLo : haveHi))
        return false;
      (isMax ? match.lo : match.hi) = *c;
      (isMax ? haveLo : haveHi) = true;
      stage = kClamp;
    } else {
      return false;
    }
    x = op.getResult(0);
  }
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  return yield.getNumOperands() == 1 && yield.getOperand(0) == x &&
         match.lo <= match.hi;
}

/// The fusable epilogue of the f32 convolution `conv` (rank-4 NCHW output
/// `c`, channels along dimension 1), if there is one.
std::optional<FloatConvEpilogue> findFloatConvEpilogue(linalg::LinalgOp conv,
                                                       Value c) {
  auto alloc = c.getDefiningOp<memref::AllocOp>();
  auto type = cast<MemRefType>(c.getType());
  if (!alloc || !type.getLayout().isIdentity() || type.getRank() != 4 ||
      !type.getElementType().isF32())
    return std::nullopt;
  FloatConvEpilogue match;
  Value read = c; // what the epilogue reads
  int64_t channelDim = 1;
  for (Operation *user : c.getUsers()) {
    if (user == conv.getOperation() || isa<memref::DeallocOp>(user))
      continue;
    if (auto fill = dyn_cast<linalg::FillOp>(user)) {
      std::optional<float> value = constantF32(fill.getInputs()[0]);
      if (match.fill || !value || fill.getOutputs()[0] != c ||
          fill->getBlock() != conv->getBlock() || !fill->isBeforeInBlock(conv))
        return std::nullopt;
      match.fill = fill;
      match.init = *value;
      continue;
    }
    if (auto collapse = dyn_cast<memref::CollapseShapeOp>(user)) {
      if (match.view || !collapse->hasOneUse())
        return std::nullopt;
      // -1: the channels are merged with other dimensions (no per-channel
      // operand can match).
      channelDim = channelPosition(collapse).value_or(-1);
      match.view = collapse;
      read = collapse.getResult();
      user = *collapse->user_begin();
    }
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (match.epilogue || !generic)
      return std::nullopt;
    match.epilogue = generic;
  }
  linalg::GenericOp epilogue = match.epilogue;
  if (!match.fill || !epilogue || epilogue->getBlock() != conv->getBlock() ||
      !conv->isBeforeInBlock(epilogue) || !epilogue.hasPureBufferSemantics() ||
      epilogue.getNumDpsInits() != 1 || epilogue.hasIndexSemantics() ||
      epilogue.getNumReductionLoops() != 0 ||
      !onlyPureOpsBetween(conv, epilogue))
    return std::nullopt;
  // x: the one input reading the convolution's output, with an identity map.
  std::optional<unsigned> xOperand;
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    if (input->get() != read)
      continue;
    if (xOperand || !epilogue.getMatchingIndexingMap(input).isIdentity())
      return std::nullopt;
    xOperand = input->getOperandNumber();
  }
  OpOperand *outOperand = epilogue.getDpsInitOperand(0);
  match.out = outOperand->get();
  auto outType = cast<MemRefType>(match.out.getType());
  if (!xOperand || !epilogue.getMatchingIndexingMap(outOperand).isIdentity() ||
      outType.getShape() != cast<MemRefType>(read.getType()).getShape() ||
      !outType.getElementType().isF32() ||
      !memref::isStaticShapeAndContiguousRowMajor(outType))
    return std::nullopt;
  MLIRContext *ctx = conv->getContext();
  AffineMap channelMap =
      channelDim < 0 ? AffineMap()
                     : AffineMap::get(epilogue.getNumLoops(), 0,
                                      getAffineDimExpr(channelDim, ctx));
  if (!matchEpilogueBody(epilogue, *xOperand, channelMap, match))
    return std::nullopt;
  if (match.bias) {
    auto biasType = cast<MemRefType>(match.bias.getType());
    if (biasType.getRank() != 1 ||
        biasType.getDimSize(0) != type.getDimSize(1) ||
        !biasType.getElementType().isF32() ||
        !memref::isStaticShapeAndContiguousRowMajor(biasType))
      return std::nullopt;
  }
  if (match.residual && !memref::isStaticShapeAndContiguousRowMajor(
                            cast<MemRefType>(match.residual.getType())))
    return std::nullopt;
  // The call writes `out` from the start (the fill) while it still reads the
  // convolution's input and the residual: `out` must be a buffer of its own.
  Value outBuffer = viewedBuffer(match.out);
  if (!outBuffer.getDefiningOp<memref::AllocOp>() ||
      outBuffer == viewedBuffer(conv.getDpsInputs()[0]) ||
      (match.residual && outBuffer == viewedBuffer(match.residual)) ||
      (match.bias && outBuffer == viewedBuffer(match.bias)))
    return std::nullopt;
  return match;
}

/// Splits the bias of a residual that another f32 convolution computes out
/// of an elementwise epilogue: ResNet's downsampling blocks end in
/// relu((a + biasA) + (b + biasB)) with `a` and `b` the outputs of two
/// convolutions, which neither convolution's epilogue can take (the one
/// computed first cannot read the other's output, the other's residual is
/// not a plain buffer). `a + biasA` (one arith.addf of the residual input
/// and a constant or another input) moves into a new generic right after
/// a's convolution, writing a new buffer that the epilogue then reads as
/// its residual: a's convolution takes the new generic as its epilogue, b's
/// the rewritten one. Each value is the same arith.addf of the same
/// operands, so the bits are the same. Returns whether it split one.
bool splitResidualBias(linalg::GenericOp epilogue) {
  if (!epilogue.hasPureBufferSemantics() || epilogue.getNumDpsInits() != 1 ||
      epilogue.hasIndexSemantics() || epilogue.getNumReductionLoops() != 0)
    return false;
  Block *body = epilogue.getBody();
  for (Operation &op : body->without_terminator()) {
    auto add = dyn_cast<arith::AddFOp>(op);
    if (!add || !add->hasOneUse())
      continue;
    for (unsigned side = 0; side < 2; ++side) {
      auto arg = dyn_cast<BlockArgument>(add->getOperand(side));
      Value other = add->getOperand(1 - side);
      if (!arg || arg.getOwner() != body ||
          arg.getArgNumber() >= epilogue.getNumDpsInputs() || !arg.hasOneUse())
        continue;
      OpOperand *residual = epilogue.getDpsInputOperand(arg.getArgNumber());
      if (!epilogue.getMatchingIndexingMap(residual).isIdentity())
        continue;
      // The other operand: a constant, or an input read through a map of
      // its own (a per-channel bias) that is not the residual.
      auto otherArg = dyn_cast<BlockArgument>(other);
      bool isConstant = constantF32(other).has_value();
      if (!isConstant &&
          (!otherArg || otherArg.getOwner() != body ||
           otherArg.getArgNumber() >= epilogue.getNumDpsInputs() ||
           otherArg == arg))
        continue;
      // The residual: an f32 buffer (or a collapse_shape of one that only
      // the epilogue reads) that a constant fill and one convolution before
      // the epilogue write, and nothing else uses.
      Value read = residual->get();
      auto collapse = read.getDefiningOp<memref::CollapseShapeOp>();
      Value buffer = collapse ? collapse.getSrc() : read;
      auto alloc = buffer.getDefiningOp<memref::AllocOp>();
      if (!alloc || (collapse && !collapse->hasOneUse()) ||
          alloc->getBlock() != epilogue->getBlock())
        continue;
      linalg::LinalgOp conv;
      bool filled = false, otherUse = false;
      for (Operation *user : buffer.getUsers()) {
        if (isa<memref::DeallocOp>(user) || user == collapse ||
            (!collapse && user == epilogue))
          continue;
        if (auto fill = dyn_cast<linalg::FillOp>(user);
            fill && constantF32(fill.getInputs()[0])) {
          filled = true;
          continue;
        }
        auto linalgOp = dyn_cast<linalg::LinalgOp>(user);
        if (!conv && linalgOp && hasCPUKernel(linalgOp) &&
            isa<linalg::Conv2DNchwFchwOp>(user) &&
            linalgOp.getDpsInits()[0] == buffer) {
          conv = linalgOp;
          continue;
        }
        otherUse = true;
      }
      // A convolution followed by the epilogue (pure ops between) can take
      // it whole; only one that cannot gets the bias split off.
      if (!conv || !filled || otherUse ||
          conv->getBlock() != epilogue->getBlock() ||
          !conv->isBeforeInBlock(epilogue) ||
          onlyPureOpsBetween(conv, epilogue))
        continue;
      // The bias operand must exist where the new generic goes.
      OpOperand *biasOperand =
          isConstant ? nullptr
                     : epilogue.getDpsInputOperand(otherArg.getArgNumber());
      if (biasOperand) {
        Operation *def = biasOperand->get().getDefiningOp();
        if (def && (def->getBlock() != conv->getBlock() ||
                    !def->isBeforeInBlock(conv)))
          continue;
      }
      // a' = a + bias, right after the convolution, into a new buffer.
      OpBuilder b(conv->getContext());
      b.setInsertionPointAfter(conv);
      Location loc = epilogue.getLoc();
      auto type = cast<MemRefType>(buffer.getType());
      Value fresh =
          memref::AllocOp::create(b, loc, type, alloc.getAlignmentAttr());
      auto viewOf = [&](OpBuilder &at, Value base) -> Value {
        if (!collapse)
          return base;
        return memref::CollapseShapeOp::create(
            at, loc, base, collapse.getReassociationIndices());
      };
      if (collapse)
        collapse->moveAfter(fresh.getDefiningOp());
      Value freshView = viewOf(b, fresh);
      SmallVector<Value> ins = {read};
      SmallVector<AffineMap> maps = {epilogue.getMatchingIndexingMap(residual)};
      if (biasOperand) {
        ins.push_back(biasOperand->get());
        maps.push_back(epilogue.getMatchingIndexingMap(biasOperand));
      }
      maps.push_back(epilogue.getMatchingIndexingMap(residual));
      auto split = linalg::GenericOp::create(
          b, loc, TypeRange(), ins, ValueRange{freshView}, maps,
          epilogue.getIteratorTypesArray(),
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            Value lhs = side == 0 ? args[0] : (biasOperand ? args[1] : other);
            Value rhs = side == 0 ? (biasOperand ? args[1] : other) : args[0];
            if (isConstant) {
              // The constant, defined outside the body.
              (side == 0 ? rhs : lhs) = other;
            }
            Value sum = arith::AddFOp::create(nb, nloc, lhs, rhs,
                                              add.getFastmathAttr());
            linalg::YieldOp::create(nb, nloc, sum);
          });
      (void)split;
      // The epilogue reads a' as its residual.
      OpBuilder before(epilogue);
      residual->set(viewOf(before, fresh));
      add.getResult().replaceAllUsesWith(arg);
      add->erase();
      OpBuilder after(epilogue->getContext());
      after.setInsertionPointAfter(epilogue);
      memref::DeallocOp::create(after, loc, fresh);
      return true;
    }
  }
  return false;
}

/// A padded convolution input that the kernel pads itself: `padded` is a
/// fresh buffer that only a constant fill, one copy of `source` into its
/// interior, the convolution and deallocations use.
struct ImplicitPadding {
  Operation *fill = nullptr; // linalg.fill, or a linalg.map of a constant
  memref::CopyOp copy;
  memref::SubViewOp interior;
  memref::AllocOp padded;
  Value source;
  int64_t top = 0, left = 0, bottom = 0, right = 0;
  // The padding value: the bits of an f32, or an i8's byte.
  uint32_t valueBits = 0;
};

/// Whether no op strictly between `from` and `to` (same block) may write
/// the buffer `buffer` views: each write's target is known and views another
/// buffer.
bool noWritesBetween(Operation *from, Operation *to, Value buffer) {
  Value base = viewedBuffer(buffer);
  for (Operation *op = from->getNextNode(); op && op != to;
       op = op->getNextNode()) {
    if (isMemoryEffectFree(op))
      continue;
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects)
      return false;
    SmallVector<MemoryEffects::EffectInstance> list;
    effects.getEffects(list);
    for (const MemoryEffects::EffectInstance &effect : list) {
      if (!isa<MemoryEffects::Write, MemoryEffects::Free>(effect.getEffect()))
        continue;
      Value target = effect.getValue();
      if (!target || viewedBuffer(target) == base)
        return false;
    }
  }
  return true;
}

/// The bits of a constant f32 (the padding value of an f32 input) or the
/// byte of a constant i8 (an int8 input's), matching `element`.
std::optional<uint32_t> paddingBits(Value value, Type element) {
  if (element.isF32()) {
    std::optional<float> f = constantF32(value);
    if (!f)
      return std::nullopt;
    uint32_t bits;
    std::memcpy(&bits, &*f, sizeof(bits));
    return bits;
  }
  IntegerAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || attr.getType() != element)
    return std::nullopt;
  return static_cast<uint32_t>(attr.getValue().getZExtValue() & 0xff);
}

/// The padding of the f32 or i8 convolution `conv`'s input `input`, when
/// the kernel call that replaces it at `callPoint` can read the unpadded
/// source instead.
std::optional<ImplicitPadding>
findImplicitPadding(linalg::LinalgOp conv, Value input, Operation *callPoint) {
  auto alloc = input.getDefiningOp<memref::AllocOp>();
  auto type = cast<MemRefType>(input.getType());
  Type element = type.getElementType();
  if (!alloc || !type.getLayout().isIdentity() || type.getRank() != 4 ||
      !(element.isF32() || element.isInteger(8)))
    return std::nullopt;
  ImplicitPadding pad;
  pad.padded = alloc;
  llvm::SmallPtrSet<Operation *, 8> seen;
  for (Operation *user : input.getUsers()) {
    // An op that uses the buffer twice is one user.
    if (!seen.insert(user).second || user == conv.getOperation() ||
        isa<memref::DeallocOp>(user))
      continue;
    if (auto fill = dyn_cast<linalg::FillOp>(user)) {
      std::optional<uint32_t> value = paddingBits(fill.getInputs()[0], element);
      if (pad.fill || !value || fill.getOutputs()[0] != input)
        return std::nullopt;
      pad.fill = fill;
      pad.valueBits = *value;
      continue;
    }
    if (auto map = dyn_cast<linalg::MapOp>(user)) {
      auto yield = cast<linalg::YieldOp>(map.getBody()->getTerminator());
      std::optional<uint32_t> value =
          yield.getNumOperands() == 1
              ? paddingBits(yield.getOperand(0), element)
              : std::nullopt;
      if (pad.fill || !value || !map.getInputs().empty() ||
          map.getInit() != input || map.getBody()->getOperations().size() != 1)
        return std::nullopt;
      pad.fill = map;
      pad.valueBits = *value;
      continue;
    }
    auto subview = dyn_cast<memref::SubViewOp>(user);
    if (pad.interior || !subview || !subview->hasOneUse())
      return std::nullopt;
    auto copy = dyn_cast<memref::CopyOp>(*subview->user_begin());
    if (!copy || copy.getTarget() != subview.getResult())
      return std::nullopt;
    pad.interior = subview;
    pad.copy = copy;
  }
  if (!pad.fill || !pad.interior)
    return std::nullopt;
  // The interior: [0, 0, top, left] + the source's shape, unit strides.
  ArrayRef<int64_t> offsets = pad.interior.getStaticOffsets();
  ArrayRef<int64_t> sizes = pad.interior.getStaticSizes();
  ArrayRef<int64_t> strides = pad.interior.getStaticStrides();
  ArrayRef<int64_t> full = type.getShape();
  pad.source = pad.copy.getSource();
  auto sourceType = cast<MemRefType>(pad.source.getType());
  if (llvm::any_of(strides, [](int64_t s) { return s != 1; }) ||
      llvm::any_of(offsets, ShapedType::isDynamic) ||
      llvm::any_of(sizes, ShapedType::isDynamic) || offsets[0] != 0 ||
      offsets[1] != 0 || sizes[0] != full[0] || sizes[1] != full[1] ||
      sourceType.getShape() != sizes ||
      sourceType.getElementType() != element ||
      !memref::isStaticShapeAndContiguousRowMajor(sourceType))
    return std::nullopt;
  pad.top = offsets[2];
  pad.left = offsets[3];
  pad.bottom = full[2] - offsets[2] - sizes[2];
  pad.right = full[3] - offsets[3] - sizes[3];
  // Fill, copy, convolution, call in this order in one block; the source
  // keeps its values from the copy to the call.
  Block *block = conv->getBlock();
  if (pad.fill->getBlock() != block || pad.copy->getBlock() != block ||
      callPoint->getBlock() != block || !pad.fill->isBeforeInBlock(pad.copy) ||
      !pad.copy->isBeforeInBlock(conv) ||
      !noWritesBetween(pad.copy, callPoint, pad.source))
    return std::nullopt;
  return pad;
}

/// The leading stride of a 2-D buffer whose last stride is 1.
std::optional<int64_t> rowStride(Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (type.getRank() != 2 ||
      failed(type.getStridesAndOffset(strides, offset)) || strides[1] != 1 ||
      ShapedType::isDynamic(strides[0]))
    return std::nullopt;
  return strides[0];
}

void KernelCallBuilder::dropPadding(const std::optional<ImplicitPadding> &pad) {
  if (!pad)
    return;
  pad->copy->erase();
  pad->interior->erase();
  pad->fill->erase();
  droppedAccumulators.push_back(pad->padded);
}

LogicalResult KernelCallBuilder::lowerGemm(linalg::LinalgOp op,
                                           const KernelChoice &choice) {
  std::optional<GemmMatch> gemm = matchGemm(op);
  if (!gemm)
    return op->emitRemark("compress-cpu-lower-kernels: no longer a GEMM the "
                          "kernels compute; left as it is");
  Value a = op.getDpsInputs()[gemm->aOperand];
  Value bMat = op.getDpsInputs()[gemm->bOperand];
  Value c = op.getDpsInits()[0];
  std::optional<int64_t> lda = rowStride(a), ldc = rowStride(c);
  if (!lda || !ldc)
    return op->emitRemark("compress-cpu-lower-kernels: the activation or the "
                          "result is not contiguous along its rows; left as "
                          "it is");
  bool isFloat = gemm->types == KernelTypes::F32;
  std::string base = isFloat ? "compress_cpu_sgemm" : "compress_cpu_igemm_u8s8";
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto bShape = cast<MemRefType>(bMat.getType()).getShape();
  // B(k, n) = data[k * strideK + n * strideN] for a row-major B.
  int64_t strideK = gemm->bTransposed ? 1 : bShape[1];
  int64_t strideN = gemm->bTransposed ? bShape[1] : 1;

  SmallVector<Value> args = {i64(b, loc, static_cast<int64_t>(choice.isa)),
                             i64(b, loc, gemm->m),
                             i64(b, loc, gemm->n),
                             i64(b, loc, gemm->k),
                             address(b, loc, a),
                             i64(b, loc, *lda)};
  memref::GlobalOp global = constantGlobal(bMat);
  std::optional<std::vector<char>> bytes;
  if (global)
    bytes = globalBytes(global);
  auto bType = cast<MemRefType>(bMat.getType());
  if (bytes && bType.getLayout().isIdentity()) {
    // Sparse weights keep only their non-zero bytes; 4-bit weights (int8
    // values in [-8, 7]) take half the bytes.
    // 2:4 weights keep their non-zero pairs and 2-bit positions.
    bool sparse = !isFloat && zeroFraction(*bytes) >= sparseThreshold;
    bool s4 = !isFloat && !sparse && packInt4 && fitsInFourBits(*bytes);
    std::optional<std::vector<char>> pairs;
    if (!isFloat && !sparse && !s4 && pack2of4)
      pairs = packGemmWeight2of4(*bytes, gemm->k, gemm->n, strideK, strideN);
    std::string entry = base + "_packed";
    if (sparse)
      entry = "compress_cpu_igemm_u8s8_sparse";
    else if (s4)
      entry = "compress_cpu_igemm_u8s4_packed";
    else if (pairs)
      entry = "compress_cpu_igemm_u8s8_2of4";
    std::string key = (global.getSymName() +
                       (isFloat  ? "_b16"
                        : sparse ? "_sparse"
                        : s4     ? "_b16x4s4"
                        : pairs  ? "_b16x8p24"
                                 : "_b16x4") +
                       (gemm->bTransposed ? "t" : ""))
                          .str();
    auto pack = [&]() {
      if (isFloat)
        return packGemmWeightF32(*bytes, gemm->k, gemm->n, strideK, strideN);
      if (sparse)
        return packGemmWeightSparse(*bytes, gemm->k, gemm->n, strideK, strideN);
      if (s4)
        return packGemmWeightS4(*bytes, gemm->k, gemm->n, strideK, strideN);
      if (pairs)
        return std::move(*pairs);
      return packGemmWeightS8(*bytes, gemm->k, gemm->n, strideK, strideN);
    };
    memref::GlobalOp packedB =
        packed.count(key) ? packed[key]
                          : packedGlobal(key, bType.getElementType(), pack());
    readGlobals.push_back(global);
    args.push_back(address(b, loc, getGlobal(b, loc, packedB)));
    if (!isFloat)
      if (linalg::GenericOp epilogue = findRequantizeEpilogue(op, c))
        if (std::optional<int64_t> ldo = rowStride(epilogue.getDpsInits()[0])) {
          lowerWithRequantize(b, loc, op, epilogue, *ldo, *ldc, args, choice,
                              entry);
          return success();
        }
    args.append({address(b, loc, c), i64(b, loc, *ldc)});
    args.push_back(i64(b, loc, choice.threads));
    call(b, loc, entry, args);
    return success();
  }
  // A weight computed at run time: the library packs it.
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(bType.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(strides[0]) || ShapedType::isDynamic(strides[1]))
    return op->emitRemark("compress-cpu-lower-kernels: the weight has dynamic "
                          "strides; left as it is");
  strideK = gemm->bTransposed ? strides[1] : strides[0];
  strideN = gemm->bTransposed ? strides[0] : strides[1];
  args.append({address(b, loc, bMat), i64(b, loc, strideK),
               i64(b, loc, strideN), address(b, loc, c), i64(b, loc, *ldc),
               i64(b, loc, choice.threads)});
  call(b, loc, base, args);
  return success();
}

/// The static strides of a rank-3 buffer whose last stride is 1.
std::optional<std::array<int64_t, 2>> batchStrides(Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (type.getRank() != 3 ||
      failed(type.getStridesAndOffset(strides, offset)) || strides[2] != 1 ||
      ShapedType::isDynamic(strides[0]) || ShapedType::isDynamic(strides[1]))
    return std::nullopt;
  return std::array<int64_t, 2>{strides[0], strides[1]};
}

LogicalResult KernelCallBuilder::lowerBatchGemm(linalg::LinalgOp op,
                                                const KernelChoice &choice) {
  std::optional<BatchGemmMatch> gemm = matchBatchGemm(op);
  if (!gemm)
    return op->emitRemark("compress-cpu-lower-kernels: no longer a batched "
                          "GEMM the kernels compute; left as it is");
  Value a = op.getDpsInputs()[0], bMat = op.getDpsInputs()[1],
        c = op.getDpsInits()[0];
  std::optional<std::array<int64_t, 2>> aStrides = batchStrides(a),
                                        cStrides = batchStrides(c);
  auto bType = cast<MemRefType>(bMat.getType());
  SmallVector<int64_t> bStrides;
  int64_t offset;
  if (!aStrides || !cStrides ||
      failed(bType.getStridesAndOffset(bStrides, offset)) ||
      llvm::any_of(bStrides, ShapedType::isDynamic))
    return op->emitRemark("compress-cpu-lower-kernels: an operand of this "
                          "batched GEMM is not laid out by rows; left as it "
                          "is");
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto n = [&](int64_t v) { return i64(b, loc, v); };
  // B(k, n) of batch i = data[i * strideBatch + k * strideK + n * strideN].
  int64_t strideK = gemm->bTransposed ? bStrides[2] : bStrides[1];
  int64_t strideN = gemm->bTransposed ? bStrides[1] : bStrides[2];
  // isa, sizes; A; B; C; threads. The integer kernel also takes each
  // operand's signedness and zero point after its strides.
  SmallVector<Value> args{n(static_cast<int64_t>(choice.isa)), n(gemm->batch),
                          n(gemm->m), n(gemm->n), n(gemm->k)};
  llvm::append_range(args,
                     ArrayRef<Value>{address(b, loc, a), n((*aStrides)[0]),
                                     n((*aStrides)[1])});
  if (gemm->integer)
    llvm::append_range(args, ArrayRef<Value>{n(gemm->aSigned), n(gemm->aZero)});
  llvm::append_range(args,
                     ArrayRef<Value>{address(b, loc, bMat), n(bStrides[0]),
                                     n(strideK), n(strideN)});
  if (gemm->integer)
    llvm::append_range(args, ArrayRef<Value>{n(gemm->bSigned), n(gemm->bZero)});
  llvm::append_range(args,
                     ArrayRef<Value>{address(b, loc, c), n((*cStrides)[0]),
                                     n((*cStrides)[1]), n(choice.threads)});
  call(b, loc,
       gemm->integer ? "compress_cpu_igemm_batched"
                     : "compress_cpu_sgemm_batched",
       args);
  return success();
}

Value KernelCallBuilder::accumulatorRow(OpBuilder &b, Location loc,
                                        const AccumulatorInit &init, Value c) {
  Value row;
  if (init.row) {
    row = address(b, loc, init.row);
  } else if (init.splat == 0) {
    row = i64(b, loc, 0); // null: zeros
  } else {
    int64_t n = cast<MemRefType>(c.getType()).getDimSize(1);
    std::vector<int32_t> values(n, static_cast<int32_t>(init.splat));
    std::vector<char> bytes(n * sizeof(int32_t));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    memref::GlobalOp global = packedGlobal(
        ("__compress_accumulator_init_" + Twine(n) + "_" + Twine(init.splat))
            .str(),
        b.getI32Type(), bytes);
    row = address(b, loc, getGlobal(b, loc, global));
  }
  // The row is read at the call, where the initialization stood before the
  // kernel (nothing in between writes memory).
  init.op->erase();
  if (init.view)
    init.view->erase();
  droppedAccumulators.push_back(c.getDefiningOp<memref::AllocOp>());
  return row;
}

void KernelCallBuilder::appendRequantizeArgs(OpBuilder &b, Location loc,
                                             linalg::GenericOp epilogue,
                                             SmallVector<Value> &args) {
  auto attr = epilogue->getAttrOfType<DictionaryAttr>(kCPURequantizeAttrName);
  ArrayRef<int64_t> params = attr.getAs<DenseI64ArrayAttr>("params");
  std::vector<char> bytes(params.size() * sizeof(int64_t));
  std::memcpy(bytes.data(), params.data(), bytes.size());
  memref::GlobalOp global =
      packedGlobal(("__compress_requantize_" + Twine(requantizeCount++)).str(),
                   b.getI64Type(), bytes);
  auto integer = [&](StringRef name) {
    return i64(b, loc, attr.getAs<IntegerAttr>(name).getInt());
  };
  bool dequantize = attr.get("dequantize_scale") != nullptr;
  uint32_t scaleBits = 0;
  if (dequantize) {
    float scale = static_cast<float>(
        attr.getAs<FloatAttr>("dequantize_scale").getValueAsDouble());
    std::memcpy(&scaleBits, &scale, sizeof(scale));
  }
  args.append({address(b, loc, getGlobal(b, loc, global)),
               i64(b, loc, int64_t(params.size() / 5)),
               i64(b, loc, attr.getAs<BoolAttr>("has_left_shift").getValue()),
               integer("zero_point"), integer("lo"), integer("hi"),
               i64(b, loc, dequantize),
               dequantize ? integer("dequantize_zero_point") : i64(b, loc, 0),
               i64(b, loc, scaleBits),
               address(b, loc, epilogue.getDpsInits()[0])});
}

void KernelCallBuilder::lowerWithRequantize(
    OpBuilder &b, Location loc, linalg::LinalgOp gemm,
    linalg::GenericOp epilogue, int64_t ldo, int64_t ldc,
    SmallVector<Value> &args, const KernelChoice &choice, StringRef entry) {
  // After everything the output's address depends on.
  b.setInsertionPoint(epilogue);
  // When the accumulators start as a row broadcast (the bias and the
  // zero-point corrections) or a constant, the call takes that row and no C:
  // the M x N i32 buffer, its initialization and its traffic go away.
  Value c = gemm.getDpsInits()[0];
  std::optional<AccumulatorInit> init = findAccumulatorInit(gemm, c, epilogue);
  std::string name = (entry + "_requantize").str();
  if (!init) {
    args.append({address(b, loc, c), i64(b, loc, ldc)});
  } else {
    name = (entry + "_bias_requantize").str();
    args.push_back(accumulatorRow(b, loc, *init, c)); // in place of C, ldc
  }
  appendRequantizeArgs(b, loc, epilogue, args);
  args.append({i64(b, loc, ldo), i64(b, loc, choice.threads)});
  call(b, loc, name, args);
  epilogue.erase();
}

void KernelCallBuilder::eraseDeadAccumulators() {
  for (memref::AllocOp alloc : droppedAccumulators) {
    if (!llvm::all_of(alloc->getUsers(), [](Operation *user) {
          return isa<memref::DeallocOp>(user);
        }))
      continue;
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      user->erase();
    alloc.erase();
  }
}

void KernelCallBuilder::appendFloatEpilogueArgs(
    OpBuilder &b, Location loc, Value c, const FloatConvEpilogue &epilogue,
    SmallVector<Value> &args) {
  // After everything the output's address depends on; nothing between the
  // convolution and here touches memory.
  b.setInsertionPoint(epilogue.epilogue);
  auto bits = [&](float value) {
    uint32_t word;
    std::memcpy(&word, &value, sizeof(word));
    return i64(b, loc, static_cast<int64_t>(word));
  };
  args.append(
      {bits(epilogue.init),
       epilogue.bias ? address(b, loc, epilogue.bias) : i64(b, loc, 0),
       bits(epilogue.biasSplat),
       epilogue.residual ? address(b, loc, epilogue.residual) : i64(b, loc, 0),
       bits(epilogue.lo), bits(epilogue.hi), address(b, loc, epilogue.out)});
  // The call goes where the epilogue was.
  b.setInsertionPointAfter(epilogue.epilogue);
  epilogue.epilogue->erase();
  if (epilogue.view)
    epilogue.view->erase();
  epilogue.fill->erase();
  droppedAccumulators.push_back(c.getDefiningOp<memref::AllocOp>());
}

LogicalResult KernelCallBuilder::lowerConv(linalg::LinalgOp op,
                                           const KernelChoice &choice) {
  std::optional<ConvMatch> conv = matchConv(op);
  if (!conv)
    return op->emitRemark("compress-cpu-lower-kernels: no longer a "
                          "convolution the kernels compute; left as it is");
  Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1],
        output = op.getDpsInits()[0];
  for (Value v : {input, output})
    if (!memref::isStaticShapeAndContiguousRowMajor(
            cast<MemRefType>(v.getType())))
      return op->emitRemark("compress-cpu-lower-kernels: the input or output "
                            "of this convolution is not contiguous; left as "
                            "it is");
  bool isFloat = conv->types == KernelTypes::F32;
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto n = [&](int64_t v) { return i64(b, loc, v); };
  SmallVector<Value> args = {n(static_cast<int64_t>(choice.isa)),
                             n(conv->batch), n(conv->channels), n(conv->height),
                             n(conv->width)};
  if (conv->depthwise) {
    if (!memref::isStaticShapeAndContiguousRowMajor(
            cast<MemRefType>(filter.getType())))
      return op->emitRemark("compress-cpu-lower-kernels: the depthwise filter "
                            "is not contiguous; left as it is");
    SmallVector<Value> window = {n(conv->kernelH),      n(conv->kernelW),
                                 n(conv->outH),         n(conv->outW),
                                 n(conv->strides[0]),   n(conv->strides[1]),
                                 n(conv->dilations[0]), n(conv->dilations[1])};
    // The fused calls' leading arguments: the unpadded source's sizes, the
    // window, the padding (none: zeros) and the source and filter addresses.
    auto fusedPrefix = [&](const std::optional<ImplicitPadding> &pad) {
      Value source = pad ? pad->source : input;
      ArrayRef<int64_t> shape = cast<MemRefType>(source.getType()).getShape();
      SmallVector<Value> fused = {args[0], args[1], args[2], n(shape[2]),
                                  n(shape[3])};
      fused.append(window);
      fused.append({n(pad ? pad->top : 0), n(pad ? pad->left : 0),
                    n(pad ? pad->bottom : 0), n(pad ? pad->right : 0),
                    n(pad ? pad->valueBits : 0), address(b, loc, source),
                    address(b, loc, filter)});
      return fused;
    };
    // The fused call also pads its input plane by plane, in cache, in place
    // of a padded copy of the whole tensor.
    if (isFloat && fuseEpilogues)
      if (std::optional<FloatConvEpilogue> epilogue =
              findFloatConvEpilogue(op, output)) {
        std::optional<ImplicitPadding> pad =
            findImplicitPadding(op, input, epilogue->epilogue);
        SmallVector<Value> fused = fusedPrefix(pad);
        appendFloatEpilogueArgs(b, loc, output, *epilogue, fused);
        fused.push_back(n(choice.threads));
        call(b, loc, "compress_cpu_depthwise_conv2d_nchw_f32_fused", fused);
        dropPadding(pad);
        return success();
      }
    // An int8 one whose accumulators start from a per-channel row (its
    // bias) or a constant and end in a marked requantization: one call that
    // pads each plane in cache and writes only the requantized output.
    if (!isFloat)
      if (linalg::GenericOp epilogue = findRequantizeEpilogue(op, output))
        if (std::optional<AccumulatorInit> init =
                findAccumulatorInit(op, output, epilogue);
            init && memref::isStaticShapeAndContiguousRowMajor(cast<MemRefType>(
                        epilogue.getDpsInits()[0].getType()))) {
          b.setInsertionPoint(epilogue);
          std::optional<ImplicitPadding> pad =
              findImplicitPadding(op, input, epilogue);
          SmallVector<Value> fused = fusedPrefix(pad);
          fused.push_back(accumulatorRow(b, loc, *init, output));
          appendRequantizeArgs(b, loc, epilogue, fused);
          fused.push_back(n(choice.threads));
          call(b, loc, "compress_cpu_depthwise_conv2d_nchw_u8s8_requantize",
               fused);
          epilogue.erase();
          dropPadding(pad);
          return success();
        }
    args.append(window);
    args.append({address(b, loc, input), address(b, loc, filter),
                 address(b, loc, output), n(choice.threads)});
    call(b, loc,
         isFloat ? "compress_cpu_depthwise_conv2d_nchw_f32"
                 : "compress_cpu_depthwise_conv2d_nchw_u8s8",
         args);
    return success();
  }
  memref::GlobalOp global = constantGlobal(filter);
  std::optional<std::vector<char>> bytes;
  if (global && cast<MemRefType>(filter.getType()).getLayout().isIdentity())
    bytes = globalBytes(global);
  if (!bytes)
    return op->emitRemark("compress-cpu-lower-kernels: the filter is not a "
                          "readable constant; left as it is");
  int64_t cg = conv->channels / conv->groups;
  std::string key =
      (global.getSymName() + (isFloat ? "_conv_f32" : "_conv_s8")).str();
  memref::GlobalOp packedFilter =
      packed.count(key)
          ? packed[key]
          : packedGlobal(
                key, cast<MemRefType>(filter.getType()).getElementType(),
                isFloat
                    ? packConvFilterF32(*bytes, conv->filters, cg,
                                        conv->kernelH, conv->kernelW,
                                        conv->groups)
                    : packConvFilterS8(*bytes, conv->filters, cg, conv->kernelH,
                                       conv->kernelW, conv->groups));
  readGlobals.push_back(global);
  args.append({n(conv->filters), n(conv->kernelH), n(conv->kernelW),
               n(conv->outH), n(conv->outW), n(conv->strides[0]),
               n(conv->strides[1]), n(conv->dilations[0]),
               n(conv->dilations[1]), n(conv->groups)});
  Value filterAddress = address(b, loc, getGlobal(b, loc, packedFilter));
  // An f32 convolution with an epilogue whose input is a padded copy that
  // only it reads: the call pads each image in cache instead (the unpadded
  // source's sizes, the padding, the source), and the copy goes away.
  if (isFloat && fuseEpilogues)
    if (std::optional<FloatConvEpilogue> epilogue =
            findFloatConvEpilogue(op, output))
      if (std::optional<ImplicitPadding> pad =
              findImplicitPadding(op, input, epilogue->epilogue)) {
        ArrayRef<int64_t> shape =
            cast<MemRefType>(pad->source.getType()).getShape();
        SmallVector<Value> padded = {args[0], args[1], args[2], n(shape[2]),
                                     n(shape[3])};
        padded.append(args.begin() + 5, args.end());
        padded.append({n(pad->top), n(pad->left), n(pad->bottom), n(pad->right),
                       n(pad->valueBits), address(b, loc, pad->source),
                       filterAddress});
        appendFloatEpilogueArgs(b, loc, output, *epilogue, padded);
        padded.push_back(n(choice.threads));
        floatConvCalls[underlyingBuffer(epilogue->out)] =
            call(b, loc, "compress_cpu_conv2d_nchw_f32_padded", padded);
        dropPadding(pad);
        return success();
      }
  args.append({address(b, loc, input), filterAddress});
  // An int8 convolution whose accumulators start from a per-channel row (its
  // bias) or a constant and end in a marked requantization: one call that
  // writes only the requantized output.
  if (!isFloat)
    if (linalg::GenericOp epilogue = findRequantizeEpilogue(op, output))
      if (std::optional<AccumulatorInit> init =
              findAccumulatorInit(op, output, epilogue);
          init && memref::isStaticShapeAndContiguousRowMajor(
                      cast<MemRefType>(epilogue.getDpsInits()[0].getType()))) {
        b.setInsertionPoint(epilogue);
        args.push_back(accumulatorRow(b, loc, *init, output));
        appendRequantizeArgs(b, loc, epilogue, args);
        args.push_back(n(choice.threads));
        call(b, loc, "compress_cpu_conv2d_nchw_u8s8_requantize", args);
        epilogue.erase();
        return success();
      }
  if (isFloat && fuseEpilogues)
    if (std::optional<FloatConvEpilogue> epilogue =
            findFloatConvEpilogue(op, output)) {
      appendFloatEpilogueArgs(b, loc, output, *epilogue, args);
      args.push_back(n(choice.threads));
      floatConvCalls[underlyingBuffer(epilogue->out)] =
          call(b, loc, "compress_cpu_conv2d_nchw_f32_fused", args);
      return success();
    }
  args.append({address(b, loc, output), n(choice.threads)});
  call(b, loc,
       isFloat ? "compress_cpu_conv2d_nchw_f32"
               : "compress_cpu_conv2d_nchw_u8s8",
       args);
  return success();
}

LogicalResult KernelCallBuilder::lowerPool(linalg::LinalgOp op,
                                           const KernelChoice &choice) {
  // An i8 max pooling (a generic) carries its strides in its indexing
  // maps; the named f32 ones in attributes.
  std::optional<BytePoolMatch> bytes = matchBytePool(op);
  if (!bytes && !isa<linalg::PoolingNchwMaxOp, linalg::PoolingNchwSumOp>(
                    op.getOperation()))
    return op->emitRemark("compress-cpu-lower-kernels: not a pooling the "
                          "kernels compute; left as it is");
  Value input = op.getDpsInputs()[0], output = op.getDpsInits()[0];
  auto inType = cast<MemRefType>(input.getType());
  auto outType = cast<MemRefType>(output.getType());
  auto windowType = cast<MemRefType>(op.getDpsInputs()[1].getType());
  if (!memref::isStaticShapeAndContiguousRowMajor(inType) ||
      !memref::isStaticShapeAndContiguousRowMajor(outType) ||
      inType.getRank() != 4 || outType.getRank() != 4 ||
      windowType.getRank() != 2 || !windowType.hasStaticShape())
    return op->emitRemark("compress-cpu-lower-kernels: the input or output "
                          "of this pooling is not contiguous; left as it is");
  SmallVector<int64_t> s, d;
  if (bytes) {
    s = {bytes->strides[0], bytes->strides[1]};
    d = {bytes->dilations[0], bytes->dilations[1]};
  } else {
    DenseIntElementsAttr strides, dilations;
    if (auto max = dyn_cast<linalg::PoolingNchwMaxOp>(op.getOperation())) {
      strides = max.getStrides();
      dilations = max.getDilations();
    } else {
      auto sum = cast<linalg::PoolingNchwSumOp>(op.getOperation());
      strides = sum.getStrides();
      dilations = sum.getDilations();
    }
    for (const APInt &x : strides.getValues<APInt>())
      s.push_back(x.getSExtValue());
    for (const APInt &x : dilations.getValues<APInt>())
      d.push_back(x.getSExtValue());
  }
  // The bytes' signedness, or COMPRESS_CPU_POOL_MAX (0) / _SUM (1).
  int64_t kind =
      bytes ? (bytes->isSigned ? 1 : 0)
            : (isa<linalg::PoolingNchwMaxOp>(op.getOperation()) ? 0 : 1);
  // An f32 max pooling into a fresh buffer filled with -inf, which nothing
  // reads before the pooling: the call starts from -inf itself
  // (COMPRESS_CPU_POOL_MAX_FRESH, 2) and the fill goes.
  linalg::FillOp identityFill;
  if (!bytes && kind == 0 && fuseEpilogues)
    if (auto alloc = output.getDefiningOp<memref::AllocOp>()) {
      for (Operation *user : output.getUsers()) {
        auto fill = dyn_cast<linalg::FillOp>(user);
        std::optional<float> value =
            fill ? constantF32(fill.getInputs()[0]) : std::nullopt;
        if (fill && value && std::isinf(*value) && *value < 0 &&
            fill->getBlock() == op->getBlock() && fill->isBeforeInBlock(op) &&
            !identityFill)
          identityFill = fill;
        else if (user != op.getOperation() && !isa<memref::DeallocOp>(user) &&
                 (user->getBlock() != op->getBlock() ||
                  user->isBeforeInBlock(op)))
          // A use before the pooling (or elsewhere) might read the fill.
          return lowerPoolCall(op, choice, bytes.has_value(), kind, input,
                               output, s, d, nullptr);
      }
    }
  return lowerPoolCall(op, choice, bytes.has_value(), identityFill ? 2 : kind,
                       input, output, s, d, identityFill);
}

LogicalResult KernelCallBuilder::lowerPoolCall(
    linalg::LinalgOp op, const KernelChoice &choice, bool bytes, int64_t kind,
    Value input, Value output, ArrayRef<int64_t> s, ArrayRef<int64_t> d,
    linalg::FillOp identityFill) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto n = [&](int64_t v) { return i64(b, loc, v); };
  auto inType = cast<MemRefType>(input.getType());
  auto outType = cast<MemRefType>(output.getType());
  auto windowType = cast<MemRefType>(op.getDpsInputs()[1].getType());
  ArrayRef<int64_t> in = inType.getShape(), out = outType.getShape();
  ArrayRef<int64_t> window = windowType.getShape();
  // An f32 input padded into a buffer of its own (a max pooling's -inf
  // border): the call pads each plane itself, and the padded copy goes.
  std::optional<ImplicitPadding> pad;
  if (!bytes && fuseEpilogues)
    pad = findImplicitPadding(op, input, op);
  ArrayRef<int64_t> source =
      pad ? cast<MemRefType>(pad->source.getType()).getShape() : in;
  SmallVector<Value> args = {n(static_cast<int64_t>(choice.isa)),
                             n(kind),
                             n(source[0]),
                             n(source[1]),
                             n(source[2]),
                             n(source[3]),
                             n(window[0]),
                             n(window[1]),
                             n(out[2]),
                             n(out[3]),
                             n(s[0]),
                             n(s[1]),
                             n(d[0]),
                             n(d[1])};
  if (identityFill &&
      fuseConvPool(op, pad ? pad->source : input, output, pad, window, s, d)) {
    dropPadding(pad);
    identityFill->erase();
    return success();
  }
  if (pad)
    args.append({n(pad->top), n(pad->left), n(pad->bottom), n(pad->right),
                 n(pad->valueBits)});
  args.append({address(b, loc, pad ? pad->source : input),
               address(b, loc, output), n(choice.threads)});
  call(b, loc,
       bytes ? "compress_cpu_max_pool2d_nchw_i8"
       : pad ? "compress_cpu_pool2d_nchw_f32_padded"
             : "compress_cpu_pool2d_nchw_f32",
       args);
  dropPadding(pad);
  if (identityFill)
    identityFill->erase();
  return success();
}

/// Whether `user` (of a buffer) only computes an address that `call` reads:
/// a view of it and address()'s ops, from the metadata to the i64 argument.
static bool onlyAddresses(Operation *user, func::CallOp call) {
  SmallVector<Operation *> work = {user};
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    if (op == call.getOperation())
      continue;
    if (!isa<memref::CollapseShapeOp, memref::ExtractAlignedPointerAsIndexOp,
             memref::ExtractStridedMetadataOp, arith::MulIOp, arith::AddIOp,
             arith::IndexCastOp>(op))
      return false;
    llvm::append_range(work, op->getUsers());
  }
  return true;
}

bool KernelCallBuilder::fuseConvPool(linalg::LinalgOp pool, Value source,
                                     Value output,
                                     const std::optional<ImplicitPadding> &pad,
                                     ArrayRef<int64_t> window,
                                     ArrayRef<int64_t> s, ArrayRef<int64_t> d) {
  auto found = floatConvCalls.find(source);
  if (found == floatConvCalls.end())
    return false;
  func::CallOp conv = found->second;
  // The convolution's output is a buffer of its own that nothing but the
  // pooling (or its padded copy) reads, and the pooling's a fresh one that
  // nothing touches before it (its -inf fill goes): the pooled outputs can
  // be written where the convolution's were, in the same block.
  auto sourceAlloc = source.getDefiningOp<memref::AllocOp>();
  auto outAlloc = output.getDefiningOp<memref::AllocOp>();
  Block *block = pool->getBlock();
  if (!sourceAlloc || !outAlloc || outAlloc->getNumOperands() != 0 ||
      conv->getBlock() != block || outAlloc->getBlock() != block ||
      !conv->isBeforeInBlock(pool))
    return false;
  for (Operation *user : source.getUsers())
    if (user != pool.getOperation() && !isa<memref::DeallocOp>(user) &&
        !(pad && user == static_cast<Operation *>(pad->copy)) &&
        !onlyAddresses(user, conv))
      return false;
  if (conv->isBeforeInBlock(outAlloc))
    outAlloc->moveBefore(conv);

  OpBuilder b(conv);
  Location loc = conv.getLoc();
  auto n = [&](int64_t v) { return i64(b, loc, v); };
  // compress_cpu_conv2d_nchw_f32_padded's arguments (_fused's with no
  // padding), up to its output: 15 sizes, 5 of padding, in, the filter,
  // 6 of the epilogue; then out and threads.
  SmallVector<Value> args(conv.getOperands());
  if (conv.getCallee() == "compress_cpu_conv2d_nchw_f32_fused")
    args.insert(args.begin() + 15, 5, n(0));
  Value convOut = args[28], threads = args[29];
  args.resize(28);
  ArrayRef<int64_t> pooled = cast<MemRefType>(output.getType()).getShape();
  // COMPRESS_CPU_POOL_MAX_FRESH: from -inf, the fill gone.
  args.append({n(2), n(window[0]), n(window[1]), n(pooled[2]), n(pooled[3]),
               n(s[0]), n(s[1]), n(d[0]), n(d[1])});
  if (pad)
    args.append({n(pad->top), n(pad->left), n(pad->bottom), n(pad->right),
                 n(pad->valueBits)});
  else
    args.append(5, n(0));
  args.append({address(b, loc, output), threads});
  call(b, loc, "compress_cpu_conv2d_pool_nchw_f32", args);
  conv.erase();
  floatConvCalls.erase(found);
  // The convolution output's address, then the buffer itself.
  SmallVector<Operation *> dead = {convOut.getDefiningOp()};
  llvm::SmallPtrSet<Operation *, 8> erased;
  while (!dead.empty()) {
    Operation *op = dead.pop_back_val();
    if (!op || erased.contains(op) || !op->use_empty() ||
        !isMemoryEffectFree(op))
      continue;
    for (Value operand : op->getOperands())
      dead.push_back(operand.getDefiningOp());
    erased.insert(op);
    op->erase();
  }
  droppedAccumulators.push_back(sourceAlloc);
  return true;
}

void KernelCallBuilder::eraseDeadGlobals() {
  // get_global ops left without users first, then globals without uses.
  SmallVector<memref::GetGlobalOp> deadGets;
  module.walk([&](memref::GetGlobalOp get) {
    if (get->use_empty())
      deadGets.push_back(get);
  });
  for (memref::GetGlobalOp get : deadGets)
    get.erase();
  llvm::SmallPtrSet<Operation *, 8> seen;
  for (memref::GlobalOp global : readGlobals) {
    if (!seen.insert(global).second)
      continue;
    if (SymbolTable::symbolKnownUseEmpty(global, module))
      symbols.erase(global);
  }
}

struct LowerKernelsPass
    : public compress::impl::CompressCPULowerKernelsBase<LowerKernelsPass> {
  using CompressCPULowerKernelsBase::CompressCPULowerKernelsBase;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> marked;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (hasCPUKernel(op) && op.hasPureBufferSemantics())
        marked.push_back(op);
    });
    if (fuseEpilogues) {
      SmallVector<linalg::GenericOp> generics;
      getOperation().walk(
          [&](linalg::GenericOp generic) { generics.push_back(generic); });
      for (linalg::GenericOp generic : generics)
        splitResidualBias(generic);
    }
    KernelCallBuilder builder(getOperation(), fuseEpilogues, packInt4, pack2of4,
                              sparseThreshold);
    for (linalg::LinalgOp op : marked) {
      std::optional<KernelChoice> choice = readChoice(op);
      if (!choice) {
        op->emitError("compress-cpu-lower-kernels: malformed '")
            << kCPUKernelAttrName
            << "' attribute; expected {kernel = \"...\", isa = \"portable|"
               "avx2|avx512|avx512-vnni|amx\", threads = N : i64}";
        return signalPassFailure();
      }
      bool isGemm = choice->kernel == "sgemm" || choice->kernel == "igemm_u8s8";
      bool isPool = choice->kernel.contains("_pool2d_nchw_");
      LogicalResult lowered = isGemm ? builder.lowerGemm(op, *choice)
                              : choice->kernel == "sgemm_batched" ||
                                      choice->kernel == "igemm_batched"
                                  ? builder.lowerBatchGemm(op, *choice)
                              : isPool ? builder.lowerPool(op, *choice)
                                       : builder.lowerConv(op, *choice);
      if (succeeded(lowered))
        op->erase();
      else
        op->removeAttr(kCPUKernelAttrName);
    }
    builder.eraseDeadAccumulators();
    builder.eraseDeadGlobals();
  }
};

} // namespace
