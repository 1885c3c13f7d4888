#!/usr/bin/env bash
# tokrec vs Hugging Face tokenizers (Rust core via npm @anush008/tokenizers),
# one thread each, same text, same tokenizer.json (bert-base-uncased, default
# options: [CLS]/[SEP] + the file's truncation/padding to 128).
# Corpus: MovieLens ml-latest-small titles+genres and tags plus the committed
# multilingual random golden inputs, repeated to about 4 MB.
# Prints both encode-only times (tokrec --stats vs. time inside encodeBatch),
# both end-to-end wall times, the speed ratio tokrec/HF, and checks that the
# ids are identical. Then tokrec's batch scaling, 2 threads vs 1.
#
#   bench/side_by_side_tokenize.sh [PATH/TO/tokrec]   (default build/tokrec)
#   env: ROUNDS (15), SCALING (default: bench/bench_batch_scaling beside tokrec)
# Installs the npm reference into tests/golden/gen/node_modules on first use.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
TOKREC="${1:-$SRC/build/tokrec}"
SCALING="${SCALING:-$(dirname "$TOKREC")/bench/bench_batch_scaling}"
ROUNDS="${ROUNDS:-15}"
if [[ ! -d "$SRC/tests/golden/gen/node_modules/@anush008/tokenizers" ]]; then
  (cd "$SRC/tests/golden/gen" && npm install --ignore-scripts --no-audit --no-fund >&2)
fi
CACHE="${TOKREC_CACHE_DATA:-$SRC/data/cache}"
TOK_JSON="$CACHE/tokenizers/bert-base-uncased/tokenizer.json"
ML="$CACHE/movielens/ml-latest-small"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

source "$SRC/bench/lib/corpus.sh"
tokenizer_bench_corpus >"$TMP/corpus.txt"
lines=$(wc -l <"$TMP/corpus.txt")
bytes=$(wc -c <"$TMP/corpus.txt")
echo "corpus: $lines lines, $bytes bytes"

now() { date +%s.%N; }
status=0

# run MODE TOKREC_FLAGS...: one side-by-side measurement.
run() {
  local mode="$1"; shift
  local t0 t1 t2 hf_encode tr_encode hf_wall tr_wall same
  t0=$(now)
  RAYON_NUM_THREADS=1 RAYON_RS_NUM_CPUS=1 TOKENIZERS_PARALLELISM=false \
    node "$SRC/bench/side_by_side_tokenize.js" "$TOK_JSON" "$TMP/corpus.txt" "$TMP/hf.ids" "$mode" >"$TMP/hf.log"
  t1=$(now)
  "$TOKREC" tokenize --tokenizer "$TOK_JSON" --threads 1 --stats "$@" \
    --input "$TMP/corpus.txt" --output "$TMP/tokrec.ids" 2>"$TMP/tokrec.log"
  t2=$(now)
  hf_encode=$(awk '/encode_seconds/ {print $2}' "$TMP/hf.log")
  tr_encode=$(sed -E 's/.*encode ([0-9.]+) s.*/\1/' "$TMP/tokrec.log")
  hf_wall=$(echo "$t1 - $t0" | bc -l)
  tr_wall=$(echo "$t2 - $t1" | bc -l)
  if cmp -s "$TMP/hf.ids" "$TMP/tokrec.ids"; then same="identical"; else same="DIFFERENT"; status=1; fi
  echo "== mode: $mode"
  printf '  HF tokenizers  encode %.3f s (%.2f MB/s)   end-to-end %.3f s\n' "$hf_encode" \
    "$(echo "$bytes / $hf_encode / 1000000" | bc -l)" "$hf_wall"
  printf '  tokrec         encode %.3f s (%.2f MB/s)   end-to-end %.3f s\n' "$tr_encode" \
    "$(echo "$bytes / $tr_encode / 1000000" | bc -l)" "$tr_wall"
  printf '  ratio (tokrec speed / HF speed): encode %.2fx, end-to-end %.2fx; ids %s\n' \
    "$(echo "$hf_encode / $tr_encode" | bc -l)" "$(echo "$hf_wall / $tr_wall" | bc -l)" "$same"
}

run default
run plain --no-special-tokens

# Batch scaling, 2 threads vs 1: Tokenizer::encode_batch_flat in one process
# (bench_batch_scaling: warm, ROUNDS alternating rounds, median of the
# per-round ratios, next to the scaling this machine gives a plain integer
# loop; only meaningful on an otherwise idle machine with 2+ cores).
if [[ -x "$SCALING" ]]; then
  echo "== batch scaling (tokrec alone)"
  printf '  default: %s\n' "$("$SCALING" --tokenizer "$TOK_JSON" --input "$TMP/corpus.txt" --rounds "$ROUNDS" --special-tokens)"
  printf '  plain:   %s\n' "$("$SCALING" --tokenizer "$TOK_JSON" --input "$TMP/corpus.txt" --rounds "$ROUNDS")"
else
  echo "(no $SCALING: build the bench targets for the batch-scaling figure)"
fi
exit $status
