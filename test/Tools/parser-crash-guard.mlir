// Text on which MLIR 22's parser crashes (a dense array of index, found by
// the mlir fuzz target: Parser::parseDenseArrayAttr asks index for a bit
// width it does not have) is an error with its position in every tool that
// reads MLIR, and the tool exits non-zero; dense arrays of integers still
// parse (the guard matches the element type, not the word "array").
//
// RUN: not compress-opt %s 2>&1 | FileCheck %s
// RUN: not compress-run %s 2>&1 | FileCheck %s
// RUN: rm -rf %t && mkdir -p %t
// RUN: not compress-compile %s -o %t/lib.so 2>&1 | FileCheck %s
// RUN: compress-opt %S/Inputs/dense-arrays.mlir | FileCheck %s --check-prefix=VALID
// A type alias of index (through another alias), and index followed by
// anything (here `>` on the next line, after a comment):
// RUN: not compress-opt %S/Inputs/dense-array-index-alias.mlir 2>&1 | FileCheck %s --check-prefix=ALIAS
// RUN: not compress-opt %S/Inputs/dense-array-index-empty.mlir 2>&1 | FileCheck %s --check-prefix=EMPTY
// ALIAS: dense-array-index-alias.mlir:5:32: error: a dense array of 'index'
// EMPTY: dense-array-index-empty.mlir:4:32: error: a dense array of 'index'
// Standard input is checked too (read once, then parsed from that buffer).
// RUN: not compress-opt < %s 2>&1 | FileCheck %s --check-prefix=STDIN
// RUN: compress-opt < %S/Inputs/dense-arrays.mlir | FileCheck %s --check-prefix=VALID
// CHECK: parser-crash-guard.mlir:[[@LINE+7]]:32: error: a dense array of 'index' (array<index: ...>) is not supported
// STDIN: <stdin>:[[@LINE+6]]:32: error: a dense array of 'index' (array<index: ...>) is not supported
// VALID: array<i64: 1, 2>
// VALID: array<f32: 5.000000e-01>
// VALID: arith.constant 3 : index
// VALID: note = "array<index: 1>"
// VALID: c = array<i64: 3>, d = array<i32: 4>
func.func @f() attributes {a = array<index: 1>} {
  return
}
