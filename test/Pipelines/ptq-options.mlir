// The options of --compress-ptq reach the passes it chains, with the passes'
// own defaults and spellings; a value that is not one of an option's
// spellings is refused by the option parser. (The module has nothing to
// calibrate, so `data` is not read.)
//
// RUN: compress-opt %s --compress-ptq="data=%S lower=false" --dump-pass-pipeline \
// RUN:   -o /dev/null 2>&1 | FileCheck %s --check-prefix=DEFAULT
// RUN: compress-opt %s --pass-pipeline="builtin.module(compress-insert-observers,compress-calibrate{data=%S},compress-fold-calibration,compress-quantize-weights,compress-fuse-qdq)" \
// RUN:   --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=DEFAULT
// RUN: compress-opt %s --compress-ptq="data=%S lower=false method=mse percentile=99.5 activation-type=i8 symmetric=true weight-bits=4 granularity=per-tensor weight-range=mse weight-algorithm=gptq rounding=float" \
// RUN:   --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=CUSTOM
// RUN: compress-opt %s --compress-ptq="data=%S lower=false weight-bits=4 weight-group-size=32" \
// RUN:   --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=GROUPS
// RUN: compress-opt %s --compress-auto="data=%S lower=false" --dump-pass-pipeline \
// RUN:   -o /dev/null 2>&1 | FileCheck %s --check-prefix=AUTO
// RUN: compress-opt %s --compress-auto="data=%S lower=false max-error=0.0075" --dump-pass-pipeline \
// RUN:   -o /dev/null 2>&1 | FileCheck %s --check-prefix=AUTO-ERROR
// RUN: compress-opt %s --compress-auto="data=%S lower=false gains=false" --dump-pass-pipeline \
// RUN:   -o /dev/null 2>&1 | FileCheck %s --check-prefix=AUTO-NOGAINS
// RUN: compress-opt %s --compress-ptq="data=%S lower=false weight-size=0.5 weight-gains=false" --dump-pass-pipeline \
// RUN:   -o /dev/null 2>&1 | FileCheck %s --check-prefix=AUTO-NOGAINS
// RUN: compress-opt %s --compress-ptq="data=%S" --dump-pass-pipeline \
// RUN:   -o /dev/null 2>&1 | FileCheck %s --check-prefix=LOWER
// RUN: compress-opt %s --compress-ptq="data=%S lower=false" --dump-pass-pipeline \
// RUN:   -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOLOWER
// RUN: compress-opt %s --compress-ptq="data=%S lower=false to-linalg=false" --dump-pass-pipeline \
// RUN:   -o /dev/null 2>&1 | FileCheck %s --check-prefix=FUSED
// RUN: not compress-opt %s --compress-ptq=granularity=per-row 2>&1 | FileCheck %s --check-prefix=BAD-GRANULARITY
// RUN: not compress-opt %s --compress-ptq=method=kl 2>&1 | FileCheck %s --check-prefix=BAD-METHOD
// RUN: not compress-opt %s --compress-ptq=activation-type=u4 2>&1 | FileCheck %s --check-prefix=BAD-ACTIVATION
// RUN: not compress-opt %s --compress-ptq=rounding=nearest 2>&1 | FileCheck %s --check-prefix=BAD-ROUNDING
// RUN: not compress-opt %s --compress-ptq=weight-range=percentile 2>&1 | FileCheck %s --check-prefix=BAD-RANGE

// DEFAULT: compress-calibrate{{.*}} method=minmax percentile=9.999000e+01
// DEFAULT: compress-fold-calibration{activation-type=u8 stats= symmetric=false}
// DEFAULT: compress-quantize-weights{act-order=true algorithm=rtn bias-correction=false bits=8 block-size=128 damp=1.000000e-01 data= entry= gains=true granularity=per-channel group-size=0 max-error=0.000000e+00 prune=false range=auto refine=0 sequential=true size=0.000000e+00 stats= symmetric=true teacher=true}
// DEFAULT: compress-fuse-qdq{rounding=fixed_point}

// CUSTOM: compress-calibrate{{.*}} method=mse percentile=9.950000e+01
// CUSTOM: compress-fold-calibration{activation-type=i8 stats= symmetric=true}
// CUSTOM: compress-quantize-weights{act-order=true algorithm=gptq bias-correction=false bits=4 block-size=128 damp=1.000000e-01 data={{.*}}Pipelines entry= gains=true granularity=per-tensor group-size=0 max-error=0.000000e+00 prune=false range=mse refine=0 sequential=true size=0.000000e+00 stats= symmetric=true teacher=true}
// CUSTOM: compress-fuse-qdq{rounding=float}

// GROUPS: compress-quantize-weights{act-order=true algorithm=rtn bias-correction=false bits=4 block-size=128 damp=1.000000e-01 data= entry= gains=true granularity=per-channel group-size=32 max-error=0.000000e+00 prune=false range=auto refine=0 sequential=true size=0.000000e+00 stats= symmetric=true teacher=true}

// compress-auto is compress-ptq with GPTQ weights of per-layer widths.
// AUTO: compress-calibrate{{.*}} method=minmax
// AUTO: compress-quantize-weights{act-order=true algorithm=gptq bias-correction=false bits=8 {{.*}}data={{.*}}Pipelines entry= gains=true {{.*}}max-error=0.000000e+00 prune=true {{.*}}size=6.000000e-01
// AUTO: compress-fuse-qdq
// An error bound replaces the size budget.
// AUTO-ERROR: compress-quantize-weights{act-order=true algorithm=gptq bias-correction=false bits=8 {{.*}}data={{.*}}Pipelines {{.*}}max-error=7.500000e-03 prune=false {{.*}}size=0.000000e+00
// AUTO-NOGAINS: compress-quantize-weights{{[{].*}} gains=false {{.*}}

// lower=true (the default) leaves the conversion of the compress ops to
// compress-lower-to-cpu, after compress-cpu-fuse-requantize: converting
// first would keep each GEMM's requantization out of its kernel.
// LOWER: compress-fuse-qdq
// LOWER-NOT: convert-compress-to-linalg
// LOWER: compress-cpu-fuse-requantize
// LOWER: convert-compress-to-linalg
// NOLOWER: compress-fuse-qdq
// NOLOWER-NEXT: convert-compress-to-linalg
// NOLOWER-NOT: compress-cpu-fuse-requantize
// to-linalg=false stops after compress-fuse-qdq: compress-compile lowers
// the fused compress ops as lower=true would.
// FUSED: compress-fuse-qdq
// FUSED-NOT: convert-compress-to-linalg
// FUSED-NOT: compress-cpu

// BAD-GRANULARITY: for the --granularity option: Cannot find option named 'per-row'!
// BAD-METHOD: for the --method option: Cannot find option named 'kl'!
// BAD-ACTIVATION: for the --activation-type option: Cannot find option named 'u4'!
// BAD-ROUNDING: for the --rounding option: Cannot find option named 'nearest'!
// BAD-RANGE: for the --weight-range option: Cannot find option named 'percentile'!

func.func @f() {
  return
}
