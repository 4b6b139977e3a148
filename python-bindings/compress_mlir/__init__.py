# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""compress_mlir: prune, quantize and compile neural networks with compress.

    import compress_mlir as cm
    model = cm.import_onnx("model.onnx", batch_size=1)
    int8 = cm.quantize(model, calibration_images)      # PTQ, in memory
    run = cm.compile(int8)                              # JIT for this CPU
    logits = run(images)                                # numpy in, numpy out

Every compiler step raises CompileError (with `.diagnostics`) on bad input;
warnings of the passes become Python warnings. See docs/python.md.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any, Callable, Iterable, NamedTuple, Optional, Union

import numpy as np

from ._compress_mlir import CompileError, Module
from . import _compress_mlir as _native

__all__ = [
    "CompileError",
    "CompiledModel",
    "Module",
    "TensorSpec",
    "compile",
    "import_onnx",
    "low_rank",
    "prune",
    "quantize",
]


def import_onnx(model: Any, *, batch_size: Optional[int] = None) -> Module:
    """Imports an ONNX model: a file path, its bytes, or an onnx.ModelProto.

    `batch_size` replaces a dynamic (symbolic) leading dimension of the graph
    inputs; without it such an input is an error, since compiled functions
    have static shapes. External data (models over 2 GB) is read relative to
    the model file's directory (for bytes and ModelProtos: the current
    directory).
    """
    if batch_size is not None and (
            isinstance(batch_size, bool) or not isinstance(batch_size, int)
            or batch_size < 1):
        raise ValueError(
            f"batch_size must be a positive integer, got {batch_size!r}")
    if isinstance(model, (bytes, bytearray, memoryview)):
        data, name, directory = bytes(model), "<bytes>", os.getcwd()
    elif isinstance(model, (str, os.PathLike)):
        name = os.fspath(model)
        with open(name, "rb") as f:
            data = f.read()
        directory = os.path.dirname(os.path.abspath(name))
    elif hasattr(model, "SerializeToString"):
        data, name, directory = model.SerializeToString(), "<ModelProto>", \
            os.getcwd()
    else:
        raise TypeError("import_onnx takes a path, bytes or an "
                        f"onnx.ModelProto, not {type(model).__name__}")
    return _native._import_onnx(data, name, batch_size, directory)


def _option_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_option_value(v) for v in value)
    text = str(value)
    if re.search(r"[\s{}=\"']", text):
        return '"' + text.replace('"', '\\"') + '"'
    return text


def _options(options: dict) -> str:
    """Keyword arguments as pass options: snake_case -> kebab-case."""
    return " ".join(f"{key.replace('_', '-')}={_option_value(value)}"
                    for key, value in options.items() if value is not None)


def _pass(name: str, options: dict) -> str:
    text = _options(options)
    return f"{name}{{{text}}}" if text else name


_CALIBRATION_METHODS = ("minmax", "moving-average", "percentile", "entropy",
                        "mse")
_ACTIVATION_TYPES = ("u8", "i8")
_GRANULARITIES = ("per-channel", "per-tensor")


def _choice(what: str, value: Any, choices: tuple) -> str:
    if value not in choices:
        raise ValueError(f"{what} must be one of {', '.join(choices)}; "
                         f"got {value!r}")
    return value


