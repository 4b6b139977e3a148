#!/usr/bin/env python3
# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Appends a @main that runs an imported ONNX function on given inputs.

    driver.py MODULE.mlir --inputs DATA.json [--func NAME] [--bits] [-o OUT]

MODULE.mlir is what `compress-translate --import-onnx` printed. DATA.json
holds "inputs": a list of {"dtype": numpy dtype name, "shape": [...],
"values": [row-major values]}, one per function argument. The @main added to
the module calls NAME (default main_graph) on these values and prints every
result with printMemref: floats as f32 values (or, with --bits, their bit
patterns as i32, for exact comparisons), integers widened to i32 or printed
as i64, with their ONNX signedness.

run_node_tests.py uses the same functions on the ONNX node tests.
"""

import argparse
import json
import re
import sys

import numpy as np

# numpy has no bfloat16: ONNX's test data stores it as uint16 bits, and so
# does this script (with BF16 as the marker dtype).
BF16 = np.dtype([("bf16", np.uint16)])


def mlir_type(shape, element):
    dims = "".join(f"{d}x" for d in shape)
    return f"tensor<{dims}{element}>"


def element_type(dtype):
    """The MLIR element type compress uses for a numpy dtype (integers are
    signless, as in the imported function's signature)."""
    dtype = np.dtype(dtype)
    if dtype == BF16:
        return "bf16"
    return {
        np.dtype(np.float32): "f32", np.dtype(np.float64): "f64",
        np.dtype(np.float16): "f16", np.dtype(np.int8): "i8",
        np.dtype(np.uint8): "i8", np.dtype(np.int16): "i16",
        np.dtype(np.uint16): "i16", np.dtype(np.int32): "i32",
        np.dtype(np.uint32): "i32", np.dtype(np.int64): "i64",
        np.dtype(np.uint64): "i64", np.dtype(np.bool_): "i1",
    }[dtype]


def dense_literal(array):
    """An MLIR dense attribute holding `array` exactly (hex of the
    little-endian bytes; bools as a list, since MLIR packs i1)."""
    if array.dtype == np.bool_:
        values = ", ".join("true" if v else "false" for v in array.flatten())
        if array.ndim == 0:
            return f"dense<{values}>"
        return f"dense<[{values}]>" if array.size else "dense<>"
    if array.size == 0:
        return "dense<>"
    if array.dtype == BF16:
        array = array.view(np.uint16)
    raw = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"))
    return f'dense<"0x{raw.tobytes().hex().upper()}">'


def printed_form(dtype, bits):
    """(conversions (op, element type) to a printable tensor, printed element
    type). Floats become f32, or with `bits` their i32 bit patterns; narrow
    integers are widened with their signedness."""
    dtype = np.dtype(dtype)
    if dtype in (np.float32, np.float16, BF16):
        steps = [] if dtype == np.float32 else [("arith.extf", "f32")]
        if not bits:
            return steps, "f32"
        return steps + [("arith.bitcast", "i32")], "i32"
    if dtype == np.float64:
        return ([("arith.bitcast", "i64")], "i64") if bits else \
            ([("arith.truncf", "f32")], "f32")
    if dtype in (np.int64, np.uint64):
        return [], "i64"
    if dtype in (np.int32, np.uint32):
        return [], "i32"
    signed = dtype.kind == "i"
    return [("arith.extsi" if signed else "arith.extui", "i32")], "i32"


def build_driver(func_name, inputs, outputs, bits):
    """A @main calling @func_name on the arrays `inputs` and printing the
    results, whose numpy dtypes and shapes `outputs` gives."""
    lines = [f"func.func private @printMemref{t}(memref<*x{t.lower()}>)"
             for t in ("F32", "I32", "I64")]
    arg_types = [mlir_type(a.shape, element_type(a.dtype)) for a in inputs]
    result_types = [mlir_type(shape, element_type(dtype))
                    for dtype, shape in outputs]
    lines.append("func.func @main() {")
    args = []
    for i, (array, type_) in enumerate(zip(inputs, arg_types)):
        lines.append(f"  %in{i} = arith.constant {dense_literal(array)} : "
                     f"{type_}")
        args.append(f"%in{i}")
    call = (f"call @{func_name}({', '.join(args)}) : "
            f"({', '.join(arg_types)}) -> ({', '.join(result_types)})")
    results = ", ".join(f"%r{i}" for i in range(len(outputs)))
    lines.append(f"  {results} = {call}" if outputs else f"  {call}")
    for i, ((dtype, shape), type_) in enumerate(zip(outputs, result_types)):
        value, current = f"%r{i}", type_
        conversions, printed = printed_form(dtype, bits)
        for step, (op, element) in enumerate(conversions):
            converted = mlir_type(shape, element)
            lines.append(f"  %c{i}_{step} = {op} {value} : {current} to "
                         f"{converted}")
            value, current = f"%c{i}_{step}", converted
        unranked = f"tensor<*x{printed}>"
        lines.append(f"  %u{i} = tensor.cast {value} : {current} to "
                     f"{unranked}")
        lines.append(f"  %m{i} = bufferization.to_buffer %u{i} : {unranked} "
                     f"to memref<*x{printed}>")
        lines.append(f"  call @printMemref{printed.upper()}(%m{i}) : "
                     f"(memref<*x{printed}>) -> ()")
    lines.append("  return")
    lines.append("}")
    return "\n".join(lines) + "\n"


def insert_into_module(module_text, functions):
    """`functions` added at the end of the module's body (before its closing
    brace, which precedes any dialect_resources section)."""
    lines = module_text.splitlines(keepends=True)
    close = max(i for i, line in enumerate(lines) if line.rstrip() == "}")
    return "".join(lines[:close]) + functions + "".join(lines[close:])


def function_results(module_text, func_name):
    """(numpy dtype, shape) of every result of @func_name, read from its
    signature; integer results are taken as signed of their width."""
    match = re.search(r"func\.func @" + re.escape(func_name) +
                      r"\(.*\) -> (.*) \{", module_text)
    if not match:
        raise ValueError(f"no function @{func_name} in the module")
    results = []
    for shape, element in re.findall(r"tensor<((?:\d+x)*)(\w+)>",
                                     match.group(1)):
        dims = [int(d) for d in shape.split("x") if d]
        dtype = {"f32": np.float32, "f64": np.float64, "f16": np.float16,
                 "bf16": BF16, "i1": np.bool_, "i8": np.int8,
                 "i16": np.int16, "i32": np.int32, "i64": np.int64}[element]
        results.append((np.dtype(dtype), dims))
    return results


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("module")
    parser.add_argument("--inputs", required=True)
    parser.add_argument("--func", default="main_graph")
    parser.add_argument("--bits", action="store_true",
                        help="print floats as their bit patterns")
    parser.add_argument("--unsigned-results", action="store_true",
                        help="read 8/16-bit integer results as unsigned")
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_args()
    with open(args.module) as f:
        module = f.read()
    with open(args.inputs) as f:
        data = json.load(f)
    inputs = [np.array(i["values"], dtype=i["dtype"]).reshape(i["shape"])
              for i in data["inputs"]]
    outputs = function_results(module, args.func)
    if args.unsigned_results:
        unsigned = {np.dtype(np.int8): np.uint8, np.dtype(np.int16): np.uint16}
        outputs = [(np.dtype(unsigned.get(d, d)), s) for d, s in outputs]
    text = insert_into_module(
        module, build_driver(args.func, inputs, outputs, args.bits))
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
