//===- TiledMatmulKernel.cpp - matmul kernels with shared-memory tiles ----===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A matmul-like linalg.generic reads every element of its inputs N (or M)
// times. Computed one thread per output with no reuse, that is N reads of
// global memory per element; here a block of T x T threads computes a T x T
// tile of the output and stages T x TK tiles of both inputs in workgroup
// (shared) memory, so each element is read from global memory ceil(N / T)
// times and T times from shared memory:
//
//   for k0 in 0, TK, 2 TK, ... < K:
//     all threads copy lhs[m0 .. m0+T, k0 .. k0+TK] and
//                      rhs[k0 .. k0+TK, n0 .. n0+T] into shared memory,
//                      zero outside the operands (bounds checks)
//     gpu.barrier
//     thread (ty, tx) accumulates its output over the staged k range
//     gpu.barrier                     (before the tiles are overwritten)
//
// Both staged tiles are stored k-innermost ([row][k]), so that four
// consecutive k steps of one row are one aligned 32-bit word: dp4a reads
// them with one shared load. With dp4a the padded zeros are part of the
// sum (ext(0) * x = 0, exactly); the generic body instead stops at the last
// valid k, so that any body (max, a float sum in order) computes what the
// untiled kernel computes, in the same order.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilders.h"

#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::compress;

std::optional<MatmulDims> compress::matchMatmulLike(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 1)
    return std::nullopt;
  unsigned numParallel = op.getNumParallelLoops();
  if (numParallel < 2 || numParallel > 3)
    return std::nullopt;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type || !type.getElementType().isIntOrFloat() ||
        !op.getMatchingIndexingMap(&operand).isProjectedPermutation())
      return std::nullopt;
  }
  SmallVector<unsigned> reductionDims;
  op.getReductionDims(reductionDims);
  MatmulDims dims;
  dims.k = reductionDims.front();
  dims.lhs = op.getDpsInputOperand(0);
  dims.rhs = op.getDpsInputOperand(1);
  AffineMap lhsMap = op.getMatchingIndexingMap(dims.lhs);
  AffineMap rhsMap = op.getMatchingIndexingMap(dims.rhs);
  if (!lhsMap.isFunctionOfDim(dims.k) || !rhsMap.isFunctionOfDim(dims.k))
    return std::nullopt;
  std::optional<unsigned> m, n;
  SmallVector<unsigned> parallelDims;
  op.getParallelDims(parallelDims);
  for (unsigned dim : parallelDims) {
    bool inLhs = lhsMap.isFunctionOfDim(dim);
    bool inRhs = rhsMap.isFunctionOfDim(dim);
    if (inLhs && inRhs)
      dims.batch.push_back(dim);
    else if (inLhs && !m)
      m = dim;
    else if (inRhs && !n)
      n = dim;
    else
      return std::nullopt; // A broadcast output dimension, or a second m.
  }
  if (!m || !n)
    return std::nullopt;
  dims.m = *m;
  dims.n = *n;
  return dims;
}

namespace {

/// Builds the body of a tiled kernel inside its gpu.launch.
class TiledKernelBuilder {
public:
  TiledKernelBuilder(linalg::GenericOp op, const MatmulDims &dims,
                     TileShape shape, ArrayRef<Value> extents,
                     gpu::LaunchOp launch, int64_t numThreads, Value lhsTile,
                     Value rhsTile)
      : op(op), dims(dims), shape(shape), extents(extents), loc(op.getLoc()),
        lhsTile(lhsTile), rhsTile(rhsTile), threadX(launch.getThreadIds().x),
        threadY(launch.getThreadIds().y), numThreads(numThreads) {}

  void build(OpBuilder &b, gpu::LaunchOp launch,
             const std::optional<Int8DotProduct> &dot) {
    Value tile = index(b, shape.tile);
    threadId = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, threadY, tile), threadX);
    rowBase = arith::MulIOp::create(b, loc, launch.getBlockIds().y, tile);
    colBase = arith::MulIOp::create(b, loc, launch.getBlockIds().x, tile);
    ivs.assign(op.getNumLoops(), Value());
    ivs[dims.m] = arith::AddIOp::create(b, loc, rowBase, threadY);
    ivs[dims.n] = arith::AddIOp::create(b, loc, colBase, threadX);
    ivs[dims.k] = index(b, 0);
    setBatchIndices(b, launch.getBlockIds().z);