def _progress_callback(progress: Any) -> Optional[Callable]:
    """The (done, total, phase) callback for `progress`: None shows a bar
    when stderr is a terminal, True always, False never; a callable is
    called as it is."""
    if callable(progress) and not isinstance(progress, bool):
        return progress
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        tqdm = None
    bars: dict = {}

    def show(done: int, total: int, phase: str) -> None:
        if tqdm is not None:
            bar = bars.get(phase)
            if bar is None:
                bar = bars[phase] = tqdm(total=total,
                                         desc=f"calibrate ({phase})")
            bar.update(done - bar.n)
            if done == total:
                bar.close()
            return
        sys.stderr.write(f"\rcalibrate ({phase}) {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _sample_arrays(item: Any, index: int, names: Callable[[], list]) -> list:
    """One calibration sample as a list of arrays, one per argument."""
    if isinstance(item, dict):
        order = names()
        unknown = sorted(set(item) - set(order))
        missing = [n for n in order if n not in item]
        if unknown or missing:
            raise ValueError(
                f"calibration_data[{index}]: the entry function takes "
                f"{order}; got keys {sorted(item)}")
        item = [item[n] for n in order]
    elif isinstance(item, (tuple, list)):
        item = list(item)
    else:
        item = [item]
    arrays = []
    for position, value in enumerate(item):
        array = np.asarray(value)
        if not (np.issubdtype(array.dtype, np.floating)
                or np.issubdtype(array.dtype, np.integer)):
            raise TypeError(
                f"calibration_data[{index}][{position}] has dtype "
                f"{array.dtype}; calibration takes float or integer arrays")
        arrays.append(array)
    return arrays


def quantize(module: Module,
             calibration_data: Iterable,
             *,
             method: str = "minmax",
             activation_type: str = "u8",
             weight_bits: int = 8,
             granularity: str = "per-channel",
             symmetric: bool = False,
             percentile: float = 99.99,
             weight_algorithm: str = "rtn",
             group_size: int = 0,
             weight_range: str = "auto",
             weight_size: float = 0.0,
             weight_max_error: float = 0.0,
             weight_prune: bool = False,
             weight_gains: bool = True,
             entry: Optional[str] = None,
             progress: Any = None) -> Module:
    """Post-training quantization, in memory; returns a new module.

    The model runs (JIT-compiled) on every sample of `calibration_data`, an
    iterable of arrays, tuples of arrays (one per argument) or dicts from
    argument name (ONNX input names) to array. An array may also stack
    several samples, or several batches, along its leading dimension. The
    ranges seen give the activations' scales and zero points; the weights
    are quantized to `weight_bits`, and integer kernels replace the float
    layers. The result is still tensor-level IR: `compile` it, or print it.
    Ctrl-C stops the calibration between samples. `weight_algorithm="gptq"`
    rounds the weights with GPTQ on the same samples (written to a
    temporary directory of .npy files for it). `group_size=G` (with
    per-channel granularity) gives each output channel one weight scale per
    G input channels; those layers compute in float on their dequantized
    weights. `weight_range` sets the range each weight scale covers:
    "minmax", "mse" (clipped where that lowers the rounding error) or
    "auto" (mse for GPTQ below 8 bits), as `--compress-quantize-weights
    range`.
    Mixed precision (what `--compress-auto` does, with
    `weight_algorithm="gptq"`): `weight_size=S` gives each layer 2, 3, 4 or
    8 bits so that the weights take at most the fraction S of their bits at
    `weight_bits` (as the CPU kernels store them) with the least summed
    squared layer output error on the samples; `weight_max_error=E` instead
    gives each layer the fewest bits whose output error is within E. With
    `weight_size`, `weight_prune=True` (compress-auto's default) also lets
    matmul layers be pruned by SparseGPT to 2:4, 4:16, 2:16, 75% or 90%
    zeros at 8 bits
    (`--compress-quantize-weights prune`). `weight_gains` (with
    `weight_size`; default True) weighs each layer's errors by how much of
    them reaches the model's output (`--compress-quantize-weights gains`).
    """
    _choice("method", method, _CALIBRATION_METHODS)
    _choice("activation_type", activation_type, _ACTIVATION_TYPES)
    _choice("granularity", granularity, _GRANULARITIES)
    if isinstance(weight_bits, bool) or weight_bits not in range(2, 17):
        raise ValueError(f"weight_bits must be 2..16, got {weight_bits!r}")
    if (isinstance(group_size, bool) or not isinstance(group_size, int)
            or group_size < 0):
        raise ValueError(
            f"group_size must be a non-negative integer, got {group_size!r}")
    if group_size and granularity != "per-channel":
        raise ValueError("group_size needs granularity='per-channel'")
    for what, value in (("weight_size", weight_size),
                        ("weight_max_error", weight_max_error)):
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not value >= 0):
            raise ValueError(
                f"{what} must be a non-negative number, got {value!r}")
    if weight_size > 1:
        raise ValueError(f"weight_size must be at most 1 (a fraction of the "
                         f"weights' bits at weight_bits), got {weight_size!r}")
    if weight_size and weight_max_error:
        raise ValueError("give weight_size or weight_max_error, not both")
    if not isinstance(weight_prune, bool):
        raise ValueError(f"weight_prune must be a bool, got {weight_prune!r}")
    if weight_prune and not weight_size:
        raise ValueError("weight_prune adds sparsity to the search of "
                         "weight_size: give weight_size too")
    if not isinstance(weight_gains, bool):
        raise ValueError(f"weight_gains must be a bool, got {weight_gains!r}")
    if weight_prune and weight_bits < 8:
        raise ValueError("weight_prune weighs 8-bit pruned weights: it needs "
                         f"weight_bits of at least 8, got {weight_bits!r}")
    cached: list = []

    def names() -> list:
        if not cached:
            cached.extend(module._argument_names(entry or ""))
        return cached

    _choice("weight_algorithm", weight_algorithm, ("rtn", "gptq"))
    _choice("weight_range", weight_range, ("auto", "minmax", "mse"))
    samples = [_sample_arrays(item, i, names)
               for i, item in enumerate(calibration_data)]
    weights = {"bits": weight_bits, "granularity": granularity,
               "algorithm": weight_algorithm, "group_size": group_size,
               "range": weight_range}
    if weight_size:
        weights["size"] = float(weight_size)
    if weight_max_error:
        weights["max_error"] = float(weight_max_error)
    if weight_prune:
        weights["prune"] = True
    if weight_size and not weight_gains:
        weights["gains"] = False
    import tempfile
    with tempfile.TemporaryDirectory(prefix="compress-quantize-") as data:
        if weight_algorithm == "gptq" or weight_size or weight_max_error:
            _save_samples(samples, data)
            weights.update(data=data, entry=entry or "")
        fold = ",".join([
            _pass("compress-fold-calibration",
                  {"activation_type": activation_type,
                   "symmetric": symmetric}),
            _pass("compress-quantize-weights", weights),
            "compress-fuse-qdq",
        ])
        return _native._quantize(module, samples, method, float(percentile),
                                 entry or "", fold,
                                 _progress_callback(progress))


