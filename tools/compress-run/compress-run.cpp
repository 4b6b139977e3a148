//===- compress-run.cpp - run a model on .npy inputs ----------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// compress-run model.mlir --input x.npy [--input ...] --output y.npy [-e F]
//
// JIT-compiles a tensor-level module (it applies compress-lower-to-cpu
// itself) and runs one function on .npy inputs, writing .npy outputs. Inputs
// that stack several batches of the function's static batch size run batch by
// batch; the time of every batch is reported.
//
//===----------------------------------------------------------------------===//

#include <malloc.h>

#include "compress/Registration.h"
#include "compress/Runner/ModelRunner.h"
#include "compress/Utils/Npy.h"
#include "compress/Utils/Progress.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include "../common/AtomicOutput.h"
#include "../common/ModelFile.h"
#include "../common/ThreadsOption.h"

#include <algorithm>
#include <numeric>

using namespace mlir;
using namespace mlir::compress;
namespace cl = llvm::cl;

static cl::OptionCategory category("compress-run options");

static cl::opt<std::string> modelFile(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::init("-"), cl::cat(category));
static cl::list<std::string>
    inputFiles("input",
               cl::desc("A .npy file for the next argument of the function "
                        "(repeat in argument order)"),
               cl::value_desc("file"), cl::cat(category));
static cl::alias inputAlias("i", cl::desc("Alias for --input"),
                            cl::aliasopt(inputFiles), cl::cat(category));
static cl::list<std::string>
    outputFiles("output",
                cl::desc("Where to write the next result as .npy (repeat in "
                         "result order; results without a file are only "
                         "summarized)"),
                cl::value_desc("file"), cl::cat(category));
static cl::alias outputAlias("o", cl::desc("Alias for --output"),
                             cl::aliasopt(outputFiles), cl::cat(category));
static cl::opt<std::string>
    entryName("e",
              cl::desc("The function to run (default: the only public "
                       "function)"),
              cl::value_desc("name"), cl::cat(category));
static cl::alias entryAlias("entry", cl::desc("Alias for -e"),
                            cl::aliasopt(entryName), cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::desc("JIT optimization level 0-3"),
                                  cl::init(2), cl::Prefix, cl::cat(category));
static cl::opt<std::string> lowerOptions(
    "lower-options",
    cl::desc("Options of the compress-lower-to-cpu pipeline, as in "
             "--compress-lower-to-cpu=\"...\" (e.g. order-loops=false)"),
    cl::value_desc("options"), cl::cat(category));
static cl::opt<std::string> cpuTarget(
    "cpu",
    cl::desc("Kernel target: host (default), portable, avx2, avx512, "
             "avx512-vnni, amx, an x86-64 CPU name or a feature list; adds "
             "cpu=... to --lower-options"),
    cl::init("host"), cl::cat(category));
static cl::opt<unsigned>
    warmup("warmup",
           cl::desc("Untimed runs of the first batch before the timed ones"),
           cl::init(0), cl::cat(category));
static cl::opt<unsigned>
    repeat("repeat",
           cl::desc("Run all batches this many times; the timing covers "
                    "every run, the outputs come from the last"),
           cl::init(1), cl::cat(category));
static cl::opt<std::string>
    progressMode("progress",
                 cl::desc("Progress bar: auto (on a terminal), on or off"),
                 cl::init("auto"), cl::cat(category));
static cl::opt<std::string>
    timingFile("timing-json",
               cl::desc("Write the per-batch times (seconds) as JSON"),
               cl::value_desc("file"), cl::cat(category));
static cl::opt<bool> quiet("quiet", cl::desc("Do not print the timing summary"),
                           cl::init(false), cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "compress-run: error: " << message << "\n";
  return 1;
}

static double median(std::vector<double> values) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

