//===- mlir_fuzzer.cpp - libFuzzer target for MLIR input and the passes ---===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The first byte of an input picks one of compress's passes or pipelines
// (those that read no files and start no tools); the rest is MLIR text.
// Whatever parses must then run through the pass to a module that verifies,
// or fail with an error diagnostic: never a crash, a sanitizer report, an
// invalid module, or a failure without a word. Built and run by
// scripts/fuzz.sh; the inputs are mutated structurally (numbers, shapes,
// element types, lines of a corpus of the project's own test files) as well
// as byte by byte. scripts/fuzz.sh compiles the passes' sources into the
// target with coverage instrumentation, so libFuzzer keeps the inputs that
// reach new branches of the passes.
//
//===----------------------------------------------------------------------===//

#include "compress/Registration.h"
#include "compress/Utils/ParserGuards.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <sanitizer/common_interface_defs.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace mlir;

namespace {

// Passes and pipelines that need no data directory, stats file or external
// tool (ptxas).
const char *const kPipelines[] = {
    "compress-insert-observers",
    "compress-fold-calibration",
    "compress-fold-fake-quant",
    "compress-quantize-weights",
    "compress-quantize-weights{bits=4 group-size=8}",
    "compress-quantize-weights{bits=4 granularity=per-tensor}",
    "compress-fuse-qdq",
    "convert-compress-to-linalg",
    "convert-compress-to-linalg{pack-int4=true}",
    "compress-prune-magnitude{sparsity=0.5}",
    "compress-prune-nm",
    "compress-prune-neurons{ratio=0.5}",
    "compress-prune-filters{ratio=0.25}",
    "compress-prune-heads",
    "compress-low-rank",
    "compress-convert-precision",
    "compress-convert-precision{to=bf16}",
    "compress-report",
    "compress-widen-subbyte-constants",
    "compress-fuse-elementwise-into-parallel-ops",
    "compress-collapse-elementwise-dims",
    "compress-cpu-fuse-requantize",
    "compress-cpu-select-kernels",
    "compress-cpu-fuse-kernel-epilogues",
    "compress-vectorize-convolutions",
    "compress-vectorize-matmuls",
    "compress-order-loops",
    "compress-approximate-erf",
    "compress-table-lookup{min-cost=1}",
    "func.func(compress-linalg-to-annotated-loops),"
    "compress-cpu-parallelize-loops{min-iterations=1}",
    "compress-split-batch{chunk=1}",
    "compress-split-batch{max-bytes=1024 remarks=true}",
    "compress-lower-to-cpu",
    "compress-lower-to-cpu{microkernels=false vectorize=false}",
    "compress-linalg-to-gpu",
    "compress-check-nvptx-target",
};
constexpr size_t kNumPipelines = sizeof(kPipelines) / sizeof(kPipelines[0]);

struct Context {
  Context() {
    registerAllPasses();
    compress::registerAllCompressPasses();
    registerAllDialects(registry);
    registerAllExtensions(registry);
    compress::registerAllCompressDialects(registry);
    // Each entry anchored on the module, or on its functions for the
    // function passes.
    MLIRContext probe(registry, MLIRContext::Threading::DISABLED);
    for (const char *entry : kPipelines) {
      std::string onModule = std::string("builtin.module(") + entry + ")";
      PassManager pm(&probe);
      if (succeeded(parsePassPipeline(onModule, pm, llvm::nulls()))) {
        pipelines.push_back(onModule);
        continue;
      }
      std::string onFunctions =
          std::string("builtin.module(func.func(") + entry + "))";
      PassManager nested(&probe);
      if (failed(parsePassPipeline(onFunctions, nested, llvm::errs())))
        std::abort(); // the list above is wrong
      pipelines.push_back(onFunctions);
    }
  }
  DialectRegistry registry;
  std::vector<std::string> pipelines;
};

const Context &globalContext() {
  static Context context;
  return context;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return -1;
  const Context &shared = globalContext();
  const std::string &pipeline = shared.pipelines[data[0] % kNumPipelines];
  llvm::StringRef text(reinterpret_cast<const char *>(data + 1), size - 1);

  // A fresh context per input: uniqued attributes and types would otherwise
  // pile up over hours of fuzzing.
  MLIRContext context(shared.registry, MLIRContext::Threading::DISABLED);
  bool error = false;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
    if (diagnostic.getSeverity() == DiagnosticSeverity::Error)
      error = true;
    return success();
  });
  // The lexer reads the buffer up to a terminating NUL (as every file
  // buffer has one), so the text gets a copy that has it.
  const std::string source = text.str();
  // Text the upstream parser crashes on: compress's tools report it as an
  // error (compress/Utils/ParserGuards.h).
  if (compress::findParserCrash(source))
    return -1;
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  // Not MLIR: the parser's errors are its own tests' business. -1 keeps
  // the input out of the corpus, which should hold what reaches the passes
  // (coverage of the inlined header code would otherwise fill it with
  // unparsable text).
  if (!module)
    return -1;
  error = false;

  PassManager pm(&context);
  pm.enableVerifier(true);
  if (failed(parsePassPipeline(pipeline, pm, llvm::errs())))
    std::abort(); // checked when the list was resolved
  if (failed(pm.run(*module))) {
    if (!error)
      std::abort(); // failed without saying why
    return 0;
  }
  if (failed(verify(*module)))
    std::abort(); // an invalid module: a silent miscompile waiting
  return 0;
}

