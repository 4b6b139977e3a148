//===- compress-compile.cpp - ahead-of-time compilation of a model --------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// compress-compile model.mlir -o libmodel.so [--emit=shared|obj] [-e F]...
//
// Lowers a tensor-level module for this CPU exactly as compress-run does and
// writes a shared library (or a relocatable object) exporting each function
// with a plain C ABI, plus a header declaring them. The library holds the
// weights and the CPU kernels; it needs only libc, libm and the OpenMP
// runtime (libgomp) at run time. The C compiler (`--cc`, default $CC or cc)
// compiles the ABI functions and links.
//
//===----------------------------------------------------------------------===//

#include "compress/Registration.h"
#include "compress/Runner/AotCompiler.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"

#include "../common/AtomicOutput.h"
#include "../common/ModelFile.h"
#include "../common/ThreadsOption.h"

#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"

using namespace mlir;
using namespace mlir::compress;
namespace cl = llvm::cl;

static cl::OptionCategory category("compress-compile options");

static cl::opt<std::string> modelFile(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::init("-"), cl::cat(category));
static cl::opt<std::string>
    outputFile("o",
               cl::desc("The shared library (--emit=shared) or object file "
                        "(--emit=obj) to write"),
               cl::value_desc("file"), cl::Required, cl::cat(category));
static cl::opt<std::string>
    emitKind("emit",
             cl::desc("What to write: 'shared' (a shared library, the "
                      "default) or 'obj' (a relocatable object with the "
                      "kernels; link it with -fopenmp -lstdc++ -lm)"),
             cl::init("shared"), cl::cat(category));
static cl::opt<std::string>
    headerFile("emit-header",
               cl::desc("Where to write the C header (default: the output "
                        "with its extension replaced by .h)"),
               cl::value_desc("file"), cl::cat(category));
static cl::list<std::string>
    entryNames("e",
               cl::desc("A function to compile (repeatable; default: every "
                        "public function with a body)"),
               cl::value_desc("name"), cl::cat(category));
static cl::opt<unsigned> optLevel("O",
                                  cl::desc("LLVM optimization level 0-3 (as "
                                           "compress-run's)"),
                                  cl::init(2), cl::cat(category));
static cl::opt<std::string> cpuTarget(
    "cpu",
    cl::desc("Target CPU of the kernels: host (detected), portable, avx2, "
             "avx512, avx512-vnni, amx, a CPU name or a feature list"),
    cl::init("host"), cl::cat(category));
static cl::opt<std::string>
    lowerOptions("lower-options",
                 cl::desc("More compress-lower-to-cpu options, e.g. "
                          "'vectorize=false'"),
                 cl::init(""), cl::cat(category));
static cl::opt<std::string>
    ccPath("cc",
           cl::desc("C compiler driver that compiles the ABI functions and "
                    "links (default: $CC, else cc)"),
           cl::init(""), cl::cat(category));
static cl::opt<std::string> runtimeLibrary(
    "runtime-library",
    cl::desc("The static CPU kernel library to link "
             "(libCompressCpuRuntimeStatic.a; default: the one installed "
             "next to compress-compile, else the build's)"),
    cl::init(""), cl::cat(category));
static cl::opt<bool> verbose("v", cl::desc("Print the commands run"),
                             cl::cat(category));
static cl::opt<bool> weightsReport(
    "weights-report",
    cl::desc("Print the bytes of constant data the library holds, by weight "
             "layout (int8, 4-bit, 2:4, sparse, fp32 panels, convolution "
             "filters, other)"),
    cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "compress-compile: error: " << message << "\n";
  return 1;
}

/// The kernel library: --runtime-library, else the one installed next to
/// this executable (<prefix>/lib), else the build's.
static std::string findRuntimeLibrary(const char *argv0) {
  if (!runtimeLibrary.empty())
    return runtimeLibrary;
  SmallVector<std::string> candidates;
  std::string self = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&findRuntimeLibrary));
  if (!self.empty()) {
    SmallString<256> installed(
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(self)));
    llvm::sys::path::append(installed, "lib",
                            COMPRESS_RUNTIME_LIBRARY_FILE_NAME);
    candidates.push_back(installed.str().str());
  }
  candidates.push_back(COMPRESS_BUILD_RUNTIME_LIBRARY);
  for (const std::string &candidate : candidates)
    if (llvm::sys::fs::exists(candidate))
      return candidate;
  return "";
}

