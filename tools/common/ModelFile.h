//===- ModelFile.h - reading the tools' input module -------------*- C++
//-*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// compress-run and compress-compile read one .mlir model ("-" for stdin)
// with every dialect compress and upstream register, and report the
// diagnostics of everything that follows (parsing, lowering) against its
// source lines.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_TOOLS_COMMON_MODELFILE_H
#define COMPRESS_TOOLS_COMMON_MODELFILE_H

#include "compress/Registration.h"
#include "compress/Utils/ParserGuards.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <string>

namespace compress::tools {

/// The context, the source and its diagnostic handler, alive as long as
/// this object.
class ModelFile {
public:
  ModelFile() : context(makeRegistry()) {}

  /// Parses `path`; null with the error in `error` (unreadable file) or
  /// reported through the diagnostics (malformed IR).
  mlir::OwningOpRef<mlir::ModuleOp> parse(llvm::StringRef path,
                                          std::string &error) {
    auto file = mlir::openInputFile(path, &error);
    if (!file)
      return nullptr;
    llvm::StringRef text = file->getBuffer();
    unsigned id = sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    diagnostics =
        std::make_unique<mlir::SourceMgrDiagnosticHandler>(sourceMgr, &context);
    // Text the MLIR 22 parser crashes on is an error at its position.
    if (auto crash = mlir::compress::findParserCrash(text)) {
      auto [line, column] = mlir::compress::lineAndColumn(text, crash->offset);
      mlir::emitError(mlir::FileLineColLoc::get(
          &context, sourceMgr.getMemoryBuffer(id)->getBufferIdentifier(), line,
          column))
          << crash->message;
      return nullptr;
    }
    return mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  }

private:
  static mlir::DialectRegistry makeRegistry() {
    mlir::DialectRegistry registry;
    mlir::registerAllDialects(registry);
    mlir::registerAllExtensions(registry);
    mlir::compress::registerAllCompressDialects(registry);
    return registry;
  }

  mlir::MLIRContext context;
  llvm::SourceMgr sourceMgr;
  std::unique_ptr<mlir::SourceMgrDiagnosticHandler> diagnostics;
};

} // namespace compress::tools

#endif // COMPRESS_TOOLS_COMMON_MODELFILE_H
