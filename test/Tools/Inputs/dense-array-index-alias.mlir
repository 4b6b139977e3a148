// The parser crashes on a dense array of index through a chain of type
// aliases too (see parser-crash-guard.mlir).
!idx = index
!t = !idx
func.func @f() attributes {a = array<!t: 1, 2>} {
  return
}
