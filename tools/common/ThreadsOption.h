//===- ThreadsOption.h - the tools' --threads option -------------*- C++
//-*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// libLLVM already registers a global option named `threads`, so the tools
// take `--threads=N` (or `--threads N`) out of the arguments before LLVM's
// parser sees them.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_TOOLS_COMMON_THREADSOPTION_H
#define COMPRESS_TOOLS_COMMON_THREADSOPTION_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace compress::tools {

/// Removes `--threads=N` / `--threads N` (also with one dash) from `args`
/// and stores N in `threads`. Returns false on a malformed or negative N.
inline bool extractThreads(llvm::SmallVectorImpl<const char *> &args,
                           int64_t &threads) {
  llvm::SmallVector<const char *> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef arg = args[i];
    if (!arg.consume_front("--") && !arg.consume_front("-")) {
      rest.push_back(args[i]);
      continue;
    }
    llvm::StringRef value;
    if (arg == "threads" && i + 1 < args.size())
      value = args[++i];
    else if (arg.consume_front("threads="))
      value = arg;
    else {
      rest.push_back(args[i]);
      continue;
    }
    if (value.getAsInteger(10, threads) || threads < 0)
      return false;
  }
  args.assign(rest.begin(), rest.end());
  return true;
}

} // namespace compress::tools

#endif // COMPRESS_TOOLS_COMMON_THREADSOPTION_H
