//===- ParserGuards.h - inputs that crash MLIR 22's parser -------*- C++
//-*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Text on which the MLIR 22 parser of Debian's libMLIR crashes instead of
// reporting an error. compress's tools look for it before they parse and
// report it as an error at its line and column; the mlir fuzz target skips
// it. Found by that fuzz target:
//  - `array<index: ...>`, a dense array of `index`: Parser::parseDenseArrayAttr
//    accepts the index type and then asks it for its integer or float bit
//    width, which it does not have (a null FloatType, SIGSEGV). Dense arrays
//    hold integers or floats; every other element type is rejected with an
//    error, as this one should be.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_UTILS_PARSERGUARDS_H
#define COMPRESS_UTILS_PARSERGUARDS_H

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <optional>
#include <string>

namespace mlir::compress {

/// A construct of `text` that the parser crashes on: its byte offset and
/// what to tell the user.
struct ParserCrash {
  size_t offset;
  std::string message;
};

/// Whether `offset` of `text` is inside a `//` comment or a string literal
/// (both end at the line's end in MLIR).
inline bool inCommentOrString(llvm::StringRef text, size_t offset) {
  size_t lineStart = text.take_front(offset).rfind('\n');
  lineStart = lineStart == llvm::StringRef::npos ? 0 : lineStart + 1;
  bool inString = false;
  for (size_t i = lineStart; i < offset; ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i; // an escaped character
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '/' && i + 1 < offset && text[i + 1] == '/') {
      return true;
    }
  }
  return inString;
}

/// The first construct of `text` the parser would crash on, if any. A
/// linear scan (models carry megabytes of weights as text).
inline std::optional<ParserCrash> findParserCrash(llvm::StringRef text) {
  auto isIdentifierChar = [](char c) {
    return llvm::isAlnum(c) || c == '_' || c == '.' || c == '$';
  };
  for (size_t at = text.find("array"); at != llvm::StringRef::npos;
       at = text.find("array", at + 1)) {
    if (at > 0 && isIdentifierChar(text[at - 1]))
      continue;
    if (inCommentOrString(text, at))
      continue;
    llvm::StringRef rest = text.drop_front(at + 5).ltrim();
    if (!rest.consume_front("<"))
      continue;
    rest = rest.ltrim();
    if (!rest.consume_front("index"))
      continue;
    rest = rest.ltrim();
    if (rest.starts_with(":") || rest.starts_with(">"))
      return ParserCrash{
          at, "a dense array of 'index' (array<index: ...>) is not "
              "supported: dense arrays hold integers or floats (and the "
              "MLIR 22 parser crashes on this one)"};
  }
  return std::nullopt;
}

/// 1-based line and column of `offset` in `text`.
inline std::pair<unsigned, unsigned> lineAndColumn(llvm::StringRef text,
                                                   size_t offset) {
  llvm::StringRef before = text.take_front(offset);
  unsigned line = 1 + before.count('\n');
  size_t lastNewline = before.rfind('\n');
  unsigned column =
      lastNewline == llvm::StringRef::npos ? offset + 1 : offset - lastNewline;
  return {line, column};
}

} // namespace mlir::compress

#endif // COMPRESS_UTILS_PARSERGUARDS_H