/// Runs `argv`, echoing it with -v; the failure message names the command.
static bool runCommand(ArrayRef<std::string> argv, std::string &error) {
  SmallVector<StringRef> refs(argv.begin(), argv.end());
  if (verbose) {
    for (StringRef arg : refs)
      llvm::errs() << arg << " ";
    llvm::errs() << "\n";
  }
  std::string message;
  int code = llvm::sys::ExecuteAndWait(argv.front(), refs, std::nullopt, {}, 0,
                                       0, &message);
  if (code == 0)
    return true;
  error = "'" + llvm::join(refs, " ") + "' failed" +
          (message.empty() ? " (exit code " + std::to_string(code) + ")"
                           : ": " + message);
  return false;
}

static int compileMain(int argc, char **argv, int64_t threads) {
  cl::ParseCommandLineOptions(
      argc, argv,
      "compress-compile: compile a tensor-level MLIR model ahead of time "
      "into a shared library (or object file) with a C ABI and a header\n\n"
      "  --threads=N  threads of the matmul and convolution kernels (0: "
      "OMP_NUM_THREADS or all cores, the default)\n");
  if (emitKind != "shared" && emitKind != "obj")
    return fail("--emit must be 'shared' or 'obj', got '" + emitKind + "'");
  if (outputFile == "-")
    return fail("-o must name a file");

  std::string cc = ccPath;
  if (cc.empty())
    if (const char *env = std::getenv("CC"); env && *env)
      cc = env;
  if (cc.empty())
    cc = "cc";
  llvm::ErrorOr<std::string> ccProgram = llvm::sys::path::is_absolute(cc)
                                             ? llvm::ErrorOr<std::string>(cc)
                                             : llvm::sys::findProgramByName(cc);
  if (!ccProgram || !llvm::sys::fs::can_execute(*ccProgram))
    return fail("cannot find the C compiler '" + cc +
                "' (install gcc or clang, or pass --cc=PATH)");
  std::string runtime = findRuntimeLibrary(argv[0]);
  if (runtime.empty() || !llvm::sys::fs::exists(runtime))
    return fail("cannot find the CPU kernel library "
                "libCompressCpuRuntimeStatic.a" +
                (runtime.empty() ? "" : " at '" + runtime + "'") +
                " (pass --runtime-library=PATH)");

  ::compress::tools::ModelFile input;
  std::string errorMessage;
  OwningOpRef<ModuleOp> module = input.parse(modelFile, errorMessage);
  if (!module)
    return errorMessage.empty() ? 1 : fail(errorMessage);

  AotOptions options;
  options.entries.assign(entryNames.begin(), entryNames.end());
  options.optLevel = optLevel;
  options.lowerOptions = ("threads=" + llvm::Twine(threads) +
                          " cpu=" + cpuTarget + " " + lowerOptions)
                             .str();
  SmallVector<char> object;
  AotConstantBytes constants;
  FailureOr<SmallVector<AotFunction>> functions =
      compileToObject(*module, options, object, &constants);
  if (failed(functions))
    return 1;
  if (weightsReport) {
    llvm::outs() << "constant data in the library: " << constants.total
                 << " bytes\n";
    for (const auto &[layout, bytes, count] : constants.layouts)
      if (count)
        llvm::outs() << llvm::formatv("  {0,-36} {1,12} bytes in {2} "
                                      "constant(s)\n",
                                      layout, bytes, count);
  }

  // Scratch files in a fresh directory, removed at the end.
  SmallString<128> scratch;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("compress-compile", scratch))
    return fail("cannot create a scratch directory: " + ec.message());
  llvm::scope_exit cleanup([&] { llvm::sys::fs::remove_directories(scratch); });
  auto scratchPath = [&](StringRef name) {
    SmallString<128> path(scratch);
    llvm::sys::path::append(path, name);
    return path.str().str();
  };
  std::string modelObject = scratchPath("model.o");
  std::string abiSource = scratchPath("abi.c");
  std::string abiObject = scratchPath("abi.o");
  if (llvm::Error error = ::compress::tools::writeFileAtomically(
          modelObject, StringRef(object.data(), object.size())))
    return fail(llvm::toString(std::move(error)));
  if (llvm::Error error = ::compress::tools::writeFileAtomically(
          abiSource, emitAbiSource(*functions)))
    return fail(llvm::toString(std::move(error)));

  // The output is linked into a temporary file next to it and renamed over
  // it at the end: a failure keeps the previous file.
  SmallString<256> temporaryModel(outputFile);
  llvm::sys::path::remove_filename(temporaryModel);
  llvm::sys::path::append(temporaryModel,
                          "." + llvm::sys::path::filename(outputFile) +
                              ".%%%%%%.tmp");
  int fd;
  SmallString<256> temporary;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(temporaryModel, fd, temporary))
    return fail("cannot create a temporary file for '" + outputFile +
                "': " + ec.message());
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  llvm::sys::RemoveFileOnSignal(temporary);
  llvm::scope_exit removeTemporary([&] { llvm::sys::fs::remove(temporary); });

  std::string error;
  if (!runCommand(
          {*ccProgram, "-c", "-O2", "-fPIC", "-o", abiObject, abiSource},
          error))
    return fail(error);
  // Only the C ABI functions are exported.
  std::string versionScript = scratchPath("exports.map");
  std::string exports = "{\n  global:\n";
  for (const AotFunction &function : *functions)
    exports += "    " + function.name + ";\n";
  exports += "  local: *;\n};\n";
  if (llvm::Error error =
          ::compress::tools::writeFileAtomically(versionScript, exports))
    return fail(llvm::toString(std::move(error)));
  if (emitKind == "shared") {
    // The kernels are C++: their runtime support is linked in statically,
    // so that the library needs only libc, libm and libgomp.
    std::vector<std::string> link = {*ccProgram,
                                     "-shared",
                                     "-o",
                                     temporary.str().str(),
                                     modelObject,
                                     abiObject,
                                     runtime,
                                     "-fopenmp",
                                     "-static-libgcc",
                                     "-Wl,-Bstatic",
                                     "-lstdc++",
                                     "-Wl,-Bdynamic",
                                     "-lm",
                                     "-Wl,--no-undefined",
                                     "-Wl,--version-script=" + versionScript};
#ifdef COMPRESS_SANITIZE
    // A sanitizer build's kernel library calls the sanitizer runtimes.
    link.insert(link.begin() + 1, "-fsanitize=address,undefined");
#endif
    if (!runCommand(link, error))
      return fail(error);
  } else {
    if (!runCommand({*ccProgram, "-r", "-nostdlib", "-o", temporary.str().str(),
                     modelObject, abiObject, "-Wl,--whole-archive", runtime,
                     "-Wl,--no-whole-archive"},
                    error))
      return fail(error);
  }

  std::string header = headerFile;
  if (header.empty()) {
    SmallString<256> path(outputFile);
    llvm::sys::path::replace_extension(path, "h");
    header = path.str().str();
  }
  std::string guard = "COMPRESS_MODEL_" +
                      StringRef(llvm::sys::path::stem(header)).upper() + "_H";
  for (char &c : guard)
    if (!llvm::isAlnum(c))
      c = '_';
  if (llvm::Error error = ::compress::tools::writeFileAtomically(
          header, emitAbiHeader(*functions, guard,
                                llvm::sys::path::filename(modelFile))))
    return fail(llvm::toString(std::move(error)));
  if (std::error_code ec = llvm::sys::fs::rename(temporary, outputFile))
    return fail("cannot write '" + outputFile + "': " + ec.message());
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  SmallVector<const char *> args(argv, argv + argc);
  int64_t threads = 0;
  if (!::compress::tools::extractThreads(args, threads))
    return fail("--threads must be 0 (all cores) or a positive number");
  return compileMain(static_cast<int>(args.size()),
                     const_cast<char **>(args.data()), threads);
}
