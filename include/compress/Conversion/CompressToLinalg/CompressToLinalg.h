//===- CompressToLinalg.h - compress to linalg patterns ---------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CONVERSION_COMPRESSTOLINALG_COMPRESSTOLINALG_H
#define COMPRESS_CONVERSION_COMPRESSTOLINALG_COMPRESSTOLINALG_H

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::compress {

/// Maps `!quant.uniform` element types (and tensors of them) to their storage
/// integer types; every other type is kept.
class QuantStorageTypeConverter : public TypeConverter {
public:
  QuantStorageTypeConverter();
};

/// Patterns lowering compress.quantize, dequantize, requantize and fake_quant
/// to linalg.generic and removing quant.scast, plus type conversion of the
/// shape-only tensor ops. Use together with the func signature/call/return
/// conversion patterns.
/// `packInt4`: the dequantization of a constant of 4-bit storage integers
/// keeps them two per byte (see convert-compress-to-linalg's `pack-int4`).
void populateCompressToLinalgPatterns(const TypeConverter &typeConverter,
                                      RewritePatternSet &patterns,
                                      bool packInt4 = false);

/// The lowering of compress.fake_quant (ranges known at run time) to an
/// elementwise linalg.generic. Included in populateCompressToLinalgPatterns.
void populateFakeQuantToLinalgPatterns(const TypeConverter &typeConverter,
                                       RewritePatternSet &patterns);

/// Marks compress ops and quant.scast illegal, and every other op legal iff
/// its operand, result and block argument types are legal for `converter`.
void configureCompressToLinalgTarget(ConversionTarget &target,
                                     const TypeConverter &converter);

} // namespace mlir::compress

#endif // COMPRESS_CONVERSION_COMPRESSTOLINALG_COMPRESSTOLINALG_H