    // Threads outside the output still load tiles and reach every barrier;
    // they only skip their load and store of the output.
    Value active =
        arith::AndIOp::create(b, loc, isBelow(b, ivs[dims.m], dims.m),
                              isBelow(b, ivs[dims.n], dims.n));
    OpOperand &init = op.getDpsInitsMutable()[0];
    Type accType = getElementTypeOrSelf(init.get().getType());
    Value initial = ifElse(b, active, accType, [&](OpBuilder &nested) {
      return memref::LoadOp::create(nested, loc, init.get(),
                                    indicesOf(nested, init, ivs));
    });

    Value reductionSize = extents[dims.k];
    auto tiles = scf::ForOp::create(
        b, loc, index(b, 0), reductionSize, index(b, shape.tileK),
        ValueRange{initial},
        [&](OpBuilder &nested, Location, Value k0, ValueRange carried) {
          stageTile(nested, *dims.lhs, lhsTile, dims.m, rowBase, k0);
          stageTile(nested, *dims.rhs, rhsTile, dims.n, colBase, k0);
          gpu::BarrierOp::create(nested, loc);
          Value acc = dot ? accumulateDp4a(nested, *dot, carried.front())
                          : accumulateBody(nested, k0, carried.front());
          gpu::BarrierOp::create(nested, loc);
          scf::YieldOp::create(nested, loc, acc);
        });

    auto store = scf::IfOp::create(b, loc, active, /*withElseRegion=*/false);
    OpBuilder thenBuilder = store.getThenBodyBuilder();
    memref::StoreOp::create(thenBuilder, loc, tiles.getResult(0), init.get(),
                            indicesOf(thenBuilder, init, ivs));
  }

