// Part of compress. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The C API from C: register the compress dialect through its handle and the
// passes, parse a module with a compress op, run a compress pass from a
// textual pipeline and print the result (checked by capi.test's FileCheck).

#include "compress-c/Registration.h"

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "mlir-c/RegisterEverything.h"

#include <stdio.h>
#include <string.h>

static void print(MlirStringRef text, void *userData) {
  (void)userData;
  fwrite(text.data, 1, text.length, stdout);
}

static MlirStringRef ref(const char *text) {
  return mlirStringRefCreate(text, strlen(text));
}

int main(void) {
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirRegisterAllDialects(registry);
  mlirDialectHandleInsertDialect(mlirGetDialectHandle__compress__(), registry);
  MlirContext context = mlirContextCreate();
  mlirContextAppendDialectRegistry(context, registry);
  mlirDialectRegistryDestroy(registry);
  mlirRegisterCompressPasses();
  mlirRegisterCompressPasses(); // twice is harmless

  const char *source =
      "func.func @q(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, "
      "0.5:-3>> {\n"
      "  %q = compress.quantize %x : tensor<4xf32> -> "
      "tensor<4x!quant.uniform<i8:f32, 0.5:-3>>\n"
      "  return %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>>\n"
      "}\n";
  MlirModule module = mlirModuleCreateParse(context, ref(source));
  if (mlirModuleIsNull(module)) {
    fprintf(stderr, "parse failed\n");
    return 1;
  }
  mlirOperationPrint(mlirModuleGetOperation(module), print, NULL);
  printf("// -----\n");

  MlirPassManager pm = mlirPassManagerCreate(context);
  MlirOpPassManager opm = mlirPassManagerGetAsOpPassManager(pm);
  if (mlirLogicalResultIsFailure(mlirParsePassPipeline(
          opm, ref("builtin.module(convert-compress-to-linalg)"), print,
          NULL))) {
    fprintf(stderr, "pipeline parse failed\n");
    return 1;
  }
  if (mlirLogicalResultIsFailure(
          mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module)))) {
    fprintf(stderr, "pass failed\n");
    return 1;
  }
  mlirOperationPrint(mlirModuleGetOperation(module), print, NULL);

  // An unknown pass is an error, not a crash.
  MlirPassManager bad = mlirPassManagerCreate(context);
  MlirLogicalResult result =
      mlirParsePassPipeline(mlirPassManagerGetAsOpPassManager(bad),
                            ref("builtin.module(no-such-pass)"), print, NULL);
  printf("\n// unknown pass rejected: %d\n",
         mlirLogicalResultIsFailure(result));

  mlirPassManagerDestroy(bad);
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(context);
  return 0;
}
