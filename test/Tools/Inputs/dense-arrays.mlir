// Dense arrays of integers and floats, and a value named like them: not
// what the parser guard of parser-crash-guard.mlir refuses.
func.func @g() -> index attributes {a = array<i64: 1, 2>, b = array<f32: 0.5>} {
  %array = arith.constant 3 : index
  return %array : index
}
// A comment may say array<index: 1>, and so may a string:
func.func @h() attributes {note = "array<index: 1>"} {
  return
}
