//===- Report.cpp - per-layer compression report --------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Dialect/Compress/IR/CompressOps.h"
#include "compress/Dialect/Compress/Transforms/Passes.h"
#include "compress/Dialect/Compress/Utils/LayerKinds.h"
#include "compress/Dialect/Compress/Utils/QuantTypeUtils.h"
#include "compress/Dialect/Compress/Utils/WeightUtils.h"
#include "compress/Utils/Shapes.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#define DEBUG_TYPE "compress-report"

namespace mlir::compress {
#define GEN_PASS_DEF_COMPRESSREPORT
#include "compress/Dialect/Compress/Transforms/Passes.h.inc"
} // namespace mlir::compress

using namespace mlir;
using namespace mlir::compress;

namespace {

struct LayerReport {
  std::string name;
  std::string opName;
  std::string shape;
  std::string storage;
  int64_t params = 0;
  int64_t zeros = 0;
  unsigned bits = 32;
  SparsityAttr annotation;

  double sparsity() const { return params ? double(zeros) / params : 0.0; }
  int64_t fp32Bytes() const { return params * 4; }
  int64_t denseBytes() const { return (params * bits + 7) / 8; }
  /// Values plus their positions: N:M keeps n/m of the values and
  /// ceil(log2(m)) bits of position each; anything else stores each non-zero
  /// with a 32-bit index.
  int64_t sparseBytes() const {
    if (annotation && annotation.getKind() == SparsityKind::Structured) {
      int64_t kept = params * annotation.getN() / annotation.getM();
      int64_t metaBits = llvm::Log2_64_Ceil(annotation.getM());
      return (kept * bits + 7) / 8 + (kept * metaBits + 7) / 8;
    }
    int64_t nonZeros = params - zeros;
    return (nonZeros * bits + 7) / 8 + nonZeros * 4;
  }
};

SparsityAttr getAnnotation(Operation *op) {
  return op ? op->getAttrOfType<SparsityAttr>(
                  CompressDialect::getSparsityAttrName())
            : SparsityAttr();
}

/// A float weight constant.
std::optional<LayerReport> describeFloatWeight(Value weight) {
  auto constant = weight.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return std::nullopt;
  DenseElementsAttr values = getDenseFloatElements(constant.getValue());
  if (!values)
    return std::nullopt;
  LayerReport report;
  auto type = cast<ShapedType>(values.getType());
  report.shape = formatShape(type.getShape());
  report.params = type.getNumElements();
  report.bits = type.getElementTypeBitWidth();
  llvm::raw_string_ostream(report.storage) << type.getElementType();
  for (const llvm::APFloat &v : values.getValues<llvm::APFloat>())
    report.zeros += v.isZero();
  report.annotation = getAnnotation(constant);
  return report;
}

/// compress.dequantize(quant.scast(arith.constant)): zeros are the elements
/// equal to their zero point.
std::optional<LayerReport> describeQuantizedWeight(Value weight) {
  auto dequantize = weight.getDefiningOp<DequantizeOp>();
  if (!dequantize)
    return std::nullopt;
  auto cast = dequantize.getInput().getDefiningOp<quant::StorageCastOp>();
  if (!cast)
    return std::nullopt;
  auto constant = cast.getInput().getDefiningOp<arith::ConstantOp>();
  auto values =
      constant ? dyn_cast<DenseIntElementsAttr>(constant.getValue()) : nullptr;
  std::optional<UniformQuantInfo> info =
      UniformQuantInfo::get(dequantize.getInput().getType().getElementType(),
                            /*allowSubChannel=*/true);
  if (!values || !info)
    return std::nullopt;
  LayerReport report;
  auto type = dequantize.getInput().getType();
  report.shape = formatShape(type.getShape());
  report.params = type.getNumElements();
  report.bits = info->storageWidth;
  report.storage = (info->isSigned ? "i" : "u") + std::to_string(report.bits);
  ParamIndexer params(type.getShape(), *info);
  int64_t i = 0;
  for (const llvm::APInt &q : values.getValues<llvm::APInt>()) {
    int64_t p = params.paramOf(i++);
    int64_t v = info->isSigned ? q.getSExtValue() : int64_t(q.getZExtValue());
    report.zeros += v == info->zeroPoints[p];
  }
  report.annotation = getAnnotation(constant);
  return report;
}

/// The integer kernels of compress-fuse-qdq (a linalg.generic that reduces,
/// multiplies integers and reads an integer constant of rank 2 or more):
/// their weight is that constant, stored as is. Zeros are the elements equal
/// to 0, the zero point of the symmetric weights compress-quantize-weights
/// makes by default.
bool isIntegerKernel(linalg::LinalgOp op) {
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  return generic && generic.getNumReductionLoops() > 0 &&
         !generic.getBody()->getOps<arith::MulIOp>().empty();
}

std::optional<LayerReport> describeIntegerWeight(Value weight) {
  auto constant = weight.getDefiningOp<arith::ConstantOp>();
  auto values =
      constant ? dyn_cast<DenseIntElementsAttr>(constant.getValue()) : nullptr;
  if (!values || values.getType().getRank() < 2)
    return std::nullopt;
  LayerReport report;
  report.shape = formatShape(values.getType().getShape());
  report.params = values.getNumElements();
  report.bits = values.getElementType().getIntOrFloatBitWidth();
  report.storage = "i" + std::to_string(report.bits);
  for (const llvm::APInt &q : values.getValues<llvm::APInt>())
    report.zeros += q.isZero();
  report.annotation = getAnnotation(constant);
  return report;
}

std::optional<LayerReport> describeLayer(linalg::LinalgOp op) {
  if (isIntegerKernel(op)) {
    for (OpOperand *input : op.getDpsInputOperands())
      if (std::optional<LayerReport> report =
              describeIntegerWeight(input->get())) {
        report->opName = "linalg.generic (int)";
        return report;
      }
    return std::nullopt;
  }
  for (OpOperand *input : op.getDpsInputOperands()) {
    std::optional<LayerReport> report = describeFloatWeight(input->get());
    if (!report)
      report = describeQuantizedWeight(input->get());
    if (report) {
      report->opName = op->getName().getStringRef().str();
      return report;
    }
  }
  return std::nullopt;
}

void printTable(llvm::raw_ostream &os, ArrayRef<LayerReport> layers) {
  os << "compress-report: " << layers.size() << " layer(s)\n";
  os << llvm::format("%-3s %-28s %-26s %-12s %10s %-5s %8s %11s %11s %11s\n",
                     "#", "layer", "op", "shape", "params", "dtype", "sparsity",
                     "fp32 bytes", "dense bytes", "sparse bytes");
  int64_t params = 0, zeros = 0, fp32 = 0, dense = 0, best = 0;
  for (auto [i, l] : llvm::enumerate(layers)) {
    os << llvm::format(
        "%-3d %-28s %-26s %-12s %10lld %-5s %7.2f%% %11lld %11lld %11lld\n",
        int(i), l.name.c_str(), l.opName.c_str(), l.shape.c_str(),
        (long long)l.params, l.storage.c_str(), 100.0 * l.sparsity(),
        (long long)l.fp32Bytes(), (long long)l.denseBytes(),
        (long long)l.sparseBytes());
    params += l.params;
    zeros += l.zeros;
    fp32 += l.fp32Bytes();
    dense += l.denseBytes();
    best += std::min(l.denseBytes(), l.sparseBytes());
  }
  os << llvm::format("total: %lld params, %.2f%% zero, %lld bytes as fp32, "
                     "%lld bytes dense now, %lld bytes with the smaller of "
                     "dense and sparse storage per layer\n",
                     (long long)params, params ? 100.0 * zeros / params : 0.0,
                     (long long)fp32, (long long)dense, (long long)best);
}

llvm::json::Value toJson(ArrayRef<LayerReport> layers) {
  llvm::json::Array array;
  for (const LayerReport &l : layers) {
    llvm::json::Object object{
        {"name", l.name},
        {"op", l.opName},
        {"shape", l.shape},
        {"dtype", l.storage},
        {"params", l.params},
        {"zeros", l.zeros},
        {"sparsity", l.sparsity()},
        {"fp32_bytes", l.fp32Bytes()},
        {"dense_bytes", l.denseBytes()},
        {"sparse_bytes", l.sparseBytes()},
    };
    if (l.annotation)
      object["annotation"] = stringifySparsityKind(l.annotation.getKind());
    array.push_back(std::move(object));
  }
  return llvm::json::Object{{"layers", std::move(array)}};
}

/// Runs `write` on the stream named by `path`: "-" is `fallback`.
LogicalResult writeTo(StringRef path, llvm::raw_ostream &fallback,
                      llvm::function_ref<void(llvm::raw_ostream &)> write) {
  if (path == "-") {
    write(fallback);
    return success();
  }
  // Through a temporary file renamed over `path`: a failure keeps the
  // previous file.
  llvm::Error error = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    write(os);
    return llvm::Error::success();
  });
  if (error) {
    llvm::consumeError(std::move(error));
    return failure();
  }
  return success();
}

