"""Runs one model a few times in a fresh process, for its peak RSS.

Usage:
  peak_rss.py none X.npy                   Python, NumPy and the input only
  peak_rss.py ort MODEL.onnx X.npy THREADS onnxruntime (sequential, THREADS
                                           intra-op threads)
  peak_rss.py lib LIBRARY.so HEADER X.npy  a compress-compile library through
                                           its C ABI (ctypes); threads from
                                           OMP_NUM_THREADS

bench.py runs it under /usr/bin/time and reads the peak resident set size,
so that onnxruntime and a compress library are measured the same way: one
process each, with the same Python and NumPy underneath (the "none" run).
Each mode runs the model 3 times and prints the first output's checksum.
"""
import ctypes
import re
import sys

import numpy as np

RUNS = 3


def header_entry(header):
    """(function name, output shape) of the single function in a
    compress-compile header with one input and one f32 output."""
    text = open(header).read()
    name = re.search(r"^int (\w+)\(const float \*arg0, float \*result0\);",
                     text, re.M)
    if not name:
        sys.exit(f"peak_rss.py: {header}: no 'int NAME(const float *arg0, "
                 "float *result0)'")
    fn = name.group(1)
    shape = re.search(rf"^#define {fn.upper()}_OUTPUT0_SHAPE \{{([^}}]*)\}}",
                      text, re.M)
    return fn, tuple(int(d) for d in shape.group(1).split(","))


def main():
    mode = sys.argv[1]
    if mode == "none":
        x = np.load(sys.argv[2])
        print(float(x.sum()))
    elif mode == "ort":
        import onnxruntime as ort
        path, x_path, threads = sys.argv[2], sys.argv[3], int(sys.argv[4])
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        session = ort.InferenceSession(path, options,
                                       providers=["CPUExecutionProvider"])
        x = np.load(x_path)
        feed = {session.get_inputs()[0].name: x}
        for _ in range(RUNS):
            y = session.run(None, feed)[0]
        print(float(y.sum()))
    elif mode == "lib":
        lib_path, header, x_path = sys.argv[2], sys.argv[3], sys.argv[4]
        fn_name, out_shape = header_entry(header)
        lib = ctypes.CDLL(lib_path)
        fn = getattr(lib, fn_name)
        fn.restype = ctypes.c_int
        fn.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        x = np.ascontiguousarray(np.load(x_path), dtype=np.float32)
        y = np.empty(out_shape, dtype=np.float32)
        for _ in range(RUNS):
            if fn(x.ctypes.data, y.ctypes.data) != 0:
                sys.exit(f"peak_rss.py: {fn_name} failed")
        print(float(y.sum()))
    else:
        sys.exit(f"peak_rss.py: unknown mode {mode}")


if __name__ == "__main__":
    main()
