# Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Type stubs of compress_mlir (see docs/python.md)."""

import os
from typing import Any, Callable, Iterable, NamedTuple, Optional, Union

import numpy as np

from ._compress_mlir import CompileError as CompileError
from ._compress_mlir import Module as Module

class TensorSpec(NamedTuple):
    shape: tuple[Optional[int], ...]
    dtype: np.dtype

class CompiledModel:
    @property
    def entry(self) -> str: ...
    @property
    def inputs(self) -> list[TensorSpec]: ...
    @property
    def outputs(self) -> list[TensorSpec]: ...
    def __call__(self, *arrays: Any) -> Union[np.ndarray, tuple[np.ndarray, ...]]: ...

def import_onnx(model: Union[str, os.PathLike, bytes, Any], *,
                batch_size: Optional[int] = None) -> Module: ...
def quantize(module: Module, calibration_data: Iterable[Any], *,
             method: str = "minmax", activation_type: str = "u8",
             weight_bits: int = 8, granularity: str = "per-channel",
             symmetric: bool = False, percentile: float = 99.99,
             weight_algorithm: str = "rtn", group_size: int = 0,
             weight_size: float = 0.0, weight_max_error: float = 0.0,
             entry: Optional[str] = None,
             progress: Union[None, bool, Callable[[int, int, str], None]] = None
             ) -> Module: ...
def prune(module: Module, method: str, *,
          calibration_data: Optional[Iterable[Any]] = ...,
          **options: Any) -> Module: ...
def compile(module: Module, *, entry: Optional[str] = None,
            threads: Optional[int] = None, opt_level: int = 2,
            **lower_options: Any) -> CompiledModel: ...
