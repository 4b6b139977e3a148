//===- ParserGuardsTest.cpp - findParserCrash -----------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The forms of a dense array of index the guard must find (each crashes
// MLIR 22's parser; the mlir fuzz target found them), and the valid text it
// must leave alone. The lexer skips NUL bytes between tokens, which a lit
// test cannot hold.
//
//===----------------------------------------------------------------------===//

#include "compress/Utils/ParserGuards.h"

#include <gtest/gtest.h>

#include <string>

using mlir::compress::findParserCrash;

namespace {

std::string withNul(const char *before, const char *after) {
  return std::string(before) + '\0' + after;
}

TEST(ParserGuards, FindsEveryFormOfAnIndexArray) {
  const std::string crashes[] = {
      "a = array<index: 1>",
      "a = array<index>",
      "a = array<index-1>}",
      "a = array <\n  index : 1>",
      "a = array< // the type:\n index>",
      withNul("#ul--", " = array<index-1>}\n"), // the fuzzer's input
      withNul("a = array<", "index: 1>"),
      "!t = index\nf = array<!t: 1>",
      "!a = index\n!b = !a\nf = array<!b>",
      "!t = i64 !u = index\nf = array<!u: 1>", // two on one line
  };
  for (const std::string &text : crashes) {
    SCOPED_TRACE(text);
    std::optional<mlir::compress::ParserCrash> crash = findParserCrash(text);
    ASSERT_TRUE(crash.has_value());
    EXPECT_EQ(text.substr(crash->offset, 5), "array");
  }
}

TEST(ParserGuards, LeavesValidTextAlone) {
  const std::string valid[] = {
      "a = array<i64: 1, 2>",
      "a = array<indexed: 1>", // another type (an error, not a crash)
      "%array = arith.constant 3 : index",
      "// array<index: 1>",
      "a = \"array<index: 1>\"",
      "!i = i64\na = array<!i: 1>",
      "!t = !u\n!u = i8\na = array<!t: 1>",
      "!t = !t\na = array<!t: 1>",                 // a cycle ends
      "// !t = index\n!t = i64\na = array<!t: 1>", // a comment is no definition
      "myarray<index: 1>",
  };
  for (const std::string &text : valid) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(findParserCrash(text).has_value());
  }
}

} // namespace
