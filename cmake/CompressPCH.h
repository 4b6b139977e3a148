//===- CompressPCH.h - Precompiled MLIR/LLVM headers ------------*- C++ -*-===//
//
// The MLIR and LLVM headers that most of compress's libraries include. Parsing
// them costs 20-25 s per translation unit on a 2-core VM, more than the code
// that uses them. compress_precompile_headers (cmake/AddCompress.cmake)
// precompiles this header once per build and force-includes it into every
// library and tool (COMPRESS_PRECOMPILED_HEADERS). Only stable, installed
// headers belong here: never a compress header or a generated file.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
