//===- PackedWeights.cpp - constant weights in the kernels' layouts -------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "PackedWeights.h"

#include "CpuKernels.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/ADT/STLExtras.h"

#include <cstring>

using namespace mlir;
using namespace mlir::compress;

std::optional<std::vector<char>>
mlir::compress::getConstantBytes(ElementsAttr attr) {
  auto type = dyn_cast<ShapedType>(attr.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  unsigned bits = type.getElementTypeBitWidth();
  if (bits != 8 && bits != 32)
    return std::nullopt;
  size_t bytes = type.getNumElements() * (bits / 8);
  ArrayRef<char> raw;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    raw = dense.getRawData();
    if (dense.isSplat()) {
      std::vector<char> out(bytes);
      for (size_t i = 0; i < bytes; i += bits / 8)
        std::memcpy(out.data() + i, raw.data(), bits / 8);
      return out;
    }
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    raw = blob->getData();
  } else {
    return std::nullopt;
  }
  if (raw.size() != bytes)
    return std::nullopt;
  return std::vector<char>(raw.begin(), raw.end());
}

std::vector<char> mlir::compress::packGemmWeightF32(ArrayRef<char> data,
                                                    int64_t k, int64_t n,
                                                    int64_t strideK,
                                                    int64_t strideN) {
  int64_t panels = (n + 15) / 16;
  std::vector<char> out(panels * 16 * k * sizeof(float));
  compress_cpu_pack_b16_f32(k, n, reinterpret_cast<const float *>(data.data()),
                            strideK, strideN,
                            reinterpret_cast<float *>(out.data()));
  return out;
}

std::vector<char> mlir::compress::packGemmWeightS8(ArrayRef<char> data,
                                                   int64_t k, int64_t n,
                                                   int64_t strideK,
                                                   int64_t strideN) {
  int64_t panels = (n + 15) / 16, depth = (k + 63) / 64 * 64;
  std::vector<char> out(panels * 16 * depth);
  compress_cpu_pack_b16x4_8(k, n, reinterpret_cast<const int8_t *>(data.data()),
                            strideK, strideN,
                            reinterpret_cast<int8_t *>(out.data()));
  return out;
}

bool mlir::compress::fitsInFourBits(ArrayRef<char> data) {
  return llvm::all_of(data, [](char c) {
    auto v = static_cast<int8_t>(c);
    return v >= -8 && v <= 7;
  });
}

std::vector<char> mlir::compress::packGemmWeightS4(ArrayRef<char> data,
                                                   int64_t k, int64_t n,
                                                   int64_t strideK,
                                                   int64_t strideN) {
  int64_t panels = (n + 15) / 16, depth = (k + 63) / 64 * 64;
  std::vector<char> out(panels * 16 * depth / 2);
  compress_cpu_pack_b16x4_s4(
      k, n, reinterpret_cast<const int8_t *>(data.data()), strideK, strideN,
      reinterpret_cast<int8_t *>(out.data()));
  return out;
}

double mlir::compress::zeroFraction(ArrayRef<char> data) {
  if (data.empty())
    return 0.0;
  return double(llvm::count(data, 0)) / double(data.size());
}

std::vector<char> mlir::compress::packGemmWeightSparse(ArrayRef<char> data,
                                                       int64_t k, int64_t n,
                                                       int64_t strideK,
                                                       int64_t strideN) {
  const auto *b = reinterpret_cast<const int8_t *>(data.data());
  int64_t size = compress_cpu_packed_sparse_size_s8(k, n, b, strideK, strideN);
  std::vector<char> out(size);
  compress_cpu_pack_sparse_s8(k, n, b, strideK, strideN,
                              reinterpret_cast<int8_t *>(out.data()));
  return out;
}

std::optional<std::vector<char>>
mlir::compress::packGemmWeight2of4(ArrayRef<char> data, int64_t k, int64_t n,
                                   int64_t strideK, int64_t strideN) {
  if (k % 4 != 0)
    return std::nullopt;
  int64_t panels = (n + 15) / 16, depth = (k + 63) / 64 * 64;
  std::vector<char> out(panels * 16 * depth * 5 / 8);
  if (compress_cpu_pack_b16x8_2of4(
          k, n, reinterpret_cast<const int8_t *>(data.data()), strideK, strideN,
          reinterpret_cast<int8_t *>(out.data())) != 0)
    return std::nullopt;
  return out;
}

std::vector<char> mlir::compress::packConvFilterF32(ArrayRef<char> data,
                                                    int64_t f, int64_t cg,
                                                    int64_t kh, int64_t kw,
                                                    int64_t groups) {
  int64_t size =
      compress_cpu_packed_conv_filter_size_f32(f, cg, kh, kw, groups);
  std::vector<char> out(size * sizeof(float));
  compress_cpu_pack_conv_filter_f32(
      f, cg, kh, kw, groups, reinterpret_cast<const float *>(data.data()),
      reinterpret_cast<float *>(out.data()));
  return out;
}

std::vector<char> mlir::compress::packConvFilterS8(ArrayRef<char> data,
                                                   int64_t f, int64_t cg,
                                                   int64_t kh, int64_t kw,
                                                   int64_t groups) {
  int64_t size = compress_cpu_packed_conv_filter_size_s8(f, cg, kh, kw, groups);
  std::vector<char> out(size);
  compress_cpu_pack_conv_filter_s8(
      f, cg, kh, kw, groups, reinterpret_cast<const int8_t *>(data.data()),
      reinterpret_cast<int8_t *>(out.data()));
  return out;
}
