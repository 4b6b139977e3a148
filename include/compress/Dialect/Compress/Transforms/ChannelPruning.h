//===- ChannelPruning.h - structured neuron and filter pruning --*- C++ -*-===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Removes output channels of a layer (neurons of a Linear, filters of a
// convolution) together with everything that carries them to the next layer,
// producing a smaller dense network. Shared by compress-prune-neurons and
// compress-prune-filters.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESS_TRANSFORMS_CHANNELPRUNING_H
#define COMPRESS_DIALECT_COMPRESS_TRANSFORMS_CHANNELPRUNING_H

#include "compress/Dialect/Compress/Transforms/LayerStatistics.h"
#include "compress/Dialect/Compress/Transforms/PassOptions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::compress {

/// reconstruct=true: after a chain is pruned, its consumer's remaining
/// weights are refit by least squares to the unpruned consumer's output on
/// the samples of `data` (Refit.h).
struct ChannelRefitOptions {
  bool reconstruct = false;
  std::string data;
  std::string stats;
  std::string entry;
  double damp = 0.01;
  /// With `data` and scope=layer: the chains are rewritten in program order,
  /// each consumer measured on the model with the earlier chains already
  /// rewritten, next to the unpruned model (the teacher), and fit to the
  /// teacher's output of it; otherwise all consumers are measured in one run
  /// of the unpruned model, the last chain first, and (with `data`, scope
  /// layer) the consumers whose inputs a later chain's refit changed are
  /// then fit to the teacher.
  bool sequential = false;
};

struct ChannelPruningOptions {
  double ratio = 0.5;
  ChannelNorm norm = ChannelNorm::L2;
  ChannelScore score = ChannelScore::Outgoing;
  /// "neurons", "filters" or "heads", for remarks.
  llvm::StringRef unitName = "channels";
  /// Channels are attention heads: the columns of a projection that an
  /// expand_shape downstream splits off together (heads x head size).
  /// Layers without such a split are not candidates.
  bool heads = false;
  /// The kept count of each chain is rounded up to a multiple of this.
  int64_t roundTo = 1;
  /// Layer: each chain loses `ratio` of its channels. Global: `ratio` of
  /// all chains' channels, ranked together.
  PruneScope scope = PruneScope::Layer;
  /// With scope=global, the fraction of each chain's channels always kept
  /// (at least one).
  double minKeep = 0.0;
  ChannelRefitOptions refit;
  /// The pass, for diagnostics.
  llvm::StringRef passName = "compress-prune";
};

struct ChannelPruningResult {
  int64_t removed = 0;
  int64_t chains = 0;
  int64_t skipped = 0;
};

/// Checks the pass options shared by neuron and filter pruning (`ratio`;
/// `norm` and `score` are checked by the option parser), reporting an invalid
/// one at `loc`.
FailureOr<ChannelPruningOptions> makeChannelPruningOptions(
    Location loc, llvm::StringRef passName, llvm::StringRef unitName,
    double ratio, ChannelNorm norm, ChannelScore score, int64_t roundTo,
    PruneScope scope, double minKeep, const ChannelRefitOptions &refit = {});

/// Checks the options, then prunes the channels of every layer under `root`
/// (in program order) that `isProducer` accepts and `skip` does not name
/// (isSkippedLayer; a chain with a skipped producer is left whole, with a
/// remark). Fails on bad options, and with reconstruct=true when the data
/// cannot be run.
FailureOr<ChannelPruningResult>
pruneLayerChannels(ModuleOp root, llvm::StringRef passName,
                   llvm::StringRef unitName, double ratio, ChannelNorm norm,
                   ChannelScore score, int64_t roundTo, PruneScope scope,
                   double minKeep,
                   llvm::function_ref<bool(Operation *)> isProducer,
                   const ChannelRefitOptions &refit = {},
                   llvm::ArrayRef<std::string> skip = {});

/// Prunes the output channels of every op in `producers` (layer ops with a
/// constant weight) whose channels reach a next layer through a chain that
/// can be shrunk safely; every other producer gets a remark saying why it
/// was left alone. Fails only when options.refit asks for data that cannot
/// be run; nothing has changed then.
FailureOr<ChannelPruningResult>
pruneChannels(llvm::ArrayRef<linalg::LinalgOp> producers,
              const ChannelPruningOptions &options);

} // namespace mlir::compress

#endif // COMPRESS_DIALECT_COMPRESS_TRANSFORMS_CHANNELPRUNING_H
