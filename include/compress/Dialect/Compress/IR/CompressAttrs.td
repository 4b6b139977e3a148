//===- CompressAttrs.td - compress attributes --------------*- tablegen -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_IR_COMPRESSATTRS_TD
#define COMPRESS_DIALECT_COMPRESS_IR_COMPRESSATTRS_TD

include "compress/Dialect/Compress/IR/CompressDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Compress_SparsityKind : I32EnumAttr<"SparsityKind",
    "how the zeros of a pruned weight are arranged", [
      I32EnumAttrCase<"Unstructured", 0, "unstructured">,
      I32EnumAttrCase<"Structured", 1, "structured">,
      I32EnumAttrCase<"Channel", 2, "channel">,
    ]> {
  let cppNamespace = "::mlir::compress";
  let genSpecializedAttr = 0;
}

def Compress_SparsityAttr : AttrDef<Compress_Dialect, "Sparsity"> {
  let mnemonic = "sparsity";
  let summary = "Records how a weight tensor is sparse and how sparse it is.";
  let description = [{
    Attached by pruning passes to the weight they pruned (as the discardable
    attribute `compress.sparsity` on the weight's defining op) and read by
    later passes and by reports. Three kinds:

    - `unstructured`: zeros anywhere (magnitude pruning).
    - `structured[N, M]`: at most N non-zeros in every group of M consecutive
      elements along dimension `axis` (the reduction dimension); 2:4 is what
      NVIDIA sparse tensor cores accelerate.
    - `channel[axis]`: whole slices along `axis` are zero or were removed.

    `fraction` is the measured fraction of zero (or removed) elements, in
    [0, 1].

    ```mlir
    #compress.sparsity<unstructured, fraction = 0.5>
    #compress.sparsity<structured[2, 4], axis = 0, fraction = 0.5>
    #compress.sparsity<channel, axis = 1, fraction = 0.25>
    ```
  }];
  let parameters = (ins
    "::mlir::compress::SparsityKind":$kind,
    DefaultValuedParameter<"int64_t", "0">:$n,
    DefaultValuedParameter<"int64_t", "0">:$m,
    DefaultValuedParameter<"int64_t", "0">:$axis,
    "::llvm::APFloat":$fraction
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    double getFractionAsDouble() const {
      return getFraction().convertToDouble();
    }
  }];
}

#endif // COMPRESS_DIALECT_COMPRESS_IR_COMPRESSATTRS_TD