private:
  Value index(OpBuilder &b, int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }

  Value isBelow(OpBuilder &b, Value value, unsigned dim) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, value,
                                 extents[dim]);
  }

  /// The batch indices of block z, the last batch dimension fastest.
  void setBatchIndices(OpBuilder &b, Value linear) {
    if (dims.batch.empty())
      return;
    for (unsigned dim : llvm::reverse(ArrayRef(dims.batch).drop_front())) {
      ivs[dim] = arith::RemUIOp::create(b, loc, linear, extents[dim]);
      linear = arith::DivUIOp::create(b, loc, linear, extents[dim]);
    }
    ivs[dims.batch.front()] = linear;
  }

  SmallVector<Value> indicesOf(OpBuilder &b, OpOperand &operand,
                               ArrayRef<Value> point) {
    return *affine::expandAffineMap(b, loc, op.getMatchingIndexingMap(&operand),
                                    point);
  }

  /// `thenValue` where `condition` holds, else zero of `type`.
  Value ifElse(OpBuilder &b, Value condition, Type type,
               function_ref<Value(OpBuilder &)> thenValue) {
    auto ifOp = scf::IfOp::create(
        b, loc, condition,
        [&](OpBuilder &nested, Location) {
          scf::YieldOp::create(nested, loc, thenValue(nested));
        },
        [&](OpBuilder &nested, Location) {
          Value zero = arith::ConstantOp::create(nested, loc, type,
                                                 nested.getZeroAttr(type));
          scf::YieldOp::create(nested, loc, zero);
        });
    return ifOp.getResult(0);
  }

  /// Copies `operand`[rowBase + r, k0 + c] (in terms of the `rowDim` and k
  /// loops) to `staged`[r, c] for the whole tile, the block's threads taking
  /// elements in turn. Consecutive threads read consecutive elements of the
  /// operand's innermost dimension, so that a warp's reads coalesce.
  void stageTile(OpBuilder &b, OpOperand &operand, Value staged,
                 unsigned rowDim, Value base, Value k0) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    bool kInnermost =
        cast<AffineDimExpr>(map.getResults().back()).getPosition() == dims.k;
    int64_t elements = int64_t(shape.tile) * shape.tileK;
    int64_t threads = numThreads;
    Type elementType = getElementTypeOrSelf(operand.get().getType());
    scf::ForOp::create(
        b, loc, threadId, index(b, elements), index(b, threads), ValueRange{},
        [&](OpBuilder &nested, Location, Value e, ValueRange) {
          Value fastExtent =
              index(nested, kInnermost ? shape.tileK : shape.tile);
          Value fast = arith::RemUIOp::create(nested, loc, e, fastExtent);
          Value slow = arith::DivUIOp::create(nested, loc, e, fastExtent);
          Value row = kInnermost ? slow : fast;
          Value col = kInnermost ? fast : slow;
          SmallVector<Value> point(ivs.begin(), ivs.end());
          point[rowDim] = arith::AddIOp::create(nested, loc, base, row);
          point[dims.k] = arith::AddIOp::create(nested, loc, k0, col);
          Value inBounds = arith::AndIOp::create(
              nested, loc, isBelow(nested, point[rowDim], rowDim),
              isBelow(nested, point[dims.k], dims.k));
          Value value =
              ifElse(nested, inBounds, elementType, [&](OpBuilder &inner) {
                return memref::LoadOp::create(inner, loc, operand.get(),
                                              indicesOf(inner, operand, point));
              });
          memref::StoreOp::create(nested, loc, value, staged,
                                  ValueRange{row, col});
          scf::YieldOp::create(nested, loc);
        });
  }

  /// The staged value of `operand` at tile column `col` for this thread.
  Value stagedValue(OpBuilder &b, OpOperand *operand, Value col) {
    if (operand == dims.lhs)
      return memref::LoadOp::create(b, loc, lhsTile, ValueRange{threadY, col});
    return memref::LoadOp::create(b, loc, rhsTile, ValueRange{threadX, col});
  }

  /// Four staged bytes of `operand` from tile column `col` (a multiple of
  /// four, hence a 4-byte aligned word: rows are tileK bytes long).
  Value stagedWord(OpBuilder &b, OpOperand *operand, Value col) {
    auto type = VectorType::get({4}, b.getI8Type());
    Value staged = operand == dims.lhs ? lhsTile : rhsTile;
    Value row = operand == dims.lhs ? threadY : threadX;
    return vector::LoadOp::create(b, loc, type, staged, ValueRange{row, col},
                                  /*nontemporal=*/false, llvm::MaybeAlign(4));
  }

  /// The whole staged k range, four steps per dp4a; padding zeros add
  /// nothing.
  Value accumulateDp4a(OpBuilder &b, const Int8DotProduct &dot, Value acc) {
    auto loop = scf::ForOp::create(
        b, loc, index(b, 0), index(b, shape.tileK), index(b, 4),
        ValueRange{acc},
        [&](OpBuilder &nested, Location, Value col, ValueRange carried) {
          Value lhs = stagedWord(nested, dot.lhs, col);
          Value rhs = stagedWord(nested, dot.rhs, col);
          Value sum = NVVM::DotAccumulate4WayOp::create(
              nested, loc, nested.getI32Type(), lhs, dot.lhsType, rhs,
              dot.rhsType, carried.front());
          scf::YieldOp::create(nested, loc, sum);
        });
    return loop.getResult(0);
  }

  /// The op's body for each valid k of the staged range, in order.
  Value accumulateBody(OpBuilder &b, Value k0, Value acc) {
    Value valid = arith::MinUIOp::create(
        b, loc, index(b, shape.tileK),
        arith::SubIOp::create(b, loc, extents[dims.k], k0));
    auto loop = scf::ForOp::create(
        b, loc, index(b, 0), valid, index(b, 1), ValueRange{acc},
        [&](OpBuilder &nested, Location, Value col, ValueRange carried) {
          SmallVector<Value> arguments;
          for (OpOperand *input : op.getDpsInputOperands())
            arguments.push_back(stagedValue(nested, input, col));
          arguments.push_back(carried.front());
          SmallVector<Value> point(ivs.begin(), ivs.end());
          point[dims.k] = arith::AddIOp::create(nested, loc, k0, col);
          SmallVector<Value> results =
              cloneGenericBody(nested, op, arguments, point);
          scf::YieldOp::create(nested, loc, results.front());
        });
    return loop.getResult(0);
  }

  linalg::GenericOp op;
  const MatmulDims &dims;
  TileShape shape;
  ArrayRef<Value> extents;
  Location loc;
  Value lhsTile, rhsTile;
  Value threadX, threadY;
  int64_t numThreads;
  Value threadId, rowBase, colBase;
  SmallVector<Value> ivs;

