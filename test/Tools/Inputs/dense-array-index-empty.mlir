// As soon as the element type is index the parser crashes, whatever
// follows it (see parser-crash-guard.mlir); a comment between the tokens
// changes nothing.
func.func @f() attributes {a = array< // the element type:
  index>} {
  return
}
