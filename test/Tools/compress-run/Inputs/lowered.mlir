// A module already lowered to LLVM, which compress-run refuses (errors.mlir).
llvm.func @f() {
  llvm.return
}