public:
  //===--------------------------------------------------------------------===//
  // Tensor cores
  //===--------------------------------------------------------------------===//

  /// The kernel of lowerToMmaKernel: 4 warps, warp w computing rows
  /// 16 (w / 2) .. +16 and columns 16 (w % 2) .. +16 of the block's 32 x 32
  /// output tile as two m16n8k32 products per 32 staged k.
  void buildMma(OpBuilder &b, gpu::LaunchOp launch, const Int8DotProduct &dot) {
    Value tile = index(b, kMmaTile);
    threadId = threadX;
    rowBase = arith::MulIOp::create(b, loc, launch.getBlockIds().y, tile);
    colBase = arith::MulIOp::create(b, loc, launch.getBlockIds().x, tile);
    ivs.assign(op.getNumLoops(), Value());
    ivs[dims.m] = rowBase;
    ivs[dims.n] = colBase;
    ivs[dims.k] = index(b, 0);
    setBatchIndices(b, launch.getBlockIds().z);

    Value warp = arith::DivUIOp::create(b, loc, threadId, index(b, 32));
    Value lane = arith::RemUIOp::create(b, loc, threadId, index(b, 32));
    MmaLane frag;
    frag.group = arith::DivUIOp::create(b, loc, lane, index(b, 4));
    frag.inGroup = arith::RemUIOp::create(b, loc, lane, index(b, 4));
    frag.warpRow = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, warp, index(b, 2)),
        index(b, 16));
    frag.warpCol = arith::MulIOp::create(
        b, loc, arith::RemUIOp::create(b, loc, warp, index(b, 2)),
        index(b, 16));

    // The accumulator fragments, from the output (zero outside it).
    OpOperand &init = op.getDpsInitsMutable()[0];
    Type i32 = b.getI32Type();
    SmallVector<std::pair<Value, Value>> positions; // (row, col) in C.
    SmallVector<Value> initial;
    for (int64_t nTile = 0; nTile < 2; ++nTile)
      for (int64_t i = 0; i < 4; ++i) {
        auto [row, col] = accumulatorPosition(b, frag, nTile, i);
        positions.push_back({row, col});
        SmallVector<Value> point(ivs.begin(), ivs.end());
        point[dims.m] = row;
        point[dims.n] = col;
        initial.push_back(
            ifElse(b, inOutput(b, row, col), i32, [&](OpBuilder &nested) {
              return memref::LoadOp::create(nested, loc, init.get(),
                                            indicesOf(nested, init, point));
            }));
      }

    auto tiles = scf::ForOp::create(
        b, loc, index(b, 0), extents[dims.k], index(b, shape.tileK), initial,
        [&](OpBuilder &nested, Location, Value k0, ValueRange carried) {
          stageTile(nested, *dims.lhs, lhsTile, dims.m, rowBase, k0);
          stageTile(nested, *dims.rhs, rhsTile, dims.n, colBase, k0);
          gpu::BarrierOp::create(nested, loc);
          auto steps = scf::ForOp::create(
              nested, loc, index(nested, 0), index(nested, shape.tileK),
              index(nested, 32), carried,
              [&](OpBuilder &inner, Location, Value kk, ValueRange acc) {
                scf::YieldOp::create(inner, loc,
                                     mmaStep(inner, dot, frag, kk, acc));
              });
          gpu::BarrierOp::create(nested, loc);
          scf::YieldOp::create(nested, loc, steps.getResults());
        });

    for (auto [position, value] : llvm::zip(positions, tiles.getResults())) {
      auto store = scf::IfOp::create(
          b, loc, inOutput(b, position.first, position.second),
          /*withElseRegion=*/false);
      OpBuilder thenBuilder = store.getThenBodyBuilder();
      SmallVector<Value> point(ivs.begin(), ivs.end());
      point[dims.m] = position.first;
      point[dims.n] = position.second;
      memref::StoreOp::create(thenBuilder, loc, value, init.get(),
                              indicesOf(thenBuilder, init, point));
    }
  }

  static constexpr int64_t kMmaTile = 32;

