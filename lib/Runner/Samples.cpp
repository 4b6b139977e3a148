//===- Samples.cpp - sample inputs from .npy files ------------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Runner/Samples.h"
#include "compress/Runner/ModelRunner.h"
#include "compress/Utils/Shapes.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::compress;

FailureOr<std::vector<SampleArg>>
mlir::compress::splitSamples(const NpyArray &array, RankedTensorType type,
                             StringRef file, StringRef tool, Location loc) {
  std::vector<SampleArg> samples;
  if (fitsShape(array.shape, type)) {
    samples.push_back({array.shape, array.data});
    return samples;
  }
  ArrayRef<int64_t> shape = array.shape;
  if (!shape.empty() && fitsShape(shape.drop_front(), type)) {
    int64_t count = shape.front();
    int64_t size = count ? array.numElements() / count : 0;
    for (int64_t i = 0; i < count; ++i)
      samples.push_back(
          {SmallVector<int64_t>(shape.drop_front()),
           std::vector<float>(array.data.begin() + i * size,
                              array.data.begin() + (i + 1) * size)});
    return samples;
  }
  ArrayRef<int64_t> expected = type.getShape();
  if (std::optional<int64_t> stacked = countStackedBatches(shape, type);
      stacked && *stacked > 0) {
    int64_t batch = expected[0], count = shape[0] / batch;
    int64_t size = array.numElements() / count;
    SmallVector<int64_t> batchShape(shape);
    batchShape[0] = batch;
    for (int64_t i = 0; i < count; ++i)
      samples.push_back({batchShape, std::vector<float>(
                                         array.data.begin() + i * size,
                                         array.data.begin() + (i + 1) * size)});
    return samples;
  }
  InFlightDiagnostic diag = emitError(loc)
                            << tool << ": sample '" << file << "' has shape "
                            << formatNpyShape(shape)
                            << ", which fits neither the argument type " << type
                            << " nor a stack of such arguments";
  if (!expected.empty() && !ShapedType::isDynamic(expected[0]))
    diag << " nor a stack of batches of " << expected[0];
  return diag;
}

FailureOr<SampleFiles>
mlir::compress::listSampleFiles(StringRef dir, StringRef tool, Location loc) {
  std::error_code error;
  if (!llvm::sys::fs::is_directory(dir))
    return emitError(loc) << tool
                          << ": option 'data' must name a "
                             "directory of .npy files, got '"
                          << dir << "'";
  SampleFiles groups;
  for (llvm::sys::fs::directory_iterator it(dir, error), end;
       it != end && !error; it.increment(error)) {
    StringRef path = it->path();
    if (llvm::sys::path::extension(path) != ".npy")
      continue;
    // Samples run in file-name order (as `ls` lists them); the `.argK` part
    // of a multi-argument sample is dropped from its sorting key.
    StringRef stem = llvm::sys::path::stem(path);
    unsigned argument = 0;
    size_t dot = stem.rfind(".arg");
    if (dot != StringRef::npos &&
        !stem.drop_front(dot + 4).getAsInteger(10, argument))
      stem = stem.take_front(dot);
    else
      argument = 0;
    groups[(stem + ".npy").str()][argument] = path.str();
  }
  if (error)
    return emitError(loc) << tool << ": cannot list '" << dir
                          << "': " << error.message();
  if (groups.empty())
    return emitError(loc) << tool << ": no .npy files in '" << dir << "'";
  return groups;
}

LogicalResult mlir::compress::appendSamples(ArrayRef<NpyArray> arrays,
                                            ArrayRef<std::string> names,
                                            func::FuncOp entry, StringRef name,
                                            StringRef tool, Location loc,
                                            std::vector<Sample> &samples) {
  FunctionType type = entry.getFunctionType();
  if (arrays.size() != type.getNumInputs())
    return emitError(loc) << tool << ": sample '" << name << "' has "
                          << arrays.size() << " array(s) but @"
                          << entry.getSymName() << " takes "
                          << type.getNumInputs() << " argument(s)";
  std::vector<std::vector<SampleArg>> perArgument;
  for (auto [argument, array] : llvm::enumerate(arrays)) {
    auto argType = cast<RankedTensorType>(type.getInput(argument));
    FailureOr<std::vector<SampleArg>> split =
        splitSamples(array, argType, names[argument], tool, loc);
    if (failed(split))
      return failure();
    perArgument.push_back(std::move(*split));
  }
  size_t count = perArgument.front().size();
  for (const std::vector<SampleArg> &args : perArgument)
    if (args.size() != count)
      return emitError(loc) << tool << ": the arrays of sample '" << name
                            << "' stack different numbers of samples";
  for (size_t i = 0; i < count; ++i) {
    Sample sample;
    for (std::vector<SampleArg> &args : perArgument)
      sample.push_back(std::move(args[i]));
    samples.push_back(std::move(sample));
  }
  return success();
}

FailureOr<std::vector<Sample>>
mlir::compress::loadSamples(const SampleFiles &groups, func::FuncOp entry,
                            StringRef tool, Location loc) {
  FunctionType type = entry.getFunctionType();
  std::vector<Sample> samples;
  for (const auto &[name, files] : groups) {
    if (files.size() != type.getNumInputs() ||
        files.rbegin()->first != type.getNumInputs() - 1)
      return emitError(loc)
             << tool << ": sample '" << name << "' has " << files.size()
             << " file(s) but @" << entry.getSymName() << " takes "
             << type.getNumInputs()
             << " argument(s); name them NAME.arg0.npy, NAME.arg1.npy, ...";
    SmallVector<NpyArray> arrays;
    SmallVector<std::string> argumentFiles;
    for (const auto &[argument, file] : files) {
      llvm::Expected<NpyArray> array = readNpyFile(file);
      if (!array)
        return emitError(loc)
               << tool << ": " << llvm::toString(array.takeError());
      arrays.push_back(std::move(*array));
      argumentFiles.push_back(file);
    }
    if (failed(appendSamples(arrays, argumentFiles, entry, name, tool, loc,
                             samples)))
      return failure();
  }
  return samples;
}