def _save_samples(samples: list, directory: str) -> None:
    """Samples (lists of arrays, one per argument) as the .npy files the
    passes' `data` option reads: sample i's argument k in sNNNNNNN.argK.npy,
    as float32."""
    for i, arrays in enumerate(samples):
        for k, array in enumerate(arrays):
            np.save(os.path.join(directory, f"s{i:07d}.arg{k}.npy"),
                    np.ascontiguousarray(array, dtype=np.float32))


_PRUNE_PASSES = {
    "magnitude": "compress-prune-magnitude",
    "nm": "compress-prune-nm",
    "neurons": "compress-prune-neurons",
    "filters": "compress-prune-filters",
    "heads": "compress-prune-heads",
}


def prune(module: Module, method: str, *,
          calibration_data: Optional[Iterable] = None,
          **options: Any) -> Module:
    """Prunes a copy of `module` and returns it.

    `method` is "magnitude" (unstructured), "nm" (N:M), "neurons",
    "filters" or "heads" (structural); the keyword arguments are that pass's options
    with underscores for dashes, e.g. `prune(m, "magnitude", sparsity=0.8,
    scope="global")` or `prune(m, "nm", n=2, m=4)`.

    `calibration_data` (samples as `quantize` takes them) feeds the
    data-aware algorithms: `prune(m, "nm", algorithm="sparsegpt",
    calibration_data=images)`. The samples go to a temporary directory of
    .npy files, which the pass reads as its `data` option.
    """
    if method not in _PRUNE_PASSES:
        raise ValueError(f"method must be one of {', '.join(_PRUNE_PASSES)}; "
                         f"got {method!r}")
    return _run_with_data(module, _PRUNE_PASSES[method], options,
                          calibration_data, "compress-prune-")


def low_rank(module: Module, *,
             calibration_data: Optional[Iterable] = None,
             **options: Any) -> Module:
    """Factors the dense and convolution weights of a copy of `module`
    into two low-rank factors (compress-low-rank) and returns it.

    The keyword arguments are the pass's options, e.g. `low_rank(m,
    ratio=0.5, skip=["-1"])` or `low_rank(m, energy=0.9)`. With
    `calibration_data` (samples as `quantize` takes them) the factors
    minimize each layer's output error on the samples (activation-aware
    SVD) instead of the weight error.
    """
    return _run_with_data(module, "compress-low-rank", options,
                          calibration_data, "compress-low-rank-")


