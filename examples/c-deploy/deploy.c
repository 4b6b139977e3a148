/* deploy.c - classify images with a model compiled by compress-compile.
 *
 * Plain C, no MLIR or LLVM: the model is a shared library with the C ABI of
 * its generated header. Build (see run.sh):
 *
 *   cc -O2 -DMODEL_HEADER='"model.h"' -DMODEL_FN=main_graph \
 *      -DMODEL_PREFIX=MAIN_GRAPH -I<dir of model.h> deploy.c libmodel.so
 *
 * Usage: deploy IMAGES.npy [LABELS.npy] [LOGITS.npy]
 * IMAGES: float32, N images of the model's input shape (without the batch
 * dimension); LABELS: int64, N classes; LOGITS (written): float32 N x C.
 * Images run in batches of the model's static batch size; the last partial
 * batch is padded with zeros. Prints the accuracy when labels are given.
 */
#include MODEL_HEADER

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define INPUT_SIZE CAT(MODEL_PREFIX, _INPUT0_SIZE)
#define OUTPUT_SIZE CAT(MODEL_PREFIX, _OUTPUT0_SIZE)
#define INPUT_SHAPE CAT(MODEL_PREFIX, _INPUT0_SHAPE)
#define OUTPUT_SHAPE CAT(MODEL_PREFIX, _OUTPUT0_SHAPE)

/* A .npy array: C order, little-endian. */
typedef struct {
  char descr[8];
  long shape[8];
  int rank;
  long count;
  void *data;
} npy_array;

static int fail(const char *what, const char *path) {
  fprintf(stderr, "deploy: %s: %s\n", path, what);
  return 1;
}

static int read_npy(const char *path, npy_array *a) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return fail("cannot open", path);
  unsigned char magic[10];
  if (fread(magic, 1, 10, f) != 10 || memcmp(magic, "\x93NUMPY", 6) != 0)
    return fclose(f), fail("not a .npy file", path);
  unsigned long header_len = magic[8] | (unsigned long)magic[9] << 8;
  if (magic[6] >= 2) { /* version 2 and 3: a 4-byte header length */
    unsigned char more[2];
    if (fread(more, 1, 2, f) != 2)
      return fclose(f), fail("truncated header", path);
    header_len |= (unsigned long)more[0] << 16 | (unsigned long)more[1] << 24;
  }
  if (header_len > 65536)
    return fclose(f), fail("header too long", path);
  char *header = calloc(header_len + 1, 1);
  if (!header || fread(header, 1, header_len, f) != header_len)
    return free(header), fclose(f), fail("truncated header", path);
  const char *d = strstr(header, "'descr':");
  const char *o = strstr(header, "'fortran_order':");
  const char *s = strstr(header, "'shape':");
  if (!d || !o || !s || strstr(o, "True") == o + 17 ||
      sscanf(d + 8, " '%7[^']'", a->descr) != 1)
    return free(header), fclose(f), fail("unsupported header", path);
  s = strchr(s, '(');
  a->rank = 0;
  a->count = 1;
  while (s && *++s != ')') {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s)
      break;
    if (a->rank == 8 || v < 0)
      return free(header), fclose(f), fail("bad shape", path);
    a->shape[a->rank++] = v;
    a->count *= v;
    s = end;
    if (*s != ',')
      --s;
  }
  free(header);
  size_t bytes = strcmp(a->descr, "<f4") == 0   ? 4
                 : strcmp(a->descr, "<i8") == 0 ? 8
                                                : 0;
  if (!bytes)
    return fclose(f), fail("expected float32 or int64 data", path);
  a->data = malloc(bytes * (size_t)(a->count ? a->count : 1));
  if (!a->data ||
      fread(a->data, bytes, (size_t)a->count, f) != (size_t)a->count)
    return fclose(f), fail("truncated data", path);
  fclose(f);
  return 0;
}

static int write_npy(const char *path, const float *data, long rows,
                     long cols) {
  char header[128];
  int n = snprintf(header, sizeof header,
                   "{'descr': '<f4', 'fortran_order': False, "
                   "'shape': (%ld, %ld), }",
                   rows, cols);
  int total = (10 + n + 1 + 63) / 64 * 64; /* aligned to 64 bytes */
  FILE *f = fopen(path, "wb");
  if (!f)
    return fail("cannot write", path);
  unsigned len = (unsigned)(total - 10);
  fwrite("\x93NUMPY\x01\x00", 1, 8, f);
  fputc(len & 0xff, f);
  fputc(len >> 8, f);
  fwrite(header, 1, (size_t)n, f);
  for (int i = 10 + n; i < total - 1; ++i)
    fputc(' ', f);
  fputc('\n', f);
  size_t count = (size_t)(rows * cols);
  int ok = fwrite(data, sizeof(float), count, f) == count;
  return (fclose(f) != 0 || !ok) ? fail("cannot write", path) : 0;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 4) {
    fprintf(stderr, "usage: %s IMAGES.npy [LABELS.npy] [LOGITS.npy]\n",
            argv[0]);
    return 2;
  }
  const long in_shape[] = INPUT_SHAPE, out_shape[] = OUTPUT_SHAPE;
  const long batch = in_shape[0], classes = OUTPUT_SIZE / out_shape[0];
  const long per_image = INPUT_SIZE / batch;
  npy_array images, labels = {0};
  if (read_npy(argv[1], &images))
    return 1;
  if (strcmp(images.descr, "<f4") != 0 || images.rank < 1 ||
      images.count != images.shape[0] * per_image)
    return fail("expected float32 images of the model's input shape", argv[1]);
  const long n = images.shape[0];
  if (argc > 2 && strcmp(argv[2], "-") != 0) {
    if (read_npy(argv[2], &labels))
      return 1;
    if (strcmp(labels.descr, "<i8") != 0 || labels.count != n)
      return fail("expected one int64 label per image", argv[2]);
  }
  float *input = calloc((size_t)INPUT_SIZE, sizeof(float));
  float *output = malloc((size_t)OUTPUT_SIZE * sizeof(float));
  float *logits = malloc((size_t)(n * classes) * sizeof(float) + 1);
  if (!input || !output || !logits)
    return fail("out of memory", argv[1]);
  long correct = 0;
  for (long first = 0; first < n; first += batch) {
    long rows = n - first < batch ? n - first : batch;
    memset(input, 0, (size_t)INPUT_SIZE * sizeof(float));
    memcpy(input, (const float *)images.data + first * per_image,
           (size_t)(rows * per_image) * sizeof(float));
    if (MODEL_FN(input, output) != 0)
      return fail("the model failed", argv[1]);
    memcpy(logits + first * classes, output,
           (size_t)(rows * classes) * sizeof(float));
    for (long r = 0; r < rows && labels.data; ++r) {
      long best = 0;
      for (long c = 1; c < classes; ++c)
        if (output[r * classes + c] > output[r * classes + best])
          best = c;
      correct += best == ((const long long *)labels.data)[first + r];
    }
  }
  if (labels.data)
    printf("accuracy: %ld/%ld = %.2f%%\n", correct, n,
           n ? 100.0 * (double)correct / (double)n : 0.0);
  if (argc > 3 && write_npy(argv[3], logits, n, classes))
    return 1;
  return 0;
}