/// The weighted layers of `root`, in walk order.
SmallVector<LayerReport> collectLayers(Operation *root) {
  SmallVector<LayerReport> layers;
  unsigned index = 0;
  root->walk([&](linalg::LinalgOp op) {
    if (!isWeightedLayer(op) && !isIntegerKernel(op))
      return;
    if (std::optional<LayerReport> report = describeLayer(op)) {
      report->name = getLayerName(op, index);
      layers.push_back(std::move(*report));
    }
    ++index;
  });
  return layers;
}

struct ReportPass : public compress::impl::CompressReportBase<ReportPass> {
  using CompressReportBase::CompressReportBase;

  void runOnOperation() override {
    SmallVector<LayerReport> layers = collectLayers(getOperation());

    if (!tableFile.empty() &&
        failed(writeTo(tableFile, llvm::errs(), [&](llvm::raw_ostream &os) {
          printTable(os, layers);
        }))) {
      emitError(getOperation()->getLoc())
          << "compress-report: cannot write '" << tableFile << "'";
      return signalPassFailure();
    }
    if (!jsonFile.empty() &&
        failed(writeTo(jsonFile, llvm::outs(), [&](llvm::raw_ostream &os) {
          os << llvm::formatv("{0:2}", toJson(layers)) << "\n";
        }))) {
      emitError(getOperation()->getLoc())
          << "compress-report: cannot write '" << jsonFile << "'";
      return signalPassFailure();
    }
    markAllAnalysesPreserved();
  }
};

} // namespace

llvm::json::Value mlir::compress::buildCompressionReport(ModuleOp module) {
  return toJson(collectLayers(module));
}
