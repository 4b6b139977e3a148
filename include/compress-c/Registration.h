/*===- compress-c/Registration.h - compress's C API ---------------*- C -*-===*\
|*                                                                            *|
|* Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception  *|
|*                                                                            *|
|* For compilers that embed compress through MLIR's C API (Python bindings of *|
|* their own, Rust or Julia front ends): the dialect handle of the compress   *|
|* dialect and one call that registers every compress pass and pipeline.     *|
|* Link libCompressCAPI.so: it carries MLIR's core C API (mlirContextCreate,  *|
|* mlirModuleCreateParse, mlirPassManager*, mlirRegisterAllDialects, ...)    *|
|* over libMLIR.so, so there is one copy of MLIR in the process.              *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef COMPRESS_C_REGISTRATION_H
#define COMPRESS_C_REGISTRATION_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// mlirGetDialectHandle__compress__(): the compress dialect (register it
/// with mlirDialectHandleRegisterDialect, or insert it into a registry). The
/// quant dialect it builds on must be registered too, as
/// mlirRegisterAllDialects does.
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(Compress, compress);

/// Registers every compress pass, conversion and pipeline (compress-ptq,
/// compress-lower-to-cpu, ...) for textual pipelines (mlirParsePassPipeline,
/// mlirOpPassManagerAddPipeline). Safe to call more than once.
MLIR_CAPI_EXPORTED void mlirRegisterCompressPasses(void);

#ifdef __cplusplus
}
#endif

#endif /* COMPRESS_C_REGISTRATION_H */
