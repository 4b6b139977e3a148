// RUN: compress-opt %s -split-input-file -verify-diagnostics --compress-fold-calibration | FileCheck %s --check-prefix=U8
// RUN: compress-opt %s -split-input-file --compress-fold-calibration=activation-type=i8 2>/dev/null | FileCheck %s --check-prefix=I8
// RUN: compress-opt %s -split-input-file --compress-fold-calibration=symmetric=true 2>/dev/null | FileCheck %s --check-prefix=SYM
// RUN: echo '{"observers": [{"id": 0, "min": -1.0, "max": 3.0}]}' > %t.json
// RUN: compress-opt %s -split-input-file --compress-fold-calibration=stats=%t.json 2>/dev/null | FileCheck %s --check-prefix=FILE
// RUN: not compress-opt %s --compress-fold-calibration=stats=%t.missing 2>&1 | FileCheck %s --check-prefix=MISSING
// Malformed stats files: each is an error naming the file and the problem.
// RUN: echo '{"observers": [' > %t.bad1.json
// RUN: not compress-opt %s --compress-fold-calibration=stats=%t.bad1.json 2>&1 | FileCheck %s --check-prefix=NOTJSON
// RUN: echo '{"ranges": []}' > %t.bad2.json
// RUN: not compress-opt %s --compress-fold-calibration=stats=%t.bad2.json 2>&1 | FileCheck %s --check-prefix=NOARRAY
// RUN: echo '{"observers": [{"id": 0, "min": -1.0}]}' > %t.bad3.json
// RUN: not compress-opt %s --compress-fold-calibration=stats=%t.bad3.json 2>&1 | FileCheck %s --check-prefix=FIELDS
// RUN: echo '{"observers": [{"id": 0, "min": 2e308, "max": 1.0}]}' > %t.bad4.json
// RUN: not compress-opt %s --compress-fold-calibration=stats=%t.bad4.json 2>&1 | FileCheck %s --check-prefix=INF
// NOTJSON: error: compress-fold-calibration: '{{.*}}bad1.json': not valid JSON
// NOARRAY: error: compress-fold-calibration: '{{.*}}bad2.json': no "observers" array
// FIELDS: error: compress-fold-calibration: '{{.*}}bad3.json': every observer entry needs numeric "id", "min" and "max"
// INF: error: compress-fold-calibration: '{{.*}}bad4.json': observer 0: "min" and "max" must be finite numbers

// By hand, range [-1, 2]:
//   u8:  scale 3/255 = 0.011764..., zp = 0 - round(-1 / (3/255)) = 85
//   i8:  scale 3/255, zp = -128 + 85 = -43
//   symmetric u8: scale 2/127 = 0.015748..., zp 128
// From the stats file [-1, 3]: scale 4/255 = 0.015686..., zp = round(63.75) = 64.
// U8-LABEL: func.func @observed
// U8: %[[Q:.*]] = compress.quantize %arg0 : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.011764705882352941:85>>
// U8: %[[D:.*]] = compress.dequantize %[[Q]] : tensor<4x!quant.uniform<u8:f32, 0.011764705882352941:85>> -> tensor<4xf32>
// U8: return %[[D]]
// I8-LABEL: func.func @observed
// I8: !quant.uniform<i8:f32, 0.011764705882352941:-43>
// SYM-LABEL: func.func @observed
// SYM: !quant.uniform<u8:f32, 0.015748031496062992:128>
// FILE-LABEL: func.func @observed
// FILE: !quant.uniform<u8:f32, 0.015686274509803921:64>
// MISSING: error: compress-fold-calibration: cannot read '{{.*}}missing'
func.func @observed(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = compress.observe %x {id = 0 : i64, min = -1.0 : f64, max = 2.0 : f64} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// An all-zero range gets scale 1 and a warning; a range without 0 is widened.
// U8-LABEL: func.func @degenerate
// U8: !quant.uniform<u8:f32, 1.000000e+00>
// U8: !quant.uniform<u8:f32, 0.015686274509803921>
func.func @degenerate(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-warning @+1 {{observer 1 only saw zeros; using scale 1}}
  %y = compress.observe %x {id = 1 : i64, min = 0.0 : f64, max = 0.0 : f64} : tensor<4xf32>
  %z = compress.observe %x {id = 2 : i64, min = 2.0 : f64, max = 4.0 : f64} : tensor<4xf32>
  return %y, %z : tensor<4xf32>, tensor<4xf32>
}

// -----

// U8-LABEL: func.func @uncalibrated
// U8: compress.observe
func.func @uncalibrated(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-warning @+1 {{observer 3 has no recorded range (run compress-calibrate first); left in place}}
  %y = compress.observe %x {id = 3 : i64} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// A max pooling's output takes its input observer's range (its values are a
// subset of its inputs), so input and output share one type and the pooling
// can run on storage integers; the narrower range observed at the output
// (2.0, which a percentile calibration may give) is not used.
// U8-LABEL: func.func @max_pool
// U8: compress.quantize %{{.*}} : tensor<1x1x4x4xf32> -> tensor<1x1x4x4x!quant.uniform<u8:f32, 0.015686274509803921>>
// U8: linalg.pooling_nchw_max
// U8: compress.quantize %{{.*}} : tensor<1x1x2x2xf32> -> tensor<1x1x2x2x!quant.uniform<u8:f32, 0.015686274509803921>>
func.func @max_pool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %ox = compress.observe %x {id = 4 : i64, min = 0.0 : f64, max = 4.0 : f64} : tensor<1x1x4x4xf32>
  %window = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x1x2x2xf32>
  %p = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
         ins(%ox, %window : tensor<1x1x4x4xf32>, tensor<2x2xf32>) outs(%e : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %op = compress.observe %p {id = 5 : i64, min = 0.0 : f64, max = 2.0 : f64} : tensor<1x1x2x2xf32>
  return %op : tensor<1x1x2x2xf32>
}
