//===- CompressDialect.h - compress dialect ---------------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_IR_COMPRESSDIALECT_H
#define COMPRESS_DIALECT_COMPRESS_IR_COMPRESSDIALECT_H

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Dialect.h"

#include "compress/Dialect/Compress/IR/CompressOpsDialect.h.inc"

#endif // COMPRESS_DIALECT_COMPRESS_IR_COMPRESSDIALECT_H
