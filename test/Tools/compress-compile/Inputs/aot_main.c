/* Drives a library compiled by compress-compile from abi.mlir: fills every
 * argument with exactly representable values (the same formula as
 * aot_check.py), calls each function through the generated header, and
 * writes each result's raw bytes to OUTDIR/<function>.result<i>.bin. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>

static void fill_float(float *x, int n, int seed) {
  for (int i = 0; i < n; ++i)
    x[i] = (float)((i * 37 + seed * 11) % 101 - 50) / 16.0f;
}

static void fill_int(int64_t *x, int n, int seed, int64_t lo, int64_t hi) {
  for (int i = 0; i < n; ++i)
    x[i] = lo + (i * 37 + seed * 11) % (hi - lo + 1);
}

static int write_result(const char *dir, const char *name, int index,
                        const void *data, size_t bytes) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.result%d.bin", dir, name, index);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, bytes, f) != bytes) {
    fprintf(stderr, "cannot write %s\n", path);
    return 1;
  }
  return fclose(f) != 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  /* dense: float[4][16] -> float[4][8] */
  static float x[DENSE_INPUT0_SIZE], y[DENSE_OUTPUT0_SIZE];
  fill_float(x, DENSE_INPUT0_SIZE, 0);
  if (dense(x, y) != 0)
    return 1;
  /* int_ops: int32_t[3][5], int8_t[5] -> int32_t[3][5], int64_t[3] */
  static int64_t tmp[64];
  static int32_t a[INT_OPS_INPUT0_SIZE], sum[INT_OPS_OUTPUT0_SIZE];
  static int8_t b[INT_OPS_INPUT1_SIZE];
  static int64_t rows[INT_OPS_OUTPUT1_SIZE];
  fill_int(tmp, INT_OPS_INPUT0_SIZE, 1, -1000, 1000);
  for (int i = 0; i < INT_OPS_INPUT0_SIZE; ++i)
    a[i] = (int32_t)tmp[i];
  fill_int(tmp, INT_OPS_INPUT1_SIZE, 2, -128, 127);
  for (int i = 0; i < INT_OPS_INPUT1_SIZE; ++i)
    b[i] = (int8_t)tmp[i];
  if (int_ops(a, b, sum, rows) != 0)
    return 1;
  /* A null pointer is refused, not dereferenced. */
  if (dense(NULL, y) == 0 || int_ops(a, b, NULL, rows) == 0) {
    fprintf(stderr, "a null pointer was accepted\n");
    return 1;
  }
  return write_result(argv[1], "dense", 0, y, sizeof y) ||
         write_result(argv[1], "int_ops", 0, sum, sizeof sum) ||
         write_result(argv[1], "int_ops", 1, rows, sizeof rows);
}