static llvm::LogicalResult writeTiming(llvm::StringRef entry,
                                       const BatchTiming &timing,
                                       size_t batchesPerRun) {
  std::vector<double> seconds = timing.seconds;
  double total = std::accumulate(seconds.begin(), seconds.end(), 0.0);
  llvm::json::Array all;
  for (double s : seconds)
    all.push_back(s);
  llvm::json::Object root{
      {"entry", entry},
      {"batch_size", timing.batchSize},
      {"batches_per_run", int64_t(batchesPerRun)},
      {"runs", int64_t(repeat)},
      {"seconds", std::move(all)},
      {"mean", seconds.empty() ? 0.0 : total / seconds.size()},
      {"median", median(seconds)},
      {"min", seconds.empty()
                  ? 0.0
                  : *std::min_element(seconds.begin(), seconds.end())}};
  std::string text =
      llvm::formatv("{0:2}", llvm::json::Value(std::move(root))).str() + "\n";
  if (llvm::Error error =
          ::compress::tools::writeFileAtomically(timingFile, text)) {
    fail("cannot write '" + timingFile +
         "': " + llvm::toString(std::move(error)));
    return llvm::failure();
  }
  return llvm::success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // A compiled model allocates its intermediate buffers on every call. By
  // default glibc serves large blocks with mmap and unmaps them on free, so
  // every call page-faults its buffers in again (a third of MobileNet-v2's
  // time); keep freed blocks in the heap instead.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  cl::HideUnrelatedOptions(category);
  SmallVector<const char *> args(argv, argv + argc);
  int64_t threads = 0;
  if (!::compress::tools::extractThreads(args, threads))
    return fail("--threads must be 0 (all cores) or a positive number");
  cl::ParseCommandLineOptions(
      args.size(), args.data(),
      "compress-run: JIT-compile a tensor-level MLIR model for this CPU and "
      "run it on .npy inputs\n\n"
      "  --threads=N  threads of the matmul and convolution kernels (0: all "
      "cores, the default; 1 for comparisons); adds threads=N to "
      "--lower-options\n");

  if (progressMode != "auto" && progressMode != "on" && progressMode != "off")
    return fail("--progress must be auto, on or off, got '" + progressMode +
                "'");
  if (repeat == 0)
    return fail("--repeat must be at least 1");

  ::compress::tools::ModelFile input;
  std::string errorMessage;
  OwningOpRef<ModuleOp> module = input.parse(modelFile, errorMessage);
  if (!module)
    return errorMessage.empty() ? 1 : fail(errorMessage);

  RunnerOptions options;
  options.entry = entryName;
  options.optLevel = optLevel;
  // The explicit flags first, so that --lower-options can still override.
  options.lowerOptions = ("threads=" + llvm::Twine(threads) +
                          " cpu=" + cpuTarget + " " + lowerOptions)
                             .str();
  FailureOr<std::unique_ptr<CompiledModel>> model =
      CompiledModel::compile(*module, options);
  if (failed(model))
    return 1;
  ArrayRef<HostTensorType> argTypes = (*model)->getInputs();
  ArrayRef<HostTensorType> resultTypes = (*model)->getOutputs();
  std::string entry = (*model)->getEntryName().str();
  if (inputFiles.size() != argTypes.size())
    return fail("@" + entry + " takes " + llvm::Twine(argTypes.size()) +
                " argument(s) but " + llvm::Twine(inputFiles.size()) +
                " --input file(s) were given");
  if (outputFiles.size() > resultTypes.size())
    return fail("@" + entry + " returns " + llvm::Twine(resultTypes.size()) +
                " result(s) but " + llvm::Twine(outputFiles.size()) +
                " --output file(s) were given");

  SmallVector<HostTensor> inputs;
  for (auto [i, path] : llvm::enumerate(inputFiles)) {
    llvm::Expected<NpyArray> array = readNpyFile(path);
    if (!array)
      return fail(llvm::toString(array.takeError()));
    llvm::Expected<HostTensor> host =
        toHostTensor(*array, argTypes[i],
                     "input " + std::to_string(i) + " ('" + path + "')");
    if (!host)
      return fail(llvm::toString(host.takeError()));
    inputs.push_back(std::move(*host));
  }

  if (warmup > 0) {
    // Warm-up runs use the first batch only.
    SmallVector<HostTensor> first;
    for (auto [input, type] : llvm::zip(inputs, argTypes)) {
      HostTensor slice = input;
      ArrayRef<int64_t> expected = type.type.getShape();
      if (!expected.empty() && !ShapedType::isDynamic(expected[0]) &&
          !slice.shape.empty() && slice.shape[0] > expected[0] &&
          int64_t(slice.shape.size()) == type.type.getRank()) {
        slice.bytes.resize(slice.bytes.size() / slice.shape[0] * expected[0]);
        slice.shape[0] = expected[0];
      }
      first.push_back(std::move(slice));
    }
    for (unsigned i = 0; i < warmup; ++i) {
      BatchTiming ignored;
      auto outputs = runBatched(**model, first, inputFiles, ignored);
      if (!outputs)
        return fail(llvm::toString(outputs.takeError()));
    }
  }

  BatchTiming timing;
  SmallVector<HostTensor> outputs;
  size_t batchesPerRun = 0;
  for (unsigned run = 0; run < repeat; ++run) {
    std::optional<Progress> bar;
    auto onBatch = [&](size_t done, size_t total) {
      if (!bar)
        bar.emplace(Progress::shouldShow(progressMode),
                    repeat > 1 ? "run " + std::to_string(run + 1) + "/" +
                                     std::to_string(repeat)
                               : "run",
                    total);
      bar->update(done);
      batchesPerRun = total;
    };
    auto result = runBatched(**model, inputs, inputFiles, timing, onBatch);
    if (!result)
      return fail(llvm::toString(result.takeError()));
    outputs = std::move(*result);
  }

  for (auto [i, output] : llvm::enumerate(outputs)) {
    if (i >= outputFiles.size()) {
      if (!quiet)
        llvm::errs() << "compress-run: result " << i << ": "
                     << formatShape(output.shape) << " " << output.dtype
                     << " (not written; pass --output)\n";
      continue;
    }
    // Through a temporary file: a failure keeps the previous file.
    if (llvm::Error error = ::compress::tools::writeFileAtomically(
            outputFiles[i], toNpy(output)))
      return fail(llvm::toString(std::move(error)));
  }

  if (!timingFile.empty() && failed(writeTiming(entry, timing, batchesPerRun)))
    return 1;
  if (!quiet) {
    double total =
        std::accumulate(timing.seconds.begin(), timing.seconds.end(), 0.0);
    double mean = timing.seconds.empty() ? 0 : total / timing.seconds.size();
    llvm::errs() << llvm::formatv(
        "compress-run: @{0}: {1} batch(es) of {2} x {3} run(s): {4:f3} ms "
        "mean, {5:f3} ms median per batch ({6:f3} s in all)\n",
        entry, batchesPerRun, timing.batchSize, unsigned(repeat), mean * 1e3,
        median(timing.seconds) * 1e3, total);
  }
  return 0;
}