def _run_with_data(module: Module, pass_name: str, options: dict,
                   calibration_data: Optional[Iterable],
                   prefix: str) -> Module:
    """Runs `pass_name` with `options` on a copy of `module`; with
    `calibration_data`, the samples go to a temporary directory of .npy
    files given as the pass's `data` option."""
    result = module.clone()
    if calibration_data is None:
        result.run_pipeline(_pass(pass_name, options))
        return result
    if "data" in options:
        raise ValueError("give calibration_data or data=DIR, not both")
    cached: list = []

    def names() -> list:
        if not cached:
            cached.extend(module._argument_names(options.get("entry", "")))
        return cached

    samples = [_sample_arrays(item, i, names)
               for i, item in enumerate(calibration_data)]
    if not samples:
        raise ValueError("calibration_data holds no samples")
    import tempfile
    with tempfile.TemporaryDirectory(prefix=prefix) as data:
        _save_samples(samples, data)
        result.run_pipeline(_pass(pass_name, dict(options, data=data)))
    return result


class TensorSpec(NamedTuple):
    """The shape (None for a dynamic dimension) and dtype of an argument or
    result."""
    shape: tuple
    dtype: np.dtype


class CompiledModel:
    """A module JIT-compiled for this CPU. Call it with numpy arrays.

    Inputs are checked: their number, shapes (an input may also stack k
    batches along its leading dimension: the model then runs k times) and
    dtypes. A float input of another precision is converted; an integer
    input must hold values its dtype can represent. Results are new arrays:
    one array, or a tuple for several results.
    """

    def __init__(self, native: Any):
        self._native = native

    @property
    def entry(self) -> str:
        """The compiled function's name."""
        return self._native.entry

    @property
    def inputs(self) -> list:
        """A TensorSpec per argument."""
        return [TensorSpec(*spec) for spec in self._native.inputs]

    @property
    def outputs(self) -> list:
        """A TensorSpec per result."""
        return [TensorSpec(*spec) for spec in self._native.outputs]

    def __call__(self, *arrays: Any) -> Union[np.ndarray, tuple]:
        specs = self.inputs
        if len(arrays) != len(specs):
            raise TypeError(f"@{self.entry} takes {len(specs)} input(s), "
                            f"got {len(arrays)}")
        converted = []
        for i, (value, spec) in enumerate(zip(arrays, specs)):
            array = np.asarray(value)
            if array.dtype != spec.dtype:
                array = _convert(array, spec.dtype, f"input {i}")
            converted.append(np.ascontiguousarray(array))
        return self._native._call(converted)

    def __repr__(self) -> str:
        return (f"<CompiledModel @{self.entry}: "
                f"{[tuple(s) for s in self.inputs]} -> "
                f"{[tuple(s) for s in self.outputs]}>")


def _convert(array: np.ndarray, dtype: np.dtype, what: str) -> np.ndarray:
    if np.issubdtype(dtype, np.floating):
        if not (np.issubdtype(array.dtype, np.floating)
                or np.issubdtype(array.dtype, np.integer)):
            raise TypeError(f"{what} has dtype {array.dtype}, expected "
                            f"{dtype}")
        return array.astype(dtype)
    if dtype == np.bool_:
        if array.dtype != np.bool_:
            raise TypeError(f"{what} has dtype {array.dtype}, expected bool")
        return array
    if not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{what} has dtype {array.dtype}, expected {dtype} "
                        "(convert floats to integers explicitly)")
    info = np.iinfo(dtype)
    if array.size and (array.min() < info.min or array.max() > info.max):
        raise ValueError(f"{what} holds values outside {dtype}'s range "
                         f"[{info.min}, {info.max}]")
    return array.astype(dtype)


def compile(module: Module,
            *,
            entry: Optional[str] = None,
            threads: Optional[int] = None,
            opt_level: int = 2,
            **lower_options: Any) -> CompiledModel:
    """JIT-compiles `module`'s function `entry` (default: its only public
    function) for this CPU through compress-lower-to-cpu.

    `threads` is the number of threads each kernel uses (default: all
    cores); the other keyword arguments are compress-lower-to-cpu's options
    with underscores for dashes (`vectorize=False`, `cpu="avx2"`, ...).
    """
    if threads is not None:
        if isinstance(threads, bool) or not isinstance(threads, int) \
                or threads < 1:
            raise ValueError(
                f"threads must be a positive integer, got {threads!r}")
        lower_options["threads"] = threads
    if opt_level not in (0, 1, 2, 3):
        raise ValueError(f"opt_level must be 0..3, got {opt_level!r}")
    native = _native._compile(module, entry or "", opt_level,
                              _options(lower_options))
    return CompiledModel(native)
