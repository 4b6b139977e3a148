//===- Sensitivity.cpp - per-layer error of each compression setting ------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// For every layer and every setting (weight bits, rounding or GPTQ;
// sparsity, magnitude or SparseGPT; 2:4), the relative change of the
// layer's output on the calibration data when that layer alone is
// compressed: ||X (W' - W)|| / ||X W||, computed from the layer's input Gram
// matrix H as sqrt(tr(D H D^T) / tr(W H W^T)), D = W' - W. One run of the
// model measures every layer.
//
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/Transforms/GPTQ.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Transforms/PruneUtils.h"
#include "compress/Dialect/Compress/Transforms/SparseGPT.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <cmath>

#define DEBUG_TYPE "compress-sensitivity"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSSENSITIVITY
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

struct Setting {
  std::string name;
  /// The compressed weight values, or failure (the setting does not apply).
  std::function<FailureOr<std::vector<float>>()> apply;
};

struct SensitivityPass
    : public compress::impl::CompressSensitivityBase<SensitivityPass> {
  using CompressSensitivityBase::CompressSensitivityBase;

  void runOnOperation() override;

private:
  std::vector<Setting> settings(const MeasuredLayer &layer,
                                const LayerInputGram &gram);
};

std::vector<Setting> SensitivityPass::settings(const MeasuredLayer &layer,
                                               const LayerInputGram &gram) {
  std::vector<float> values = getFloatValues(layer.weight.values);
  auto shape = cast<ShapedType>(layer.weight.values.getType()).getShape();
  std::optional<int32_t> axis = findOutputChannelAxis(layer.op, layer.weight);
  std::optional<int32_t> reduction =
      findReductionChannelAxis(layer.op, layer.weight);
  std::vector<Setting> result;
  for (unsigned bits : {8u, 4u, 3u, 2u})
    for (bool gptq : {false, true}) {
      std::string name =
          llvm::formatv("int{0} {1}", bits, gptq ? "gptq" : "rtn").str();
      result.push_back(
          {name, [=, &layer, &gram]() -> FailureOr<std::vector<float>> {
             std::optional<quant::QuantizedType> type = buildWeightQuantType(
                 layer.weight.values, axis, bits, /*symmetric=*/true,
                 /*groups=*/std::nullopt, autoWeightRange(bits, gptq));
             if (!type)
               return failure();
             UniformQuantInfo info = *UniformQuantInfo::get(*type);
             ParamIndexer params(shape, info);
             auto grid = [&](int64_t flat, double value) {
               return roundToGrid(info, params, flat, value);
             };
             std::vector<float> out = values;
             if (!gptq) {
               for (auto [flat, v] : llvm::enumerate(out))
                 v = float(grid(flat, v));
               return out;
             }
             GptqOptions options;
             if (damp > 0.0)
               options.damp = damp;
             std::string why;
             if (failed(gptqQuantize(out, layer.geometry, gram, grid, options,
                                     why)))
               return failure();
             return out;
           }});
    }
  for (double fraction : {0.5, 0.8})
    for (bool sparsegpt : {false, true}) {
      std::string name = llvm::formatv("{0}% {1}", int(fraction * 100),
                                       sparsegpt ? "sparsegpt" : "magnitude")
                             .str();
      result.push_back(
          {name, [=, &layer, &gram]() -> FailureOr<std::vector<float>> {
             std::vector<float> out = values;
             if (!sparsegpt) {
               zeroSmallestMagnitudes({&out}, pruneCount(fraction, out.size()));
               return out;
             }
             SparseGptTarget target;
             target.fraction = fraction;
             SparseGptOptions options;
             if (damp > 0.0)
               options.damp = damp;
             std::string why;
             if (failed(sparseGptPrune(out, layer.geometry, gram, target,
                                       options, why)))
               return failure();
             return out;
           }});
    }
  if (reduction && shape[*reduction] % 4 == 0)
    for (bool sparsegpt : {false, true})
      result.push_back({sparsegpt ? "2:4 sparsegpt" : "2:4 magnitude",
                        [=, &layer, &gram]() -> FailureOr<std::vector<float>> {
                          std::vector<float> out = values;
                          if (!sparsegpt) {
                            keepLargestInGroups(out, shape, *reduction, 2, 4);
                            return out;
                          }
                          SparseGptTarget target;
                          target.n = 2;
                          target.m = 4;
                          target.nmDim = *reduction;
                          SparseGptOptions options;
                          if (damp > 0.0)
                            options.damp = damp;
                          std::string why;
                          if (failed(sparseGptPrune(out, layer.geometry, gram,
                                                    target, options, why)))
                            return failure();
                          return out;
                        }});
  return result;
}

