//===- JitRuntime.cpp - symbols JIT-compiled models call ------------------===//
//
// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "compress/Runner/JitRuntime.h"

#include "CpuKernels.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include <functional>

void mlir::compress::registerJitRuntimeSymbols(ExecutionEngine &engine) {
  engine.registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    auto add = [&](llvm::StringRef name, auto *function) {
      symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(function),
                                 llvm::JITSymbolFlags::Exported};
    };
    add("memrefCopy", &memrefCopy);
    // compress-cpu-plan-arena's buffers.
    add("_mlir_ciface_compress_cpu_arena_push",
        &_mlir_ciface_compress_cpu_arena_push);
    add("_mlir_ciface_compress_cpu_arena_slot",
        &_mlir_ciface_compress_cpu_arena_slot);
    add("compress_cpu_arena_pop", &compress_cpu_arena_pop);
    // compress-cpu-parallelize-loops' outlined loops.
    add("compress_cpu_parallel_for", &compress_cpu_parallel_for);
    // The CPU kernel library (compress-cpu-lower-kernels' calls).
    add("compress_cpu_sgemm_packed", &compress_cpu_sgemm_packed);
    add("compress_cpu_sgemm", &compress_cpu_sgemm);
    add("compress_cpu_sgemm_batched", &compress_cpu_sgemm_batched);
    add("compress_cpu_igemm_u8s8_packed", &compress_cpu_igemm_u8s8_packed);
    add("compress_cpu_igemm_u8s8_packed_requantize",
        &compress_cpu_igemm_u8s8_packed_requantize);
    add("compress_cpu_igemm_u8s8_packed_bias_requantize",
        &compress_cpu_igemm_u8s8_packed_bias_requantize);
    add("compress_cpu_igemm_u8s4_packed", &compress_cpu_igemm_u8s4_packed);
    add("compress_cpu_igemm_u8s4_packed_requantize",
        &compress_cpu_igemm_u8s4_packed_requantize);
    add("compress_cpu_igemm_u8s4_packed_bias_requantize",
        &compress_cpu_igemm_u8s4_packed_bias_requantize);
    add("compress_cpu_igemm_u8s8_2of4", &compress_cpu_igemm_u8s8_2of4);
    add("compress_cpu_igemm_u8s8_2of4_requantize",
        &compress_cpu_igemm_u8s8_2of4_requantize);
    add("compress_cpu_igemm_u8s8_2of4_bias_requantize",
        &compress_cpu_igemm_u8s8_2of4_bias_requantize);
    add("compress_cpu_igemm_u8s8_sparse", &compress_cpu_igemm_u8s8_sparse);
    add("compress_cpu_igemm_u8s8_sparse_requantize",
        &compress_cpu_igemm_u8s8_sparse_requantize);
    add("compress_cpu_igemm_u8s8_sparse_bias_requantize",
        &compress_cpu_igemm_u8s8_sparse_bias_requantize);
    add("compress_cpu_igemm_u8s8", &compress_cpu_igemm_u8s8);
    add("compress_cpu_igemm_batched", &compress_cpu_igemm_batched);
    add("compress_cpu_conv2d_nchw_f32", &compress_cpu_conv2d_nchw_f32);
    add("compress_cpu_conv2d_nchw_f32_fused",
        &compress_cpu_conv2d_nchw_f32_fused);
    add("compress_cpu_conv2d_nchw_f32_padded",
        &compress_cpu_conv2d_nchw_f32_padded);
    add("compress_cpu_conv2d_nchw_u8s8", &compress_cpu_conv2d_nchw_u8s8);
    add("compress_cpu_conv2d_nchw_u8s8_requantize",
        &compress_cpu_conv2d_nchw_u8s8_requantize);
    add("compress_cpu_pool2d_nchw_f32", &compress_cpu_pool2d_nchw_f32);
    add("compress_cpu_pool2d_nchw_f32_padded",
        &compress_cpu_pool2d_nchw_f32_padded);
    add("compress_cpu_conv2d_pool_nchw_f32",
        &compress_cpu_conv2d_pool_nchw_f32);
    add("compress_cpu_max_pool2d_nchw_i8", &compress_cpu_max_pool2d_nchw_i8);
    add("compress_cpu_depthwise_conv2d_nchw_f32",
        &compress_cpu_depthwise_conv2d_nchw_f32);
    add("compress_cpu_depthwise_conv2d_nchw_f32_fused",
        &compress_cpu_depthwise_conv2d_nchw_f32_fused);
    add("compress_cpu_depthwise_conv2d_nchw_u8s8",
        &compress_cpu_depthwise_conv2d_nchw_u8s8);
    add("compress_cpu_depthwise_conv2d_nchw_u8s8_requantize",
        &compress_cpu_depthwise_conv2d_nchw_u8s8_requantize);
    return symbols;
  });
}

llvm::Expected<std::unique_ptr<mlir::ExecutionEngine>>
mlir::compress::createHostExecutionEngine(Operation *module,
                                          unsigned optLevel) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  auto codeGenLevel = static_cast<llvm::CodeGenOptLevel>(optLevel);
  builder->setCodeGenOptLevel(codeGenLevel);
  auto machine = builder->createTargetMachine();
  if (!machine)
    return machine.takeError();
  std::unique_ptr<llvm::TargetMachine> host = std::move(*machine);
  // ExecutionEngineOptions::transformer is a function_ref: the callable it
  // refers to must be a named object that lives until create() has run it
  // (a temporary lambda here was a stack-use-after-scope, which the ASan
  // build found in every JIT run).
  std::function<llvm::Error(llvm::Module *)> optimize =
      makeOptimizingTransformer(optLevel, /*sizeLevel=*/0, host.get());
  ExecutionEngineOptions options;
  options.transformer = optimize;
  options.jitCodeGenOptLevel = codeGenLevel;
  auto engine = ExecutionEngine::create(module, options);
  if (!engine)
    return engine.takeError();
  registerJitRuntimeSymbols(**engine);
  return std::move(*engine);
}

void mlir::compress::PackedMemRefArguments::add(const void *data,
                                                ArrayRef<int64_t> shape) {
  auto argument = std::make_unique<Argument>();
  int64_t rank = shape.size();
  argument->descriptor.assign(3 + 2 * rank, 0);
  argument->descriptor[0] = reinterpret_cast<int64_t>(data);
  argument->descriptor[1] = reinterpret_cast<int64_t>(data);
  int64_t stride = 1;
  for (int64_t d = rank - 1; d >= 0; --d) {
    argument->descriptor[3 + d] = shape[d];
    argument->descriptor[3 + rank + d] = stride;
    stride *= shape[d];
  }
  argument->unranked = {rank, argument->descriptor.data()};
  argument->pointer = &argument->unranked;
  packed.push_back(&argument->pointer);
  arguments.push_back(std::move(argument));
}
