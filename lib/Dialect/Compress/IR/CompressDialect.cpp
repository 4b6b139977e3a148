//===- CompressDialect.cpp - compress dialect -----------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressDialect.h"
#include "compress/Codegen/ParallelNest.h"
#include "compress/Dialect/Compress/IR/CompressAttrs.h"
#include "compress/Dialect/Compress/IR/CompressOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::compress;

#include "compress/Dialect/Compress/IR/CompressOpsDialect.cpp.inc"

void CompressDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "compress/Dialect/Compress/IR/CompressOps.cpp.inc"
      >();
  registerAttributes();
}

LogicalResult CompressDialect::verifyOperationAttribute(Operation *op,
                                                        NamedAttribute attr) {
  if (attr.getName() == getSparsityAttrName()) {
    if (!isa<SparsityAttr>(attr.getValue()))
      return op->emitOpError()
             << "attribute '" << getSparsityAttrName()
             << "' must be a #compress.sparsity attribute, got "
             << attr.getValue();
    return success();
  }
  if (attr.getName() == "compress.cpu_kernel") {
    // Set by compress-cpu-select-kernels, read by compress-cpu-lower-kernels.
    auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
    if (!dict || !dict.getAs<StringAttr>("kernel") ||
        !dict.getAs<StringAttr>("isa") || !dict.getAs<IntegerAttr>("threads"))
      return op->emitOpError()
             << "attribute 'compress.cpu_kernel' must be {kernel = \"...\", "
                "isa = \"...\", threads = N : i64}, got "
             << attr.getValue();
    return success();
  }
  if (attr.getName() == "compress.cpu_requantize") {
    // Set by compress-cpu-fuse-requantize, read by compress-cpu-lower-kernels:
    // five arrays of P integers and the output's zero point and bounds.
    auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
    auto params = dict ? dict.getAs<DenseI64ArrayAttr>("params") : nullptr;
    bool valid = params && params.size() > 0 && params.size() % 5 == 0 &&
                 dict.getAs<BoolAttr>("has_left_shift") &&
                 dict.getAs<IntegerAttr>("zero_point") &&
                 dict.getAs<IntegerAttr>("lo") && dict.getAs<IntegerAttr>("hi");
    bool dequantize = dict && dict.get("dequantize_scale");
    if (valid && dequantize)
      valid = dict.getAs<FloatAttr>("dequantize_scale") &&
              dict.getAs<IntegerAttr>("dequantize_zero_point");
    if (!valid)
      return op->emitOpError()
             << "attribute 'compress.cpu_requantize' must be {params = "
                "array<i64: 5 x P values>, has_left_shift = bool, zero_point, "
                "lo, hi : i64[, dequantize_zero_point : i64, "
                "dequantize_scale : f32]}, got "
             << attr.getValue();
    return success();
  }
  if (attr.getName() == kParallelNestAttrName) {
    // Set by compress-linalg-to-annotated-loops on the outer loop of an
    // all-parallel op's nest, read by compress-cpu-parallelize-loops.
    // An integer: the elements each innermost iteration computes (a tile
    // loop of compress-vectorize-matmuls).
    auto count = dyn_cast<IntegerAttr>(attr.getValue());
    if (!(isa<UnitAttr>(attr.getValue()) || (count && count.getInt() > 0)) ||
        !isa<LoopLikeOpInterface>(op))
      return op->emitOpError() << "attribute 'compress.parallel_nest' must be "
                                  "a unit attribute or a positive integer on "
                                  "a loop";
    return success();
  }
  if (attr.getName() == "compress.arena_bytes") {
    // Set by compress-cpu-plan-arena on a function whose buffers it placed:
    // the bytes of its arena (compress-compile reports them).
    auto bytes = dyn_cast<IntegerAttr>(attr.getValue());
    if (!bytes || bytes.getInt() < 0 || !isa<FunctionOpInterface>(op))
      return op->emitOpError() << "attribute 'compress.arena_bytes' must be a "
                                  "non-negative integer on a function";
    return success();
  }
  if (attr.getName() == "compress.host_wrapper") {
    // Set by compress-run and compress-compile on the host wrappers they add
    // (mlir::compress::kHostWrapperAttr), read by compress-lower-to-cpu's
    // results-to-destinations.
    if (!isa<UnitAttr>(attr.getValue()) || !isa<FunctionOpInterface>(op))
      return op->emitOpError() << "attribute 'compress.host_wrapper' must be "
                                  "a unit attribute on a function";
    return success();
  }
  return op->emitOpError() << "unknown compress dialect attribute '"
                           << attr.getName() << "'";
}
