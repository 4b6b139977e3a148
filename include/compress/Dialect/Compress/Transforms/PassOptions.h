//===- PassOptions.h - enum-valued options of the passes -------*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The C++ types of the enum-valued options declared in Passes.td with the
// spellings users type (`clEnumValN`), and the defaults that the compress-ptq
// pipeline shares with the passes it chains. Passes.td and
// compress/Pipelines/Pipelines.h both take an option's spellings and default
// from here, so that a pass and a pipeline accept the same values and each is
// written once.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PASSOPTIONS_H
#define COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PASSOPTIONS_H

#include "compress/Utils/CalibrationStats.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"

#include <optional>

namespace mlir::compress {

/// compress-quantize-weights `granularity`: one scale per output channel or
/// one for the whole weight.
enum class WeightGranularity { PerChannel, PerTensor };

inline llvm::cl::ValuesClass weightGranularityValues() {
  return llvm::cl::values(clEnumValN(WeightGranularity::PerChannel,
                                     "per-channel",
                                     "One scale per output channel"),
                          clEnumValN(WeightGranularity::PerTensor, "per-tensor",
                                     "One scale for the whole weight"));
}

/// compress-prune-magnitude `scope`: rank each weight's elements on their own
/// or all weights' elements together.
enum class PruneScope { Layer, Global };

inline llvm::cl::ValuesClass pruneScopeValues() {
  return llvm::cl::values(
      clEnumValN(PruneScope::Layer, "layer", "Each weight on its own"),
      clEnumValN(PruneScope::Global, "global", "All weights ranked together"));
}

/// compress-quantize-weights `algorithm`: how each weight picks its grid
/// point.
enum class WeightQuantAlgorithm { RoundToNearest, GPTQ };

inline llvm::cl::ValuesClass weightQuantAlgorithmValues() {
  return llvm::cl::values(
      clEnumValN(WeightQuantAlgorithm::RoundToNearest, "rtn",
                 "The nearest grid point"),
      clEnumValN(WeightQuantAlgorithm::GPTQ, "gptq",
                 "GPTQ: column by column, compensating each rounding error "
                 "by the input statistics of `data`"));
}

/// compress-quantize-weights `range`: the range each weight scale covers.
enum class WeightRangeChoice { Auto, MinMax, Mse };

inline llvm::cl::ValuesClass weightRangeChoiceValues() {
  return llvm::cl::values(
      clEnumValN(WeightRangeChoice::Auto, "auto",
                 "`mse` for GPTQ below 8 bits, `minmax` otherwise"),
      clEnumValN(WeightRangeChoice::MinMax, "minmax",
                 "The minimum and maximum of the weights a scale serves"),
      clEnumValN(WeightRangeChoice::Mse, "mse",
                 "The range, clipped by the factor in 1 ... 0.21 whose "
                 "rounding error (sum of squares) is least"));
}

/// compress-prune-magnitude and compress-prune-nm `algorithm`: which weights
/// go, and what happens to the others.
enum class PruneAlgorithm { Magnitude, SparseGPT };

inline llvm::cl::ValuesClass pruneAlgorithmValues() {
  return llvm::cl::values(
      clEnumValN(PruneAlgorithm::Magnitude, "magnitude",
                 "Zero the smallest magnitudes; keep the rest as they are"),
      clEnumValN(PruneAlgorithm::SparseGPT, "sparsegpt",
                 "SparseGPT: choose by the input statistics of `data` and "
                 "update the kept weights to compensate"));
}

/// compress-prune-neurons and compress-prune-filters `norm`: the norm a
/// channel is scored by.
enum class ChannelNorm { L1, L2 };

inline llvm::cl::ValuesClass channelNormValues() {
  return llvm::cl::values(
      clEnumValN(ChannelNorm::L1, "l1", "Sum of absolute values"),
      clEnumValN(ChannelNorm::L2, "l2", "Square root of the sum of squares"));
}

/// compress-prune-neurons and compress-prune-filters `score`: score a channel
/// by the weights that produce it or by those that consume it.
enum class ChannelScore { Incoming, Outgoing, OutputError };

inline llvm::cl::ValuesClass channelScoreValues() {
  return llvm::cl::values(
      clEnumValN(ChannelScore::Incoming, "incoming",
                 "The weights that produce the channel"),
      clEnumValN(ChannelScore::Outgoing, "outgoing",
                 "The next layer's weights that read the channel"),
      clEnumValN(ChannelScore::OutputError, "output-error",
                 "The next layer's output error on the data when the channel "
                 "goes and the layer is refit (needs reconstruct=true)"));
}

/// compress-calibrate `method` (the enum is the calibration library's).
inline llvm::cl::ValuesClass calibrationMethodValues() {
  return llvm::cl::values(
      clEnumValN(CalibrationMethod::MinMax, "minmax",
                 "The smallest and largest value seen"),
      clEnumValN(CalibrationMethod::MovingAverage, "moving-average",
                 "Per-sample min/max, averaged"),
      clEnumValN(CalibrationMethod::Percentile, "percentile",
                 "Percentiles of a histogram"),
      clEnumValN(CalibrationMethod::Entropy, "entropy",
                 "TensorRT's KL-divergence search (onnxruntime's form)"),
      clEnumValN(CalibrationMethod::MSE, "mse",
                 "The threshold of least 8-bit quantization error"));
}

/// compress-calibrate `progress`: when to draw a progress bar on stderr.
enum class ProgressMode { Auto, On, Off };

inline llvm::cl::ValuesClass progressModeValues() {
  return llvm::cl::values(
      clEnumValN(ProgressMode::Auto, "auto", "When stderr is a terminal"),
      clEnumValN(ProgressMode::On, "on", "Always"),
      clEnumValN(ProgressMode::Off, "off", "Never"));
}

/// compress-fold-calibration `activation-type`: the storage type of
/// quantized activations.
enum class ActivationStorage { U8, I8 };

inline llvm::cl::ValuesClass activationStorageValues() {
  return llvm::cl::values(
      clEnumValN(ActivationStorage::U8, "u8", "Unsigned (x86 VNNI)"),
      clEnumValN(ActivationStorage::I8, "i8", "Signed (NVIDIA tensor cores)"));
}

/// compress-fuse-qdq `rounding`: how `compress.requantize` rescales the i32
/// accumulators (its `rounding` attribute takes the same spellings).
enum class RequantizeRounding { FixedPoint, Float };

inline llvm::cl::ValuesClass requantizeRoundingValues() {
  return llvm::cl::values(
      clEnumValN(RequantizeRounding::FixedPoint, "fixed_point",
                 "Integer multiplier and shift (gemmlowp/TFLite)"),
      clEnumValN(RequantizeRounding::Float, "float",
                 "Multiply in f64, round half to even"));
}

/// compress-convert-precision `to`: the floating-point type the model is
/// converted to.
enum class FloatPrecision { F16, BF16 };

inline llvm::cl::ValuesClass floatPrecisionValues() {
  return llvm::cl::values(
      clEnumValN(FloatPrecision::F16, "f16", "IEEE half precision"),
      clEnumValN(FloatPrecision::BF16, "bf16", "bfloat16"));
}

// Defaults shared by the passes and the compress-ptq pipeline.
inline constexpr CalibrationMethod kDefaultCalibrationMethod =
    CalibrationMethod::MinMax;
inline constexpr double kDefaultPercentile = 99.99;
inline constexpr ActivationStorage kDefaultActivationStorage =
    ActivationStorage::U8;
inline constexpr bool kDefaultSymmetricActivations = false;
inline constexpr unsigned kDefaultWeightBits = 8;
inline constexpr WeightGranularity kDefaultWeightGranularity =
    WeightGranularity::PerChannel;
inline constexpr RequantizeRounding kDefaultRequantizeRounding =
    RequantizeRounding::FixedPoint;

/// The spelling users type for the current value of an enum-valued pass
/// option, e.g. "per-channel" (for messages and files that record it).
template <typename OptionT>
llvm::StringRef getOptionSpelling(OptionT &option) {
  std::optional<llvm::StringRef> spelling =
      option.getParser().findArgStrForValue(option.getValue());
  return spelling ? *spelling : llvm::StringRef();
}

} // namespace mlir::compress

#endif // COMPRESS_DIALECT_COMPRESS_TRANSFORMS_PASSOPTIONS_H