void SensitivityPass::runOnOperation() {
  ModuleOp module = getOperation();
  Location loc = module.getLoc();
  if (failed(verifyDataSource(loc, "compress-sensitivity", "the analysis", data,
                              stats)))
    return signalPassFailure();
  if (gains && data.empty()) {
    emitError(loc) << "compress-sensitivity: gains=true runs the model with "
                      "each layer changed, which needs data=DIR (stats=DIR "
                      "describes the unchanged model)";
    return signalPassFailure();
  }
  if (!(damp >= 0.0) || !std::isfinite(double(damp))) {
    emitError(loc) << "compress-sensitivity: option 'damp' must be "
                      "positive (or 0: each method's default), got "
                   << damp;
    return signalPassFailure();
  }
  std::vector<MeasuredLayer> layers =
      collectMeasurableLayers(module, "no sensitivity measured");
  LayerDataSource source{data, stats, entry, "compress-sensitivity"};
  FailureOr<std::vector<LayerInputGram>> grams =
      collectLayerStatistics(module, layers, source);
  if (failed(grams))
    return signalPassFailure();

  // Per layer, each setting's error, and (gains) the 4-bit
  // round-to-nearest weights whose effect on the model's output is measured.
  constexpr StringLiteral kProbe = "int4 rtn";
  std::vector<llvm::json::Object> layerErrors(layers.size());
  std::vector<std::vector<float>> probes(layers.size());
  std::vector<double> probeErrors(layers.size(), 0.0);
  std::vector<std::string> lines(layers.size());
  for (auto [i, layer, gram] : llvm::enumerate(layers, *grams)) {
    std::vector<float> original = getFloatValues(layer.weight.values);
    llvm::raw_string_ostream line(lines[i]);
    for (Setting &setting : settings(layer, gram)) {
      FailureOr<std::vector<float>> changed = setting.apply();
      if (failed(changed))
        continue;
      double error = layerOutputError(original, *changed, layer.geometry, gram);
      layerErrors[i][setting.name] = error;
      line << llvm::formatv("  {0} {1:e2}", setting.name, error);
      if (gains && setting.name == kProbe) {
        probes[i] = std::move(*changed);
        probeErrors[i] = error;
      }
    }
  }
  std::vector<double> layerGains;
  if (gains) {
    for (auto [i, layer] : llvm::enumerate(layers))
      if (probes[i].empty())
        probes[i] = getFloatValues(layer.weight.values);
    FailureOr<std::vector<double>> outputErrors =
        modelOutputErrors(module, layers, probes, source);
    if (failed(outputErrors))
      return signalPassFailure();
    if (outputErrors->empty())
      emitRemark(loc) << "compress-sensitivity: no gains: the model's "
                         "outputs are zero on the data";
    for (auto [output, error] : llvm::zip(*outputErrors, probeErrors))
      layerGains.push_back(error > 0.0 ? output / error : 1.0);
  }

  llvm::json::Array entries;
  std::string table;
  llvm::raw_string_ostream out(table);
  out << "compress-sensitivity: relative change of each layer's output on "
         "the data when it alone is compressed\n";
  for (auto [i, layer] : llvm::enumerate(layers)) {
    std::string name = getStatisticsLayerName(layer.op);
    int64_t weights =
        cast<ShapedType>(layer.weight.values.getType()).getNumElements();
    out << name << " (" << weights << " weights";
    llvm::json::Object entry{{"name", name},
                             {"op", layer.op->getName().getStringRef()},
                             {"weights", weights},
                             {"errors", std::move(layerErrors[i])}};
    if (!layerGains.empty()) {
      out << llvm::formatv(", gain {0:f3} to the model's output",
                           layerGains[i]);
      entry["gain"] = layerGains[i];
    }
    out << "):" << lines[i] << "\n";
    entries.push_back(std::move(entry));
  }
  if (!json.empty()) {
    std::string text;
    llvm::raw_string_ostream js(text);
    js << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{
                                     {"layers", std::move(entries)}}))
       << "\n";
    llvm::Error error = llvm::writeToOutput(json, [&](llvm::raw_ostream &o) {
      o << text;
      return llvm::Error::success();
    });
    if (error) {
      emitError(loc) << "compress-sensitivity: cannot write '" << json
                     << "': " << llvm::toString(std::move(error));
      return signalPassFailure();
    }
  }
  if (print)
    llvm::errs() << table;
  numLayers += layers.size();
}

} // namespace