private:
  /// Where this lane sits in the m16n8k32 fragments (PTX ISA, "Matrix
  /// Fragments for mma.m16n8k32", .s8/.u8 multiplicands, .s32 accumulator):
  /// lane = 4 group + inGroup.
  ///  - A (16 x 32, row major), four .b32 registers of four k-consecutive
  ///    bytes (lowest k in the lowest byte): a0 = A[group][4 inGroup ..],
  ///    a1 = A[group + 8][4 inGroup ..], a2 = A[group][16 + 4 inGroup ..],
  ///    a3 = A[group + 8][16 + 4 inGroup ..].
  ///  - B (32 x 8, column major), two registers: b0 = B[4 inGroup ..][group],
  ///    b1 = B[16 + 4 inGroup ..][group] (four k-consecutive bytes each).
  ///  - C/D (16 x 8): c0, c1 = C[group][2 inGroup + 0, 1],
  ///    c2, c3 = C[group + 8][2 inGroup + 0, 1].
  /// warpRow, warpCol: the warp's 16 x 16 corner in the block's tile.
  struct MmaLane {
    Value group, inGroup, warpRow, warpCol;
  };

  /// Output (row, col) of accumulator register `i` of n-tile `nTile`.
  std::pair<Value, Value> accumulatorPosition(OpBuilder &b, const MmaLane &frag,
                                              int64_t nTile, int64_t i) {
    Value row = arith::AddIOp::create(
        b, loc, arith::AddIOp::create(b, loc, rowBase, frag.warpRow),
        arith::AddIOp::create(b, loc, frag.group, index(b, i < 2 ? 0 : 8)));
    Value col = arith::AddIOp::create(
        b, loc,
        arith::AddIOp::create(
            b, loc, colBase,
            arith::AddIOp::create(b, loc, frag.warpCol, index(b, 8 * nTile))),
        arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, frag.inGroup, index(b, 2)),
            index(b, i % 2)));
    return {row, col};
  }

  Value inOutput(OpBuilder &b, Value row, Value col) {
    return arith::AndIOp::create(b, loc, isBelow(b, row, dims.m),
                                 isBelow(b, col, dims.n));
  }

  /// Four staged bytes of row `row`, columns `col` .. `col` + 3, as the
  /// .b32 register mma.sync reads (the lowest column in the lowest byte).
  Value stagedRegister(OpBuilder &b, Value staged, Value row, Value col) {
    Value bytes = vector::LoadOp::create(
        b, loc, VectorType::get({4}, b.getI8Type()), staged,
        ValueRange{row, col}, /*nontemporal=*/false, llvm::MaybeAlign(4));
    Value word = vector::BitCastOp::create(
        b, loc, VectorType::get({1}, b.getI32Type()), bytes);
    return vector::ExtractOp::create(b, loc, word, ArrayRef<int64_t>{0});
  }

  static NVVM::MMATypes mmaType(NVVM::DotAccumulateType type) {
    return type == NVVM::DotAccumulateType::SIGNED ? NVVM::MMATypes::s8
                                                   : NVVM::MMATypes::u8;
  }

  /// The A operand of mma is the staged lhs, B the staged rhs; whether each
  /// is signed comes from the extension of its bytes in the body.
  NVVM::MMATypes operandType(const Int8DotProduct &dot, OpOperand *operand) {
    return mmaType(dot.lhs == operand ? dot.lhsType : dot.rhsType);
  }

  /// Two m16n8k32 products over staged columns `kk` .. `kk` + 31, added to
  /// the eight accumulator registers `acc`.
  SmallVector<Value> mmaStep(OpBuilder &b, const Int8DotProduct &dot,
                             const MmaLane &frag, Value kk, ValueRange acc) {
    Value k4 = arith::AddIOp::create(
        b, loc, kk, arith::MulIOp::create(b, loc, frag.inGroup, index(b, 4)));
    Value k4High = arith::AddIOp::create(b, loc, k4, index(b, 16));
    Value rowLow = arith::AddIOp::create(b, loc, frag.warpRow, frag.group);
    Value rowHigh = arith::AddIOp::create(b, loc, rowLow, index(b, 8));
    SmallVector<Value> a = {stagedRegister(b, lhsTile, rowLow, k4),
                            stagedRegister(b, lhsTile, rowHigh, k4),
                            stagedRegister(b, lhsTile, rowLow, k4High),
                            stagedRegister(b, lhsTile, rowHigh, k4High)};
    Type i32 = b.getI32Type();
    auto resultType =
        LLVM::LLVMStructType::getLiteral(b.getContext(), {i32, i32, i32, i32});
    SmallVector<Value> results;
    for (int64_t nTile = 0; nTile < 2; ++nTile) {
      Value col = arith::AddIOp::create(
          b, loc, arith::AddIOp::create(b, loc, frag.warpCol, frag.group),
          index(b, 8 * nTile));
      SmallVector<Value> bRegs = {stagedRegister(b, rhsTile, col, k4),
                                  stagedRegister(b, rhsTile, col, k4High)};
      Value d = NVVM::MmaOp::create(
          b, loc, resultType, a, bRegs, acc.slice(4 * nTile, 4),
          /*shape=*/{16, 8, 32}, /*b1Op=*/std::nullopt,
          // Wrapping, as the CPU path and dp4a: no .satfinite.
          NVVM::MMAIntOverflow::wrapped,
          std::array<NVVM::MMATypes, 2>{operandType(dot, dims.lhs),
                                        operandType(dot, dims.rhs)},
          std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                         NVVM::MMALayout::col});
      for (int64_t i = 0; i < 4; ++i)
        results.push_back(LLVM::ExtractValueOp::create(b, loc, d, i));
    }
    return results;
  }
};

