#!/usr/bin/env bash
# tokrec embed (fp32, bf16, int8) vs ONNX Runtime fp32 (npm onnxruntime-node,
# CPU) on the same random-weight model and inputs (batches of 32 × 128 tokens),
# with the same number of threads. The model is generated on the fly (not
# committed) by tests/golden/gen/gen_encoder_models.py --bench (safetensors for
# tokrec, the same weights exported with torch.onnx.export for ONNX Runtime;
# linear weights N(0, 1/in), the scale of trained checkpoints).
#
#   bench/side_by_side_encoder.sh [PATH/TO/tokrec] [SHAPE...]
#     SHAPE: minilm (6 × 384) and/or bert-base (12 × 768); default both
#   env THREADS (default 2), BATCHES (batches of 32, default 4),
#       REPEATS (timed rounds per engine, best kept; default 2; the tokrec
#       dtypes run interleaved, and their ratios are also printed as the
#       median of the per-round ratios)
#
# Per shape it prints tokens/s for each engine, the ratios (all from this one
# run: on a shared machine only ratios taken together mean anything), the
# per-sentence cosine of tokrec bf16 / int8 mean-pooled embeddings against
# tokrec fp32 (min / mean), and the fraction of the CPU's fp32 peak reached.
#
# Peak assumption: THREADS cores × the nominal GHz in the CPU model name (else
# /proc/cpuinfo's "cpu MHz") × 64 fp32 FLOP/cycle = 2 AVX-512 FMA units × 16
# lanes × 2 FLOP (Xeon Gold/Platinum; a 1-FMA-unit part peaks at half, so the
# fraction against 32 FLOP/cycle is printed too). The FLOP count is that of
# the GEMMs (linear layers + attention's Q·Kᵀ and P·V) and the time is the
# whole embed call, so "GEMM fraction of peak" is a lower bound for the GEMMs
# themselves (the rest — softmax, LayerNorm, GELU, quantization — is in the
# time but not in the FLOPs).
# Needs /usr/bin/python3 with torch + onnx (scripts/setup-reference.sh); installs
# onnxruntime-node into bench/node/node_modules on first use.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
TOKREC="${1:-$SRC/build/tokrec}"
shift || true
SHAPES=("$@")
[[ ${#SHAPES[@]} -eq 0 ]] && SHAPES=(minilm bert-base)
THREADS="${THREADS:-2}"
BATCHES="${BATCHES:-4}"
REPEATS="${REPEATS:-2}"
if [[ ! -d "$SRC/bench/node/node_modules/onnxruntime-node" ]]; then
  (cd "$SRC/bench/node" && npm install --ignore-scripts --no-audit --no-fund >&2)
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

ghz=$(sed -nE 's/^model name.*@ *([0-9.]+)GHz.*/\1/p' /proc/cpuinfo | head -1)
[[ -z "$ghz" ]] && ghz=$(awk -F: '/^cpu MHz/ { printf "%.3f", $2 / 1000; exit }' /proc/cpuinfo)
peak=$(awk -v t="$THREADS" -v g="$ghz" 'BEGIN { printf "%.1f", t * g * 64 }')
echo "CPU: $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1); fp32 peak for $THREADS threads:" \
  "$THREADS × $ghz GHz × 64 FLOP/cycle = $peak GFLOP/s (fp32 and int8 products: oneDNN on packed weights if built with it)"

# tokens/s of one `tokrec embed --dtype $1` run, output kept in $TMP/$1.npy.
tokrec_tps() {
  local dtype="$1" dir="$2" line
  line=$("$TOKREC" embed --model "$dir" --input "$dir/inputs.txt" --output "$TMP/$dtype.npy" \
    --threads "$THREADS" --batch-size 32 --dtype "$dtype" --stats 2>&1 >/dev/null)
  sed -E 's/.* ([0-9.]+) tokens\/s.*/\1/' <<<"$line"
}

for shape in "${SHAPES[@]}"; do
  dir="$TMP/$shape"
  /usr/bin/python3 "$SRC/tests/golden/gen/gen_encoder_models.py" --bench "$dir" --shape "$shape" \
    --batch 32 --length 128 --batches "$BATCHES" 2>/dev/null
  read -r H L I < <(/usr/bin/python3 -c "import json,sys; c=json.load(open(sys.argv[1])); \
print(c['hidden_size'], c['num_hidden_layers'], c['intermediate_size'])" "$dir/config.json")
  echo "== $shape (H $H, $L layers, I $I): $((32 * BATCHES)) sequences × 128 tokens, $THREADS threads"
  # The three dtypes run in turn, REPEATS rounds (after one warm-up round:
  # page cache, oneDNN JIT), so that a slow patch of a shared machine hits
  # all of them; tokens/s are the best of the rounds, and each ratio is also
  # given as the median of its per-round ratios.
  : > "$TMP/rounds.txt"
  for r in $(seq 0 "$REPEATS"); do
    round="$(tokrec_tps fp32 "$dir") $(tokrec_tps bf16 "$dir") $(tokrec_tps int8 "$dir")"
    [[ $r -gt 0 ]] && echo "$round" >> "$TMP/rounds.txt"
  done
  read -r fp32 bf16 int8 < <(awk '{ for (i = 1; i <= 3; ++i) if ($i > b[i]) b[i] = $i }
    END { print b[1], b[2], b[3] }' "$TMP/rounds.txt")
  read -r bf16_med int8_med < <(/usr/bin/python3 -c "
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
print('%.2f %.2f' % (statistics.median(r[1] / r[0] for r in rows), statistics.median(r[2] / r[0] for r in rows)))" \
    "$TMP/rounds.txt")
  ort_line=$(cd "$SRC/bench/node" && node ort_encoder.js "$dir" "$THREADS" "$REPEATS")
  ort=$(sed -E 's/.* ([0-9.]+) tokens\/s.*/\1/' <<<"$ort_line")
  printf "tokrec fp32: %s tokens/s\ntokrec bf16: %s tokens/s\ntokrec int8: %s tokens/s\nonnxruntime fp32: %s tokens/s\n" \
    "$fp32" "$bf16" "$int8" "$ort"
  awk -v f="$fp32" -v b="$bf16" -v i="$int8" -v o="$ort" 'BEGIN {
    printf "ratios: tokrec fp32 / onnxruntime fp32 = %.2fx, bf16 / fp32 = %.2fx, int8 / fp32 = %.2fx, int8 / onnxruntime fp32 = %.2fx\n",
      f / o, b / f, i / f, i / o }'
  echo "per-round medians ($REPEATS interleaved rounds): bf16 / fp32 = ${bf16_med}x, int8 / fp32 = ${int8_med}x"
  /usr/bin/python3 - "$TMP" <<'PY'
import sys
import numpy as np
d = sys.argv[1]
a = np.load(d + "/fp32.npy").astype(np.float64)
for name in ("bf16", "int8"):
    b = np.load(d + "/%s.npy" % name).astype(np.float64)
    c = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    print("cosine %s vs fp32 (mean pooling, per sentence): min %.6f mean %.6f" % (name, c.min(), c.mean()))
PY
  # GEMM FLOP per token: linear layers 2·L·(4H² + 2HI), attention 2·L·2·T·H (T = 128).
  awk -v H="$H" -v L="$L" -v I="$I" -v f="$fp32" -v o="$ort" -v p="$peak" 'BEGIN {
    flop = 2 * L * (4 * H * H + 2 * H * I) + 4 * L * 128 * H
    printf "GEMM GFLOP/s (FLOP of the GEMMs / whole embed time): tokrec fp32 %.1f = %.1f%% of peak (%.1f%% of a 32 FLOP/cycle peak), onnxruntime fp32 %.1f = %.1f%%\n",
      flop * f / 1e9, 100 * flop * f / 1e9 / p, 200 * flop * f / 1e9 / p, flop * o / 1e9, 100 * flop * o / 1e9 / p }'
done
