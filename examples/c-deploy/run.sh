#!/usr/bin/env bash
# Fashion-MNIST int8 in plain C: compress-compile turns the int8 PTQ model
# of examples/fashion-mnist (run first when its files are missing) into a
# shared library; deploy.c, built with cc, classifies the 10,000 test
# images through the library's C ABI and prints the accuracy; the logits are
# then compared with compress-run's, bit for bit.
#
# Usage: examples/c-deploy/run.sh
# FASHION_MNIST_WORK (default build/fashion-mnist) holds the trained model;
# the library, the program and the outputs go to its c-deploy/ folder.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${COMPRESS_BUILD_DIR:-$ROOT/build}"
WORK="${FASHION_MNIST_WORK:-$BUILD/fashion-mnist}"
MODEL="$WORK/compress/int8-PTQ-minmax-b80.mlir"

if [ ! -f "$MODEL" ] || [ ! -f "$WORK/test_images.npy" ]; then
  echo "== examples/fashion-mnist first (training, PTQ)"
  "$ROOT/examples/fashion-mnist/run.sh" --no-onnxruntime
fi
"$ROOT/scripts/build.sh" --target compress-compile compress-run
OUT="$WORK/c-deploy"
mkdir -p "$OUT"

echo "== compress-compile: $MODEL -> $OUT/libfashion.so"
"$BUILD/bin/compress-compile" "$MODEL" -e main_graph -o "$OUT/libfashion.so" \
  --emit-header="$OUT/model.h"
ls -l "$OUT/libfashion.so"

echo "== cc: deploy.c -> $OUT/deploy"
cc -O2 -Wall -DMODEL_HEADER='"model.h"' -DMODEL_FN=main_graph \
  -DMODEL_PREFIX=MAIN_GRAPH -I"$OUT" "$HERE/deploy.c" "$OUT/libfashion.so" \
  -Wl,-rpath,"$OUT" -o "$OUT/deploy"

echo "== deploy on the test images"
"$OUT/deploy" "$WORK/test_images.npy" "$WORK/test_labels.npy" \
  "$OUT/logits.npy"

echo "== the same model under compress-run"
"$BUILD/bin/compress-run" "$MODEL" --input "$WORK/test_images.npy" \
  --output "$OUT/compress-run.npy" --quiet
/usr/bin/python3 - "$OUT" <<'PY'
import sys
import numpy as np
out = sys.argv[1]
a = np.load(f"{out}/logits.npy")
b = np.load(f"{out}/compress-run.npy").astype(np.float32).reshape(a.shape)
same = a.tobytes() == b.tobytes()
print(f"logits {a.shape}: C library == compress-run bit for bit: {same}")
sys.exit(0 if same else 1)
PY
