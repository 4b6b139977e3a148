//===- CompressAttrs.h - compress attributes --------------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_IR_COMPRESSATTRS_H
#define COMPRESS_DIALECT_COMPRESS_IR_COMPRESSATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/APFloat.h"

#include "compress/Dialect/Compress/IR/CompressEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "compress/Dialect/Compress/IR/CompressAttrs.h.inc"

#endif // COMPRESS_DIALECT_COMPRESS_IR_COMPRESSATTRS_H
