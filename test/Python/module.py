# RUN: %python %s
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""compress_mlir.Module: parse, print, clone, run_pipeline, report, errors."""

import warnings

import compress_mlir as cm

MLP = """
func.func @mlp(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[1.0, -0.5, 0.25], [0.0, 2.0, -1.0],
                             [0.1, -0.2, 0.3], [-3.0, 0.5, 0.05]]>
       : tensor<4x3xf32>
  %z = arith.constant dense<0.0> : tensor<2x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>)
                     outs(%z : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
"""

m = cm.Module.parse(MLP)
assert m.functions == ["mlp"], m.functions
text = str(m)
assert "linalg.matmul" in text and "func.func @mlp" in text, text
# The printed text parses back to the same text.
assert str(cm.Module.parse(text)) == text

# clone() is deep: a pipeline on the clone leaves the original alone.
c = m.clone()
assert c.run_pipeline("compress-prune-magnitude{sparsity=0.5}") is c
assert str(m) == text
assert str(c) != text and "compress.sparsity" in str(c), str(c)

# Both pipeline spellings run.
a = m.clone().run_pipeline("builtin.module(canonicalize)")
b = m.clone().run_pipeline("canonicalize")
assert str(a) == str(b)

# The report counts the pruned zeros: 6 of the 12 weights (one was zero).
layers = c.report()["layers"]
assert len(layers) == 1, layers
assert layers[0]["params"] == 12 and layers[0]["zeros"] == 6, layers[0]
assert m.report()["layers"][0]["zeros"] == 1

# Invalid IR: CompileError with a located diagnostic.
try:
    cm.Module.parse("func.func @f(%x: tensor<2xf32>) -> tensor<3xf32> {\n"
                    "  return %x : tensor<2xf32>\n}")
    raise AssertionError("no error")
except cm.CompileError as e:
    assert isinstance(e, RuntimeError)
    assert any(sev == "error" and loc.startswith("<string>:2:")
               for sev, loc, _ in e.diagnostics), e.diagnostics
    assert "cannot parse" in str(e), str(e)

# An unknown pass and a malformed pipeline: CompileError, module unchanged.
for bad in ["no-such-pass", "builtin.module(canonicalize",
            "compress-prune-magnitude{sparsity=2.0}"]:
    try:
        m.run_pipeline(bad)
        raise AssertionError(f"no error for {bad!r}")
    except cm.CompileError as e:
        assert str(e), bad
    assert str(m) == text, bad

# A pass that fails midway leaves the module as it was: lowering to LLVM
# then running a tensor-level pass on it fails, and nothing changes.
before = str(m)
try:
    m.run_pipeline("compress-calibrate")
    raise AssertionError("compress-calibrate without data ran")
except cm.CompileError as e:
    assert "data" in str(e), str(e)
assert str(m) == before

# Warnings of passes become Python warnings.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    m.clone().run_pipeline("compress-calibrate{data=/}")
assert any("no compress.observe" in str(w.message) for w in caught), \
    [str(w.message) for w in caught]

# A crash or an LLVM fatal error inside a compiler call raises CompileError;
# the interpreter survives and the next call works.
for kind in ["fatal", "segfault"]:
    try:
        cm._compress_mlir._crash_for_testing(kind)
        raise AssertionError(f"no error for {kind}")
    except cm.CompileError as e:
        assert "internal compiler error" in str(e), str(e)
    assert str(cm.Module.parse(MLP)) == text

print("ok")
