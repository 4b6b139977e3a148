//===- CompressOps.h - compress operations ----------------------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_IR_COMPRESSOPS_H
#define COMPRESS_DIALECT_COMPRESS_IR_COMPRESSOPS_H

#include "compress/Dialect/Compress/IR/CompressAttrs.h"
#include "compress/Dialect/Compress/IR/CompressDialect.h"
#include "compress/Utils/QuantParams.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "compress/Dialect/Compress/IR/CompressOps.h.inc"

#endif // COMPRESS_DIALECT_COMPRESS_IR_COMPRESSOPS_H
