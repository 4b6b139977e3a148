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
//    error, as this one should be. It crashes as soon as the type is parsed,
//    whatever follows (`array<index>`, `array<index-1>`), and for a type
//    alias of index (`!t = index` ... `array<!t: 1>`); the lexer skips
//    whitespace, NUL bytes and `//` comments between the tokens.
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

namespace parser_guard {

/// `text` without the leading characters the MLIR lexer skips between
/// tokens: whitespace, NUL bytes and `//` comments.
inline llvm::StringRef skipTrivia(llvm::StringRef text) {
  while (true) {
    text = text.ltrim(llvm::StringRef(" \t\r\n\0", 5));
    if (!text.starts_with("//"))
      return text;
    size_t end = text.find('\n');
    text =
        end == llvm::StringRef::npos ? llvm::StringRef() : text.drop_front(end);
  }
}

inline bool isIdentifierChar(char c) {
  return llvm::isAlnum(c) || c == '_' || c == '.' || c == '$';
}

/// `text` after a leading `word` that ends there (the next character does
/// not continue an identifier), or nullopt.
inline std::optional<llvm::StringRef> consumeWord(llvm::StringRef text,
                                                  llvm::StringRef word) {
  if (!text.consume_front(word) || (!text.empty() && isIdentifierChar(text[0])))
    return std::nullopt;
  return text;
}

/// The name of a leading type alias (`!name`), or an empty string.
inline llvm::StringRef aliasName(llvm::StringRef text) {
  if (!text.starts_with("!") || text.size() < 2 ||
      !(llvm::isAlpha(text[1]) || text[1] == '_'))
    return {};
  size_t end = 1;
  while (end < text.size() && isIdentifierChar(text[end]))
    ++end;
  return text.take_front(end);
}

/// Whether the type alias `name` stands for index, through the `!a = ...`
/// definitions of `text` (chains of aliases followed, at most 64 links).
inline bool aliasIsIndex(llvm::StringRef text, llvm::StringRef name) {
  for (int link = 0; link < 64; ++link) {
    std::optional<llvm::StringRef> target;
    for (size_t at = text.find(name); at != llvm::StringRef::npos;
         at = text.find(name, at + 1)) {
      // A definition: the whole alias name, then `=` (anywhere: MLIR
      // allows several definitions on one line; `!name =` means nothing
      // else).
      std::optional<llvm::StringRef> rest =
          consumeWord(text.drop_front(at), name);
      if (!rest || inCommentOrString(text, at))
        continue;
      llvm::StringRef value = skipTrivia(*rest);
      if (!value.consume_front("="))
        continue;
      target = skipTrivia(value);
      break;
    }
    if (!target)
      return false;
    if (consumeWord(*target, "index"))
      return true;
    name = aliasName(*target);
    if (name.empty())
      return false;
  }
  return false;
}

} // namespace parser_guard

/// The first construct of `text` the parser would crash on, if any. A
/// linear scan (models carry megabytes of weights as text), plus a scan for
/// the definition of a type alias that a dense array names.
inline std::optional<ParserCrash> findParserCrash(llvm::StringRef text) {
  using namespace parser_guard;
  for (size_t at = text.find("array"); at != llvm::StringRef::npos;
       at = text.find("array", at + 1)) {
    if (at > 0 && isIdentifierChar(text[at - 1]))
      continue;
    if (inCommentOrString(text, at))
      continue;
    llvm::StringRef rest = skipTrivia(text.drop_front(at + 5));
    if (!rest.consume_front("<"))
      continue;
    rest = skipTrivia(rest);
    llvm::StringRef alias = aliasName(rest);
    if (consumeWord(rest, "index") ||
        (!alias.empty() && aliasIsIndex(text, alias)))
      return ParserCrash{
          at, "a dense array of 'index' (array<index: ...>) is not "
              "supported: dense arrays hold integers or floats (and the "
              "MLIR 22 parser crashes on this one)"};
  }
  return std::nullopt;
}

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