namespace {

/// Replaces text[begin, end) by `with`.
void splice(std::string &text, size_t begin, size_t end,
            const std::string &with) {
  text.replace(begin, end - begin, with);
}

/// One structural mutation of MLIR text: an integer literal or a shape
/// dimension changed to an interesting value, an element type swapped, a
/// line dropped or duplicated. False when the text offers nothing to change.
bool mutateText(std::string &text, std::mt19937 &rng) {
  if (text.empty())
    return false;
  auto pick = [&](size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(rng);
  };
  static const char *const kNumbers[] = {
      "0",     "1",          "2",       "3",   "4",    "7",
      "8",     "-1",         "16",      "255", "256",  "-128",
      "65536", "2147483647", "1.0e+30", "0.0", "-0.0", "0x7FC00000"};
  static const char *const kTypes[] = {"f32", "f16", "bf16", "i8",    "i32",
                                       "i4",  "i1",  "f64",  "index", "ui8"};
  switch (pick(4)) {
  case 0: { // a number (also a shape dimension: "128x" or "x64")
    std::vector<std::pair<size_t, size_t>> spans;
    for (size_t i = 0; i < text.size();) {
      if (std::isdigit(static_cast<unsigned char>(text[i]))) {
        size_t j = i;
        while (j < text.size() &&
               (std::isdigit(static_cast<unsigned char>(text[j])) ||
                text[j] == '.'))
          ++j;
        spans.push_back({i, j});
        i = j;
      } else {
        ++i;
      }
    }
    if (spans.empty())
      return false;
    auto [b, e] = spans[pick(spans.size())];
    splice(text, b, e, kNumbers[pick(sizeof(kNumbers) / sizeof(*kNumbers))]);
    return true;
  }
  case 1: { // an element type
    std::vector<std::pair<size_t, size_t>> spans;
    for (const char *type : kTypes)
      for (size_t at = text.find(type); at != std::string::npos;
           at = text.find(type, at + 1)) {
        size_t end = at + std::strlen(type);
        bool wordStart =
            at == 0 ||
            !std::isalnum(static_cast<unsigned char>(text[at - 1])) ||
            text[at - 1] == 'x';
        bool wordEnd = end == text.size() ||
                       !std::isalnum(static_cast<unsigned char>(text[end]));
        if (wordStart && wordEnd)
          spans.push_back({at, end});
      }
    if (spans.empty())
      return false;
    auto [b, e] = spans[pick(spans.size())];
    splice(text, b, e, kTypes[pick(sizeof(kTypes) / sizeof(*kTypes))]);
    return true;
  }
  default: { // a line dropped (2) or duplicated (3)
    std::vector<size_t> starts = {0};
    for (size_t i = 0; i + 1 < text.size(); ++i)
      if (text[i] == '\n')
        starts.push_back(i + 1);
    size_t line = pick(starts.size());
    size_t b = starts[line];
    size_t e = line + 1 < starts.size() ? starts[line + 1] : text.size();
    std::string copy = text.substr(b, e - b);
    if (copy.empty())
      return false;
    if (pick(2) == 0)
      splice(text, b, e, "");
    else
      text.insert(e, copy);
    return true;
  }
  }
}

} // namespace

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

/// The text the mutator is parsing. A crash there is not in an input that
/// libFuzzer ran, so it cannot write it as the crash's input: the
/// sanitizer's death callback writes this text to $FUZZ_MUTATION_CRASH.
std::string *parsingNow = nullptr;

void writeMutationOnDeath() {
  const char *path = std::getenv("FUZZ_MUTATION_CRASH");
  if (!parsingNow || !path)
    return;
  if (FILE *file = std::fopen(path, "wb")) {
    std::fwrite(parsingNow->data(), 1, parsingNow->size(), file);
    std::fclose(file);
  }
}

/// Whether `text` parses (and verifies) as MLIR.
bool parses(const std::string &text) {
  if (compress::findParserCrash(text))
    return false;
  static std::string current;
  static bool registered = [] {
    __sanitizer_set_death_callback(writeMutationOnDeath);
    return true;
  }();
  (void)registered;
  current = text;
  parsingNow = &current;
  struct Clear {
    ~Clear() { parsingNow = nullptr; }
  } clear;
  MLIRContext context(globalContext().registry,
                      MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler quiet(&context,
                                [](Diagnostic &) { return success(); });
  return static_cast<bool>(parseSourceString<ModuleOp>(text, &context));
}

// Three in four mutations are structural and kept only when the text still
// parses (up to 8 tries), so that most runs reach a pass (coverage of the
// passes steers libFuzzer too, but a byte-level change of MLIR text rarely
// parses). The rest are libFuzzer's byte-level ones, which exercise the
// parser.
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned int seed) {
  std::mt19937 rng(seed);
  if (size >= 2 && rng() % 4 != 0) {
    const std::string original(reinterpret_cast<const char *>(data + 1),
                               size - 1);
    if (rng() % 8 == 0)
      data[0] = static_cast<uint8_t>(rng()); // another pass
    for (int attempt = 0; attempt < 8; ++attempt) {
      std::string text = original;
      int steps = 1 + static_cast<int>(rng() % 3);
      bool changed = false;
      for (int i = 0; i < steps; ++i)
        changed |= mutateText(text, rng);
      if (!changed || text.size() + 1 > maxSize || !parses(text))
        continue;
      std::memcpy(data + 1, text.data(), text.size());
      return text.size() + 1;
    }
  }
  return LLVMFuzzerMutate(data, size, maxSize);
}
