//===- Passes.td - calibration by JIT-running the model ----*- tablegen -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The calibration pass runs the model (a JIT-compiled clone of it) and so
// depends on the CPU pipeline and the runner; it lives apart from the
// dialect's transforms, which link no JIT.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_CALIBRATION_PASSES_TD
#define COMPRESS_CALIBRATION_PASSES_TD

include "mlir/Pass/PassBase.td"

def CompressCalibrate : Pass<"compress-calibrate", "ModuleOp"> {
  let summary = "Run the model on sample data and record activation ranges.";
  let description = [{
    JIT-compiles a clone of the module (observers become calls into a
    recorder, then `compress-lower-to-cpu` and MLIR's ExecutionEngine), runs
    the entry function on every sample in `data`, and stores each observer's
    range in its `min`/`max` attributes (and, with `stats=FILE`, in a JSON
    file that `compress-fold-calibration{stats=FILE}` can read back).

    Samples: every `*.npy` file in `data` (sorted by name) is one sample for
    an entry function with one argument, or a stack of samples when it has
    one more leading dimension than the argument. For several arguments,
    files are named `NAME.argK.npy` (K = argument index) and grouped by
    NAME. float32/float64/int arrays in C order are read; a file whose shape
    or dtype does not fit is an error naming the file.

    Methods (`method=`):
    - `minmax`: the smallest and largest value seen.
    - `moving-average`: min/max of each sample, averaged with
      `averaging-constant` (PyTorch's MovingAverageMinMaxObserver).
    - `percentile`: from a histogram of all values, the `percentile`-th
      percentile as the upper end and the `(100 - percentile)`-th as the
      lower end.
    - `entropy`: TensorRT's KL-divergence search in onnxruntime's form: over
      a symmetric histogram of `bins` bins, the slice around zero whose
      128-level quantization (with smoothing of empty bins) diverges least
      from the data wins; signed data keeps both of its sides, data after a
      ReLU has an empty lower half (see `CalibrationStats.h`).
    - `mse`: the threshold (over the histogram's bin edges) minimising the
      mean squared error of 8-bit quantization.
    Histogram methods run the data twice: once for the range, once to fill
    the histograms.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::compress::CompressDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
  ];
  let options = [
    Option<"data", "data", "std::string", /*default=*/"\"\"",
           "Directory of .npy samples (required)">,
    Option<"method", "method", "::mlir::compress::CalibrationMethod",
           /*default=*/"::mlir::compress::kDefaultCalibrationMethod",
           "minmax, moving-average, percentile, entropy or mse",
           [{::mlir::compress::calibrationMethodValues()}]>,
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Function to run (default: the one public function the samples "
           "fit)">,
    Option<"stats", "stats", "std::string", /*default=*/"\"\"",
           "Also write the recorded ranges to this JSON file">,
    Option<"percentile", "percentile", "double",
           /*default=*/"::mlir::compress::kDefaultPercentile",
           "Percentile for method=percentile, in (0, 100]">,
    Option<"averagingConstant", "averaging-constant", "double",
           /*default=*/"0.01",
           "Weight of each new sample for method=moving-average, in (0, 1]">,
    Option<"bins", "bins", "unsigned", /*default=*/"2048",
           "Histogram bins for the histogram methods">,
    Option<"progress", "progress", "::mlir::compress::ProgressMode",
           /*default=*/"::mlir::compress::ProgressMode::Auto",
           "Progress bar on stderr: auto (when a terminal), on or off",
           [{::mlir::compress::progressModeValues()}]>,
  ];
}

#endif // COMPRESS_CALIBRATION_PASSES_TD