/// A `tile` x `tileK` buffer of `operand`'s element type in workgroup
/// memory, as a 16-byte aligned memref.global (outlining moves it into the
/// kernel's GPU module): a workgroup attribution of gpu.launch cannot carry
/// an alignment, and without one LLVM may only assume 1-byte alignment for
/// the shared loads dp4a and vectorization want as whole words.
Value getStagingBuffer(OpBuilder &builder, linalg::GenericOp op,
                       OpOperand *operand, TileShape shape, StringRef name) {
  MLIRContext *context = builder.getContext();
  auto type = MemRefType::get(
      {int64_t(shape.tile), int64_t(shape.tileK)},
      getElementTypeOrSelf(operand->get().getType()),
      MemRefLayoutAttrInterface(),
      gpu::AddressSpaceAttr::get(context, gpu::AddressSpace::Workgroup));
  auto module = op->getParentOfType<ModuleOp>();
  OpBuilder detached(context);
  auto global = memref::GlobalOp::create(
      detached, op.getLoc(), name, builder.getStringAttr("private"), type,
      /*initial_value=*/builder.getUnitAttr(), /*constant=*/false,
      builder.getI64IntegerAttr(16));
  // Renames the global should a symbol of that name exist.
  SymbolTable(module).insert(global, module.getBody()->begin());
  return memref::GetGlobalOp::create(builder, op.getLoc(), type,
                                     global.getSymName());
}

