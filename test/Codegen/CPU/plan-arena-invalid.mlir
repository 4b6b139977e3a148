// RUN: compress-opt %s --split-input-file -verify-diagnostics

// compress-cpu-plan-arena's report (compress-compile sums it over call
// depths) is a non-negative integer on a function.
// expected-error @below {{attribute 'compress.arena_bytes' must be a non-negative integer on a function}}
func.func @negative_arena() attributes {compress.arena_bytes = -1 : i64} {
  return
}

// -----

func.func @not_a_function() {
  // expected-error @below {{attribute 'compress.arena_bytes' must be a non-negative integer on a function}}
  %c = arith.constant {compress.arena_bytes = 64 : i64} 0 : i32
  return
}
