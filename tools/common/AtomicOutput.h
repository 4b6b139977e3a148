//===- AtomicOutput.h - outputs that never lose the previous file -*- C++
//-*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// compress's tools never leave an output half-written and never lose the
// file they would replace. Upstream's mlir-opt and mlir-translate open `-o`
// by truncating it: `-o` onto the (memory-mapped) input destroys the input
// and crashes, and a failure deletes whatever was there. Here the output
// goes to a temporary file in the target's directory, renamed over the
// target only when the tool succeeds; otherwise the temporary is removed
// (also on a signal) and the target is untouched.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_TOOLS_COMMON_ATOMICOUTPUT_H
#define COMPRESS_TOOLS_COMMON_ATOMICOUTPUT_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace compress::tools {

/// Runs `run(argc, argv)` with the value of `-o` (`-o X`, `-o=X`, `--o X`,
/// `--o=X`) replaced by a temporary file next to X, which is renamed to X
/// when `run` returns 0 and removed otherwise. Without `-o`, or with
/// `-o -`, runs `run` unchanged. Returns `run`'s exit code, or 1 when the
/// temporary cannot be made or renamed.
inline int runWithAtomicOutput(int argc, char **argv,
                               llvm::function_ref<int(int, char **)> run) {
  std::vector<std::string> args(argv, argv + argc);
  int valueIndex = -1;
  std::string prefix; // "-o=" when the value is in the same argument
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = args[i];
    if (arg == "--")
      break;
    if ((arg == "-o" || arg == "--o") && i + 1 < argc) {
      valueIndex = i + 1;
      prefix.clear();
      ++i;
    } else if (arg.starts_with("-o=") || arg.starts_with("--o=")) {
      valueIndex = i;
      prefix = arg.substr(0, arg.find('=') + 1).str();
    }
  }
  if (valueIndex < 0)
    return run(argc, argv);
  std::string target =
      llvm::StringRef(args[valueIndex]).drop_front(prefix.size()).str();
  if (target == "-" || target.empty())
    return run(argc, argv);

  llvm::SmallString<256> model(target);
  llvm::sys::path::remove_filename(model);
  llvm::sys::path::append(model, "." + llvm::sys::path::filename(target) +
                                     ".%%%%%%.tmp");
  int fd;
  llvm::SmallString<256> temporary;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(model, fd, temporary)) {
    llvm::errs() << argv[0] << ": cannot create a temporary file for '"
                 << target << "': " << ec.message() << "\n";
    return 1;
  }
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  llvm::sys::RemoveFileOnSignal(temporary);
  args[valueIndex] = prefix + temporary.str().str();

  std::vector<char *> newArgv;
  for (std::string &arg : args)
    newArgv.push_back(arg.data());
  newArgv.push_back(nullptr);
  int status = run(argc, newArgv.data());
  if (status == 0) {
    if (std::error_code ec = llvm::sys::fs::rename(temporary, target)) {
      llvm::errs() << argv[0] << ": cannot write '" << target
                   << "': " << ec.message() << "\n";
      status = 1;
    }
  }
  if (status != 0)
    llvm::sys::fs::remove(temporary);
  llvm::sys::DontRemoveFileOnSignal(temporary);
  return status;
}

/// Writes `content` to `path` (or stdout for "-") through a temporary file
/// renamed over it, so that a failure leaves the previous file untouched.
inline llvm::Error writeFileAtomically(llvm::StringRef path,
                                       llvm::StringRef content) {
  return llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << content;
    return llvm::Error::success();
  });
}

} // namespace compress::tools

#endif // COMPRESS_TOOLS_COMMON_ATOMICOUTPUT_H
