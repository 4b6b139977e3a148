// Checks that check_close.py accepts agreeing printouts and rejects
// mismatches, malformed printouts and violated bounds, so the tests relying on
// it cannot pass vacuously. The printouts below imitate mlir-runner's.
//
// RUN: rm -rf %t && split-file %s %t
//
// RUN: %python %S/check_close.py close %t/actual.txt --expected %t/ref.json \
// RUN:   --key values --rtol 1e-4 --atol 1e-4 | FileCheck %s --check-prefix=OK
// OK: check_close.py: ok: 4 values within rtol 0.0001, atol 0.0001 of 'values'
//
// RUN: not %python %S/check_close.py close %t/actual.txt --expected %t/ref.json \
// RUN:   --key shifted --rtol 1e-4 --atol 1e-4 2>&1 | FileCheck %s --check-prefix=OFF
// OFF: check_close.py: 1 mismatch(es):
// OFF-NEXT: at (1, 0): got 3.0, expected 3.001 (shifted)
//
// RUN: not %python %S/check_close.py close %t/nan.txt --expected %t/ref.json \
// RUN:   --key values --rtol 1e-4 --atol 1e-4 2>&1 | FileCheck %s --check-prefix=NAN
// NAN: at (0, 1): got nan, expected 2.0
//
// RUN: not %python %S/check_close.py close %t/short.txt --expected %t/ref.json \
// RUN:   --key values --rtol 1e-4 --atol 1e-4 2>&1 | FileCheck %s --check-prefix=SHORT
// SHORT: header says [2, 2] (4 values) but 3 values were printed
//
// RUN: not %python %S/check_close.py close %t/none.txt --expected %t/ref.json \
// RUN:   --key values --rtol 1e-4 --atol 1e-4 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: expected one printMemref printout, found 0
//
// RUN: %python %S/check_close.py bound %t/actual.txt %t/other.txt \
// RUN:   --expected %t/ref.json --key bound | FileCheck %s --check-prefix=BOUND
// BOUND: check_close.py: ok: 4 differences within the bounds 'bound'
//
// RUN: not %python %S/check_close.py bound %t/actual.txt %t/other.txt \
// RUN:   --expected %t/ref.json --key tight 2>&1 | FileCheck %s --check-prefix=TIGHT
// TIGHT: check_close.py: 1 mismatch(es):
// TIGHT-NEXT: at (1, 1): |-4.0 - -4.5| = 0.5 exceeds the bound 0.4 (tight)

//--- actual.txt
Unranked Memref base@ = 0x55ccca8e7fc0 rank = 2 offset = 0 sizes = [2, 2] strides = [2, 1] data = 
[[1,   2], 
 [3,   -4]]
//--- nan.txt
Unranked Memref base@ = 0x55ccca8e7fc0 rank = 2 offset = 0 sizes = [2, 2] strides = [2, 1] data = 
[[1,   nan], 
 [3,   -4]]
//--- short.txt
Unranked Memref base@ = 0x55ccca8e7fc0 rank = 2 offset = 0 sizes = [2, 2] strides = [2, 1] data = 
[[1,   2], 
 [3]]
//--- none.txt
Error: entry point not found
//--- other.txt
Unranked Memref base@ = 0x562075660dc0 rank = 2 offset = 0 sizes = [2, 2] strides = [2, 1] data = 
[[1.1,   2], 
 [2.9,   -4.5]]
//--- ref.json
{"shape": [2, 2],
 "values": [1.00001, 2.0, 3.0, -4.0],
 "shifted": [1.0, 2.0, 3.001, -4.0],
 "bound": [0.2, 0.0, 0.2, 0.5],
 "tight": [0.2, 0.0, 0.2, 0.4]}
