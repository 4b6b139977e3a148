// Dense arrays of integers and floats, and a value named like them: not
// what the parser guard of parser-crash-guard.mlir refuses; nor an alias of
// i64 (only an alias of index is), nor a type whose name starts with index.
!i = i64
!index_like = i32
func.func @g() -> index attributes {a = array<i64: 1, 2>, b = array<f32: 0.5>} {
  %array = arith.constant 3 : index
  return %array : index
}
// A comment may say array<index: 1>, and so may a string:
func.func @h() attributes {note = "array<index: 1>"} {
  return
}
func.func @k() attributes {c = array<!i: 3>, d = array<!index_like: 4>} {
  return
}
