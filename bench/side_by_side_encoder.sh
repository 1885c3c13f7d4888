#!/usr/bin/env bash
# tokrec embed vs ONNX Runtime (npm onnxruntime-node, CPU), same random-weight
# model, same inputs (batches of 32 × 128 tokens), same number of threads.
# The model is generated on the fly (not committed) by
# tests/golden/gen/gen_encoder_models.py --bench (safetensors for tokrec, the
# same weights exported with torch.onnx.export for ONNX Runtime).
#
#   bench/side_by_side_encoder.sh [PATH/TO/tokrec] [SHAPE...]
#     SHAPE: minilm (6 × 384, default) and/or bert-base (12 × 768)
#   env THREADS (default 2), BATCHES (batches of 32, default 4)
# Needs /usr/bin/python3 with torch + onnx (scripts/setup-reference.sh); installs
# onnxruntime-node into bench/node/node_modules on first use.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
TOKREC="${1:-$SRC/build/tokrec}"
shift || true
SHAPES=("$@")
[[ ${#SHAPES[@]} -eq 0 ]] && SHAPES=(minilm)
THREADS="${THREADS:-2}"
BATCHES="${BATCHES:-4}"
if [[ ! -d "$SRC/bench/node/node_modules/onnxruntime-node" ]]; then
  (cd "$SRC/bench/node" && npm install --ignore-scripts --no-audit --no-fund >&2)
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

for shape in "${SHAPES[@]}"; do
  dir="$TMP/$shape"
  /usr/bin/python3 "$SRC/tests/golden/gen/gen_encoder_models.py" --bench "$dir" --shape "$shape" \
    --batch 32 --length 128 --batches "$BATCHES" 2>/dev/null
  echo "== $shape: $((32 * BATCHES)) sequences × 128 tokens, $THREADS threads"
  # Warm-up run (page cache, lazy mmap), then the best of two.
  "$TOKREC" embed --model "$dir" --input "$dir/inputs.txt" --output "$TMP/out.npy" \
    --threads "$THREADS" --batch-size 32 2>/dev/null
  best=0
  for _ in 1 2; do
    line=$("$TOKREC" embed --model "$dir" --input "$dir/inputs.txt" --output "$TMP/out.npy" \
      --threads "$THREADS" --batch-size 32 --stats 2>&1 >/dev/null)
    tps=$(sed -E 's/.* ([0-9.]+) tokens\/s.*/\1/' <<<"$line")
    best=$(awk -v a="$best" -v b="$tps" 'BEGIN { print (b > a) ? b : a }')
  done
  echo "tokrec fp32: $best tokens/s"
  ort_line=$(cd "$SRC/bench/node" && node ort_encoder.js "$dir" "$THREADS" 2)
  echo "$ort_line"
  ort=$(sed -E 's/.* ([0-9.]+) tokens\/s.*/\1/' <<<"$ort_line")
  awk -v a="$best" -v b="$ort" 'BEGIN { printf "ratio tokrec/onnxruntime (fp32): %.2fx\n", a / b }'
  echo "tokrec bf16 / int8: not implemented yet"
done