/// Replaces `op` by a gpu.launch of `threadsX` x `threadsY` threads per
/// block over one block per `tile` x `tile` output tile (and batch index),
/// with staging buffers for both inputs, and builds its body with `build`.
void createTiledLaunch(
    RewriterBase &rewriter, linalg::GenericOp op, const MatmulDims &dims,
    TileShape shape, int64_t threadsX, int64_t threadsY, StringRef kernelName,
    function_ref<void(TiledKernelBuilder &, gpu::LaunchOp)> build) {
  Location loc = op.getLoc();
  MLIRContext *context = rewriter.getContext();
  rewriter.setInsertionPoint(op);
  SmallVector<Value> extents = llvm::map_to_vector(
      cast<linalg::LinalgOp>(op.getOperation()).createLoopRanges(rewriter, loc),
      [&](Range range) {
        return getValueOrCreateConstantIndexOp(rewriter, loc, range.size);
      });

  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value tile = arith::ConstantIndexOp::create(rewriter, loc, shape.tile);
  // Launching zero blocks is an error, hence at least one.
  auto tilesOf = [&](Value extent) -> Value {
    return arith::MaxUIOp::create(
        rewriter, loc, arith::CeilDivUIOp::create(rewriter, loc, extent, tile),
        one);
  };
  Value batches = one;
  for (unsigned dim : dims.batch)
    batches = arith::MulIOp::create(rewriter, loc, batches, extents[dim]);
  batches = arith::MaxUIOp::create(rewriter, loc, batches, one);

  auto name = FlatSymbolRefAttr::get(context, kernelName);
  auto launch = gpu::LaunchOp::create(
      rewriter, loc, tilesOf(extents[dims.n]), tilesOf(extents[dims.m]),
      batches, arith::ConstantIndexOp::create(rewriter, loc, threadsX),
      arith::ConstantIndexOp::create(rewriter, loc, threadsY), one,
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/{}, /*workgroupAttributions=*/{},
      /*privateAttributions=*/{}, /*clusterSizeX=*/nullptr,
      /*clusterSizeY=*/nullptr, /*clusterSizeZ=*/nullptr, /*module=*/name,
      /*function=*/name);
  Block &body = launch.getBody().front();
  rewriter.setInsertionPointToEnd(&body);
  auto terminator = gpu::TerminatorOp::create(rewriter, loc);
  rewriter.setInsertionPoint(terminator);
  Value lhsTile = getStagingBuffer(rewriter, op, dims.lhs, shape,
                                   (kernelName + "_lhs_tile").str());
  Value rhsTile = getStagingBuffer(rewriter, op, dims.rhs, shape,
                                   (kernelName + "_rhs_tile").str());
  TiledKernelBuilder builder(op, dims, shape, extents, launch,
                             threadsX * threadsY, lhsTile, rhsTile);
  build(builder, launch);
  rewriter.eraseOp(op);
}

} // namespace

void compress::lowerToTiledKernel(RewriterBase &rewriter, linalg::GenericOp op,
                                  const MatmulDims &dims, TileShape shape,
                                  const std::optional<Int8DotProduct> &dot,
                                  StringRef kernelName) {
  createTiledLaunch(rewriter, op, dims, shape, shape.tile, shape.tile,
                    kernelName,
                    [&](TiledKernelBuilder &builder, gpu::LaunchOp launch) {
                      builder.build(rewriter, launch, dot);
                    });
}

void compress::lowerToMmaKernel(RewriterBase &rewriter, linalg::GenericOp op,
                                const MatmulDims &dims, unsigned tileK,
                                const Int8DotProduct &dot,
                                StringRef kernelName) {
  TileShape shape{unsigned(TiledKernelBuilder::kMmaTile), tileK};
  createTiledLaunch(rewriter, op, dims, shape, /*threadsX=*/128,
                    /*threadsY=*/1, kernelName,
                    [&](TiledKernelBuilder &builder, gpu::LaunchOp launch) {
                      builder.buildMma(rewriter, launch, dot);
                    });
}
