//===- CompressAttrs.cpp - compress attributes ----------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Syntax of #compress.sparsity:
//   #compress.sparsity<unstructured, fraction = F>
//   #compress.sparsity<structured[N, M], axis = A, fraction = F>
//   #compress.sparsity<channel, axis = A, fraction = F>
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressAttrs.h"
#include "compress/Dialect/Compress/IR/CompressDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::compress;

#include "compress/Dialect/Compress/IR/CompressEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "compress/Dialect/Compress/IR/CompressAttrs.cpp.inc"

void CompressDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "compress/Dialect/Compress/IR/CompressAttrs.cpp.inc"
      >();
}

Attribute SparsityAttr::parse(AsmParser &parser, Type) {
  StringRef keyword;
  if (parser.parseLess() || parser.parseKeyword(&keyword))
    return {};
  std::optional<SparsityKind> kind = symbolizeSparsityKind(keyword);
  if (!kind) {
    parser.emitError(parser.getCurrentLocation(),
                     "expected 'unstructured', 'structured' or 'channel', "
                     "got '")
        << keyword << "'";
    return {};
  }
  int64_t n = 0, m = 0, axis = 0;
  if (*kind == SparsityKind::Structured) {
    if (parser.parseLSquare() || parser.parseInteger(n) ||
        parser.parseComma() || parser.parseInteger(m) || parser.parseRSquare())
      return {};
  }
  if (*kind != SparsityKind::Unstructured) {
    if (parser.parseComma() || parser.parseKeyword("axis") ||
        parser.parseEqual() || parser.parseInteger(axis))
      return {};
  }
  double fraction = 0.0;
  if (parser.parseComma() || parser.parseKeyword("fraction") ||
      parser.parseEqual() || parser.parseFloat(fraction) ||
      parser.parseGreater())
    return {};
  return SparsityAttr::getChecked(
      [&] { return parser.emitError(parser.getNameLoc()); },
      parser.getContext(), *kind, n, m, axis, llvm::APFloat(fraction));
}

void SparsityAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifySparsityKind(getKind());
  if (getKind() == SparsityKind::Structured)
    printer << "[" << getN() << ", " << getM() << "]";
  if (getKind() != SparsityKind::Unstructured)
    printer << ", axis = " << getAxis();
  printer << ", fraction = ";
  printer.printFloat(getFraction());
  printer << ">";
}

LogicalResult
SparsityAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                     SparsityKind kind, int64_t n, int64_t m, int64_t axis,
                     llvm::APFloat fraction) {
  double f = fraction.convertToDouble();
  if (!(f >= 0.0 && f <= 1.0))
    return emitError() << "sparsity fraction must be in [0, 1], got " << f;
  if (axis < 0)
    return emitError() << "sparsity axis must be non-negative, got " << axis;
  if (kind == SparsityKind::Structured && !(n > 0 && n <= m))
    return emitError() << "structured sparsity needs 0 < N <= M, got N = " << n
                       << ", M = " << m;
  return success();
}
