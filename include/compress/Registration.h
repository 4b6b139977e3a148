//===- Registration.h - register everything compress provides ---*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// For tools that embed compress: one call for the dialects, one for the
// passes and pipelines.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_REGISTRATION_H
#define COMPRESS_REGISTRATION_H

namespace mlir {
class DialectRegistry;
namespace compress {

/// Adds the compress dialect (and the quant dialect it builds on).
void registerAllCompressDialects(DialectRegistry &registry);

/// Registers every compress pass, conversion and pipeline for the command
/// line and for textual pipeline parsing.
void registerAllCompressPasses();

} // namespace compress
} // namespace mlir

#endif // COMPRESS_REGISTRATION_H
